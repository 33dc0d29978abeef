"""A new password with a code Cognito sends: after an administrator reset the password
(PasswordResetRequiredException), or when the person forgot it. Then straight on into a
sign-in with the new password."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Input, Static

from totp_tui.ui.screens.base import WizardScreen
from totp_tui.ui.screens.new_password import typed_new_password
from totp_tui.ui.widgets.code_input import CodeInput
from totp_tui.ui.widgets.field_label import FieldLabel
from totp_tui.ui.widgets.inputs import PasswordInput
from totp_tui.ui.widgets.status_line import StatusLine
from totp_tui.ui.widgets.title_bar import TitleBar

LONGEST_CODE = 8


class PasswordResetScreen(WizardScreen):
    BINDINGS = [
        Binding("enter", "submit", "Set password", show=True),
        Binding("ctrl+r", "send_code", "Send a code", show=True),
    ]

    def __init__(self, account: str, message: str = "") -> None:
        super().__init__()
        self._account = account
        self._message = message

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(classes="card", id="reset-card") as card:
            card.border_title = "Reset password"
            yield Static(
                f"{self._message + ' ' if self._message else ''}Ctrl+R sends a code to the "
                f"email or phone of {self._account}; if you have one already, type it.",
                classes="explain",
                markup=False,
            )
            # One row each: a two-line message must still fit at 80x24.
            yield FieldLabel("Code", classes="first")
            yield CodeInput(id="code", longest=LONGEST_CODE, compact=True)
            yield FieldLabel("New password")
            yield PasswordInput(id="new-password", compact=True)
            yield FieldLabel("Confirm new password")
            yield PasswordInput(id="confirm-password", compact=True)
            yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(CodeInput).focus()

    def action_send_code(self) -> None:
        if not self.in_flight:
            self.wizard.recovery.send_reset_code(self)

    def submit(self) -> None:
        code_field = self.query_one(CodeInput)
        code = code_field.code
        if code is None:
            self.status.error("Type the code from the message (6 to 8 digits), or press Ctrl+R.")
            code_field.focus()
            return
        new_password = typed_new_password(self)
        if new_password is not None:
            self.wizard.recovery.reset_password(self, code, new_password)

    def show_error(self, message: str) -> None:
        super().show_error(message)
        if "code" in message.lower():
            # The code was wrong or old: it goes, and the passwords, not yet taken, stay.
            code = self.query_one(CodeInput)
            code.value = ""
            code.focus()
            return
        self.query_one("#new-password", PasswordInput).wipe()
        self.query_one("#confirm-password", PasswordInput).wipe()
        self.query_one("#new-password", Input).focus()

    def wipe(self) -> None:
        self.query_one(CodeInput).value = ""
        self.query_one("#new-password", PasswordInput).wipe()
        self.query_one("#confirm-password", PasswordInput).wipe()
