"""The pool at a glance: every user with their status and MFA factors, for planning who to
enrol before MFA is enforced.

ListUsers does not return TOTP state, so each user costs one AdminGetUser. Pages of ListUsers
(60 users, its maximum) feed a small pool of threads; at most `window` users are in flight or
waiting to be written, and rows come out in ListUsers' order as soon as their turn comes, so
memory stays the same for 50 users or 500,000. Cognito's request quotas (AdminGetUser is in
the "UserRead" category: 120 a second by default; ListUsers 30) answer
TooManyRequestsException past them: botocore's adaptive retry mode slows the client down and
retries, and the throttles it absorbed are counted.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from totp_tui.cognito.client import client_config, no_retry_after_read_timeout
from totp_tui.config.settings import PoolConnection
from totp_tui.helpdesk.admin_calls import (
    REPORT,
    STATUS,
    MfaStatus,
    admin_error,
    boto_errors,
    mfa_status_of,
)
from totp_tui.helpdesk.next_sign_in import FACTOR_NAMES, PoolMfa, factor_class, next_sign_in

if TYPE_CHECKING:
    import boto3

PAGE_SIZE = 60  # ListUsers' maximum Limit
DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 32
# Attempts per call in all: adaptive mode waits longer after each throttle, so a burst
# against a low quota settles rather than failing the report.
ATTEMPTS = 10
THROTTLING_CODES = frozenset(
    {"TooManyRequestsException", "ThrottlingException", "Throttling", "LimitExceededException"}
)
COLUMNS = (
    "username",
    "user_status",
    "enabled",
    "factors",
    "totp",
    "other_factors",
    "preferred",
    "next_sign_in",
)


@dataclass(frozen=True)
class ReportRow:
    status: MfaStatus
    next_sign_in: str

    def as_dict(self) -> dict[str, object]:
        status = self.status
        return {
            "username": status.username,
            "user_status": status.user_status,
            "enabled": status.enabled,
            "factors": factor_class(status.mfa_settings),
            "totp": status.totp_enabled,
            "other_factors": [FACTOR_NAMES.get(f, f) for f in status.other_factors],
            "preferred": FACTOR_NAMES.get(status.preferred_mfa or "", status.preferred_mfa),
            "next_sign_in": self.next_sign_in,
        }


@dataclass
class CallCounts:
    """What the client sent and absorbed, counted from botocore's events (thread-safe)."""

    requests: int = 0  # HTTP requests, retries included
    throttles: int = 0  # throttling answers that were retried
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def watch(self, client: Any) -> None:
        events = client.meta.events
        events.register("before-send.cognito-idp", self._sent)
        events.register("needs-retry.cognito-idp", self._answered)

    def _sent(self, **_: Any) -> None:
        with self._lock:
            self.requests += 1

    def _answered(self, response: Any = None, attempts: int = 1, **_: Any) -> None:
        # Only the error code is read; a throttle on the last attempt is not absorbed, and
        # the call's error says so.
        if response is None or attempts >= ATTEMPTS:
            return
        code = response[1].get("Error", {}).get("Code")
        if code in THROTTLING_CODES:
            with self._lock:
                self.throttles += 1


def report_client(session: boto3.Session, settings: PoolConnection, concurrency: int) -> Any:
    """A signed client for many calls at once: adaptive retries (a client-side rate limiter
    that slows down after throttling), and a connection per thread."""
    from botocore.config import Config

    config = client_config(settings).merge(
        Config(
            retries={"mode": "adaptive", "total_max_attempts": ATTEMPTS},
            max_pool_connections=concurrency + 2,
        )
    )
    client = session.client(
        "cognito-idp",
        region_name=settings.region,
        endpoint_url=settings.endpoint_url,
        verify=settings.verify,
        config=config,
    )
    no_retry_after_read_timeout(client)
    return client


def usernames(client: Any, settings: PoolConnection, filter_text: str | None) -> Iterator[str]:
    """ListUsers, page by page (one page held at a time). Raises AdminError."""
    token: str | None = None
    while True:
        request: dict[str, Any] = {"UserPoolId": settings.user_pool_id, "Limit": PAGE_SIZE}
        if filter_text:
            request["Filter"] = filter_text
        if token:
            request["PaginationToken"] = token
        try:
            page: Mapping[str, Any] = client.list_users(**request)
        except boto_errors() as error:
            raise admin_error(error, REPORT, settings) from None
        for user in page.get("Users") or ():
            yield str(user["Username"])
        token = page.get("PaginationToken")
        if not token:
            return


def _row(
    client: Any, settings: PoolConnection, name: str, pool: PoolMfa | None
) -> ReportRow | None:
    """One user's row; None when the user was deleted since ListUsers named them."""
    try:
        user = client.admin_get_user(UserPoolId=settings.user_pool_id, Username=name)
    except boto_errors() as error:
        failure = admin_error(error, STATUS, settings, name)
        if failure.code == "UserNotFoundException":
            return None
        raise failure from None
    status = mfa_status_of(user, settings, name)
    line = next_sign_in(
        status.user_status, status.enabled, status.mfa_settings, status.preferred_mfa, pool
    )
    return ReportRow(status, line)


@dataclass
class ReportRun:
    """One report over a pool: iterate `rows()`; the counts are final once it is exhausted."""

    client: Any
    settings: PoolConnection
    pool: PoolMfa | None = None
    filter_text: str | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    progress: Callable[[int], None] | None = None  # called with the users done so far
    calls: CallCounts = field(default_factory=CallCounts)
    users: int = 0
    gone: int = 0  # deleted between ListUsers and AdminGetUser
    seconds: float = 0.0

    def __post_init__(self) -> None:
        self.calls.watch(self.client)

    def rows(self) -> Iterator[ReportRow]:
        """The rows in ListUsers' order. Raises AdminError (the rows before it were good)."""
        started = time.monotonic()
        window = self.concurrency * 2  # enough queued that no thread waits for the writer
        pending: deque[Future[ReportRow | None]] = deque()
        executor = ThreadPoolExecutor(self.concurrency, thread_name_prefix="totp-tui-report")
        try:
            for name in usernames(self.client, self.settings, self.filter_text):
                pending.append(executor.submit(_row, self.client, self.settings, name, self.pool))
                if len(pending) >= window:
                    yield from self._finish(pending.popleft())
            while pending:
                yield from self._finish(pending.popleft())
        finally:
            # A consumer that stops early (Ctrl+C, a closed pipe): no more calls start.
            executor.shutdown(wait=True, cancel_futures=True)
            self.seconds = time.monotonic() - started

    def _finish(self, future: Future[ReportRow | None]) -> Iterator[ReportRow]:
        row = future.result()
        if row is None:
            self.gone += 1
            return
        self.users += 1
        if self.progress is not None:
            self.progress(self.users)
        yield row


def estimated_users(client: Any, settings: PoolConnection) -> int | None:
    """DescribeUserPool's EstimatedNumberOfUsers, for the progress bar; None if it cannot be
    had (another permission, cognito-idp:DescribeUserPool)."""
    errors: tuple[type[Exception], ...] = (*boto_errors(), KeyError)
    try:
        pool = client.describe_user_pool(UserPoolId=settings.user_pool_id)["UserPool"]
    except errors:
        return None
    count = pool.get("EstimatedNumberOfUsers")
    return count if isinstance(count, int) and count > 0 else None
