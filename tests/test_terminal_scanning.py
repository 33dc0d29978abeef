"""The QR code read back from what a real terminal shows, on every kind of terminal (issue 6,
"Scannable everywhere"): tmux's copy of the screen with its colours (`capture-pane -e`),
judged under a dark and a light terminal theme, decoded with zxing-cpp without inversion.

One real `totp-tui` per terminal type goes through the real flow against the local Cognito
at 80x24; the other cases (larger terminals, zoom, NO_COLOR on a light terminal) run the
real app module showing the enrol screen for the public test key
(tests/support/enrol_screen_app.py), which starts in a second rather than three.
"""

from __future__ import annotations

import io
import re
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.conftest import PoolUser
from tests.support.screen_reading import (
    BLOCKS,
    DARK_THEME,
    FULL_BLOCK,
    LIGHT_THEME,
    LOWER_HALF,
    RGB,
    UPPER_HALF,
    XTERM_PALETTE,
    Cell,
    Region,
    Screen,
    TerminalTheme,
    cell_pixels,
    cells_from_ansi,
    cells_from_text,
    decode_qr,
    is_light,
    make_screen,
    quiet_modules,
    read_codes,
)
from tests.support.tmux_session import TmuxSession, require_tmux
from tests.support.ui_driving import PUBLIC_TEST_SECRET
from tests.test_end_to_end import reach_enrol, wizard_command
from totp_tui.authenticator import qr
from totp_tui.authenticator.key_uri import build_key_uri, group_secret, parse_key_uri
from totp_tui.demo.local_cognito import DemoPool, LocalCognito
from totp_tui.ui.terminal_caps import (
    TerminalCaps,
    detect_caps,
    encoding_has_half_blocks,
    initial_theme,
    terminal_is_light,
)
from totp_tui.ui.widgets import qr_code

REPO = Path(__file__).resolve().parent.parent
SNAPSHOT_URI = build_key_uri("AWSCognito", "jane.doe", PUBLIC_TEST_SECRET)
ENROL_SCREEN_APP = [sys.executable, "-m", "tests.support.enrol_screen_app"]

TERMINALS: dict[str, dict[str, str]] = {
    "256-colour": {"TERM": "xterm-256color"},
    "truecolor": {"TERM": "xterm-256color", "COLORTERM": "truecolor"},
    "16-colour linux": {"TERM": "linux"},
    "16-colour screen": {"TERM": "screen"},
    "tmux's own TERM": {"TERM": "tmux-256color"},
}
SIXTEEN_COLOURS = {"16-colour linux", "16-colour screen"}

# The Linux console's VGA palette. It has no bright backgrounds: SGR 100-107 set the normal
# ones (console_codes(4)), so white paper (107) shows as ANSI 7, light grey.
VGA: tuple[RGB, ...] = (
    (0, 0, 0), (170, 0, 0), (0, 170, 0), (170, 85, 0),
    (0, 0, 170), (170, 0, 170), (0, 170, 170), (170, 170, 170),
    (85, 85, 85), (255, 85, 85), (85, 255, 85), (255, 255, 85),
    (85, 85, 255), (255, 85, 255), (85, 255, 255), (255, 255, 255),
)  # fmt: skip
LINUX_CONSOLE = TerminalTheme("linux console", fg=VGA[7], bg=VGA[0])

# SGR parameters that set a colour (foreground, background, 256-colour, truecolor).
_COLOUR_PARAMETER = re.compile(r"^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$")


# --- reading the terminal ------------------------------------------------------------------


def as_linux_console(screen: Screen) -> Screen:
    """What the Linux console shows of the same cells: its own palette and defaults, and
    no bright backgrounds."""
    foreground = {XTERM_PALETTE[i]: VGA[i] for i in range(16)}
    background = {XTERM_PALETTE[i]: VGA[i % 8] for i in range(16)}
    rows = [
        [
            Cell(
                cell.char,
                None if cell.fg is None else foreground.get(cell.fg, cell.fg),
                None if cell.bg is None else background.get(cell.bg, cell.bg),
                cell.reverse,
            )
            for cell in row
        ]
        for row in screen.rows
    ]
    return make_screen(rows, screen.width, screen.height, LINUX_CONSOLE.fg, LINUX_CONSOLE.bg)


def whole(screen: Screen) -> Region:
    """The whole screen: what a camera pointed at the terminal sees. (ASCII codes have no
    half blocks for decode_qr to find; zxing finds the code in the picture by itself.)"""
    return Region(0, 0, screen.width, screen.height)


