"""A request in flight (issue 14, case 3): the time spent shows, the fields take no typing,
and Escape cancels the wait, back to the form as it was (or, when the request used the
Session, to a new sign-in). The worker is held inside botocore, as a silent endpoint would."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given
from hypothesis import settings as search_settings
from hypothesis import strategies as st
from textual.pilot import Pilot

from tests.conftest import PoolUser
from tests.support.cognito_calls import FinishedCalls
from tests.support.totp_clock import code_now
from tests.support.ui_driving import burst, keys_at_once
from tests.support.wizard_steps import (
    arrive,
    field,
    focused_id,
    is_empty,
    paste,
    reach_enrol,
    shown_key,
    shows,
    until,
)
from tests.ui.conftest import SIZE
from totp_tui.config.settings import Settings
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.new_password import NewPasswordScreen
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.widgets.secret_key import SecretKey


@dataclass(frozen=True)
class HeldSignIn:
    app: TotpApp
    pilot: Pilot[Any]
    screen: SignInScreen
    calls: FinishedCalls
    release: threading.Event


@asynccontextmanager
async def sign_in_held(settings: Settings, user: PoolUser) -> AsyncIterator[HeldSignIn]:
    """The sign-in form sent in one burst, its InitiateAuth held inside botocore (as a silent
    endpoint would) until `release` is set, or the block ends."""
    calls = FinishedCalls()
    app = TotpApp(settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        screen = await arrive(pilot, SignInScreen)
        await until(pilot, lambda: calls.client is not None, "the app's client")
        reached, release = calls.hold_when_reached("InitiateAuth")
        try:
            burst(pilot, f"{user.username}\t{user.password}\r")
            await until(pilot, reached.is_set, "the worker to reach InitiateAuth")
            yield HeldSignIn(app, pilot, screen, calls, release)
        finally:
            release.set()


async def test_a_long_sign_in_counts_its_seconds_takes_no_typing_and_escape_cancels(
    settings: Settings, user: PoolUser
) -> None:
    async with sign_in_held(settings, user) as held:
        app, pilot, screen, calls = held.app, held.pilot, held.screen, held.calls
        # Shown once the wait is longer than a blink (BUSY_DELAY).
        await until(pilot, lambda: shows(app, "Signing in…"), "the wait shown")
        assert shows(app, "Escape cancels")
        # Typed while waiting (a laggy link delivering late keys): nothing reaches the
        # password that was sent, nor the username.
        burst(pilot, "typed-while-waiting")
        await pilot.pause()
        assert field(screen, "password").value == user.password
        assert field(screen, "username").value == user.username
        assert field(screen, "password").disabled and field(screen, "username").disabled
        await until(pilot, lambda: shows(app, "Signing in… 1 s"), "the seconds counted", 5)

        keys_at_once(pilot, "escape")
        await until(pilot, lambda: not screen.in_flight, "the wait to be cancelled")
        assert shows(app, "Cancelled. Press Enter to try again.")
        assert app.screen is screen, "the form went away"
        assert field(screen, "username").value == user.username
        assert field(screen, "password").value == user.password
        assert not field(screen, "password").disabled
        assert focused_id(app) == "password", "the focus did not come back"
        held.release.set()
        # Cognito's late answer is dropped: no new-password screen appears on its own.
        await until(pilot, lambda: calls.returned("InitiateAuth") == 1, "the late answer")
        await pilot.pause(0.2)
        assert app.screen is screen
        assert app.wizard.attempt.flow is None, "the dropped answer's Session was kept"
        # The same form, sent again, goes through.
        keys_at_once(pilot, "enter")
        await arrive(pilot, NewPasswordScreen)
    assert calls.count("InitiateAuth") == 2


async def test_escape_while_a_code_is_checked_starts_again_from_the_sign_in(
    settings: Settings, user: PoolUser
) -> None:
    # VerifySoftwareToken may have reached Cognito, which then counts the Session as used:
    # this enrolment cannot go on, and the person is told to sign in again.
    calls = FinishedCalls()
    app = TotpApp(settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        enrol = await reach_enrol(pilot, user)
        key = shown_key(enrol)
        key_widget = enrol.query_one(SecretKey)
        reached, release = calls.hold_when_reached("VerifySoftwareToken")
        try:
            await paste(pilot, code_now(key.value))
            keys_at_once(pilot, "enter")
            await until(pilot, reached.is_set, "the worker to reach VerifySoftwareToken")
            started = time.monotonic()
            keys_at_once(pilot, "escape")
            sign_in = await arrive(pilot, SignInScreen)
            assert time.monotonic() - started < 2, "the cancel waited for Cognito"
            assert shows(app, "Cancelled while waiting for Cognito. Sign in again to go on.")
            assert field(sign_in, "username").value == user.username
            assert is_empty(field(sign_in, "password"))
            assert app.wizard.attempt.flow is None and app.wizard.attempt.enrolment is None
            assert str(key_widget.content) == "", "the key outlived its screen"
        finally:
            release.set()
        await until(pilot, lambda: calls.returned("VerifySoftwareToken") == 1, "the late answer")
        await pilot.pause(0.2)
        assert app.screen is sign_in, "the late answer moved the app on"


# What a laggy link or an impatient person may hand the app while a request runs.
_TYPED = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=6)
    .map(lambda text: ("text", text)),
    st.sampled_from(
        ["backspace", "delete", "ctrl+u", "ctrl+w", "ctrl+k", "left", "home", "end", "tab",
         "shift+tab", "enter"]
    ).map(lambda key: ("key", key)),
    st.text(min_size=1, max_size=6).map(lambda text: ("paste", text)),
)  # fmt: skip


@search_settings(
    max_examples=int(os.environ.get("TOTP_TUI_WAITING_EXAMPLES", "6")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(after_the_busy_line=st.booleans(), typed=st.lists(_TYPED, min_size=1, max_size=6))
async def test_nothing_typed_while_a_request_runs_reaches_the_form(
    settings: Settings,
    user: PoolUser,
    after_the_busy_line: bool,
    typed: list[tuple[str, str]],
) -> None:
    """The rule, for any keys: from Enter to the answer the form keeps what was sent. Before
    BUSY_DELAY the fields are not frozen yet (nothing is drawn for a quick answer), after it
    they are; typing reaches neither, and Enter sends nothing twice."""
    async with sign_in_held(settings, user) as held:
        app, pilot, screen, calls = held.app, held.pilot, held.screen, held.calls
        if after_the_busy_line:
            await until(pilot, lambda: shows(app, "Signing in…"), "the wait shown")
        for kind, value in typed:
            if kind == "text":
                burst(pilot, value)
            elif kind == "key":
                keys_at_once(pilot, value)
            else:
                await paste(pilot, value)
        await pilot.pause()
        assert field(screen, "username").value == user.username
        assert field(screen, "password").value == user.password
        assert app.screen is screen and screen.in_flight
        held.release.set()
        await until(pilot, lambda: calls.returned("InitiateAuth") == 1, "the answer")
    assert calls.count("InitiateAuth") == 1, "a second Enter sent the sign-in again"
