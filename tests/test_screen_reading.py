"""The QR-reading harness must be able to fail as well as succeed.

It reads what a phone would see: black-on-white codes decode on any theme; a code drawn in
the terminal's default colours decodes on a light theme only (inverted on a dark one); a
code without its quiet zone, cropped, or with its ink drawn as block glyphs (which leave a
seam where the terminal draws them short) does not decode.

The drawings here are painted by the tests, cell by cell as the widget does (each cell's
background as the drawing says, a half block in the other colour), so that what is tested
is the reader, not the widget.
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import pytest
import zxingcpp
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Static

from tests.support.qr_image import drawing_pixels
from tests.support.screen_reading import (
    DARK_THEME,
    EXACT_GLYPHS,
    LIGHT_THEME,
    SHORT_AT_THE_BOTTOM,
    SHORT_AT_THE_TOP,
    Cell,
    Glyphs,
    Region,
    Screen,
    TerminalTheme,
    cells_from_ansi,
    cells_from_textual,
    decode_qr,
    find_qr_region,
    quiet_modules,
    read_codes,
    screen_picture,
)
from tests.support.tmux_session import TmuxSession, require_tmux
from totp_tui.authenticator import qr
from totp_tui.authenticator.key_uri import build_key_uri

# A made-up secret of Cognito's length (52 base32 characters). URI is 140 characters,
# like the ones the app shows: version 6 (41 modules), 45x23 cells with its 2-module zone.
SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA"
URI = build_key_uri("Example Corp", "alice.smithson@example.com", SECRET)

RESET = "\x1b[0m"
BLACK: tuple[int, int, int] = (0, 0, 0)
WHITE: tuple[int, int, int] = (255, 255, 255)
# SGR for a cell of paper (black on white) and one of ink (white on black); with the
# terminal's default colours, plain and reversed.
EXPLICIT_SGR = ("\x1b[38;2;0;0;0;48;2;255;255;255m", "\x1b[38;2;255;255;255;48;2;0;0;0m")
DEFAULT_SGR = ("\x1b[27m", "\x1b[7m")
EXPLICIT_STYLES = (
    Style(color="rgb(0,0,0)", bgcolor="rgb(255,255,255)"),
    Style(color="rgb(255,255,255)", bgcolor="rgb(0,0,0)"),
)
DEFAULT_STYLES = (Style(), Style(reverse=True))
BLOCK_CHARS = {(False, False): " ", (True, False): "\u2580", (False, True): "\u2584"}


def drawing_for(columns: int = 80, rows: int = 24, uri: str = URI) -> qr.QrDrawing:
    drawing = qr.fit(qr.make_matrix(uri), columns, rows)
    assert drawing is not None, "the test URI must fit the terminal"
    return drawing


def zoomed_drawing() -> qr.QrDrawing:
    """URI at two cells per module (90x45): module edges fall between cells, so the code is
    background colour alone, without a single half block."""
    drawing = qr.fit_zoomed(qr.make_matrix(URI), 100, 47)
    assert drawing is not None and drawing.scale == 2
    assert not any(char.strip() for line in drawing.lines for char in line)
    return drawing


def glyph_ink_drawing() -> qr.QrDrawing:
    """The same code drawn the old way: paper background everywhere, ink as ▀ ▄ █ glyphs."""
    pixels = drawing_pixels(drawing_for())
    pixels.append([False] * len(pixels[0]))
    lines = tuple(
        "".join(
            "\u2588" if top and bottom else BLOCK_CHARS[top, bottom]
            for top, bottom in zip(pixels[row], pixels[row + 1], strict=True)
        )
        for row in range(0, len(pixels) - 1, 2)
    )
    paper = tuple((False,) * len(line) for line in lines)
    return qr.QrDrawing(lines, qr.QUIET_ZONE, ink_behind=paper)


def styled(drawing: qr.QrDrawing, styles: tuple[Style, Style]) -> Text:
    """The drawing as rich text: each cell in the paper or the ink style (styles[1]) as its
    background is."""
    text = Text(no_wrap=True, end="")
    for index, (line, behind) in enumerate(zip(drawing.lines, drawing.ink_behind, strict=True)):
        if index:
            text.append("\n")
        for char, ink in zip(line, behind, strict=True):
            text.append(char, styles[ink])
    return text


class QrApp(App[None]):
    """One Static holding the drawing, centred."""

    CSS = """
    Screen { align: center middle; }
    #qr { width: auto; height: auto; }
    """

    def __init__(self, drawing: qr.QrDrawing, explicit_colours: bool, theme: str) -> None:
        super().__init__()
        self._text = styled(drawing, EXPLICIT_STYLES if explicit_colours else DEFAULT_STYLES)
        self._theme_name = theme

    def compose(self) -> ComposeResult:
        yield Static(self._text, id="qr")

    def on_mount(self) -> None:
        self.theme = self._theme_name


async def textual_screen(
    explicit_colours: bool,
    theme: str,
    drawing: qr.QrDrawing | None = None,
    size: tuple[int, int] = (80, 24),
) -> Screen:
    app = QrApp(drawing or drawing_for(), explicit_colours, theme)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        return cells_from_textual(app)


class TestTextual:
    @pytest.mark.parametrize("zoomed", [False, True], ids=["half-blocks", "background-only"])
    async def test_black_on_white_decodes_on_the_dark_theme(self, zoomed: bool) -> None:
        drawing = zoomed_drawing() if zoomed else drawing_for()
        size = (100, 47) if zoomed else (80, 24)
        screen = await textual_screen(True, "textual-dark", drawing, size)
        assert decode_qr(screen) == [URI]
        assert find_qr_region(screen) is not None

    async def test_default_colours_on_the_dark_theme_do_not_decode(self) -> None:
        # The polarity bug: light ink on the dark theme's background is an inverted code.
        screen = await textual_screen(explicit_colours=False, theme="textual-dark")
        assert decode_qr(screen) == []
        assert find_qr_region(screen) is not None, "the code is there, only inverted"

    async def test_default_colours_on_the_light_theme_decode(self) -> None:
        # The control for the test above: same drawing, only the polarity differs.
        screen = await textual_screen(explicit_colours=False, theme="textual-light")
        assert decode_qr(screen) == [URI]

    async def test_an_ansi_theme_leaves_the_colours_to_the_terminal(self) -> None:
        # Textual's ANSI themes send default colours: the terminal's theme decides.
        app = QrApp(drawing_for(), explicit_colours=False, theme="ansi-dark")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            on_dark = cells_from_textual(app, DARK_THEME.fg, DARK_THEME.bg)
            on_light = cells_from_textual(app, LIGHT_THEME.fg, LIGHT_THEME.bg)
        assert decode_qr(on_dark) == []
        assert decode_qr(on_light) == [URI]

    async def test_cells_carry_the_explicit_colours(self) -> None:
        drawing = drawing_for()
        screen = await textual_screen(True, "textual-dark", drawing)
        assert (screen.width, screen.height) == (80, 24)
        # On the dark theme the region stops at the drawing's own white quiet zone.
        region = find_qr_region(screen)
        assert region is not None
        assert (region.width, region.height) == (drawing.width, drawing.height)
        for y, (line, behind) in enumerate(zip(drawing.lines, drawing.ink_behind, strict=True)):
            for x, (char, ink) in enumerate(zip(line, behind, strict=True)):
                cell = screen.cell(region.left + x, region.top + y)
                assert cell.char == char
                assert (cell.fg, cell.bg) == ((WHITE, BLACK) if ink else (BLACK, WHITE))


class TestCellsFromAnsi:
    def parse(self, text: str, width: int = 8, height: int = 2) -> list[list[Cell]]:
        screen = cells_from_ansi(text, width, height, DARK_THEME.fg, DARK_THEME.bg)
        return [list(row) for row in screen.rows]

    def test_truecolor(self) -> None:
        rows = self.parse("\x1b[38;2;1;2;3m\x1b[48;2;250;251;252mA")
        assert rows[0][0] == Cell("A", (1, 2, 3), (250, 251, 252))

    def test_combined_parameters(self) -> None:
        rows = self.parse(f"{EXPLICIT_SGR[0]}▀")
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


def ansi_lines(drawing: qr.QrDrawing, explicit_colours: bool = True) -> list[str]:
    """The drawing's lines as a program would print them: each cell's colours by its
    background, in explicit colours or in the terminal's defaults (reversed for ink)."""
    sgr = EXPLICIT_SGR if explicit_colours else DEFAULT_SGR
    ink_behind = drawing.ink_behind or tuple((False,) * len(line) for line in drawing.lines)
    lines = []
    for line, behind in zip(drawing.lines, ink_behind, strict=True):
        cells = [sgr[ink] + char for char, ink in zip(line, behind, strict=True)]
        lines.append("".join(cells) + RESET)
    return lines


