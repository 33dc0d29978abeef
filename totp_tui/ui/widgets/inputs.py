"""Inputs with the rules a password and a 6-digit code need."""

from __future__ import annotations

from textual.widgets import Input

from totp_tui.totp import normalise_code


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


class CodeInput(Input):
    """Six ASCII digits. Spaces are allowed while typing or pasting ("123 456", as apps show
    codes) and dropped by `code`."""

    def __init__(self, *, id: str | None = None) -> None:
        # [0-9] rather than \\d: \\d also matches Arabic-Indic and other digits.
        super().__init__(placeholder="123456", restrict=r"[0-9\s]*", max_length=16, id=id)

    @property
    def code(self) -> str | None:
        return normalise_code(self.value)