def codes_on(screen: Screen) -> list[str]:
    return decode_qr(screen, whole(screen))


def screens(session: TmuxSession, terminal: str = "") -> dict[str, Screen]:
    """One capture, judged as each terminal theme (and as the Linux console for 16 colours)."""
    ansi = session.ansi()
    seen = {
        theme.name: cells_from_ansi(ansi, session.width, session.height, theme.fg, theme.bg)
        for theme in (DARK_THEME, LIGHT_THEME)
    }
    if terminal in SIXTEEN_COLOURS:
        seen[LINUX_CONSOLE.name] = as_linux_console(seen[DARK_THEME.name])
    return seen


def wait_for_codes(
    session: TmuxSession, terminal: str = "", readable_on: str = DARK_THEME.name
) -> dict[str, list[str]]:
    """Poll until the code reads on `readable_on` (the app paints the QR a frame after the
    text), then what each theme reads of that same capture."""
    deadline = time.monotonic() + 5
    while True:
        read = {name: codes_on(screen) for name, screen in screens(session, terminal).items()}
        if read[readable_on] or time.monotonic() > deadline:
            return read
        time.sleep(0.1)


def colour_parameters(ansi: str) -> set[str]:
    """The colour-setting SGR parameters in a capture (tmux writes 39/49 for defaults)."""
    found = set()
    for sequence in re.findall(r"\x1b\[([0-9;:]*)m", ansi):
        found |= {p for p in re.split(r"[;:]", sequence) if _COLOUR_PARAMETER.match(p)}
    return found


def has_half_blocks(text: str) -> bool:
    return any(char in BLOCKS for char in text)


def counted(read: Mapping[str, list[str]]) -> dict[str, int]:
    return {theme: len(codes) for theme, codes in read.items()}


def assert_reads_everywhere(read: Mapping[str, list[str]], expected: str | None = None) -> str:
    """Exactly one code on every theme, the same one; returns it. URIs hold the key: the
    messages never show them."""
    counts = counted(read)
    assert all(count == 1 for count in counts.values()), f"codes read per theme: {counts}"
    uris = {codes[0] for codes in read.values()}
    assert len(uris) == 1, "the themes read different codes"
    uri = uris.pop()
    if expected is not None:
        same = uri == expected
        assert same, "the code carries another URI"
    return uri


# --- sessions ------------------------------------------------------------------------------


def enrol_screen_app(
    env: Mapping[str, str], width: int = 80, height: int = 24, *arguments: str
) -> TmuxSession:
    return TmuxSession(
        [*ENROL_SCREEN_APP, *arguments],
        env={**env, "PYTHONPATH": str(REPO)},
        width=width,
        height=height,
    )


def key_shown_beside(uri: str, text: str) -> bool:
    key = parse_key_uri(uri).secret
    return group_secret(key).split(" ")[0] in text


# --- the real wizard, one per terminal type, 80x24 -------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("terminal", sorted(TERMINALS))
def test_the_real_wizard_s_qr_reads_on_this_terminal(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, terminal: str
) -> None:
    require_tmux()
    env = TERMINALS[terminal]
    with TmuxSession(wizard_command(local_cognito, pool), env=env) as session:
        text = reach_enrol(session, user)
        uri = assert_reads_everywhere(wait_for_codes(session, terminal))
        key = parse_key_uri(uri)
        assert (key.issuer, key.account) == ("Acme", user.username)
        assert key_shown_beside(uri, text), "the QR carries another key than the one written"


@pytest.mark.e2e
def test_the_real_wizard_with_no_color_keeps_the_qr_readable_and_drops_every_colour(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
) -> None:
    """Without colours, a code can only be right for one terminal theme: the app's theme
    (dark unless the terminal says otherwise) chooses it, and ctrl+t switches it."""
    require_tmux()
    env = {"TERM": "xterm-256color", "NO_COLOR": "1"}
    with TmuxSession(wizard_command(local_cognito, pool), env=env) as session:
        text = reach_enrol(session, user)
        read = wait_for_codes(session)
        # Counted apart: pytest would print the URIs, and they hold the key.
        assert counted(read) == {DARK_THEME.name: 1, LIGHT_THEME.name: 0}, (
            "the code must read on a dark terminal, and only there"
        )
        assert key_shown_beside(read[DARK_THEME.name][0], text)
        assert colour_parameters(session.ansi()) == set(), "NO_COLOR, yet colours were sent"

        session.press("C-t")  # Theme: the terminal is light after all
        read = wait_for_codes(session, readable_on=LIGHT_THEME.name)
        assert counted(read) == {DARK_THEME.name: 0, LIGHT_THEME.name: 1}, (
            "after ctrl+t the code must read on a light terminal, and only there"
        )
        assert colour_parameters(session.ansi()) == set()


