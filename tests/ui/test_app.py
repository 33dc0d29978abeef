"""The wizard as a whole: an expired Session, and what the app keeps of what was typed.

Where sign-in leads when there is nothing to enrol (a pool where MFA is optional: the offer
to opt in) and for an account enrolled already (the code screen): test_signed_in_users.py."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.conftest import PoolUser
from tests.support.cognito_calls import CognitoCalls
from tests.support.memory_scan import holders
from tests.support.wizard_steps import (
    arrive,
    field,
    focused_id,
    is_empty,
    paste,
    reach_enrol,
    shows,
)
from tests.ui.conftest import SIZE
from totp_tui.config.settings import Settings
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.widgets.secret_key import SecretKey


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
        # Refused with almost all of the countdown's 3 minutes left: the app client's session
        # must be shorter than set, and the message says how to set it.
        assert shows(app, "Cognito ended the sign-in session before the countdown ran out")
        assert shows(app, "shorter than the 3 minutes set")
        assert shows(app, "--session-minutes")
        assert field(again, "username").value == user.username
        assert is_empty(field(again, "password"))
        assert focused_id(app) == "password"  # the first empty field
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
