"""The QR code zoomed (z), the theme key (ctrl+t), NO_COLOR and the ASCII code, under Pilot.

Every check reads the code back from the cells the app draws (its line filters applied, so
NO_COLOR's too), as a camera pointed at the whole screen would, under a dark and a light
terminal theme, with glyphs drawn exactly and a pixel short (screen_reading.EVERY_TERMINAL).
Where the code reads, it has at least 2 modules of paper around it. The enrol screen shows
the public test key; no Cognito is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pytest
from rich.style import Style
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from tests.support.screen_reading import (
    DARK_THEME,
    LIGHT_THEME,
    FoundCode,
    Region,
    Screen,
    TerminalTheme,
    cells_from_textual,
    decode_qr,
    is_light,
    quiet_modules,
    read_codes,
)
from tests.support.snapshot_apps import ACCOUNT, ISSUER, SnapshotApp, enrol_screen, steady_cursor
from tests.support.ui_driving import PUBLIC_TEST_SECRET
from tests.support.wizard_steps import focused_id, shows, shows_half_blocks
from totp_tui.authenticator.key_uri import build_key_uri
from totp_tui.authenticator.qr import make_matrix
from totp_tui.ui.screens.enrol import EnrolScreen
from totp_tui.ui.terminal_caps import TerminalCaps
from totp_tui.ui.widgets import qr_code
from totp_tui.ui.widgets.qr_code import QrCode

SIZE = (80, 24)
URI = build_key_uri(ISSUER, ACCOUNT, PUBLIC_TEST_SECRET)
# 54 characters: with this key the code is version 7 (45 modules), 49 columns and 25 rows
# with its 2-module quiet zone: taller than 80x24 even alone. Beside the text (34 columns,
# and the footer's row) it needs 83x26.
LONG_ACCOUNT = ("firstname.lastname@example-corp.com" * 2)[:54]
LONG_URI = build_key_uri(ISSUER, LONG_ACCOUNT, PUBLIC_TEST_SECRET)
KEY_GROUP = PUBLIC_TEST_SECRET[:4]


@pytest.fixture(autouse=True)
def terminal_says_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("COLORFGBG", "TEXTUAL_THEME", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)


def app_showing(
    screen: Callable[[], EnrolScreen] = enrol_screen, ascii_qr: bool = False
) -> SnapshotApp:
    app = SnapshotApp(screen)
    app.terminal_caps = TerminalCaps(ascii_qr=ascii_qr)
    return app


def long_account_screen() -> EnrolScreen:
    matrix = make_matrix(LONG_URI)
    assert matrix.size == 45
    return EnrolScreen(LONG_ACCOUNT, ISSUER, PUBLIC_TEST_SECRET, matrix)


def cells(app: App[Any], theme: TerminalTheme = DARK_THEME) -> Screen:
    return cells_from_textual(cast("App[object]", app), theme.fg, theme.bg)


def whole(screen: Screen) -> Region:
    return Region(0, 0, screen.width, screen.height)


def read(app: App[Any], theme: TerminalTheme = DARK_THEME) -> list[str]:
    """The codes a camera reads from the whole screen, each with at least 2 modules of
    paper around it (fewer fails the test)."""
    screen = cells(app, theme)
    texts = decode_qr(screen, whole(screen))
    for code in read_codes(screen):
        zone = quiet_modules(screen, code)
        assert zone >= 2, f"{zone} module(s) of quiet zone on a {theme.name} terminal"
    return texts


def reads_on_both_themes(app: App[Any], uri: str = URI) -> bool:
    return read(app, DARK_THEME) == [uri] and read(app, LIGHT_THEME) == [uri]


def the_code(app: App[Any]) -> FoundCode:
    """Where the one code on the screen is (its symbol, without the quiet zone)."""
    screen = cells(app)
    [code] = read_codes(screen, whole(screen))
    return code


def symbol_columns(app: App[Any]) -> int:
    """How many columns the code spans without its quiet zone (modules x cells each)."""
    return the_code(app).cells().width


def shows_a_code(app: App[Any]) -> bool:
    """Whether any part of a code is on the screen: a half block, or a cell in the
    drawing's explicit black or white (a code drawn two cells per module has no glyph)."""
    if shows_half_blocks(app):
        return True
    black_or_white = {(0, 0, 0), (255, 255, 255)}
    return any(
        cell.bg in black_or_white for row in cells(app).rows for cell in row if cell.char == " "
    )


def footer_text(app: App[Any]) -> str:
    return cells(app).lines()[-1]


