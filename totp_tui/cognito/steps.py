"""What comes next in a sign-in or an enrolment: the values the engine returns to screens."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NewPasswordRequired:
    """The account was created by an administrator: choose a password (and fill attributes)."""

    username: str
    required_attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TotpSecretIssued:
    """AssociateSoftwareToken answered: show this secret and ask for a code from it.

    `also_offered`: other factors the pool offered at setup (SMS, email), which this wizard
    does not set up; the screen says so."""

    username: str
    secret: str = field(repr=False)
    also_offered: tuple[str, ...] = ()


@dataclass(frozen=True)
class Enrolled:
    """The code was right and Cognito finished the sign-in: the next sign-in asks for a code.

    After a move from SMS or email codes: `moved_from` names that factor ("SMS", "email"),
    and `kept` says whether it stays on as a second option."""

    username: str
    moved_from: str = ""
    kept: bool = False


@dataclass(frozen=True)
class SignedInWithoutSetup:
    """Cognito signed the user in without asking for MFA setup (MFA optional or already done
    another way)."""

    username: str


@dataclass(frozen=True)
class ChallengeNotHandled:
    """A challenge this wizard recognises but does not answer; the message says why."""

    username: str
    challenge: str
    message: str


@dataclass(frozen=True)
class CodeRequired:
    """The account is already enrolled: Cognito asks for a code from the current app
    (SOFTWARE_TOKEN_MFA; SELECT_MFA_TYPE is answered with it when TOTP is on offer)."""

    username: str


@dataclass(frozen=True)
class OtherCodeRequired:
    """Cognito sent a code by SMS or email (SMS_MFA, SMS_OTP, EMAIL_OTP): the account uses
    that factor today. Answering it signs the person in; the app can then replace it.

    `destination` is as Cognito gives it, already masked ("+*******0123"); may be empty."""

    username: str
    challenge: str
    destination: str = ""

    @property
    def factor(self) -> str:
        return factor_of(self.challenge)


@dataclass(frozen=True)
class FactorChoice:
    """SELECT_MFA_TYPE without the authenticator app among the choices: the person picks
    how to get a code this time (then moves to the app)."""

    username: str
    choices: tuple[str, ...]


@dataclass(frozen=True)
class SignedInWithCode:
    """Signed in with a code by SMS or email: the access token can now set up the app."""

    username: str
    challenge: str

    @property
    def factor(self) -> str:
        return factor_of(self.challenge)


@dataclass(frozen=True)
class CodeSent:
    """Cognito sent a code (password reset, sign-up confirmation) to this masked address."""

    destination: str
    medium: str  # "SMS" or "EMAIL" (Cognito's DeliveryMedium); may be empty


@dataclass(frozen=True)
class SignUpConfirmed:
    """ConfirmSignUp accepted the code: the account can sign in now."""

    username: str


@dataclass(frozen=True)
class AlreadyEnrolled:
    """The current app's code was right: the user is signed in, and may replace the app."""

    username: str


# The names people know the other factors by, by Cognito's challenge (or MFA type) name.
FACTOR_NAMES = {
    "SMS_MFA": "SMS",
    "SMS_OTP": "SMS",
    "EMAIL_OTP": "email",
    "SOFTWARE_TOKEN_MFA": "authenticator app",
}


def factor_of(challenge: str) -> str:
    return FACTOR_NAMES.get(challenge, challenge)


Step = (
    NewPasswordRequired
    | TotpSecretIssued
    | Enrolled
    | SignedInWithoutSetup
    | ChallengeNotHandled
    | CodeRequired
    | AlreadyEnrolled
    | OtherCodeRequired
    | FactorChoice
    | SignedInWithCode
    | CodeSent
    | SignUpConfirmed
)
