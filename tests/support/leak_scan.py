"""Find secrets where a run of the app may have left them, and say where, never what.

`Secrets` holds labelled values ("password", "Session in InitiateAuth #3"...); a scan
reports hits as (label, place, count), so an assertion message can be printed without
repeating the secret it found. `WireRecorder` collects every secret field the local Cognito
received or sent, in its own process (moto's server runs in a thread of the test).
`read_key` and `modes_left_on` read a terminal under tmux: the key a phone would scan, and
the modes an app that left without restoring the terminal would leave switched on.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.screen_reading import decode_qr
from tests.support.tmux_session import TmuxSession
from totp_tui.authenticator.key_uri import group_secret, parse_key_uri

# Fields whose values are secrets, in requests (AuthParameters, ChallengeResponses, the
# Session) and in answers (Session, SecretCode, tokens, SRP's challenge values).
WIRE_SECRET_FIELDS = frozenset(
    {
        "PASSWORD",
        "NEW_PASSWORD",
        "SRP_A",
        "SRP_B",
        "SALT",
        "SECRET_BLOCK",
        "PASSWORD_CLAIM_SIGNATURE",
        "PASSWORD_CLAIM_SECRET_BLOCK",
        "SECRET_HASH",
        "Session",
        "SecretCode",
        "AccessToken",
        "IdToken",
        "RefreshToken",
    }
)
# Shorter values could turn up by chance (a 6-digit code in a timestamp): the typed code is
# not scanned for (it is shown while typed, and dead once used); every other secret is longer.
MIN_SECRET_LENGTH = 8


@dataclass(frozen=True)
class Hit:
    label: str  # which secret, by name
    place: str  # a file, "the log", "the keyring", "the terminal"...
    count: int


class Secrets:
    """Labelled secret values. The labels go into reports; the values never do."""

    def __init__(self) -> None:
        self._labels: dict[str, str] = {}  # value -> label

    def add(self, label: str, value: str | None) -> None:
        if value and len(value) >= MIN_SECRET_LENGTH and value not in self._labels:
            self._labels[value] = label

    def without(self, label: str) -> Secrets:
        """The same secrets but the one with this label (a secret that belongs somewhere)."""
        rest = Secrets()
        rest._labels = {value: kept for value, kept in self._labels.items() if kept != label}
        return rest

    def __len__(self) -> int:
        return len(self._labels)

    def __repr__(self) -> str:  # pytest shows locals' reprs in failures: never the values
        return f"<{len(self)} secrets>"

    def patterns(self) -> Iterator[tuple[str, bytes]]:
        for value, label in self._labels.items():
            yield label, value.encode("utf-8")


def find(data: bytes, place: str, secrets: Secrets) -> list[Hit]:
    """The secrets found in data. A hit that a longer one explains (part of the key inside
    the whole key) is left out, so that a report names the leak, not its 30 substrings."""
    counts = {
        (label, pattern): count
        for label, pattern in secrets.patterns()
        if (count := data.count(pattern))
    }
    return [
        Hit(label, place, count)
        for (label, pattern), count in counts.items()
        if not any(
            pattern in longer and longer != pattern and longer_count >= count
            for (_, longer), longer_count in counts.items()
        )
    ]


def scan_tree(root: Path, secrets: Secrets) -> list[Hit]:
    """Every regular file under root, as bytes, whatever its name or encoding (symlinks
    are not followed: what they point to is outside the tree)."""
    hits: list[Hit] = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            hits += find(path.read_bytes(), str(path.relative_to(root.parent)), secrets)
    return hits


def keyring_dump() -> bytes | None:
    """What the test's Secret Service holds for totp-tui (secret-tool prints the secrets),
    or None when there is none (tests/support/with_secret_service.sh sets
    TOTP_TUI_SECRET_SERVICE)."""
    if os.environ.get("TOTP_TUI_SECRET_SERVICE") != "1":
        return None
    tool = shutil.which("secret-tool")
    if tool is None:
        return None
    completed = subprocess.run(
        [tool, "search", "--all", "--unlock", "service", "totp-tui"],
        capture_output=True,
        timeout=10,
        check=False,
    )
    # Attributes go to stderr, secrets to stdout: both are scanned.
    return completed.stdout + completed.stderr


def describe(hits: Iterable[Hit]) -> str:
    return "; ".join(f"{hit.label} x{hit.count} in {hit.place}" for hit in hits)


# --- what the service saw -----------------------------------------------------------------


def _walk(value: Any, field: str = "") -> Iterator[tuple[str, str]]:
    """(field, value) for every string in a JSON document, keyed by its nearest field."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _walk(inner, str(key))
    elif isinstance(value, list):
        for inner in value:
            yield from _walk(inner, field)
    elif isinstance(value, str):
        yield field, value


def _json(body: Any) -> Any:
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if not isinstance(body, str) or not body.strip():
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


