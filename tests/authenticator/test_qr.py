"""The QR code as half blocks: size, drawing, fitting, and that a camera can read it back."""

from __future__ import annotations

import pytest
import zxingcpp

from tests.support.qr_image import (
    LOWER_HALF,
    UPPER_HALF,
    decode_drawing,
    decode_half_blocks,
    drawing_image,
    drawing_masks,
    drawing_pixels,
    half_blocks_to_image,
)
from totp_tui.authenticator.key_uri import build_key_uri
from totp_tui.authenticator.qr import (
    QUIET_ZONE,
    QrMatrix,
    draw,
    drawing_size,
    fit,
    make_matrix,
)

# A made-up secret of the length Cognito issues (32 base32 characters, 160 bits).
FAKE_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def uri_of_length(length: int) -> str:
    """A realistic key URI made exactly `length` characters long through the account name."""
    fixed = len(build_key_uri("AWSCognito", "a", FAKE_SECRET)) - 1
    account = ("firstname.lastname.enrolment.example-corp.com-" * 4)[: length - fixed]
    uri = build_key_uri("AWSCognito", account, FAKE_SECRET)
    assert len(uri) == length
    return uri


TYPICAL_URIS = {
    "121 chars": build_key_uri("AWSCognito", "helpdesk.enrolment@example-corp.com", FAKE_SECRET),
    "141 chars": uri_of_length(141),
    "unicode account": build_key_uri("Acme Corp", "Zoë Ångström/Ops?&#%@例え.jp", FAKE_SECRET),
}


@pytest.fixture(scope="module")
def typical_matrix() -> QrMatrix:
    return make_matrix(TYPICAL_URIS["141 chars"])


class TestMatrix:
    @pytest.mark.parametrize("length", [114, 121, 141])
    def test_a_typical_key_uri_is_a_41_module_code(self, length: int) -> None:
        # Version 6 at level L (DESIGN.md §7); at M a 141-character URI needs version 8
        # (49 modules, 25 rows of half blocks: too tall for 80x24).
        assert make_matrix(uri_of_length(length)).size == 41

    def test_error_correction_is_level_l(self) -> None:
        uri = TYPICAL_URIS["121 chars"]
        image = drawing_image(draw(make_matrix(uri), QUIET_ZONE))
        results = zxingcpp.read_barcodes(image, try_invert=False)
        assert [r.ec_level for r in results] == ["L"]

    def test_matrix_is_square_and_has_finder_patterns(self, typical_matrix: QrMatrix) -> None:
        size = typical_matrix.size
        assert all(len(row) == size for row in typical_matrix.modules)
        # No quiet zone inside the matrix: the top-left finder starts at (0, 0).
        assert typical_matrix.modules[0][:7] == (True,) * 7
        assert typical_matrix.modules[size - 1][:7] == (True,) * 7
        assert typical_matrix.modules[0][size - 7 :] == (True,) * 7

    def test_longer_data_gives_a_bigger_code(self) -> None:
        assert make_matrix("x" * 300).size > make_matrix("x" * 30).size


