"""The fast mask choice gives exactly the symbol qrcode makes, rule by rule."""

from __future__ import annotations

import qrcode
from hypothesis import given, settings
from hypothesis import strategies as st
from qrcode.constants import ERROR_CORRECT_L
from qrcode.util import lost_point

from totp_tui.authenticator.key_uri import build_key_uri
from totp_tui.authenticator.qr import make_matrix
from totp_tui.authenticator.qr_mask import _pack, best_mask, layout, penalty

BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
accounts = st.text(
    alphabet=st.characters(blacklist_characters=":", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=120,
)
secrets = st.text(alphabet=BASE32, min_size=16, max_size=64)


def qrcode_symbol(data: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_L, border=0)
    code.add_data(data)
    code.make(fit=True)
    return code


@settings(max_examples=60, deadline=None)
@given(account=accounts, secret=secrets)
def test_the_symbol_is_the_one_qrcode_makes(account: str, secret: str) -> None:
    uri = build_key_uri("AWSCognito", account, secret)
    expected = tuple(tuple(bool(m) for m in row) for row in qrcode_symbol(uri).get_matrix())
    assert make_matrix(uri).modules == expected


@settings(max_examples=25, deadline=None)
@given(account=accounts, secret=secrets)
def test_each_masks_penalty_equals_qrcodes(account: str, secret: str) -> None:
    """Rule by rule: for every mask, the packed-int penalty equals qrcode's lost_point on the
    symbol qrcode scores (format information light, as in its test mode)."""
    code = qrcode_symbol(build_key_uri("Acme", account, secret))
    shape = layout(code.version)
    for mask in range(8):
        code.makeImpl(True, mask)
        rows = _pack(code.modules, shape.size, shape.stride)
        cols = _pack(list(zip(*code.modules, strict=True)), shape.size, shape.stride)
        assert penalty(rows, cols, shape) == lost_point(code.modules), f"mask {mask}"


def test_the_choice_differs_between_uris() -> None:
    """Not a constant: across URIs the chosen mask varies (else the scoring would be moot)."""
    chosen = set()
    for n in range(40):
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_L, border=0, mask_pattern=0)
        code.add_data(
            build_key_uri("AWSCognito", f"user{n}@example.com", BASE32[n % 20 :] + "A" * 20)
        )
        code.make(fit=True)
        chosen.add(best_mask(code.modules, code.version, 0))
    assert len(chosen) >= 4
