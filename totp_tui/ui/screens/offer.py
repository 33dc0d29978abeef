"""A question with one way forward: replace the authenticator, or set one up now."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Static

from totp_tui.ui.screens.base import WizardScreen
from totp_tui.ui.widgets.status_line import StatusLine
from totp_tui.ui.widgets.title_bar import TitleBar


class OfferScreen(WizardScreen):
    CSS = """
    #offer-card .explain { margin-top: 1; }
    """

    BINDINGS = [
        Binding("enter", "accept", "Continue", show=True),
        Binding("q", "finish", "Done", show=True),
    ]

    def __init__(
        self, title: str, message: str, accept_label: str, accept: Callable[[WizardScreen], None]
    ) -> None:
        super().__init__()
        self._title = title
        self._message = message
        self._accept = accept
        self._accept_label = accept_label

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(classes="card", id="offer-card") as card:
            card.border_title = self._title
            yield Static(self._message, markup=False)
            yield Static(f"Press Enter to {self._accept_label}.", classes="explain")
            yield StatusLine(id="status")
        yield Footer()

    def action_accept(self) -> None:
        if not self.in_flight:
            self._accept(self)

    def action_finish(self) -> None:
        self.wizard.finish()
