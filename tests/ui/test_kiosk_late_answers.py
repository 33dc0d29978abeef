"""Kiosk mode: an answer that comes back after the person left carries nothing to the next.

A request's worker may still be waiting for Cognito when the person presses Back or Escape
("Next person") or walks away (the idle wipe). Its answer arrives later, for a screen and
a person that are gone: it must be dropped. The next person must find no name, token or
password on the screen, in a field, or anywhere in the app's memory (GitHub issue 10).

Each test holds one Cognito call in the app's worker (tests/support/cognito_calls.py), leaves,
lets the call finish, and then looks only at what a person or an auditor could: the screen's
text, the fields' values, which screen is shown, and how many places in the process hold
the person's strings (`held_in_memory`, a stricter count than tests/support/memory_scan.py's).
The last test makes the same promise with no request on its way, so that a failure can be
told apart: what the late answer left, or what typing itself left. Nothing here prints a
password, token, key or Session.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from tests.conftest import PoolUser
from tests.support.accounts import access_token_for
from tests.support.cognito_calls import FinishedCalls
from tests.support.memory_scan import held_in_memory
from tests.support.wizard_steps import Hidden, arrive, field, paste, screen_cells, shows, sign_in
from tests.ui.conftest import SIZE
from totp_tui.config.settings import Settings
from totp_tui.demo.local_cognito import DemoPool, LocalCognito
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.access_token import AccessTokenScreen
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.start_options import Kiosk

WAIT_SECONDS = 10.0
# How long nothing may change (no call in flight, no worker running, the same screen) before
# the app counts as settled: the worker's thread still builds its reply after the last call.
QUIET_SECONDS = 0.3


async def wait_until(pilot: Pilot[None], ready: Callable[[], bool], what: str) -> None:
    """Pause the test (not the app) until `ready()` is true."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {WAIT_SECONDS} s for {what}")
        await pilot.pause(0.02)
    await pilot.pause()


async def settle(pilot: Pilot[None], calls: FinishedCalls) -> list[str]:
    """Wait until every call the app sent has come back, every worker has finished and the
    app has handled what they returned; the names of the screen types shown meanwhile."""
    app = pilot.app
    seen: list[str] = []
    deadline = time.monotonic() + WAIT_SECONDS
    quiet_since: float | None = None
    while True:
        await pilot.pause(0.02)
        name = type(app.screen).__name__
        if not seen or seen[-1] != name:
            seen.append(name)
            quiet_since = None
        busy = calls.returned_total() < calls.sent_total() or any(
            not worker.is_finished for worker in app.workers
        )
        now = time.monotonic()
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= QUIET_SECONDS:
            return seen
        if now > deadline:
            raise AssertionError("the app did not settle: a call or a worker is still running")


# --- What the next person finds -----------------------------------------------------------------


def screen_text(pilot: Pilot[None]) -> str:
    """Every character the terminal shows now (tests/support/screen_reading.py)."""
    return screen_cells(pilot.app).text()


def filled_fields(screen: Screen[Any]) -> list[str]:
    """The ids of the fields on the screen that hold anything (never their values)."""
    return [str(widget.id) for widget in screen.query(Input) if widget.value]


