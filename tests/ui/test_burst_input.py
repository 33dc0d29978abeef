"""Every form takes its whole input in one burst, as a password manager's auto-type, a paste
or an SSH link hands it over: `text Tab text Enter` with no wait between the keys.

Pilot's press() waits until the app is idle after every key; `burst` does not (it queues
every key at once, as one read from the terminal does). The real process under tmux gets
the same bursts in tests/test_burst_input.py, also with every core busy.

The sign-in uses USER_PASSWORD_AUTH: the local Cognito checks that password (its SRP takes
any), so a password that lost or gained a character fails here as it would on AWS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.stub import Stubber
from textual.widgets import Input

from tests.conftest import PoolUser, make_user, settings_for
from tests.support.accounts import access_token_for, enrol_outside_the_app
from tests.support.cognito_calls import CognitoCalls, DeviceNames
from tests.support.keyring_backends import MemoryKeyring
from tests.support.totp_clock import code_now, wait_for_safe_window
from tests.support.ui_driving import PUBLIC_TEST_SECRET, burst
from tests.support.wizard_steps import Hidden, arrive, field, paste, shown_key, shows
from tests.ui.conftest import SIZE
from totp_tui.cognito.client import make_client
from totp_tui.config.settings import Settings
from totp_tui.demo.local_cognito import DemoPool, LocalCognito
from totp_tui.profiles import ProfileStore
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.code_required import CodeRequiredScreen
from totp_tui.ui.screens.done import DoneScreen
from totp_tui.ui.screens.enrol import EnrolScreen
from totp_tui.ui.screens.new_password import NewPasswordScreen
from totp_tui.ui.screens.offer import OfferScreen
from totp_tui.ui.screens.profiles import ProfilesScreen
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.screens.sign_in_check import SignInCheckScreen

# A password with the characters auto-type meets: shifted symbols, and no Tab of its own.
SYMBOLS = "!#%&*+-=?@^_~"


@pytest.fixture
def password_settings(local_cognito: LocalCognito, pool: DemoPool) -> Settings:
    return settings_for(local_cognito, pool, auth_flow="USER_PASSWORD_AUTH")


@pytest.fixture
def safe_window() -> Iterator[None]:
    """A code typed now is still the current one when the app sends it."""
    wait_for_safe_window()
    yield


def typed_into(app: TotpApp) -> dict[str, str]:
    """Each field's id and what it holds (for comparisons only; never printed)."""
    return {str(f.id): f.value for f in app.screen.query(Input)}


