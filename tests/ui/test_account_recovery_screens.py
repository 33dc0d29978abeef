"""The ways back to a sign-in, as a person meets them: Forgot password from the sign-in (a
code by email, a new password, and on into the sign-in it leads to), a password reset an
administrator forced, and the confirmation of a self-service sign-up.

Against the local Cognito over HTTP where it can: ForgotPassword says where the code went,
ConfirmForgotPassword takes any code not of its own "moto-confirmation-code:" form, SignUp
leaves a user UNCONFIRMED and ConfirmSignUp takes any code; only USER_PASSWORD_AUTH checks
passwords there. What it never does (PasswordResetRequiredException, ResendConfirmationCode)
is botocore's Stubber on the app's own client. Forms are typed in one burst.

Nothing here prints a password, Session or token: comparisons of them are made into
booleans before an assertion.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from botocore.stub import Stubber
from textual.pilot import Pilot

from tests.conftest import PoolUser, settings_for
from tests.support.cognito_calls import CognitoCalls
from tests.support.screen_reading import decode_qr
from tests.support.ui_driving import burst, keys_at_once
from tests.support.wizard_steps import (
    arrive,
    field,
    focused_id,
    idle,
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
from totp_tui.ui.screens.confirm_sign_up import ConfirmSignUpScreen
from totp_tui.ui.screens.enrol import EnrolScreen
from totp_tui.ui.screens.offer import OfferScreen
from totp_tui.ui.screens.password_reset import PasswordResetScreen
from totp_tui.ui.screens.sign_in import SignInScreen

EMAIL = "alice@example.com"
MASKED_EMAIL = "a***@e***"  # as the local Cognito masks EMAIL for a verified_email pool
ANY_CODE = "123456"
INCORRECT = "Incorrect username or password."
SIGNED_IN_WITHOUT_MFA = "Signed in without MFA"


# --- Pools, users and helpers ------------------------------------------------------------------


def recovery_pool(local_cognito: LocalCognito, mfa: str) -> DemoPool:
    """A pool whose passwords are recovered by verified email, MFA `mfa`, TOTP on."""
    admin = local_cognito.admin_client()
    pool = admin.create_user_pool(
        PoolName="totp-tui-recovery",
        MfaConfiguration="OFF",
        AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
    )["UserPool"]
    admin.set_user_pool_mfa_config(
        UserPoolId=pool["Id"],
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration=mfa,
    )
    client = admin.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="totp-tui",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]
    return DemoPool(admin.meta.region_name, pool["Id"], client["ClientId"])


@pytest.fixture(scope="module")
def optional_recovery_pool(local_cognito: LocalCognito) -> DemoPool:
    return recovery_pool(local_cognito, "OPTIONAL")


@pytest.fixture(scope="module")
def required_recovery_pool(local_cognito: LocalCognito) -> DemoPool:
    return recovery_pool(local_cognito, "ON")


def confirmed_user(local_cognito: LocalCognito, pool: DemoPool) -> PoolUser:
    """A confirmed user with a verified email and a permanent password (`password`); the
    password they will choose in the reset is `new_password`."""
    user = PoolUser(f"user{secrets.token_hex(4)}", temporary_password(), temporary_password())
    admin = local_cognito.admin_client(pool.region)
    admin.admin_create_user(
        UserPoolId=pool.user_pool_id,
        Username=user.username,
        TemporaryPassword=user.password,
        UserAttributes=[
            {"Name": "email", "Value": EMAIL},
            {"Name": "email_verified", "Value": "true"},
        ],
        MessageAction="SUPPRESS",
    )
    admin.admin_set_user_password(
        UserPoolId=pool.user_pool_id, Username=user.username, Password=user.password, Permanent=True
    )
    return user


async def reach_reset(pilot: Pilot[None], username: str) -> PasswordResetScreen:
    """The sign-in's Forgot password (Ctrl+R) with the username typed."""
    await arrive(pilot, SignInScreen)
    burst(pilot, f"{username}\x12")
    return await arrive(pilot, PasswordResetScreen)


