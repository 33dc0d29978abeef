"""Sign-in with the code Cognito sent by SMS or email: the factor the account uses today."""

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

# Cognito's MFA codes by SMS have 6 digits; email codes (EMAIL_OTP) may have 8.
LONGEST_CODE = 8


def where_it_went(factor: str, destination: str) -> str:
    """ "by text message to +*******0123": the destination as Cognito masked it."""
    by = {"SMS": "by text message", "email": "by email"}.get(factor, f"by {factor}")
    return f"{by} to {destination}" if destination else by


class OtherCodeScreen(WizardScreen):
    BINDINGS = [
        Binding("enter", "submit", "Sign in", show=True),
        # A new code needs a new sign-in: Cognito sends one per sign-in.
        Binding("ctrl+r", "new_code", "New code", show=True),
    ]

    def __init__(self, account: str, factor: str, destination: str) -> None:
        super().__init__()
        self._account = account
        self._factor = factor
        self._destination = destination

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(classes="card", id="other-code-card") as card:
            card.border_title = f"Code by {self._factor}"
            yield Static(
                f"{self._account} signs in with a code by {self._factor} today. Cognito "
                f"has sent one {where_it_went(self._factor, self._destination)}. Type it "
                "to sign in; then you can move to an authenticator app.",
                classes="explain",
                markup=False,
            )
            medium = "email" if self._factor == "email" else "message"
            yield FieldLabel(f"Code from the {medium}", classes="first")
            yield CodeInput(id="code", longest=LONGEST_CODE)
            yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(CodeInput).focus()

    def submit(self) -> None:
        code = self.query_one(CodeInput).code
        if code is None:
            self.status.error(f"Type the code Cognito sent by {self._factor} (6 to 8 digits).")
            return
        self.wizard.answer_other_code(self, code)

    def action_new_code(self) -> None:
        if not self.in_flight:
            self.wizard.restart(
                f"Sign in again: Cognito sends a new code by {self._factor} each time.",
                ok=True,
            )

    def show_error(self, message: str) -> None:
        super().show_error(message)
        self.query_one(CodeInput).value = ""

    def wipe(self) -> None:
        self.query_one(CodeInput).value = ""