class Findings:
    """What the next person or an auditor would find, collected so that one run names every
    problem at once. Each is a sentence without the secret itself."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def expect(self, holds: bool, problem: str) -> None:
        if not holds:
            self.problems.append(problem)

    def memory(
        self, names: tuple[str, ...], before: tuple[int, ...], after: tuple[int, ...]
    ) -> None:
        for name, was, now in zip(names, before, after, strict=True):
            self.expect(now <= was, f"the app holds the {name} ({now - was} more places)")

    def issued(self, calls: FinishedCalls) -> None:
        """Each Session and key Cognito's answers carried is held by the test's own Hidden
        and by nothing else."""
        held = [held_in_memory(secret.value)[0] for secret in calls.issued]
        kept = sum(1 for count in held if count > 1)
        self.expect(kept == 0, f"the app holds {kept} of {len(held)} Sessions and keys issued")


def is_empty_sign_in(pilot: Pilot[None]) -> bool:
    screen = pilot.app.screen
    return isinstance(screen, SignInScreen) and not filled_fields(screen)


# --- Fixtures ------------------------------------------------------------------------------------


# --- An access token checked after the person went Back ------------------------------------------


async def test_back_while_the_access_token_is_checked_leaves_nothing_for_the_next_person(
    local_cognito: LocalCognito,
    optional_pool: DemoPool,
    optional_user: PoolUser,
    optional_settings: Settings,
) -> None:
    token = access_token_for(local_cognito, optional_pool, optional_user)
    username = optional_user.username  # GetUser's answer names the user: the account
    # The test's own copies (the fixture, Hidden, the local Cognito's records), before the
    # app has ever seen the token or the name.
    before = held_in_memory(token.value, username)
    calls = FinishedCalls()
    app = TotpApp(optional_settings, client_factory=calls, kiosk=Kiosk(idle_seconds=120))
    found = Findings()
    async with app.run_test(size=SIZE) as pilot:
        await arrive(pilot, SignInScreen)
        await wait_until(pilot, lambda: calls.client is not None, "the app's client")
        reached, release = calls.hold_when_reached("GetUser")
        try:
            await pilot.press("ctrl+o")
            await arrive(pilot, AccessTokenScreen)
            await paste(pilot, token.value)
            await pilot.press("enter")
            await wait_until(
                pilot,
                lambda: shows(app, "Checking the access token"),
                '"Checking the access token…" on the screen',
            )
            # The worker is in the call now, waiting for Cognito's answer.
            await wait_until(pilot, reached.is_set, "the worker to reach GetUser")
            await pilot.press("escape")  # Back: this person leaves the desk
            await wait_until(pilot, lambda: is_empty_sign_in(pilot), "an empty sign-in")
            back_at = app.screen
            # The person left before Cognito answered (the hold did not time out).
            assert calls.returned("GetUser") == 0, "GetUser was answered before Back"
        finally:
            release.set()  # the GetUser answer comes back, late
        seen = await settle(pilot, calls)
        # The late answer was a real one: Cognito knew the token and named the user.
        assert calls.returned("GetUser") == 1

        # It was dropped: nothing moved on to an enrol screen, even for a moment.
        found.expect(seen == ["SignInScreen"], f"after the late answer the app showed {seen}")
        found.expect(app.screen is back_at, "the sign-in was replaced after the late answer")
        # The app keeps neither the token nor the name, nor any key a late answer carried.
        found.memory(("token", "username"), before, held_in_memory(token.value, username))
        found.issued(calls)
        # The next person's sign-in is empty and names nobody.
        found.expect(filled_fields(app.screen) == [], "the sign-in has a field filled in")
        found.expect(username not in screen_text(pilot), "the sign-in shows the name")

        # Their Ctrl+O: an empty access-token screen, naming nobody.
        await pilot.press("ctrl+o")
        second = await arrive(pilot, AccessTokenScreen)
        found.expect(field(second, "token").value == "", "the next Ctrl+O has a token in it")
        found.expect(username not in screen_text(pilot), "the next Ctrl+O shows the name")

        # And Back again: an empty sign-in.
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen), "the sign-in")
        found.expect(filled_fields(app.screen) == [], "Back again: a field is filled in")
        found.expect(username not in screen_text(pilot), "Back again: the sign-in shows the name")
        # Nothing was sent again for the next person.
        found.expect(calls.count("GetUser") == 1, "GetUser was sent again")
    assert not found.problems, "; ".join(found.problems)


# --- A sign-in answered after "Next person" or the idle wipe -------------------------------------


@pytest.mark.parametrize("leaving", ["escape", "idle"])
async def test_next_person_while_signing_in_leaves_nothing_behind(
    leaving: str, settings: Settings, user: PoolUser
) -> None:
    password = Hidden(user.password)
    before = held_in_memory(user.password, user.username)
    calls = FinishedCalls()
    # Walking away: the desk wipes after a second of no keys (checked every half second).
    idle_seconds = 1.0 if leaving == "idle" else 120.0
    app = TotpApp(settings, client_factory=calls, kiosk=Kiosk(idle_seconds=idle_seconds))
    found = Findings()
    async with app.run_test(size=SIZE) as pilot:
        await arrive(pilot, SignInScreen)
        await wait_until(pilot, lambda: calls.client is not None, "the app's client")
        reached, release = calls.hold_when_reached("InitiateAuth")
        try:
            await sign_in(pilot, user.username, password.value)
            await wait_until(pilot, lambda: shows(app, "Signing in"), '"Signing in…" on the screen')
            await wait_until(pilot, reached.is_set, "the worker to reach InitiateAuth")
            if leaving == "escape":
                await pilot.press("escape")  # kiosk's "Next person"
            await wait_until(pilot, lambda: is_empty_sign_in(pilot), "an empty sign-in")
            wiped = app.screen
            if leaving == "idle":
                assert shows(app, "Nothing happened for a while")
            # The person left before Cognito answered (the hold did not time out).
            assert calls.returned("InitiateAuth") == 0, "InitiateAuth was answered before"
        finally:
            release.set()  # Cognito's answer to the sign-in comes back, late
        seen = await settle(pilot, calls)
        # The late answer was a real one (the whole sign-in ran: the new-password challenge).
        assert calls.returned("InitiateAuth") == 1

        # It was dropped: no new-password screen, not even for a moment.
        found.expect(seen == ["SignInScreen"], f"after the late answer the app showed {seen}")
        found.expect(app.screen is wiped, "the sign-in was replaced after the late answer")
        # Nothing of the person in the fields, on the screen, or in the app's memory.
        found.expect(filled_fields(app.screen) == [], "the sign-in has a field filled in")
        text = screen_text(pilot)
        found.expect(user.username not in text, "the sign-in shows the name")
        found.expect(password.value not in text, "the sign-in shows the password")
        after = held_in_memory(user.password, user.username)
        found.memory(("password", "username"), before, after)
        found.issued(calls)  # the Session of the challenge that came too late

        # The next person starts from nothing: Ctrl+O is empty too, and so is Back from it.
        await pilot.press("ctrl+o")
        token_screen = await arrive(pilot, AccessTokenScreen)
        found.expect(field(token_screen, "token").value == "", "the next Ctrl+O has a token")
        found.expect(user.username not in screen_text(pilot), "the next Ctrl+O shows the name")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen), "the sign-in")
        found.expect(filled_fields(app.screen) == [], "Back again: a field is filled in")
        found.expect(user.username not in screen_text(pilot), "Back again: the name shows")
        # Nothing was sent again for the next person.
        found.expect(calls.count("InitiateAuth") == 1, "InitiateAuth was sent again")
    assert not found.problems, "; ".join(found.problems)


# --- What typing alone leaves (no answer on its way) -------------------------------------------


async def test_next_person_keeps_no_copy_of_what_was_typed(
    settings: Settings, user: PoolUser
) -> None:
    """The same promise with no request at all: the name and password typed, then "Next
    person". It tells a leak of the late answer (above) from one of the typing itself."""
    before = held_in_memory(user.password, user.username)
    app = TotpApp(settings, kiosk=Kiosk(idle_seconds=120))
    found = Findings()
    async with app.run_test(size=SIZE) as pilot:
        await arrive(pilot, SignInScreen)
        await paste(pilot, user.username)
        await pilot.press("tab")
        await paste(pilot, user.password)
        await pilot.press("escape")  # kiosk's "Next person"
        await wait_until(pilot, lambda: is_empty_sign_in(pilot), "an empty sign-in")
        text = screen_text(pilot)
        found.expect(user.username not in text, "the sign-in shows the name")
        after = held_in_memory(user.password, user.username)
        found.memory(("password", "username"), before, after)
    assert not found.problems, "; ".join(found.problems)
