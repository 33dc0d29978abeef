"""Read a QR code the way a phone camera would: from the cells a terminal shows.

Two sources of cells: a running Textual app (under `run_test`), and the ANSI text of
`tmux capture-pane -p -e -N`. Cells that use the terminal's default colours are judged
against a terminal theme (dark or light), because that is what the person sees: a code
drawn in default colours is black on white on a light theme and inverted on a dark one.

The picture is built from the cells' *effective* colours, with the real screen around the
code as its margin (never an artificial white border), and decoded with zxing-cpp with
`try_invert=False`: an inverted code, or one whose quiet zone is the dark terminal
background, must not decode (DESIGN.md section 7).

A code must read however the terminal paints block glyphs (EVERY_TERMINAL): exactly, or
as xterm with an outline font and PuTTY do, with the font's own glyph, about a pixel
shorter than the row at the top or at the bottom (depending on the font size), where the
cell's background shows instead. A code whose ink is made of glyphs (█, ▄ and ▀ in the
ink's colour) then has a light seam through its ink at every text row and does not decode
here, as zbar could not read such screenshots; ink shown by background colour has no seam.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image
    from rich.color import Color
    from rich.segment import Segment
    from rich.text import Text as RichText
    from textual.app import App

RGB = tuple[int, int, int]

UPPER_HALF = "\u2580"  # ▀
LOWER_HALF = "\u2584"  # ▄
FULL_BLOCK = "\u2588"  # █
BLOCKS = UPPER_HALF + LOWER_HALF + FULL_BLOCK

# How much of the real screen around the code goes into the picture: 4 modules each way
# (one cell is one module wide and two modules tall).
MARGIN_COLUMNS = 4
MARGIN_ROWS = 2
# Picture pixels per column and per half row: zxing needs more than one pixel per module.
SCALE = 8
# Luma (0-255) above which a colour counts as paper rather than ink.
LIGHT_LUMA = 128


@dataclass(frozen=True)
class TerminalTheme:
    """The terminal's own default colours, used for cells that ask for no colour."""

    name: str
    fg: RGB
    bg: RGB


DARK_THEME = TerminalTheme("dark", fg=(229, 229, 229), bg=(24, 24, 24))
LIGHT_THEME = TerminalTheme("light", fg=(24, 24, 24), bg=(255, 255, 255))


@dataclass(frozen=True)
class Glyphs:
    """How a terminal paints block glyphs: how many picture pixels (of 2 * SCALE per row)
    each glyph leaves uncovered at the cell's top and bottom edges, where the cell's
    background shows instead."""

    name: str
    top: int = 0
    bottom: int = 0


# Most terminals draw block elements themselves, exactly.
EXACT_GLYPHS = Glyphs("exact")
# xterm with an outline font, PuTTY: the font's own glyph, a pixel (of a 16-17 pixel row)
# short at the top or at the bottom depending on the font size.
SHORT_AT_THE_TOP = Glyphs("short at the top", top=1)
SHORT_AT_THE_BOTTOM = Glyphs("short at the bottom", bottom=1)
# A code reads only if it reads however the terminal paints its glyphs.
EVERY_TERMINAL = (EXACT_GLYPHS, SHORT_AT_THE_TOP, SHORT_AT_THE_BOTTOM)


@dataclass(frozen=True)
class Cell:
    """One character cell; None means the terminal's default colour."""

    char: str
    fg: RGB | None = None
    bg: RGB | None = None
    reverse: bool = False


BLANK = Cell(" ")


@dataclass(frozen=True)
class Region:
    """A rectangle of cells: columns left..right-1, rows top..bottom-1."""

    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height


