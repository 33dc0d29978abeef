"""What the app shows after each request: the engine's next step as the next screen.

Mixed into TotpApp, last of its bases: it defines only methods no other base declares.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import App

from totp_tui.ui.screens.base import WizardScreen

if TYPE_CHECKING:
    from textual.screen import Screen

    from totp_tui.cognito.errors import CognitoError
    from totp_tui.cognito.flow import EnrolmentFlow, Step, TotpSecretIssued
    from totp_tui.cognito.token_enrolment import TokenEnrolment
    from totp_tui.profiles import BackendStatus
    from totp_tui.qr import QrMatrix
    from totp_tui.settings import Settings
    from totp_tui.ui.screens.done import DoneScreen
    from totp_tui.ui.start_options import Kiosk

log = logging.getLogger("totp_tui")


class StepAnswers(App[None]):
    if TYPE_CHECKING:  # provided by TotpApp and its other bases; declared for the type checker
        _account: str
        _flow: EnrolmentFlow | None
        _enrolment: EnrolmentFlow | TokenEnrolment | None
        kiosk: Kiosk | None
        keyring_status: BackendStatus | None
        session_seconds: float

        def _require_settings(self) -> Settings: ...
        def _replace(self, screen: Screen[None]) -> None: ...
        def restart(self, message: str = "") -> None: ...
        def enrol_signed_in(self, screen: WizardScreen) -> None: ...
        def audit_enrolment(self, pool: str, username: str, replaced: bool) -> None: ...
        def save_settings(
            self, screen: WizardScreen, name: str, account: str, done: Callable[[str], None]
        ) -> None: ...

    def _with_qr(self, step: TotpSecretIssued) -> tuple[TotpSecretIssued, QrMatrix]:
        # Built in the worker: importing qrcode and encoding take a few ms.
        from totp_tui.qr import make_matrix
        from totp_tui.totp import build_key_uri

        issuer = self._require_settings().issuer
        uri = build_key_uri(issuer, self._account.replace(":", "_"), step.secret)
        return step, make_matrix(uri)

    def _answer(
        self,
        screen: WizardScreen,
        outcome: Step | CognitoError | tuple[TotpSecretIssued, QrMatrix],
        answered: Callable[[Step], None] | None = None,
    ) -> None:
        from totp_tui.cognito.errors import CognitoError, Recovery
        from totp_tui.cognito.flow import (
            AlreadyEnrolled,
            ChallengeNotHandled,
            CodeRequired,
            Enrolled,
            NewPasswordRequired,
            SignedInWithoutSetup,
        )
        from totp_tui.ui.screens.code_required import CodeRequiredScreen
        from totp_tui.ui.screens.done import StopScreen
        from totp_tui.ui.screens.enrol import EnrolScreen
        from totp_tui.ui.screens.new_password import NewPasswordScreen
        from totp_tui.ui.screens.offer import OfferScreen

        if screen is not self.screen:
            return  # the user left the screen (quit, restart) while the request ran
        if isinstance(outcome, CognitoError):
            log.info("request failed: %s", outcome.code)
            if outcome.recovery is Recovery.SIGN_IN_AGAIN:
                self.restart(outcome.message)
            else:
                screen.show_error(outcome.message)
            return
        screen.finish()
        if answered is not None and not isinstance(outcome, tuple):
            answered(outcome)
            return
        if isinstance(outcome, tuple):
            step, matrix = outcome
            log.info("TOTP secret issued; showing the QR code")
            self._replace(
                EnrolScreen(
                    self._account,
                    self._require_settings().issuer,
                    step.secret,
                    matrix,
                    # An access token lasts an hour: only a Session needs the countdown.
                    session_seconds=None if self._token_mode else self.session_seconds,
                    clock_offset=self._enrolment.clock_offset if self._enrolment else None,
                    also_offered=step.also_offered,
                )
            )
        elif isinstance(outcome, NewPasswordRequired):
            log.info("new password required")
            self._replace(NewPasswordScreen(self._account, outcome.required_attributes))
        elif isinstance(outcome, Enrolled):
            log.info("enrolled")
            if self.kiosk is not None:
                pool = self._require_settings().user_pool_id
                self.audit_enrolment(pool, self._account, replaced=self._token_mode)
            self._drop_flow()
            self._replace(self._done_screen())
        elif isinstance(outcome, SignedInWithoutSetup):
            self._replace(
                OfferScreen(
                    "Signed in without MFA",
                    f"{self._account} signed in without being asked for a second factor: "
                    "MFA is optional on this user pool. You can set up an authenticator app "
                    "now; from then on, sign-in asks for its code.",
                    "set up an authenticator app",
                    self.enrol_signed_in,
                )
            )
        elif isinstance(outcome, CodeRequired):
            self._replace(CodeRequiredScreen(self._account))
        elif isinstance(outcome, AlreadyEnrolled):
            self._replace(
                OfferScreen(
                    "Already enrolled",
                    f"{self._account} is already enrolled in authenticator-app MFA, and the "
                    "code was right. You can replace the app with a new one (a new phone, a "
                    "lost app): the old one stops working as soon as the new one is "
                    "verified.",
                    "set up a new authenticator app and replace the old one",
                    self.enrol_signed_in,
                )
            )
        elif isinstance(outcome, ChallengeNotHandled):
            self._drop_flow()
            self._replace(StopScreen("Not handled here", outcome.message))

    def _drop_flow(self) -> None:
        """Forget the Session and access token now, not whenever the objects are collected."""
        for held in (self._flow, self._enrolment):
            if held is not None:
                held.forget()
        self._flow = self._enrolment = None

    @property
    def _token_mode(self) -> bool:
        return self._enrolment is not None and self._enrolment is not self._flow

    def _done_screen(self) -> DoneScreen:
        """Enrolled: save back to the profile used, or offer to save the flags as one."""
        from totp_tui.ui.screens.done import DoneScreen

        settings = self._require_settings()
        status = self.keyring_status
        if not settings.save:
            return DoneScreen(self._account)
        if status is not None and not status.usable:
            return DoneScreen(
                self._account, note=f"Profiles cannot be saved here. {status.message}"
            )
        if settings.profile_name is None:
            return DoneScreen(self._account, offer_save=True)
        screen = DoneScreen(self._account)
        # A lambda: the screen is not mounted yet, so its status line does not exist yet.
        self.call_after_refresh(
            self.save_settings,
            screen,
            settings.profile_name,
            self._account,
            lambda message: screen.show_saved(message),
        )
        return screen
