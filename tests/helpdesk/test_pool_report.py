"""The pool report's engine: every user once, in ListUsers' order, with their factors; pages
followed; throttling absorbed (the local Cognito's request quotas, over HTTP); memory flat
however large the pool (an in-memory pool of 20,000); users deleted mid-report skipped."""

from __future__ import annotations

import gc
import secrets
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.hooks import HierarchicalEmitter
from botocore.stub import Stubber
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from tests.conftest import make_user, settings_for
from tests.helpdesk.test_admin_calls import (
    MOTO_ACCOUNT,
    enrol,
    iam_enforced,
    iam_user,
    isolate_aws,
    sms_and_app_user,
    turn_totp_on,
    use_keys,
)
from totp_tui.config.settings import Settings
from totp_tui.demo.local_cognito import DemoPool, LocalCognito, temporary_password
from totp_tui.helpdesk import admin_calls, pool_report
from totp_tui.helpdesk.admin_calls import AdminError
from totp_tui.helpdesk.next_sign_in import PoolMfa
from totp_tui.helpdesk.pool_report import ReportRun

REQUIRED_POOL = PoolMfa("ON", totp=True, sms=False, email=False)


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return isolate_aws(monkeypatch, tmp_path)


def report_client(settings: Settings, concurrency: int = 4) -> Any:
    return pool_report.report_client(admin_calls.aws_session(None), settings, concurrency)


def add_plain_users(local_cognito: LocalCognito, pool: DemoPool, count: int) -> list[str]:
    admin = local_cognito.admin_client(pool.region)
    names = [f"plain{n:04d}{secrets.token_hex(2)}" for n in range(count)]
    for name in names:
        admin.admin_create_user(
            UserPoolId=pool.user_pool_id,
            Username=name,
            TemporaryPassword=temporary_password(),
            MessageAction="SUPPRESS",
        )
    return names


def listed_order(local_cognito: LocalCognito, pool: DemoPool) -> list[str]:
    paginator = local_cognito.admin_client(pool.region).get_paginator("list_users")
    pages = paginator.paginate(UserPoolId=pool.user_pool_id)
    return [user["Username"] for page in pages for user in page["Users"]]


