"""A password input that keeps its content to itself."""

from __future__ import annotations

from textual.widgets import Input


class PasswordInput(Input):
    """A masked input whose content never reaches the clipboard.

    Textual's Input copies and cuts its value with OSC 52 even when it is masked; on a shared
    terminal that puts a password in the system clipboard.
    """

    def __init__(self, *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, password=True, id=id)

    def action_copy(self) -> None:
        self.notify("Passwords are not copied.", severity="warning", timeout=2)

    def action_cut(self) -> None:
        self.action_copy()

    def wipe(self) -> None:
        self.value = ""
