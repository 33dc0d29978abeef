"""The QR-reading harness must be able to fail as well as succeed.

It reads what a phone would see: black-on-white codes decode on any theme; a code drawn in
the terminal's default colours decodes on a light theme only (inverted on a dark one).
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import pytest
import zxingcpp
from textual.app import App, ComposeResult
from textual.widgets import Static

from tests.support.screen_reading import (
    DARK_THEME,
    LIGHT_THEME,
    Cell,
    Region,
    TerminalTheme,
    cells_from_ansi,
    cells_from_textual,
    decode_qr,
    find_qr_region,
    screen_picture,
)
from tests.support.tmux_session import TmuxSession, require_tmux
from totp_tui.authenticator import qr
from totp_tui.authenticator.key_uri import build_key_uri

# A made-up secret of Cognito's length (52 base32 characters). URI is 140 characters,
# like the ones the app shows: version 6, 45x23 cells with a 2-module quiet zone.
# LONG_URI needs version 7: 47x24 cells, a 1-module quiet zone, the whole screen height.
SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA"
URI = build_key_uri("Example Corp", "alice.smithson@example.com", SECRET)
LONG_URI = build_key_uri("Example Corp Dev", "alice.smith@example.com", SECRET)

BLACK_ON_WHITE = "\x1b[38;2;0;0;0;48;2;255;255;255m"
RESET = "\x1b[0m"
BLACK: tuple[int, int, int] = (0, 0, 0)
WHITE: tuple[int, int, int] = (255, 255, 255)


def drawing_for(columns: int = 80, rows: int = 24, uri: str = URI) -> qr.QrDrawing:
    drawing = qr.fit(qr.make_matrix(uri), columns, rows)
    assert drawing is not None, "the test URI must fit the terminal"
    return drawing


class QrApp(App[None]):
    """One Static holding the drawing, centred; `paper` gives it explicit colours."""

    CSS = """
    Screen { align: center middle; }
    #qr { width: auto; height: auto; }
    #qr.paper { color: #000000; background: #ffffff; }
    """

    def __init__(self, lines: tuple[str, ...], explicit_colours: bool, theme: str) -> None:
        super().__init__()
        self._lines = lines
        self._explicit_colours = explicit_colours
        self._theme_name = theme

    def compose(self) -> ComposeResult:
        classes = "paper" if self._explicit_colours else ""
        yield Static("\n".join(self._lines), id="qr", classes=classes, markup=False)

    def on_mount(self) -> None:
        self.theme = self._theme_name


async def textual_screen(
    explicit_colours: bool, theme: str, uri: str = URI
) -> tuple[list[str], Region | None]:
    app = QrApp(drawing_for(80, 24, uri).lines, explicit_colours, theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = cells_from_textual(app)
    return decode_qr(screen), find_qr_region(screen)


class TestTextual:
    @pytest.mark.parametrize("uri", [URI, LONG_URI], ids=["quiet-zone-2", "quiet-zone-1"])
    async def test_black_on_white_decodes_on_the_dark_theme(self, uri: str) -> None:
        texts, region = await textual_screen(explicit_colours=True, theme="textual-dark", uri=uri)
        assert texts == [uri]
        assert region is not None

    async def test_default_colours_on_the_dark_theme_do_not_decode(self) -> None:
        # The polarity bug: light ink on the dark theme's background is an inverted code.
        texts, _ = await textual_screen(explicit_colours=False, theme="textual-dark")
        assert texts == []

    async def test_default_colours_on_the_light_theme_decode(self) -> None:
        # The control for the test above: same drawing, only the polarity differs.
        texts, _ = await textual_screen(explicit_colours=False, theme="textual-light")
        assert texts == [URI]

    async def test_an_ansi_theme_leaves_the_colours_to_the_terminal(self) -> None:
        # Textual's ANSI themes send default colours: the terminal's theme decides.
        app = QrApp(drawing_for().lines, explicit_colours=False, theme="ansi-dark")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            on_dark = cells_from_textual(app, DARK_THEME.fg, DARK_THEME.bg)
            on_light = cells_from_textual(app, LIGHT_THEME.fg, LIGHT_THEME.bg)
        assert decode_qr(on_dark) == []
        assert decode_qr(on_light) == [URI]

    async def test_cells_carry_the_explicit_colours(self) -> None:
        app = QrApp(drawing_for(80, 24).lines, explicit_colours=True, theme="textual-dark")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = cells_from_textual(app)
        assert (screen.width, screen.height) == (80, 24)
        ink = {cell for row in screen.rows for cell in row if cell.char == "█"}
        assert {(cell.fg, cell.bg) for cell in ink} == {(BLACK, WHITE)}
        assert drawing_for(80, 24).lines[1].strip() in screen.text()


class TestCellsFromAnsi:
    def parse(self, text: str, width: int = 8, height: int = 2) -> list[list[Cell]]:
        screen = cells_from_ansi(text, width, height, DARK_THEME.fg, DARK_THEME.bg)
        return [list(row) for row in screen.rows]

    def test_truecolor(self) -> None:
        rows = self.parse("\x1b[38;2;1;2;3m\x1b[48;2;250;251;252mA")
        assert rows[0][0] == Cell("A", (1, 2, 3), (250, 251, 252))

    def test_combined_parameters(self) -> None:
        rows = self.parse(f"{BLACK_ON_WHITE}▀")
        assert rows[0][0] == Cell("▀", BLACK, WHITE)

    def test_256_colours(self) -> None:
        rows = self.parse("\x1b[38;5;16;48;5;231mA\x1b[38;5;196;48;5;244mB\x1b[38;5;9mC")
        assert rows[0][0] == Cell("A", BLACK, WHITE)
        assert rows[0][1] == Cell("B", (255, 0, 0), (128, 128, 128))
        assert rows[0][2].fg == (255, 0, 0)  # index 9: bright red

    def test_16_colours(self) -> None:
        rows = self.parse("\x1b[31;47mA\x1b[92;104mB")
        assert rows[0][0] == Cell("A", (205, 0, 0), (229, 229, 229))
        assert rows[0][1] == Cell("B", (0, 255, 0), (92, 92, 255))

    def test_defaults_and_reset(self) -> None:
        rows = self.parse("\x1b[31;42mA\x1b[39mB\x1b[49mC\x1b[31;42;7mD\x1b[0mE\x1b[mF")
        assert [cell.fg for cell in rows[0][:3]] == [(205, 0, 0), None, None]
        assert [cell.bg for cell in rows[0][:3]] == [(0, 205, 0), (0, 205, 0), None]
        assert rows[0][3] == Cell("D", (205, 0, 0), (0, 205, 0), reverse=True)
        assert (rows[0][4], rows[0][5]) == (Cell("E"), Cell("F"))

    def test_reverse_on_and_off(self) -> None:
        rows = self.parse("\x1b[7mA\x1b[27mB")
        assert rows[0][0].reverse and not rows[0][1].reverse

    def test_ignored_attributes_and_other_escapes(self) -> None:
        rows = self.parse("\x1b[1;2;3;4mA\x1b]8;;https://example.com\x1b\\B\x1b[22;24mC")
        assert "".join(cell.char for cell in rows[0][:3]) == "ABC"
        assert all(cell.fg is None and cell.bg is None for cell in rows[0][:3])

    def test_the_pen_carries_over_lines_as_tmux_writes_them(self) -> None:
        # tmux sends only changes between cells, even across line ends.
        rows = self.parse("\x1b[31mA\nB\x1b[0m")
        assert rows[1][0].fg == (205, 0, 0)

    def test_short_rows_are_padded_with_default_cells(self) -> None:
        rows = self.parse("\x1b[41mAB\x1b[0m", width=4, height=2)
        assert rows[0][2:] == [Cell(" "), Cell(" ")]
        assert rows[1] == [Cell(" ")] * 4

    def test_reverse_swaps_the_effective_colours(self) -> None:
        screen = cells_from_ansi("\x1b[7m \x1b[0m ", 2, 1, LIGHT_THEME.fg, LIGHT_THEME.bg)
        assert screen.colours(screen.rows[0][0]) == (LIGHT_THEME.bg, LIGHT_THEME.fg)
        assert screen.colours(screen.rows[0][1]) == (LIGHT_THEME.fg, LIGHT_THEME.bg)


def ansi_drawing(drawing: qr.QrDrawing, colours: str, indent: int = 4) -> str:
    """A drawing as a terminal would hold it, one row down and indent columns in
    (the realistic URI takes 23 of the 24 rows)."""
    body = [" " * indent + colours + line + (RESET if colours else "") for line in drawing.lines]
    return "\n" + "\n".join(body) + "\n"


class TestDecodeFromAnsi:
    """The decoder's judgement on hand-made screens, without a terminal."""

    def decode(self, text: str, theme: TerminalTheme) -> list[str]:
        return decode_qr(cells_from_ansi(text, 80, 24, theme.fg, theme.bg))

    @pytest.mark.parametrize("theme", [DARK_THEME, LIGHT_THEME], ids=lambda t: t.name)
    def test_black_on_white_decodes_on_any_theme(self, theme: TerminalTheme) -> None:
        assert self.decode(ansi_drawing(drawing_for(), BLACK_ON_WHITE), theme) == [URI]

    def test_default_colours_are_inverted_on_a_dark_theme(self) -> None:
        text = ansi_drawing(drawing_for(), "")
        assert self.decode(text, LIGHT_THEME) == [URI]
        assert self.decode(text, DARK_THEME) == []
        # It fails for its polarity alone: a decoder that reads inverted codes finds it.
        screen = cells_from_ansi(text, 80, 24, DARK_THEME.fg, DARK_THEME.bg)
        region = find_qr_region(screen)
        assert region is not None
        inverted = zxingcpp.read_barcodes(screen_picture(screen, region), try_invert=True)
        assert [result.text for result in inverted] == [URI]

    def test_no_quiet_zone_on_a_dark_screen_does_not_decode(self) -> None:
        # The margin is the real (dark) screen, not a white border the test invented.
        text = ansi_drawing(qr.draw(qr.make_matrix(URI), quiet_zone=0), BLACK_ON_WHITE)
        assert self.decode(text, DARK_THEME) == []
        assert self.decode(text, LIGHT_THEME) == [URI]

    def test_a_screen_without_a_code(self) -> None:
        screen = cells_from_ansi("hello\n", 80, 24, DARK_THEME.fg, DARK_THEME.bg)
        assert find_qr_region(screen) is None
        assert decode_qr(screen) == []

    def test_the_region_is_the_code_and_its_quiet_zone(self) -> None:
        drawing = drawing_for()
        screen = cells_from_ansi(
            ansi_drawing(drawing, BLACK_ON_WHITE), 80, 24, DARK_THEME.fg, DARK_THEME.bg
        )
        assert find_qr_region(screen) == Region(4, 1, drawing.width, drawing.height)


