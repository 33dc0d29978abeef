"""The wizard as a whole: where sign-in leads when there is nothing to enrol, an expired
Session, quitting from the last screens, and what the app keeps of what was typed."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.conftest import PoolUser, make_user, settings_for
from tests.ui.accounts import enrol_outside_the_app, set_permanent_password
from tests.ui.cognito_calls import CognitoCalls
from tests.ui.conftest import SIZE
from tests.ui.memory_scan import holders
from tests.ui.wizard_steps import (
    arrive,
    field,
    focused_id,
    is_empty,
    paste,
    reach_enrol,
    shows,
    sign_in,
)
from totp_tui.demo import DemoPool, LocalCognito
from totp_tui.settings import Settings
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.done import StopScreen
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.widgets.secret_key import SecretKey


async def test_pool_without_mfa_stops_with_nothing_to_set_up(local_cognito: LocalCognito) -> None:
    pool = local_cognito.create_pool(mfa="OFF")
    user = make_user(local_cognito, pool)
    set_permanent_password(local_cognito, pool, user)
    app = TotpApp(settings_for(local_cognito, pool))
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, user.username, user.new_password)
        stop = await arrive(pilot, StopScreen)
        assert stop.query_one("#stop-card").border_title == "Signed in, nothing to set up"
        assert shows(app, "Signed in, nothing to set up")
        assert shows(app, f"{user.username} signed in without being asked to set up MFA")
        assert shows(app, "Nothing was changed.")
        # Enter: "Sign in again", with the name kept for the next try.
        await pilot.press("enter")
        again = await arrive(pilot, SignInScreen)
        assert field(again, "username").value == user.username
        assert focused_id(app) == "username"


async def test_enrolled_user_is_told_the_account_already_has_a_code_and_ctrl_q_quits(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, settings: Settings
) -> None:
    enrol_outside_the_app(local_cognito, pool, user)
    app = TotpApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, user.username, user.new_password)
        await arrive(pilot, StopScreen)
        assert shows(app, "Not handled here")
        assert shows(
            app, "This account is already enrolled in authenticator-app MFA: Cognito asks for a"
        )
        assert not shows(app, "Set up your authenticator")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_expired_session_goes_back_to_sign_in_with_the_username_kept(
    settings: Settings, user: PoolUser, calls: CognitoCalls
) -> None:
    # The local Cognito never expires a Session: only VerifySoftwareToken's answer is stubbed,
    # on the app's own client, after the real sign-in and AssociateSoftwareToken.
    app = TotpApp(settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        enrol = await reach_enrol(pilot, user)
        key_widget = enrol.query_one(SecretKey)
        with Stubber(calls.client) as stubber:
            stubber.add_client_error(
                "verify_software_token",
                service_error_code="NotAuthorizedException",
                service_message="Invalid session for the user, session is expired.",
            )
            await paste(pilot, "123456")
            await pilot.press("enter")
            again = await arrive(pilot, SignInScreen)
            stubber.assert_no_pending_responses()
        assert shows(app, "The sign-in session has expired")
        assert shows(app, "Sign in again.")
        assert field(again, "username").value == user.username
        assert is_empty(field(again, "password"))
        assert focused_id(app) == "username"
        assert str(key_widget.content) == "", "the enrol screen left behind keeps the key"


async def test_passwords_are_not_kept_once_sent(settings: Settings, user: PoolUser) -> None:
    # Both passwords stay in the test's own fixture; count the places holding them before
    # the app sees them, and again while the enrol screen (minutes, for most people) is up.
    before = holders(user.password, user.new_password)
    async with TotpApp(settings).run_test(size=SIZE) as pilot:
        await reach_enrol(pilot, user)
        await pilot.pause()
        after = holders(user.password, user.new_password)
    assert after == before, "(temporary, new) password: more places hold it than before"
