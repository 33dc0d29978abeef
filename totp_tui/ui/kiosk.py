"""Helpdesk kiosk mode: one person after another on the same terminal.

After each enrolment, cancel (Escape) or idle timeout, everything of the person goes: the
sign-in flow and its Session or access token, any answer still on its way, the screen with
its fields, key and QR, the notifications, and a key copied to the clipboard. The sign-in
screen comes back empty. Nothing is saved (no usernames, no profile changes), and quitting
asks first.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

    from totp_tui.ui.controller import WizardController
    from totp_tui.ui.start_options import Kiosk

IDLE_CHECK_SECONDS = 5.0


class KioskDesk:
    """With a kiosk, finishing with a person means the next one."""

    def __init__(self, app: App[Any], wizard: WizardController, kiosk: Kiosk) -> None:
        self._app = app
        self._wizard = wizard
        self.kiosk = kiosk
        self._last_input = time.monotonic()
        self.key_copied = False  # a key sent to the clipboard: overwrite it for the next person
        wizard.audit_enrolment = self.audit_enrolment
        wizard.cancelled = self.cancel_person  # Escape back to the sign-in

    # Activity ------------------------------------------------------------------------------

    def start_timer(self) -> None:
        self._last_input = time.monotonic()
        self._app.set_interval(
            min(IDLE_CHECK_SECONDS, self.kiosk.idle_seconds / 2), self._check_idle
        )

    def noticed_input(self) -> None:
        self._last_input = time.monotonic()

    def _check_idle(self) -> None:
        idle = time.monotonic() - self._last_input >= self.kiosk.idle_seconds
        if idle and self.kiosk.idle_ends_session:  # served: the connection ends, its slot too
            self._wizard.wipe_screen()
            self._wizard.forget_everything()
            minutes = f"{self.kiosk.idle_seconds / 60:g}"
            self._app.exit(0, message=f"totp-tui: no key for {minutes} min: session closed.")
            return
        if idle and self._has_a_person():
            self.next_person("Nothing happened for a while: the previous session was cleared.")

    def _has_a_person(self) -> bool:
        """Anything of someone on screen (beyond an empty sign-in form)?"""
        from totp_tui.ui.screens.sign_in import SignInScreen

        screen = self._app.screen
        if isinstance(screen, SignInScreen):
            return screen.has_input()
        return True

    # Finishing with a person ---------------------------------------------------------------

    def next_person(self, message: str = "") -> None:
        """Wipe everything of this person and show an empty sign-in for the next one."""
        self._app.clear_notifications()
        # Rich caches the cell width of every short string it measures, a masked password
        # and the username among them (process-wide, 4,096 entries): drop those copies.
        from rich.cells import cached_cell_len

        cached_cell_len.cache_clear()
        if self.key_copied:
            self._app.copy_to_clipboard("")  # OSC 52: replace the key in the local clipboard
            self.key_copied = False
        self._wizard.next_person(message)

    def cancel_person(self) -> None:
        self.next_person("Cancelled: everything of the previous session was cleared.")

    def audit_enrolment(self, pool: str, username: str, replaced: bool) -> None:
        """One line in the audit log per kiosk enrolment (never a secret), off the UI thread."""

        def write() -> str:
            import getpass

            from totp_tui.helpdesk.audit import record

            try:
                desk = getpass.getuser()
            except Exception:  # no login name (a container): the line is still worth writing
                desk = "unknown"
            try:
                if self.kiosk.audit is not None:  # served over SSH: its own log and line
                    self.kiosk.audit(pool, username, replaced)
                else:
                    record(
                        "kiosk-enrol", pool, username, "ok", None, desk_user=desk,
                        replaced=replaced,
                    )  # fmt: skip
            except (OSError, ValueError) as error:
                return f"The audit log could not be written: {error}"
            return ""

        def written(problem: str) -> None:
            if problem:
                self._app.notify(problem, severity="error", timeout=15)

        self._wizard.runner.run(None, "Writing the audit log", write, written)

    def confirm_quit(self, return_code: int, leave: Any) -> None:
        from totp_tui.ui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                leave(return_code)

        self._app.push_screen(ConfirmScreen(self.kiosk.quit_question), answered)
