"""A key URI as a QR code drawn with Unicode half blocks: one cell holds two modules.

Pure functions, no Textual: the widget colours the lines (black ink on white paper, whatever
the theme), and the tests decode them back.

A cell whose two modules match is a space in that colour's background: solid runs of ink or
paper fill whole cells in every terminal. Emulators that draw the font's own block glyphs
(xterm with an outline font, PuTTY) make them about a pixel short of the row, at the top or
at the bottom depending on the font size, and drawing ink with glyphs left a light seam
through the ink at every text row, which zbar could not read at all.

A cell whose modules differ needs a half block, and a short glyph exposes the background at
the edge the glyph touches: ▀ at the top edge, ▄ at the bottom one. That is harmless where
the colour across that edge is the background's anyway, so each such cell takes the half
block whose edge meets a neighbour of the background's colour: ▀ (top module's colour over
the bottom one's) unless the module above continues its top, then ▄ (bottom module's colour
over the top one's). A seam is left only where both edges continue, far fewer rows than all.

Terminals without Unicode get an ASCII drawing instead: two cells per module, `ASCII_INK`
marking ink, which the widget shows as spaces in reverse video (the lines never reach the
terminal as they are). Zoomed, a module takes `scale` times as many cells each way.
"""

from __future__ import annotations

from dataclasses import dataclass

UPPER_HALF = "\u2580"  # ▀
LOWER_HALF = "\u2584"  # ▄

# Decoders read a 1-module quiet zone only when the surroundings contrast; a phone held at
# an angle to a window edge often does not see them, so every drawing keeps 2.
QUIET_ZONE = 2

# In ASCII drawings: a cell of ink (the widget draws it as a space in reverse video).
ASCII_INK = "#"
ASCII_PAPER = " "


@dataclass(frozen=True)
class QrMatrix:
    """The code's dark modules, quiet zone excluded."""

    modules: tuple[tuple[bool, ...], ...]

    @property
    def size(self) -> int:
        return len(self.modules)


@dataclass(frozen=True)
class QrDrawing:
    """Lines of characters, and for half blocks which cells have ink as their background.

    Half blocks: `ink_behind[row][col]` says the cell's background is ink (and a half block
    in it is paper); otherwise its background is paper (and a half block in it is ink).
    ASCII: ASCII_INK / ASCII_PAPER cells, two per module; `ink_behind` is empty."""

    lines: tuple[str, ...]
    quiet_zone: int
    scale: int = 1  # cells per module (half-block rows count as halves)
    ascii: bool = False
    ink_behind: tuple[tuple[bool, ...], ...] = ()

    @property
    def width(self) -> int:
        return len(self.lines[0]) if self.lines else 0

    @property
    def height(self) -> int:
        return len(self.lines)


def make_matrix(data: str) -> QrMatrix:
    """The smallest QR code for data at error correction L (smallest fits small terminals;
    a terminal does not smudge, so the extra redundancy of M buys nothing here)."""
    import qrcode  # loaded on first use: keeps start-up fast
    from qrcode.constants import ERROR_CORRECT_L

    from totp_tui.authenticator.qr_mask import best_mask

    # Made once with mask 0, then re-masked with the mask qrcode itself would choose, found
    # without qrcode's slow trial of all eight (see qr_mask): same symbol, a third of the time.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_L, border=0, mask_pattern=0)
    code.add_data(data)
    code.make(fit=True)
    best = best_mask(code.modules, code.version, 0)
    if best != 0:
        code.mask_pattern = best
        code.makeImpl(False, best)
    return QrMatrix(tuple(tuple(bool(m) for m in row) for row in code.modules))


def drawing_size(
    matrix: QrMatrix, quiet_zone: int, *, scale: int = 1, ascii: bool = False
) -> tuple[int, int]:
    """(columns, rows) the drawing takes with this quiet zone, scale and character set."""
    side = (matrix.size + 2 * quiet_zone) * scale
    if ascii:
        return 2 * side, side
    return side, (side + 1) // 2


