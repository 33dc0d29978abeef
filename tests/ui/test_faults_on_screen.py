"""Faults of the network and the service as a person sees them, in the real app under Pilot.

The app talks to the local Cognito through the loopback fault proxy (tests/support/fault_proxy.py),
which injects each fault at the HTTP level. For each fault: the message on the screen where
it happened, what the person typed or was shown is still there (the username, the key), the
app still takes input and carries on once the fault is gone, and no traceback or web page
ever reaches the screen. tests/test_faults.py checks the same faults at the engine level.
"""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot

from tests.conftest import QUICK_TIMEOUT, PoolUser, quick_settings
from tests.support.cognito_calls import CognitoCalls
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
from tests.support.screen_reading import cells_from_textual
from tests.support.totp_clock import code_now
from tests.support.ui_driving import wait_until_idle
from tests.support.wizard_steps import (
    arrive,
    choose_password,
    field,
    focused_id,
    is_empty,
    paste,
    reach_enrol,
    reach_new_password,
    shown_key,
    shows,
    sign_in,
    until,
)
from tests.ui.conftest import SIZE
from totp_tui.demo.local_cognito import DemoPool, LocalCognito
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.base import WizardScreen
from totp_tui.ui.screens.done import DoneScreen
from totp_tui.ui.screens.enrol import EnrolScreen
from totp_tui.ui.screens.new_password import NewPasswordScreen
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.widgets.secret_key import SecretKey
from totp_tui.ui.widgets.status_line import StatusLine

ATTEMPTS = 3  # botocore's standard mode with total_max_attempts=3

UNREACHABLE = (
    "Could not reach Cognito at the endpoint. Check the network, the region and --endpoint-url."
)
TLS = (
    "The TLS certificate of the endpoint could not be verified. Point --ca-bundle "
    "(or AWS_CA_BUNDLE) at your CA certificates, or use --no-verify-ssl for a test endpoint."
)
TOO_SLOW = (
    "Cognito did not answer in time. Check the network, or raise "
    "--connect-timeout / --read-timeout."
)
NOT_COGNITO = (
    "The endpoint answered with something that is not Cognito (a proxy or captive portal "
    "page?). Check the network and --endpoint-url."
)
CLOSED = "Connection was closed before we received a valid response"
THROTTLING = "Cognito is throttling requests. Wait a few seconds and try again."


# --- Fixtures and helpers ------------------------------------------------------------------


def assert_no_traceback(app: App[Any]) -> None:
    """Nothing of a crash or of a web page anywhere on the screen."""
    text = cells_from_textual(app).text()
    assert "Traceback" not in text
    assert 'File "' not in text
    assert "<html" not in text.lower() and "Hotel" not in text and "nginx" not in text


def status_of(screen: WizardScreen) -> StatusLine:
    return screen.query_one(StatusLine)


def shows_error(app: App[None], screen: WizardScreen, message: str) -> bool:
    """The screen's status line holds `message` as an error (a repeat says which time it
    is: "(2nd time)"), and the message is on screen."""
    line = status_of(screen)
    repeat = r"( \(\d+(st|nd|rd|th) time\))?"
    exact = re.fullmatch(re.escape(message) + repeat, str(line.content)) is not None
    return line.has_class("-error") and exact and shows(app, message)


