"""Choosing the QR mask pattern fast, with the same choice qrcode makes.

qrcode's `make()` places the data 9 times and scores each of the 8 masks cell by cell in
pure Python: about 7 ms for an otpauth URI, most of the QR's build time. Here the data is
placed once, and the 8 candidates are scored with the same penalty rules (ISO/IEC 18004
N1-N4, as qrcode implements them) on whole rows and columns packed into Python ints: every
row of the symbol side by side in one int, 11 light bits apart, so one bitwise operation
looks at every row at once. Windows that would straddle two rows are masked out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

GAP = 11  # light bits between packed lines: wider than the longest pattern (11 modules)


@dataclass(frozen=True)
class Layout:
    """What depends only on the symbol's version: where the data goes, what is fixed."""

    size: int
    stride: int
    fixed_rows: int  # function patterns as qrcode scores them (format info light)
    fixed_cols: int
    data_rows: int  # 1 where a data module goes
    data_cols: int
    mask_rows: tuple[int, ...]  # the 8 mask patterns, data modules only
    mask_cols: tuple[int, ...]
    valid: dict[int, int]  # window length -> 1 at every start inside a line


def _pack(lines: Any, size: int, stride: int) -> int:
    """Lines of truthy modules as one int: line i at bits i*stride .. i*stride+size-1, module
    j of a line at bit j (the string is written most significant line first)."""
    pad = "0" * (stride - size)
    return int(
        "".join(
            pad + "".join("1" if m else "0" for m in reversed(line)) for line in reversed(lines)
        ),
        2,
    )


def _window_starts(size: int, stride: int, length: int, lines: int) -> int:
    one_line = (1 << (size - length + 1)) - 1
    return sum(one_line << (i * stride) for i in range(lines))


@cache
def layout(version: int) -> Layout:
    from qrcode import QRCode
    from qrcode.util import mask_func

    size = version * 4 + 17
    stride = size + GAP
    # The function patterns, drawn by qrcode itself on an empty symbol; format and version
    # information in test mode (light), as qrcode's own scoring sees them.
    symbol = QRCode(version=version)
    symbol.modules_count = size
    symbol.modules = [[None] * size for _ in range(size)]
    symbol.setup_position_probe_pattern(0, 0)
    symbol.setup_position_probe_pattern(size - 7, 0)
    symbol.setup_position_probe_pattern(0, size - 7)
    symbol.setup_position_adjust_pattern()
    symbol.setup_timing_pattern()
    symbol.setup_type_info(True, 0)
    if version >= 7:
        symbol.setup_type_number(True)
    grid = symbol.modules
    columns = list(zip(*grid, strict=True))
    data = [[m is None for m in line] for line in grid]
    data_columns = list(zip(*data, strict=True))
    masks = [[[mask_func(p)(r, c) for c in range(size)] for r in range(size)] for p in range(8)]
    return Layout(
        size=size,
        stride=stride,
        fixed_rows=_pack([[m is True for m in line] for line in grid], size, stride),
        fixed_cols=_pack([[m is True for m in line] for line in columns], size, stride),
        data_rows=_pack(data, size, stride),
        data_cols=_pack(data_columns, size, stride),
        mask_rows=tuple(_pack(m, size, stride) for m in masks),
        mask_cols=tuple(_pack(list(zip(*m, strict=True)), size, stride) for m in masks),
        valid={n: _window_starts(size, stride, n, size) for n in (1, 2, 5, 11)},
    )


def _runs(lines: int, valid: dict[int, int]) -> int:
    """N1: each run of 5+ same-coloured modules in a line costs its length minus 2."""
    same = ~(lines ^ (lines >> 1)) & valid[2]  # module j equals module j+1
    five = same & (same >> 1) & (same >> 2) & (same >> 3) & valid[5]  # 5 equal from j
    # A run of length L has L-4 such starts; L-2 = (L-4) + 2 per run.
    return five.bit_count() + 2 * (five & ~(five << 1)).bit_count()


def _finder_like(lines: int, valid: dict[int, int]) -> int:
    """N3: 1011101 with four light modules after it (or before it) costs 40."""
    dark = [lines >> k for k in range(11)]
    light = [~d for d in dark]
    after = (
        dark[0] & light[1] & dark[2] & dark[3] & dark[4] & light[5] & dark[6]
        & light[7] & light[8] & light[9] & light[10]
    )  # fmt: skip
    before = (
        light[0] & light[1] & light[2] & light[3] & dark[4] & light[5] & dark[6]
        & dark[7] & dark[8] & light[9] & dark[10]
    )  # fmt: skip
    return 40 * ((after & valid[11]).bit_count() + (before & valid[11]).bit_count())


def penalty(rows: int, cols: int, shape: Layout) -> int:
    valid = shape.valid
    score = _runs(rows, valid) + _runs(cols, valid)
    # N2: every 2x2 block of one colour costs 3 (rows i and i+1 side by side).
    below = rows >> shape.stride
    same_down = ~(rows ^ below)
    same_right = ~(rows ^ (rows >> 1))
    blocks = same_down & (same_down >> 1) & same_right & valid[2]
    blocks &= (1 << ((shape.size - 1) * shape.stride)) - 1  # the last row has none below
    score += 3 * blocks.bit_count()
    score += _finder_like(rows, valid) + _finder_like(cols, valid)
    # N4: 10 for every 5 % the dark share departs from 50 % (qrcode's float arithmetic).
    percent = float(rows.bit_count()) / (shape.size**2)
    return score + int(abs(percent * 100 - 50) / 5) * 10


def best_mask(modules: list[list[bool]], version: int, mask_used: int) -> int:
    """The mask qrcode's best_mask_pattern() would choose, from a symbol made with
    `mask_used`: the data is unmasked once, then each mask is applied and scored."""
    shape = layout(version)
    rows = _pack(modules, shape.size, shape.stride)
    cols = _pack(list(zip(*modules, strict=True)), shape.size, shape.stride)
    data_rows = (rows ^ shape.mask_rows[mask_used]) & shape.data_rows
    data_cols = (cols ^ shape.mask_cols[mask_used]) & shape.data_cols
    scores = [
        penalty(
            shape.fixed_rows | ((data_rows ^ shape.mask_rows[p]) & shape.data_rows),
            shape.fixed_cols | ((data_cols ^ shape.mask_cols[p]) & shape.data_cols),
            shape,
        )
        for p in range(8)
    ]
    return scores.index(min(scores))  # the first of equals, as qrcode
