"""Under NO_COLOR, the enrol screen names the key that flips the QR whenever the code may be
drawn for the other background, and keeps reverse video out of the code's quiet zone (issue
22), under Pilot. The tmux end-to-end combinations are in tests/test_no_color_scanning.py.

Cells are read back with their line filters applied (NO_COLOR's too) and judged under a
dark and a light terminal theme, as tests/ui/test_qr_zoom.py does.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.screen_reading import (
    DARK_THEME,
    LIGHT_THEME,
    Region,
    TerminalTheme,
    decode_qr,
    quiet_modules,
    read_codes,
)
from tests.support.snapshot_apps import SnapshotApp, enrol_screen, steady_cursor
from tests.support.wizard_steps import focused_id
from tests.ui.test_qr_zoom import URI, cells, press
from totp_tui.ui.terminal_caps import TerminalCaps, initial_theme
from totp_tui.ui.widgets.qr_polarity import QrPolarityHint, polarity_hint

SIZE = (80, 24)
STANDARD_ZONE = 4


@pytest.fixture(autouse=True)
def terminal_says_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("COLORFGBG", "TEXTUAL_THEME", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)


def app_for(said_light: bool | None, ascii_qr: bool = False) -> SnapshotApp:
    """The app as cli.wizard starts it when the terminal said light (True), dark (False) or
    nothing (None) about its background."""
    app = SnapshotApp(enrol_screen)
    app.terminal_caps = TerminalCaps(ascii_qr=ascii_qr, light_background=said_light)
    theme = initial_theme({}, said_light)
    if theme is not None:
        app.theme = theme
    return app


def hint(app: Any) -> str | None:
    """The hint's text if it is shown, else None."""
    widget = app.screen.query_one(QrPolarityHint)
    return str(widget.content) if widget.display else None


def reads_on(app: Any, theme: TerminalTheme) -> bool:
    screen = cells(app, theme)
    return decode_qr(screen, Region(0, 0, screen.width, screen.height)) == [URI]


def zone_on(app: Any, theme: TerminalTheme) -> int:
    screen = cells(app, theme)
    [code] = read_codes(screen)
    return quiet_modules(screen, code, most=STANDARD_ZONE)


def test_the_hint_says_which_terminal_and_names_ctrl_t() -> None:
    assert polarity_hint(dark=True) == (
        "No colours (NO_COLOR): the code is drawn for a dark terminal. "
        "On a light one, press Ctrl+T."
    )
    assert "drawn for a light terminal" in polarity_hint(dark=False)


@pytest.mark.parametrize("presses", [0, 1, 2])
@pytest.mark.parametrize("said_light", [None, True, False], ids=["silent", "light", "dark"])
@pytest.mark.parametrize("no_color", [False, True], ids=["colours", "NO_COLOR"])
async def test_the_key_is_named_whenever_the_code_may_be_drawn_for_the_other_background(
    monkeypatch: pytest.MonkeyPatch, no_color: bool, said_light: bool | None, presses: int
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    async with app_for(said_light).run_test(size=SIZE) as pilot:
        await steady_cursor(pilot)
        for _ in range(presses):
            await press(pilot, "ctrl+t")
        drawn_for_light = not pilot.app.current_theme.dark
        shown = hint(pilot.app)
        if not no_color:
            assert shown is None
            assert reads_on(pilot.app, DARK_THEME) and reads_on(pilot.app, LIGHT_THEME)
            return
        assert (shown is not None) is (drawn_for_light is not said_light)
        # Drawn for the terminal it names (or, with no hint, the one the terminal said).
        drawn_for = LIGHT_THEME if drawn_for_light else DARK_THEME
        other = DARK_THEME if drawn_for_light else LIGHT_THEME
        assert reads_on(pilot.app, drawn_for) and not reads_on(pilot.app, other)
        if shown is not None:
            assert shown == polarity_hint(dark=not drawn_for_light)
            await press(pilot, "ctrl+t")  # the key it names: now right for the other terminal
            assert reads_on(pilot.app, other)


@pytest.mark.parametrize(
    ("size", "ascii_qr", "field"),
    [
        (SIZE, False, "code"),
        (SIZE, False, "device-name"),  # its cursor, in reverse video, starts its row
        ((100, 30), False, "code"),
        ((132, 43), False, "device-name"),
        ((130, 50), True, "code"),
        ((130, 50), True, "device-name"),
    ],
)
async def test_no_reverse_video_within_4_modules_of_the_code_on_a_light_terminal(
    monkeypatch: pytest.MonkeyPatch, size: tuple[int, int], ascii_qr: bool, field: str
) -> None:
    """NO_COLOR on a light terminal: a reversed cell is dark there, and the code's quiet
    zone is the terminal's own background, so nothing reversed may stand within 4 modules
    of the symbol, beside the text or zoomed. (On a dark terminal the drawing's 2 modules
    of paper are the zone, which test_qr_zoom checks.)"""
    monkeypatch.setenv("NO_COLOR", "1")
    async with app_for(True, ascii_qr).run_test(size=size) as pilot:
        await steady_cursor(pilot)
        if field != focused_id(pilot.app):
            await press(pilot, "tab")
        assert focused_id(pilot.app) == field
        assert reads_on(pilot.app, LIGHT_THEME)
        assert zone_on(pilot.app, LIGHT_THEME) == STANDARD_ZONE
        await press(pilot, "z")
        assert reads_on(pilot.app, LIGHT_THEME)
        assert zone_on(pilot.app, LIGHT_THEME) == STANDARD_ZONE
