"""Faults of the network and the service, through the real engine and client.

The engine (`EnrolmentFlow` with the client `make_client` builds) talks to the local Cognito
over HTTP through a loopback proxy (tests/support/fault_proxy.py) that injects each fault at the
HTTP level: nothing here is stubbed. Each test checks the message a person reads, the
recovery the screen acts on, and, where the fault is transient, that what was done so far
(the Session, the key on screen) survives it. Messages for faults raised as Python
exceptions (not over the wire) are checked in tests/cognito/test_errors.py.

Timeouts are 1 s, so the waits here are short; botocore's standard retry mode makes up to
four attempts (max_attempts=3 counts the retries), which the proxy counts.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.retries import standard

from tests.conftest import QUICK_TIMEOUT, PoolUser, quick_settings
from tests.support.fault_proxy import (
    GATEWAY_PAGE,
    FaultProxy,
    HangUp,
    ServiceError,
    Stall,
    WebPage,
    closed_port,
    host_that_does_not_resolve,
    self_signed_certificate,
)
from tests.support.totp_clock import code_now
from totp_tui.cognito.client import make_client
from totp_tui.cognito.errors import CognitoError, Recovery
from totp_tui.cognito.flow import Enrolled, EnrolmentFlow, NewPasswordRequired, TotpSecretIssued
from totp_tui.config.settings import Settings
from totp_tui.demo.local_cognito import DemoPool, LocalCognito

# botocore's standard mode with the app's total_max_attempts=3: three attempts in all.
ATTEMPTS = 3
# Backoff between those attempts: at most 0.05 * (1 + 2 + 4) s for transient errors, and at
# most 1 + 2 + 4 s for throttling (rand(0, 1) * base * 2**i, botocore 1.44).
TRANSIENT_BACKOFF = 0.35
THROTTLING_BACKOFF = 7.0
SLACK = 1.5  # thread start-up, moto, a loaded CI machine

NOT_COGNITO = "not Cognito"
THROTTLING = "Cognito is throttling requests."


# --- Fixtures and helpers ------------------------------------------------------------------


@pytest.fixture(scope="module")
def pool(local_cognito: LocalCognito) -> DemoPool:
    """One pool for the module (creating one costs a quarter second); a new user per test."""
    return local_cognito.create_pool()


def new_flow(settings: Settings) -> EnrolmentFlow:
    return EnrolmentFlow(settings, make_client(settings))


def reach_key(flow: EnrolmentFlow, user: PoolUser) -> TotpSecretIssued:
    """Sign in, choose the new password: the step that shows the key."""
    assert isinstance(flow.sign_in(user.username, user.password), NewPasswordRequired)
    step = flow.set_new_password(user.new_password)
    assert isinstance(step, TotpSecretIssued)
    return step


def fails(call: Callable[[], object]) -> tuple[CognitoError, float]:
    """The CognitoError a step raises, and how long the step took."""
    started = time.monotonic()
    with pytest.raises(CognitoError) as caught:
        call()
    return caught.value, time.monotonic() - started


def assert_clear(
    error: CognitoError, code: str, recovery: Recovery, *words: str, user: PoolUser | None = None
) -> None:
    """One readable line with the words a person needs; no traceback, no web page, no
    password."""
    message = error.message
    assert error.code == code
    assert error.recovery is recovery
    for word in words:
        assert word in message
    assert message and message == message.strip() and "\n" not in message
    assert "Traceback" not in message and 'File "' not in message
    lowered = message.lower()
    assert "<html" not in lowered and "hotel" not in lowered and "nginx" not in lowered
    if user is not None:  # a bool, so that a failure cannot print the password
        leaked = user.password in message or user.new_password in message
        assert not leaked, "the message shows a password"


# --- Unreachable ---------------------------------------------------------------------------


class TestUnreachable:
    def test_nothing_listening_then_the_endpoint_comes_back(
        self, local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
    ) -> None:
        port = closed_port()
        flow = new_flow(quick_settings(local_cognito, pool, f"http://127.0.0.1:{port}"))
        error, took = fails(lambda: flow.sign_in(user.username, user.password))
        assert_clear(
            error,
            "EndpointConnectionError",
            Recovery.RETRY_LATER,
            "Could not reach Cognito",
            "--endpoint-url",
            user=user,
        )
        assert took < TRANSIENT_BACKOFF + SLACK  # refused at once, retried briefly
        # The same flow and client work as soon as something answers there.
        with FaultProxy(local_cognito.endpoint_url, port=port) as back:
            assert isinstance(flow.sign_in(user.username, user.password), NewPasswordRequired)
            assert back.count("InitiateAuth") == 1

    def test_endpoint_gone_while_the_key_is_shown_keeps_the_session(
        self, local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
    ) -> None:
        first = FaultProxy(local_cognito.endpoint_url).start()
        try:
            port = first.port
            flow = new_flow(quick_settings(local_cognito, pool, first.url))
            key = reach_key(flow, user)
        finally:
            first.stop()
        error, _ = fails(lambda: flow.verify_code(code_now(key.secret)))
        assert_clear(error, "EndpointConnectionError", Recovery.RETRY_LATER, "Could not reach")
        # Back on the same address: the key shown and its Session are still good.
        with FaultProxy(local_cognito.endpoint_url, port=port) as back:
            assert isinstance(flow.verify_code(code_now(key.secret)), Enrolled)
            assert back.count("AssociateSoftwareToken") == 0  # no new key was needed


def test_host_name_that_does_not_resolve(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
) -> None:
    # The lookup fails in-process, as DNS would: no resolver is asked (it is off loopback).
    with host_that_does_not_resolve() as host:
        flow = new_flow(quick_settings(local_cognito, pool, f"http://{host}"))
        error, took = fails(lambda: flow.sign_in(user.username, user.password))
    assert_clear(
        error,
        "EndpointConnectionError",
        Recovery.RETRY_LATER,
        "Could not reach Cognito",
        "the region",
        "--endpoint-url",
        user=user,
    )
    assert took < ATTEMPTS * QUICK_TIMEOUT + TRANSIENT_BACKOFF + SLACK


# --- TLS -----------------------------------------------------------------------------------


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path)


class TestTls:
    def test_certificate_nobody_vouches_for_names_the_options(
        self,
        local_cognito: LocalCognito,
        pool: DemoPool,
        user: PoolUser,
        certificate: tuple[Path, Path],
    ) -> None:
        with FaultProxy(local_cognito.endpoint_url, tls=certificate) as tls_proxy:
            flow = new_flow(quick_settings(local_cognito, pool, tls_proxy.url))
            error, _ = fails(lambda: flow.sign_in(user.username, user.password))
        # Read once the proxy has stopped (its threads joined): every handshake is counted.
        assert tls_proxy.refused_handshakes == ATTEMPTS  # retried, as a connection error
        assert tls_proxy.count("InitiateAuth") == 0  # nothing was sent without TLS
        assert_clear(
            error,
            "SSLError",
            Recovery.FIX_SETTINGS,
            "TLS certificate",
            "--ca-bundle",
            "AWS_CA_BUNDLE",
            "--no-verify-ssl",
            user=user,
        )

    @pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
    @pytest.mark.parametrize("option", ["--ca-bundle", "--no-verify-ssl"])
    def test_the_options_the_message_names_let_the_enrolment_through(
        self,
        local_cognito: LocalCognito,
        pool: DemoPool,
        user: PoolUser,
        certificate: tuple[Path, Path],
        option: str,
    ) -> None:
        cert, _ = certificate
        chosen = {"ca_bundle": str(cert)} if option == "--ca-bundle" else {"verify_ssl": False}
        with FaultProxy(local_cognito.endpoint_url, tls=certificate) as tls_proxy:
            flow = new_flow(quick_settings(local_cognito, pool, tls_proxy.url, **chosen))
            key = reach_key(flow, user)
            assert isinstance(flow.verify_code(code_now(key.secret)), Enrolled)
            assert tls_proxy.refused_handshakes == 0
            assert tls_proxy.count("VerifySoftwareToken") == 1


# --- Slow and broken answers ---------------------------------------------------------------


def test_no_answer_in_time_names_the_timeout_and_keeps_the_session(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, proxy: FaultProxy
) -> None:
    flow = new_flow(quick_settings(local_cognito, pool, proxy.url))
    key = reach_key(flow, user)
    proxy.script("VerifySoftwareToken", Stall(seconds=10 * QUICK_TIMEOUT))
    code = code_now(key.secret)  # made first: it may wait out a window's end
    error, took = fails(lambda: flow.verify_code(code))
    assert_clear(
        error, "ReadTimeoutError", Recovery.RETRY_LATER, "did not answer in time", user=user
    )
    assert "--read-timeout" in error.message
    # One wait of the read timeout, and no retry: a silent endpoint answers in one timeout
    # (not three), and a request that may have reached Cognito is not sent twice.
    assert proxy.count("VerifySoftwareToken") == 1
    assert QUICK_TIMEOUT <= took < QUICK_TIMEOUT + SLACK
    proxy.forward("VerifySoftwareToken")
    assert isinstance(flow.verify_code(code_now(key.secret)), Enrolled)


def test_connection_closed_without_an_answer(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, proxy: FaultProxy
) -> None:
    flow = new_flow(quick_settings(local_cognito, pool, proxy.url))
    key = reach_key(flow, user)
    proxy.script("VerifySoftwareToken", HangUp())
    code = code_now(key.secret)  # made first: it may wait out a window's end
    error, took = fails(lambda: flow.verify_code(code))
    assert_clear(
        error,
        "ConnectionClosedError",
        Recovery.RETRY_LATER,
        "The request to Cognito failed",
        "Connection was closed before",
        user=user,
    )
    assert proxy.count("VerifySoftwareToken") == ATTEMPTS
    assert took < TRANSIENT_BACKOFF + SLACK
    proxy.forward("VerifySoftwareToken")
    assert isinstance(flow.verify_code(code_now(key.secret)), Enrolled)


# --- Answers that are not Cognito's --------------------------------------------------------


@pytest.mark.parametrize(
    "operation",
    ["InitiateAuth", "RespondToAuthChallenge", "AssociateSoftwareToken", "VerifySoftwareToken"],
)
def test_captive_portal_page_with_200_is_not_cognito(
    local_cognito: LocalCognito,
    pool: DemoPool,
    user: PoolUser,
    proxy: FaultProxy,
    operation: str,
) -> None:
    flow = new_flow(quick_settings(local_cognito, pool, proxy.url))
    proxy.script(operation, WebPage(200), times=1)
    if operation == "VerifySoftwareToken":
        key = reach_key(flow, user)
        error, _ = fails(lambda: flow.verify_code(code_now(key.secret)))
    else:
        # Sign-in answers with InitiateAuth and RespondToAuthChallenge (SRP); choosing the
        # new password with RespondToAuthChallenge and AssociateSoftwareToken.
        error, _ = fails(lambda: reach_key(flow, user))
    # Not "wrong code" or "wrong password": the user's input was never judged.
    assert_clear(error, "UnexpectedResponse", Recovery.RETRY_LATER, NOT_COGNITO, user=user)
    assert "--endpoint-url" in error.message
    assert proxy.count(operation) == 1  # a 200 is not retried
    if operation == "VerifySoftwareToken":
        # The portal is gone (the user accepted its terms): the same key still enrols.
        assert isinstance(flow.verify_code(code_now(key.secret)), Enrolled)
        assert proxy.count("AssociateSoftwareToken") == 1


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_error_page_is_retried_then_explained(
    local_cognito: LocalCognito,
    pool: DemoPool,
    user: PoolUser,
    proxy: FaultProxy,
    status: int,
) -> None:
    flow = new_flow(quick_settings(local_cognito, pool, proxy.url))
    key = reach_key(flow, user)
    proxy.script("VerifySoftwareToken", WebPage(status, GATEWAY_PAGE))
    code = code_now(key.secret)  # made first: it may wait out a window's end
    error, took = fails(lambda: flow.verify_code(code))
    assert_clear(error, str(status), Recovery.RETRY_LATER, NOT_COGNITO, user=user)
    assert proxy.count("VerifySoftwareToken") == ATTEMPTS
    assert took < TRANSIENT_BACKOFF + SLACK
    proxy.forward("VerifySoftwareToken")
    assert isinstance(flow.verify_code(code_now(key.secret)), Enrolled)


def test_a_passing_server_error_is_never_seen(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, proxy: FaultProxy
) -> None:
    proxy.script("InitiateAuth", WebPage(503, GATEWAY_PAGE), times=2)
    flow = new_flow(quick_settings(local_cognito, pool, proxy.url))
    assert isinstance(flow.sign_in(user.username, user.password), NewPasswordRequired)
    assert proxy.count("InitiateAuth") == 3


# --- Throttling ----------------------------------------------------------------------------


@pytest.fixture
def backoffs(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays botocore's standard retry mode computes, recorded (behaviour unchanged)."""
    delays: list[float] = []
    original = standard.ExponentialBackoff.delay_amount

    def recording(self: standard.ExponentialBackoff, context: Any) -> float:
        delay: float = original(self, context)
        delays.append(delay)
        return delay

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", recording)
    return delays