@pytest.mark.e2e
def test_the_real_wizard_draws_an_ascii_qr_for_a_non_unicode_locale(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
) -> None:
    """LC_ALL=C with Python's UTF-8 mode off: the output encoding is ASCII, which has no
    half blocks, so the code is made of spaces (two per module)."""
    require_tmux()
    env = {"TERM": "xterm-256color", "LC_ALL": "C", "PYTHONUTF8": "0"}
    with TmuxSession(wizard_command(local_cognito, pool), env=env, width=120, height=45) as s:
        text = reach_enrol(s, user)
        assert "too small" not in text
        read = wait_for_codes(s)
        uri = assert_reads_everywhere(read)
        assert key_shown_beside(uri, text)
        assert not has_half_blocks(s.text()), "half blocks on a terminal without Unicode"


@pytest.mark.e2e
def test_ascii_qr_flag_says_too_small_at_80x24_and_reads_once_enlarged(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
) -> None:
    require_tmux()
    command = [*wizard_command(local_cognito, pool), "--ascii-qr"]
    with TmuxSession(command, env={"TERM": "xterm-256color"}) as session:
        text = reach_enrol(session, user)
        flat = " ".join(text.split())
        assert "The terminal is too small for the QR code" in flat
        assert "Type this key into your authenticator app" in flat
        time.sleep(0.3)  # a frame or two: time for a (cropped) code to appear, if one would
        assert all(codes_on(screen) == [] for screen in screens(session).values())
        assert not has_half_blocks(session.text())

        session.resize(120, 45)
        session.wait_for(lambda screen: "too small" not in screen)
        uri = assert_reads_everywhere(wait_for_codes(session))
        assert key_shown_beside(uri, session.text())


# --- the enrol screen alone: larger terminals, zoom, a light terminal --------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("terminal", sorted(TERMINALS))
def test_qr_reads_on_a_larger_terminal(terminal: str) -> None:
    require_tmux()
    with enrol_screen_app(TERMINALS[terminal], 132, 43) as session:
        session.wait_for("Code from the app", timeout=15)
        assert_reads_everywhere(wait_for_codes(session, terminal), SNAPSHOT_URI)


@pytest.mark.e2e
def test_zoom_in_a_real_terminal_shows_the_code_alone_and_escape_goes_back() -> None:
    require_tmux()
    with enrol_screen_app({"TERM": "xterm-256color"}) as session:
        session.wait_for("Code from the app", timeout=15)
        session.send_keys("z")
        session.wait_for(lambda text: "Code from the app" not in text)
        assert_reads_everywhere(wait_for_codes(session), SNAPSHOT_URI)
        assert "GEZD" not in session.text(), "the key is still beside the zoomed code"

        session.send_keys("Escape")
        session.wait_for("Code from the app")
        assert_reads_everywhere(wait_for_codes(session), SNAPSHOT_URI)


@pytest.mark.e2e
def test_no_color_on_a_light_terminal_that_says_so() -> None:
    """COLORFGBG=0;15 (black on white): the code is drawn for a light terminal from the
    start, zoomed as well."""
    require_tmux()
    env = {"TERM": "xterm-256color", "NO_COLOR": "1", "COLORFGBG": "0;15"}
    with enrol_screen_app(env, 100, 30) as session:
        session.wait_for("Code from the app", timeout=15)
        read = wait_for_codes(session, readable_on=LIGHT_THEME.name)
        assert read == {DARK_THEME.name: [], LIGHT_THEME.name: [SNAPSHOT_URI]}
        session.send_keys("z")
        session.wait_for(lambda text: "Code from the app" not in text)
        read = wait_for_codes(session, readable_on=LIGHT_THEME.name)
        assert read == {DARK_THEME.name: [], LIGHT_THEME.name: [SNAPSHOT_URI]}
        assert colour_parameters(session.ansi()) == set()


@pytest.mark.e2e
def test_a_light_terminal_gets_the_light_theme() -> None:
    require_tmux()
    with enrol_screen_app({"TERM": "xterm-256color", "COLORFGBG": "0;15"}) as session:
        session.wait_for("Code from the app", timeout=15)
        assert_reads_everywhere(wait_for_codes(session), SNAPSHOT_URI)
        screen = screens(session)[DARK_THEME.name]
        heading_row = next(y for y, line in enumerate(screen.lines()) if "Set up your" in line)
        heading = screen.cell(screen.lines()[heading_row].index("Set up"), heading_row)
        assert is_light(screen.colours(heading)[1]), "the app is dark on a light terminal"


