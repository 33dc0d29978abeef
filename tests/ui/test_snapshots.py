"""What each screen looks like at 80x24 (and the enrol screen in a 60x20 terminal).

Update with `pytest tests/ui/test_snapshots.py --snapshot-update`, then look at every
changed SVG before accepting it.
"""

from __future__ import annotations

import types
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.support.snapshot_apps import (
    DEMO_NOTICE,
    DEMO_SETTINGS,
    SnapshotApp,
    challenge_not_handled_screen,
    done_screen,
    enrol_screen,
    new_password_screen,
    steady_cursor,
)
from totp_tui.cognito.errors import from_client_error
from totp_tui.ui.screens.base import WizardScreen
from totp_tui.ui.widgets import countdown

SIZE = (80, 24)
SnapCompare = Callable[..., bool]


@pytest.fixture(autouse=True)
def frozen_session_countdown(monkeypatch: pytest.MonkeyPatch) -> None:
    """The enrol screen's session countdown reads the clock every second: stop its clock so
    a slow run cannot show 2:59 instead of 3:00."""
    monkeypatch.setattr(countdown, "time", types.SimpleNamespace(monotonic=lambda: 1000.0))


def shows_error(code: str, service_message: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """run_before: the screen shows the message the app maps this service error to."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await steady_cursor(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, WizardScreen)
        screen.show_error(from_client_error(code, service_message).message)
        await pilot.pause()

    return run_before


class TestSignInScreen:
    def test_sign_in(self, snap_compare: SnapCompare) -> None:
        assert snap_compare(SnapshotApp(), terminal_size=SIZE, run_before=steady_cursor)

    def test_sign_in_with_demo_notice(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp(settings=DEMO_SETTINGS, demo=DEMO_NOTICE)
        assert snap_compare(app, terminal_size=SIZE, run_before=steady_cursor)

    def test_sign_in_wrong_password(self, snap_compare: SnapCompare) -> None:
        run_before = shows_error("NotAuthorizedException", "Incorrect username or password.")
        assert snap_compare(SnapshotApp(), terminal_size=SIZE, run_before=run_before)


class TestNewPasswordScreen:
    def test_new_password(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp(new_password_screen())
        assert snap_compare(app, terminal_size=SIZE, run_before=steady_cursor)

    def test_new_password_with_required_email(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp(new_password_screen("email"))
        assert snap_compare(app, terminal_size=SIZE, run_before=steady_cursor)


class TestEnrolScreen:
    def test_enrol(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp(enrol_screen)
        assert snap_compare(app, terminal_size=SIZE, run_before=steady_cursor)

    def test_enrol_wrong_code(self, snap_compare: SnapCompare) -> None:
        run_before = shows_error("CodeMismatchException", "Invalid code received for user")
        assert snap_compare(SnapshotApp(enrol_screen), terminal_size=SIZE, run_before=run_before)

    def test_enrol_terminal_too_small(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp(enrol_screen)
        assert snap_compare(app, terminal_size=(60, 20), run_before=steady_cursor)


class TestDoneScreen:
    def test_done(self, snap_compare: SnapCompare) -> None:
        assert snap_compare(SnapshotApp(done_screen), terminal_size=SIZE)


class TestStopScreen:
    def test_challenge_not_handled(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp(challenge_not_handled_screen)
        assert snap_compare(app, terminal_size=SIZE)
