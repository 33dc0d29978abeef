"""A key URI as a QR code drawn with Unicode half blocks: one cell holds two modules.

Pure functions, no Textual: the widget colours the lines (black ink on white paper, whatever
the theme), and the tests decode them back.
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

    from totp_tui.qr_mask import best_mask

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


def drawing_size(matrix: QrMatrix, quiet_zone: int) -> tuple[int, int]:
    """(columns, rows) the drawing takes with this quiet zone."""
    side = matrix.size + 2 * quiet_zone
    return side, (side + 1) // 2


def draw(matrix: QrMatrix, quiet_zone: int) -> QrDrawing:
    side = matrix.size + 2 * quiet_zone

    def dark(row: int, col: int) -> bool:
        r, c = row - quiet_zone, col - quiet_zone
        return 0 <= r < matrix.size and 0 <= c < matrix.size and matrix.modules[r][c]

    lines = []
    for row in range(0, side, 2):
        lines.append(
            "".join(_HALF_BLOCKS[dark(row, col), dark(row + 1, col)] for col in range(side))
        )
    return QrDrawing(tuple(lines), quiet_zone)


def fit(matrix: QrMatrix, columns: int, rows: int) -> QrDrawing | None:
    """The drawing with the widest quiet zone that fits, or None: never a cropped code."""
    for quiet_zone in (PREFERRED_QUIET_ZONE, MINIMUM_QUIET_ZONE):
        width, height = drawing_size(matrix, quiet_zone)
        if width <= columns and height <= rows:
            return draw(matrix, quiet_zone)
    return None