def ansi_drawing(drawing: qr.QrDrawing, explicit_colours: bool = True, indent: int = 4) -> str:
    """A drawing as a terminal would hold it, one row down and indent columns in
    (the realistic URI takes 23 of the 24 rows)."""
    body = [" " * indent + line for line in ansi_lines(drawing, explicit_colours)]
    return "\n" + "\n".join(body) + "\n"


def ansi_screen(text: str, theme: TerminalTheme) -> Screen:
    return cells_from_ansi(text, 80, 24, theme.fg, theme.bg)


class TestDecodeFromAnsi:
    """The decoder's judgement on hand-made screens, without a terminal."""

    def decode(self, text: str, theme: TerminalTheme) -> list[str]:
        return decode_qr(ansi_screen(text, theme))

    @pytest.mark.parametrize("theme", [DARK_THEME, LIGHT_THEME], ids=lambda t: t.name)
    def test_black_on_white_decodes_on_any_theme(self, theme: TerminalTheme) -> None:
        assert self.decode(ansi_drawing(drawing_for()), theme) == [URI]

    def test_default_colours_are_inverted_on_a_dark_theme(self) -> None:
        text = ansi_drawing(drawing_for(), explicit_colours=False)
        assert self.decode(text, LIGHT_THEME) == [URI]
        assert self.decode(text, DARK_THEME) == []
        # It fails for its polarity alone: a decoder that reads inverted codes finds it.
        screen = ansi_screen(text, DARK_THEME)
        region = find_qr_region(screen)
        assert region is not None
        inverted = zxingcpp.read_barcodes(screen_picture(screen, region), try_invert=True)
        assert [result.text for result in inverted] == [URI]

    def test_no_quiet_zone_on_a_dark_screen_does_not_decode(self) -> None:
        # The margin is the real (dark) screen, not a white border the test invented.
        text = ansi_drawing(qr.draw(qr.make_matrix(URI), quiet_zone=0))
        assert self.decode(text, DARK_THEME) == []
        assert self.decode(text, LIGHT_THEME) == [URI]

    @pytest.mark.parametrize("theme", [DARK_THEME, LIGHT_THEME], ids=lambda t: t.name)
    def test_a_cropped_code_does_not_decode(self, theme: TerminalTheme) -> None:
        drawing = drawing_for()
        # The bottom six rows gone, as a too-short window would lose them (with the
        # bottom-left finder pattern).
        cropped = qr.QrDrawing(drawing.lines[:-6], 2, ink_behind=drawing.ink_behind[:-6])
        assert self.decode(ansi_drawing(cropped), theme) == []

    def test_ink_drawn_with_glyphs_does_not_decode(self) -> None:
        """The seam: glyphs a pixel short of the row (xterm with an outline font, PuTTY)
        leave the paper background showing through the ink at every text row."""
        screen = ansi_screen(ansi_drawing(glyph_ink_drawing()), DARK_THEME)
        assert decode_qr(screen) == []
        for short in (SHORT_AT_THE_TOP, SHORT_AT_THE_BOTTOM):
            assert decode_qr(screen, glyphs=[short]) == [], short.name
        # Control: only the seams keep it from reading; drawn exactly, it reads.
        assert decode_qr(screen, glyphs=[EXACT_GLYPHS]) == [URI]

    @pytest.mark.parametrize(
        "glyphs",
        [EXACT_GLYPHS, SHORT_AT_THE_TOP, SHORT_AT_THE_BOTTOM, Glyphs("both", top=1, bottom=1)],
        ids=lambda glyphs: glyphs.name,
    )
    def test_ink_drawn_as_background_has_no_seam(self, glyphs: Glyphs) -> None:
        # Solid ink is background colour, which the terminal fills whole; no glyph's short
        # edge matters to a code drawn with two cells per module, which has no glyphs.
        text = ansi_drawing(zoomed_drawing())
        screen = cells_from_ansi(text, 100, 47, DARK_THEME.fg, DARK_THEME.bg)
        assert [code.text for code in read_codes(screen, glyphs=glyphs)] == [URI]

    def test_a_screen_without_a_code(self) -> None:
        screen = ansi_screen("hello\n", DARK_THEME)
        assert find_qr_region(screen) is None
        assert decode_qr(screen) == []

    def test_the_region_is_the_code_and_its_quiet_zone(self) -> None:
        drawing = drawing_for()
        screen = ansi_screen(ansi_drawing(drawing), DARK_THEME)
        assert find_qr_region(screen) == Region(4, 1, drawing.width, drawing.height)

    @pytest.mark.parametrize("zone", [1, 2, 3])
    @pytest.mark.parametrize("scale", [1, 2])
    def test_the_quiet_zone_is_counted_in_modules(self, zone: int, scale: int) -> None:
        text = ansi_drawing(qr.draw(qr.make_matrix(URI), zone, scale))
        on_dark = cells_from_ansi(text, 100, 60, DARK_THEME.fg, DARK_THEME.bg)
        [code] = read_codes(on_dark)
        assert (code.modules, code.module) == (41, scale)
        # The dark screen around is no quiet zone; a light one is, as far as it goes.
        assert quiet_modules(on_dark, code) == zone
        on_light = cells_from_ansi(text, 100, 60, LIGHT_THEME.fg, LIGHT_THEME.bg)
        assert quiet_modules(on_light, code) == 4


