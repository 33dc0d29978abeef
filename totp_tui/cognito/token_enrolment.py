"""Enrolling a signed-in user with their access token: opting in on a pool where MFA is
optional, or replacing the authenticator of an enrolled user.

AssociateSoftwareToken(AccessToken) → VerifySoftwareToken(AccessToken, UserCode) →
SetUserMFAPreference(TOTP enabled and preferred). The old authenticator stops working once
the new one is verified.
"""

from __future__ import annotations

from totp_tui.cognito.errors import NOT_COGNITO, CognitoError, Recovery
from totp_tui.cognito.service_calls import ServiceCalls
from totp_tui.cognito.steps import Enrolled, TotpSecretIssued

DEFAULT_DEVICE_NAME = "totp-tui"


class TokenEnrolment:
    def __init__(self, service: ServiceCalls, access_token: str, username: str) -> None:
        self._service = service
        self._access_token: str | None = access_token
        self.username = username

    @classmethod
    def from_access_token(cls, service: ServiceCalls, access_token: str) -> TokenEnrolment:
        """An access token from elsewhere (--access-token, pasted): GetUser checks it and
        names the user for the authenticator app's label."""
        response = service("get_user", AccessToken=access_token.strip())
        if not response.get("Username"):
            raise CognitoError("UnexpectedResponse", NOT_COGNITO.message, NOT_COGNITO.recovery)
        return cls(service, access_token.strip(), str(response["Username"]))

    @property
    def clock_offset(self) -> float | None:
        return self._service.clock_offset

    def _token(self) -> str:
        if not self._access_token:
            raise CognitoError(
                "NotSignedIn", "The sign-in has ended. Sign in again.", Recovery.SIGN_IN_AGAIN
            )
        return self._access_token

    def start(self) -> TotpSecretIssued:
        response = self._service("associate_software_token", AccessToken=self._token())
        if not response.get("SecretCode"):
            raise CognitoError("UnexpectedResponse", NOT_COGNITO.message, NOT_COGNITO.recovery)
        return TotpSecretIssued(self.username, response["SecretCode"])

    def verify_code(self, code: str, device_name: str = DEFAULT_DEVICE_NAME) -> Enrolled:
        response = self._service(
            "verify_software_token",
            AccessToken=self._token(),
            UserCode=code,
            FriendlyDeviceName=device_name or DEFAULT_DEVICE_NAME,
        )
        if "Status" not in response:
            raise CognitoError("UnexpectedResponse", NOT_COGNITO.message, NOT_COGNITO.recovery)
        if response["Status"] != "SUCCESS":
            raise CognitoError(
                "VerifySoftwareTokenError",
                "Cognito did not accept the code. Wait for a new code and type it.",
                Recovery.RETRY_INPUT,
            )
        # Verified is not yet in use: make TOTP the user's MFA, so sign-in asks for it.
        self._service(
            "set_user_mfa_preference",
            AccessToken=self._token(),
            SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
        )
        self._access_token = None
        return Enrolled(self.username)

    def forget(self) -> None:
        self._access_token = None
