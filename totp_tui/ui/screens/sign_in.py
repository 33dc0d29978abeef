"""Sign-in: the first screen, username focused."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from totp_tui.ui.screens.base import WizardScreen
from totp_tui.ui.widgets.field_label import FieldLabel
from totp_tui.ui.widgets.inputs import FormField, PasswordInput
from totp_tui.ui.widgets.status_line import StatusLine
from totp_tui.ui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from totp_tui.ui.start_options import DemoNotice


# Cognito's limit for a username (and for the email or phone alias typed instead).
MAX_USERNAME = 128


def same_name(typed: str, username: str) -> bool:
    """Is `typed` the username again? Cognito's usernames are case-insensitive in pools made
    since 2020 (and aliases always are); spaces around a name are never part of it."""
    return typed.strip().casefold() == username.strip().casefold()


class SignInScreen(WizardScreen):
    # Not priority bindings: Enter must come after the characters typed before it.
    BINDINGS = [
        Binding("enter", "submit", "Sign in", show=True),
        Binding("ctrl+o", "access_token", "Access token", show=True),
        Binding("ctrl+r", "reset_password", "Forgot password", show=True),
        # Nowhere to go back to from here: Escape empties the form (in kiosk mode, the next
        # person). Not in the footer, which has no room left at 80 columns.
        Binding("escape", "back", "Clear", show=False),
    ]

    def __init__(
        self,
        pool_description: str,
        username: str = "",
        message: str = "",
        demo: DemoNotice | None = None,
        ok: bool = False,
    ) -> None:
        super().__init__()
        self._pool_description = pool_description
        self._username = username
        self._message = message
        self._message_ok = ok  # good news (an account confirmed), not a failure
        self._waiting_for: Input | None = None  # the field a message asked for
        self._demo = demo

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(classes="card", id="sign-in-card") as card:
            card.border_title = "Sign in"
            yield Static(self._pool_description, classes="pool", markup=False)
            yield FieldLabel("Username", classes="first")
            # Focus never selects the name: the next key would replace it, and someone typing
            # their password there would put it, in clear, in place of their name.
            yield FormField(
                value=self._username,
                placeholder="name or email",
                id="username",
                select_on_focus=False,
            )
            yield FieldLabel("Password")
            yield PasswordInput(id="password")
            yield StatusLine(self._message, id="status")
        if self._demo:
            with Vertical(classes="card demo", id="demo-notice") as notice:
                notice.border_title = "Local demo Cognito"
                yield Static(
                    f"Username: {self._demo.username}\n"
                    f"Temporary password: {self._demo.temporary_password}",
                    markup=False,
                )

    def on_mount(self) -> None:
        # The footer comes right after the first paint (queued behind the screen's first
        # layout), which people wait for on every start: it has only what signing in needs
        # (start-up is measured). Any later, and its layout costs a full repaint of its own,
        # ~5 KB more on a slow link.
        self.call_later(self._add_footer)
        if self._message:
            self.status.show(self._message, "ok" if self._message_ok else "error")
        self._focus_first_empty()

    def _focus_first_empty(self) -> None:
        """The keyboard contract: the first empty field has focus, so a prefilled username
        (the demo, --username, a profile, the way back after an expired session) is not
        where the password gets typed."""
        username = self.query_one("#username", Input)
        if username.value:
            self.query_one("#password", PasswordInput).focus()
        else:
            username.focus()

    def leaving_secret_field(self, field: Input) -> None:
        """The name typed again: on a prefilled form the focus is in Password, and auto-type
        (or habit) types `name Tab password`. The name lands, hidden, in Password; the Tab
        stays there (it never wraps into the shown Username), and it is the moment to see
        that what Password holds is just the name. It goes, so the password typed next is
        the whole of the field and Enter signs in."""
        username = self.query_one("#username", Input).value
        if username and same_name(field.value, username):
            field.value = ""

    def go_back(self) -> None:
        if self.wizard.kiosk:
            self.wizard.back_to_sign_in()  # the next person: everything of this one goes
            return
        self.wipe()
        self.status.clear()
        self.query_one("#username", Input).focus()

    def has_input(self) -> bool:
        """Has someone typed anything here (kiosk mode clears it when they walk away)?"""
        return any(field.value for field in self.query(Input))

    def action_access_token(self) -> None:
        self.wipe()
        self.wizard.ask_access_token()

    def action_reset_password(self) -> None:
        username = self.query_one("#username", Input).value.strip()
        if not username:
            self.status.error("Type your username, then press Ctrl+R to reset the password.")
            self.query_one("#username", Input).focus()
            return
        self.wipe()
        self.wizard.recovery.start_password_reset(username)

    async def _add_footer(self) -> None:
        from textual.widget import MountError
        from textual.widgets import Footer

        if not self.is_attached or not self.app.is_running:
            return  # left already (a quick Ctrl+Q): nothing to add it to
        try:
            await self.mount(Footer())
        except MountError:
            return  # the app is closing under us
        self.refresh_bindings()  # a footer mounted late shows its keys only on this signal

    def submit(self) -> None:
        username_input = self.query_one("#username", Input)
        username = username_input.value.strip()
        password_input = self.query_one("#password", PasswordInput)
        if len(username) > MAX_USERNAME:
            self._ask_for(
                username_input,
                f"A username has at most {MAX_USERNAME} characters; this one has {len(username)}.",
            )
            return
        if self.focused is username_input and username and not password_input.value:
            password_input.focus()  # Enter after the username moves on, as in most forms
            return
        if not username:
            self._ask_for(username_input, "Type your username.")
            return
        if not password_input.value:
            self._ask_for(password_input, "Type your password.")
            return
        self.wizard.sign_in(self, username, password_input.value)

    def _ask_for(self, field: Input, message: str) -> None:
        """Say what the field needs; the message goes as soon as the field changes."""
        self.status.error(message)
        self._waiting_for = field
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self._waiting_for and not self.in_flight:
            self._waiting_for = None
            self.status.clear()

    def show_error(self, message: str) -> None:
        super().show_error(message)
        # The password was wrong or the request failed: it has to be typed again anyway.
        password = self.query_one("#password", PasswordInput)
        password.wipe()
        password.focus()

    def wipe(self) -> None:
        """Leaving this screen: the username goes too. The first sign-in screen is Textual's
        default screen, which stays alive for the whole run (kiosk mode: all day)."""
        self.query_one("#password", PasswordInput).wipe()
        self.query_one("#username", Input).value = ""
