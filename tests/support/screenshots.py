"""`make screenshots`: SVGs of every screen at 80x24, from the real app against the local
Cognito, for the README. Run as `python -m tests.support.screenshots [OUTPUT_DIR]`."""

from __future__ import annotations

import asyncio
import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot

from tests.support.keyring_backends import MemoryKeyring
from tests.support.totp_clock import code_now
from tests.support.ui_driving import (
    PUBLIC_TEST_SECRET,
    burst,
    type_text,
    wait_for_screen,
    wait_until_idle,
)
from totp_tui.config.settings import Settings
from totp_tui.demo.local_cognito import (
    DEMO_USERNAME,
    DemoPool,
    LocalCognito,
    use_secret_source,
)
from totp_tui.profiles import Profile, ProfileStore
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.access_token import AccessTokenScreen
from totp_tui.ui.screens.code_required import CodeRequiredScreen
from totp_tui.ui.screens.confirm_sign_up import ConfirmSignUpScreen
from totp_tui.ui.screens.done import DoneScreen
from totp_tui.ui.screens.enrol import EnrolScreen
from totp_tui.ui.screens.factor_choice import FactorChoiceScreen
from totp_tui.ui.screens.move_offer import MoveOfferScreen
from totp_tui.ui.screens.new_password import NewPasswordScreen
from totp_tui.ui.screens.offer import OfferScreen
from totp_tui.ui.screens.other_code import OtherCodeScreen
from totp_tui.ui.screens.password_reset import PasswordResetScreen
from totp_tui.ui.screens.profile_form import ProfileFormScreen
from totp_tui.ui.screens.profiles import ProfilesScreen
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.screens.sign_in_check import SignInCheckScreen
from totp_tui.ui.start_options import DemoNotice

# Example values only: a local throwaway user.
EXAMPLE_PASSWORD = "Example-Temp-1"
EXAMPLE_NEW_PASSWORD = "Example-New-Passw0rd"
EXAMPLE_EMAIL = "demo@example.com"
SIZE = (80, 24)

Shot = Callable[[TotpApp, str], None]


def settings_for(server: LocalCognito, pool: DemoPool, username: str = DEMO_USERNAME) -> Settings:
    return Settings(
        region=pool.region,
        user_pool_id=pool.user_pool_id,
        client_id=pool.client_id,
        issuer="totp-tui-demo",
        username=username,
        endpoint_url=server.endpoint_url,
        save=False,  # screenshots never consult the keyring of the machine making them
    )


def press_at_once(pilot: Pilot[Any], *keys: str) -> None:
    """Named keys (down, enter, escape) queued at once, as `burst` queues characters."""
    driver = pilot.app._driver
    assert driver is not None
    for key in keys:
        driver.send_message(events.Key(key, {"enter": "\r", "escape": "\x1b"}.get(key)))


async def capture(out: Path, server: LocalCognito) -> list[Path]:
    saved: list[Path] = []

    def shoot(app: TotpApp, name: str) -> None:
        path = out / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(out))
        saved.append(path)

    await capture_enrolment(server, shoot)
    await capture_move_from_sms(server, shoot)
    await capture_factor_choice(server, shoot)
    await capture_password_reset(server, shoot)
    await capture_sign_up_confirmation(server, shoot)
    await capture_profiles(shoot)
    return saved


