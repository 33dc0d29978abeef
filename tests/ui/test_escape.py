"""Escape has one meaning on every screen (issue 14, case 6): back one step, or to the
sign-in, with what was typed wiped; the footer names it. Quitting mid-enrolment asks first.

Before: Escape did nothing on the sign-in, new-password and enrol screens; it quit with 0
on Enrolled; it quit the whole app on the test sign-in; and Ctrl+Q quit mid-enrolment at once.
"""

from __future__ import annotations

import pytest

from tests.conftest import PoolUser
from tests.support.screen_reading import cells_from_textual
from tests.support.totp_clock import code_now
from tests.support.ui_driving import burst, keys_at_once
from tests.support.wizard_steps import (
    arrive,
    field,
    focused_id,
    is_empty,
    paste,
    reach_enrol,
    reach_new_password,
    shown_key,
    shows,
)
from tests.ui.conftest import SIZE
from totp_tui.config.settings import Settings
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.done import DoneScreen
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.widgets.secret_key import SecretKey


def footer_text(app: TotpApp) -> str:
    return cells_from_textual(app).text().splitlines()[-1]


async def test_escape_on_the_new_password_screen_goes_back_to_the_sign_in_wiped(
    settings: Settings, user: PoolUser
) -> None:
    app = TotpApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await reach_new_password(pilot, user)
        new_password = field(screen, "new-password")
        assert "esc Back" in footer_text(app)
        burst(pilot, "half-typed")
        keys_at_once(pilot, "escape")
        sign_in = await arrive(pilot, SignInScreen)
        assert is_empty(new_password), "the typed password stays in memory"
        assert field(sign_in, "username").value == user.username
        assert is_empty(field(sign_in, "password"))
        assert focused_id(app) == "password"
        assert app.wizard.attempt.flow is None, "the Session outlived the screen"


async def test_escape_on_the_enrol_screen_unzooms_then_goes_back_to_the_sign_in(
    settings: Settings, user: PoolUser
) -> None:
    app = TotpApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        enrol = await reach_enrol(pilot, user)
        key_widget = enrol.query_one(SecretKey)
        assert "esc Back" in footer_text(app)
        await pilot.press("z")
        assert enrol.maximized is not None
        keys_at_once(pilot, "escape")
        await pilot.pause()
        assert app.screen is enrol and enrol.maximized is None, "Escape left the zoom"
        burst(pilot, "123")
        keys_at_once(pilot, "escape")
        await arrive(pilot, SignInScreen)
        assert str(key_widget.content) == "", "the key outlived its screen"
        assert app.wizard.attempt.flow is None


async def test_escape_on_enrolled_is_a_new_sign_in_and_enter_finishes(
    settings: Settings, user: PoolUser
) -> None:
    app = TotpApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        enrol = await reach_enrol(pilot, user)
        await paste(pilot, code_now(shown_key(enrol).value))
        await pilot.press("enter")
        await arrive(pilot, DoneScreen)
        assert "esc Sign in again" in footer_text(app)
        keys_at_once(pilot, "escape")
        await arrive(pilot, SignInScreen)
        assert app.is_running, "Escape on Enrolled quit the app"


@pytest.mark.parametrize("key", ["ctrl+q", "ctrl+c"])
async def test_quitting_mid_enrolment_asks_first(
    settings: Settings, user: PoolUser, key: str
) -> None:
    app = TotpApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        enrol = await reach_enrol(pilot, user)
        keys_at_once(pilot, key)
        await pilot.pause()
        assert app.is_running and shows(app, "Quit now?")
        keys_at_once(pilot, "escape")  # No, as on every question
        await pilot.pause()
        assert app.screen is enrol
        keys_at_once(pilot, key)
        await pilot.pause()
        keys_at_once(pilot, "y")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == (0 if key == "ctrl+q" else 130)


async def test_quitting_before_anything_is_under_way_does_not_ask(settings: Settings) -> None:
    app = TotpApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        await arrive(pilot, SignInScreen)
        burst(pilot, "someone")
        keys_at_once(pilot, "ctrl+q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0
