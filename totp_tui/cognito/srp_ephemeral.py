"""The client's SRP ephemeral pair (a, A = g^a mod N), made before the person presses Enter.

A is a 3072-bit modular power: about 20 ms, a fifth of an SRP sign-in against a nearby
Cognito. It depends on nothing the person types, so the wizard makes one while they type
(`prepare`, in a worker) and the sign-in takes it (`srp_client`). Each pair is used once:
taken, it is gone, and a sign-in with none ready makes its own.

The secret exponent a has 512 random bits, where pycognito (like AWS's own SDKs) takes 1024.
What it costs is the other modular power, S = (B - k g^x)^(a + u x), which needs Cognito's B
and so runs while the person waits: u and x are 256-bit hashes, so u x has 512 bits already,
and with a of 512 bits the exponent stays about 513 bits where a 1024-bit a makes it 1024.
That halves the power (~11 of ~23 ms, measured here). 512 bits is above what RFC 3526 (§8)
gives for its 3072-bit group, the one Cognito uses, under the stricter of its two strength
estimates (an exponent of 420 bits or more), and twice RFC 5054's 256 (§2.5.4).
"""

from __future__ import annotations

import threading
from typing import Any

# Random bytes of the secret exponent a: 512 bits (see above). pycognito takes 128.
SECRET_EXPONENT_BYTES = 64

_lock = threading.Lock()
_ready: list[tuple[int, int]] = []  # at most one pair, never handed out twice


def _new_pair() -> tuple[int, int]:
    """pycognito's recipe (AWSSRP.generate_random_small_a and calculate_a), with a 512-bit
    secret exponent."""
    from totp_tui.cognito.pycognito_srp import aws_srp

    srp = aws_srp()
    G_HEX, N_HEX, get_random, hex_to_long = srp.G_HEX, srp.N_HEX, srp.get_random, srp.hex_to_long
    big_n = hex_to_long(N_HEX)
    small_a = get_random(SECRET_EXPONENT_BYTES) % big_n
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
    """pycognito's AWSSRP, with the pair made ahead, or else one made now the same way."""
    from totp_tui.cognito.pycognito_srp import aws_srp

    srp_class: Any = aws_srp().AWSSRP
    small_a, big_a = _take() or _new_pair()

    class PreparedSrp(srp_class):  # type: ignore[misc,valid-type]
        # AWSSRP.__init__ makes a and A with these two: hand it the pair instead.
        def generate_random_small_a(self) -> int:
            return small_a

        def calculate_a(self) -> int:
            return big_a

    return PreparedSrp(**arguments)
