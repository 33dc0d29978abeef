"""The two ways back to a sign-in that Cognito may demand first: a password reset
(PasswordResetRequiredException, after an administrator reset the password) and the
confirmation of a self-service sign-up (UserNotConfirmedException).

ForgotPassword → a code by SMS or email → ConfirmForgotPassword(code, new password);
ResendConfirmationCode → a code → ConfirmSignUp(code). Each call takes the name the person
typed and, when the app client has a secret, a SECRET_HASH for that name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from totp_tui.cognito.errors import ALREADY_CONFIRMED, CognitoError, Recovery
from totp_tui.cognito.flow import secret_hash
from totp_tui.cognito.service_calls import ServiceCalls
from totp_tui.cognito.steps import CodeSent, SignUpConfirmed
from totp_tui.config.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

# The service's messages speak of "verification codes"; these say which message to look at.
_WRONG_CODE = (
    "That code is not right. Type the code from the newest message, or press Ctrl+R for a new one."
)
_EXPIRED_CODE = "That code has expired. Press Ctrl+R for a new one."


def _about_the_code(error: CognitoError) -> CognitoError:
    if error.code == "CodeMismatchException":
        return CognitoError(error.code, _WRONG_CODE, Recovery.RETRY_INPUT)
    if error.code == "ExpiredCodeException":
        return CognitoError(error.code, _EXPIRED_CODE, Recovery.RETRY_INPUT)
    return error


def code_sent(response: dict[str, Any]) -> CodeSent:
    details = response.get("CodeDeliveryDetails") or {}
    return CodeSent(str(details.get("Destination") or ""), str(details.get("DeliveryMedium") or ""))


class AccountRecovery:
    """Blocking calls: run them off the UI thread. Raises CognitoError only."""

    def __init__(self, settings: Settings, client: CognitoIdentityProviderClient) -> None:
        self._settings = settings
        self._service = ServiceCalls(client)

    @property
    def calls(self) -> int:
        return self._service.count

    def send_reset_code(self, username: str) -> CodeSent:
        """ForgotPassword: Cognito sends a code to the account's verified email or phone."""
        return code_sent(self._call("forgot_password", username))

    def reset_password(self, username: str, code: str, new_password: str) -> None:
        """ConfirmForgotPassword: the code and the new password (the pool's policy applies)."""
        try:
            self._call(
                "confirm_forgot_password",
                username,
                ConfirmationCode=code,
                Password=new_password,
            )
        except CognitoError as error:
            raise _about_the_code(error) from None

    def resend_sign_up_code(self, username: str) -> CodeSent:
        return code_sent(self._call("resend_confirmation_code", username))

    def confirm_sign_up(self, username: str, code: str) -> SignUpConfirmed:
        try:
            self._call("confirm_sign_up", username, ConfirmationCode=code)
        except CognitoError as error:
            if error.kind == ALREADY_CONFIRMED:  # what the person wanted: confirmed
                return SignUpConfirmed(username)
            raise _about_the_code(error) from None
        return SignUpConfirmed(username)

    def _call(self, operation: str, username: str, **kwargs: Any) -> dict[str, Any]:
        if self._settings.client_secret:
            kwargs["SecretHash"] = secret_hash(
                self._settings.client_secret, username, self._settings.client_id
            )
        return self._service(
            operation, ClientId=self._settings.client_id, Username=username, **kwargs
        )
