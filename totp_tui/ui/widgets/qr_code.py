"""The QR code, drawn in black ink on white paper whatever the theme: solid cells are
background colour, mixed ones a half block over it (totp_tui.authenticator.qr.draw).

Phone scanners expect dark modules on a light ground; a code drawn in the theme's colours is
inverted on a dark terminal and many apps refuse it, so the colours are explicit here.

With NO_COLOR the app strips every colour (Textual's NoColor filter), so the only contrast
left is the terminal's own pair of default colours, which reverse video swaps. A light
terminal shows ink in its default foreground as it is; on a dark one every cell is reversed,
so ink shows the dark default background and paper the light default foreground. Which one
the terminal is comes from the app's theme (it follows the terminal where it can tell, and
ctrl+t toggles it): no drawing without colours is right on both. When the terminal did not
say (tmux 3.3a answers no OSC 11), the enrol screen says which one the code is drawn for and
names ctrl+t (widgets/qr_polarity.py). On a light terminal every reversed cell is dark, so
the screen keeps reversed cells (a field's border or cursor) 4 modules from the symbol.

Without Unicode (`--ascii-qr`, or an output encoding that has no half blocks) each module is
two spaces, reversed for ink (see totp_tui.authenticator.qr.draw_ascii).

Zoomed (`zoom()`), the widget is maximized on its screen and draws the largest code that
fits, centred on paper that fills it; if it only fits without the footer's row, the footer
gives way while the code is zoomed.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.style import Style as TextualStyle
from textual.visual import Visual
from textual.widgets import Footer, Static

from totp_tui.authenticator.qr import (
    ASCII_INK,
    QUIET_ZONE,
    QrDrawing,
    QrMatrix,
    drawing_size,
    fit,
    fit_zoomed,
)
from totp_tui.ui.terminal_caps import caps_of

if TYPE_CHECKING:
    from textual.app import RenderResult
    from textual.css.styles import RulesMap
    from textual.geometry import Size
    from textual.visual import RenderOptions
    from textual.widget import Widget

INK_ON_PAPER = Style(color="rgb(0,0,0)", bgcolor="rgb(255,255,255)")
REVERSE = Style(reverse=True)
NOT_REVERSED = Style(reverse=False)


def pens(no_color: bool, dark_terminal: bool) -> tuple[Style, Style]:
    """(paper, ink): the styles of a cell whose background is paper, and of one whose
    background is ink. In each, the foreground is the other colour: a half block written
    with it shows its module in that colour."""
    if not no_color:
        return INK_ON_PAPER, INK_ON_PAPER + REVERSE
    if dark_terminal:
        return REVERSE, NOT_REVERSED
    return NOT_REVERSED, REVERSE


# One row of the drawing: runs of cells, each (its characters, whether ink is behind them).
Row = tuple[tuple[str, bool], ...]


def drawing_rows(drawing: QrDrawing, width: int = 0, height: int = 0) -> tuple[Row, ...]:
    """The drawing's rows, centred on paper of width x height cells when those are larger
    than the drawing. Runs of cells with the same background are one run, so a row costs a
    few colour changes, not one per cell."""
    left = max(0, (width - drawing.width) // 2)
    top = max(0, (height - drawing.height) // 2)
    full_width = max(width, drawing.width)
    right = full_width - left - drawing.width
    blank_row: Row = ((" " * full_width, False),)
    rows: list[Row] = []
    for index in range(max(height, top + drawing.height)):
        line = index - top
        if not 0 <= line < drawing.height:
            rows.append(blank_row)
            continue
        if drawing.ascii:
            cells = [(char == ASCII_INK, " ") for char in drawing.lines[line]]
        else:
            cells = list(zip(drawing.ink_behind[line], drawing.lines[line], strict=True))
        cells = [(False, " ")] * left + cells + [(False, " ")] * right
        rows.append(
            tuple(
                ("".join(char for _, char in run), inked)
                for inked, run in itertools.groupby(cells, key=lambda cell: cell[0])
            )
        )
    return tuple(rows)


def drawing_text(
    drawing: QrDrawing, paper: Style, ink: Style, width: int = 0, height: int = 0
) -> Text:
    """The drawing as styled text (what the widget shows, as a Rich Text)."""
    text = Text(no_wrap=True, end="")
    for index, row in enumerate(drawing_rows(drawing, width, height)):
        if index:
            text.append("\n")
        for run, inked in row:
            text.append(run, ink if inked else paper)
    return text


class QrVisual(Visual):
    """The drawing as Textual draws it: a strip of two or three segments' worth of runs per
    row, straight from the runs. As Rich Text, Textual turned the code into Content, wrapped
    and formatted it, and gave every run a style of its own (its position, for selecting
    text): about a third of the enrol screen's first frame, spent on a picture."""

    def __init__(self, rows: tuple[Row, ...], paper: Style, ink: Style) -> None:
        self._rows = rows
        self._paper = TextualStyle.from_rich_style(paper)
        self._ink = TextualStyle.from_rich_style(ink)
        self._width = max((sum(len(run) for run, _ in row) for row in rows), default=0)

    def render_strips(
        self, width: int, height: int | None, style: TextualStyle, options: RenderOptions
    ) -> list[Strip]:
        # On the widget's own style, as Content does with the spans of a Text.
        paper, ink = (style + self._paper).rich_style, (style + self._ink).rich_style
        rows = self._rows if height is None else self._rows[:height]
        strips = [
            Strip([Segment(run, ink if inked else paper) for run, inked in row], self._width)
            for row in rows
        ]
        if width < self._width:  # never drawn cropped (fit_into), but never wider than asked
            strips = [strip.crop(0, width) for strip in strips]
        return strips

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self._width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self._rows)


