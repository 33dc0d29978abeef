"""What every wizard screen shares: a status line and a guard against double submits."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, cast

from textual import events
from textual.binding import Binding
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input

from totp_tui.sentences import as_sentence
from totp_tui.ui.screens.focus_order import tab_target
from totp_tui.ui.textual_private import css_generation
from totp_tui.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from totp_tui.profiles import Profile, ProfileDraft


# A request answered sooner than this changes nothing on screen before its answer: no busy
# line, no frozen fields. Below ~0.1-0.2 s a wait feels immediate; a busy line that shows
# and goes again within it is a flicker, and two repaints on a slow link.
BUSY_DELAY = 0.2
# What still works while a request runs: cancel it, leave, change the theme, redraw the
# screen. Everything else typed meanwhile (a laggy link's late keys) is dropped, not queued
# into the form.
KEYS_WHILE_WAITING = frozenset({"escape", "ctrl+q", "ctrl+c", "ctrl+t", "ctrl+l"})


def _shows_nothing_typed(widget: Widget) -> bool:
    return isinstance(widget, Input) and widget.password


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

    @property
    def kiosk(self) -> bool: ...

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

    def back_to_enrolled(self) -> None: ...

    def test_sign_in(self, screen: WizardScreen, password: str, code: str) -> None: ...

    def save_settings(
        self, screen: WizardScreen, name: str, done: Callable[[str], None]
    ) -> None: ...

    def restart(self, message: str = "", ok: bool = False) -> None: ...

    def back_to_sign_in(self) -> None: ...

    def cancel_request(self, screen: WizardScreen) -> None: ...

    def finish(self) -> None: ...


class WizardScreen(Screen[None]):
    """A screen that sends one request at a time and shows its progress and its errors.

    Escape has one meaning on every screen: back. While a request is in flight it cancels
    the wait; otherwise it goes back one step, which for most screens is an empty sign-in
    (what was typed is wiped on the way). Screens with a step of their own override
    `go_back`; those with nowhere to go say so in `can_go_back`.
    """

    # Textual repaints the whole screen when the focus moves (Screen.focused repaints by
    # default), although only the two fields change, and they refresh themselves: a full
    # 80x24 paint, twice for a request (focus out and back), on every link.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    BINDINGS = [
        Binding("escape", "back", "Back", show=True),
        # Screen's own Tab bindings wrap round the form; these wrap too, but never out of a
        # password field into a field that shows what is typed (screens/focus_order.py).
        Binding("tab", "next_field", "Next field", show=False),
        Binding("shift+tab", "previous_field", "Previous field", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.in_flight = False
        # Keys typed before the screen is set up wait for it (ui/key_order.py).
        self.takes_keys = False
        self.last_error = ""  # the last error shown, and how many times in a row
        self.error_repeats = 0
        self._busy_text = ""
        self._waiting_since = 0.0
        self._busy_timer: Timer | None = None
        self._wait_clock: Timer | None = None
        self._frozen: list[Input] = []  # fields that take no typing while a request runs
        self._focus_after: Widget | None = None
        self._built_at_css = css_generation(self)
        self._resumed = False

    def on_mount(self) -> None:
        # Runs after the screen's own on_mount, which asked for its first field's focus:
        # keys handed on from now on reach that field.
        self.takes_keys = True

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Shown for the first time: Textual styles every widget as it is mounted, then again
        # as the screen resumes (in case the CSS changed while it was away), ~20% of the
        # time from an answer to the next screen's first frame. Nothing changed if the CSS
        # generation is still the one the screen was built in: the second pass is skipped.
        # Runs before Screen's own handler, which reads the flag. Later resumes (a question
        # closed over the screen) restyle as Textual does.
        first, self._resumed = not self._resumed, True
        if first and self._built_at_css is not None:
            event.refresh_styles = self._built_at_css != css_generation(self)

    @property
    def wizard(self) -> Wizard:
        return cast(Wizard, getattr(self.app, "wizard"))  # noqa: B009 (TotpApp's, untyped here)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    # Requests -----------------------------------------------------------------------------

    def begin(self, busy_text: str) -> bool:
        """Mark a request as started; False if one is already running (Enter pressed twice).

        Typing stops reaching the form at once (`swallows`): what is typed during a long
        wait would otherwise be appended to the password that was sent. Only a request
        still unanswered after BUSY_DELAY shows it: the fields freeze and the status line
        counts the seconds, so a slow link does not look like a hung app, and names the way
        out. A quick answer goes straight to what comes next, with nothing painted between.
        """
        if self.in_flight:
            return False
        self.in_flight = True
        self._busy_text = busy_text
        self._waiting_since = time.monotonic()
        self._busy_timer = self.set_timer(BUSY_DELAY, self._show_busy)
        return True

    def swallows(self, event: events.Event) -> bool:
        """Is `event` typing that a request in flight keeps out of the form? Only keys for a
        field are: a screen's own keys (a list's, New on the profiles screen) still work."""
        if not self.in_flight or not isinstance(self.focused, Input):
            return False
        if isinstance(event, events.Paste):
            return True
        return isinstance(event, events.Key) and event.key not in KEYS_WHILE_WAITING

    def _show_busy(self) -> None:
        self._busy_timer = None
        if not self.in_flight:
            return
        self._freeze_fields()
        self._show_wait()
        self._wait_clock = self.set_interval(1.0, self._show_wait)

    def _show_wait(self) -> None:
        seconds = int(time.monotonic() - self._waiting_since)
        spent = f" {seconds} s" if seconds else ""
        self.status.busy(f"{self._busy_text}{spent} (Escape cancels)")

    def finish(self) -> None:
        self.in_flight = False
        for timer in (self._busy_timer, self._wait_clock):
            if timer is not None:
                timer.stop()
        self._busy_timer = self._wait_clock = None
        self._thaw_fields()

    def _freeze_fields(self) -> None:
        self._focus_after = self.focused
        self._frozen = [field for field in self.query(Input) if not field.disabled]
        for field in self._frozen:
            field.disabled = True

    def _thaw_fields(self) -> None:
        frozen, self._frozen = self._frozen, []
        for field in frozen:
            if field.is_attached:
                field.disabled = False
        # Back where the person was: disabling a focused field moved the focus on.
        focus, self._focus_after = self._focus_after, None
        if focus is not None and focus.is_attached:
            focus.focus()

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

    @property
    def asks_before_quitting(self) -> bool:
        """Would quitting here throw away work the person has done (Ctrl+Q asks first)?"""
        return False

    # Tab ----------------------------------------------------------------------------------

    def action_next_field(self) -> None:
        focused = self.focused
        if isinstance(focused, Input) and focused.password:
            self.leaving_secret_field(focused)
        self._move_focus_to(forward=True)

    def action_previous_field(self) -> None:
        self._move_focus_to(forward=False)

    def _move_focus_to(self, forward: bool) -> None:
        target = tab_target(self.focus_chain, self.focused, forward, _shows_nothing_typed)
        if target is not None and target is not self.focused:
            target.focus()

    def leaving_secret_field(self, field: Input) -> None:
        """Tab was pressed in a password field, before the focus moves: the sign-in uses it
        to recognise a username typed into the password field (auto-type on a prefilled
        form)."""

    # Escape -------------------------------------------------------------------------------

    @property
    def can_go_back(self) -> bool:
        """Is there a step back from here? Without one, Escape is not in the footer."""
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.in_flight or self.can_go_back
        return True

    def action_back(self) -> None:
        if self.in_flight:
            self.wizard.cancel_request(self)
        else:
            self.go_back()

    def go_back(self) -> None:
        """Back one step: here, to an empty sign-in (the username kept outside kiosk mode)."""
        self.wizard.back_to_sign_in()

    # Leaving ------------------------------------------------------------------------------

    def session_left(self) -> float | None:
        """Seconds the screen's session countdown still shows; None: no countdown here."""
        return None

    def wipe(self) -> None:
        """Forget everything secret the screen shows or holds; screens override this."""
