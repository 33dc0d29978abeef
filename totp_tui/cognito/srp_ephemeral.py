"""The client's SRP ephemeral pair (a, A = g^a mod N), made before the person presses Enter.

A is a 3072-bit modular power: about 20 ms, a fifth of an SRP sign-in against a nearby
Cognito. It depends on nothing the person types, so the wizard makes one while they type
(`prepare`, in a worker) and the sign-in takes it (`srp_client`). Each pair is used once:
taken, it is gone, and a sign-in with none ready makes its own, as pycognito always does.
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()
_ready: list[tuple[int, int]] = []  # at most one pair, never handed out twice


def _new_pair() -> tuple[int, int]:
    """pycognito's own recipe (AWSSRP.generate_random_small_a and calculate_a)."""
    from totp_tui.cognito.pycognito_srp import aws_srp

    srp = aws_srp()
    G_HEX, N_HEX, get_random, hex_to_long = srp.G_HEX, srp.N_HEX, srp.get_random, srp.hex_to_long
    big_n = hex_to_long(N_HEX)
    small_a = get_random(128) % big_n
    big_a = pow(hex_to_long(G_HEX), small_a, big_n)
    if big_a % big_n == 0:  # pycognito's safety check
        raise ValueError("Safety check for A failed")
    return small_a, big_a


def prepare() -> None:
    """Make a pair for the next sign-in if none is ready. Blocking: call from a worker."""
    with _lock:
        if _ready:
            return
    pair = _new_pair()
    with _lock:
        if not _ready:
            _ready.append(pair)


def forget() -> None:
    """Drop a pair not used yet. Tests start from none; the app never needs to: a pair is
    random, belongs to no one, and goes with the process."""
    with _lock:
        _ready.clear()


def _take() -> tuple[int, int] | None:
    with _lock:
        return _ready.pop() if _ready else None


def srp_client(**arguments: Any) -> Any:
    """pycognito's AWSSRP, with the pair made ahead when there is one."""
    from totp_tui.cognito.pycognito_srp import aws_srp

    srp_class: Any = aws_srp().AWSSRP
    pair = _take()
    if pair is None:
        return srp_class(**arguments)
    small_a, big_a = pair

    class PreparedSrp(srp_class):  # type: ignore[misc,valid-type]
        # AWSSRP.__init__ makes a and A with these two: hand it the pair instead.
        def generate_random_small_a(self) -> int:
            return small_a

        def calculate_a(self) -> int:
            return big_a

    return PreparedSrp(**arguments)