class QrCode(Static):
    """Shows a QrMatrix with its quiet zone if it fits the space it is given, or nothing.

    The owner calls `fit_into(columns, rows)` on resize; it answers whether the code fits.
    A code that does not fit is never drawn cropped.
    """

    DEFAULT_CSS = """
    QrCode { width: auto; height: auto; }
    """
    ALLOW_MAXIMIZE = True

    def __init__(self, matrix: QrMatrix, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._matrix = matrix
        self.drawing: QrDrawing | None = None
        self._fitted = False  # fit_into has drawn (or hidden) the code at least once
        self._zoomed_view: tuple[tuple[object, ...], Visual | Text] | None = None
        # Textual moves focus off widgets a maximized one hides; it comes back on zoom out.
        self._focus_before_zoom: Widget | None = None

    @property
    def matrix(self) -> QrMatrix:
        return self._matrix

    @property
    def ascii(self) -> bool:
        """Drawn with spaces only (two cells per module), for terminals without Unicode."""
        return caps_of(self.app).ascii_qr

    @property
    def zoomed(self) -> bool:
        return self.is_mounted and self.screen.maximized is self

    def on_mount(self) -> None:
        # Two columns a module: the margins that keep the quiet zone clear are wider (CSS).
        self.set_class(self.ascii, "-ascii")
        # Under NO_COLOR the drawing depends on the theme (see the module's docstring).
        self.watch(self.app, "theme", self._redraw, init=False)
        self.watch(self.screen, "maximized", self._zoom_changed, init=False)

    def smallest_size(self) -> tuple[int, int]:
        """(columns, rows) the code needs, with its quiet zone."""
        return drawing_size(self._matrix, QUIET_ZONE, ascii=self.ascii)

    def fits_alone(self, columns: int, rows: int) -> bool:
        """Whether the zoomed code would fit a screen of columns x rows."""
        return fit_zoomed(self._matrix, columns, rows, ascii=self.ascii) is not None

    def fit_into(self, columns: int, rows: int) -> bool:
        drawing = fit(self._matrix, columns, rows, ascii=self.ascii)
        if drawing != self.drawing or not self._fitted:
            # Only a change is drawn again: each redraw of the code is ~10 KB to the terminal.
            self._fitted = True
            self.drawing = drawing
            self._redraw()
        return self.drawing is not None

    # Zoom -----------------------------------------------------------------------------------

    def zoom(self) -> None:
        """Show the code alone, as large as the screen allows."""
        self._focus_before_zoom = self.screen.focused
        self.screen.maximize(self, container=False)

    def unzoom(self) -> None:
        if self.zoomed:
            self.screen.minimize()

    def _zoom_changed(self) -> None:
        # Also when Textual itself minimizes (Escape): the normal view comes back as it was.
        self._place_footer()
        self._redraw()
        if not self.zoomed:
            focus, self._focus_before_zoom = self._focus_before_zoom, None
            if focus is not None and focus.is_attached:
                focus.focus()
        self.screen.refresh_bindings()  # the footer's Zoom QR / Back

    def _place_footer(self) -> None:
        """Zoomed, the footer keeps its row only if the code fits without that row."""
        width, height = self.screen.size
        needs_the_row = not self.fits_alone(width, height - 1) and self.fits_alone(width, height)
        for footer in self.screen.query(Footer):
            footer.display = not (self.zoomed and needs_the_row)

    def on_resize(self) -> None:
        if self.zoomed:
            self._place_footer()

    # Drawing --------------------------------------------------------------------------------

    def _pens(self) -> tuple[Style, Style]:
        return pens(self.app.no_color, self.app.current_theme.dark)

    def _redraw(self) -> None:
        self._zoomed_view = None
        if self.zoomed:
            self.display = True
            self.refresh(layout=True)
            return
        if self.drawing is None:
            self.update("")
            self.display = False
            return
        self.update(QrVisual(drawing_rows(self.drawing), *self._pens()))
        self.display = True

    def render(self) -> RenderResult:
        if not self.zoomed:
            return super().render()
        return self._render_zoomed(self.content_size)

    def _render_zoomed(self, size: Size) -> Visual | Text:
        key = (size, self.ascii, *self._pens())
        if self._zoomed_view is not None and self._zoomed_view[0] == key:
            return self._zoomed_view[1]
        drawing = fit_zoomed(self._matrix, size.width, size.height, ascii=self.ascii)
        view: Visual | Text
        if drawing is None:
            view = Text(self._too_small_alone(), justify="center")
        else:
            view = QrVisual(drawing_rows(drawing, size.width, size.height), *self._pens())
        self._zoomed_view = (key, view)
        return view

    def _too_small_alone(self) -> str:
        if self._matrix.size == 0:
            return ""
        columns, rows = self.smallest_size()
        width, height = self.screen.size
        return (
            f"\nThe terminal is too small for the QR code even on its own: it needs "
            f"{columns}x{rows} (this one is {width}x{height}).\nEnlarge it to scan, or press z "
            "to go back and type the key."
        )

    def wipe(self) -> None:
        """Forget the drawing and the matrix (the secret is in both) before the screen goes
        away: Textual may keep the screen alive after it is left."""
        self._matrix = QrMatrix(())
        self.drawing = None
        self._zoomed_view = None
        self.update("")
        self.refresh()