# --- under a real terminal -------------------------------------------------------------

# The code takes 23 of the 24 rows: no newline after the last line (it would scroll the top
# line away), and the marker goes to the right of the last line.
PRINTER = """\
import sys, time
lines = json_lines
sys.stdout.write("\\n".join(prefix + line + suffix for line in lines) + "  ready")
sys.stdout.flush()
time.sleep(60)
"""


def printer_script(tmp_path: Path, colours: str) -> list[str]:
    """A command that prints the drawing (with colours, or in the terminal's defaults)."""
    source = (
        PRINTER.replace("json_lines", json.dumps(drawing_for().lines))
        .replace("prefix", json.dumps(colours))
        .replace("suffix", json.dumps(RESET if colours else ""))
    )
    script = tmp_path / "print_qr.py"
    script.write_text(source, encoding="utf-8")
    return [sys.executable, str(script)]


@pytest.fixture
def tmux() -> str:
    return require_tmux()


@pytest.mark.usefixtures("tmux")
class TestTmux:
    def test_black_on_white_decodes_on_both_themes(self, tmp_path: Path) -> None:
        with TmuxSession(printer_script(tmp_path, BLACK_ON_WHITE), env={}) as session:
            session.wait_for("ready")
            # tmux keeps the RGB the program wrote, even under TERM=xterm-256color.
            assert "\x1b[38;2;0;0;0m" in session.ansi()
            assert decode_qr(session.screen(DARK_THEME)) == [URI]
            assert decode_qr(session.screen(LIGHT_THEME)) == [URI]

    def test_default_colours_decode_only_on_a_light_theme(self, tmp_path: Path) -> None:
        with TmuxSession(printer_script(tmp_path, ""), env={}) as session:
            session.wait_for("ready")
            assert decode_qr(session.screen(LIGHT_THEME)) == [URI]
            assert decode_qr(session.screen(DARK_THEME)) == []

    def test_typing_keys_and_exit_status(self) -> None:
        program = "s = input(); print('got', len(s), s.upper()); raise SystemExit(3)"
        with TmuxSession([sys.executable, "-c", program], env={"EXTRA": "1"}) as session:
            session.type("-abc def")
            session.send_keys("Enter")
            text = session.wait_for("got 8 -ABC DEF")
            session.wait_for(lambda _: session.pane_dead(), timeout=5)
            assert session.exit_status() == 3
            assert "got 8" in text

    def test_a_process_that_exits_at_once_leaves_its_output(self) -> None:
        program = "print('crashed early'); raise SystemExit(4)"
        with TmuxSession([sys.executable, "-c", program], env={}) as session:
            session.wait_for(lambda _: session.pane_dead(), timeout=5)
            assert session.exit_status() == 4
            # tmux scrolled the first line away to write "Pane is dead": it is in the history.
            assert "crashed early" in session.text(history=True)

    def test_ctrl_c_reaches_the_command(self) -> None:
        program = "import time; print('ready', flush=True); time.sleep(60)"
        with TmuxSession([sys.executable, "-c", program], env={}) as session:
            session.wait_for("ready")
            session.send_keys("C-c")
            session.wait_for("KeyboardInterrupt")
            session.wait_for(lambda _: session.pane_dead(), timeout=5)
            assert session.exit_status() == 128 + signal.SIGINT

    def test_the_environment_is_only_what_was_given(self) -> None:
        program = "import os; print(sorted(os.environ)); input()"
        with TmuxSession([sys.executable, "-c", program], env={"EXTRA": "1"}) as session:
            text = session.wait_for("]")
            assert "['EXTRA', 'HOME', 'LANG', 'PATH', 'TERM']" in text.replace("\n", "")
            assert session.exit_status() is None

    def test_resize(self) -> None:
        program = (
            "import os, signal, time\n"
            "signal.signal(signal.SIGWINCH, lambda *_: print('size', *os.get_terminal_size()))\n"
            "print('ready', flush=True)\n"
            "time.sleep(60)\n"
        )
        with TmuxSession([sys.executable, "-c", program], env={}) as session:
            session.wait_for("ready")
            session.resize(60, 20)
            session.wait_for("size 60 20")
            assert session.screen().width == 60

    def test_timeout_shows_the_screen(self) -> None:
        with TmuxSession([sys.executable, "-c", "print('hello'); input()"], env={}) as session:
            session.wait_for("hello")
            with pytest.raises(AssertionError, match="hello"):
                session.wait_for("never shown", timeout=0.2)
