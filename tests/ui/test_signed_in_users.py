"""Users who are, or can be, signed in: opting in on a pool where MFA is optional, replacing
the authenticator of an enrolled user, the test sign-in after enrolment, and the other ways
in (an access token, a Session from elsewhere), against the local Cognito over HTTP.

Nothing here prints a password, key, Session or token: they travel in `Hidden`, and
comparisons of them are made into booleans before an assertion.
"""

from __future__ import annotations

import secrets
from typing import Any

from botocore.stub import Stubber
from textual.app import App
from textual.pilot import Pilot

from tests.conftest import PoolUser, settings_for
from tests.support.accounts import (
    access_token_for,
    enrol_outside_the_app,
    mfa_setup_session,
)
from tests.support.cognito_calls import CognitoCalls, DeviceNames
from tests.support.screen_reading import decode_qr
from tests.support.totp_clock import code_now, wrong_code
from tests.support.ui_driving import PUBLIC_TEST_SECRET
from tests.support.wizard_steps import (
    Hidden,
    arrive,
    field,
    focused_id,
    is_empty,
    paste,
    reach_enrol,
    screen_cells,
    shown_key,
    shows,
    sign_in,
    visible_text,
)
from tests.ui.conftest import SIZE
from totp_tui.authenticator.key_uri import parse_key_uri
from totp_tui.cognito.client import make_client
from totp_tui.cognito.flow import CodeRequired, EnrolmentFlow, SignedInWithoutSetup, Step
from totp_tui.config.settings import Settings
from totp_tui.demo.local_cognito import DemoPool, LocalCognito, active_secret
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.access_token import AccessTokenScreen
from totp_tui.ui.screens.code_required import CodeRequiredScreen
from totp_tui.ui.screens.done import DoneScreen
from totp_tui.ui.screens.enrol import EnrolScreen
from totp_tui.ui.screens.offer import OfferScreen
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.screens.sign_in_check import SignInCheckScreen
from totp_tui.ui.start_options import StartWith
from totp_tui.ui.widgets.countdown import SessionCountdown
from totp_tui.ui.widgets.status_line import StatusLine

COUNTDOWN = "Session ends in"
WRONG_CODE_MESSAGE = "That code is not right."
TOTP = "SOFTWARE_TOKEN_MFA"


# --- Fixtures and helpers --------------------------------------------------------------------


def mfa_settings(local_cognito: LocalCognito, pool: DemoPool, username: str) -> tuple[Any, Any]:
    """AdminGetUser's (UserMFASettingList, PreferredMfaSetting)."""
    user = local_cognito.admin_client(pool.region).admin_get_user(
        UserPoolId=pool.user_pool_id, Username=username
    )
    return user.get("UserMFASettingList"), user.get("PreferredMfaSetting")


def fresh_sign_in(local_cognito: LocalCognito, pool: DemoPool, user: PoolUser) -> Step:
    """The engine's first step of a new sign-in with the user's own password. The password
    flow: on the local Cognito it asks for TOTP only once the user's MFA preference says so
    (its SRP asks as soon as a code was verified)."""
    settings = settings_for(local_cognito, pool, auth_flow="USER_PASSWORD_AUTH")
    flow = EnrolmentFlow(settings, make_client(settings))
    try:
        return flow.sign_in(user.username, user.new_password)
    finally:
        flow.forget()


def qr_carries(app: App[Any], account: str, key: Hidden) -> bool:
    """Whether the one QR code on the screen, read as a camera would, holds this account and
    key (a bool, so that a failing assertion cannot print the key)."""
    uris = decode_qr(screen_cells(app))
    if len(uris) != 1:
        return False
    read = parse_key_uri(uris[0])
    return read.account == account and read.secret == key.value


def no_countdown(screen: EnrolScreen) -> bool:
    return not screen.query(SessionCountdown) and not shows(screen.app, COUNTDOWN)


async def type_code(pilot: Pilot[None], code: str) -> None:
    """Into the focused code field, then Enter."""
    await paste(pilot, code)
    await pilot.press("enter")


# --- Opting in where MFA is optional -----------------------------------------------------------


