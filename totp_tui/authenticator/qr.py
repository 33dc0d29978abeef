"""A key URI as a QR code drawn with Unicode half blocks: one cell holds two modules.

Pure functions, no Textual: the widget colours the lines (black ink on white paper, whatever
the theme), and the tests decode them back.

Terminals without Unicode get an ASCII drawing instead: two cells per module, `ASCII_INK`
marking ink, which the widget shows as spaces in reverse video (the lines never reach the
terminal as they are). Zoomed, a module takes `scale` times as many cells each way.
"""

from __future__ import annotations

from dataclasses import dataclass

# Top module, bottom module -> character, with "ink" as the foreground colour.
_HALF_BLOCKS = {
    (False, False): " ",
    (True, False): "\u2580",  # ▀
    (False, True): "\u2584",  # ▄
    (True, True): "\u2588",  # █
}

# Decoders read a 1-module quiet zone when the surroundings contrast; 2 is safer.
PREFERRED_QUIET_ZONE = 2
MINIMUM_QUIET_ZONE = 1

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
    """Lines of half-block characters; ink (dark module) is the foreground."""

    lines: tuple[str, ...]
    quiet_zone: int
    scale: int = 1  # cells per module (half-block rows count as halves)
    ascii: bool = False  # ASCII_INK / ASCII_PAPER cells, two per module, not half blocks

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
    paper = [False] * len(pixels)
    lines = []
    for row in range(0, len(pixels), 2):
        top, bottom = pixels[row], pixels[row + 1] if row + 1 < len(pixels) else paper
        lines.append("".join(_HALF_BLOCKS[t, b] for t, b in zip(top, bottom, strict=True)))
    return QrDrawing(tuple(lines), quiet_zone, scale)


def draw_ascii(matrix: QrMatrix, quiet_zone: int, scale: int = 1) -> QrDrawing:
    """Two columns and one row per pixel (cells are about twice as tall as wide, so the
    modules stay square), ASCII_INK for ink and ASCII_PAPER for paper."""
    pixels = _ink_grid(matrix, quiet_zone, scale)
    lines = ("".join((ASCII_INK if ink else ASCII_PAPER) * 2 for ink in row) for row in pixels)
    return QrDrawing(tuple(lines), quiet_zone, scale, ascii=True)


def fit(matrix: QrMatrix, columns: int, rows: int, *, ascii: bool = False) -> QrDrawing | None:
    """The drawing with the widest quiet zone that fits, or None: never a cropped code."""
    for quiet_zone in (PREFERRED_QUIET_ZONE, MINIMUM_QUIET_ZONE):
        width, height = drawing_size(matrix, quiet_zone, ascii=ascii)
        if width <= columns and height <= rows:
            return (draw_ascii if ascii else draw)(matrix, quiet_zone)
    return None


def fit_zoomed(
    matrix: QrMatrix, columns: int, rows: int, *, ascii: bool = False
) -> QrDrawing | None:
    """The biggest modules that fit (then the widest quiet zone), or None.

    The zoomed code is shown alone on paper that fills the screen, so module size matters
    more than the drawing's own quiet zone: the paper around it widens the zone anyway.
    """
    if matrix.size == 0:
        return None
    width_at_one, _ = drawing_size(matrix, MINIMUM_QUIET_ZONE, ascii=ascii)
    for scale in range(max(1, columns // width_at_one), 0, -1):
        for quiet_zone in (PREFERRED_QUIET_ZONE, MINIMUM_QUIET_ZONE):
            width, height = drawing_size(matrix, quiet_zone, scale=scale, ascii=ascii)
            if width <= columns and height <= rows:
                return (draw_ascii if ascii else draw)(matrix, quiet_zone, scale)
    return None
