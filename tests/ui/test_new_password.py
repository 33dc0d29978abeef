"""The new-password screen: an administrator created the account with a temporary password."""

from __future__ import annotations

from tests.conftest import PoolUser
from tests.support.cognito_calls import CognitoCalls
from tests.support.ui_driving import wait_until_idle
from tests.support.wizard_steps import (
    arrive,
    choose_password,
    field,
    focused_id,
    is_empty,
    paste,
    reach_new_password,
    shows,
)
from tests.ui.conftest import SIZE
from totp_tui.config.settings import Settings
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.enrol import EnrolScreen


async def test_title_focus_tab_and_enter(
    settings: Settings, user: PoolUser, calls: CognitoCalls
) -> None:
    async with TotpApp(settings, client_factory=calls).run_test(size=SIZE) as pilot:
        screen = await reach_new_password(pilot, user)
        card = screen.query_one("#new-password-card")
        assert "New password" in str(card.border_title)
        assert shows(pilot.app, "New password")  # the title is drawn in the border
        assert shows(pilot.app, f"The account {user.username} has a temporary password")
        assert focused_id(pilot.app) == "new-password"
        await paste(pilot, user.new_password)
        await pilot.press("tab")
        assert focused_id(pilot.app) == "confirm-password"
        await paste(pilot, user.new_password)
        await pilot.press("enter")
        await arrive(pilot, EnrolScreen)
    assert calls.count("AssociateSoftwareToken") == 1


async def test_empty_or_differing_passwords_send_nothing_and_ctrl_q_quits(
    settings: Settings, user: PoolUser, calls: CognitoCalls
) -> None:
    app = TotpApp(settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        screen = await reach_new_password(pilot, user)
        sent_before = calls.count("RespondToAuthChallenge")
        await pilot.press("enter")
        assert shows(app, "Type a new password.")
        assert focused_id(app) == "new-password"

        await choose_password(pilot, user.new_password, user.new_password + "x")
        assert shows(app, "The two passwords differ.")
        assert app.screen is screen
        assert is_empty(field(screen, "confirm-password"))
        assert focused_id(app) == "confirm-password"
        assert calls.count("RespondToAuthChallenge") == sent_before

        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
        assert is_empty(field(screen, "new-password")), "quitting left the password in memory"
    assert app.return_code == 0


async def test_password_the_pool_refuses_shows_why_and_stays(
    settings: Settings, user: PoolUser, calls: CognitoCalls
) -> None:
    async with TotpApp(settings, client_factory=calls).run_test(size=SIZE) as pilot:
        screen = await reach_new_password(pilot, user)
        await choose_password(pilot, "short", "short")
        await wait_until_idle(pilot)
        assert shows(pilot.app, "The new password does not meet the user pool's password policy.")
        assert pilot.app.screen is screen
        assert is_empty(field(screen, "new-password"))
        assert is_empty(field(screen, "confirm-password"))
        assert focused_id(pilot.app) == "new-password"
        # The Session is still good: a password that meets the policy goes through.
        await choose_password(pilot, user.new_password, user.new_password)
        await arrive(pilot, EnrolScreen)
