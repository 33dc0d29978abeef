"""The server half of Cognito's SRP (SRP-6a with Cognito's own hashing and key derivation).

The local Cognito uses it to check PASSWORD_VERIFIER proofs, which moto does not, and the
stubbed tests use it to prove that the engine's proofs are ones Cognito would accept. The
client half is pycognito's `aws_srp`; the group (N, g) is the 3072-bit one both share.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass, field

from pycognito.aws_srp import G_HEX, N_HEX

try:
    # GMP's modular power: ~2 ms where CPython's takes ~16 for the three of a sign-in, so the
    # local Cognito answers in about the time a real (native) server does. The benchmark's
    # steps count the service's time: Python's bignums there are the emulator's cost, not the
    # app's. Without gmpy2 (the demo extra), CPython's own.
    from gmpy2 import powmod as _native_powmod  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - the dev and demo installs have it
    _native_powmod = None

N = int(N_HEX, 16)
G = int(G_HEX, 16)


def _power(base: int, exponent: int, modulus: int) -> int:
    if _native_powmod is None:
        return pow(base, exponent, modulus)
    return int(_native_powmod(base, exponent, modulus))


def _pad(value: int | str) -> str:
    """Hex with an even number of digits and a leading 00 when the top bit is set: how
    Cognito turns numbers into bytes before hashing them."""
    text = value if isinstance(value, str) else f"{value:x}"
    if len(text) % 2:
        return "0" + text
    return "00" + text if text[0] in "89abcdefABCDEF" else text


def _hash_hex(hex_text: str) -> str:
    return hashlib.sha256(bytes.fromhex(hex_text)).hexdigest()


# The SRP-6a multiplier k = H(N, g), with Cognito's padding.
K = int(_hash_hex("00" + N_HEX + "0" + G_HEX), 16)


def _derive_key(u: int, shared: int) -> bytes:
    """Cognito's HKDF: salt u, input S, info "Caldera Derived Key", 16 bytes."""
    prk = hmac.new(bytes.fromhex(_pad(f"{u:x}")), bytes.fromhex(_pad(shared)), "sha256")
    return hmac.new(prk.digest(), b"Caldera Derived Key\x01", "sha256").digest()[:16]


@dataclass(frozen=True)
class PasswordVerifier:
    """What an SRP server stores of a password: a salt and v = g^x, x = H(salt, H(pool name,
    user, password)). Made when the password is set, not at each sign-in."""

    salt: str
    verifier: int = field(repr=False)
    # H(salt, password): tells that the password changed, without keeping it.
    fingerprint: bytes = field(repr=False)


def _fingerprint(salt: str, password: str) -> bytes:
    return hashlib.sha256(salt.encode() + b"\0" + password.encode()).digest()


def make_verifier(pool_name: str, user_id: str, password: str) -> PasswordVerifier:
    salt = secrets.token_hex(16)
    inner = hashlib.sha256(f"{pool_name}{user_id}:{password}".encode()).hexdigest()
    x = int(_hash_hex(_pad(salt) + inner), 16)
    return PasswordVerifier(salt, _power(G, x, N), _fingerprint(salt, password))


class Verifiers:
    """The local Cognito's stored verifiers, one per user of a pool, as Cognito keeps them:
    the same SALT at every sign-in, a new one when the password changes. moto keeps only the
    password: the local Cognito makes the verifier where moto sets a password (a modular
    power, ~5 ms that each sign-in paid, which Cognito does not), and `for_password` makes
    one for a password it has not seen. Bounded: a demo left running for days must not grow
    without it."""

    LIMIT = 1000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stored: dict[tuple[str, str], PasswordVerifier] = {}

    def for_password(self, pool_name: str, user_id: str, password: str) -> PasswordVerifier:
        key = (pool_name, user_id)
        with self._lock:
            stored = self._stored.get(key)
        if stored is not None and hmac.compare_digest(
            stored.fingerprint, _fingerprint(stored.salt, password)
        ):
            return stored
        made = make_verifier(pool_name, user_id, password)
        with self._lock:
            self._stored.pop(key, None)
            while len(self._stored) >= self.LIMIT:
                del self._stored[next(iter(self._stored))]
            self._stored[key] = made
        return made

    def clear(self) -> None:
        with self._lock:
            self._stored.clear()


class SrpServer:
    """One sign-in attempt's server side: it keeps the password verifier, never the password,
    and checks the PASSWORD_CLAIM_SIGNATURE the client sends for its B and SECRET_BLOCK.
    `verifiers` is the store to take the user's verifier from (a new one without it)."""

    def __init__(
        self, pool_id: str, user_id: str, password: str, verifiers: Verifiers | None = None
    ) -> None:
        # The client hashes the pool id's second half (no region), so a typo there fails.
        self.pool_name = pool_id.split("_", 1)[1]
        self.user_id = user_id
        self.secret_block = base64.b64encode(secrets.token_bytes(48)).decode()
        stored = (verifiers or Verifiers()).for_password(self.pool_name, user_id, password)
        self.salt = stored.salt
        self.verifier = stored.verifier
        # 256 random bits, twice the 128-bit strength of the 3072-bit group, as short
        # exponents need: a full-size one costs ten times as much on every sign-in.
        self._b = secrets.randbelow(2**256 - 1) + 1
        self.big_b = (K * self.verifier + _power(G, self._b, N)) % N

    def parameters(self, username: str) -> dict[str, str]:
        """The PASSWORD_VERIFIER challenge's parameters, as Cognito sends them."""
        return {
            "SALT": self.salt,
            "SRP_B": f"{self.big_b:x}",
            "SECRET_BLOCK": self.secret_block,
            "USER_ID_FOR_SRP": self.user_id,
            "USERNAME": username,
        }

    def accepts(self, srp_a: str, timestamp: str, signature: str) -> bool:
        """Whether the signature proves the password, for the SRP_A the client started with."""
        try:
            big_a = int(srp_a, 16)
        except ValueError:
            return False
        if big_a % N == 0:  # A = 0 would make the shared secret guessable without a password
            return False
        u = int(_hash_hex(_pad(big_a) + _pad(self.big_b)), 16)
        if u == 0:
            return False
        shared = _power(big_a * _power(self.verifier, u, N), self._b, N)
        message = (
            self.pool_name.encode()
            + self.user_id.encode()
            + base64.b64decode(self.secret_block)
            + timestamp.encode()
        )
        expected = hmac.new(_derive_key(u, shared), message, "sha256").digest()
        try:
            given = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            return False
        return hmac.compare_digest(expected, given)