async def test_optional_pool_user_is_offered_enrolment_and_opts_in(
    local_cognito: LocalCognito,
    optional_pool: DemoPool,
    optional_user: PoolUser,
    optional_settings: Settings,
) -> None:
    user = optional_user
    before = mfa_settings(local_cognito, optional_pool, user.username)
    assert TOTP not in (before[0] or []) and before[1] != TOTP, before
    calls = DeviceNames()
    app = TotpApp(optional_settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, user.username, user.new_password)
        offer = await arrive(pilot, OfferScreen)
        assert offer.query_one("#offer-card").border_title == "Signed in without MFA"
        assert shows(app, f"{user.username} signed in without being asked for a second factor")
        assert shows(app, "MFA is optional on this user pool")
        assert shows(app, "Press Enter to set up an authenticator app.")

        await pilot.press("enter")
        enrol = await arrive(pilot, EnrolScreen)
        key = shown_key(enrol)
        assert qr_carries(app, user.username, key), "the QR code does not carry the key shown"
        # An access token lasts an hour: no Session is running out here.
        assert no_countdown(enrol), "a Session countdown on the access-token path"
        assert focused_id(app) == "code"

        await type_code(pilot, code_now(key.value))
        await arrive(pilot, DoneScreen)
        assert shows(app, f"{user.username} is enrolled in authenticator-app MFA")

    assert calls.count("InitiateAuth") == 1  # the sign-in only; the rest used the token
    assert calls.count("AssociateSoftwareToken") == 1
    assert calls.count("VerifySoftwareToken") == 1
    assert calls.count("SetUserMFAPreference") == 1
    assert calls.device_names == ["totp-tui"]  # nothing typed: the default name
    held = active_secret(optional_pool.user_pool_id, user.username) == key.value
    assert held, "Cognito holds a different secret from the one the person was shown"
    setting_list, preferred = mfa_settings(local_cognito, optional_pool, user.username)
    assert setting_list == [TOTP]
    assert preferred == TOTP
    step = fresh_sign_in(local_cognito, optional_pool, user)
    assert isinstance(step, CodeRequired), type(step).__name__


async def test_the_offer_can_be_declined_with_q_and_nothing_is_set_up(
    local_cognito: LocalCognito,
    optional_pool: DemoPool,
    optional_user: PoolUser,
    optional_settings: Settings,
    calls: CognitoCalls,
) -> None:
    app = TotpApp(optional_settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, optional_user.username, optional_user.new_password)
        await arrive(pilot, OfferScreen)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0
    assert calls.count("AssociateSoftwareToken") == 0
    assert calls.count("SetUserMFAPreference") == 0
    step = fresh_sign_in(local_cognito, optional_pool, optional_user)
    assert isinstance(step, SignedInWithoutSetup), type(step).__name__


# --- Already enrolled: the code, then a replacement ------------------------------------------


async def test_enrolled_user_gives_the_current_code_then_replaces_the_app(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, settings: Settings
) -> None:
    enrol_outside_the_app(local_cognito, pool, user)
    old_secret = active_secret(pool.user_pool_id, user.username)
    assert old_secret is not None
    old = Hidden(old_secret)
    calls = DeviceNames()
    app = TotpApp(settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, user.username, user.new_password)
        screen = await arrive(pilot, CodeRequiredScreen)
        assert shows(app, "code")
        assert shows(app, f"{user.username} already has an authenticator app")
        assert not shows(app, "Set up your authenticator")
        assert focused_id(app) == "code"

        await type_code(pilot, wrong_code(old.value))
        await pilot.pause()
        await arrive(pilot, CodeRequiredScreen)
        while screen.in_flight:
            await pilot.pause(0.02)
        assert app.screen is screen, "a wrong code left the code screen"
        assert shows(app, WRONG_CODE_MESSAGE)
        assert is_empty(field(screen, "code")), "the wrong code stays in the field"

        await type_code(pilot, code_now(old.value))
        offer = await arrive(pilot, OfferScreen)
        assert offer.query_one("#offer-card").border_title == "Already enrolled"
        assert shows(app, "already enrolled")
        assert shows(app, "the old one stops working as soon as the new one is verified")

        await pilot.press("enter")
        enrol = await arrive(pilot, EnrolScreen)
        new = shown_key(enrol)
        differs = new.value != old.value
        assert differs, "the replacement key is the old one"
        assert qr_carries(app, user.username, new), "the QR code does not carry the new key"
        assert no_countdown(enrol), "a Session countdown on the access-token path"
        # The old app does not work until the new one is verified: the service still has it.
        still_old = active_secret(pool.user_pool_id, user.username) == old.value
        assert still_old, "the old authenticator was replaced before the new one was verified"

        # A device name for the new authenticator (Tab from the code field).
        await paste(pilot, code_now(new.value))
        await pilot.press("tab")
        assert focused_id(app) == "device-name"
        await paste(pilot, "Pixel 8")
        await pilot.press("enter")
        await arrive(pilot, DoneScreen)

    now_new = active_secret(pool.user_pool_id, user.username) == new.value
    assert now_new, "the service does not hold the new key"
    assert calls.device_names == ["Pixel 8"]
    assert calls.count("SetUserMFAPreference") == 1
    assert mfa_settings(local_cognito, pool, user.username) == ([TOTP], TOTP)


