"""Service and botocore errors as typed errors with a message a person can act on."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Recovery(enum.Enum):
    """What the screen should do after the error."""

    RETRY_INPUT = "retry-input"  # stay on this screen, let the user correct what they typed
    SIGN_IN_AGAIN = "sign-in-again"  # the Session is gone: back to sign-in
    FIX_SETTINGS = "fix-settings"  # pool, client, region or endpoint is wrong
    RETRY_LATER = "retry-later"  # transient: the same action may work in a moment
    STOP = "stop"  # nothing this tool can do; the message says who can
    RESET_PASSWORD = "reset-password"  # the wizard's password reset: code, new password
    CONFIRM_SIGN_UP = "confirm-sign-up"  # the wizard's sign-up confirmation: the code


SESSION_EXPIRED = "session-expired"  # CognitoError.kind of an expired or refused Session
ALREADY_CONFIRMED = "already-confirmed"  # ConfirmSignUp for a confirmed account


@dataclass(frozen=True)
class Problem:
    message: str
    recovery: Recovery


class CognitoError(Exception):
    """A failed call, translated. `code` is the service's error code (or a botocore class name)."""

    def __init__(self, code: str, message: str, recovery: Recovery, kind: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.recovery = recovery
        # What a code shared by several causes meant here (NotAuthorizedException is a wrong
        # password, an expired Session, a disabled user...): SESSION_EXPIRED and the like.
        self.kind = kind

    @property
    def session_expired(self) -> bool:
        return self.kind == SESSION_EXPIRED

    def __repr__(self) -> str:
        return f"CognitoError({self.code!r}, {self.message!r}, {self.recovery})"


_R = Recovery
# Messages say what happened and what to do. NotAuthorized must not tell a wrong password
# from an unknown user (Cognito itself hides that unless user-existence errors are on).
SERVICE_ERRORS: dict[str, Problem] = {
    "NotAuthorizedException": Problem("Incorrect username or password.", _R.RETRY_INPUT),
    "UserNotFoundException": Problem("Incorrect username or password.", _R.RETRY_INPUT),
    "CodeMismatchException": Problem(
        "That code is not right. Check the app shows this account, wait for a new code "
        "and type it.",
        _R.RETRY_INPUT,
    ),
    "EnableSoftwareTokenMFAException": Problem(
        "That code is not right. Check the app shows this account, wait for a new code "
        "and type it.",
        _R.RETRY_INPUT,
    ),
    "ExpiredCodeException": Problem(
        "That code was already used or has expired. Wait for the next code and type it.",
        _R.RETRY_INPUT,
    ),
    "InvalidPasswordException": Problem(
        "The new password does not meet the user pool's password policy.", _R.RETRY_INPUT
    ),
    "SoftwareTokenMFANotFoundException": Problem(
        "This user pool does not have authenticator-app (TOTP) MFA turned on. "
        "Ask its administrator to enable it.",
        _R.STOP,
    ),
    "InvalidParameterException": Problem("Cognito refused a value in the request.", _R.RETRY_INPUT),
    "InvalidUserPoolConfigurationException": Problem(
        "The user pool is not set up for this sign-in. Ask its administrator.", _R.STOP
    ),
    "PasswordResetRequiredException": Problem(
        "This account's password was reset by an administrator: choose a new one with "
        "the code Cognito sends.",
        _R.RESET_PASSWORD,
    ),
    "UserNotConfirmedException": Problem(
        "This account is not confirmed yet: type the code from the sign-up message.",
        _R.CONFIRM_SIGN_UP,
    ),
    "CodeDeliveryFailureException": Problem(
        "Cognito could not send the code (the address or number may be wrong). Ask the "
        "user pool's administrator.",
        _R.STOP,
    ),
    "ResourceNotFoundException": Problem(
        "Cognito does not know this user pool or app client. Check --region, "
        "--user-pool-id and --client-id.",
        _R.FIX_SETTINGS,
    ),
    "TooManyRequestsException": Problem(
        "Cognito is throttling requests. Wait a few seconds and try again.", _R.RETRY_LATER
    ),
    "LimitExceededException": Problem(
        "Too many attempts for this account. Wait a few minutes and try again.",
        _R.RETRY_LATER,
    ),
    "ConcurrentModificationException": Problem(
        "The account was changed by another request at the same time. Try again.",
        _R.RETRY_LATER,
    ),
    "ForbiddenException": Problem(
        "The request was blocked by the user pool's web application firewall (AWS WAF).",
        _R.STOP,
    ),
    "InternalErrorException": Problem(
        "Cognito had an internal error. Try again in a moment.", _R.RETRY_LATER
    ),
}

_EXPIRED_SESSION = Problem(
    "The sign-in session has expired (Cognito allows a few minutes for each step). Sign in again.",
    _R.SIGN_IN_AGAIN,
)
_SECRET_HASH = Problem(
    "Cognito could not verify the secret hash: this app client has a secret. "
    "Set TOTP_TUI_CLIENT_SECRET to it.",
    _R.FIX_SETTINGS,
)
_TEMPORARY_PASSWORD_EXPIRED = Problem(
    "The temporary password has expired. Ask an administrator to send a new one.", _R.STOP
)
_FLOW_NOT_ENABLED = Problem(
    "This app client does not allow this sign-in flow. Try another --auth-flow "
    "(USER_SRP_AUTH, USER_PASSWORD_AUTH, or USER_AUTH for choice-based sign-in), or ask "
    "the administrator which one it allows.",
    _R.FIX_SETTINGS,
)
# NotAuthorizedException's other meanings, by a phrase of Cognito's message. Retrying
# cannot help with any of them: none invites it.
_NOT_AUTHORIZED_MEANINGS: tuple[tuple[str, str, Problem], ...] = (
    (
        "user is disabled",
        "user-disabled",
        Problem(
            "This account is disabled. Ask the user pool's administrator to enable it; "
            "signing in again will not work until then.",
            _R.STOP,
        ),
    ),
    (
        "security reasons",
        "blocked",
        Problem(
            "Cognito blocked this sign-in for security reasons (the user pool's threat "
            "protection judged it risky). Trying again will not help: ask the user pool's "
            "administrator.",
            _R.STOP,
        ),
    ),
    (
        "attempts exceeded",
        "locked",
        Problem(
            "Too many wrong passwords: Cognito has locked sign-in for this account for a "
            "while. Wait at least 15 minutes before the next try; every try while it is "
            "locked makes the wait longer.",
            _R.STOP,
        ),
    ),
    (
        # ConfirmSignUp for an account confirmed meanwhile (the email's link, an administrator).
        "current status is confirmed",
        ALREADY_CONFIRMED,
        Problem("This account is confirmed already: sign in with your password.", _R.SIGN_IN_AGAIN),
    ),
    (
        "contact administrator to reset password",
        "admin-reset-only",
        Problem(
            "Only an administrator can reset passwords in this user pool. Ask them.",
            _R.STOP,
        ),
    ),
)
# Also used by the flow when a 200 answer is not one of Cognito's.
NOT_COGNITO = Problem(
    "The endpoint answered with something that is not Cognito (a proxy or captive "
    "portal page?). Check the network and --endpoint-url.",
    _R.RETRY_LATER,
)


def from_client_error(code: str, service_message: str) -> CognitoError:
    """Translate a ClientError's code and message."""
    lowered = service_message.lower()
    if code == "NotAuthorizedException":
        if "session" in lowered and ("invalid" in lowered or "expired" in lowered):
            return CognitoError(
                code, _EXPIRED_SESSION.message, _EXPIRED_SESSION.recovery, SESSION_EXPIRED
            )
        # "Unable to verify secret hash for client ..." and, with no hash sent at all,
        # "Client ... is configured with secret but SECRET_HASH was not received".
        if any(word in lowered for word in ("secret hash", "secret_hash", "client secret")):
            return CognitoError(code, _SECRET_HASH.message, _SECRET_HASH.recovery)
        for phrase, kind, meaning in _NOT_AUTHORIZED_MEANINGS:
            if phrase in lowered:
                return CognitoError(code, meaning.message, meaning.recovery, kind)
        if "temporary password has expired" in lowered:
            return CognitoError(
                code, _TEMPORARY_PASSWORD_EXPIRED.message, _TEMPORARY_PASSWORD_EXPIRED.recovery
            )
    if code == "InvalidParameterException" and "secret_hash" in lowered:
        return CognitoError(code, _SECRET_HASH.message, _SECRET_HASH.recovery)
    if code == "InvalidParameterException" and "flow not enabled" in lowered:
        return CognitoError(code, _FLOW_NOT_ENABLED.message, _FLOW_NOT_ENABLED.recovery)
    if code.isdigit():
        # Only an HTTP status, no Cognito error type: a proxy or portal answered (its body is
        # a web page, not worth showing).
        return CognitoError(code, NOT_COGNITO.message, NOT_COGNITO.recovery)
    problem = SERVICE_ERRORS.get(code)
    if problem is None:
        # Unknown: show what the service said, never a traceback.
        return CognitoError(
            code, f"Cognito refused the request: {code}: {service_message}", _R.STOP
        )
    if code in ("InvalidParameterException", "InvalidPasswordException") and service_message:
        return CognitoError(code, f"{problem.message} {service_message}", problem.recovery)
    return CognitoError(code, problem.message, problem.recovery)


def from_exception(error: BaseException) -> CognitoError:
    """Translate anything boto3/botocore raise during a call."""
    if isinstance(error, CognitoError):
        return error
    # botocore is imported lazily everywhere; it is loaded by the time a call has failed.
    from botocore import exceptions as bx
    from botocore.parsers import ResponseParserError  # not a BotoCoreError

    if isinstance(error, bx.ClientError):
        details = error.response.get("Error", {})
        return from_client_error(
            str(details.get("Code", "Unknown")), str(details.get("Message", ""))
        )
    name = type(error).__name__
    if isinstance(error, bx.SSLError):
        return CognitoError(
            name,
            "The TLS certificate of the endpoint could not be verified. Point --ca-bundle "
            "(or AWS_CA_BUNDLE) at your CA certificates, or use --no-verify-ssl for a "
            "test endpoint.",
            _R.FIX_SETTINGS,
        )
    if isinstance(error, (bx.ConnectTimeoutError, bx.ReadTimeoutError)):
        return CognitoError(
            name,
            "Cognito did not answer in time. Check the network, or raise "
            "--connect-timeout / --read-timeout.",
            _R.RETRY_LATER,
        )
    if isinstance(error, bx.EndpointConnectionError):
        return CognitoError(
            name,
            "Could not reach Cognito at the endpoint. Check the network, the region and "
            "--endpoint-url.",
            _R.RETRY_LATER,
        )
    if isinstance(error, (bx.ProxyConnectionError,)):
        return CognitoError(
            name, "Could not connect through the HTTPS proxy. Check HTTPS_PROXY.", _R.RETRY_LATER
        )
    if isinstance(error, ResponseParserError):
        return CognitoError(name, NOT_COGNITO.message, NOT_COGNITO.recovery)
    if isinstance(error, bx.NoRegionError):
        return CognitoError(name, "No region is set. Pass --region.", _R.FIX_SETTINGS)
    if isinstance(error, bx.BotoCoreError):
        return CognitoError(name, f"The request to Cognito failed: {error}", _R.RETRY_LATER)
    raise error
