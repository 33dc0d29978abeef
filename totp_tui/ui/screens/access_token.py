"""The other way in: a signed-in user's access token, pasted."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Static

from totp_tui.ui.screens.base import WizardScreen
from totp_tui.ui.widgets.field_label import FieldLabel
from totp_tui.ui.widgets.inputs import PasswordInput
from totp_tui.ui.widgets.status_line import StatusLine
from totp_tui.ui.widgets.title_bar import TitleBar


class AccessTokenScreen(WizardScreen):
    BINDINGS = [
        Binding("enter", "submit", "Continue", show=True),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(classes="card", id="token-card") as card:
            card.border_title = "Access token"
            yield Static(
                "Paste the access token of a signed-in user (from your app or the AWS CLI). "
                "It sets up a new authenticator for that user, replacing any old one. "
                "TOTP_TUI_ACCESS_TOKEN works too and keeps it off the screen.",
                classes="explain",
            )
            yield FieldLabel("Access token", classes="first")
            yield PasswordInput(id="token")
            yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(PasswordInput).focus()

    def submit(self) -> None:
        token = self.query_one(PasswordInput).value.strip()
        if not token:
            self.status.error("Paste the access token.")
            return
        self.wizard.use_access_token(self, token)

    def show_error(self, message: str) -> None:
        super().show_error(message)
        self.wipe()

    def wipe(self) -> None:
        self.query_one(PasswordInput).wipe()
