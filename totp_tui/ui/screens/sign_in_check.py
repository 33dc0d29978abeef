"""Proving it works: a fresh sign-in that must ask for, and accept, a code from the new app."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Static

from totp_tui.ui.screens.base import WizardScreen
from totp_tui.ui.widgets.code_input import CodeInput
from totp_tui.ui.widgets.field_label import FieldLabel
from totp_tui.ui.widgets.inputs import PasswordInput
from totp_tui.ui.widgets.status_line import StatusLine
from totp_tui.ui.widgets.title_bar import TitleBar


class SignInCheckScreen(WizardScreen):
    BINDINGS = [
        Binding("enter", "submit", "Test", show=True),
    ]

    def __init__(self, account: str) -> None:
        super().__init__()
        self._account = account

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(classes="card", id="test-card") as card:
            card.border_title = "Test sign-in"
            yield Static(
                f"Sign in as {self._account} once more, with a NEW code from the app: "
                "Cognito refuses a code that was used already, so wait until the app shows "
                "the next one.",
                classes="explain",
                markup=False,
            )
            yield FieldLabel("Password", classes="first")
            yield PasswordInput(id="password")
            yield FieldLabel("New code from the app")
            yield CodeInput(id="code")
            yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(PasswordInput).focus()

    def submit(self) -> None:
        password = self.query_one(PasswordInput)
        code_field = self.query_one(CodeInput)
        if not password.value:
            password.focus()
            return
        if self.focused is password and not code_field.value:
            code_field.focus()
            return
        code = code_field.code
        if code is None:
            self.status.error("Type the 6-digit code the app shows now.")
            code_field.focus()
            return
        self.wizard.test_sign_in(self, password.value, code)

    def show_error(self, message: str) -> None:
        super().show_error(message)
        self.query_one(CodeInput).value = ""

    def passed(self) -> None:
        self.finish()
        self.wipe()
        self.status.show(
            "It works: Cognito asked for a code and accepted the one from your app. "
            "Press Escape to go back, then Enter to finish.",
            "ok",
        )

    def go_back(self) -> None:
        """Back one step: the Enrolled screen, where Enter finishes."""
        self.wizard.back_to_enrolled()

    def wipe(self) -> None:
        self.query_one(PasswordInput).wipe()
        self.query_one(CodeInput).value = ""
