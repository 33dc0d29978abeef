"""The last screens: enrolled, or a clear stop with what to do next."""

from __future__ import annotations

from typing import cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from totp_tui.ui.screens.base import Wizard


class DoneScreen(Screen[None]):
    """Enrolled. No QR and no key here: they are gone with the enrol screen."""

    BINDINGS = [
        Binding("enter", "app.quit", "Finish", show=True),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(self, account: str) -> None:
        super().__init__()
        self._account = account

    def compose(self) -> ComposeResult:
        yield Static("totp-tui · set up an authenticator app", classes="title-bar")
        with Vertical(classes="card -ok", id="done-card") as card:
            card.border_title = "Enrolled"
            yield Static(
                f"✔ {self._account} is enrolled in authenticator-app MFA.",
                classes="heading",
                markup=False,
            )
            yield Static(
                "From the next sign-in on, Cognito asks for the 6-digit code your app "
                "shows for this account.\n\n"
                "Keep the app: without it you cannot sign in. If the phone is lost, an "
                "administrator can reset your MFA."
            )
        yield Footer()


class StopScreen(Screen[None]):
    """Nothing more this wizard can do for this account; the message says why."""

    BINDINGS = [
        Binding("enter", "restart", "Sign in again", show=True),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self._title = title
        self._message = message

    def compose(self) -> ComposeResult:
        yield Static("totp-tui · set up an authenticator app", classes="title-bar")
        with Vertical(classes="card -stop", id="stop-card") as card:
            card.border_title = self._title
            yield Static(self._message, markup=False)
        yield Footer()

    def action_restart(self) -> None:
        cast(Wizard, self.app).restart()