class TestDrawingSize:
    def test_typical_code_sizes(self, typical_matrix: QrMatrix) -> None:
        # DESIGN.md §7: 43x22 cells with a 1-module zone, 45x23 with 2.
        assert drawing_size(typical_matrix, 1) == (43, 22)
        assert drawing_size(typical_matrix, 2) == (45, 23)

    @pytest.mark.parametrize(("side", "zone"), [(21, 0), (21, 1), (21, 2), (22, 0), (41, 4)])
    def test_two_modules_per_row_rounded_up(self, side: int, zone: int) -> None:
        matrix = QrMatrix(tuple(tuple(False for _ in range(side)) for _ in range(side)))
        columns, rows = drawing_size(matrix, zone)
        assert columns == side + 2 * zone
        assert rows == -(-(side + 2 * zone) // 2)

    def test_size_matches_the_drawing(self, typical_matrix: QrMatrix) -> None:
        for zone in (0, 1, 2, 3):
            drawing = draw(typical_matrix, zone)
            assert (drawing.width, drawing.height) == drawing_size(typical_matrix, zone)
            assert {len(line) for line in drawing.lines} == {drawing.width}


class TestDraw:
    def test_solid_cells_are_background_and_mixed_ones_a_half_block(self) -> None:
        t, f = True, False
        matrix = QrMatrix(((t, f, t, f), (f, t, t, f), (t, t, f, f), (f, f, f, f)))
        drawing = draw(matrix, 0)
        # Row 0 (modules 0/1): ink over paper under the paper margin: ▀, its top edge meets
        # paper. Paper over ink under paper: ▀'s top edge would cut into that paper, so ▄
        # (ink) on a paper background.
        assert drawing.lines[0] == f"{UPPER_HALF}{LOWER_HALF}  "
        assert drawing.ink_behind[0] == (f, f, t, f)
        # Row 1 (modules 2/3): under column 1's ink the ink continues, so ▄ keeps ▀'s top
        # edge out of it: an ink background with paper below.
        assert drawing.lines[1] == f"{UPPER_HALF}{LOWER_HALF}  "
        assert drawing.ink_behind[1] == (f, t, f, f)

    def test_solid_ink_is_never_a_glyph(self) -> None:
        matrix = QrMatrix(((True, True, True, True),) * 4)
        drawing = draw(matrix, 0)
        assert drawing.lines == ("    ", "    ")
        assert drawing.ink_behind == ((True,) * 4,) * 2

    def test_odd_height_ends_with_a_paper_half_row(self) -> None:
        matrix = QrMatrix(((True, True, True),) * 3)
        drawing = draw(matrix, 0)
        # The last row's ink continues the ink above: ▄ (paper) on an ink background.
        assert drawing.lines == ("   ", LOWER_HALF * 3)
        assert drawing.ink_behind == ((True,) * 3, (True,) * 3)

    def test_a_half_blocks_edge_meets_the_background_colour_where_it_can(
        self, typical_matrix: QrMatrix
    ) -> None:
        """The seam rule: ▀'s top edge and ▄'s bottom edge may show the background in a
        terminal that draws the glyph short. Count the cells where that edge continues the
        glyph's own colour from the neighbour (a visible seam): only cells where neither
        choice avoids it."""
        drawing = draw(typical_matrix, QUIET_ZONE)
        pixels = drawing_pixels(drawing)
        side = len(pixels)
        avoidable = 0
        for row, line in enumerate(drawing.lines):
            for column, char in enumerate(line):
                top, bottom = pixels[2 * row][column], pixels[2 * row + 1][column]
                above = pixels[2 * row - 1][column] if row else False
                below = pixels[2 * row + 2][column] if 2 * row + 2 < side else False
                if char == UPPER_HALF and above == top and below != bottom:
                    avoidable += 1
                if char == LOWER_HALF and below == bottom and above != top:
                    avoidable += 1
        assert avoidable == 0

    @pytest.mark.parametrize("zone", [1, 2, 3])
    def test_quiet_zone_is_paper_all_round(self, typical_matrix: QrMatrix, zone: int) -> None:
        pixels = drawing_pixels(draw(typical_matrix, zone))
        side = typical_matrix.size + 2 * zone
        assert len(pixels[0]) == side
        for y, row in enumerate(pixels):
            for x, ink in enumerate(row):
                inside = zone <= y < zone + typical_matrix.size and zone <= x < side - zone
                if not inside:
                    assert not ink, f"ink at ({x}, {y}) in the quiet zone"

    def test_pixels_reproduce_the_matrix(self, typical_matrix: QrMatrix) -> None:
        zone = 2
        pixels = drawing_pixels(draw(typical_matrix, zone))
        inner = tuple(
            tuple(row[zone : zone + typical_matrix.size])
            for row in pixels[zone : zone + typical_matrix.size]
        )
        assert inner == typical_matrix.modules

    def test_drawing_records_its_quiet_zone(self, typical_matrix: QrMatrix) -> None:
        assert draw(typical_matrix, 1).quiet_zone == 1
        assert draw(typical_matrix, 2).quiet_zone == 2


class TestFit:
    def test_on_an_80x24_terminal_the_code_gets_two_modules_of_margin(
        self, typical_matrix: QrMatrix
    ) -> None:
        drawing = fit(typical_matrix, 80, 24)
        assert drawing is not None
        assert drawing.quiet_zone == QUIET_ZONE == 2
        assert (drawing.width, drawing.height) == (45, 23)

    @pytest.mark.parametrize(
        ("columns", "rows"), [(44, 23), (45, 22), (43, 22), (80, 22), (0, 0), (200, 10)]
    )
    def test_nothing_rather_than_less_than_two_modules_of_margin(
        self, typical_matrix: QrMatrix, columns: int, rows: int
    ) -> None:
        assert fit(typical_matrix, columns, rows) is None

    def test_never_cropped(self, typical_matrix: QrMatrix) -> None:
        complete = draw(typical_matrix, QUIET_ZONE).lines
        for columns in range(30, 60):
            for rows in range(15, 30):
                drawing = fit(typical_matrix, columns, rows)
                if drawing is None:
                    width, height = drawing_size(typical_matrix, QUIET_ZONE)
                    assert width > columns or height > rows
                    continue
                assert drawing.width <= columns and drawing.height <= rows
                assert drawing.lines == complete


class TestDecode:
    @pytest.mark.parametrize("zone", [1, QUIET_ZONE])
    @pytest.mark.parametrize("name", sorted(TYPICAL_URIS))
    def test_drawing_decodes_to_the_uri(self, name: str, zone: int) -> None:
        uri = TYPICAL_URIS[name]
        drawing = draw(make_matrix(uri), zone)
        decoded = decode_drawing(drawing)
        assert len(decoded) == 1, "zxing found no code (or several) in the drawing"
        same = decoded[0] == uri
        assert same, f"the decoded text differs from the {name} URI"

    def test_fitted_drawing_decodes_at_80x24(self) -> None:
        uri = TYPICAL_URIS["141 chars"]
        drawing = fit(make_matrix(uri), 80, 24)
        assert drawing is not None
        same = decode_drawing(drawing) == [uri]
        assert same, "the drawing fitted to 80x24 does not decode to the URI"

    def test_reading_glyphs_as_ink_does_not_decode(self) -> None:
        """Control: the colours carry the code, not the glyphs. A reader that took every ▀
        as ink (the old drawing's convention) sees garbage."""
        uri = TYPICAL_URIS["121 chars"]
        lines = draw(make_matrix(uri), QUIET_ZONE).lines
        assert decode_half_blocks(lines) == []

    def test_inverted_colours_do_not_decode(self) -> None:
        # Light modules on a dark ground: what a dark theme without explicit colours shows.
        uri = TYPICAL_URIS["121 chars"]
        drawing = draw(make_matrix(uri), QUIET_ZONE)
        fg_ink, bg_ink = drawing_masks(drawing)
        swapped = {"fg_ink": bg_ink, "bg_ink": fg_ink}
        assert decode_half_blocks(drawing.lines, **swapped) == []
        # Control: the picture itself is fine, only its polarity is wrong.
        image = half_blocks_to_image(drawing.lines, **swapped)
        inverted_reads = [r.text for r in zxingcpp.read_barcodes(image, try_invert=True)]
        same = inverted_reads == [uri]
        assert same, "the inverted picture should decode when inversion is allowed"

    def test_cropped_drawing_does_not_decode(self) -> None:
        uri = TYPICAL_URIS["121 chars"]
        drawing = draw(make_matrix(uri), QUIET_ZONE)
        fg_ink, bg_ink = drawing_masks(drawing)
        # Lose the bottom-left finder pattern, as a too-short window would.
        keep = len(drawing.lines) - 6
        cropped = decode_half_blocks(
            drawing.lines[:keep], fg_ink=fg_ink[:keep], bg_ink=bg_ink[:keep]
        )
        assert cropped == []