# --- Forgot password from the sign-in ----------------------------------------------------------


async def test_forgot_password_needs_the_username_then_opens_the_reset(
    local_cognito: LocalCognito, optional_recovery_pool: DemoPool
) -> None:
    user = confirmed_user(local_cognito, optional_recovery_pool)
    calls = CognitoCalls()
    app = TotpApp(settings_for(local_cognito, optional_recovery_pool), client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        sign_in = await arrive(pilot, SignInScreen)
        assert shows(app, "Forgot password")  # the footer names Ctrl+R
        burst(pilot, "\x12")
        await pilot.pause()
        assert app.screen is sign_in
        assert shows(app, "Type your username, then press Ctrl+R to reset the password.")
        assert status_kind(app) == "-error"
        assert focused_id(app) == "username"

        burst(pilot, f"{user.username}\x12")
        reset = await arrive(pilot, PasswordResetScreen)
        assert reset.query_one("#reset-card").border_title == "Reset password"
        assert shows(app, f"Ctrl+R sends a code to the email or phone of {user.username}")
        assert focused_id(app) == "code"
        assert shows(app, "Send a code")  # the footer names Ctrl+R here too
    # Opening the screen sends nothing: a code comes on Ctrl+R only.
    assert calls.count("ForgotPassword") == 0


async def test_ctrl_r_sends_a_reset_code_and_says_where_it_went(
    local_cognito: LocalCognito, optional_recovery_pool: DemoPool
) -> None:
    user = confirmed_user(local_cognito, optional_recovery_pool)
    calls = CognitoCalls()
    app = TotpApp(settings_for(local_cognito, optional_recovery_pool), client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        reset = await reach_reset(pilot, user.username)
        burst(pilot, "\x12")
        await idle(pilot)
        assert app.screen is reset
        assert shows(app, f"Cognito sent a code by email to {MASKED_EMAIL}. Type it here.")
        assert status_kind(app) == "-ok"
        assert EMAIL not in screen_cells(app).text()  # masked, as Cognito sends it
        assert focused_id(app) == "code"
    assert calls.count("ForgotPassword") == 1


async def test_new_passwords_that_differ_are_not_sent(
    local_cognito: LocalCognito, optional_recovery_pool: DemoPool
) -> None:
    user = confirmed_user(local_cognito, optional_recovery_pool)
    calls = CognitoCalls()
    app = TotpApp(settings_for(local_cognito, optional_recovery_pool), client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        reset = await reach_reset(pilot, user.username)
        burst(pilot, f"{ANY_CODE}\t{user.new_password}\t{user.new_password}x\r")
        await pilot.pause()
        assert app.screen is reset
        assert shows(app, "The two passwords differ. Type them again.")
        assert status_kind(app) == "-error"
        assert field(reset, "confirm-password").value == "", "the wrong confirmation stays"
        assert focused_id(app) == "confirm-password"
        assert calls.count("ConfirmForgotPassword") == 0
        assert calls.count("InitiateAuth") == 0


async def test_escape_from_the_reset_goes_back_to_sign_in_with_the_username(
    local_cognito: LocalCognito, optional_recovery_pool: DemoPool
) -> None:
    settings = settings_for(local_cognito, optional_recovery_pool)
    app = TotpApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        await reach_reset(pilot, "bob")
        burst(pilot, "12")
        keys_at_once(pilot, "escape")
        sign_in = await arrive(pilot, SignInScreen)
        assert field(sign_in, "username").value == "bob"
        assert field(sign_in, "password").value == ""
        assert focused_id(app) == "password"  # the first empty field


async def test_reset_signs_in_with_the_new_password_and_the_old_one_stops_working(
    local_cognito: LocalCognito, optional_recovery_pool: DemoPool
) -> None:
    """The password flow, which the local Cognito checks: after the reset the wizard signs
    in with the new password at once (MFA is optional here: the offer to set up the app),
    and a later sign-in with the old one is refused."""
    user = confirmed_user(local_cognito, optional_recovery_pool)
    settings = settings_for(local_cognito, optional_recovery_pool, auth_flow="USER_PASSWORD_AUTH")
    calls = CognitoCalls()
    app = TotpApp(settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        await reach_reset(pilot, user.username)
        burst(pilot, "\x12")  # a code by email
        await idle(pilot)
        burst(pilot, f"{ANY_CODE}\t{user.new_password}\t{user.new_password}\r")
        offer = await arrive(pilot, OfferScreen)
        assert offer.query_one("#offer-card").border_title == SIGNED_IN_WITHOUT_MFA
        assert shows(app, f"{user.username} signed in without being asked for a second factor")
        burst(pilot, "q")  # done: not now (Escape would be back, to the sign-in)
        await until(pilot, lambda: not app.is_running, "the app to end")
    assert calls.count("ConfirmForgotPassword") == 1
    assert calls.count("InitiateAuth") == 1  # the sign-in with the new password, no other

    again = TotpApp(settings)
    async with again.run_test(size=SIZE) as pilot:
        sign_in = await arrive(pilot, SignInScreen)
        burst(pilot, f"{user.username}\t{user.password}\r")  # the old password
        await idle(pilot)
        assert again.screen is sign_in
        assert shows(again, INCORRECT)
        assert field(sign_in, "password").value == ""
        burst(pilot, f"{user.new_password}\r")
        offer = await arrive(pilot, OfferScreen)
        assert offer.query_one("#offer-card").border_title == SIGNED_IN_WITHOUT_MFA


async def test_reset_on_a_pool_that_requires_mfa_leads_on_to_the_enrol_screen(
    local_cognito: LocalCognito, required_recovery_pool: DemoPool
) -> None:
    """SRP, the default flow, on a pool where MFA is required and the user has none: the
    sign-in after the reset meets MFA_SETUP, and the QR code for the new app comes next."""
    user = confirmed_user(local_cognito, required_recovery_pool)
    app = TotpApp(settings_for(local_cognito, required_recovery_pool))
    async with app.run_test(size=SIZE) as pilot:
        await reach_reset(pilot, user.username)
        burst(pilot, f"{ANY_CODE}\t{user.new_password}\t{user.new_password}\r")
        enrol = await arrive(pilot, EnrolScreen)
        key = shown_key(enrol)
        uris = decode_qr(screen_cells(app))
        assert len(uris) == 1, f"{len(uris)} QR codes read"
        read = parse_key_uri(uris[0])
        carries = read.account == user.username and read.secret == key.value
        assert carries, "the QR code does not carry the account and the key shown"
        assert shows(app, "Session ends in")  # an MFA_SETUP Session runs out
    # The new password is the one Cognito now holds (the password flow checks it).
    check = settings_for(local_cognito, required_recovery_pool, auth_flow="USER_PASSWORD_AUTH")
    client = make_client(check)
    for password, works in ((user.new_password, True), (user.password, False)):
        try:
            client.initiate_auth(
                ClientId=required_recovery_pool.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": user.username, "PASSWORD": password},
            )
            signed_in = True
        except client.exceptions.NotAuthorizedException:
            signed_in = False
        assert signed_in is works, "the new password" if works else "the old password"


# --- Confirming a self-service sign-up ----------------------------------------------------------


async def test_unconfirmed_sign_up_is_confirmed_and_then_signs_in(
    local_cognito: LocalCognito, optional_recovery_pool: DemoPool
) -> None:
    pool = optional_recovery_pool
    username, password = f"new{secrets.token_hex(4)}", temporary_password()
    local_cognito.admin_client(pool.region).sign_up(
        ClientId=pool.client_id,
        Username=username,
        Password=password,
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
    )
    calls = CognitoCalls()
    app = TotpApp(settings_for(local_cognito, pool), client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        await arrive(pilot, SignInScreen)
        burst(pilot, f"{username}\t{password}\r")
        confirm = await arrive(pilot, ConfirmSignUpScreen)
        assert confirm.query_one("#confirm-card").border_title == "Confirm the account"
        assert shows(app, "This account is not confirmed yet: type the code from the sign-up")
        assert shows(app, f"The code came with the sign-up of {username}.")
        assert focused_id(app) == "code"

        burst(pilot, "12\r")  # too short: not sent
        await pilot.pause()
        assert app.screen is confirm
        assert shows(app, "Type the code from the sign-up message (6 to 8 digits).")
        assert calls.count("ConfirmSignUp") == 0

        burst(pilot, f"\x15{ANY_CODE}\r")
        sign_in = await arrive(pilot, SignInScreen)
        assert shows(app, f"{username} is confirmed. Sign in with your password to set up the app.")
        assert status_kind(app) == "-ok", "the good news is shown as an error"
        assert field(sign_in, "username").value == username
        assert field(sign_in, "password").value == ""
        assert focused_id(app) == "password"  # the first empty field

        burst(pilot, f"{password}\r")
        offer = await arrive(pilot, OfferScreen)
        assert offer.query_one("#offer-card").border_title == SIGNED_IN_WITHOUT_MFA
    assert calls.count("ConfirmSignUp") == 1
    status = local_cognito.admin_client(pool.region).admin_get_user(
        UserPoolId=pool.user_pool_id, Username=username
    )["UserStatus"]
    assert status == "CONFIRMED"


# --- What the local Cognito never does: botocore's Stubber ----------------------------------

STUB_SETTINGS = Settings(
    region="eu-west-2",
    user_pool_id="eu-west-2_AbCdEf123",
    client_id="1example23456789abcdefghij",
    auth_flow="USER_PASSWORD_AUTH",
    endpoint_url="http://127.0.0.1:9",  # never contacted: the Stubber answers first
    save=False,
)
NAME = "alice"
# Example values only: the Stubber's messages may show them.
OLD_PASSWORD = "fake-Password-1"
NEW_PASSWORD = "fake-New-Password-2"
SMS_DELIVERY = {
    "Destination": "+*******0123",
    "DeliveryMedium": "SMS",
    "AttributeName": "phone_number",
}


def sign_in_request(password: str) -> dict[str, Any]:
    return {
        "AuthFlow": "USER_PASSWORD_AUTH",
        "ClientId": STUB_SETTINGS.client_id,
        "AuthParameters": {"USERNAME": NAME, "PASSWORD": password},
    }


def refuse_sign_in(stub: Stubber, code: str, message: str) -> None:
    stub.add_client_error(
        "initiate_auth",
        service_error_code=code,
        service_message=message,
        http_status_code=400,
        expected_params=sign_in_request(OLD_PASSWORD),
    )


async def test_password_reset_required_leads_to_the_reset_and_on_into_sign_in() -> None:
    """An administrator reset the password (AdminResetUserPassword): Cognito refuses the
    sign-in with PasswordResetRequiredException and has already sent a code."""
    client = make_client(STUB_SETTINGS)
    stub = Stubber(client)
    refuse_sign_in(stub, "PasswordResetRequiredException", "Password reset required for the user")
    stub.add_response(
        "confirm_forgot_password",
        {},
        {
            "ClientId": STUB_SETTINGS.client_id,
            "Username": NAME,
            "ConfirmationCode": "654321",
            "Password": NEW_PASSWORD,
        },
    )
    stub.add_response(
        "initiate_auth",
        {"AuthenticationResult": {"AccessToken": "fake-access-token", "ExpiresIn": 3600}},
        sign_in_request(NEW_PASSWORD),
    )
    with stub:
        app = TotpApp(STUB_SETTINGS, client_factory=lambda _: client)
        async with app.run_test(size=SIZE) as pilot:
            await arrive(pilot, SignInScreen)
            burst(pilot, f"{NAME}\t{OLD_PASSWORD}\r")
            reset = await arrive(pilot, PasswordResetScreen)
            assert shows(app, "This account's password was reset by an administrator")
            assert shows(app, "if you have one already, type it")
            assert focused_id(app) == "code"
            assert field(reset, "new-password").value == "", "the old password was carried over"

            burst(pilot, f"654321\t{NEW_PASSWORD}\t{NEW_PASSWORD}\r")
            offer = await arrive(pilot, OfferScreen)
            assert offer.query_one("#offer-card").border_title == SIGNED_IN_WITHOUT_MFA
        stub.assert_no_pending_responses()


async def test_a_new_sign_up_code_says_where_it_went() -> None:
    client = make_client(STUB_SETTINGS)
    stub = Stubber(client)
    refuse_sign_in(stub, "UserNotConfirmedException", "User is not confirmed.")
    stub.add_response(
        "resend_confirmation_code",
        {"CodeDeliveryDetails": SMS_DELIVERY},
        {"ClientId": STUB_SETTINGS.client_id, "Username": NAME},
    )
    stub.add_response(
        "confirm_sign_up",
        {},
        {"ClientId": STUB_SETTINGS.client_id, "Username": NAME, "ConfirmationCode": "654321"},
    )
    with stub:
        app = TotpApp(STUB_SETTINGS, client_factory=lambda _: client)
        async with app.run_test(size=SIZE) as pilot:
            await arrive(pilot, SignInScreen)
            burst(pilot, f"{NAME}\t{OLD_PASSWORD}\r")
            confirm = await arrive(pilot, ConfirmSignUpScreen)
            burst(pilot, "\x12")
            await idle(pilot)
            assert app.screen is confirm
            assert shows(app, "Cognito sent a code by SMS to +*******0123. Type it here.")
            assert status_kind(app) == "-ok"

            burst(pilot, "654321\r")
            sign_in = await arrive(pilot, SignInScreen)
            assert shows(app, f"{NAME} is confirmed.")
            assert field(sign_in, "username").value == NAME
        stub.assert_no_pending_responses()


async def test_escape_from_the_confirmation_keeps_the_username() -> None:
    client = make_client(STUB_SETTINGS)
    stub = Stubber(client)
    refuse_sign_in(stub, "UserNotConfirmedException", "User is not confirmed.")
    with stub:
        app = TotpApp(STUB_SETTINGS, client_factory=lambda _: client)
        async with app.run_test(size=SIZE) as pilot:
            await arrive(pilot, SignInScreen)
            burst(pilot, f"{NAME}\t{OLD_PASSWORD}\r")
            await arrive(pilot, ConfirmSignUpScreen)
            keys_at_once(pilot, "escape")
            sign_in = await arrive(pilot, SignInScreen)
            assert field(sign_in, "username").value == NAME
            assert field(sign_in, "password").value == ""
        stub.assert_no_pending_responses()


async def test_a_wrong_reset_code_says_so_on_an_80x24_screen() -> None:
    """The longest reset screen (after an administrator's reset, its explanation on four
    rows) with the longest status (a wrong code, two rows): the whole message must be on
    the screen, with the form, in a terminal of 80x24."""
    client = make_client(STUB_SETTINGS)
    stub = Stubber(client)
    refuse_sign_in(stub, "PasswordResetRequiredException", "Password reset required for the user")
    stub.add_client_error(
        "confirm_forgot_password",
        service_error_code="CodeMismatchException",
        service_message="Invalid verification code provided, please try again.",
        http_status_code=400,
    )
    with stub:
        app = TotpApp(STUB_SETTINGS, client_factory=lambda _: client)
        async with app.run_test(size=SIZE) as pilot:
            await arrive(pilot, SignInScreen)
            burst(pilot, f"{NAME}\t{OLD_PASSWORD}\r")
            reset = await arrive(pilot, PasswordResetScreen)
            burst(pilot, f"654321\t{NEW_PASSWORD}\t{NEW_PASSWORD}\r")
            await idle(pilot)
            assert app.screen is reset
            assert shows(app, "That code is not right.")
            assert shows(app, "press Ctrl+R for a new one.")
            assert shows(app, "password was reset by an administrator")  # not scrolled away
        stub.assert_no_pending_responses()