async def capture_enrolment(server: LocalCognito, shoot: Shot) -> None:
    pool = server.create_pool(name="screenshots")
    server.create_user(pool, DEMO_USERNAME, EXAMPLE_PASSWORD)
    settings = settings_for(server, pool)
    app = TotpApp(settings, demo=DemoNotice(DEMO_USERNAME, EXAMPLE_PASSWORD))

    def shot(name: str) -> None:
        shoot(app, name)

    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, SignInScreen)
        shot("sign-in")
        await type_text(pilot, EXAMPLE_PASSWORD)  # the username is filled in: focus is here
        await pilot.press("enter")
        await wait_for_screen(pilot, NewPasswordScreen)
        shot("new-password")
        await type_text(pilot, EXAMPLE_NEW_PASSWORD)
        await pilot.press("tab")
        await type_text(pilot, EXAMPLE_NEW_PASSWORD)
        await pilot.press("enter")
        await wait_for_screen(pilot, EnrolScreen)
        shot("enrol")
        await type_text(pilot, "000000")
        await pilot.press("enter")
        await wait_until_idle(pilot)
        shot("enrol-wrong-code")
        await pilot.press("z")
        await pilot.pause()
        shot("enrol-zoomed")
        await pilot.press("z")
        await pilot.pause()
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        shot("enrol-too-small")
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        await type_text(pilot, code_now(PUBLIC_TEST_SECRET))
        await pilot.press("enter")
        await wait_for_screen(pilot, DoneScreen)
        await pilot.pause()
        shot("done")
        await pilot.press("ctrl+r")
        await wait_for_screen(pilot, SignInCheckScreen)
        shot("test-sign-in")

    # The same user again: enrolled now, so Cognito asks for a code, and may replace the app.
    again = TotpApp(settings)
    async with again.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, SignInScreen)
        app = again
        await pilot.press("ctrl+o")
        await wait_for_screen(pilot, AccessTokenScreen)
        shot("access-token")
        await pilot.press("escape")
        await wait_for_screen(pilot, SignInScreen)
        await type_text(pilot, EXAMPLE_NEW_PASSWORD)  # the username kept, the password focused
        await pilot.press("enter")
        await wait_for_screen(pilot, CodeRequiredScreen)
        shot("code-required")
        await type_text(pilot, code_now(PUBLIC_TEST_SECRET))
        await pilot.press("enter")
        await wait_for_screen(pilot, OfferScreen)
        shot("already-enrolled")


async def capture_profiles(shoot: Shot) -> None:
    # Profiles, kept in an in-memory keyring here: the user's own keyring is never touched.
    ring = MemoryKeyring()
    store = ProfileStore(ring)
    for name, pool_id in (("staff", "us-east-1_Staff1234"), ("contractors", "eu-west-2_Contr5678")):
        store.save(
            Profile(
                name=name,
                region=pool_id.split("_")[0],
                user_pool_id=pool_id,
                client_id="1example23456789",
            )
        )
    app = TotpApp(None, store_factory=lambda: ProfileStore(ring))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, ProfilesScreen)
        await wait_until_idle(pilot)
        shoot(app, "profiles")
        await pilot.press("n")
        await wait_for_screen(pilot, ProfileFormScreen)
        shoot(app, "profile-form")


async def capture_move_from_sms(server: LocalCognito, shoot: Shot) -> None:
    """Someone who signs in with a code by SMS moves to the app (MFA optional: there the
    local Cognito asks for SMS_MFA; it sends no text and names no number)."""
    pool = server.create_pool(mfa="OPTIONAL", name="screenshots-sms")
    server.create_sms_user(pool, DEMO_USERNAME, EXAMPLE_NEW_PASSWORD)
    app = TotpApp(settings_for(server, pool))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, SignInScreen)
        burst(pilot, f"{EXAMPLE_NEW_PASSWORD}\r")  # the name is filled in
        await wait_for_screen(pilot, OtherCodeScreen)
        shoot(app, "code-by-sms")
        burst(pilot, "123456\r")  # the local Cognito takes any SMS code
        await wait_for_screen(pilot, MoveOfferScreen)
        shoot(app, "move-to-the-app")
        press_at_once(pilot, "down", "enter")  # turn SMS codes off
        await wait_for_screen(pilot, EnrolScreen)
        burst(pilot, f"{code_now(PUBLIC_TEST_SECRET)}\r")
        await wait_for_screen(pilot, DoneScreen)
        await pilot.pause()
        shoot(app, "done-after-sms")


