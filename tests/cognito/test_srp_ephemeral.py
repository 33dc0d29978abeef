"""The SRP pair made ahead (cognito/srp_ephemeral.py): a sign-in uses it, once, and signs in
against the local Cognito over HTTP exactly as with a pair pycognito makes itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import make_user, settings_for
from totp_tui.cognito import srp_ephemeral
from totp_tui.cognito.client import make_client
from totp_tui.cognito.flow import EnrolmentFlow, NewPasswordRequired
from totp_tui.cognito.pycognito_srp import aws_srp
from totp_tui.demo.local_cognito import DemoPool, LocalCognito


@pytest.fixture(autouse=True)
def nothing_ready() -> Iterator[None]:
    srp_ephemeral.forget()
    yield
    srp_ephemeral.forget()


def taken_pairs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int] | None]:
    """Each pair a sign-in takes (None: it made its own)."""
    taken: list[tuple[int, int] | None] = []
    take = srp_ephemeral._take

    def spy() -> tuple[int, int] | None:
        pair = take()
        taken.append(pair)
        return pair

    monkeypatch.setattr(srp_ephemeral, "_take", spy)
    return taken


def test_a_prepared_pair_signs_in_and_is_used_once(
    local_cognito: LocalCognito, pool: DemoPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = taken_pairs(monkeypatch)
    settings = settings_for(local_cognito, pool)
    client = make_client(settings)
    srp_ephemeral.prepare()
    first, second = make_user(local_cognito, pool), make_user(local_cognito, pool)
    step = EnrolmentFlow(settings, client).sign_in(first.username, first.password)
    assert isinstance(step, NewPasswordRequired)
    # The next sign-in finds none ready and makes its own.
    step = EnrolmentFlow(settings, client).sign_in(second.username, second.password)
    assert isinstance(step, NewPasswordRequired)
    assert taken[0] is not None and taken[1] is None


def test_a_pair_is_pycognitos_own_recipe() -> None:
    srp = aws_srp()
    srp_ephemeral.prepare()
    small_a, big_a = srp_ephemeral._take() or (0, 0)
    big_n = srp.hex_to_long(srp.N_HEX)
    assert pow(srp.hex_to_long(srp.G_HEX), small_a, big_n) == big_a
    assert 0 < small_a < big_n and big_a % big_n != 0


# RFC 3526 §8, the stricter strength estimate for the 3072-bit group: exponents of 420 bits.
RFC_3526_EXPONENT_BITS = 420


def test_the_secret_exponent_has_512_random_bits_made_ahead_or_not() -> None:
    """Ready or made at Enter, a has 512 bits: never fewer than the RFC's 420 (a random
    512-bit number has fewer than 420 once in 2^92 draws), never the 1024 that doubled the
    wait. The exponents also differ: fresh randomness each time."""
    made_ahead, made_now = [], []
    for _ in range(8):
        srp_ephemeral.prepare()
        pair = srp_ephemeral._take()
        assert pair is not None
        made_ahead.append(pair[0])
        made_now.append(srp_ephemeral.srp_client(**SRP_ARGUMENTS).small_a_value)
    for small_a in made_ahead + made_now:
        assert RFC_3526_EXPONENT_BITS <= small_a.bit_length() <= 512
    assert len(set(made_ahead + made_now)) == 16


SRP_ARGUMENTS = {
    "username": "someone",
    "password": "not-used-here",
    "pool_id": "eu-west-2_Example1",
    "client_id": "exampleclient123",
    "client": object(),
}


def test_prepare_keeps_one_pair_and_pairs_differ() -> None:
    srp_ephemeral.prepare()
    srp_ephemeral.prepare()  # one is ready: nothing more is made
    first = srp_ephemeral._take()
    assert first is not None and srp_ephemeral._take() is None
    srp_ephemeral.prepare()
    assert srp_ephemeral._take() != first
