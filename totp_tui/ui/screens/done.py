"""The last screens: enrolled, or a clear stop with what to do next."""

from __future__ import annotations

from typing import cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from totp_tui.ui.screens.base import Wizard, WizardScreen
from totp_tui.ui.widgets.field_label import FieldLabel
from totp_tui.ui.widgets.inputs import FormField
from totp_tui.ui.widgets.status_line import StatusLine
from totp_tui.ui.widgets.title_bar import TitleBar


class DoneScreen(WizardScreen):
    """Enrolled. No QR and no key here: they are gone with the enrol screen.

    `offer_save`: the settings came from the command line and may be saved as a profile;
    `note`: one line about profiles (saved, or why they cannot be saved here).
    """

    CSS = """
    .card.-ok { border: round $success; }
    #done-card StatusLine { margin-top: 1; }
    """

    BINDINGS = [
        Binding("enter", "submit", "Finish", show=True),
        Binding("ctrl+r", "test_sign_in", "Test sign-in", show=True),
        # Back is a new sign-in (the next account); Enter finishes.
        Binding("escape", "back", "Sign in again", show=True),
    ]

    def __init__(
        self,
        account: str,
        offer_save: bool = False,
        note: str = "",
        *,
        moved_from: str = "",
        kept: bool = False,
    ) -> None:
        super().__init__()
        self._account = account
        self._offer_save = offer_save
        self._note = note
        self._moved_from = moved_from  # "SMS" or "email": what the app took over from
        self._kept = kept

    def _what_changes(self) -> str:
        if not self._moved_from:
            return (
                "From the next sign-in on, Cognito asks for the 6-digit code your app "
                "shows for this account."
            )
        other = f"{self._moved_from} codes"
        then = (
            f"{other} stay on as a second option (an administrator can make them the "
            "preferred factor again)."
            if self._kept
            else f"{other} are turned off for this account."
        )
        return (
            "From the next sign-in on, Cognito asks for the 6-digit code your app shows "
            f"instead of sending one by {self._moved_from}. {then[0].upper()}{then[1:]}"
        )

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(classes="card -ok", id="done-card") as card:
            card.border_title = "Enrolled"
            yield Static(
                f"✔ {self._account} is enrolled in authenticator-app MFA.",
                classes="heading",
                markup=False,
            )
            yield Static(
                f"{self._what_changes()}\n\n"
                "Keep the app: without it you cannot sign in. If the phone is lost, ask "
                "the user pool's administrator for help.",
                markup=False,
            )
            if self._offer_save:
                yield FieldLabel("Save these settings as a profile? Type a name, or leave it empty")
                yield FormField(placeholder="e.g. work", id="profile-name", compact=True)
            yield StatusLine(self._note, id="status")
        yield Footer()

    def on_mount(self) -> None:
        if self._offer_save:
            self.query_one("#profile-name", Input).focus()

    def action_test_sign_in(self) -> None:
        self.wizard.start_test_sign_in()

    def show_saved(self, message: str) -> None:
        """The profile was saved back after enrolment."""
        self.finish()
        self.status.show(message, "ok")

    def submit(self) -> None:
        name = self.query_one("#profile-name", Input).value.strip() if self._offer_save else ""
        if not name:
            self.wizard.finish()
            return

        def saved(message: str) -> None:
            self.finish()
            self._offer_save = False
            self.query_one("#profile-name", Input).disabled = True
            self.status.show(f"{message} Press Enter to finish.", "ok")

        self.wizard.save_settings(self, name, saved)


class StopScreen(Screen[None]):
    """Nothing more this wizard can do for this account; the message says why."""

    CSS = """
    .card.-stop { border: round $warning; }
    """

    BINDINGS = [
        Binding("enter,escape", "restart", "Sign in again", show=True),
        Binding("q", "finish", "Quit", show=False),
    ]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self._title = title
        self._message = message

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(classes="card -stop", id="stop-card") as card:
            card.border_title = self._title
            yield Static(self._message, markup=False)
        yield Footer()

    def action_restart(self) -> None:
        self._wizard().back_to_sign_in()

    def action_finish(self) -> None:
        self._wizard().finish()

    def _wizard(self) -> Wizard:
        return cast(Wizard, getattr(self.app, "wizard"))  # noqa: B009
