"""People who sign in with a code by SMS or email today, and move to an authenticator app.

Against the local Cognito over HTTP (a pool where MFA is optional: there its SRP sign-in asks
an SMS user for SMS_MFA, sends no text and takes any code), and, for what it never does
(SELECT_MFA_TYPE, EMAIL_OTP), botocore's Stubber on the app's own client. Every form is typed
in one burst (tests/support/ui_driving.py), as auto-type, a paste or an SSH link hands it over.

Nothing here prints a password, key, Session or token: comparisons of them are made into
booleans before an assertion.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from botocore.stub import Stubber
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from tests.conftest import PoolUser
from tests.support.cognito_calls import CognitoCalls, FinishedCalls
from tests.support.memory_scan import held_in_memory
from tests.support.screen_reading import decode_qr
from tests.support.totp_clock import code_now
from tests.support.ui_driving import PUBLIC_TEST_SECRET, burst, keys_at_once
from tests.support.wizard_steps import (
    Hidden,
    arrive,
    field,
    focused_id,
    is_empty,
    screen_cells,
    shown_key,
    shows,
    status_kind,
    until,
)
from tests.ui.conftest import SIZE
from totp_tui.authenticator.key_uri import parse_key_uri
from totp_tui.cognito.client import make_client
from totp_tui.config.settings import Settings
from totp_tui.demo.local_cognito import DemoPool, LocalCognito, temporary_password
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.done import DoneScreen
from totp_tui.ui.screens.enrol import EnrolScreen
from totp_tui.ui.screens.factor_choice import FactorChoiceScreen
from totp_tui.ui.screens.move_offer import MoveOfferScreen
from totp_tui.ui.screens.other_code import OtherCodeScreen
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.start_options import Kiosk

SMS = "SMS_MFA"
TOTP = "SOFTWARE_TOKEN_MFA"
ANY_SMS_CODE = "123456"  # the local Cognito takes any SMS code


# --- Helpers -----------------------------------------------------------------------------------


def make_sms_user(local_cognito: LocalCognito, pool: DemoPool) -> PoolUser:
    """A user who signs in with a code by SMS today (permanent password: both fields)."""
    password = temporary_password()
    user = PoolUser(f"sms{secrets.token_hex(4)}", password, password)
    local_cognito.create_sms_user(pool, user.username, password)
    return user


def mfa_settings(
    local_cognito: LocalCognito, pool: DemoPool, username: str
) -> tuple[list[str], str | None]:
    """AdminGetUser's (UserMFASettingList sorted, PreferredMfaSetting)."""
    answer = local_cognito.admin_client(pool.region).admin_get_user(
        UserPoolId=pool.user_pool_id, Username=username
    )
    return sorted(answer.get("UserMFASettingList") or []), answer.get("PreferredMfaSetting")


def qr_carries(app: App[Any], account: str, key: Hidden) -> bool:
    """Whether the one QR code on the screen, read as a camera would, holds this account and
    key (a bool: a failing assertion cannot print the key)."""
    uris = decode_qr(screen_cells(app))
    if len(uris) != 1:
        return False
    read = parse_key_uri(uris[0])
    return read.account == account and read.secret == key.value


async def reach_code_screen(pilot: Pilot[None], user: PoolUser) -> OtherCodeScreen:
    await arrive(pilot, SignInScreen)
    burst(pilot, f"{user.username}\t{user.password}\r")
    return await arrive(pilot, OtherCodeScreen)


@pytest.fixture
def sms_user(local_cognito: LocalCognito, optional_pool: DemoPool) -> PoolUser:
    user = make_sms_user(local_cognito, optional_pool)
    assert mfa_settings(local_cognito, optional_pool, user.username) == ([SMS], SMS)
    return user


# --- The move from SMS codes to the app ----------------------------------------------------------


