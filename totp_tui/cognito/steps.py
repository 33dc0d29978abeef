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
    """The code was right and Cognito finished the sign-in: the next sign-in asks for a code."""

    username: str


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
class AlreadyEnrolled:
    """The current app's code was right: the user is signed in, and may replace the app."""

    username: str


Step = (
    NewPasswordRequired
    | TotpSecretIssued
    | Enrolled
    | SignedInWithoutSetup
    | ChallengeNotHandled
    | CodeRequired
    | AlreadyEnrolled
)
