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
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from totp_tui.cognito.errors import CognitoError, Recovery
from totp_tui.cognito.service_calls import ServiceCalls, not_cognito, require_verified

# The step values live in steps.py; they are re-exported here for callers of the flow.
from totp_tui.cognito.steps import (
    AlreadyEnrolled,
    ChallengeNotHandled,
    CodeRequired,
    Enrolled,
    FactorChoice,
    NewPasswordRequired,
    OtherCodeRequired,
    SignedInWithCode,
    SignedInWithoutSetup,
    Step,
    TotpSecretIssued,
)
from totp_tui.cognito.token_enrolment import DEFAULT_DEVICE_NAME, TokenEnrolment
from totp_tui.config.settings import Settings

__all__ = [
    "AlreadyEnrolled",
    "ChallengeNotHandled",
    "CodeRequired",
    "Enrolled",
    "EnrolmentFlow",
    "FactorChoice",
    "NewPasswordRequired",
    "OtherCodeRequired",
    "SignedInWithCode",
    "SignedInWithoutSetup",
    "Step",
    "TotpSecretIssued",
]

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient


# --- Helpers ---------------------------------------------------------------------------------


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


NOT_HANDLED = {
    "CUSTOM_CHALLENGE": "This user pool uses a custom sign-in challenge, not handled here.",
    "DEVICE_SRP_AUTH": "This user pool asks for device authentication, not handled here.",
    "WEB_AUTHN": (
        "Cognito asks this account for a passkey, which a terminal cannot provide. Sign in "
        "with a password instead, or ask the user pool's administrator."
    ),
}
# Codes Cognito sends by SMS or email, and the answer's field for each.
CODE_CHALLENGES = {
    "SMS_MFA": "SMS_MFA_CODE",
    "SMS_OTP": "SMS_OTP_CODE",
    "EMAIL_OTP": "EMAIL_OTP_CODE",
}
# Choice-based sign-in (USER_AUTH): the first factors this wizard answers, best first.
PASSWORD_FACTORS = ("PASSWORD_SRP", "PASSWORD")
PASSWORDLESS_ONLY = (
    "This account can sign in only without a password ({offered}), which this wizard "
    "does not do. Ask the user pool's administrator to allow password sign-in for this "
    "app client, or use another --auth-flow."
)


def _about_the_sent_code(error: CognitoError, challenge: str) -> CognitoError:
    """The generic code messages speak of the authenticator app, which this person does not
    have yet: say which message the code came in, and how to get a new one."""
    message = "the newest email" if challenge == "EMAIL_OTP" else "the newest text message"
    if error.code == "CodeMismatchException":
        return CognitoError(
            error.code,
            f"That code is not right. Type the code from {message}, or press Ctrl+R to sign "
            "in again for a new one.",
            Recovery.RETRY_INPUT,
        )
    if error.code == "ExpiredCodeException":
        return CognitoError(
            error.code,
            "That code has expired. Press Ctrl+R to sign in again for a new one.",
            Recovery.RETRY_INPUT,
        )
    return error