@pytest.mark.parametrize("keep", [False, True], ids=["sms-off", "sms-kept"])
async def test_sms_user_signs_in_with_the_texted_code_and_moves_to_the_app(
    local_cognito: LocalCognito,
    optional_pool: DemoPool,
    optional_settings: Settings,
    sms_user: PoolUser,
    keep: bool,
) -> None:
    user = sms_user
    calls = CognitoCalls()
    app = TotpApp(optional_settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        screen = await reach_code_screen(pilot, user)
        assert screen.query_one("#other-code-card").border_title == "Code by SMS"
        assert shows(app, f"{user.username} signs in with a code by SMS today")
        # The local Cognito names no destination: the screen still says how the code came.
        assert shows(app, "Cognito has sent one by text message.")
        assert shows(app, "Code from the message")
        assert focused_id(app) == "code"

        burst(pilot, f"{ANY_SMS_CODE}\r")
        offer = await arrive(pilot, MoveOfferScreen)
        assert offer.query_one("#move-card").border_title == "Move to an authenticator app"
        assert shows(app, f"{user.username} is signed in with a code by SMS")
        assert shows(app, "Set up the app, and keep SMS codes as a second option")
        assert shows(app, "Set up the app, and turn SMS codes off")
        assert shows(app, "Set up the app")  # the footer names Enter

        keys_at_once(pilot, *(["enter"] if keep else ["down", "enter"]))
        enrol = await arrive(pilot, EnrolScreen)
        key = shown_key(enrol)
        assert qr_carries(app, user.username, key), "the QR code does not carry the key shown"
        # Until the app's code is verified, the account still signs in with SMS only.
        assert mfa_settings(local_cognito, optional_pool, user.username) == ([SMS], SMS)

        burst(pilot, f"{code_now(key.value)}\r")
        await arrive(pilot, DoneScreen)
        assert shows(app, f"{user.username} is enrolled in authenticator-app MFA")
        assert shows(app, "Cognito asks for the 6-digit code your app shows instead of sending")
        assert shows(app, "one by SMS")
        if keep:
            assert shows(app, "SMS codes stay on as a second option")
            assert not shows(app, "turned off")
        else:
            assert shows(app, "SMS codes are turned off for this account.")
            assert not shows(app, "second option")

    setting_list, preferred = mfa_settings(local_cognito, optional_pool, user.username)
    assert preferred == TOTP
    assert setting_list == ([SMS, TOTP] if keep else [TOTP])
    # One sign-in, one key, one check, one preference call (the app and SMS together).
    assert calls.count("InitiateAuth") == 1
    assert calls.count("AssociateSoftwareToken") == 1
    assert calls.count("VerifySoftwareToken") == 1
    assert calls.count("SetUserMFAPreference") == 1


async def test_code_of_the_wrong_length_says_so_and_stays(
    optional_settings: Settings, sms_user: PoolUser
) -> None:
    calls = CognitoCalls()
    app = TotpApp(optional_settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        screen = await reach_code_screen(pilot, sms_user)
        answers_before = calls.count("RespondToAuthChallenge")  # SRP's own answer

        burst(pilot, "12345\r")
        await pilot.pause()
        assert app.screen is screen
        assert shows(app, "Type the code Cognito sent by SMS (6 to 8 digits).")
        assert status_kind(app) == "-error"
        assert focused_id(app) == "code"
        # Nine digits are too many, too.
        burst(pilot, "6789\r")
        await pilot.pause()
        assert app.screen is screen
        assert field(screen, "code").value == "123456789"
        assert shows(app, "6 to 8 digits")
        assert calls.count("RespondToAuthChallenge") == answers_before, "a bad code was sent"

        # The same field takes a good code after the errors (Ctrl+U clears it).
        burst(pilot, f"\x15{ANY_SMS_CODE}\r")
        await arrive(pilot, MoveOfferScreen)


async def test_ctrl_r_on_the_code_screen_goes_back_to_sign_in_for_a_new_code(
    optional_settings: Settings, sms_user: PoolUser
) -> None:
    calls = CognitoCalls()
    app = TotpApp(optional_settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        await reach_code_screen(pilot, sms_user)
        burst(pilot, "12\x12")  # half a code, then Ctrl+R
        sign_in = await arrive(pilot, SignInScreen)
        assert shows(app, "Sign in again: Cognito sends a new code by SMS each time.")
        assert field(sign_in, "username").value == sms_user.username
        assert field(sign_in, "password").value == ""
        assert focused_id(app) == "password"  # the first empty field

        # The username is there: the password and Enter sign in again, and a new code comes.
        burst(pilot, f"{sms_user.password}\r")
        screen = await arrive(pilot, OtherCodeScreen)
        assert field(screen, "code").value == "", "the half code came back"
        assert calls.count("InitiateAuth") == 2
        burst(pilot, f"{ANY_SMS_CODE}\r")
        await arrive(pilot, MoveOfferScreen)


@pytest.mark.parametrize("key", ["escape", "q"])
async def test_not_now_or_back_on_the_move_offer_changes_nothing(
    local_cognito: LocalCognito,
    optional_pool: DemoPool,
    optional_settings: Settings,
    sms_user: PoolUser,
    key: str,
) -> None:
    """q is "Not now" (the app ends); Escape is back, as everywhere: an empty sign-in."""
    calls = CognitoCalls()
    app = TotpApp(optional_settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        await reach_code_screen(pilot, sms_user)
        burst(pilot, f"{ANY_SMS_CODE}\r")
        await arrive(pilot, MoveOfferScreen)
        assert shows(app, "Not now")
        keys_at_once(pilot, key)
        if key == "q":
            await until(pilot, lambda: not app.is_running, "the app to end")
        else:
            sign_in = await arrive(pilot, SignInScreen)
            assert is_empty(field(sign_in, "password"))
            assert app.wizard.attempt.flow is None, "the signed-in flow outlived the screen"
    assert app.return_code in (0, None)
    assert calls.count("AssociateSoftwareToken") == 0
    assert calls.count("SetUserMFAPreference") == 0
    assert mfa_settings(local_cognito, optional_pool, sms_user.username) == ([SMS], SMS)


# --- A late answer: the person left while the code was checked -------------------------------


class TokenCalls(FinishedCalls):
    """FinishedCalls that also keeps, hidden, every access token Cognito's answers carried."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: list[Hidden] = []

    def _came_back(self, model: Any, parsed: Any = None, **kwargs: Any) -> None:
        if isinstance(parsed, dict):
            token = (parsed.get("AuthenticationResult") or {}).get("AccessToken")
            if token:
                self.tokens.append(Hidden(token))
        super()._came_back(model, parsed=parsed, **kwargs)


async def test_code_answered_after_the_person_left_is_dropped(
    local_cognito: LocalCognito,
    optional_pool: DemoPool,
    optional_settings: Settings,
    sms_user: PoolUser,
) -> None:
    """Ctrl+R (a new code) does nothing while the code is being checked: the person can only
    leave then as the kiosk's "Next person" (Escape). The answer that comes afterwards signs
    the person in; it must leave nothing: no move offer, no token kept in the app."""
    calls = TokenCalls()
    app = TotpApp(optional_settings, client_factory=calls, kiosk=Kiosk(idle_seconds=120))
    async with app.run_test(size=SIZE) as pilot:
        screen = await reach_code_screen(pilot, sms_user)
        reached, release = calls.hold_when_reached("RespondToAuthChallenge")
        try:
            burst(pilot, f"{ANY_SMS_CODE}\r")
            await until(pilot, reached.is_set, "the worker to send the code")
            await until(pilot, lambda: shows(app, "Checking the code"), '"Checking the code…"')

            keys_at_once(pilot, "ctrl+r")  # a new code: not while this one is checked
            await pilot.pause(0.1)
            assert app.screen is screen, "Ctrl+R left the code screen mid-request"
            assert shows(app, "Checking the code")

            keys_at_once(pilot, "escape")  # the kiosk's "Next person"
            await until(
                pilot,
                lambda: (
                    isinstance(app.screen, SignInScreen)
                    and not any(f.value for f in app.screen.query(Input))
                ),
                "an empty sign-in",
            )
            back_at = app.screen
            assert calls.returned("RespondToAuthChallenge") == 1, "answered before Escape"
        finally:
            release.set()  # the answer to the code comes back, late
        await until(
            pilot,
            lambda: (
                calls.returned("RespondToAuthChallenge") == 2
                and all(worker.is_finished for worker in app.workers)
            ),
            "the late answer",
        )
        await pilot.pause(0.3)

        # The late answer was real: Cognito signed the person in.
        assert len(calls.tokens) == 1
        # It was dropped: no move offer, the same empty sign-in, nobody named on it.
        assert app.screen is back_at, f"the app went on to {type(app.screen).__name__}"
        assert not any(f.value for f in app.screen.query(Input))
        assert sms_user.username not in screen_cells(app).text()
        # Nothing in the app holds the access token (the test's own Hidden is the 1).
        kept = held_in_memory(calls.tokens[0].value)[0]
        assert kept <= 1, f"the app holds the late access token in {kept - 1} places"
    assert calls.count("AssociateSoftwareToken") == 0
    assert mfa_settings(local_cognito, optional_pool, sms_user.username) == ([SMS], SMS)


# --- SELECT_MFA_TYPE without the app: botocore's Stubber -------------------------------------

STUB_SETTINGS = Settings(
    region="eu-west-2",
    user_pool_id="eu-west-2_AbCdEf123",
    client_id="1example23456789abcdefghij",
    auth_flow="USER_PASSWORD_AUTH",
    endpoint_url="http://127.0.0.1:9",  # never contacted: the Stubber answers first
    save=False,
)
STUB_NAME = "alice"
STUB_PASSWORD = "fake-Password-1"  # example values: the Stubber's messages may show them
STUB_TOKEN = "fake-access-token-" + "x" * 20
MASKED_EMAIL = "a***@e***"


def session(n: int) -> str:
    return f"fake-session-{n:02d}-" + "x" * 20


async def test_choosing_email_among_the_offered_factors_then_moving_to_the_app() -> None:
    client = make_client(STUB_SETTINGS)
    stub = Stubber(client)
    client_id = STUB_SETTINGS.client_id
    stub.add_response(
        "initiate_auth",
        {
            "ChallengeName": "SELECT_MFA_TYPE",
            "Session": session(1),
            "ChallengeParameters": {
                "USER_ID_FOR_SRP": STUB_NAME,
                "MFAS_CAN_CHOOSE": '["SMS_MFA","EMAIL_OTP"]',
            },
        },
        {
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": client_id,
            "AuthParameters": {"USERNAME": STUB_NAME, "PASSWORD": STUB_PASSWORD},
        },
    )
    stub.add_response(
        "respond_to_auth_challenge",
        {
            "ChallengeName": "EMAIL_OTP",
            "Session": session(2),
            "ChallengeParameters": {
                "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
                "CODE_DELIVERY_DESTINATION": MASKED_EMAIL,
            },
        },
        {
            "ClientId": client_id,
            "ChallengeName": "SELECT_MFA_TYPE",
            "Session": session(1),
            "ChallengeResponses": {"USERNAME": STUB_NAME, "ANSWER": "EMAIL_OTP"},
        },
    )
    stub.add_response(
        "respond_to_auth_challenge",
        {"AuthenticationResult": {"AccessToken": STUB_TOKEN, "ExpiresIn": 3600}},
        {
            "ClientId": client_id,
            "ChallengeName": "EMAIL_OTP",
            "Session": session(2),
            "ChallengeResponses": {"USERNAME": STUB_NAME, "EMAIL_OTP_CODE": "12345678"},
        },
    )
    stub.add_response(
        "associate_software_token", {"SecretCode": PUBLIC_TEST_SECRET}, {"AccessToken": STUB_TOKEN}
    )
    stub.add_response("verify_software_token", {"Status": "SUCCESS"})
    stub.add_response(
        "set_user_mfa_preference",
        {},
        {
            "AccessToken": STUB_TOKEN,
            "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True},
            "EmailMfaSettings": {"Enabled": True, "PreferredMfa": False},
        },
    )
    with stub:
        app = TotpApp(STUB_SETTINGS, client_factory=lambda _: client)
        async with app.run_test(size=SIZE) as pilot:
            await arrive(pilot, SignInScreen)
            burst(pilot, f"{STUB_NAME}\t{STUB_PASSWORD}\r")
            choice = await arrive(pilot, FactorChoiceScreen)
            assert choice.query_one("#factor-card").border_title == "How to get the code"
            assert shows(app, "A code by text message (SMS)")
            assert shows(app, "A code by email")
            assert shows(app, "Choose")  # the footer names Enter
            assert focused_id(app) == "choices"

            keys_at_once(pilot, "down", "enter")
            code = await arrive(pilot, OtherCodeScreen)
            assert code.query_one("#other-code-card").border_title == "Code by email"
            assert shows(app, f"Cognito has sent one by email to {MASKED_EMAIL}.")
            assert shows(app, "Code from the email")
            assert not shows(app, "text message")

            burst(pilot, "1234 5678\r")  # email codes may have 8 digits
            await arrive(pilot, MoveOfferScreen)
            assert shows(app, f"{STUB_NAME} is signed in with a code by email")
            assert shows(app, "Set up the app, and keep email codes as a second option")

            keys_at_once(pilot, "enter")  # keep: the highlighted choice
            await arrive(pilot, EnrolScreen)
            burst(pilot, f"{code_now(PUBLIC_TEST_SECRET)}\r")
            await arrive(pilot, DoneScreen)
            assert shows(app, "instead of sending one by email")
            assert shows(app, "Email codes stay on as a second option")
        stub.assert_no_pending_responses()
