"""The audit log: one JSON line for each helpdesk action (admin commands now, kiosk enrolments
later), in $XDG_STATE_HOME/totp-tui/audit.jsonl (default ~/.local/state/totp-tui/audit.jsonl).

Each line has time (UTC, ISO 8601), operator (the caller's IAM identity ARN, or null), action,
pool, region, username and outcome ("ok", "refused" or "failed: <code>"), then any details.
The file is private (mode 0600) and append-only; a line is written with one write() call, so
lines from processes appending at once do not interleave. No secret may be logged: details
whose key names a password, secret, token, session or code are refused before anything is
written.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from totp_tui.diagnostics.debug_log import open_private

FILE_NAME = "audit.jsonl"
OK = "ok"
REFUSED = "refused"
FIELDS = ("time", "operator", "action", "pool", "region", "username", "outcome")
# Substrings of detail keys that would name a secret (SECRET_HASH, AccessToken, Session,
# UserCode, client_secret, password...). "code" refuses a TOTP code under any name; an error's
# code belongs in the outcome.
FORBIDDEN_KEY_PARTS = ("password", "secret", "token", "session", "code")

DetailValue = str | int | float | bool | None | list[str]


class AuditSecretError(ValueError):
    """A detail's key names something secret: the record was refused, nothing written."""


def default_audit_path() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "totp-tui" / FILE_NAME


def failed(code: str) -> str:
    """The outcome of an action that failed with `code` (a service error code)."""
    return f"failed: {code}"


def utc_timestamp(now: datetime | None = None) -> str:
    """E.g. "2026-05-01T09:30:00.123Z"."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def check_detail_keys(details: Mapping[str, object]) -> None:
    """Raise AuditSecretError for a key that names a secret, ValueError for one that would
    replace a standard field."""
    for key in details:
        normalised = re.sub(r"[^a-z]", "", key.lower())
        if any(part in normalised for part in FORBIDDEN_KEY_PARTS):
            raise AuditSecretError(f"the audit log never records secrets: refused key {key!r}")
        if key in FIELDS:
            raise ValueError(f"{key!r} is a standard audit field, not a detail")


def _region_of(pool: str) -> str | None:
    region, separator, _ = pool.partition("_")
    return region if separator and region else None


class AuditLog:
    """The audit file, opened once (so a caller can find out that it cannot be written before it
    does anything) and appended to by `record`."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_audit_path()
        self._fd: int | None = None

    def open(self) -> AuditLog:
        """Create (mode 0600, directory 0700) or open the file. Raises OSError."""
        if self._fd is None:
            self._fd = open_private(self.path)
        return self

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> AuditLog:
        return self.open()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def record(
        self,
        action: str,
        pool: str,
        username: str,
        outcome: str,
        operator: str | None,
        *,
        region: str | None = None,
        **details: DetailValue,
    ) -> dict[str, object]:
        """Append one line and return what it holds. `region` defaults to the pool id's prefix.

        Raises AuditSecretError or ValueError (bad key), TypeError (a value JSON cannot hold),
        OSError (the file): in every case before anything is written.
        """
        if not action or not outcome:
            raise ValueError("an audit record needs an action and an outcome")
        check_detail_keys(details)
        entry: dict[str, object] = {
            "time": utc_timestamp(),
            "operator": operator,
            "action": action,
            "pool": pool,
            "region": region or _region_of(pool),
            "username": username,
            "outcome": outcome,
            **details,
        }
        # ensure_ascii: a line is one line whatever a username holds (newlines are escaped).
        line = (json.dumps(entry, allow_nan=False) + "\n").encode("ascii")
        self.open()
        assert self._fd is not None
        written = 0
        while written < len(line):
            written += os.write(self._fd, line[written:])
        return entry


def record(
    action: str,
    pool: str,
    username: str,
    outcome: str,
    operator: str | None,
    *,
    region: str | None = None,
    **details: DetailValue,
) -> dict[str, object]:
    """Append one line to the default audit log (see AuditLog.record)."""
    with AuditLog() as log:
        return log.record(action, pool, username, outcome, operator, region=region, **details)


class SharedAuditLog(AuditLog):
    """An audit file the operator made for the accounts of `totp-tui serve` (one shared account,
    or each person's own in a group). Opened for appending only, never created or chmod-ed:
    its owner, group and mode are the operator's (e.g. 0620 root:totp-tui, which lets the
    group append but not read others' lines)."""

    def open(self) -> SharedAuditLog:
        """Raises OSError when it does not exist or cannot be appended to."""
        if self._fd is None:
            flags = os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
            self._fd = os.open(self.path, flags)
        return self