async def until(pilot: Any, condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Let the app run until `condition()` holds (or `seconds` pass: the caller asserts)."""
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)


async def reach_enrol_in_bursts(app: TotpApp, pilot: Any, user: PoolUser) -> EnrolScreen:
    await arrive(pilot, SignInScreen)
    burst(pilot, f"{user.username}\t{user.password}\r")
    await arrive(pilot, NewPasswordScreen)
    burst(pilot, f"{user.new_password}\t{user.new_password}\r")
    return await arrive(pilot, EnrolScreen)


# --- Sign-in and new password -------------------------------------------------------------------


async def test_sign_in_and_new_password_each_in_one_burst(
    password_settings: Settings, user: PoolUser, calls: CognitoCalls, host: str
) -> None:
    app = TotpApp(password_settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        await arrive(pilot, SignInScreen)
        burst(pilot, f"{user.username}\t{user.password}\r")
        screen = await arrive(pilot, NewPasswordScreen)
        assert not shows(app, "Type your username"), "the burst's username was lost"
        burst(pilot, f"{user.new_password}\t{user.new_password}\r")
        await arrive(pilot, EnrolScreen)
        assert screen is not app.screen
    assert calls.count("InitiateAuth") == 1, "the sign-in was sent more or less than once"


async def test_a_password_with_symbols_arrives_whole(
    local_cognito: LocalCognito, pool: DemoPool, password_settings: Settings
) -> None:
    user = make_user(local_cognito, pool)
    new_password = f"Aa1{SYMBOLS}{user.new_password}"
    app = TotpApp(password_settings)
    async with app.run_test(size=SIZE) as pilot:
        await arrive(pilot, SignInScreen)
        burst(pilot, f"{user.username}\t{user.password}\r")
        await arrive(pilot, NewPasswordScreen)
        burst(pilot, f"{new_password}\t{new_password}\r")
        await arrive(pilot, EnrolScreen)
    # The local Cognito took the new password as typed: signing in with it works (a wrong
    # password raises NotAuthorizedException). Only a yes/no: the answer holds tokens.
    answer = local_cognito.admin_client(pool.region).initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": new_password},
    )
    signed_in = "AuthenticationResult" in answer or "ChallengeName" in answer
    del answer
    assert signed_in


async def test_a_pasted_password_then_enter(password_settings: Settings, user: PoolUser) -> None:
    app = TotpApp(password_settings)
    async with app.run_test(size=SIZE) as pilot:
        await arrive(pilot, SignInScreen)
        burst(pilot, f"{user.username}\t")
        await paste(pilot, user.password)  # a bracketed paste, then Enter at once
        burst(pilot, "\r")
        await arrive(pilot, NewPasswordScreen)


async def test_new_password_with_a_required_attribute_in_one_burst(
    local_cognito: LocalCognito, pool: DemoPool, password_settings: Settings
) -> None:
    """The local Cognito never asks for attributes: Stubber answers as AWS does, and checks
    the requests the burst produced against the API model and the values typed."""
    client = make_client(password_settings)
    user = PoolUser("jane.doe", password="Tmp-Burst-1234!", new_password="New-Burst-5678?")
    session = "s" * 40
    with Stubber(client) as stubber:
        stubber.add_response(
            "initiate_auth",
            {
                "ChallengeName": "NEW_PASSWORD_REQUIRED",
                "Session": session,
                "ChallengeParameters": {
                    "USER_ID_FOR_SRP": user.username,
                    "requiredAttributes": '["userAttributes.family_name"]',
                },
            },
            {
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": pool.client_id,
                "AuthParameters": {"USERNAME": user.username, "PASSWORD": user.password},
            },
        )
        stubber.add_response(
            "respond_to_auth_challenge",
            {
                "ChallengeName": "MFA_SETUP",
                "Session": session,
                "ChallengeParameters": {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]'},
            },
            {
                "ClientId": pool.client_id,
                "ChallengeName": "NEW_PASSWORD_REQUIRED",
                "Session": session,
                "ChallengeResponses": {
                    "USERNAME": user.username,
                    "NEW_PASSWORD": user.new_password,
                    "userAttributes.family_name": "Doe-Smith",
                },
            },
        )
        stubber.add_response(
            "associate_software_token",
            {"SecretCode": PUBLIC_TEST_SECRET, "Session": session},
            {"Session": session},
        )
        app = TotpApp(password_settings, client_factory=lambda _: client)
        async with app.run_test(size=SIZE) as pilot:
            await arrive(pilot, SignInScreen)
            burst(pilot, f"{user.username}\t{user.password}\r")
            await arrive(pilot, NewPasswordScreen)
            burst(pilot, f"{user.new_password}\t{user.new_password}\tDoe-Smith\r")
            await arrive(pilot, EnrolScreen)
        stubber.assert_no_pending_responses()


# --- The code ----------------------------------------------------------------------------------


@pytest.mark.parametrize("spaced", [False, True], ids=["123456", "123 456"])
async def test_the_code_in_one_burst(
    password_settings: Settings, user: PoolUser, spaced: bool, safe_window: None, host: str
) -> None:
    app = TotpApp(password_settings)
    async with app.run_test(size=SIZE) as pilot:
        key = shown_key(await reach_enrol_in_bursts(app, pilot, user))
        code = code_now(key.value)
        burst(pilot, f"{code[:3]} {code[3:]}\r" if spaced else f"{code}\r")
        await arrive(pilot, DoneScreen)


@pytest.mark.parametrize("pasted", ["123 456", "123456\n"])
async def test_a_pasted_code_then_enter(
    password_settings: Settings, user: PoolUser, pasted: str, safe_window: None
) -> None:
    app = TotpApp(password_settings)
    async with app.run_test(size=SIZE) as pilot:
        key = shown_key(await reach_enrol_in_bursts(app, pilot, user))
        code = code_now(key.value)
        await paste(pilot, pasted.replace("123", code[:3], 1).replace("456", code[3:], 1))
        burst(pilot, "\r")
        await arrive(pilot, DoneScreen)


async def test_the_code_then_the_device_name_in_one_burst(
    password_settings: Settings, user: PoolUser, safe_window: None
) -> None:
    calls = DeviceNames()
    app = TotpApp(password_settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        key = shown_key(await reach_enrol_in_bursts(app, pilot, user))
        # "z" too: in the code field it zooms the QR; in the device name it is a letter.
        burst(pilot, f"{code_now(key.value)}\tzoe's phone\r")
        await arrive(pilot, DoneScreen)
    assert calls.device_names == ["zoe's phone"]


# --- Other ways in -------------------------------------------------------------------------------


async def test_an_access_token_typed_in_one_burst(
    local_cognito: LocalCognito,
    optional_pool: DemoPool,
    optional_user: PoolUser,
    optional_settings: Settings,
    safe_window: None,
) -> None:
    token = access_token_for(local_cognito, optional_pool, optional_user)
    app = TotpApp(optional_settings)
    async with app.run_test(size=SIZE) as pilot:
        await arrive(pilot, SignInScreen)
        # Ctrl+O, and the token at once: it waits for the access-token screen.
        burst(pilot, f"\x0f{token.value}\r")
        enrol = await arrive(pilot, EnrolScreen)
        burst(pilot, f"{code_now(shown_key(enrol).value)}\r")
        await arrive(pilot, DoneScreen)


async def test_the_current_code_and_the_test_sign_in_in_bursts(
    local_cognito: LocalCognito, pool: DemoPool, password_settings: Settings, safe_window: None
) -> None:
    """An enrolled account: the code from the current app in one burst; then, after a
    replacement, the test sign-in's password and code in one burst."""
    user = make_user(local_cognito, pool)
    enrol_outside_the_app(local_cognito, pool, user)
    secret = Hidden(_secret_of(local_cognito, pool, user))
    app = TotpApp(password_settings)
    async with app.run_test(size=SIZE) as pilot:
        await arrive(pilot, SignInScreen)
        burst(pilot, f"{user.username}\t{user.new_password}\r")
        await arrive(pilot, CodeRequiredScreen)
        burst(pilot, f"{code_now(secret.value)}\r")
        await arrive(pilot, OfferScreen)
        burst(pilot, "\r")
        enrol = await arrive(pilot, EnrolScreen)
        new_key = shown_key(enrol)
        burst(pilot, f"{code_now(new_key.value)}\r")
        await arrive(pilot, DoneScreen)
        burst(pilot, "\x12")  # Ctrl+R
        await pilot.pause()
        check = await arrive(pilot, SignInCheckScreen)
        burst(pilot, f"{user.new_password}\t{code_now(new_key.value)}\r")
        # Generous: on a loaded host (the other test worker's CPU burners) a sign-in of the
        # in-process local Cognito has taken several seconds.
        await until(pilot, lambda: not check.in_flight and shows(app, "It works"), seconds=30)
        status = str(check.status.content)  # a message, never a secret: safe to show
        assert shows(
            app, "It works: Cognito asked for a code and accepted the one from your app."
        ), f"the test sign-in did not pass: in flight {check.in_flight}, status {status!r}"


def _secret_of(local_cognito: LocalCognito, pool: DemoPool, user: PoolUser) -> str:
    from totp_tui.demo.local_cognito import active_secret

    secret = active_secret(pool.user_pool_id, user.username)
    assert secret is not None, "the local Cognito issued no key"
    return secret


# --- The profile form -----------------------------------------------------------------------------


ENDINGS = {
    "enter-early": "\r",
    # Over the region and the sign-in flow's drop-down to the issuer; Enter there.
    "tab-to-issuer": "\t\t\t\r",
    # The region typed too, Tab down the form to the client secret (its last field), the
    # secret, then Ctrl+S (the footer's Save).
    "ctrl-s": "\teu-west-2" + "\t" * 8 + "not-a-real-secret\x13",
}


@pytest.mark.parametrize("ending", list(ENDINGS))
async def test_a_profile_typed_in_one_burst(ending: str, host: str) -> None:
    """New, then name, pool and client id in one burst, and one of the ENDINGS: saved as
    typed."""
    store = ProfileStore(MemoryKeyring())
    app = TotpApp(None, store_factory=lambda: store)
    async with app.run_test(size=SIZE) as pilot:
        profiles = await arrive(pilot, ProfilesScreen)
        await pilot.pause()
        # n (New) and the form at once. The name starts with d and e, which are Delete and
        # Edit on the list: they must reach the form's name field, not the list.
        burst(pilot, f"ndev-eu\teu-west-2_AbC123\tclient26characterslong0123{ENDINGS[ending]}")
        # Saved, and back on a new list that shows it.
        await until(pilot, lambda: shows(app, "dev-eu  (eu-west-2_AbC123)"))
        assert isinstance(app.screen, ProfilesScreen) and app.screen is not profiles
    saved = store.load("dev-eu")
    assert (saved.user_pool_id, saved.client_id, saved.region) == (
        "eu-west-2_AbC123",
        "client26characterslong0123",
        "eu-west-2",
    )
    assert saved.issuer == "AWSCognito"
    has_secret = store.get_client_secret("dev-eu") == "not-a-real-secret"
    assert has_secret is (ending == "ctrl-s")


# --- Nothing goes to the wrong field -------------------------------------------------------------


async def test_a_burst_into_the_password_field_leaves_the_username_alone(
    password_settings: Settings, user: PoolUser
) -> None:
    """Only the username is typed, then Tab and a wrong password: the form shows the error
    with the username intact and nothing of the password in it."""
    app = TotpApp(password_settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await arrive(pilot, SignInScreen)
        burst(pilot, f"{user.username}\twrong-{user.password}\r")
        await until(pilot, lambda: not screen.in_flight and shows(app, "Incorrect username"))
        assert shows(app, "Incorrect username or password")
        # Booleans only: a failing comparison would print what the fields hold.
        username_intact = field(screen, "username").value == user.username
        password_cleared = typed_into(app)["password"] == ""
        assert username_intact, "the username field changed"
        assert password_cleared, "the password field was not cleared"
