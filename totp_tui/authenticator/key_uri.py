"""otpauth:// key URIs, secret grouping and the 6-digit code, as authenticator apps expect them.

Format: https://github.com/google/google-authenticator/wiki/Key-Uri-Format
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, unquote, urlsplit

CODE_DIGITS = 6
_BASE32 = re.compile(r"^[A-Z2-7]+=*$")
_CODE = re.compile(r"^[0-9]{6}$")


class KeyUriError(ValueError):
    """An issuer, account or URI that authenticator apps would read wrongly."""


@dataclass(frozen=True)
class KeyUri:
    issuer: str
    account: str
    secret: str = field(repr=False)


def _encode(part: str) -> str:
    # Each part on its own (RFC 3986): a ':' or '/' or '?' must never reach the URI raw.
    return quote(part, safe="")


def build_key_uri(issuer: str, account: str, secret: str) -> str:
    """The URI a QR code carries: otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER.

    The issuer goes in both places (Microsoft Authenticator reads the label prefix, others
    the parameter). SHA1, 6 digits and 30 s are the defaults every app assumes, and what
    Cognito uses, so they are left out: some apps mishandle the explicit parameters.
    """
    if not issuer or ":" in issuer:
        raise KeyUriError("the issuer must be non-empty and contain no ':'")
    if not account or ":" in account:
        raise KeyUriError("the account name must be non-empty and contain no ':'")
    normalised = secret.replace(" ", "").upper()
    if not _BASE32.match(normalised):
        raise KeyUriError("the secret is not base32")
    label = f"{_encode(issuer)}:{_encode(account)}"
    return f"otpauth://totp/{label}?secret={normalised.rstrip('=')}&issuer={_encode(issuer)}"


def parse_key_uri(uri: str) -> KeyUri:
    """Read a URI made by build_key_uri (used by tests and by the QR check)."""
    parts = urlsplit(uri)
    if parts.scheme != "otpauth" or parts.netloc != "totp":
        raise KeyUriError("not an otpauth://totp/ URI")
    label = parts.path.lstrip("/")
    prefix, sep, account = label.partition(":")
    if not sep:
        raise KeyUriError("the label has no issuer prefix")
    query = parse_qs(parts.query, keep_blank_values=True)
    issuer = query.get("issuer", [""])[0]
    if unquote(prefix) != issuer:
        raise KeyUriError("the label's issuer and the issuer parameter differ")
    return KeyUri(issuer=issuer, account=unquote(account), secret=query.get("secret", [""])[0])


def group_secret(secret: str, size: int = 4) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    plain = secret.replace(" ", "").upper().rstrip("=")
    return " ".join(plain[i : i + size] for i in range(0, len(plain), size))


def normalise_code(text: str) -> str | None:
    """Six ASCII digits from what the user typed or pasted, or None.

    Authenticators display codes as "123 456" and copy them with the space, so all
    whitespace is dropped. Only ASCII digits count: int() would accept "١٢٣٤٥٦".
    """
    compact = re.sub(r"\s+", "", text)
    return compact if _CODE.match(compact) else None
