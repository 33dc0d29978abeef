"""The QR widget's drawing (ui/widgets/qr_code.py): QrVisual paints, cell for cell, what the
drawing's Rich Text holds (the model tests/test_terminal_scanning.py scans), for any code,
any paper around it, Unicode or ASCII, and every pair of pens."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.style import Style
from textual.visual import RenderOptions

from tests.support.screen_reading import Cell, cells_from_text, segment_cells
from totp_tui.authenticator.qr import QUIET_ZONE, draw, draw_ascii, make_matrix
from totp_tui.ui.widgets.qr_code import QrVisual, drawing_rows, drawing_text, pens


def painted_cells(visual: QrVisual, width: int) -> list[list[Cell]]:
    options = RenderOptions(get_style=lambda style: style, rules={})  # type: ignore[arg-type]
    strips = visual.render_strips(width, None, Style.null(), options)
    return [[cell for segment in strip for cell in segment_cells(segment)] for strip in strips]


@settings(max_examples=40, deadline=None)
@given(
    data=st.text(st.characters(codec="ascii", exclude_categories=("Cc",)), min_size=1, max_size=90),
    ascii=st.booleans(),
    no_color=st.booleans(),
    dark_terminal=st.booleans(),
    extra_width=st.integers(0, 30),
    extra_height=st.integers(0, 12),
)
def test_the_visual_paints_what_the_text_holds(
    data: str, ascii: bool, no_color: bool, dark_terminal: bool, extra_width: int, extra_height: int
) -> None:
    matrix = make_matrix(data)
    drawing = draw_ascii(matrix, QUIET_ZONE) if ascii else draw(matrix, QUIET_ZONE)
    width, height = drawing.width + extra_width, drawing.height + extra_height
    paper, ink = pens(no_color, dark_terminal)
    visual = QrVisual(drawing_rows(drawing, width, height), paper, ink)
    expected = cells_from_text(drawing_text(drawing, paper, ink, width, height))
    assert visual.get_optimal_width({}, 200) == width  # type: ignore[arg-type]
    assert visual.get_height({}, width) == height  # type: ignore[arg-type]
    assert painted_cells(visual, width) == expected


def test_runs_of_one_background_are_one_segment() -> None:
    """A row changes style only where the background does: on a slow link each change is
    bytes, and the quiet zone rows are one run from edge to edge."""
    drawing = draw(make_matrix("otpauth://totp/Acme:someone?secret=JBSWY3DPEHPK3PXP"), QUIET_ZONE)
    rows = drawing_rows(drawing, drawing.width + 10, drawing.height + 4)
    assert rows[0] == ((" " * (drawing.width + 10), False),)
    for row in rows:
        flags = [inked for _, inked in row]
        assert all(a != b for a, b in itertools.pairwise(flags))
