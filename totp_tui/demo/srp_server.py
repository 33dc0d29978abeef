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

from pycognito.aws_srp import G_HEX, N_HEX

N = int(N_HEX, 16)
G = int(G_HEX, 16)


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


class SrpServer:
    """One sign-in attempt's server side: it keeps the password verifier, never the password,
    and checks the PASSWORD_CLAIM_SIGNATURE the client sends for its B and SECRET_BLOCK."""

    def __init__(self, pool_id: str, user_id: str, password: str) -> None:
        # The client hashes the pool id's second half (no region), so a typo there fails.
        self.pool_name = pool_id.split("_", 1)[1]
        self.user_id = user_id
        self.salt = secrets.token_hex(16)
        self.secret_block = base64.b64encode(secrets.token_bytes(48)).decode()
        inner = hashlib.sha256(f"{self.pool_name}{user_id}:{password}".encode()).hexdigest()
        x = int(_hash_hex(_pad(self.salt) + inner), 16)
        self.verifier = pow(G, x, N)
        # 256 random bits, twice the 128-bit strength of the 3072-bit group, as short
        # exponents need: a full-size one costs ten times as much on every sign-in.
        self._b = secrets.randbelow(2**256 - 1) + 1
        self.big_b = (K * self.verifier + pow(G, self._b, N)) % N

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
        shared = pow(big_a * pow(self.verifier, u, N), self._b, N)
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
