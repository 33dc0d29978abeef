"""What every wizard screen shares: a status line and a guard against double submits."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, cast

from textual.screen import Screen

from totp_tui.sentences import as_sentence
from totp_tui.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from totp_tui.profiles import Profile, ProfileDraft


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th... 11th, 12th, 13th, 21st."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


class ProfileDesk(Protocol):
    """What the profile screens ask for (ui/profile_requests.py): keyring work, answered
    later on the UI thread."""

    def show_profiles(self, selected: str | None = None) -> None: ...

    def load_profiles(self, screen: WizardScreen) -> None: ...

    def use_profile(self, screen: WizardScreen, profile: Profile) -> None: ...

    def edit_profile(self, profile: Profile | None, save: bool) -> None: ...

    def save_profile(self, screen: WizardScreen, draft: ProfileDraft) -> None: ...

    def use_draft_once(self, screen: WizardScreen, draft: ProfileDraft) -> None: ...

    def delete_profile(self, screen: WizardScreen, name: str) -> None: ...


class RecoveryDesk(Protocol):
    """Password reset and sign-up confirmation (ui/recovery_requests.py)."""

    def start_password_reset(self, username: str, message: str = "") -> None: ...

    def send_reset_code(self, screen: WizardScreen) -> None: ...

    def reset_password(self, screen: WizardScreen, code: str, new_password: str) -> None: ...

    def send_sign_up_code(self, screen: WizardScreen) -> None: ...

    def confirm_sign_up(self, screen: WizardScreen, code: str) -> None: ...


class Wizard(Protocol):
    """What screens ask of the wizard (ui/controller.py). Each request returns at once; its
    answer comes later, on the UI thread, to the screen that asked if it is still shown."""

    @property
    def profiles(self) -> ProfileDesk: ...

    @property
    def recovery(self) -> RecoveryDesk: ...

    def sign_in(self, screen: WizardScreen, username: str, password: str) -> None: ...

    def set_new_password(
        self, screen: WizardScreen, new_password: str, attributes: dict[str, str]
    ) -> None: ...

    def verify_code(self, screen: WizardScreen, code: str, device_name: str = "") -> None: ...

    def answer_code(self, screen: WizardScreen, code: str) -> None: ...

    def answer_other_code(self, screen: WizardScreen, code: str) -> None: ...

    def choose_factor(self, screen: WizardScreen, choice: str) -> None: ...

    def enrol_signed_in(self, screen: WizardScreen, keep_other: bool = True) -> None: ...

    def ask_access_token(self) -> None: ...

    def use_access_token(self, screen: WizardScreen, access_token: str) -> None: ...

    def start_test_sign_in(self) -> None: ...

    def test_sign_in(self, screen: WizardScreen, password: str, code: str) -> None: ...

    def save_settings(
        self, screen: WizardScreen, name: str, done: Callable[[str], None]
    ) -> None: ...

    def restart(self, message: str = "", ok: bool = False) -> None: ...

    def finish(self) -> None: ...


class WizardScreen(Screen[None]):
    """A screen that sends one request at a time and shows its progress and its errors."""

    def __init__(self) -> None:
        super().__init__()
        self.in_flight = False
        # Keys typed before the screen is set up wait for it (ui/key_order.py).
        self.takes_keys = False
        self.last_error = ""  # the last error shown, and how many times in a row
        self.error_repeats = 0

    def on_mount(self) -> None:
        # Runs after the screen's own on_mount, which asked for its first field's focus:
        # keys handed on from now on reach that field.
        self.takes_keys = True

    @property
    def wizard(self) -> Wizard:
        return cast(Wizard, getattr(self.app, "wizard"))  # noqa: B009 (TotpApp's, untyped here)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def begin(self, busy_text: str) -> bool:
        """Mark a request as started; False if one is already running (Enter pressed twice)."""
        if self.in_flight:
            return False
        self.in_flight = True
        self.status.busy(busy_text)
        return True

    def finish(self) -> None:
        self.in_flight = False

    def show_error(self, message: str) -> None:
        self.finish()
        text = as_sentence(message)
        # The same text again would look as if nothing had happened: count the repeats.
        self.error_repeats = self.error_repeats + 1 if text == self.last_error else 1
        self.last_error = text
        if self.error_repeats > 1:
            text = f"{text} ({ordinal(self.error_repeats)} time)"
        self.status.error(text)

    def action_submit(self) -> None:
        """Enter (the footer names it per screen). The keys typed before it have all been
        handled by now, however fast they came (ui/key_order.py)."""
        if self.in_flight:
            return  # a request is running: a second Enter does nothing
        self.submit()

    def submit(self) -> None:
        """Check the form and send its request; screens with a form override this."""

    def session_left(self) -> float | None:
        """Seconds the screen's session countdown still shows; None: no countdown here."""
        return None

    def wipe(self) -> None:
        """Forget everything secret the screen shows or holds; screens override this."""