async def test_enrolled_user_can_quit_at_the_code_screen(
    local_cognito: LocalCognito,
    pool: DemoPool,
    user: PoolUser,
    settings: Settings,
    calls: CognitoCalls,
) -> None:
    enrol_outside_the_app(local_cognito, pool, user)
    app = TotpApp(settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, user.username, user.new_password)
        await arrive(pilot, CodeRequiredScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0
    assert calls.count("AssociateSoftwareToken") == 0


# --- Proving it works --------------------------------------------------------------------------


async def test_test_sign_in_after_enrolment(settings: Settings, user: PoolUser) -> None:
    app = TotpApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        key = shown_key(await reach_enrol(pilot, user))
        await type_code(pilot, code_now(key.value))
        await arrive(pilot, DoneScreen)

        await pilot.press("ctrl+r")
        test = await arrive(pilot, SignInCheckScreen)
        assert shows(app, "Test sign-in")
        assert shows(app, f"Sign in as {user.username} once more")
        assert focused_id(app) == "password"
        await paste(pilot, user.new_password)
        await pilot.press("enter")
        assert focused_id(app) == "code"

        # A wrong code: the message points at the phone's clock.
        await type_code(pilot, wrong_code(key.value))
        await pilot.pause()
        while test.in_flight:
            await pilot.pause(0.02)
        assert shows(app, WRONG_CODE_MESSAGE)
        assert shows(app, "the phone's clock may be off")
        assert is_empty(field(test, "code")), "the wrong code stays in the field"
        assert not shows(app, "It works")

        await paste(pilot, code_now(key.value))
        await pilot.press("enter")
        while test.in_flight:
            await pilot.pause(0.02)
        await pilot.pause()
        assert app.screen is test
        assert shows(app, "It works: Cognito asked for a code and accepted the one from your app.")
        assert is_empty(field(test, "password")), "the password stays in its field"
        assert shows(app, "Press Escape to go back, then Enter to finish.")
        await pilot.press("escape")  # back one step: Enrolled, where Enter finishes
        await arrive(pilot, DoneScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


# --- An access token from elsewhere ------------------------------------------------------------


async def test_access_token_from_outside_goes_straight_to_the_enrol_screen(
    local_cognito: LocalCognito,
    optional_pool: DemoPool,
    optional_user: PoolUser,
    optional_settings: Settings,
    calls: CognitoCalls,
) -> None:
    user = optional_user
    token = access_token_for(local_cognito, optional_pool, user)
    app = TotpApp(
        optional_settings, client_factory=calls, start=StartWith(access_token=token.value)
    )
    async with app.run_test(size=SIZE) as pilot:
        enrol = await arrive(pilot, EnrolScreen)
        assert shows(app, f"Account AWSCognito:{user.username}")  # the name GetUser gave
        key = shown_key(enrol)
        assert qr_carries(app, user.username, key), "the QR code does not carry the key shown"
        assert no_countdown(enrol)
        on_screen = token.value in visible_text(app)
        assert not on_screen, "the access token is on the screen"
        await type_code(pilot, code_now(key.value))
        await arrive(pilot, DoneScreen)
    assert calls.count("InitiateAuth") == 0  # no sign-in needed
    assert calls.count("GetUser") == 1
    assert calls.count("SetUserMFAPreference") == 1
    assert mfa_settings(local_cognito, optional_pool, user.username) == ([TOTP], TOTP)
    step = fresh_sign_in(local_cognito, optional_pool, user)
    assert isinstance(step, CodeRequired), type(step).__name__


async def test_invalid_access_token_is_a_clear_message_and_sign_in_still_works(
    optional_user: PoolUser, optional_settings: Settings, calls: CognitoCalls
) -> None:
    bogus = "eyJraWQiOiJub3QtYS10b2tlbiJ9." + secrets.token_urlsafe(24)
    app = TotpApp(optional_settings, client_factory=calls, start=StartWith(access_token=bogus))
    async with app.run_test(size=SIZE) as pilot:
        screen = await arrive(pilot, SignInScreen)
        while calls.count("GetUser") == 0 or screen.in_flight:
            await pilot.pause(0.02)
        await pilot.pause()
        message = str(screen.query_one(StatusLine).content)
        assert message.startswith("Cognito did not accept the access token"), message
        assert shows(app, "Get a new one, or sign in with a password.")
        text = visible_text(app)
        assert "Traceback" not in text
        assert bogus not in text
        assert not shows(app, "Incorrect username or password")
        assert calls.count("AssociateSoftwareToken") == 0
        # The person can still sign in with a password.
        assert app.is_running
        await pilot.click("#username")
        await sign_in(pilot, optional_user.username, optional_user.new_password)
        await arrive(pilot, OfferScreen)


async def test_pasting_an_access_token_with_ctrl_o(
    local_cognito: LocalCognito,
    optional_pool: DemoPool,
    optional_user: PoolUser,
    optional_settings: Settings,
    calls: CognitoCalls,
) -> None:
    token = access_token_for(local_cognito, optional_pool, optional_user)
    app = TotpApp(optional_settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        await arrive(pilot, SignInScreen)
        await pilot.press("ctrl+o")
        screen = await arrive(pilot, AccessTokenScreen)
        assert shows(app, "Access token")
        assert focused_id(app) == "token"
        await paste(pilot, token.value)
        on_screen = token.value in visible_text(app)
        assert not on_screen, "the pasted token is shown in clear"
        token_field = field(screen, "token")
        await pilot.press("enter")
        enrol = await arrive(pilot, EnrolScreen)
        assert is_empty(token_field), "the token field kept the token"
        assert no_countdown(enrol)
        key = shown_key(enrol)
        await type_code(pilot, code_now(key.value))
        await arrive(pilot, DoneScreen)
    assert calls.count("InitiateAuth") == 0
    assert mfa_settings(local_cognito, optional_pool, optional_user.username) == ([TOTP], TOTP)


# --- A Session from elsewhere ------------------------------------------------------------------


async def test_session_from_elsewhere_continues_mfa_setup(
    local_cognito: LocalCognito,
    pool: DemoPool,
    user: PoolUser,
    settings: Settings,
    calls: CognitoCalls,
) -> None:
    session = mfa_setup_session(local_cognito, pool, user)
    start = StartWith(username=user.username, session=session.value)
    app = TotpApp(settings, client_factory=calls, start=start)
    async with app.run_test(size=SIZE) as pilot:
        enrol = await arrive(pilot, EnrolScreen)
        key = shown_key(enrol)
        assert qr_carries(app, user.username, key), "the QR code does not carry the key shown"
        assert shows(app, COUNTDOWN), "a Session runs out: the countdown must show"
        await type_code(pilot, code_now(key.value))
        await arrive(pilot, DoneScreen)
    assert calls.count("InitiateAuth") == 0
    assert calls.count("SetUserMFAPreference") == 0  # the MFA_SETUP answer finishes it
    held = active_secret(pool.user_pool_id, user.username) == key.value
    assert held, "Cognito holds a different secret from the one the person was shown"
    step = fresh_sign_in(local_cognito, pool, user)
    assert isinstance(step, CodeRequired), type(step).__name__


# --- Device name -------------------------------------------------------------------------------


async def test_device_name_is_sent_and_empty_means_totp_tui(
    settings: Settings, user: PoolUser
) -> None:
    calls = DeviceNames()
    app = TotpApp(settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        enrol = await reach_enrol(pilot, user)
        key = shown_key(enrol)
        # Nothing typed in the device name: the default goes with a (wrong) code.
        await type_code(pilot, wrong_code(key.value))
        while enrol.in_flight:
            await pilot.pause(0.02)
        assert shows(app, WRONG_CODE_MESSAGE)
        await paste(pilot, code_now(key.value))
        await pilot.press("tab")
        assert focused_id(app) == "device-name"
        await paste(pilot, "  work phone  ")
        await pilot.press("enter")
        await arrive(pilot, DoneScreen)
    assert calls.device_names == ["totp-tui", "work phone"]


# --- What the emulator never answers: botocore's Stubber on the app's own client -------------


def stubbed_settings() -> Settings:
    return Settings(
        region="eu-west-2",
        user_pool_id="eu-west-2_AbCdEf123",
        client_id="1example23456789abcdefghij",
        auth_flow="USER_PASSWORD_AUTH",
        endpoint_url="http://127.0.0.1:9",  # never contacted: the Stubber answers first
        save=False,
    )


async def test_enrol_screen_says_the_other_factors_are_not_set_up_here() -> None:
    settings = stubbed_settings()
    client = make_client(settings)
    stub = Stubber(client)
    stub.add_response(
        "initiate_auth",
        {
            "ChallengeName": "MFA_SETUP",
            "Session": "fake-session-01-" + "x" * 20,
            "ChallengeParameters": {
                "MFAS_CAN_SETUP": '["SMS_MFA","EMAIL_OTP","SOFTWARE_TOKEN_MFA"]'
            },
        },
    )
    stub.add_response(
        "associate_software_token",
        {"SecretCode": PUBLIC_TEST_SECRET, "Session": "fake-session-02-" + "x" * 20},
        {"Session": "fake-session-01-" + "x" * 20},
    )
    with stub:
        app = TotpApp(settings, client_factory=lambda _: client)
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, "alice", "fake-Password-1")
            await arrive(pilot, EnrolScreen)
            assert shows(app, "The pool also offers SMS codes and email codes")
            assert shows(app, "those are not set up here, only the authenticator app")
            assert not shows(app, "software token")
        stub.assert_no_pending_responses()


async def test_test_sign_in_that_meets_mfa_setup_says_the_app_is_not_in_use() -> None:
    """An administrator reset the user's MFA between enrolment and the test (helpdesk
    `admin reset-mfa`): AWS then answers the test sign-in with MFA_SETUP, which the local
    Cognito never does once a code was verified. The test fails with a message; it must not
    open an enrol screen that has no sign-in behind it."""
    settings = stubbed_settings()
    client = make_client(settings)
    stub = Stubber(client)

    def session(n: int) -> str:
        return f"fake-session-{n:02d}-" + "x" * 20

    def mfa_setup(n: int) -> dict[str, Any]:
        parameters = {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]'}
        return {
            "ChallengeName": "MFA_SETUP",
            "Session": session(n),
            "ChallengeParameters": parameters,
        }

    tokens = {"AuthenticationResult": {"AccessToken": "fake-access", "ExpiresIn": 3600}}
    # Enrolment.
    stub.add_response("initiate_auth", mfa_setup(1))
    stub.add_response(
        "associate_software_token", {"SecretCode": PUBLIC_TEST_SECRET, "Session": session(2)}
    )
    stub.add_response("verify_software_token", {"Status": "SUCCESS", "Session": session(3)})
    stub.add_response("respond_to_auth_challenge", tokens)
    # The test sign-in: MFA_SETUP again (AssociateSoftwareToken follows at once).
    stub.add_response("initiate_auth", mfa_setup(4))
    stub.add_response(
        "associate_software_token", {"SecretCode": PUBLIC_TEST_SECRET, "Session": session(5)}
    )
    with stub:
        app = TotpApp(settings, client_factory=lambda _: client)
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, "alice", "fake-Password-1")
            await arrive(pilot, EnrolScreen)
            await type_code(pilot, code_now(PUBLIC_TEST_SECRET))
            await arrive(pilot, DoneScreen)
            await pilot.press("ctrl+r")
            test = await arrive(pilot, SignInCheckScreen)
            await paste(pilot, "fake-Password-1")
            await pilot.press("enter")
            await type_code(pilot, "123456")
            await pilot.pause()
            while test.in_flight:
                await pilot.pause(0.02)
            await pilot.pause()
            assert app.screen is test, f"the test sign-in went on to {type(app.screen).__name__}"
            assert shows(app, "the app is not in use for this account yet")
            assert not shows(app, "It works")
            # Enter again is another test sign-in, not a crash.
            assert app.is_running
        stub.assert_no_pending_responses()


async def test_back_from_the_access_token_screen_keeps_the_given_username(
    settings: Settings,
) -> None:
    from dataclasses import replace

    app = TotpApp(replace(settings, username="jane.doe"))
    async with app.run_test(size=SIZE) as pilot:
        await arrive(pilot, SignInScreen)
        await pilot.press("ctrl+o")
        await arrive(pilot, AccessTokenScreen)
        await pilot.press("escape")
        screen = await arrive(pilot, SignInScreen)
        assert field(screen, "username").value == "jane.doe"
        assert focused_id(app) == "password"  # the first empty field
