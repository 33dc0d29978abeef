"""Helpdesk kiosk mode: one person after another on the same terminal.

After each enrolment, cancel (Escape) or idle timeout, everything of the person goes: the
sign-in flow and its Session or access token, the screen with its fields, key and QR, the
notifications, and a key copied to the clipboard. The sign-in screen comes back empty.
Nothing is saved (no usernames, no profile changes), and quitting asks first.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual import events
from textual.app import App

if TYPE_CHECKING:
    from totp_tui.ui.start_options import Kiosk

IDLE_CHECK_SECONDS = 5.0


class KioskSteps(App[None]):
    """Mixed into TotpApp: with `kiosk` set, finishing with a person means the next one."""

    kiosk: Kiosk | None = None
    _last_input = 0.0

    _account: str
    _key_copied: bool = False

    if TYPE_CHECKING:  # provided by TotpApp; for the type checker only (shadows nothing)

        def restart(self, message: str = "") -> None: ...

        def leave(self, return_code: int = 0) -> None: ...

    # Activity ------------------------------------------------------------------------------

    def start_kiosk_timer(self) -> None:
        self._last_input = time.monotonic()
        idle = self.kiosk.idle_seconds if self.kiosk else IDLE_CHECK_SECONDS
        self.set_interval(min(IDLE_CHECK_SECONDS, idle / 2), self._check_idle)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.Paste)):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def _check_idle(self) -> None:
        kiosk = self.kiosk
        if kiosk is None or not self._has_a_person():
            return
        if time.monotonic() - self._last_input >= kiosk.idle_seconds:
            self.next_person("Nothing happened for a while: the previous session was cleared.")

    def _has_a_person(self) -> bool:
        """Anything of someone on screen (beyond an empty sign-in form)?"""
        from totp_tui.ui.screens.sign_in import SignInScreen

        screen = self.screen
        if isinstance(screen, SignInScreen):
            return screen.has_input()
        return True

    # Finishing with a person ---------------------------------------------------------------

    def next_person(self, message: str = "") -> None:
        """Wipe everything of this person and show an empty sign-in for the next one."""
        self.clear_notifications()
        if self._key_copied:
            self.copy_to_clipboard("")  # OSC 52: replace the key in the local clipboard
        self._account = ""  # so restart() shows an empty username
        self.restart(message)

    def audit_enrolment(self, pool: str, username: str, replaced: bool) -> None:
        """One line in the audit log per kiosk enrolment (never a secret), off the UI thread."""

        def work() -> None:
            import getpass

            from totp_tui.audit import record

            try:
                desk = getpass.getuser()
            except Exception:  # no login name (a container): the line is still worth writing
                desk = "unknown"
            try:
                record("kiosk-enrol", pool, username, "ok", None, desk_user=desk, replaced=replaced)
            except (OSError, ValueError) as error:
                message = f"The audit log could not be written: {error}"
                self.call_from_thread(self.notify, message, severity="error", timeout=15)

        self.run_worker(work, thread=True, description="Writing the audit log", exit_on_error=False)

    def action_finish(self) -> None:
        """Done with this person: the next one in kiosk mode, else leave."""
        if self.kiosk is not None:
            self.next_person()
        else:
            self.leave(0)

    def action_cancel_person(self) -> None:
        if self.kiosk is not None:
            self.next_person("Cancelled: everything of the previous session was cleared.")

    def confirm_quit(self, return_code: int) -> None:
        from totp_tui.ui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.leave(return_code)

        self.push_screen(ConfirmScreen("Quit the helpdesk kiosk?"), answered)

    def copy_to_clipboard(self, text: str) -> None:
        # Remembered so that the next person's turn can overwrite a copied key.
        self._key_copied = bool(text)
        super().copy_to_clipboard(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape as "cancel this person" exists in kiosk mode only."""
        return self.kiosk is not None or action != "cancel_person"