# --- what the terminal can show (no terminal needed) ---------------------------------------


class TestTerminalFacts:
    @pytest.mark.parametrize(
        ("colorfgbg", "light"),
        [("15;0", False), ("0;15", True), ("0;default;15", True), ("7;8", False),
         ("0;7", True), ("default;default", None), ("", None)],
    )  # fmt: skip
    def test_colorfgbg(self, colorfgbg: str, light: bool | None) -> None:
        assert terminal_is_light({"COLORFGBG": colorfgbg}) is light

    def test_textual_theme_wins_over_colorfgbg(self) -> None:
        assert initial_theme({"COLORFGBG": "0;15"}) == "textual-light"
        assert initial_theme({"COLORFGBG": "15;0"}) == "textual-dark"
        assert initial_theme({"COLORFGBG": "0;15", "TEXTUAL_THEME": "nord"}) is None
        assert initial_theme({}) is None

    @pytest.mark.parametrize(
        ("encoding", "half_blocks"),
        [("utf-8", True), ("UTF8", True), ("cp437", True), ("ascii", False),
         ("ANSI_X3.4-1968", False), ("iso8859-1", False), ("koi8-r", True), (None, True)],
    )  # fmt: skip
    def test_encodings(self, encoding: str | None, half_blocks: bool) -> None:
        assert encoding_has_half_blocks(encoding) is half_blocks

    @pytest.mark.parametrize(
        ("encoding", "flag", "ascii"),
        [("utf-8", False, False), ("utf-8", True, True), ("ascii", False, True)],
    )
    def test_the_stream_s_encoding_or_the_flag(
        self, encoding: str, flag: bool, ascii: bool
    ) -> None:
        stream = io.TextIOWrapper(io.BytesIO(), encoding=encoding)
        assert detect_caps(stream, ascii_qr_flag=flag) == TerminalCaps(ascii_qr=ascii)


