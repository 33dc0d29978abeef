"""One Cognito call at a time: errors translated, calls counted, the service's clock read."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from totp_tui.cognito.errors import from_exception

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
