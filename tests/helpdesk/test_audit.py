"""The audit log: where it goes, its mode, one JSON object a line, and no secret ever in it."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from totp_tui.helpdesk import audit
from totp_tui.helpdesk.audit import AuditLog, AuditSecretError

POOL = "eu-west-2_AbC123"
OPERATOR = "arn:aws:iam::111122223333:user/helpdesk"


@pytest.fixture(autouse=True)
def state_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return state


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask: the file must be private anyway."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def lines_of(path: Path) -> list[dict[str, object]]:
    text = path.read_text(encoding="ascii")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_default_path_follows_xdg_state_home(state_home: Path) -> None:
    assert audit.default_audit_path() == state_home / "totp-tui" / "audit.jsonl"


def test_default_path_without_xdg_state_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("XDG_STATE_HOME")
    expected = tmp_path / "home" / ".local" / "state" / "totp-tui" / "audit.jsonl"
    assert audit.default_audit_path() == expected


def test_one_json_line_per_record_with_every_field(state_home: Path, open_umask: None) -> None:
    before = datetime.now(UTC)
    first = audit.record("reset-mfa", POOL, "alice", audit.OK, OPERATOR)
    audit.record("status", "us-east-1_Xyz9", "bob", audit.failed("AccessDenied"), None)
    path = state_home / "totp-tui" / "audit.jsonl"
    written = lines_of(path)
    assert written[0] == first
    assert list(written[0]) == list(audit.FIELDS)
    assert written[0]["operator"] == OPERATOR
    assert (written[0]["action"], written[0]["pool"], written[0]["region"]) == (
        "reset-mfa",
        POOL,
        "eu-west-2",
    )
    assert (written[0]["username"], written[0]["outcome"]) == ("alice", "ok")
    assert written[1]["operator"] is None
    assert (written[1]["region"], written[1]["outcome"]) == ("us-east-1", "failed: AccessDenied")
    stamp = str(written[0]["time"])
    assert stamp.endswith("Z")
    when = datetime.fromisoformat(stamp)
    assert when.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=1) <= when <= datetime.now(UTC)


def test_file_is_private_whatever_the_umask(state_home: Path, open_umask: None) -> None:
    audit.record("status", POOL, "alice", audit.OK, None)
    path = state_home / "totp-tui" / "audit.jsonl"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_an_existing_readable_file_is_made_private_and_appended_to(
    state_home: Path, open_umask: None
) -> None:
    path = state_home / "totp-tui" / "audit.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text('{"earlier": true}\n')
    path.chmod(0o644)
    audit.record("status", POOL, "alice", audit.OK, None)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [entry.get("earlier") for entry in lines_of(path)] == [True, None]


def test_details_and_an_explicit_region(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    with AuditLog(path) as log:
        log.record(
            "status",
            "local_pool",
            "alice",
            audit.REFUSED,
            None,
            region="eu-west-1",
            reason="not confirmed",
            aws_profile="helpdesk",
        )
    [entry] = lines_of(path)
    assert entry["region"] == "eu-west-1"
    assert (entry["reason"], entry["aws_profile"]) == ("not confirmed", "helpdesk")


def test_a_username_cannot_break_a_line(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    with AuditLog(path) as log:
        log.record("status", POOL, 'eve\n{"forged": 1}\u2028', audit.OK, None)
    [entry] = lines_of(path)
    assert entry["username"] == 'eve\n{"forged": 1}\u2028'


@pytest.mark.parametrize(
    "key",
    [
        "password",
        "NEW_PASSWORD",
        "client_secret",
        "SecretCode",
        "SECRET_HASH",
        "AccessToken",
        "refresh_token",
        "Session",
        "UserCode",
        "code",
        "totp-code",
    ],
)
def test_keys_naming_a_secret_are_refused_and_nothing_is_written(tmp_path: Path, key: str) -> None:
    path = tmp_path / "audit.jsonl"
    with AuditLog(path) as log, pytest.raises(AuditSecretError, match="never records secrets"):
        log.record("status", POOL, "alice", audit.OK, None, **{key: "fake-Value-123456"})
    assert path.read_text() == ""


def test_a_detail_cannot_replace_a_standard_field(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    with AuditLog(path) as log, pytest.raises(ValueError, match="standard audit field"):
        log.record("status", POOL, "alice", audit.OK, None, time="yesterday")
    assert path.read_text() == ""


def test_a_value_json_cannot_hold_is_refused_before_writing(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    with AuditLog(path) as log, pytest.raises(TypeError):
        log.record("status", POOL, "alice", audit.OK, None, extra=object())  # type: ignore[arg-type]
    assert path.read_text() == ""


def test_an_unwritable_place_fails_on_open(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    log = AuditLog(blocker / "totp-tui" / "audit.jsonl")
    with pytest.raises(OSError):
        log.open()