@dataclass(frozen=True)
class Screen:
    """What the terminal shows: rows of cells plus the theme's default colours."""

    rows: tuple[tuple[Cell, ...], ...]
    width: int
    height: int
    default_fg: RGB = DARK_THEME.fg
    default_bg: RGB = DARK_THEME.bg

    def cell(self, x: int, y: int) -> Cell:
        """The cell at (x, y); outside the screen, the terminal's blank padding."""
        if 0 <= y < self.height and 0 <= x < self.width:
            return self.rows[y][x]
        return BLANK

    def colours(self, cell: Cell) -> tuple[RGB, RGB]:
        """(foreground, background) as displayed: defaults filled in, reverse applied."""
        fg = self.default_fg if cell.fg is None else cell.fg
        bg = self.default_bg if cell.bg is None else cell.bg
        return (bg, fg) if cell.reverse else (fg, bg)

    def lines(self) -> list[str]:
        return ["".join(cell.char for cell in row).rstrip() for row in self.rows]

    def text(self) -> str:
        """The plain text, one line per row, trailing spaces dropped."""
        return "\n".join(self.lines())


def make_screen(
    rows: Iterable[Sequence[Cell]], width: int, height: int, default_fg: RGB, default_bg: RGB
) -> Screen:
    """A Screen of exactly width x height: short rows and missing rows are blank."""
    fitted = []
    for row in list(rows)[:height]:
        cells = tuple(row[:width])
        fitted.append(cells + (BLANK,) * (width - len(cells)))
    fitted.extend([(BLANK,) * width] * (height - len(fitted)))
    return Screen(tuple(fitted), width, height, default_fg, default_bg)


# --- colours ---------------------------------------------------------------------------