# --- under a real terminal -------------------------------------------------------------

# The code takes 23 of the 24 rows: no newline after the last line (it would scroll the top
# line away), and the marker goes to the right of the last line.
PRINTER = """\
import sys, time
lines = json_lines
sys.stdout.write("\\n".join(lines) + "  ready")
sys.stdout.flush()
time.sleep(60)
"""


def printer_script(tmp_path: Path, explicit_colours: bool) -> list[str]:
    """A command that prints the drawing (with colours, or in the terminal's defaults)."""
    lines = ansi_lines(drawing_for(), explicit_colours)
    source = PRINTER.replace("json_lines", json.dumps(lines))
    script = tmp_path / "print_qr.py"
    script.write_text(source, encoding="utf-8")
    return [sys.executable, str(script)]


@pytest.fixture
def tmux() -> str:
    return require_tmux()


@pytest.mark.usefixtures("tmux")
class TestTmux:
    def test_black_on_white_decodes_on_both_themes(self, tmp_path: Path) -> None:
        with TmuxSession(printer_script(tmp_path, True), env={}) as session:
            session.wait_for("ready")
            # tmux keeps the RGB the program wrote, even under TERM=xterm-256color.
            assert "48;2;0;0;0m" in session.ansi()
            assert decode_qr(session.screen(DARK_THEME)) == [URI]
            assert decode_qr(session.screen(LIGHT_THEME)) == [URI]

    def test_default_colours_decode_only_on_a_light_theme(self, tmp_path: Path) -> None:
        with TmuxSession(printer_script(tmp_path, False), env={}) as session:
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
            # os.write, not print: a second SIGWINCH arriving inside the first print (tmux can
            # send two under load) raised "reentrant call" in print's buffered writer.
            "signal.signal(signal.SIGWINCH, lambda *_: os.write(1, ('size %d %d\\n' %"
            " tuple(os.get_terminal_size())).encode()))\n"
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
