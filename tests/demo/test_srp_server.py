"""The local Cognito's SRP server (demo/srp_server.py): its native modular power is Python's,
only faster, and the stored verifiers behave as a server's that keeps them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from totp_tui.demo import srp_server
from totp_tui.demo.srp_server import N, Verifiers


def test_the_dev_install_has_the_native_maths() -> None:
    # Without gmpy2 the emulator still works, at Python's speed: the benchmark's service
    # share would then grow by ~15 ms a sign-in, for no reason of the app's.
    assert srp_server._native_powmod is not None


@settings(max_examples=50, deadline=None)
@given(
    base=st.integers(min_value=-(2**3100), max_value=2**3100),
    exponent=st.integers(min_value=0, max_value=2**600),
)
def test_the_native_power_is_pythons(base: int, exponent: int) -> None:
    assert srp_server._power(base, exponent, N) == pow(base, exponent, N)


def test_a_verifier_is_kept_per_user_and_password_and_never_the_password() -> None:
    verifiers = Verifiers()
    first = verifiers.for_password("Pool1", "user-1", "Correct-Horse-1")
    assert verifiers.for_password("Pool1", "user-1", "Correct-Horse-1") is first
    changed = verifiers.for_password("Pool1", "user-1", "Battery-Staple-2")
    assert changed.salt != first.salt and changed.verifier != first.verifier
    assert verifiers.for_password("Pool1", "user-2", "Battery-Staple-2").salt != changed.salt
    assert "Correct-Horse-1" not in repr(first) and "Battery-Staple-2" not in repr(changed)