class WireRecorder:
    """Every secret field in the local Cognito's requests and answers, with the action that
    carried it. Installed on moto's response class, so it sees exactly what went over HTTP."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str]] = []  # (action, field, value)

    def __repr__(self) -> str:
        return f"<WireRecorder: {len(self.seen)} values>"

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from moto.cognitoidp.responses import CognitoIdpResponse

        original = CognitoIdpResponse.call_action
        recorder = self

        def call_action(response: Any) -> Any:
            result = original(response)
            action = str(response._get_action())
            recorder._record(action, response.body)
            recorder._record(action, result[2])
            return result

        monkeypatch.setattr(CognitoIdpResponse, "call_action", call_action)

    def _record(self, action: str, body: Any) -> None:
        for field, value in _walk(_json(body)):
            if field in WIRE_SECRET_FIELDS:
                self.seen.append((action, field, value))  # list.append: thread-safe

    def values(self, field: str) -> list[str]:
        return [value for _, seen_field, value in self.seen if seen_field == field]

    def actions_with(self, field: str) -> set[str]:
        return {action for action, seen_field, _ in self.seen if seen_field == field}

    def add_to(self, secrets: Secrets) -> None:
        for number, (action, field, value) in enumerate(self.seen, start=1):
            secrets.add(f"{field} in {action} #{number}", value)


def issued_by_backend(region: str, user_pool_id: str) -> Iterator[tuple[str, str]]:
    """Tokens and live Sessions as moto's backend keeps them after the run (a cross-check of
    the recorder: Sessions already used are gone from it, tokens stay)."""
    from moto.cognitoidp.models import cognitoidp_backends
    from moto.core.models import DEFAULT_ACCOUNT_ID

    backend = cognitoidp_backends[DEFAULT_ACCOUNT_ID][region]
    pool = backend.user_pools[user_pool_id]
    for kind in ("access_tokens", "id_tokens", "refresh_tokens"):
        for token in getattr(pool, kind):
            yield kind, token
    for session, (_, session_pool) in backend.sessions.items():
        if session_pool is pool:
            yield "live session", session


# --- the terminal ---------------------------------------------------------------------------


def read_key(session: TmuxSession, timeout: float = 5) -> str | None:
    """The TOTP secret in the QR code on the screen, as a phone would read it; None if no
    code decodes within timeout (the text beside the code can arrive a frame earlier)."""
    deadline = time.monotonic() + timeout
    while True:
        uris = decode_qr(session.screen())
        if len(uris) == 1:
            return parse_key_uri(uris[0]).secret
        if time.monotonic() > deadline:
            return None
        time.sleep(0.1)


def add_key(secrets: Secrets, key: str) -> None:
    """The key in every form the app shows or a careless change might write: whole, lower
    case, and every run of two or more of its groups of four, with and without the spaces
    (however the screen wraps the groups, each line it shows is such a run; a line of one
    group is too short to tell from chance)."""
    secrets.add("TOTP secret", key)
    secrets.add("TOTP secret, lower case", key.lower())
    groups = key_groups(key)
    for first in range(len(groups)):
        for last in range(first + 2, len(groups) + 1):
            run = groups[first:last]
            where = f"TOTP secret, groups {first + 1}-{last}"
            secrets.add(f"{where}, spaced", " ".join(run))
            secrets.add(where, "".join(run))


def key_groups(key: str) -> list[str]:
    """The key as the enrol screen shows it: in groups of four."""
    return group_secret(key).split(" ")


# Modes a full-screen app switches on and must switch off when it leaves: the alternate
# screen and mouse reporting. tmux keeps them as they were when the process ended.
TERMINAL_MODES = ("alternate_on", "mouse_any_flag", "mouse_sgr_flag")


def modes_left_on(session: TmuxSession) -> list[str]:
    """Which of TERMINAL_MODES the pane still has on (after the process ended: none)."""
    formats = "|".join(f"#{{{mode}}}" for mode in TERMINAL_MODES)
    # TmuxSession has no public way to read a pane's formats.
    values = session._tmux_command("display-message", "-p", "-t", "main", formats)
    return [
        mode
        for mode, value in zip(TERMINAL_MODES, values.strip().split("|"), strict=True)
        if value == "1"
    ]


def app_pid(session: TmuxSession) -> int:
    """The app's process id: the child of the shell that tmux started (env execs the app).
    Found by parent, never by a name pattern."""
    shell = session._tmux_command("display-message", "-p", "-t", "main", "#{pane_pid}").strip()
    children = subprocess.run(
        ["pgrep", "-P", shell], capture_output=True, text=True, timeout=5, check=False
    ).stdout.split()
    assert len(children) == 1, f"expected one process under the pane's shell: {children}"
    pid = int(children[0])
    command = Path(f"/proc/{pid}/cmdline").read_bytes()
    assert b"totp" in command or b"python" in command, "the pane's child is not the app"
    return pid