def available_challenges(response: dict[str, Any]) -> tuple[str, ...]:
    """SELECT_CHALLENGE's choices: a top-level list; some SDKs' fixtures carry them in
    ChallengeParameters as a JSON string. Accept both."""
    top = response.get("AvailableChallenges")
    if top:
        return tuple(str(name) for name in top)
    parameters = response.get("ChallengeParameters") or {}
    return parse_mfas_can_setup(parameters.get("AvailableChallenges"))


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
        self._access_token: str | None = None  # once signed in; never shown or logged
        self._signed_in_with = ""  # SMS_MFA, EMAIL_OTP...: the code challenge answered
        self._service = ServiceCalls(client)

    @property
    def calls(self) -> int:
        """Service calls made, for the benchmark's "minimum calls" check."""
        return self._service.count

    @property
    def clock_offset(self) -> float | None:
        """Service clock minus ours, in seconds, from the last response's Date header."""
        return self._service.clock_offset

    # Public steps -----------------------------------------------------------------------

    def sign_in(self, username: str, password: str) -> Step:
        username = username.strip()
        self._username = username
        self._session = None
        self._challenge = ""
        self._signed_in_with = ""
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
        if self._settings.auth_flow == "USER_AUTH":
            return self._sign_in_by_choice(username, password)
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
        if "Status" in response:  # a verdict: its Session is the newest, right or wrong
            self._session = response.get("Session") or self._session
        require_verified(response)
        return self._respond("MFA_SETUP", {"USERNAME": self._username}, done=Enrolled)

    def answer_code(self, code: str) -> Step:
        """SOFTWARE_TOKEN_MFA: the code from the app the account is enrolled with already."""
        return self._respond(
            "SOFTWARE_TOKEN_MFA",
            {"USERNAME": self._username, "SOFTWARE_TOKEN_MFA_CODE": code},
            done=AlreadyEnrolled,
        )

    def answer_other_code(self, code: str) -> Step:
        """SMS_MFA, SMS_OTP or EMAIL_OTP: the code Cognito sent. Tokens mean signed in with
        that factor, ready to move to the app (`token_enrolment`)."""
        challenge = self._challenge
        if challenge not in CODE_CHALLENGES:  # a screen outlived its challenge
            raise CognitoError(
                "NoCodeAsked",
                "Cognito is not waiting for a code now. Sign in again.",
                Recovery.SIGN_IN_AGAIN,
            )
        self._signed_in_with = challenge
        try:
            return self._respond(
                challenge,
                {"USERNAME": self._username, CODE_CHALLENGES[challenge]: code},
                done=lambda username: SignedInWithCode(username, challenge),
            )
        except CognitoError as error:
            raise _about_the_sent_code(error, challenge) from None

    def choose_factor(self, choice: str) -> Step:
        """SELECT_MFA_TYPE: the factor the person picked among those Cognito offered."""
        return self._respond(
            "SELECT_MFA_TYPE",
            {"USERNAME": self._username, "ANSWER": choice},
            # Tokens straight after choosing the app would mean its code was not needed.
            done=AlreadyEnrolled if choice == "SOFTWARE_TOKEN_MFA" else SignedInWithoutSetup,
        )

    def continue_session(self, username: str, session: str) -> Step:
        """Continue an MFA_SETUP challenge that was started elsewhere (--session)."""
        self._username = username.strip()
        self._session = session
        self._challenge = "MFA_SETUP"
        return self._associate()

    def token_enrolment(self, keep_other: bool = True) -> TokenEnrolment:
        """Enrol (or replace) the authenticator of the user this flow signed in. After a
        sign-in with an SMS or email code, the app replaces that factor as the preferred
        one; `keep_other` leaves it on as a second option, else turns it off."""
        if not self._access_token:
            raise CognitoError(
                "NotSignedIn", "Sign in first, then set up the app.", Recovery.SIGN_IN_AGAIN
            )
        return TokenEnrolment(
            self._service,
            self._access_token,
            self._username,
            moving_from=self._signed_in_with,
            keep_other=keep_other,
        )

    def forget(self) -> None:
        """Drop the Session and the access token: cancel, expiry, or the next person."""
        self._session = None
        self._access_token = None

    # Internals --------------------------------------------------------------------------

    def _srp(self, username: str, password: str) -> Any:
        # pycognito pulls requests and jwt: loaded after the first paint.
        from totp_tui.cognito.srp_ephemeral import srp_client

        return srp_client(
            username=username,
            password=password,
            pool_id=self._settings.user_pool_id,
            client_id=self._settings.client_id,
            client=self._client,
            client_secret=self._settings.client_secret,
        )

    def _sign_in_srp(self, username: str, password: str) -> Step:
        srp = self._srp(username, password)
        auth_params = srp.get_auth_params()
        response = self._call(
            "initiate_auth",
            AuthFlow="USER_SRP_AUTH",
            ClientId=self._settings.client_id,
            AuthParameters=auth_params,
        )
        return self._password_verifier(srp, auth_params, response)

    def _sign_in_by_choice(self, username: str, password: str) -> Step:
        """USER_AUTH: ask for PASSWORD_SRP; if Cognito lets the person choose instead
        (SELECT_CHALLENGE), take SRP, else the plain password, never a passwordless one."""
        srp = self._srp(username, password)
        auth_params = srp.get_auth_params() | {"PREFERRED_CHALLENGE": "PASSWORD_SRP"}
        response = self._call(
            "initiate_auth",
            AuthFlow="USER_AUTH",
            ClientId=self._settings.client_id,
            AuthParameters=auth_params,
        )
        if response.get("ChallengeName") != "SELECT_CHALLENGE":
            return self._password_verifier(srp, auth_params, response)
        self._session = response.get("Session")
        offered = available_challenges(response)
        answers = {"USERNAME": username}
        if "PASSWORD_SRP" in offered:
            answers |= {"ANSWER": "PASSWORD_SRP", "SRP_A": auth_params["SRP_A"]}
            response = self._call_respond("SELECT_CHALLENGE", answers)
            return self._password_verifier(srp, auth_params, response)
        del srp
        if "PASSWORD" in offered:
            answers |= {"ANSWER": "PASSWORD", "PASSWORD": password}
            return self._respond("SELECT_CHALLENGE", answers)
        self._session = None
        raise CognitoError(
            "PasswordlessOnly",
            PASSWORDLESS_ONLY.format(offered=", ".join(offered) or "none offered"),
            Recovery.STOP,
        )

    def _password_verifier(
        self, srp: Any, auth_params: dict[str, str], response: dict[str, Any]
    ) -> Step:
        """Answer PASSWORD_VERIFIER with SRP's proof; any other answer is the next step."""
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
        self._username = (
            parameters.get("USERNAME") or parameters.get("USER_ID_FOR_SRP") or self._username
        )
        self._session = response.get("Session") or self._session
        return self._respond("PASSWORD_VERIFIER", answer, add_hash=False)

    def _respond(
        self,
        challenge: str,
        responses: dict[str, str],
        add_hash: bool = True,
        done: Callable[[str], Step] = SignedInWithoutSetup,
    ) -> Step:
        return self._next(self._call_respond(challenge, responses, add_hash), done)

    def _call_respond(
        self, challenge: str, responses: dict[str, str], add_hash: bool = True
    ) -> dict[str, Any]:
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
        return self._call("respond_to_auth_challenge", **kwargs)

    def _next(
        self, response: dict[str, Any], done: Callable[[str], Step] = SignedInWithoutSetup
    ) -> Step:
        """Turn an InitiateAuth/RespondToAuthChallenge answer into the next step.

        Tokens after the MFA_SETUP answer mean enrolled; tokens anywhere else mean Cognito let
        the user in without any setup. Only the access token is kept (privately): it is what
        enrolling or replacing an authenticator for a signed-in user takes.
        """
        if "AuthenticationResult" in response:
            self._session = None
            self._access_token = response["AuthenticationResult"].get("AccessToken")
            return done(self._username)
        challenge = response.get("ChallengeName", "")
        if not challenge:
            raise not_cognito()
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
            return self._associate(tuple(f for f in offered if f != "SOFTWARE_TOKEN_MFA"))
        if challenge == "SOFTWARE_TOKEN_MFA":
            return CodeRequired(self._username)
        if challenge in CODE_CHALLENGES:
            return OtherCodeRequired(
                self._username, challenge, parameters.get("CODE_DELIVERY_DESTINATION", "")
            )
        if challenge == "SELECT_MFA_TYPE":
            choices = parse_mfas_can_setup(parameters.get("MFAS_CAN_CHOOSE"))
            if "SOFTWARE_TOKEN_MFA" in choices:
                # The authenticator app is what this tool is about: choose it.
                return self.choose_factor("SOFTWARE_TOKEN_MFA")
            if choices:
                return FactorChoice(self._username, choices)
        message = NOT_HANDLED.get(challenge, f"Cognito asked for {challenge!r}, not handled here.")
        self._session = None
        return ChallengeNotHandled(self._username, challenge, message)

    def _associate(self, also_offered: tuple[str, ...] = ()) -> TotpSecretIssued:
        response = self._call("associate_software_token", Session=self._require_session())
        self._session = response.get("Session") or self._session
        if not response.get("SecretCode"):
            raise not_cognito()
        return TotpSecretIssued(self._username, response["SecretCode"], also_offered)

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
        return self._service(operation, **kwargs)
