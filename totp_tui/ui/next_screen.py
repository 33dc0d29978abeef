"""What the wizard shows after an engine answer: a pure function from a step or an error to
the next screen, as a value. No Textual here: tests/ui/test_next_screen.py checks every case
without an app, and ui/controller.py builds the screen the value names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from totp_tui.cognito.errors import CognitoError, Recovery
from totp_tui.cognito.steps import (
    AlreadyEnrolled,
    ChallengeNotHandled,
    CodeRequired,
    Enrolled,
    NewPasswordRequired,
    SignedInWithoutSetup,
    Step,
    TotpSecretIssued,
)


@dataclass(frozen=True)
class Situation:
    """What the mapping needs to know besides the answer."""

    account: str  # the name the person signed in with: the label their app shows
    issuer: str
    kiosk: bool = False
    # Enrolling with an access token (opt in, replace): no Session, so no countdown.
    token_mode: bool = False
    session_seconds: float = 180.0
    # The answer is to the test sign-in after enrolment, not to a step of the wizard.
    testing: bool = False


# --- The screens, as values ------------------------------------------------------------------


@dataclass(frozen=True)
class ShowError:
    """Stay on the screen and say what went wrong; what was typed can be corrected."""

    message: str


@dataclass(frozen=True)
class SignInAgain:
    """The sign-in is gone (Session expired or refused): an empty sign-in, username kept."""

    message: str


@dataclass(frozen=True)
class ShowNewPassword:
    account: str
    required_attributes: tuple[str, ...]


@dataclass(frozen=True)
class ShowEnrol:
    account: str
    issuer: str
    secret: str = field(repr=False)
    session_seconds: float | None  # None: no countdown (an access token lasts an hour)
    also_offered: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShowEnrolled:
    account: str
    audit: bool  # kiosk mode: one line in the audit log
    replaced: bool  # with an access token: an authenticator may have been replaced


@dataclass(frozen=True)
class ShowOffer:
    """Signed in; one way forward: set up an authenticator with the access token."""

    title: str
    message: str
    accept_label: str


@dataclass(frozen=True)
class ShowCodeRequired:
    account: str


@dataclass(frozen=True)
class ShowStop:
    title: str
    message: str


@dataclass(frozen=True)
class NewAppWorks:
    """The test sign-in asked for a code from the new app and accepted it."""


Plan = (
    ShowError
    | SignInAgain
    | ShowNewPassword
    | ShowEnrol
    | ShowEnrolled
    | ShowOffer
    | ShowCodeRequired
    | ShowStop
    | NewAppWorks
)

NOT_ASKED_FOR_A_CODE = (
    "Cognito did not ask for a code from the app: the app is not in use for this account yet."
)


def ends_the_attempt(plan: Plan) -> bool:
    """After these, the Session or access token is of no more use: forget it."""
    return isinstance(plan, (SignInAgain, ShowEnrolled, ShowStop))


def next_screen(answer: Step | CognitoError, situation: Situation) -> Plan:
    """The screen that follows `answer`."""
    if isinstance(answer, CognitoError):
        if answer.recovery is Recovery.SIGN_IN_AGAIN:
            return SignInAgain(answer.message)
        return ShowError(answer.message)
    if situation.testing:
        return (
            NewAppWorks()
            if isinstance(answer, AlreadyEnrolled)
            else ShowError(NOT_ASKED_FOR_A_CODE)
        )
    account = situation.account
    if isinstance(answer, TotpSecretIssued):
        return ShowEnrol(
            account,
            situation.issuer,
            answer.secret,
            session_seconds=None if situation.token_mode else situation.session_seconds,
            also_offered=answer.also_offered,
        )
    if isinstance(answer, NewPasswordRequired):
        return ShowNewPassword(account, answer.required_attributes)
    if isinstance(answer, Enrolled):
        return ShowEnrolled(account, audit=situation.kiosk, replaced=situation.token_mode)
    if isinstance(answer, SignedInWithoutSetup):
        return ShowOffer(
            "Signed in without MFA",
            f"{account} signed in without being asked for a second factor: MFA is optional "
            "on this user pool. You can set up an authenticator app now; from then on, "
            "sign-in asks for its code.",
            "set up an authenticator app",
        )
    if isinstance(answer, CodeRequired):
        return ShowCodeRequired(account)
    if isinstance(answer, AlreadyEnrolled):
        return ShowOffer(
            "Already enrolled",
            f"{account} is already enrolled in authenticator-app MFA, and the code was "
            "right. You can replace the app with a new one (a new phone, a lost app): the "
            "old one stops working as soon as the new one is verified.",
            "set up a new authenticator app and replace the old one",
        )
    if isinstance(answer, ChallengeNotHandled):
        return ShowStop("Not handled here", answer.message)
    raise TypeError(f"no screen for {type(answer).__name__}")  # a new Step: add it above
