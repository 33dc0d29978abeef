"""Enrolling a signed-in user with their access token: opting in on a pool where MFA is
optional, or replacing the authenticator of an enrolled user.

AssociateSoftwareToken(AccessToken) → VerifySoftwareToken(AccessToken, UserCode) →
SetUserMFAPreference(TOTP enabled and preferred). The old authenticator stops working once
the new one is verified.
"""

from __future__ import annotations

import re
from typing import Any

from totp_tui.cognito.errors import CognitoError, Recovery
from totp_tui.cognito.service_calls import ServiceCalls, not_cognito, require_verified
from totp_tui.cognito.steps import Enrolled, TotpSecretIssued, factor_of

DEFAULT_DEVICE_NAME = "totp-tui"

# Cognito answers a bad access token with NotAuthorizedException, which would otherwise read
# "Incorrect username or password." to someone who typed neither.
_TOKEN_REFUSED = (
    "Cognito did not accept the access token: it has expired (access tokens last an hour), "
    "was revoked, or is for another user pool. Get a new one, or sign in with a password."
)


# SetUserMFAPreference's setting for each factor a person may move from.
_MFA_SETTINGS = {
    "SMS_MFA": "SMSMfaSettings",
    "SMS_OTP": "SMSMfaSettings",
    "EMAIL_OTP": "EmailMfaSettings",
}
# Pools that sign in by email or phone give each user a UUID as its username.
_INTERNAL_NAME = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def sign_in_name(get_user: dict[str, Any]) -> str:
    """What the person signs in with, for the authenticator app's label: the username,
    unless it is an internal UUID; then their email, preferred username or phone number."""
    username = str(get_user.get("Username") or "")
    if not _INTERNAL_NAME.fullmatch(username):
        return username
    attributes = {
        str(item.get("Name")): str(item.get("Value") or "")
        for item in get_user.get("UserAttributes") or ()
    }
    return (
        attributes.get("email")
        or attributes.get("preferred_username")
        or attributes.get("phone_number")
        or username
    )


def _token_refused(error: CognitoError, recovery: Recovery) -> CognitoError:
    if error.code != "NotAuthorizedException":
        return error
    return CognitoError(error.code, _TOKEN_REFUSED, recovery)


class TokenEnrolment:
    """`moving_from`: the challenge (SMS_MFA, EMAIL_OTP...) the person signed in with, which
    the app replaces as the preferred factor; `keep_other` leaves it on as a second option."""

    def __init__(
        self,
        service: ServiceCalls,
        access_token: str,
        username: str,
        *,
        moving_from: str = "",
        keep_other: bool = True,
    ) -> None:
        self._service = service
        self._access_token: str | None = access_token
        self.username = username
        self._moving_from = moving_from
        self._keep_other = keep_other

    @classmethod
    def from_access_token(cls, service: ServiceCalls, access_token: str) -> TokenEnrolment:
        """An access token from elsewhere (--access-token, pasted): GetUser checks it and
        names the user for the authenticator app's label."""
        try:
            response = service("get_user", AccessToken=access_token.strip())
        except CognitoError as error:
            raise _token_refused(error, Recovery.RETRY_INPUT) from None
        if not response.get("Username"):
            raise not_cognito()
        return cls(service, access_token.strip(), sign_in_name(response))

    @property
    def clock_offset(self) -> float | None:
        return self._service.clock_offset

    def _token(self) -> str:
        if not self._access_token:
            raise CognitoError(
                "NotSignedIn", "The sign-in has ended. Sign in again.", Recovery.SIGN_IN_AGAIN
            )
        return self._access_token

    def _call(self, operation: str, **kwargs: object) -> dict[str, Any]:
        try:
            return self._service(operation, AccessToken=self._token(), **kwargs)
        except CognitoError as error:
            raise _token_refused(error, Recovery.SIGN_IN_AGAIN) from None

    def start(self) -> TotpSecretIssued:
        response = self._call("associate_software_token")
        if not response.get("SecretCode"):
            raise not_cognito()
        return TotpSecretIssued(self.username, response["SecretCode"])

    def verify_code(self, code: str, device_name: str = DEFAULT_DEVICE_NAME) -> Enrolled:
        response = self._call(
            "verify_software_token",
            UserCode=code,
            FriendlyDeviceName=device_name or DEFAULT_DEVICE_NAME,
        )
        require_verified(response)
        # Verified is not yet in use: make TOTP the user's MFA, so sign-in asks for it; in the
        # same call, the factor it replaces stays as a second option or goes.
        preferences: dict[str, Any] = {
            "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True}
        }
        other = _MFA_SETTINGS.get(self._moving_from)
        if other:
            preferences[other] = {"Enabled": self._keep_other, "PreferredMfa": False}
        self._call("set_user_mfa_preference", **preferences)
        self._access_token = None
        if not other:
            return Enrolled(self.username)
        return Enrolled(self.username, factor_of(self._moving_from), self._keep_other)

    def forget(self) -> None:
        self._access_token = None
