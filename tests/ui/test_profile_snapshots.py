"""What the profile screens look like at 80x24: the list (full and empty), the new and edit
forms, the delete question, the no-keyring message, and the done screen's offer to save.

The keyring is an in-memory backend filled with fixed example profiles; nothing goes to the
network. Update with `pytest tests/ui/test_profile_snapshots.py --snapshot-update`, then
look at every changed SVG before accepting it.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend
from keyring.backends import fail
from textual.pilot import Pilot

from tests.support.keyring_backends import MemoryKeyring
from tests.support.snapshot_apps import ACCOUNT, SnapshotApp, offline_client, steady_cursor
from totp_tui.profiles import Profile, ProfileStore
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.done import DoneScreen
from totp_tui.ui.screens.profiles import ProfilesScreen

SIZE = (80, 24)
SnapCompare = Callable[..., bool]

EXAMPLE_PROFILES = (
    Profile(
        name="work",
        region="eu-west-2",
        user_pool_id="eu-west-2_AbC123",
        client_id="exampleclientid1234567890",
        issuer="Acme",
        last_username="jane.doe",
    ),
    Profile(
        name="helpdesk-us",
        region="us-east-1",
        user_pool_id="us-east-1_Example123",
        client_id="exampleclientid0987654321",
        auth_flow="USER_PASSWORD_AUTH",
        connect_timeout=5,
        read_timeout=20,
        session_minutes=10,
    ),
    Profile(
        name="local-demo",
        region="us-east-1",
        user_pool_id="us-east-1_Demo42",
        client_id="democlientid",
        issuer="totp-tui-demo",
        endpoint_url="http://127.0.0.1:5000",
        last_username="demo",
    ),
)


def example_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    store = ProfileStore(backend)
    for profile in EXAMPLE_PROFILES:
        store.save(profile)
    return backend


def no_keyring() -> KeyringBackend:
    """What keyring gives on a headless host without a Secret Service."""
    return fail.Keyring()  # type: ignore[no-untyped-call]


class ProfilesApp(TotpApp):
    """TotpApp as `totp-tui` with no pool flags starts it: the profile screen first, reading
    profiles from `backend`."""

    # Textual resolves a relative CSS_PATH beside the subclass's module: point at the app's.
    CSS_PATH = str(Path(inspect.getfile(TotpApp)).with_name("app.tcss"))

    def __init__(self, backend: KeyringBackend) -> None:
        super().__init__(
            None, client_factory=offline_client, store_factory=lambda: ProfileStore(backend)
        )


async def profiles_loaded(pilot: Pilot[Any], timeout: float = 5.0) -> None:
    """Wait until the list shows what the keyring holds (it is read in a thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = pilot.app.screen
        if (
            isinstance(screen, ProfilesScreen)
            and screen.is_mounted
            and not screen.in_flight
            and (screen.profiles or str(screen.status.content))
        ):
            await steady_cursor(pilot)
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the profile list did not load")


def loaded_then(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """run_before: the list loaded, then these keys pressed, cursors still."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await profiles_loaded(pilot)
        if keys:
            await pilot.press(*keys)
            await steady_cursor(pilot)

    return run_before


class TestProfileList:
    def test_three_profiles(self, snap_compare: SnapCompare) -> None:
        app = ProfilesApp(example_keyring())
        assert snap_compare(app, terminal_size=SIZE, run_before=loaded_then())

    def test_no_profiles_yet(self, snap_compare: SnapCompare) -> None:
        app = ProfilesApp(MemoryKeyring())
        assert snap_compare(app, terminal_size=SIZE, run_before=loaded_then())

    def test_no_usable_keyring(self, snap_compare: SnapCompare) -> None:
        app = ProfilesApp(no_keyring())
        assert snap_compare(app, terminal_size=SIZE, run_before=loaded_then())

    def test_delete_confirmation(self, snap_compare: SnapCompare) -> None:
        app = ProfilesApp(example_keyring())
        assert snap_compare(app, terminal_size=SIZE, run_before=loaded_then("down", "d"))


class TestProfileForm:
    def test_new_profile(self, snap_compare: SnapCompare) -> None:
        app = ProfilesApp(example_keyring())
        assert snap_compare(app, terminal_size=SIZE, run_before=loaded_then("n"))

    def test_edit_profile(self, snap_compare: SnapCompare) -> None:
        # "helpdesk-us" (first by name): a password-auth flow, timeouts and a session length of
        # its own.
        app = ProfilesApp(example_keyring())
        assert snap_compare(app, terminal_size=SIZE, run_before=loaded_then("e"))


class TestDoneScreen:
    def test_offer_to_save_the_settings(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp(lambda: DoneScreen(ACCOUNT, offer_save=True))
        assert snap_compare(app, terminal_size=SIZE, run_before=steady_cursor)