class TestZoomedAndAsciiDrawings:
    @pytest.fixture(scope="class")
    def matrix(self) -> qr.QrMatrix:
        return qr.make_matrix(SNAPSHOT_URI)

    def test_ascii_is_two_spaces_per_module(self, matrix: qr.QrMatrix) -> None:
        drawing = qr.draw_ascii(matrix, qr.QUIET_ZONE)
        side = matrix.size + 2 * qr.QUIET_ZONE
        assert (drawing.width, drawing.height) == (2 * side, side)
        assert qr.drawing_size(matrix, qr.QUIET_ZONE, ascii=True) == (2 * side, side)
        assert set("".join(drawing.lines)) == {qr.ASCII_INK, qr.ASCII_PAPER}
        assert all(line[0::2] == line[1::2] for line in drawing.lines)

    @pytest.mark.parametrize(
        ("columns", "rows", "scale"),
        # Half blocks take 1 or an even scale (3 would leave seams where glyphs are short).
        [(80, 24, 1), (81, 40, 1), (100, 42, 2), (123, 62, 2), (122, 62, 2), (123, 61, 2)],
    )
    def test_zoom_takes_the_biggest_modules_that_fit(
        self, matrix: qr.QrMatrix, columns: int, rows: int, scale: int
    ) -> None:
        # Version 5: 37 modules, 41 with the quiet zone; (41 * scale) x ceil(41 * scale / 2).
        assert matrix.size == 37
        drawing = qr.fit_zoomed(matrix, columns, rows)
        assert drawing is not None
        assert (drawing.scale, drawing.quiet_zone) == (scale, 2)
        assert drawing.width <= columns and drawing.height <= rows

    def test_zoom_never_crops_and_keeps_two_modules_of_margin(self, matrix: qr.QrMatrix) -> None:
        for ascii in (False, True):
            width, height = qr.drawing_size(matrix, qr.QUIET_ZONE, ascii=ascii)
            assert qr.fit_zoomed(matrix, width - 1, 100, ascii=ascii) is None
            assert qr.fit_zoomed(matrix, 100, height - 1, ascii=ascii) is None
        for columns in range(38, 130, 3):
            for rows in range(19, 70, 3):
                for ascii in (False, True):
                    drawing = qr.fit_zoomed(matrix, columns, rows, ascii=ascii)
                    if drawing is None:
                        continue
                    assert drawing.quiet_zone == qr.QUIET_ZONE == 2
                    assert drawing.width <= columns and drawing.height <= rows
                    expected = qr.drawing_size(matrix, 2, scale=drawing.scale, ascii=ascii)
                    assert (drawing.width, drawing.height) == expected

    @pytest.mark.parametrize("ascii", [False, True])
    @pytest.mark.parametrize("scale", [1, 2, 4])
    def test_drawings_read_in_black_on_white(
        self, matrix: qr.QrMatrix, ascii: bool, scale: int
    ) -> None:
        drawing = (qr.draw_ascii if ascii else qr.draw)(matrix, qr.QUIET_ZONE, scale)
        for theme in (DARK_THEME, LIGHT_THEME):
            screen = painted(drawing, theme)
            assert codes_on(screen) == [SNAPSHOT_URI], theme.name
            # Two modules of the drawing's own paper: exactly that on the dark screen.
            [code] = read_codes(screen)
            zone = quiet_modules(screen, code)
            assert zone == 2 if theme is DARK_THEME else zone >= 2

    @pytest.mark.parametrize("scale", [1, 2, 3])
    def test_glyphs_leave_no_seam_that_could_be_avoided(
        self, matrix: qr.QrMatrix, scale: int
    ) -> None:
        """Solid ink and paper are background colour, which a terminal fills whole, and a
        half block touches a cell's edge only where the colour changes there, if it can."""
        screen = painted(qr.draw(matrix, qr.QUIET_ZONE, scale), DARK_THEME)
        assert FULL_BLOCK not in screen.text()
        assert avoidable_seams(screen) == 0

    @pytest.mark.parametrize(
        ("no_color", "dark_terminal"), [(False, True), (False, False), (True, True), (True, False)]
    )
    def test_the_widget_s_pens_read_on_the_terminals_they_are_for(
        self, matrix: qr.QrMatrix, no_color: bool, dark_terminal: bool
    ) -> None:
        """Explicit black on white reads on every terminal. Without colours (NO_COLOR), the
        pens for a dark terminal read only there, those for a light one only there: the
        same cells are inverted on the other, and the reader refuses them, as phones do."""
        drawing = qr.draw(matrix, qr.QUIET_ZONE)
        read = {
            theme.name: codes_on(painted(drawing, theme, no_color, dark_terminal))
            for theme in (DARK_THEME, LIGHT_THEME)
        }
        expected = {
            DARK_THEME.name: [SNAPSHOT_URI] if dark_terminal or not no_color else [],
            LIGHT_THEME.name: [SNAPSHOT_URI] if not dark_terminal or not no_color else [],
        }
        assert read == expected


def painted(
    drawing: qr.QrDrawing,
    theme: TerminalTheme,
    no_color: bool = False,
    dark_terminal: bool = True,
) -> Screen:
    """The drawing as the widget paints it (qr_code.drawing_text with its pens: black on
    white, or under NO_COLOR the terminal's defaults, reversed as the theme says), two rows
    down and four columns in on a screen of default-coloured cells."""
    paper, ink = qr_code.pens(no_color, dark_terminal)
    lines = cells_from_text(qr_code.drawing_text(drawing, paper, ink))
    rows: list[list[Cell]] = [[]] * 2 + [[Cell(" ")] * 4 + line for line in lines]
    return make_screen(rows, drawing.width + 8, len(rows) + 2, theme.fg, theme.bg)


def avoidable_seams(screen: Screen) -> int:
    """Glyph edges that would show a seam where no other glyph would.

    A terminal that draws the font's glyph a pixel short of the row (xterm with an outline
    font, PuTTY: at the top or at the bottom, depending on the font size) shows the cell's
    background along the edge the glyph touches. That is a seam through a module when the
    module across the edge has the glyph's colour. A cell of one colour needs no glyph (its
    background fills it whole); a cell of two can always take the half block that touches
    the edge where the colour does not continue, unless it continues across both.
    """
    seams = 0
    for y, row in enumerate(screen.rows):
        for x, cell in enumerate(row):
            fg, bg = screen.colours(cell)
            if cell.char not in BLOCKS or fg == bg:
                continue
            top, bottom = cell_pixels(screen, cell)
            above = cell_pixels(screen, screen.cell(x, y - 1))[1]
            below = cell_pixels(screen, screen.cell(x, y + 1))[0]
            at_top = cell.char in (UPPER_HALF, FULL_BLOCK) and above == fg
            at_bottom = cell.char in (LOWER_HALF, FULL_BLOCK) and below == fg
            unavoidable = top != bottom and above == top and below == bottom
            seams += max(0, at_top + at_bottom - unavoidable)
    return seams
