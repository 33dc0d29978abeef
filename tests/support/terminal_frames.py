"""Reading what an app wrote to the terminal (tmux pipe-pane's bytes): where it positioned the
cursor, which rows it wrote, and how many of its frames repainted the whole screen.

Shared by `make bench` (tests/support/benchmark_steps.py) and tests/test_terminal_output.py.
"""

from __future__ import annotations

import re

ROWS = 24

# CUP, ESC [ row ; column H (Rich's Control.move_to writes both numbers; row alone is legal).
_CUP = re.compile(rb"\x1b\[(\d+)(?:;\d+)?H")
_CONTROL = re.compile(rb"\x1b\[[0-9;?<=>]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")


def row_writes(data: bytes) -> list[tuple[int, bool]]:
    """Each cursor positioning (CUP) in order: (its row, 1-based; whether text follows it
    before the next CUP). A CUP followed only by other controls moves the cursor and writes
    nothing: Textual ends every frame with one, to leave the cursor in the focused field."""
    found = list(_CUP.finditer(data))
    moves = []
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(data)
        written = _CONTROL.sub(b"", data[match.end() : end]).strip(b"\r\n")
        moves.append((int(match.group(1)), bool(written)))
    return moves


def paint_counts(data: bytes, rows: int = ROWS) -> tuple[int, int]:
    """(full paints, rows written) in a stretch of terminal output, on a screen `rows` high.

    Textual writes a frame as runs of text, each after a CUP to where it starts, in screen
    order: top to bottom, and left to right on a row (a full frame, LayoutUpdate, is one CUP
    a row, 1 to 24; a partial one, ChopsUpdate, one a changed run), then one last CUP that
    only puts the cursor back in the focused field. So a frame's rows never go back up, and
    a CUP to a row above the one before starts the next frame (the cursor's CUP does, unless
    the cursor sits at or below the frame's last row: then it stays part of that frame,
    writing nothing).

    A full paint is such a run of CUPs, unbroken by a CUP to a row higher up, whose writing
    CUPs cover every row, 1 to 24: a frame that wrote the whole screen. Two partial frames
    that together cover every row count only if the cursor's CUP between them does not go
    back up, i.e. the first frame began at row 1 and the second ended at row 24, which the
    wizard's frames (the focused field is never on the last row) do not do. Rows written:
    the writing CUPs' distinct rows, summed over the runs.
    """
    full = written_rows = 0
    covered: set[int] = set()
    previous = 0
    for row, written in row_writes(data):
        if row < previous:
            full += len(covered) >= rows
            written_rows += len(covered)
            covered = set()
        previous = row
        if written and 1 <= row <= rows:
            covered.add(row)
    full += len(covered) >= rows
    written_rows += len(covered)
    return full, written_rows


def full_paints(data: bytes, rows: int = ROWS) -> int:
    """How many runs of output in `data` wrote every row of the screen (see paint_counts)."""
    return paint_counts(data, rows)[0]