def _ink_grid(matrix: QrMatrix, quiet_zone: int, scale: int) -> list[list[bool]]:
    """The code with its quiet zone as a square of pixels, `scale` pixels per module."""
    size = matrix.size

    def dark(row: int, col: int) -> bool:
        r, c = row - quiet_zone, col - quiet_zone
        return 0 <= r < size and 0 <= c < size and matrix.modules[r][c]

    side = size + 2 * quiet_zone
    return [
        [dark(row // scale, col // scale) for col in range(side * scale)]
        for row in range(side * scale)
    ]


def draw(matrix: QrMatrix, quiet_zone: int, scale: int = 1) -> QrDrawing:
    """Half blocks: one column and half a row per pixel, `scale` pixels per module."""
    pixels = _ink_grid(matrix, quiet_zone, scale)
    paper = [False] * len(pixels[0]) if pixels else []

    def pixel_row(row: int) -> list[bool]:
        return pixels[row] if 0 <= row < len(pixels) else paper

    lines, ink_behind = [], []
    for row in range(0, len(pixels), 2):
        above, top, bottom = pixel_row(row - 1), pixel_row(row), pixel_row(row + 1)
        chars, behind = [], []
        for column, (t, b) in enumerate(zip(top, bottom, strict=True)):
            if t == b:
                chars.append(" ")
                behind.append(b)
            elif above[column] != t:  # ▀'s top edge meets the background's colour
                chars.append(UPPER_HALF)
                behind.append(b)
            else:
                chars.append(LOWER_HALF)
                behind.append(t)
        lines.append("".join(chars))
        ink_behind.append(tuple(behind))
    return QrDrawing(tuple(lines), quiet_zone, scale, ink_behind=tuple(ink_behind))


def draw_ascii(matrix: QrMatrix, quiet_zone: int, scale: int = 1) -> QrDrawing:
    """Two columns and one row per pixel (cells are about twice as tall as wide, so the
    modules stay square), ASCII_INK for ink and ASCII_PAPER for paper."""
    pixels = _ink_grid(matrix, quiet_zone, scale)
    lines = ("".join((ASCII_INK if ink else ASCII_PAPER) * 2 for ink in row) for row in pixels)
    return QrDrawing(tuple(lines), quiet_zone, scale, ascii=True)


def fit(matrix: QrMatrix, columns: int, rows: int, *, ascii: bool = False) -> QrDrawing | None:
    """The drawing with its quiet zone, if it fits; None: never a cropped code."""
    width, height = drawing_size(matrix, QUIET_ZONE, ascii=ascii)
    if width <= columns and height <= rows:
        return (draw_ascii if ascii else draw)(matrix, QUIET_ZONE)
    return None


def fit_zoomed(
    matrix: QrMatrix, columns: int, rows: int, *, ascii: bool = False
) -> QrDrawing | None:
    """The biggest modules that fit, with the quiet zone, or None.

    Half blocks grow from 1 to even scales only: at an even scale every module is whole
    cells of background colour, with no glyph at all, while at 3, 5... cells split between
    two modules sit between runs of the same colour above and below, where any half block
    a terminal draws short leaves a seam (see the module's docstring). The zoomed code is
    shown alone on paper that fills the screen, which widens its quiet zone further.
    """
    if matrix.size == 0:
        return None
    width_at_one, _ = drawing_size(matrix, QUIET_ZONE, ascii=ascii)
    largest = max(1, columns // width_at_one)
    scales = range(largest, 0, -1) if ascii else [*range(largest - largest % 2, 1, -2), 1]
    for scale in scales:
        width, height = drawing_size(matrix, QUIET_ZONE, scale=scale, ascii=ascii)
        if width <= columns and height <= rows:
            return (draw_ascii if ascii else draw)(matrix, QUIET_ZONE, scale)
    return None
