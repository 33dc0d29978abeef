"""The QR code, drawn with half blocks in black ink on white paper whatever the theme.

Phone scanners expect dark modules on a light ground; a code drawn in the theme's colours is
inverted on a dark terminal and many apps refuse it, so the colours are explicit here.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from totp_tui.qr import QrDrawing, QrMatrix, drawing_size, fit

INK_ON_PAPER = Style(color="rgb(0,0,0)", bgcolor="rgb(255,255,255)")


class QrCode(Static):
    """Shows a QrMatrix at the largest quiet zone that fits the space it is given, or nothing.

    The owner calls `fit_into(columns, rows)` on resize; it answers whether the code fits.
    A code that does not fit is never drawn cropped.
    """

    DEFAULT_CSS = """
    QrCode { width: auto; height: auto; }
    """

    def __init__(self, matrix: QrMatrix, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._matrix = matrix
        self.drawing: QrDrawing | None = None

    @property
    def matrix(self) -> QrMatrix:
        return self._matrix

    def smallest_size(self) -> tuple[int, int]:
        """(columns, rows) the code needs with the minimum quiet zone."""
        return drawing_size(self._matrix, 1)

    def fit_into(self, columns: int, rows: int) -> bool:
        self.drawing = fit(self._matrix, columns, rows)
        if self.drawing is None:
            self.update("")
            self.display = False
            return False
        self.update(Text("\n".join(self.drawing.lines), style=INK_ON_PAPER, no_wrap=True))
        self.display = True
        return True

    def wipe(self) -> None:
        """Forget the drawing and the matrix (the secret is in both) before the screen goes
        away: Textual may keep the screen alive after it is left."""
        self._matrix = QrMatrix(())
        self.drawing = None
        self.update("")
