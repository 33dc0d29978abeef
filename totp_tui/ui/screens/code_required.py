"""The account is enrolled already: Cognito asks for a code from the current app."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Static

from totp_tui.ui.screens.base import WizardScreen
from totp_tui.ui.widgets.code_input import CodeInput
from totp_tui.ui.widgets.field_label import FieldLabel
from totp_tui.ui.widgets.status_line import StatusLine
from totp_tui.ui.widgets.title_bar import TitleBar


class CodeRequiredScreen(WizardScreen):
    BINDINGS = [Binding("enter", "submit", "Sign in", show=True)]

    def __init__(self, account: str) -> None:
        super().__init__()
        self._account = account

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(classes="card", id="code-card") as card:
            card.border_title = "Sign-in code"
            yield Static(
                f"{self._account} already has an authenticator app. Type the 6-digit code it "
                "shows now to sign in; then you can replace it.",
                classes="explain",
                markup=False,
            )
            yield FieldLabel("Code from your current app", classes="first")
            yield CodeInput(id="code")
            yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(CodeInput).focus()

    def submit(self) -> None:
        code = self.query_one(CodeInput).code
        if code is None:
            self.status.error("Type the 6-digit code your current app shows.")
            return
        self.wizard.answer_code(self, code)

    def show_error(self, message: str) -> None:
        super().show_error(message)
        self.query_one(CodeInput).value = ""