async def press(pilot: Pilot[Any], *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()
    await pilot.pause()


class TestZoom:
    async def test_z_shows_the_code_alone_and_z_brings_everything_back(self) -> None:
        async with app_showing().run_test(size=SIZE) as pilot:
            await steady_cursor(pilot)
            assert reads_on_both_themes(pilot.app)
            assert focused_id(pilot.app) == "code"

            await press(pilot, "z")
            assert isinstance(pilot.app.screen.maximized, QrCode)
            assert reads_on_both_themes(pilot.app), "the zoomed code does not read"
            assert not shows(pilot.app, "Code from the app"), "the text column is still there"
            assert not shows(pilot.app, KEY_GROUP)
            assert "z Back" in footer_text(pilot.app)
            assert "Verify" not in footer_text(pilot.app)
            # Alone and centred on paper across the whole screen.
            qr = pilot.app.screen.query_one(QrCode)
            assert tuple(qr.region) == (0, 0, 80, 23)
            symbol = the_code(pilot.app).cells()
            assert abs(symbol.left - (80 - symbol.right)) <= 1, "the zoomed code is not centred"
            assert quiet_modules(cells(pilot.app), the_code(pilot.app)) == 4, "paper all round"

            await press(pilot, "z")
            assert pilot.app.screen.maximized is None
            assert shows(pilot.app, "Code from the app")
            assert shows(pilot.app, KEY_GROUP)
            assert reads_on_both_themes(pilot.app)
            assert focused_id(pilot.app) == "code"
            assert "z Zoom QR" in footer_text(pilot.app)

    async def test_escape_zooms_out_and_the_code_field_has_focus_again(self) -> None:
        async with app_showing().run_test(size=SIZE) as pilot:
            await steady_cursor(pilot)
            await press(pilot, "z")
            assert not shows(pilot.app, "Code from the app")
            await press(pilot, "escape")
            assert shows(pilot.app, "Code from the app")
            assert focused_id(pilot.app) == "code"
            await press(pilot, "1")
            assert pilot.app.screen.query_one("#code", Input).value == "1"

    async def test_z_in_the_device_name_field_is_a_letter(self) -> None:
        async with app_showing().run_test(size=SIZE) as pilot:
            await steady_cursor(pilot)
            await press(pilot, "tab")
            assert focused_id(pilot.app) == "device-name"
            await press(pilot, "z")
            assert pilot.app.screen.maximized is None
            assert pilot.app.screen.query_one("#device-name", Input).value == "z"

    async def test_enter_does_not_verify_while_zoomed(self) -> None:
        async with app_showing().run_test(size=SIZE) as pilot:
            await steady_cursor(pilot)
            await press(pilot, "z", "enter", "z")
            assert not shows(pilot.app, "Type the 6-digit code")
            await press(pilot, "enter")  # the control: zoomed out, Enter checks the field
            assert shows(pilot.app, "Type the 6-digit code")

    @pytest.mark.parametrize(
        ("size", "scale"),
        # 1 or an even scale: at 3 the split cells would show seams (totp_tui.authenticator.qr).
        [((200, 63), 2), ((200, 62), 2), ((122, 63), 2), ((160, 45), 2), ((100, 40), 1)],
    )
    async def test_a_big_terminal_gets_the_biggest_modules_that_fit(
        self, size: tuple[int, int], scale: int
    ) -> None:
        # Version 5: 37 modules, 41 with the quiet zone, so 41*scale x ceil(41*scale/2)
        # cells; the footer keeps its row when the code fits without it.
        async with app_showing().run_test(size=size) as pilot:
            await steady_cursor(pilot)
            assert symbol_columns(pilot.app) == 37  # beside the text, one column per module
            await press(pilot, "z")
            assert symbol_columns(pilot.app) == scale * 37
            assert reads_on_both_themes(pilot.app)

    async def test_a_code_too_big_beside_the_text_fits_alone_with_the_footer_s_row(
        self,
    ) -> None:
        async with app_showing(long_account_screen).run_test(size=(80, 25)) as pilot:
            await steady_cursor(pilot)
            assert shows(pilot.app, "The terminal is too small for the QR code (it needs 83x26)")
            assert shows(pilot.app, "press z to show it alone")
            assert not shows_a_code(pilot.app)

            await press(pilot, "z")
            # 25 rows of code: the footer gives its row up while the code is zoomed.
            assert reads_on_both_themes(pilot.app, LONG_URI)
            assert shows_a_code(pilot.app)  # the control for the checks around it
            assert "Back" not in footer_text(pilot.app)

            await press(pilot, "escape")
            assert "z Zoom QR" in footer_text(pilot.app)
            assert not shows_a_code(pilot.app), "a code that does not fit came back"
            assert shows(pilot.app, "too small")

    @pytest.mark.parametrize("size", [SIZE, (60, 20)])
    async def test_too_small_even_alone_says_so_and_draws_no_code(
        self, size: tuple[int, int]
    ) -> None:
        # At 80x24 the 49x25 code lacks one row: it is not squeezed into a 1-module zone.
        async with app_showing(long_account_screen).run_test(size=size) as pilot:
            await steady_cursor(pilot)
            assert shows(pilot.app, "The terminal is too small for the QR code (it needs 83x26)")
            assert not shows(pilot.app, "press z to show it alone")
            await press(pilot, "z")
            assert shows(pilot.app, "too small for the QR code even on its own: it needs 49x25")
            assert not shows_a_code(pilot.app)
            assert read(pilot.app, DARK_THEME) == read(pilot.app, LIGHT_THEME) == []
            await press(pilot, "z")
            assert shows(pilot.app, "Code from the app")


class TestTheme:
    async def test_ctrl_t_toggles_light_and_dark_and_the_code_still_reads(self) -> None:
        async with app_showing().run_test(size=SIZE) as pilot:
            await steady_cursor(pilot)
            assert pilot.app.theme == "textual-dark"
            for theme, light in (("textual-light", True), ("textual-dark", False)):
                await press(pilot, "ctrl+t")
                assert pilot.app.theme == theme
                screen = cells(pilot.app)
                background = screen.colours(screen.cell(60, 20))[1]  # below the text column
                assert is_light(background) is light
                assert reads_on_both_themes(pilot.app)

    async def test_colorfgbg_light_starts_light(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("COLORFGBG", "0;15")
        async with app_showing().run_test(size=SIZE) as pilot:
            await steady_cursor(pilot)
            assert pilot.app.theme == "textual-light"
            assert reads_on_both_themes(pilot.app)


class TestNoColor:
    @pytest.fixture(autouse=True)
    def no_color(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("NO_COLOR", "1")

    async def test_no_cell_has_a_colour_and_the_code_reads_on_the_theme_s_terminal(
        self,
    ) -> None:
        async with app_showing().run_test(size=SIZE) as pilot:
            await steady_cursor(pilot)
            coloured = [c for row in cells(pilot.app).rows for c in row if c.fg or c.bg]
            assert coloured == [], "NO_COLOR, yet the app drew colours"
            # The field's cursor, shown by colours otherwise, is in reverse video.
            placeholder_start = [c for row in cells(pilot.app).rows for c in row if c.char == "1"]
            assert [c.reverse for c in placeholder_start] == [True], "no visible cursor"
            assert read(pilot.app, DARK_THEME) == [URI]
            assert read(pilot.app, LIGHT_THEME) == []  # inverted there: no drawing is right on both

            await press(pilot, "ctrl+t")
            assert read(pilot.app, LIGHT_THEME) == [URI]
            assert read(pilot.app, DARK_THEME) == []

            await press(pilot, "z")  # the paper around the zoomed code follows too
            assert read(pilot.app, LIGHT_THEME) == [URI]
            await press(pilot, "ctrl+t")
            assert read(pilot.app, DARK_THEME) == [URI]

    async def test_ascii_code_without_colours(self) -> None:
        async with app_showing(ascii_qr=True).run_test(size=(130, 50)) as pilot:
            await steady_cursor(pilot)
            assert read(pilot.app, DARK_THEME) == [URI]
            await press(pilot, "ctrl+t")
            assert read(pilot.app, LIGHT_THEME) == [URI]


class TestAsciiCode:
    async def test_spaces_only_and_it_reads(self) -> None:
        # 82x41 cells with the 2-module zone (two columns per module), 116x42 beside the text.
        async with app_showing(ascii_qr=True).run_test(size=(116, 42)) as pilot:
            await steady_cursor(pilot)
            assert not shows_half_blocks(pilot.app)
            assert reads_on_both_themes(pilot.app)

    async def test_at_80x24_it_says_too_small_and_shows_the_key(self) -> None:
        async with app_showing(ascii_qr=True).run_test(size=SIZE) as pilot:
            await steady_cursor(pilot)
            assert shows(pilot.app, "The terminal is too small for the QR code (it needs 116x42)")
            assert shows(pilot.app, "Type this key into your authenticator app")
            assert shows(pilot.app, KEY_GROUP)
            assert read(pilot.app) == []
            await press(pilot, "z")
            assert shows(pilot.app, "too small for the QR code even on its own: it needs 82x41")

    @pytest.mark.parametrize("size", [(115, 42), (116, 41)])
    async def test_zoomed_on_a_big_terminal(self, size: tuple[int, int]) -> None:
        async with app_showing(ascii_qr=True).run_test(size=size) as pilot:
            await steady_cursor(pilot)
            assert read(pilot.app) == []  # 116x42 beside the text: too small
            assert shows(pilot.app, "too small")
            await press(pilot, "z")
            assert reads_on_both_themes(pilot.app)


async def test_control_a_code_without_its_own_colours_does_not_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Shows the checks above can fail: the same cells without explicit colours (the pens
    NO_COLOR uses on a light terminal) take the dark theme's light text on a dark ground,
    an inverted code, on either terminal."""
    monkeypatch.setattr(qr_code, "pens", lambda no_color, dark: (Style(), Style(reverse=True)))
    async with app_showing().run_test(size=SIZE) as pilot:
        await steady_cursor(pilot)
        assert read(pilot.app, DARK_THEME) == []
        assert read(pilot.app, LIGHT_THEME) == []
