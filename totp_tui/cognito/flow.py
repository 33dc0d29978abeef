"""Sign-in and TOTP enrolment, step by step, as values that say what comes next.

One `EnrolmentFlow` serves one attempt for one user. It keeps the newest Session and the
name Cognito uses for the user to itself: screens only ever see what they must draw (the TOTP
secret, the attributes to ask for) and hand back what the user typed.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from totp_tui.cognito.errors import NOT_COGNITO, CognitoError, Recovery, from_exception
from totp_tui.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

DEFAULT_DEVICE_NAME = "totp-tui"


# --- What comes next -------------------------------------------------------------------------


@dataclass(frozen=True)
class NewPasswordRequired:
    """The account was created by an administrator: choose a password (and fill attributes)."""

    username: str
    required_attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TotpSecretIssued:
    """AssociateSoftwareToken answered: show this secret and ask for a code from it."""

    username: str
    secret: str = field(repr=False)


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


Step = (
    NewPasswordRequired | TotpSecretIssued | Enrolled | SignedInWithoutSetup | ChallengeNotHandled
)


# --- Helpers ---------------------------------------------------------------------------------


def clock_offset(response: dict[str, Any], local_time: float) -> float | None:
    """Seconds the service's clock is ahead of ours, from the response's Date header.

    TOTP codes depend on both clocks; a host whose clock is off confuses people who compare
    codes. The header has a resolution of one second, which is plenty for a 30 s window.
    """
    headers = response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
    date = headers.get("date")
    if not date:
        return None
    try:
        return parsedate_to_datetime(date).timestamp() - local_time
    except (TypeError, ValueError):
        return None


def secret_hash(client_secret: str, username: str, client_id: str) -> str:
    """Base64(HMAC-SHA256(key=client secret, message=username + client id))."""
    digest = hmac.new(
        client_secret.encode("utf-8"), (username + client_id).encode("utf-8"), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def parse_mfas_can_setup(raw: str | list[str] | None) -> tuple[str, ...]:
    """MFAS_CAN_SETUP is a JSON list in a string on AWS, e.g. '["SMS_MFA","SOFTWARE_TOKEN_MFA"]';
    moto sends a Python repr ("['SOFTWARE_TOKEN_MFA']"). Accept both, and a bare list."""
    if raw is None or raw == "":
        return ()
    if isinstance(raw, list):
        return tuple(str(item) for item in raw)
    try:
        value: Any = json.loads(raw)
    except json.JSONDecodeError:
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            return (raw,)
    if isinstance(value, (list, tuple)):
        return tuple(str(item) for item in value)
    return (str(value),)


def _required_attributes(parameters: dict[str, str]) -> tuple[str, ...]:
    raw = parameters.get("requiredAttributes")
    if not raw:
        return ()
    try:
        names = json.loads(raw)
    except json.JSONDecodeError:
        return ()
    # Cognito names them "userAttributes.email"; the answer wants the same prefix.
    return tuple(str(name).removeprefix("userAttributes.") for name in names)


_NOT_HANDLED = {
    "SOFTWARE_TOKEN_MFA": (
        "This account is already enrolled in authenticator-app MFA: Cognito asks for a "
        "code from the app. Replacing an authenticator is not handled by this version."
    ),
    "SELECT_MFA_TYPE": (
        "Cognito asks this account to choose between several MFA methods. That choice is "
        "not handled by this version."
    ),
    "SMS_MFA": "This account uses SMS MFA, which this wizard does not handle.",
    "EMAIL_OTP": "This account uses email MFA, which this wizard does not handle.",
    "CUSTOM_CHALLENGE": "This user pool uses a custom sign-in challenge, not handled here.",
    "DEVICE_SRP_AUTH": "This user pool asks for device authentication, not handled here.",
}


def _not_cognito() -> CognitoError:
    # botocore turns a 200 answer that is not JSON (a captive portal's page) into a dict with
    # none of Cognito's fields.
    return CognitoError("UnexpectedResponse", NOT_COGNITO.message, NOT_COGNITO.recovery)


# --- The flow --------------------------------------------------------------------------------


class EnrolmentFlow:
    """Drives InitiateAuth → [NEW_PASSWORD_REQUIRED] → MFA_SETUP → Associate → Verify → tokens.

    Every method makes blocking calls: run them off the UI thread. Each raises CognitoError
    (with a user message and a recovery kind) and nothing else for service or network faults.
    """

    def __init__(self, settings: Settings, client: CognitoIdentityProviderClient) -> None:
        self._settings = settings
        self._client = client
        self._username = ""
        self._session: str | None = None
        self._challenge = ""  # the challenge Cognito asked last
        self.calls = 0  # service calls made, for the benchmark's "minimum calls" check
        # Service clock minus ours, in seconds, from the last response's Date header.
        self.clock_offset: float | None = None

    # Public steps -----------------------------------------------------------------------

    def sign_in(self, username: str, password: str) -> Step:
        username = username.strip()
        self._username = username
        self._session = None
        self._challenge = ""
        if self._settings.auth_flow == "USER_PASSWORD_AUTH":
            params = {"USERNAME": username, "PASSWORD": password}
            self._add_secret_hash(params, username)
            response = self._call(
                "initiate_auth",
                AuthFlow="USER_PASSWORD_AUTH",
                ClientId=self._settings.client_id,
                AuthParameters=params,
            )
            return self._next(response)
        return self._sign_in_srp(username, password)

    def set_new_password(self, new_password: str, attributes: dict[str, str] | None = None) -> Step:
        if self._challenge == "MFA_SETUP":
            # Cognito took the new password, then AssociateSoftwareToken failed: retry that
            # rather than answer NEW_PASSWORD_REQUIRED again with the MFA_SETUP Session.
            return self._associate()
        responses = {"USERNAME": self._username, "NEW_PASSWORD": new_password}
        for name, value in (attributes or {}).items():
            responses[f"userAttributes.{name}"] = value
        return self._respond("NEW_PASSWORD_REQUIRED", responses)

    def verify_code(self, code: str, device_name: str = DEFAULT_DEVICE_NAME) -> Step:
        """VerifySoftwareToken, then answer MFA_SETUP. A wrong code raises CognitoError with
        RETRY_INPUT and leaves the Session as it was, so the same secret stays valid."""
        response = self._call(
            "verify_software_token",
            Session=self._require_session(),
            UserCode=code,
            FriendlyDeviceName=device_name or DEFAULT_DEVICE_NAME,
        )
        if "Status" not in response:
            # A captive portal's 200 page: botocore parses it into {"message": <page>}. Not a
            # verdict on the code, so it must not say the code was wrong.
            raise _not_cognito()
        self._session = response.get("Session") or self._session
        if response.get("Status") != "SUCCESS":
            raise CognitoError(
                "VerifySoftwareTokenError",
                "Cognito did not accept the code. Wait for a new code and type it.",
                Recovery.RETRY_INPUT,
            )
        return self._respond("MFA_SETUP", {"USERNAME": self._username}, done=Enrolled)

    def forget(self) -> None:
        """Drop the Session: used when the user cancels or the session has expired."""
        self._session = None

    # Internals --------------------------------------------------------------------------

    def _sign_in_srp(self, username: str, password: str) -> Step:
        from pycognito.aws_srp import AWSSRP  # pulls requests and jwt: load after first paint

        srp = AWSSRP(
            username=username,
            password=password,
            pool_id=self._settings.user_pool_id,
            client_id=self._settings.client_id,
            client=self._client,
            client_secret=self._settings.client_secret,
        )
        auth_params = srp.get_auth_params()
        response = self._call(
            "initiate_auth",
            AuthFlow="USER_SRP_AUTH",
            ClientId=self._settings.client_id,
            AuthParameters=auth_params,
        )
        if response.get("ChallengeName") != "PASSWORD_VERIFIER":
            return self._next(response)
        parameters = response["ChallengeParameters"]
        try:
            answer = srp.process_challenge(parameters, auth_params)
        except (KeyError, ValueError) as error:
            raise CognitoError(
                "SRPError",
                "Cognito's sign-in challenge was malformed; try again.",
                Recovery.RETRY_LATER,
            ) from error
        finally:
            del srp  # holds the password; nothing else needs it now
        # Cognito names the user by its internal id from here on (sign-in by alias).
        self._username = parameters.get("USERNAME") or parameters.get("USER_ID_FOR_SRP") or username
        self._session = response.get("Session")
        return self._respond("PASSWORD_VERIFIER", answer, add_hash=False)

    def _respond(
        self,
        challenge: str,
        responses: dict[str, str],
        add_hash: bool = True,
        done: type[Enrolled | SignedInWithoutSetup] = SignedInWithoutSetup,
    ) -> Step:
        if add_hash:
            self._add_secret_hash(responses, responses.get("USERNAME", self._username))
        kwargs: dict[str, Any] = {
            "ClientId": self._settings.client_id,
            "ChallengeName": challenge,
            "ChallengeResponses": responses,
        }
        if self._session:
            kwargs["Session"] = self._session
        elif challenge != "PASSWORD_VERIFIER":
            self._require_session()
        return self._next(self._call("respond_to_auth_challenge", **kwargs), done)

    def _next(
        self,
        response: dict[str, Any],
        done: type[Enrolled | SignedInWithoutSetup] = SignedInWithoutSetup,
    ) -> Step:
        """Turn an InitiateAuth/RespondToAuthChallenge answer into the next step.

        Tokens after the MFA_SETUP answer mean enrolled; tokens anywhere else mean Cognito let
        the user in without any setup. The tokens themselves are not kept: nothing needs them.
        """
        if "AuthenticationResult" in response:
            self._session = None
            return done(self._username)
        challenge = response.get("ChallengeName", "")
        if not challenge:
            raise _not_cognito()
        self._challenge = challenge
        parameters: dict[str, str] = response.get("ChallengeParameters") or {}
        self._session = response.get("Session") or self._session
        # NEW_PASSWORD_REQUIRED names the user only by USER_ID_FOR_SRP (sign-in by alias).
        self._username = (
            parameters.get("USERNAME") or parameters.get("USER_ID_FOR_SRP") or self._username
        )
        if challenge == "NEW_PASSWORD_REQUIRED":
            return NewPasswordRequired(self._username, _required_attributes(parameters))
        if challenge == "MFA_SETUP":
            offered = parse_mfas_can_setup(parameters.get("MFAS_CAN_SETUP"))
            if offered and "SOFTWARE_TOKEN_MFA" not in offered:
                self._session = None
                raise CognitoError(
                    "TotpNotOffered",
                    "This user pool does not offer authenticator-app (TOTP) MFA to this "
                    f"account (it offers {', '.join(offered)}). Ask its administrator to "
                    "enable TOTP.",
                    Recovery.STOP,
                )
            return self._associate()
        message = _NOT_HANDLED.get(challenge, f"Cognito asked for {challenge!r}, not handled here.")
        self._session = None
        return ChallengeNotHandled(self._username, challenge, message)

    def _associate(self) -> TotpSecretIssued:
        response = self._call("associate_software_token", Session=self._require_session())
        self._session = response.get("Session") or self._session
        if not response.get("SecretCode"):
            raise _not_cognito()
        return TotpSecretIssued(self._username, response["SecretCode"])

    def _add_secret_hash(self, params: dict[str, str], username: str) -> None:
        if self._settings.client_secret:
            params["SECRET_HASH"] = secret_hash(
                self._settings.client_secret, username, self._settings.client_id
            )

    def _require_session(self) -> str:
        if not self._session:
            raise CognitoError(
                "NoSession", "The sign-in session has ended. Sign in again.", Recovery.SIGN_IN_AGAIN
            )
        return self._session

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        self.calls += 1
        try:
            response: dict[str, Any] = getattr(self._client, operation)(**kwargs)
        except Exception as error:  # translated; anything unknown is re-raised by from_exception
            raise from_exception(error) from None
        offset = clock_offset(response, time.time())
        if offset is not None:
            self.clock_offset = offset
        return response