def _xterm_palette() -> tuple[RGB, ...]:
    """xterm's 256 colours: 16 system colours, a 6x6x6 cube, 24 greys."""
    system: list[RGB] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
        (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
        (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]  # fmt: skip
    levels = (0, 95, 135, 175, 215, 255)
    cube = [(levels[r], levels[g], levels[b]) for r in range(6) for g in range(6) for b in range(6)]
    greys = [(8 + 10 * i,) * 3 for i in range(24)]
    return tuple(system + cube + greys)  # type: ignore[arg-type]


XTERM_PALETTE = _xterm_palette()


def luma(colour: RGB) -> float:
    """ITU-R 601 luma, the weighting Pillow's greyscale conversion uses."""
    red, green, blue = colour
    return 0.299 * red + 0.587 * green + 0.114 * blue


def is_light(colour: RGB) -> bool:
    return luma(colour) > LIGHT_LUMA


# --- cells from Textual ----------------------------------------------------------------


def _rich_rgb(color: Color | None) -> RGB | None:
    """A rich colour as RGB; None for the terminal default.

    Palette colours use the same xterm palette as cells_from_ansi, so both sources agree.
    """
    from rich.color import ColorType

    if color is None or color.type == ColorType.DEFAULT:
        return None
    if color.type in (ColorType.STANDARD, ColorType.EIGHT_BIT) and color.number is not None:
        return XTERM_PALETTE[color.number]
    truecolor = color.get_truecolor()
    return (truecolor.red, truecolor.green, truecolor.blue)


def segment_cells(segment: Segment) -> list[Cell]:
    from rich.cells import cell_len

    if segment.control:
        return []
    style = segment.style
    fg = _rich_rgb(style.color) if style else None
    bg = _rich_rgb(style.bgcolor) if style else None
    reverse = bool(style and style.reverse)
    cells = []
    for char in segment.text:
        cells.append(Cell(char, fg, bg, reverse))
        # A wide character covers the next cell too; keep columns aligned.
        cells.extend([Cell("", fg, bg, reverse)] * (cell_len(char) - 1))
    return cells


def cells_from_textual(
    app: App[object],
    default_fg: RGB = DARK_THEME.fg,
    default_bg: RGB = DARK_THEME.bg,
) -> Screen:
    """The cells the app's screen shows now, as its compositor would send them.

    Uses Textual 8.2.8 internals: `Screen._compositor.render_strips()` paints every widget
    (line filters already applied) without clearing the dirty regions, unlike
    `render_update(full=True)`. Modal screens paint the screens below them through the
    `visible_screen_stack` context variable, set here in a copied context so the app's own
    context is untouched. Textual's themes give explicit RGB; only ANSI themes use defaults.
    """
    from textual._context import visible_screen_stack

    def render() -> list[list[Cell]]:
        visible_screen_stack.set(app._background_screens)
        strips = app.screen._compositor.render_strips()
        return [[cell for segment in strip for cell in segment_cells(segment)] for strip in strips]

    width, height = app.size
    rows = contextvars.copy_context().run(render)
    return make_screen(rows, width, height, default_fg, default_bg)


def cells_from_text(text: RichText) -> list[list[Cell]]:
    """The rows of cells a rich Text paints (its styles as they are, no theme applied)."""
    from rich.console import Console
    from rich.segment import Segment

    console = Console(width=10_000, color_system="truecolor", force_terminal=True)
    lines = Segment.split_lines(text.render(console))
    return [[cell for segment in line for cell in segment_cells(segment)] for line in lines]


# --- cells from ANSI (tmux capture-pane -e) --------------------------------------------

# CSI sequences, OSC strings (e.g. hyperlinks) and two-byte escapes; only SGR ("m") counts.
_ESCAPE = re.compile(r"(\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?)")


@dataclass
class _Pen:
    """The SGR state while parsing; tmux carries it from one line to the next."""

    fg: RGB | None = None
    bg: RGB | None = None
    reverse: bool = False

    def cell(self, char: str) -> Cell:
        return Cell(char, self.fg, self.bg, self.reverse)


def _extended_colour(params: list[int], index: int) -> tuple[RGB | None, int]:
    """Read `5;n` or `2;r;g;b` after a 38/48: the colour and how many params it used."""
    mode = params[index] if index < len(params) else None
    if mode == 5 and index + 1 < len(params):
        return XTERM_PALETTE[params[index + 1] % 256], 2
    if mode == 2 and index + 3 < len(params):
        red, green, blue = (min(value, 255) for value in params[index + 1 : index + 4])
        return (red, green, blue), 4
    return None, len(params) - index  # malformed: ignore the rest, as terminals do


def _apply_sgr(pen: _Pen, argument: str) -> None:
    params = [int(part) if part.isdigit() else 0 for part in argument.split(";")]
    index = 0
    while index < len(params):
        code = params[index]
        index += 1
        if code == 0:
            pen.fg, pen.bg, pen.reverse = None, None, False
        elif code in (7, 27):
            pen.reverse = code == 7
        elif 30 <= code <= 37:
            pen.fg = XTERM_PALETTE[code - 30]
        elif 90 <= code <= 97:
            pen.fg = XTERM_PALETTE[code - 90 + 8]
        elif 40 <= code <= 47:
            pen.bg = XTERM_PALETTE[code - 40]
        elif 100 <= code <= 107:
            pen.bg = XTERM_PALETTE[code - 100 + 8]
        elif code in (38, 48):
            colour, used = _extended_colour(params, index)
            index += used
            if colour is not None and code == 38:
                pen.fg = colour
            elif colour is not None:
                pen.bg = colour
        elif code == 39:
            pen.fg = None
        elif code == 49:
            pen.bg = None
        # Bold, dim, italic, underline, blink...: they do not change what a camera sees
        # of a half block, so they are ignored.


def _parse_line(line: str, pen: _Pen) -> list[Cell]:
    cells = []
    for token in _ESCAPE.split(line):
        if not token:
            continue
        if token.startswith("\x1b"):
            if token.startswith("\x1b[") and token.endswith("m"):
                _apply_sgr(pen, token[2:-1])
            continue
        cells.extend(pen.cell(char) for char in token if char not in "\r\n")
    return cells


def cells_from_ansi(text: str, width: int, height: int, default_fg: RGB, default_bg: RGB) -> Screen:
    """Cells from `tmux capture-pane -p -e` output.

    Capture with -N too: without it tmux trims trailing spaces even when they have a
    background colour, which removes a code's right-hand quiet zone. Cells past the end of
    a line are the terminal's cleared cells: default colours, whatever the pen was.
    """
    pen = _Pen()
    rows = [_parse_line(line, pen) for line in text.split("\n")[:height]]
    return make_screen(rows, width, height, default_fg, default_bg)


# --- finding and decoding the code -----------------------------------------------------

# Where each block glyph paints its foreground, in picture rows of a cell (2 * SCALE tall).
_GLYPH_ROWS = {
    UPPER_HALF: (0, SCALE),
    LOWER_HALF: (SCALE, 2 * SCALE),
    FULL_BLOCK: (0, 2 * SCALE),
}


@dataclass(frozen=True)
class FoundCode:
    """A code zxing read, and where its symbol is (without its quiet zone), in dots: a dot
    is one column wide and half a row tall, the pixel of a half-block drawing."""

    text: str
    modules: int  # across the symbol
    left: float
    top: float
    right: float
    bottom: float

    @property
    def module(self) -> float:
        """Dots per module, each way."""
        return (self.right - self.left) / self.modules

    def cells(self) -> Region:
        """The cells the symbol covers (a row half covered counts)."""
        left, right = round(self.left), round(self.right)
        top, bottom = round(self.top) // 2, -(-round(self.bottom) // 2)
        return Region(left, top, right - left, bottom - top)


def _is_quiet(screen: Screen, x: int, y: int) -> bool:
    """A blank cell that shows light paper: part of a quiet zone."""
    cell = screen.cell(x, y)
    return cell.char in (" ", "\u00a0") and is_light(screen.colours(cell)[1])


def _whole(screen: Screen) -> Region:
    return Region(0, 0, screen.width, screen.height)


def find_qr_region(screen: Screen) -> Region | None:
    """Where the code is: the cells of the largest symbol zxing locates on the whole screen,
    grown one row or column at a time while the whole new edge is light blank cells (the
    quiet zone, and any light paper around it). None when there is no code to locate.

    Located as a camera would, by its finder patterns, whatever draws the modules (glyphs,
    background colours, reverse video), with glyphs drawn exactly and inverted codes
    accepted: this only says where the code is, so that a test can show what else keeps it
    from reading. decode_qr judges, and refuses inverted codes and seams.

    The growth only decides what counts as "the code"; decode_qr adds the real screen
    around it anyway, so growing too far costs nothing.
    """
    found = read_codes(screen, try_invert=True)
    if not found:
        return None
    code = max(found, key=lambda code: (code.right - code.left) * (code.bottom - code.top))
    symbol = code.cells()
    left, right, top, bottom = symbol.left, symbol.right, symbol.top, symbol.bottom
    grew = True
    while grew:
        grew = False
        if left > 0 and all(_is_quiet(screen, left - 1, y) for y in range(top, bottom)):
            left, grew = left - 1, True
        if right < screen.width and all(_is_quiet(screen, right, y) for y in range(top, bottom)):
            right, grew = right + 1, True
        if top > 0 and all(_is_quiet(screen, x, top - 1) for x in range(left, right)):
            top, grew = top - 1, True
        if bottom < screen.height and all(_is_quiet(screen, x, bottom) for x in range(left, right)):
            bottom, grew = bottom + 1, True
    return Region(left, top, right - left, bottom - top)


def cell_pixels(screen: Screen, cell: Cell) -> tuple[RGB, RGB]:
    """The (top, bottom) halves of a cell as displayed. Any other character counts as its
    background: text next to a code is mostly background to a camera."""
    fg, bg = screen.colours(cell)
    top = fg if cell.char in (UPPER_HALF, FULL_BLOCK) else bg
    bottom = fg if cell.char in (LOWER_HALF, FULL_BLOCK) else bg
    return top, bottom


def screen_picture(screen: Screen, region: Region, glyphs: Glyphs = EXACT_GLYPHS) -> Image:
    """A greyscale picture of region, SCALE pixels per column and 2 * SCALE per row. Each
    cell is its background colour, and a block glyph paints its part in the foreground
    colour, short at the cell's edges as `glyphs` says. Cells outside the screen are the
    terminal's padding: its default background."""
    from PIL import Image as PilImage

    picture = PilImage.new("RGB", (region.width * SCALE, region.height * 2 * SCALE))
    for row in range(region.height):
        for column in range(region.width):
            cell = screen.cell(region.left + column, region.top + row)
            fg, bg = screen.colours(cell)
            x, y = column * SCALE, row * 2 * SCALE
            picture.paste(bg, (x, y, x + SCALE, y + 2 * SCALE))
            if cell.char in _GLYPH_ROWS:
                start, end = _GLYPH_ROWS[cell.char]
                start = max(start, glyphs.top)
                end = min(end, 2 * SCALE - glyphs.bottom)
                picture.paste(fg, (x, y + start, x + SCALE, y + end))
    return picture.convert("L")


def read_codes(
    screen: Screen,
    region: Region | None = None,
    *,
    glyphs: Glyphs = EXACT_GLYPHS,
    try_invert: bool = False,
) -> list[FoundCode]:
    """The QR codes zxing-cpp reads in one picture of region (default: the whole screen),
    and where they are. Inverted codes only with try_invert, which decode_qr never asks."""
    import zxingcpp

    region = region or _whole(screen)
    results = zxingcpp.read_barcodes(
        screen_picture(screen, region, glyphs),
        formats=zxingcpp.BarcodeFormat.QRCode,
        try_invert=try_invert,
        try_downscale=False,  # full resolution, like a screenshot: downscaling blurs seams
    )
    found = []
    for result in results:
        at = result.position
        corners = (at.top_left, at.top_right, at.bottom_right, at.bottom_left)
        xs = [corner.x / SCALE for corner in corners]
        ys = [corner.y / SCALE for corner in corners]
        found.append(
            FoundCode(
                result.text,
                modules=17 + 4 * int(result.extra["Version"]),
                left=region.left + min(xs),
                top=2 * region.top + min(ys),
                right=region.left + max(xs),
                bottom=2 * region.top + max(ys),
            )
        )
    return found


def decode_qr(
    screen: Screen, region: Region | None = None, *, glyphs: Sequence[Glyphs] = EVERY_TERMINAL
) -> list[str]:
    """The texts of the QR codes a camera would read in region (default: find_qr_region),
    with MARGIN_COLUMNS/MARGIN_ROWS of the real screen around it, whichever way of painting
    glyphs the terminal has: a text counts only if it reads in every picture."""
    region = region or find_qr_region(screen)
    if region is None:
        return []
    framed = Region(
        region.left - MARGIN_COLUMNS,
        region.top - MARGIN_ROWS,
        region.width + 2 * MARGIN_COLUMNS,
        region.height + 2 * MARGIN_ROWS,
    )
    readings = [[code.text for code in read_codes(screen, framed, glyphs=way)] for way in glyphs]
    return [text for text in readings[0] if all(text in other for other in readings[1:])]


def _dot_is_light(screen: Screen, x: int, y: int) -> bool:
    top, bottom = cell_pixels(screen, screen.cell(x, y // 2))
    return is_light(bottom if y % 2 else top)


def quiet_modules(screen: Screen, code: FoundCode, most: int = 4) -> int:
    """How many whole modules of light paper surround the code's symbol on every side, up
    to `most`. Dots outside the screen are the terminal's padding, its default background."""
    module = round(code.module)
    left, top = round(code.left), round(code.top)
    right, bottom = round(code.right), round(code.bottom)
    for ring in range(1, most + 1):
        reach = ring * module
        for y in range(top - reach, bottom + reach):
            inside_rows = top - reach + module <= y < bottom + reach - module
            for x in range(left - reach, right + reach):
                inside = inside_rows and left - reach + module <= x < right + reach - module
                if not inside and not _dot_is_light(screen, x, y):
                    return ring - 1
    return most
