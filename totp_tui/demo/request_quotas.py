"""Request quotas in the local Cognito: past a rate, an operation answers
TooManyRequestsException over HTTP, as Cognito does past an account's quota (for example 120
requests per second for the "UserRead" category, AdminGetUser among them; 30 for ListUsers).

moto has no quotas. With them the pool report's pacing (botocore's adaptive retry mode) meets
real throttling in the tests and in `make bench`, not only a stubbed answer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

THROTTLED = "TooManyRequestsException"
THROTTLED_MESSAGE = "Rate exceeded"


@dataclass
class _Bucket:
    """A token bucket: `per_second` refill, at most one second's worth stored (the burst)."""

    per_second: float
    tokens: float = field(init=False)
    stamp: float = field(default_factory=time.monotonic)
    refused: int = 0

    def __post_init__(self) -> None:
        self.tokens = self.per_second

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.per_second, self.tokens + (now - self.stamp) * self.per_second)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.refused += 1
        return False


_lock = threading.Lock()
_buckets: dict[str, _Bucket] = {}  # moto's handler name (admin_get_user) -> its quota
_wrapped: set[str] = set()


def set_quota(operation: str, per_second: float | None) -> None:
    """Throttle `operation` (an API name, e.g. "AdminGetUser") past `per_second` requests per
    second; None lifts the quota."""
    name = _handler_name(operation)
    with _lock:
        if per_second is None:
            _buckets.pop(name, None)
            return
        _buckets[name] = _Bucket(per_second)
        if name not in _wrapped:
            _wrap(name)
            _wrapped.add(name)


def refused(operation: str) -> int:
    """How many requests of `operation` the quota turned away since it was set."""
    with _lock:
        bucket = _buckets.get(_handler_name(operation))
        return bucket.refused if bucket else 0


def clear_quotas() -> None:
    with _lock:
        _buckets.clear()


def _handler_name(operation: str) -> str:
    from moto.core.utils import camelcase_to_underscores

    return str(camelcase_to_underscores(operation))


def _throttled() -> Exception:
    from moto.core.exceptions import JsonRESTError

    return JsonRESTError(THROTTLED, THROTTLED_MESSAGE)


def _wrap(name: str) -> None:
    """Put the quota check in front of moto's HTTP handler for `name` (a handler that raises
    a JsonRESTError makes moto answer with that error)."""
    from moto.cognitoidp.responses import CognitoIdpResponse

    handler: Callable[[Any], Any] = getattr(CognitoIdpResponse, name)

    def within_quota(self: Any) -> Any:
        with _lock:
            bucket = _buckets.get(name)
            allowed = bucket.take() if bucket else True
        if not allowed:
            raise _throttled()
        return handler(self)

    within_quota.__name__ = name
    setattr(CognitoIdpResponse, name, within_quota)
