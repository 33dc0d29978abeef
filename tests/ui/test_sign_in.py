"""The sign-in screen against the local Cognito: focus, Tab, Enter, and its messages."""

from __future__ import annotations

import asyncio
import secrets

import pytest

from tests.conftest import PoolUser, make_user, settings_for
from tests.support.cognito_calls import CognitoCalls, ShownParameters
from tests.support.ui_driving import burst, type_text, wait_until_idle
from tests.support.wizard_steps import (
    arrive,
    field,
    focused_id,
    is_empty,
    paste,
    shows,
    sign_in,
    until,
)
from tests.ui.conftest import SIZE
from totp_tui.config.settings import Settings
from totp_tui.demo.local_cognito import DemoPool, LocalCognito
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.new_password import NewPasswordScreen
from totp_tui.ui.screens.sign_in import SignInScreen


async def test_username_has_focus_tab_moves_to_password_and_enter_signs_in(
    local_cognito: LocalCognito, pool: DemoPool, calls: CognitoCalls
) -> None:
    name = f"ann{secrets.token_hex(2)}"  # short to type; unique in the module's pool
    user = make_user(local_cognito, pool, username=name)
    app = TotpApp(settings_for(local_cognito, pool), client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        screen = await arrive(pilot, SignInScreen)
        assert focused_id(app) == "username"
        await type_text(pilot, name)
        assert field(screen, "username").value == name
        await pilot.press("tab")
        assert focused_id(app) == "password"
        await paste(pilot, user.password)
        await pilot.press("enter")
        await arrive(pilot, NewPasswordScreen)
    assert calls.count("InitiateAuth") == 1


async def test_the_sign_in_is_the_first_screen_and_moving_on_leaves_nothing_under(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
) -> None:
    # Start-up is measured: the form is Textual's first screen, drawn in the app's first
    # frame, not pushed over an empty one. The next step replaces it: nothing of the
    # person's sign-in stays under the next screen.
    settings = settings_for(local_cognito, pool, username=user.username)
    async with TotpApp(settings).run_test(size=SIZE) as pilot:
        assert [type(screen) for screen in pilot.app.screen_stack] == [SignInScreen]
        await paste(pilot, user.password)
        await pilot.press("enter")
        await arrive(pilot, NewPasswordScreen)
        assert [type(screen) for screen in pilot.app.screen_stack] == [NewPasswordScreen]


async def test_a_password_typed_at_once_never_lands_in_a_prefilled_username(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
) -> None:
    # Issue 14, case 2: the username was focused with its text selected, so a password
    # typed straight away replaced the name, in clear. Focus is on the first empty field,
    # and focusing the name never selects it.
    settings = settings_for(local_cognito, pool, username=user.username)
    async with TotpApp(settings).run_test(size=SIZE) as pilot:
        screen = await arrive(pilot, SignInScreen)
        assert field(screen, "username").value == user.username
        assert focused_id(pilot.app) == "password"
        await pilot.press("shift+tab")  # back to the name, then on: nothing selected
        assert focused_id(pilot.app) == "username"
        assert field(screen, "username").selected_text == ""
        await pilot.press("tab")
        burst(pilot, f"{user.password}\r")  # auto-typed, as a password manager does
        await arrive(pilot, NewPasswordScreen)  # signed in as the prefilled name


async def test_a_name_typed_into_a_focused_prefilled_username_adds_to_it(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
) -> None:
    settings = settings_for(local_cognito, pool, username=user.username)
    async with TotpApp(settings).run_test(size=SIZE) as pilot:
        screen = await arrive(pilot, SignInScreen)
        await pilot.press("shift+tab")
        burst(pilot, "x")
        await until(pilot, lambda: field(screen, "username").value != user.username, "the x")
        assert field(screen, "username").value == f"{user.username}x"


async def test_nothing_is_sent_until_both_fields_are_filled_and_ctrl_q_quits(
    settings: Settings, user: PoolUser, calls: CognitoCalls
) -> None:
    app = TotpApp(settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        await arrive(pilot, SignInScreen)
        await pilot.press("enter")
        assert shows(app, "Type your username.")
        assert focused_id(app) == "username"
        await paste(pilot, user.username)
        await pilot.press("enter")  # Enter on a filled username moves on, as in most forms
        assert focused_id(app) == "password"
        assert not shows(app, "Type your password.")
        await pilot.press("enter")
        assert shows(app, "Type your password.")
        assert focused_id(app) == "password"
        assert isinstance(app.screen, SignInScreen)
        assert calls.count("InitiateAuth") == 0
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


@pytest.mark.parametrize("auth_flow", ["USER_SRP_AUTH", "USER_PASSWORD_AUTH"])
async def test_wrong_password_says_so_clears_it_and_stays(
    local_cognito: LocalCognito,
    pool: DemoPool,
    user: PoolUser,
    calls: CognitoCalls,
    auth_flow: str,
) -> None:
    # Issue 14, case 7: the local Cognito (and so the demo) took any password with SRP, the
    # default flow; it checks the proof now, as AWS does.
    settings = settings_for(local_cognito, pool, auth_flow=auth_flow)
    async with TotpApp(settings, client_factory=calls).run_test(size=SIZE) as pilot:
        screen = await arrive(pilot, SignInScreen)
        await sign_in(pilot, user.username, "Not-the-password-1")
        await wait_until_idle(pilot)
        assert shows(pilot.app, "Incorrect username or password.")
        assert isinstance(pilot.app.screen, SignInScreen)
        assert is_empty(field(screen, "password")), "the wrong password is still in the field"
        assert focused_id(pilot.app) == "password"
        assert field(screen, "username").value == user.username
        # The person types the right one and carries on.
        await paste(pilot, user.password)
        await pilot.press("enter")
        await arrive(pilot, NewPasswordScreen)
    assert calls.count("InitiateAuth") == 2


async def test_second_enter_while_signing_in_sends_no_second_request(
    settings: Settings, user: PoolUser, calls: CognitoCalls
) -> None:
    app = TotpApp(settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        screen = await arrive(pilot, SignInScreen)
        await app.workers.wait_for_complete()  # the warm-up has built the client
        release = calls.hold("InitiateAuth")
        try:
            await sign_in(pilot, user.username, user.password)
            await until(pilot, lambda: shows(app, "Signing in…"), "the wait shown")
            await pilot.press("enter")
            await asyncio.sleep(0.2)  # time for a second request to start, if one would
            assert shows(app, "Signing in…")
            assert app.screen is screen
        finally:
            release.set()
        await arrive(pilot, NewPasswordScreen)
        await app.workers.wait_for_complete()
    assert calls.count("InitiateAuth") == 1


async def test_a_message_asking_for_a_field_goes_once_it_is_typed_in(
    settings: Settings, calls: CognitoCalls
) -> None:
    app = TotpApp(settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        await arrive(pilot, SignInScreen)
        await pilot.press("enter")
        assert shows(app, "Type your username.")
        await pilot.press("j")
        await pilot.pause()
        assert not shows(app, "Type your username."), "the message outlived its cause"
        await pilot.press("tab", "enter")
        assert shows(app, "Type your password.")
        await pilot.press("x")
        await pilot.pause()
        assert not shows(app, "Type your password.")
        assert calls.count("InitiateAuth") == 0


async def test_a_username_longer_than_cognito_allows_is_not_sent(
    settings: Settings, calls: CognitoCalls
) -> None:
    app = TotpApp(settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        await arrive(pilot, SignInScreen)
        await paste(pilot, "u" * 129)
        await pilot.press("tab")
        await paste(pilot, "Some-Password-1")
        await pilot.press("enter")
        await pilot.pause()
        assert shows(app, "A username has at most 128 characters; this one has 129.")
        assert focused_id(app) == "username"
        assert isinstance(app.screen, SignInScreen)
        assert calls.count("InitiateAuth") == 0


# --- Issue 19: auto-type on a prefilled form ----------------------------------------------


@pytest.mark.parametrize("typed_name", ["same", "other case", "spaces"])
async def test_auto_type_name_tab_password_enter_signs_in_on_a_prefilled_form(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, typed_name: str
) -> None:
    # Issue 19, case 1: KeePass's default auto-type, {USERNAME}{TAB}{PASSWORD}{ENTER}, on a
    # form whose username is filled in (focus in Password). The name went into Password, Tab
    # wrapped to Username and the password was appended there, in clear, and sent as the
    # USERNAME.
    name = {
        "same": user.username,
        "other case": user.username.upper(),
        "spaces": f" {user.username} ",
    }[typed_name]
    settings = settings_for(local_cognito, pool, username=user.username)
    usernames = ShownParameters()
    async with TotpApp(settings, client_factory=usernames).run_test(size=SIZE) as pilot:
        await arrive(pilot, SignInScreen)
        burst(pilot, f"{name}\t{user.password}\r")
        await arrive(pilot, NewPasswordScreen)
    # A yes/no, never the list: a wrong one would hold the password.
    only_the_name = set(usernames.usernames()) == {user.username}
    assert only_the_name, "a USERNAME other than the name was sent"


async def test_tab_in_the_password_never_wraps_into_the_shown_username(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
) -> None:
    settings = settings_for(local_cognito, pool, username=user.username)
    async with TotpApp(settings).run_test(size=SIZE) as pilot:
        screen = await arrive(pilot, SignInScreen)
        burst(pilot, "Not-the-name-1\tMore-2")
        await until(pilot, lambda: len(field(screen, "password").value) == 20, "the typing")
        assert focused_id(pilot.app) == "password"
        assert field(screen, "username").value == user.username
        # Shift+Tab is the way up to the name, and Tab comes back down.
        await pilot.press("shift+tab")
        assert focused_id(pilot.app) == "username"
        await pilot.press("tab")
        assert focused_id(pilot.app) == "password"
