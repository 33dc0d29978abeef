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
    CodeSent,
    Enrolled,
    FactorChoice,
    NewPasswordRequired,
    OtherCodeRequired,
    SignedInWithCode,
    SignedInWithoutSetup,
    SignUpConfirmed,
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
    # Seconds the asking screen's session countdown still showed (None: no countdown).
    session_left: float | None = None


# A Session refused with more than this left on the countdown: the pool's is shorter than
# set. Below it, clocks and the request's own time explain the difference.
SESSION_MARGIN = 15.0


# --- The screens, as values ------------------------------------------------------------------


@dataclass(frozen=True)
class ShowError:
    """Stay on the screen and say what went wrong; what was typed can be corrected."""

    message: str


@dataclass(frozen=True)
class SignInAgain:
    """The sign-in is gone (Session expired or refused): an empty sign-in, username kept.
    `ok`: the message is good news (an account confirmed), not a failure."""

    message: str
    ok: bool = False


@dataclass(frozen=True)
class ShowNotice:
    """Stay on the screen and tell the person something went right (a code was sent)."""

    message: str


@dataclass(frozen=True)
class ShowOtherCode:
    """Cognito sent a code by SMS or email: ask for it."""

    account: str
    factor: str  # "SMS" or "email"
    destination: str  # masked by Cognito; may be empty


@dataclass(frozen=True)
class ShowFactorChoice:
    """Cognito lets the person choose how to get this sign-in's code (SELECT_MFA_TYPE)."""

    account: str
    choices: tuple[str, ...]


@dataclass(frozen=True)
class ShowMoveOffer:
    """Signed in with an SMS or email code: offer the authenticator app in its place."""

    account: str
    factor: str


@dataclass(frozen=True)
class ShowPasswordReset:
    account: str
    message: str


@dataclass(frozen=True)
class ShowConfirmSignUp:
    account: str
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
    moved_from: str = ""  # "SMS" or "email": the factor the app took over from
    kept: bool = False  # that factor stays on as a second option


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
    | ShowNotice
    | SignInAgain
    | ShowOtherCode
    | ShowFactorChoice
    | ShowMoveOffer
    | ShowPasswordReset
    | ShowConfirmSignUp
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
    return isinstance(
        plan, (SignInAgain, ShowEnrolled, ShowStop, ShowPasswordReset, ShowConfirmSignUp)
    )


def _code_sent(answer: CodeSent) -> str:
    by = {"SMS": "by SMS", "EMAIL": "by email"}.get(answer.medium.upper(), "")
    to = f" to {answer.destination}" if answer.destination else ""
    return f"Cognito sent a code{' ' + by if by else ''}{to}. Type it here."


def _session_shorter(situation: Situation) -> str:
    minutes = situation.session_seconds / 60
    return (
        "Cognito ended the sign-in session before the countdown ran out: this app client's "
        f"session is shorter than the {minutes:g} minutes set. Sign in again, and set "
        "--session-minutes (or the profile's session length) to the app client's."
    )


def _after_error(error: CognitoError, situation: Situation) -> Plan:
    account = situation.account
    if error.recovery is Recovery.RESET_PASSWORD:
        return ShowPasswordReset(account, error.message)
    if error.recovery is Recovery.CONFIRM_SIGN_UP:
        return ShowConfirmSignUp(account, error.message)
    if error.recovery is Recovery.SIGN_IN_AGAIN:
        left = situation.session_left
        if error.session_expired and left is not None and left > SESSION_MARGIN:
            return SignInAgain(_session_shorter(situation))
        return SignInAgain(error.message)
    return ShowError(error.message)


def next_screen(answer: Step | CognitoError, situation: Situation) -> Plan:
    """The screen that follows `answer`."""
    if isinstance(answer, CognitoError):
        return _after_error(answer, situation)
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
        return ShowEnrolled(
            account,
            audit=situation.kiosk,
            replaced=situation.token_mode and not answer.moved_from,
            moved_from=answer.moved_from,
            kept=answer.kept,
        )
    if isinstance(answer, OtherCodeRequired):
        return ShowOtherCode(account, answer.factor, answer.destination)
    if isinstance(answer, FactorChoice):
        return ShowFactorChoice(account, answer.choices)
    if isinstance(answer, SignedInWithCode):
        return ShowMoveOffer(account, answer.factor)
    if isinstance(answer, CodeSent):
        return ShowNotice(_code_sent(answer))
    if isinstance(answer, SignUpConfirmed):
        return SignInAgain(
            f"{account} is confirmed. Sign in with your password to set up the app.", ok=True
        )
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
