"""Turn half-block cells back into a picture and decode it, as a phone camera would.

The recipe (DESIGN.md §7): each cell is two pixels stacked, the top one painted in the cell's
foreground colour if the character is ▀ or █ (else its background colour), the bottom one
in the foreground colour if the character is ▄ or █. Which colours are ink (dark) is given
per cell, so callers that read a real screen can pass the colours they saw. No margin is
added: a code must carry its own quiet zone to decode. `try_invert=False` matters: zxing's
default also reads light-on-dark codes, which would hide a polarity bug.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image

from totp_tui.authenticator.qr import QrDrawing

UPPER_HALF = "\u2580"  # ▀
LOWER_HALF = "\u2584"  # ▄
FULL_BLOCK = "\u2588"  # █

BLACK = 0
WHITE = 255

Mask = Sequence[Sequence[bool]]


def _cell(mask: Mask | None, row: int, col: int, default: bool) -> bool:
    if mask is None:
        return default
    try:
        return bool(mask[row][col])
    except IndexError:
        return default


def ink_pixels(
    lines: Sequence[str],
    fg_ink: Mask | None = None,
    bg_ink: Mask | None = None,
) -> list[list[bool]]:
    """Pixel rows (two per line), True where the pixel is ink.

    fg_ink[row][col]: the cell's foreground colour is ink (default: True, the drawing's own
    convention). bg_ink[row][col]: the cell's background colour is ink (default: False).
    Short lines are padded with blank cells; characters other than the three blocks paint
    both pixels in the background colour.
    """
    width = max((len(line) for line in lines), default=0)
    pixels: list[list[bool]] = []
    for row, line in enumerate(lines):
        top: list[bool] = []
        bottom: list[bool] = []
        for col in range(width):
            char = line[col] if col < len(line) else " "
            fg = _cell(fg_ink, row, col, True)
            bg = _cell(bg_ink, row, col, False)
            top.append(fg if char in (UPPER_HALF, FULL_BLOCK) else bg)
            bottom.append(fg if char in (LOWER_HALF, FULL_BLOCK) else bg)
        pixels.append(top)
        pixels.append(bottom)
    return pixels


def half_blocks_to_image(
    lines: Sequence[str],
    fg_ink: Mask | None = None,
    bg_ink: Mask | None = None,
    scale: int = 8,
) -> Image.Image:
    """A greyscale picture of the cells: ink black, the rest white, each pixel scale x scale."""
    pixels = ink_pixels(lines, fg_ink, bg_ink)
    height = len(pixels)
    width = len(pixels[0]) if pixels else 0
    small = Image.new("L", (max(width, 1), max(height, 1)), WHITE)
    small.putdata([BLACK if ink else WHITE for row in pixels for ink in row])
    return small.resize((small.width * scale, small.height * scale), Image.Resampling.NEAREST)


def decode_half_blocks(
    lines: Sequence[str],
    ink_mask: Mask | None = None,
    *,
    fg_ink: Mask | None = None,
    bg_ink: Mask | None = None,
    scale: int = 8,
) -> list[str]:
    """The texts of the QR codes zxing-cpp finds in the cells, dark-on-light only.

    ink_mask[row][col] is the short form for two-colour cells: True when the cell's
    foreground is the dark colour (and its background the light one), False when the colours
    are swapped. fg_ink/bg_ink give each side on its own and win over ink_mask.
    """
    import zxingcpp

    if ink_mask is not None:
        fg_ink = ink_mask if fg_ink is None else fg_ink
        bg_ink = [[not ink for ink in row] for row in ink_mask] if bg_ink is None else bg_ink
    image = half_blocks_to_image(lines, fg_ink, bg_ink, scale)
    return [result.text for result in zxingcpp.read_barcodes(image, try_invert=False)]


def uniform_mask(lines: Sequence[str], value: bool) -> list[list[bool]]:
    """The same answer for every cell, e.g. to describe a drawing with its colours swapped."""
    width = max((len(line) for line in lines), default=0)
    return [[value] * width for _ in lines]


def drawing_masks(drawing: QrDrawing) -> tuple[list[list[bool]], list[list[bool]]]:
    """(fg_ink, bg_ink) of a half-block drawing as the widget colours it: the background
    as the drawing says, and the foreground (a half block's colour) the other one."""
    bg_ink = [list(row) for row in drawing.ink_behind]
    fg_ink = [[not ink for ink in row] for row in drawing.ink_behind]
    return fg_ink, bg_ink


def drawing_pixels(drawing: QrDrawing) -> list[list[bool]]:
    fg_ink, bg_ink = drawing_masks(drawing)
    return ink_pixels(drawing.lines, fg_ink, bg_ink)


def drawing_image(drawing: QrDrawing, scale: int = 8) -> Image.Image:
    fg_ink, bg_ink = drawing_masks(drawing)
    return half_blocks_to_image(drawing.lines, fg_ink, bg_ink, scale)


def decode_drawing(drawing: QrDrawing) -> list[str]:
    fg_ink, bg_ink = drawing_masks(drawing)
    return decode_half_blocks(drawing.lines, fg_ink=fg_ink, bg_ink=bg_ink)
