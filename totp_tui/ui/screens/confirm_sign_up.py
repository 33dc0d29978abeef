"""A self-service sign-up not confirmed yet (UserNotConfirmedException): the code from the
sign-up message, or a new one."""

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

LONGEST_CODE = 8


class ConfirmSignUpScreen(WizardScreen):
    BINDINGS = [
        Binding("enter", "submit", "Confirm", show=True),
        Binding("ctrl+r", "send_code", "New code", show=True),
    ]

    def __init__(self, account: str, message: str = "") -> None:
        super().__init__()
        self._account = account
        self._message = message

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(classes="card", id="confirm-card") as card:
            card.border_title = "Confirm the account"
            yield Static(
                f"{self._message + ' ' if self._message else ''}The code came with the "
                f"sign-up of {self._account}. If it is lost or expired, press Ctrl+R for a "
                "new one.",
                classes="explain",
                markup=False,
            )
            yield FieldLabel("Code", classes="first")
            yield CodeInput(id="code", longest=LONGEST_CODE)
            yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(CodeInput).focus()

    def action_send_code(self) -> None:
        if not self.in_flight:
            self.wizard.recovery.send_sign_up_code(self)

    def submit(self) -> None:
        code = self.query_one(CodeInput).code
        if code is None:
            self.status.error("Type the code from the sign-up message (6 to 8 digits).")
            return
        self.wizard.recovery.confirm_sign_up(self, code)

    def show_error(self, message: str) -> None:
        super().show_error(message)
        self.query_one(CodeInput).value = ""

    def wipe(self) -> None:
        self.query_one(CodeInput).value = ""
