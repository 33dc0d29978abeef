"""What the QR looks like zoomed, and the enrol screen on a light terminal, at 80x24.

Update with `pytest tests/ui/test_qr_snapshots.py --snapshot-update`, then look at every
changed SVG before accepting it: the code must be a clean QR with 2 modules of white around
it. Viewers that lack the SVG's font (rsvg-convert offline) lay out each run of text in a
fallback font, which can shift the half blocks that follow non-breaking spaces by a few
cells and leave hairlines at their edges: a PNG can look broken when the SVG is right. The
cells themselves are decoded in tests/ui/test_qr_zoom.py.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.support.snapshot_apps import SnapshotApp, enrol_screen, steady_cursor
from totp_tui.ui.widgets import countdown

SIZE = (80, 24)
SnapCompare = Callable[..., bool]


@pytest.fixture(autouse=True)
def frozen_session_countdown(monkeypatch: pytest.MonkeyPatch) -> None:
    """The countdown reads the clock every second: stop it, so a slow run shows 3:00 too."""
    monkeypatch.setattr(countdown, "time", types.SimpleNamespace(monotonic=lambda: 1000.0))


@pytest.fixture(autouse=True)
def terminal_says_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own terminal must not choose the theme of a snapshot."""
    for name in ("COLORFGBG", "TEXTUAL_THEME", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)


async def zoomed(pilot: Pilot[Any]) -> None:
    await steady_cursor(pilot)
    await pilot.press("z")
    await pilot.pause()


class TestQrSnapshots:
    def test_zoomed_qr(self, snap_compare: SnapCompare) -> None:
        assert snap_compare(SnapshotApp(enrol_screen), terminal_size=SIZE, run_before=zoomed)

    def test_enrol_on_a_light_terminal(
        self, snap_compare: SnapCompare, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COLORFGBG", "0;15")  # black on white, as rxvt and Konsole say it
        app = SnapshotApp(enrol_screen)
        assert snap_compare(app, terminal_size=SIZE, run_before=steady_cursor)
