"""Redaction of secret fields in log lines, whatever logger wrote them.

botocore's debug log prints request parameters as Python dicts, the prepared request and the
response bodies as JSON inside bytes literals, and headers as dicts. Every field below is
replaced by "***" in all of those shapes, keyed by name, so a field botocore adds in a new
place is still covered.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

SECRET_FIELDS: tuple[str, ...] = (
    "PASSWORD",
    "NEW_PASSWORD",
    "SRP_A",
    "SRP_B",
    "SALT",
    "SECRET_BLOCK",
    "PASSWORD_CLAIM_SIGNATURE",
    "PASSWORD_CLAIM_SECRET_BLOCK",
    "SECRET_HASH",
    "SOFTWARE_TOKEN_MFA_CODE",
    "SMS_MFA_CODE",
    "Session",
    "SecretCode",
    "UserCode",
    "AccessToken",
    "IdToken",
    "RefreshToken",
    "ClientSecret",
    "Authorization",
    "authorization",
)
MASK = "***"

# "KEY": "value"  /  'KEY': 'value'  /  'KEY': b'value'  — the key's quotes may be escaped
# when the JSON sits inside a repr. The value ends at the first unescaped matching quote.
_FIELD = re.compile(
    r"(?P<key>(?P<kq>\\?[\"'])(?:" + "|".join(map(re.escape, SECRET_FIELDS)) + r")(?P=kq))"
    r"(?P<sep>\s*:\s*)(?P<prefix>b?)(?P<vq>\\?[\"'])(?P<value>.*?)(?<!\\)(?P=vq)",
    re.DOTALL,
)


def redact(text: str, literals: Iterable[str] = ()) -> str:
    """Mask every secret field's value, and any of `literals` wherever they appear."""
    masked = _FIELD.sub(
        lambda m: f"{m['key']}{m['sep']}{m['prefix']}{m['vq']}{MASK}{m['vq']}", text
    )
    for literal in literals:
        if literal:
            masked = masked.replace(literal, MASK)
    return masked


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with its secrets masked, before any handler writes it."""

    def __init__(self, literals: Iterable[str] = ()) -> None:
        super().__init__()
        self._literals = tuple(literal for literal in literals if literal)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self._literals)
        record.args = None
        if record.exc_info:
            # A formatted traceback shows no locals, but its message may quote a body.
            record.exc_text = redact(
                logging.Formatter().formatException(record.exc_info), self._literals
            )
            record.exc_info = None
        return True
