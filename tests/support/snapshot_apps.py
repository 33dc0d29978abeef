"""Tiny apps for the snapshot tests: the real TotpApp with fixed settings, showing one
screen with fixed values and no network (the client factory refuses to build a client)."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Footer, Input

from tests.support.ui_driving import PUBLIC_TEST_SECRET
from totp_tui.authenticator.key_uri import build_key_uri
from totp_tui.authenticator.qr import make_matrix
from totp_tui.cognito.errors import CognitoError, from_client_error
from totp_tui.cognito.flow import NOT_HANDLED
from totp_tui.cognito.steps import (
    ChallengeNotHandled,
    Enrolled,
    FactorChoice,
    OtherCodeRequired,
    SignedInWithCode,
    Step,
)
from totp_tui.config.settings import Settings
from totp_tui.ui.app import TotpApp
from totp_tui.ui.engine_requests import Reply
from totp_tui.ui.next_screen import Plan, ShowEnrolled, ShowStop, Situation, next_screen
from totp_tui.ui.screen_for_plan import screen_for
from totp_tui.ui.screens.done import DoneScreen, StopScreen
from totp_tui.ui.screens.enrol import EnrolScreen
from totp_tui.ui.screens.new_password import NewPasswordScreen
from totp_tui.ui.start_options import DemoNotice

ACCOUNT = "jane.doe"
ISSUER = "AWSCognito"
SETTINGS = Settings(
    region="us-east-1",
    user_pool_id="us-east-1_Example123",
    client_id="exampleclientid1234567890",
    issuer=ISSUER,
    username=ACCOUNT,
    # No keyring check: whether this machine has a usable keyring must not change a snapshot.
    save=False,
)
# What `totp-tui demo` shows: a local endpoint and the demo user (example values only).
DEMO_SETTINGS = dataclasses.replace(
    SETTINGS, username="demo", issuer="totp-tui-demo", endpoint_url="http://127.0.0.1:5000"
)
DEMO_NOTICE = DemoNotice(username="demo", temporary_password="Tmp-Example1234x-9a")


def offline_client(settings: Settings) -> Any:
    raise RuntimeError("snapshots make no requests")


class SnapshotApp(TotpApp):
    """TotpApp showing `screen()` instead of sign-in; with no screen, TotpApp's own start
    (the sign-in screen built from the settings)."""

    # Textual resolves a relative CSS_PATH beside the subclass's module: point at the app's.
    CSS_PATH = str(Path(inspect.getfile(TotpApp)).with_name("app.tcss"))

    def __init__(
        self,
        screen: Callable[[], Screen[None]] | None = None,
        *,
        settings: Settings = SETTINGS,
        demo: DemoNotice | None = None,
    ) -> None:
        super().__init__(settings, demo=demo, client_factory=offline_client)
        self._make_screen = screen

    # Textual calls every class's on_mount in the MRO; the event is needed to stop TotpApp's.
    def on_mount(self, event: events.Mount) -> None:  # type: ignore[override]
        if self._make_screen is None:
            return  # TotpApp.on_mount runs next
        event.prevent_default()  # not TotpApp.on_mount: this screen instead of sign-in
        self.push_screen(self._make_screen())


def enrol_screen() -> EnrolScreen:
    uri = build_key_uri(ISSUER, ACCOUNT, PUBLIC_TEST_SECRET)
    return EnrolScreen(ACCOUNT, ISSUER, PUBLIC_TEST_SECRET, make_matrix(uri))


def new_password_screen(*attributes: str) -> Callable[[], NewPasswordScreen]:
    return lambda: NewPasswordScreen(ACCOUNT, attributes)


def done_screen() -> DoneScreen:
    return DoneScreen(ACCOUNT)


def challenge_not_handled_screen() -> StopScreen:
    """What the wizard shows for a custom sign-in challenge: the screen the engine's answer
    leads to, built as the app builds it."""
    answer = ChallengeNotHandled(ACCOUNT, "CUSTOM_CHALLENGE", NOT_HANDLED["CUSTOM_CHALLENGE"])
    plan = next_screen(answer, Situation(account=ACCOUNT, issuer=ISSUER))
    assert isinstance(plan, ShowStop)
    return StopScreen(plan.title, plan.message)


# --- Other factors and the ways back to a sign-in: built from an engine answer, as the app
# builds them (ui/next_screen.py, then ui/screen_for_plan.py) ----------------------------------

# As Cognito masks them (example values only).
MASKED_PHONE = "+*******0123"
MASKED_EMAIL = "j***@e***"


def plan_for(answer: Step | CognitoError) -> Plan:
    return next_screen(answer, Situation(account=ACCOUNT, issuer=ISSUER))


def screen_after(answer: Step | CognitoError) -> Callable[[], Screen[None]]:
    """The screen the app shows after this engine answer (an offer's Enter does nothing)."""
    return lambda: screen_for(plan_for(answer), Reply(answer), lambda _: None)


def other_code_screen(challenge: str, destination: str) -> Callable[[], Screen[None]]:
    """Cognito sent a code by SMS (SMS_MFA) or email (EMAIL_OTP) to `destination`."""
    return screen_after(OtherCodeRequired(ACCOUNT, challenge, destination))


def factor_choice_screen() -> Screen[None]:
    """SELECT_MFA_TYPE offering SMS and email codes, not the app."""
    return screen_after(FactorChoice(ACCOUNT, ("SMS_MFA", "EMAIL_OTP")))()


def move_offer_screen() -> Screen[None]:
    """Signed in with a code by SMS: the move to an authenticator app."""
    return screen_after(SignedInWithCode(ACCOUNT, "SMS_MFA"))()


def password_reset_screen() -> Screen[None]:
    """An administrator reset the password: sign-in met PasswordResetRequiredException."""
    error = from_client_error("PasswordResetRequiredException", "Password reset required.")
    return screen_after(error)()


def confirm_sign_up_screen() -> Screen[None]:
    """A self-service sign-up not confirmed yet: sign-in met UserNotConfirmedException."""
    error = from_client_error("UserNotConfirmedException", "User is not confirmed.")
    return screen_after(error)()


def moved_done_screen(kept: bool) -> Callable[[], DoneScreen]:
    """Enrolled after a sign-in with an SMS code; SMS codes kept as a second option, or off."""

    def make() -> DoneScreen:
        plan = plan_for(Enrolled(ACCOUNT, moved_from="SMS", kept=kept))
        assert isinstance(plan, ShowEnrolled)
        return DoneScreen(plan.account, moved_from=plan.moved_from, kept=plan.kept)

    return make


async def steady_cursor(pilot: Pilot[Any]) -> None:
    """Stop the text cursor blinking, so every snapshot shows it in the same state; and wait
    for the footer, which the sign-in screen mounts right after its first paint."""
    await pilot.pause()
    for _ in range(50):
        if len(pilot.app.screen.query(Footer)):
            break
        await pilot.pause(0.02)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()