async def capture_factor_choice(server: LocalCognito, shoot: Shot) -> None:
    """Cognito lets the person choose SMS or email (SELECT_MFA_TYPE), which the local
    Cognito never does: botocore's Stubber answers as AWS does (example values only)."""
    from botocore.stub import Stubber

    from totp_tui.cognito.client import make_client

    settings = dataclasses.replace(
        settings_for(server, server.create_pool(name="screenshots-choice")),
        auth_flow="USER_PASSWORD_AUTH",
    )
    client = make_client(settings)
    stub = Stubber(client)
    stub.add_response(
        "initiate_auth",
        {
            "ChallengeName": "SELECT_MFA_TYPE",
            "Session": "example-session-1-" + "x" * 20,
            "ChallengeParameters": {"MFAS_CAN_CHOOSE": '["SMS_MFA","EMAIL_OTP"]'},
        },
    )
    stub.add_response(
        "respond_to_auth_challenge",
        {
            "ChallengeName": "EMAIL_OTP",
            "Session": "example-session-2-" + "x" * 20,
            "ChallengeParameters": {"CODE_DELIVERY_DESTINATION": "d***@e***"},
        },
    )
    with stub:
        app = TotpApp(settings, client_factory=lambda _: client)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for_screen(pilot, SignInScreen)
            burst(pilot, f"{EXAMPLE_NEW_PASSWORD}\r")  # the name is filled in
            await wait_for_screen(pilot, FactorChoiceScreen)
            shoot(app, "factor-choice")
            press_at_once(pilot, "down", "enter")
            await wait_for_screen(pilot, OtherCodeScreen)
            shoot(app, "code-by-email")


def recovery_pool(server: LocalCognito, name: str) -> DemoPool:
    """MFA required, TOTP on, passwords recovered by verified email."""
    admin = server.admin_client()
    pool = admin.create_user_pool(
        PoolName=name,
        MfaConfiguration="OFF",
        AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
    )["UserPool"]
    admin.set_user_pool_mfa_config(
        UserPoolId=pool["Id"],
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="ON",
    )
    client = admin.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="totp-tui",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]
    return DemoPool(admin.meta.region_name, pool["Id"], client["ClientId"])


async def capture_password_reset(server: LocalCognito, shoot: Shot) -> None:
    """Forgot password (Ctrl+R at sign-in), a code by email, then on into the sign-in."""
    pool = recovery_pool(server, "screenshots-reset")
    admin = server.admin_client(pool.region)
    admin.admin_create_user(
        UserPoolId=pool.user_pool_id,
        Username=DEMO_USERNAME,
        TemporaryPassword=EXAMPLE_PASSWORD,
        UserAttributes=[
            {"Name": "email", "Value": EXAMPLE_EMAIL},
            {"Name": "email_verified", "Value": "true"},
        ],
        MessageAction="SUPPRESS",
    )
    admin.admin_set_user_password(
        UserPoolId=pool.user_pool_id,
        Username=DEMO_USERNAME,
        Password=EXAMPLE_PASSWORD,
        Permanent=True,
    )
    app = TotpApp(settings_for(server, pool))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, SignInScreen)
        burst(pilot, "\x12")  # Forgot password, with the username given
        await wait_for_screen(pilot, PasswordResetScreen)
        shoot(app, "password-reset")
        burst(pilot, "\x12")  # send a code
        await wait_until_idle(pilot)
        shoot(app, "password-reset-code-sent")
        burst(pilot, f"123456\t{EXAMPLE_NEW_PASSWORD}\t{EXAMPLE_NEW_PASSWORD}\r")
        await wait_for_screen(pilot, EnrolScreen)  # MFA required: the app comes next


async def capture_sign_up_confirmation(server: LocalCognito, shoot: Shot) -> None:
    """A self-service sign-up not confirmed yet: the code, then back to sign-in."""
    pool = server.create_pool(mfa="OPTIONAL", name="screenshots-sign-up")
    server.admin_client(pool.region).sign_up(
        ClientId=pool.client_id,
        Username=DEMO_USERNAME,
        Password=EXAMPLE_NEW_PASSWORD,
        UserAttributes=[{"Name": "email", "Value": EXAMPLE_EMAIL}],
    )
    app = TotpApp(settings_for(server, pool))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, SignInScreen)
        burst(pilot, f"{EXAMPLE_NEW_PASSWORD}\r")  # the name is filled in
        await wait_for_screen(pilot, ConfirmSignUpScreen)
        shoot(app, "confirm-sign-up")
        burst(pilot, "123456\r")  # the local Cognito takes any code
        await wait_until_idle(pilot)
        await wait_for_screen(pilot, SignInScreen)
        shoot(app, "sign-up-confirmed")


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    use_secret_source(lambda: PUBLIC_TEST_SECRET)
    server = LocalCognito(stable_ids=True).start()
    try:
        for path in asyncio.run(capture(out, server)):
            print(path)
    finally:
        server.stop()
        use_secret_source(None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
