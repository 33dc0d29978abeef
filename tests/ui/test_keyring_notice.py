"""No usable keyring: the sign-in says so on a line of its own, never over a card, and
nothing of it reaches the enrol screen, whose QR code must still scan.

The keyring is keyring's fail backend (a headless host without a Secret Service), handed to
the app through `store_factory`: nothing here touches the machine's keyring. Toasts are
switched on (`notifications=True`), so one would be seen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from keyring.backends import fail
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Footer

from tests.conftest import PoolUser, settings_for
from tests.support.screen_reading import decode_qr
from tests.support.wizard_steps import reach_enrol, screen_cells, shown_key, shows, until
from tests.ui.conftest import SIZE
from totp_tui.authenticator.key_uri import build_key_uri
from totp_tui.config.settings import Settings
from totp_tui.demo.local_cognito import DemoPool, LocalCognito
from totp_tui.profiles import ProfileStore
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.start_options import DemoNotice

NOTICE = "No usable keyring: profiles cannot be saved on this host; enrolment works."
DEMO = DemoNotice(username="demo", temporary_password="Tmp-Example1234x-9a")


def no_keyring(gate: threading.Event | None = None) -> Callable[[], ProfileStore]:
    """A store over the fail backend; made (in the check's worker) once `gate` opens."""

    def make() -> ProfileStore:
        if gate is not None:
            gate.wait(30)
        return ProfileStore(fail.Keyring())  # type: ignore[no-untyped-call]

    return make


async def keyring_checked(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, TotpApp)
    await until(pilot, lambda: app.wizard.profiles.keyring_status is not None, "the check")
    for _ in range(3):  # the answer's notice, or toast, laid out and shown
        await pilot.pause()


def toasts(app: App[Any]) -> int:
    return len(app.screen.query("Toast"))


@pytest.mark.parametrize("demo", [None, DEMO], ids=["sign-in", "demo sign-in"])
async def test_the_sign_in_says_so_on_a_line_that_covers_no_card(
    local_cognito: LocalCognito, pool: DemoPool, demo: DemoNotice | None
) -> None:
    # The local Cognito's endpoint: the pool's description has its third line.
    settings = settings_for(local_cognito, pool)
    app = TotpApp(settings, store_factory=no_keyring(), demo=demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await keyring_checked(pilot)
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        assert shows(app, NOTICE)
        assert toasts(app) == 0
        notice = screen.query_one("#keyring-notice")
        cards = list(screen.query(".card"))
        assert len(cards) == (2 if demo else 1)
        covered = [card.id for card in cards if notice.region.overlaps(card.region)]
        assert covered == []
        # Whole, on the screen, above the footer (not under it).
        assert Region(0, 0, *SIZE).contains_region(notice.region)
        assert notice.region.bottom <= screen.query_one(Footer).region.y
        assert not app.too_small.covering  # and the form still fits 80x24


async def test_nothing_of_it_reaches_the_enrol_screen(settings: Settings, user: PoolUser) -> None:
    """Someone quicker than the keyring check: its answer comes on the enrol screen."""
    gate = threading.Event()
    app = TotpApp(settings, store_factory=no_keyring(gate))
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            screen = await reach_enrol(pilot, user)
            gate.set()
            await keyring_checked(pilot)
            assert app.screen is screen
            assert toasts(app) == 0
            assert not app.screen.query("#keyring-notice")
            assert not shows(app, "keyring")
            uris = decode_qr(screen_cells(app))
            expected = build_key_uri(settings.issuer, user.username, shown_key(screen).value)
            scans = uris == [expected]  # compared apart: the URI holds the key
            assert scans, "the QR code on the enrol screen does not read as the key URI"
    finally:
        gate.set()
