"""`make screenshots`: SVGs of every screen at 80x24, from the real app against the local
Cognito, for the README. Run as `python -m tests.support.screenshots [OUTPUT_DIR]`."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tests.support.keyring_backends import MemoryKeyring
from tests.support.totp_clock import code_now
from tests.support.ui_driving import PUBLIC_TEST_SECRET, type_text, wait_for_screen, wait_until_idle
from totp_tui.config.settings import Settings
from totp_tui.demo.local_cognito import DEMO_USERNAME, LocalCognito, use_secret_source
from totp_tui.profiles import Profile, ProfileStore
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.access_token import AccessTokenScreen
from totp_tui.ui.screens.code_required import CodeRequiredScreen
from totp_tui.ui.screens.done import DoneScreen
from totp_tui.ui.screens.enrol import EnrolScreen
from totp_tui.ui.screens.new_password import NewPasswordScreen
from totp_tui.ui.screens.offer import OfferScreen
from totp_tui.ui.screens.profile_form import ProfileFormScreen
from totp_tui.ui.screens.profiles import ProfilesScreen
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.screens.sign_in_check import SignInCheckScreen
from totp_tui.ui.start_options import DemoNotice

# Example values only: a local throwaway user.
EXAMPLE_PASSWORD = "Example-Temp-1"
EXAMPLE_NEW_PASSWORD = "Example-New-Passw0rd"
SIZE = (80, 24)


async def capture(out: Path, server: LocalCognito) -> list[Path]:

    pool = server.create_pool(name="screenshots")
    server.create_user(pool, DEMO_USERNAME, EXAMPLE_PASSWORD)
    settings = Settings(
        region=pool.region,
        user_pool_id=pool.user_pool_id,
        client_id=pool.client_id,
        issuer="totp-tui-demo",
        username=DEMO_USERNAME,
        endpoint_url=server.endpoint_url,
        save=False,  # screenshots never consult the keyring of the machine making them
    )
    app = TotpApp(settings, demo=DemoNotice(DEMO_USERNAME, EXAMPLE_PASSWORD))
    saved: list[Path] = []

    def shot(name: str) -> None:
        path = out / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(out))
        saved.append(path)

    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, SignInScreen)
        shot("sign-in")
        await pilot.press("tab")
        await type_text(pilot, EXAMPLE_PASSWORD)
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
        await pilot.press("tab")
        await type_text(pilot, EXAMPLE_NEW_PASSWORD)
        await pilot.press("enter")
        await wait_for_screen(pilot, CodeRequiredScreen)
        shot("code-required")
        await type_text(pilot, code_now(PUBLIC_TEST_SECRET))
        await pilot.press("enter")
        await wait_for_screen(pilot, OfferScreen)
        shot("already-enrolled")

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
        shot("profiles")
        await pilot.press("n")
        await wait_for_screen(pilot, ProfileFormScreen)
        shot("profile-form")
    return saved


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
