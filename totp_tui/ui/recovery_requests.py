"""The wizard's ways back to a sign-in: a password reset (an administrator reset the
password, or the person forgot it) and the confirmation of a self-service sign-up.

Requests go through the controller's request runner like every other (ui/controller.py):
the answer comes back on the UI thread to the screen that asked, or is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen

    from totp_tui.config.settings import Settings
    from totp_tui.ui.attempt import Attempt
    from totp_tui.ui.engine_requests import Reply
    from totp_tui.ui.screens.base import WizardScreen
    from totp_tui.ui.sdk_client import SdkClient

Ask = Callable[["WizardScreen", str, Callable[[], "Reply"]], None]


class RecoveryRequests:
    def __init__(
        self,
        ask: Ask,
        settings: Callable[[], Settings],
        client: SdkClient,
        attempt: Attempt,
        show: Callable[[Screen[None]], None],
    ) -> None:
        self._ask = ask
        self._settings = settings
        self._client = client
        self._attempt = attempt
        self._show = show

    def start_password_reset(self, username: str, message: str = "") -> None:
        """The reset screen, for `username` (the name typed at sign-in)."""
        from totp_tui.ui.screens.password_reset import PasswordResetScreen

        self._attempt.account = username
        self._show(PasswordResetScreen(username, message))

    def send_reset_code(self, screen: WizardScreen) -> None:
        from totp_tui.ui import engine_requests as requests

        settings, client, username = self._settings(), self._client, self._attempt.account
        self._ask(
            screen,
            "Asking Cognito for a code…",
            lambda: requests.send_reset_code(settings, client, username),
        )

    def reset_password(self, screen: WizardScreen, code: str, new_password: str) -> None:
        """The new password, then a sign-in with it: the next screen is where it leads."""
        from totp_tui.ui import engine_requests as requests

        settings, client, username = self._settings(), self._client, self._attempt.account
        self._ask(
            screen,
            "Setting the new password…",
            lambda: requests.reset_password(settings, client, username, code, new_password),
        )

    def send_sign_up_code(self, screen: WizardScreen) -> None:
        from totp_tui.ui import engine_requests as requests

        settings, client, username = self._settings(), self._client, self._attempt.account
        self._ask(
            screen,
            "Asking Cognito for a code…",
            lambda: requests.send_sign_up_code(settings, client, username),
        )

    def confirm_sign_up(self, screen: WizardScreen, code: str) -> None:
        from totp_tui.ui import engine_requests as requests

        settings, client, username = self._settings(), self._client, self._attempt.account
        self._ask(
            screen,
            "Confirming the account…",
            lambda: requests.confirm_sign_up(settings, client, username, code),
        )
