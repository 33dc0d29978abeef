"""One Cognito call at a time: errors translated, calls counted, the service's clock read."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from totp_tui.cognito.errors import NOT_COGNITO, CognitoError, Recovery, from_exception

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient


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


def not_cognito() -> CognitoError:
    """botocore turns a 200 answer that is not JSON (a captive portal's page) into a dict
    with none of Cognito's fields: not a verdict on what was sent."""
    return CognitoError("UnexpectedResponse", NOT_COGNITO.message, NOT_COGNITO.recovery)


def require_verified(response: dict[str, Any]) -> None:
    """VerifySoftwareToken's answer: raise unless the code was accepted."""
    if "Status" not in response:
        # A captive portal's 200 page: not a verdict on the code, so it must not say the
        # code was wrong.
        raise not_cognito()
    if response["Status"] != "SUCCESS":
        raise CognitoError(
            "VerifySoftwareTokenError",
            "Cognito did not accept the code. Wait for a new code and type it.",
            Recovery.RETRY_INPUT,
        )


class ServiceCalls:
    """Makes the calls of one sign-in or enrolment. Raises CognitoError (a user message and
    a recovery kind) for every service or network fault; anything else is a bug and rises."""

    def __init__(self, client: CognitoIdentityProviderClient) -> None:
        self.client = client
        self.count = 0  # for the benchmark's "minimum calls" check
        self.clock_offset: float | None = None  # service clock minus ours, last seen

    def __call__(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        self.count += 1
        try:
            response: dict[str, Any] = getattr(self.client, operation)(**kwargs)
        except Exception as error:  # translated; anything unknown is re-raised by from_exception
            raise from_exception(error) from None
        offset = clock_offset(response, time.time())
        if offset is not None:
            self.clock_offset = offset
        return response