def test_throttling_twice_is_retried_with_backoff_and_never_seen(
    local_cognito: LocalCognito,
    pool: DemoPool,
    user: PoolUser,
    proxy: FaultProxy,
    backoffs: list[float],
) -> None:
    flow = new_flow(quick_settings(local_cognito, pool, proxy.url))
    key = reach_key(flow, user)
    proxy.script("VerifySoftwareToken", ServiceError("TooManyRequestsException"), times=2)
    assert isinstance(flow.verify_code(code_now(key.secret)), Enrolled)
    assert proxy.count("VerifySoftwareToken") == 3
    # botocore waited before each retry, at least as long as its backoff said.
    assert len(backoffs) == 2
    arrived = proxy.arrivals("VerifySoftwareToken")
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrived)]
    for gap, delay in zip(gaps, backoffs, strict=True):
        assert gap >= delay - 0.01


def test_throttling_that_does_not_stop_says_so(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, proxy: FaultProxy
) -> None:
    proxy.script("InitiateAuth", ServiceError("TooManyRequestsException", "Rate exceeded"))
    flow = new_flow(quick_settings(local_cognito, pool, proxy.url))
    error, took = fails(lambda: flow.sign_in(user.username, user.password))
    assert_clear(
        error, "TooManyRequestsException", Recovery.RETRY_LATER, THROTTLING, "Wait", user=user
    )
    assert proxy.count("InitiateAuth") == ATTEMPTS
    assert took < THROTTLING_BACKOFF + SLACK
    # Once Cognito lets requests through again, the same flow signs in.
    proxy.forward("InitiateAuth")
    assert isinstance(flow.sign_in(user.username, user.password), NewPasswordRequired)