class TestOverHttp:
    def test_every_user_once_in_order_with_factors(
        self, local_cognito: LocalCognito, pool: DemoPool
    ) -> None:
        enrolled = enrol(local_cognito, pool)
        turn_totp_on(local_cognito, pool, enrolled.username)
        sms = sms_and_app_user(local_cognito, pool)
        local_cognito.admin_client(pool.region).admin_delete_software_token(
            UserPoolId=pool.user_pool_id, Username=sms.username
        )
        add_plain_users(local_cognito, pool, 130)  # three pages of ListUsers
        settings = settings_for(local_cognito, pool)
        run = ReportRun(report_client(settings), settings, REQUIRED_POOL, concurrency=4)
        rows = {row.status.username: row.as_dict() for row in run.rows()}
        assert list(rows) == listed_order(local_cognito, pool)
        assert run.users == 132 and run.gone == 0
        assert rows[enrolled.username] | {"username": None} == {
            "username": None,
            "user_status": "CONFIRMED",
            "enabled": True,
            "factors": "TOTP",
            "totp": True,
            "other_factors": [],
            "preferred": "app (TOTP)",
            "next_sign_in": "code from the app",
        }
        assert rows[sms.username]["factors"] == "SMS/email only"
        assert rows[sms.username]["next_sign_in"] == "SMS code"
        plain = [row for name, row in rows.items() if name.startswith("plain")]
        assert {row["factors"] for row in plain} == {"none"}
        assert {row["next_sign_in"] for row in plain} == {
            "the temporary password and a new one, then set up an app"
        }
        # One AdminGetUser per user and one ListUsers per page: nothing more.
        assert run.calls.requests == 132 + 3
        assert run.calls.throttles == 0

    def test_the_filter_is_passed_through(
        self, local_cognito: LocalCognito, pool: DemoPool
    ) -> None:
        add_plain_users(local_cognito, pool, 5)
        sms = sms_and_app_user(local_cognito, pool)
        settings = settings_for(local_cognito, pool)
        client = report_client(settings)
        sent: list[str | None] = []
        client.meta.events.register(
            "provide-client-params.cognito-idp.ListUsers",
            lambda params, **_: sent.append(params.get("Filter")),
        )
        expression = 'username ^= "sms"'
        run = ReportRun(client, settings, None, filter_text=expression)
        assert [row.status.username for row in run.rows()] == [sms.username]
        assert sent == [expression]

    def test_throttling_is_absorbed(self, local_cognito: LocalCognito, pool: DemoPool) -> None:
        """Past the quota the local Cognito answers TooManyRequestsException over HTTP, as
        Cognito does; adaptive retries slow down, retry, and every user is still reported."""
        names = add_plain_users(local_cognito, pool, 90)
        settings = settings_for(local_cognito, pool)
        local_cognito.set_request_quota("AdminGetUser", 30)
        try:
            run = ReportRun(report_client(settings, 8), settings, REQUIRED_POOL, concurrency=8)
            reported = [row.status.username for row in run.rows()]
        finally:
            local_cognito.set_request_quota("AdminGetUser", None)
        assert sorted(reported) == sorted(names)
        assert run.calls.throttles > 0
        assert run.calls.requests == 90 + 2 + run.calls.throttles

    def test_throttling_that_does_not_stop_fails_in_one_line(
        self, local_cognito: LocalCognito, pool: DemoPool, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(pool_report, "ATTEMPTS", 2)  # a quick give-up
        add_plain_users(local_cognito, pool, 3)
        settings = settings_for(local_cognito, pool)
        local_cognito.set_request_quota("AdminGetUser", 0.001)
        try:
            run = ReportRun(report_client(settings, 1), settings, None, concurrency=1)
            with pytest.raises(AdminError) as caught:
                list(run.rows())
        finally:
            local_cognito.set_request_quota("AdminGetUser", None)
        assert caught.value.code == "TooManyRequestsException"
        assert caught.value.message.startswith("Cognito is throttling requests.")

    def test_list_users_denied_names_the_action(
        self, local_cognito: LocalCognito, pool: DemoPool, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        make_user(local_cognito, pool)
        use_keys(monkeypatch, iam_user(local_cognito, allow=("cognito-idp:AdminGetUser",)))
        settings = settings_for(local_cognito, pool)
        with iam_enforced(), pytest.raises(AdminError) as caught:
            list(ReportRun(report_client(settings), settings).rows())
        assert caught.value.message.startswith(
            "access denied: these AWS credentials may not call cognito-idp:ListUsers on "
            f"arn:aws:cognito-idp:{pool.region}:{MOTO_ACCOUNT}:userpool/{pool.user_pool_id}"
        )

    def test_stub_request_shapes(self) -> None:
        """ListUsers and AdminGetUser as the report sends them, against botocore's model."""
        settings = Settings(region="eu-west-2", user_pool_id="eu-west-2_AbC123", client_id="x")
        client = report_client(settings, 1)
        with Stubber(client) as stubber:
            # One page: the next page's request would race the first user's AdminGetUser,
            # and Stubber wants one order (paging is tested over HTTP above).
            stubber.add_response(
                "list_users",
                {"Users": [{"Username": "jane"}]},
                {"UserPoolId": "eu-west-2_AbC123", "Limit": 60, "Filter": 'status = "Enabled"'},
            )
            stubber.add_response(
                "admin_get_user",
                {"Username": "jane", "UserStatus": "CONFIRMED", "Enabled": True,
                 "UserMFASettingList": ["SMS_MFA"], "PreferredMfaSetting": "SMS_MFA"},
                {"UserPoolId": "eu-west-2_AbC123", "Username": "jane"},
            )  # fmt: skip
            run = ReportRun(client, settings, None, 'status = "Enabled"', concurrency=1)
            [row] = list(run.rows())
            stubber.assert_no_pending_responses()
        assert row.as_dict()["factors"] == "SMS/email only"
        assert row.next_sign_in == "SMS code (unless the pool's MFA is off)"


# --- An in-memory pool: size, deletions, stopping early ---------------------------------------


class _Meta:
    def __init__(self) -> None:
        self.events = HierarchicalEmitter()


class MemoryPool:
    """ListUsers and AdminGetUser over `size` made-up users, made as they are asked for (so
    the pool itself costs no memory); `gone` are deleted between the two calls."""

    def __init__(self, size: int, gone: frozenset[int] = frozenset()) -> None:
        self.size = size
        self.gone = gone
        self.meta = _Meta()
        self.gets = 0
        self._lock = threading.Lock()

    def list_users(self, **request: Any) -> dict[str, Any]:
        start = int(request.get("PaginationToken") or 0)
        end = min(start + request["Limit"], self.size)
        page: dict[str, Any] = {"Users": [{"Username": f"user{n}"} for n in range(start, end)]}
        if end < self.size:
            page["PaginationToken"] = str(end)
        return page

    def admin_get_user(self, UserPoolId: str, Username: str) -> dict[str, Any]:
        with self._lock:
            self.gets += 1
        number = int(Username[4:])
        if number in self.gone:
            from botocore.exceptions import ClientError

            error = {"Error": {"Code": "UserNotFoundException", "Message": "User does not exist."}}
            raise ClientError(error, "AdminGetUser")  # type: ignore[arg-type]
        factors = [["SOFTWARE_TOKEN_MFA"], ["SMS_MFA"], []][number % 3]
        return {
            "Username": Username,
            "UserStatus": "CONFIRMED",
            "Enabled": True,
            "UserMFASettingList": factors,
            "UserAttributes": [{"Name": "sub", "Value": f"{number:036d}"}],
        }


SETTINGS = Settings(region="eu-west-2", user_pool_id="eu-west-2_AbC123", client_id="x")


def peak_bytes(size: int) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        run = ReportRun(MemoryPool(size), SETTINGS, REQUIRED_POOL, concurrency=8)
        for row in run.rows():
            row.as_dict()
        assert run.users == size
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_however_large_the_pool() -> None:
    small, large = peak_bytes(1_000), peak_bytes(20_000)
    # Twenty times the users, the same memory: a list of rows would add about 20 MB.
    assert large < small * 1.3 + 200_000, (small, large)


def test_users_deleted_mid_report_are_skipped() -> None:
    run = ReportRun(MemoryPool(200, gone=frozenset({3, 150})), SETTINGS, None, concurrency=4)
    names = [row.status.username for row in run.rows()]
    assert len(names) == 198 and "user3" not in names and "user150" not in names
    assert names == sorted(names, key=lambda name: int(name[4:]))
    assert (run.users, run.gone) == (198, 2)


def test_stopping_early_stops_the_calls() -> None:
    pool = MemoryPool(10_000)
    run = ReportRun(pool, SETTINGS, None, concurrency=4)
    rows: Iterator[Any] = run.rows()
    for _ in range(10):
        next(rows)
    rows.close()  # the reader went away
    assert pool.gets <= 10 + 2 * 4 + 4  # what was done, queued or in flight: no more


@examples(max_examples=40, deadline=None)
@given(
    size=st.integers(0, 200),
    concurrency=st.integers(1, 8),
    gone=st.sets(st.integers(0, 199), max_size=20),
)
def test_every_user_once_in_listing_order(size: int, concurrency: int, gone: set[int]) -> None:
    """Whatever the pool's size, the concurrency and who was deleted mid-report: each user
    still there comes once, in ListUsers' order, and the counts add up."""
    pool = MemoryPool(size, gone=frozenset(gone))
    run = ReportRun(pool, SETTINGS, None, concurrency=concurrency)
    names = [row.status.username for row in run.rows()]
    expected = [f"user{n}" for n in range(size) if n not in gone]
    assert names == expected
    assert (run.users, run.gone) == (len(expected), size - len(expected))
    assert pool.gets == size  # one AdminGetUser per listed user, no more