async def arrive_without_an_error(
    pilot: Pilot[None], screen_type: type[WizardScreen] | type[DoneScreen], timeout: float = 15.0
) -> None:
    """Wait for the next screen, checking all the while that no error was ever shown."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    while not isinstance(app.screen, screen_type):
        screen = app.screen
        if isinstance(screen, WizardScreen):
            assert not status_of(screen).has_class("-error"), "an error was shown"
        assert time.monotonic() < deadline, f"never reached {screen_type.__name__}"
        await asyncio.sleep(0.02)
    await pilot.pause()


async def fails_on(pilot: Pilot[None], screen: WizardScreen, timeout: float = 15.0) -> None:
    """Wait for the request to end; the app must still show the same screen."""
    await wait_until_idle(pilot, timeout=timeout)
    assert pilot.app.screen is screen


# --- At sign-in ----------------------------------------------------------------------------


async def test_unreachable_endpoint_keeps_the_username_and_enter_tries_again(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, calls: CognitoCalls
) -> None:
    port = closed_port()
    settings = quick_settings(local_cognito, pool, f"http://127.0.0.1:{port}")
    async with TotpApp(settings, client_factory=calls).run_test(size=SIZE) as pilot:
        screen = await arrive(pilot, SignInScreen)
        await sign_in(pilot, user.username, user.password)
        await fails_on(pilot, screen)
        assert shows_error(pilot.app, screen, UNREACHABLE)
        assert field(screen, "username").value == user.username
        assert is_empty(field(screen, "password"))
        assert focused_id(pilot.app) == "password"
        assert_no_traceback(pilot.app)
        # The network is back: the password again and Enter, and the wizard carries on.
        with FaultProxy(local_cognito.endpoint_url, port=port) as back:
            await paste(pilot, user.password)
            await pilot.press("enter")
            await arrive(pilot, NewPasswordScreen)
            assert back.count("InitiateAuth") == 1
    assert calls.count("InitiateAuth") == 2


async def test_host_name_that_does_not_resolve(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, calls: CognitoCalls
) -> None:
    # The lookup fails in-process, as DNS would: no resolver is asked (it is off loopback).
    with host_that_does_not_resolve() as host:
        await _unresolvable_sign_in(local_cognito, pool, user, calls, f"http://{host}")
    assert calls.count("InitiateAuth") == 2


async def _unresolvable_sign_in(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, calls: CognitoCalls, url: str
) -> None:
    settings = quick_settings(local_cognito, pool, url)
    async with TotpApp(settings, client_factory=calls).run_test(size=SIZE) as pilot:
        screen = await arrive(pilot, SignInScreen)
        await sign_in(pilot, user.username, user.password)
        await fails_on(pilot, screen)
        assert shows_error(pilot.app, screen, UNREACHABLE)
        assert field(screen, "username").value == user.username
        assert_no_traceback(pilot.app)
        # Still usable: Enter with the password sends a new attempt.
        await paste(pilot, user.password)
        await pilot.press("enter")
        await fails_on(pilot, screen)
        assert shows_error(pilot.app, screen, UNREACHABLE)
        assert shows(pilot.app, "(2nd time)")  # the same failure again, said so


async def test_untrusted_certificate_names_the_ca_bundle_options(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, tmp_path: Path
) -> None:
    with FaultProxy(local_cognito.endpoint_url, tls=self_signed_certificate(tmp_path)) as tls:
        settings = quick_settings(local_cognito, pool, tls.url)
        async with TotpApp(settings).run_test(size=SIZE) as pilot:
            screen = await arrive(pilot, SignInScreen)
            await sign_in(pilot, user.username, user.password)
            await fails_on(pilot, screen)
            assert shows_error(pilot.app, screen, TLS)
            assert field(screen, "username").value == user.username
            assert_no_traceback(pilot.app)
    # Read once the proxy has stopped (its threads joined): every handshake is counted.
    assert tls.refused_handshakes == ATTEMPTS
    assert tls.count("InitiateAuth") == 0


async def test_connection_closed_without_an_answer(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, proxy: FaultProxy
) -> None:
    proxy.script("InitiateAuth", HangUp())
    async with TotpApp(quick_settings(local_cognito, pool, proxy.url)).run_test(size=SIZE) as pilot:
        screen = await arrive(pilot, SignInScreen)
        await sign_in(pilot, user.username, user.password)
        await fails_on(pilot, screen)
        message = str(status_of(screen).content)
        assert message.startswith("The request to Cognito failed: ") and CLOSED in message
        assert status_of(screen).has_class("-error") and shows(pilot.app, CLOSED)
        assert field(screen, "username").value == user.username
        assert_no_traceback(pilot.app)
        assert proxy.count("InitiateAuth") == ATTEMPTS
        proxy.forward("InitiateAuth")
        await paste(pilot, user.password)
        await pilot.press("enter")
        await arrive(pilot, NewPasswordScreen)


async def test_throttling_that_does_not_stop_is_explained(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, proxy: FaultProxy
) -> None:
    proxy.script("InitiateAuth", ServiceError("TooManyRequestsException", "Rate exceeded"))
    async with TotpApp(quick_settings(local_cognito, pool, proxy.url)).run_test(size=SIZE) as pilot:
        screen = await arrive(pilot, SignInScreen)
        await sign_in(pilot, user.username, user.password)
        await fails_on(pilot, screen)
        assert shows_error(pilot.app, screen, THROTTLING)
        assert not shows(pilot.app, "Rate exceeded")  # the service's words, not ours
        assert field(screen, "username").value == user.username
        assert_no_traceback(pilot.app)
    assert proxy.count("InitiateAuth") == ATTEMPTS


# --- Throttling that passes ----------------------------------------------------------------


async def test_passing_throttling_is_retried_and_never_seen(
    local_cognito: LocalCognito,
    pool: DemoPool,
    user: PoolUser,
    proxy: FaultProxy,
    calls: CognitoCalls,
) -> None:
    proxy.script("InitiateAuth", ServiceError("TooManyRequestsException"), times=2)
    settings = quick_settings(local_cognito, pool, proxy.url)
    async with TotpApp(settings, client_factory=calls).run_test(size=SIZE) as pilot:
        await arrive(pilot, SignInScreen)
        await sign_in(pilot, user.username, user.password)
        await arrive_without_an_error(pilot, NewPasswordScreen)
        await choose_password(pilot, user.new_password, user.new_password)
        enrol = await arrive(pilot, EnrolScreen)
        proxy.script("VerifySoftwareToken", ServiceError("TooManyRequestsException"), times=1)
        await paste(pilot, code_now(shown_key(enrol).value))
        await pilot.press("enter")
        await arrive_without_an_error(pilot, DoneScreen)
        assert not shows(pilot.app, "throttling")
        assert_no_traceback(pilot.app)
    # One request from the app each time; botocore sent the retries.
    assert calls.count("InitiateAuth") == 1 and proxy.count("InitiateAuth") == 3
    assert calls.count("VerifySoftwareToken") == 1 and proxy.count("VerifySoftwareToken") == 2


# --- On the new-password screen ------------------------------------------------------------


async def test_gateway_error_on_the_new_password_screen(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, proxy: FaultProxy
) -> None:
    async with TotpApp(quick_settings(local_cognito, pool, proxy.url)).run_test(size=SIZE) as pilot:
        screen = await reach_new_password(pilot, user)
        proxy.script("RespondToAuthChallenge", WebPage(502, GATEWAY_PAGE))
        await choose_password(pilot, user.new_password, user.new_password)
        await fails_on(pilot, screen)
        assert shows_error(pilot.app, screen, NOT_COGNITO)
        assert proxy.count("RespondToAuthChallenge") == 1 + ATTEMPTS  # sign-in's, then these
        assert focused_id(pilot.app) == "new-password"
        assert_no_traceback(pilot.app)
        # The gateway recovers: the same Session takes the new password.
        proxy.forward("RespondToAuthChallenge")
        await choose_password(pilot, user.new_password, user.new_password)
        await arrive(pilot, EnrolScreen)
    assert proxy.count("InitiateAuth") == 1  # no second sign-in was needed


# --- On the enrol screen -------------------------------------------------------------------


async def test_captive_portal_at_verify_keeps_the_key_and_the_code_field(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, proxy: FaultProxy
) -> None:
    async with TotpApp(quick_settings(local_cognito, pool, proxy.url)).run_test(size=SIZE) as pilot:
        enrol = await reach_enrol(pilot, user)
        key_before = str(enrol.query_one(SecretKey).content)
        key = shown_key(enrol)
        proxy.script("VerifySoftwareToken", WebPage(200), times=1)
        await paste(pilot, code_now(key.value))
        await pilot.press("enter")
        await fails_on(pilot, enrol)
        # Not "that code is not right": the code never reached Cognito.
        assert shows_error(pilot.app, enrol, NOT_COGNITO)
        assert not shows(pilot.app, "That code is not right")
        same_key = str(enrol.query_one(SecretKey).content) == key_before
        assert same_key, "the key on screen changed after the portal's page"
        assert is_empty(field(enrol, "code")) and focused_id(pilot.app) == "code"
        assert_no_traceback(pilot.app)
        # The person accepts the portal's terms and types the next code: enrolled.
        await paste(pilot, code_now(key.value))
        await pilot.press("enter")
        await arrive(pilot, DoneScreen)
    assert proxy.count("AssociateSoftwareToken") == 1
    assert proxy.count("VerifySoftwareToken") == 2


async def test_no_answer_in_time_at_verify_names_the_timeout_and_keeps_the_key(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, proxy: FaultProxy
) -> None:
    async with TotpApp(quick_settings(local_cognito, pool, proxy.url)).run_test(size=SIZE) as pilot:
        enrol = await reach_enrol(pilot, user)
        key_before = str(enrol.query_one(SecretKey).content)
        key = shown_key(enrol)
        proxy.script("VerifySoftwareToken", Stall(seconds=10 * QUICK_TIMEOUT))
        await paste(pilot, code_now(key.value))
        await pilot.press("enter")
        # The person sees it is working, once the wait is longer than a blink.
        await until(pilot, lambda: shows(pilot.app, "Checking the code…"), "the wait shown")
        await fails_on(pilot, enrol)
        assert shows_error(pilot.app, enrol, TOO_SLOW)
        assert proxy.count("VerifySoftwareToken") == 1  # a read timeout is not retried
        same_key = str(enrol.query_one(SecretKey).content) == key_before
        assert same_key, "the key on screen changed after the timeout"
        assert focused_id(pilot.app) == "code"
        assert_no_traceback(pilot.app)
        proxy.forward("VerifySoftwareToken")
        await paste(pilot, code_now(key.value))
        await pilot.press("enter")
        await arrive(pilot, DoneScreen)
    assert proxy.count("AssociateSoftwareToken") == 1
