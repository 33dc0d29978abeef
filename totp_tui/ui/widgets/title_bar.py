"""The line at the top of every wizard screen but the enrol screen (which needs the row)."""

from __future__ import annotations

from textual.widgets import Static

TITLE = "totp-tui · set up an authenticator app"


class TitleBar(Static):
    def __init__(self) -> None:
        super().__init__(TITLE, classes="title-bar", markup=False)
