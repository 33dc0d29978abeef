"""The system-wide configuration: the README's example, file/line/fix for every problem, and
no file that others could change."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.sshd import readme_block
from totp_tui.config.settings import RequestedSettings, effective_settings
from totp_tui.config.system_config import (
    SystemConfig,
    SystemConfigError,
    load_system_config,
)

EXAMPLE = readme_block("## System-wide configuration", "toml")


def write(folder: Path, text: str, mode: int = 0o644) -> Path:
    folder.chmod(0o755)
    path = folder / "config.toml"
    path.write_text(text)
    path.chmod(mode)
    return path


def load(path: Path) -> SystemConfig:
    config = load_system_config(path, required=True)
    assert config is not None
    return config


def test_the_readmes_example_is_read(tmp_path: Path) -> None:
    config = load(write(tmp_path, EXAMPLE))
    (pool,) = config.pools
    assert config.only_pool is pool
    assert (pool.name, pool.user_pool_id, pool.region) == (
        "staff",
        "eu-west-2_AbC123def",
        "eu-west-2",
    )
    assert pool.endpoint_url == "https://cognito-idp.eu-west-2.amazonaws.com"
    assert (config.served.max_sessions, config.served.idle_minutes) == (20, 5.0)
    assert config.served.audit_log == "/var/log/totp-tui/audit.jsonl"


def test_a_missing_file_is_no_configuration_unless_it_was_named(tmp_path: Path) -> None:
    assert load_system_config(tmp_path / "none.toml", required=False) is None
    with pytest.raises(SystemConfigError, match=r"does not exist\. Fix: create it"):
        load_system_config(tmp_path / "none.toml", required=True)


def test_settings_from_a_system_pool_say_so_and_save_nothing(tmp_path: Path) -> None:
    pool = load(write(tmp_path, EXAMPLE)).pools[0]
    flags = RequestedSettings(issuer="Flagged", profile="staff")
    result = effective_settings(flags, {"AWS_REGION": "eu-west-2"}, system_pool=pool)
    assert (result.user_pool_id, result.client_id) == (pool.user_pool_id, pool.client_id)
    assert result.issuer == "Flagged"  # flags > environment > system pool > defaults
    assert (
        dict(result.sources).items()
        >= {
            "user_pool_id": "system:staff",
            "client_id": "system:staff",
            "issuer": "flag",
            "region": "env:AWS_REGION",
            "endpoint_url": "system:staff",
            "profile_name": "flag",
        }.items()
    )
    assert "user_pool_id=system:staff" in result.sources.log_line()
    assert (result.save, result.profile_name, result.loaded_profile) == (False, None, None)


# --- malformed files: file, line and fix ---------------------------------------------------


def error_of(path: Path) -> str:
    with pytest.raises(SystemConfigError) as raised:
        load(path)
    return str(raised.value)


def line_of(message: str) -> int:
    found = re.search(r", line (\d+): ", message)
    assert found, message
    return int(found[1])


_LINES = EXAMPLE.splitlines()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(at=st.integers(min_value=0, max_value=len(_LINES)), junk=st.sampled_from(
    ["= 3", "client_id = ", "[pools.staff", 'issuer = "unclosed', "key value"]
))  # fmt: skip
def test_a_syntax_error_names_the_file_its_line_and_a_fix(at: int, junk: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        lines = [*_LINES[:at], junk, *_LINES[at:]]
        path = write(Path(folder), "\n".join(lines) + "\n")
        message = error_of(path)
    assert message.startswith(f"{path}, line ")
    assert line_of(message) in (at + 1, at + 2)  # TOML may see the error where the line ends
    assert "Fix: " in message


_POOL_KEYS = [line.split(" = ")[0] for line in _LINES if " = " in line and "[" not in line]
_WRONG = {
    "user_pool_id": ["3", '"nope"', '"eu-west-2_"'],
    "client_id": ["true", '"no spaces please"'],
    "issuer": ['"A:B"', '""', "1.5"],
    "session_minutes": ["20", '"3"', "true", "3.5"],
    "endpoint_url": ['"ftp://x"', "3"],
    "max_sessions": ["0", '"20"', "true"],
    "idle_minutes": ["0", '"5"', "-1"],
    "audit_log": ['"relative/path"', "7"],
    "runtime_dir": ['"run"', "false"],
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_wrong_value_names_its_own_line(data: st.DataObject) -> None:
    key = data.draw(st.sampled_from(sorted(_WRONG)))
    value = data.draw(st.sampled_from(_WRONG[key]))
    number = next(i for i, line in enumerate(_LINES) if line.startswith(f"{key} = "))
    lines = list(_LINES)
    lines[number] = f"{key} = {value}"
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), "\n".join(lines) + "\n")
        message = error_of(path)
    assert message.startswith(f"{path}, line {number + 1}: "), message
    assert "Fix: " in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "no pool is defined"),
        ('[pools.a]\nclient_id = "abc"\n', "has no user_pool_id"),
        ('[pools.a]\nuser_pool_id = "us-east-1_A1"\nclient_id = "c"\ncolour = "red"\n',
         "unknown key 'colour'"),
        ('[pool.a]\nuser_pool_id = "us-east-1_A1"\n', "unknown table or key 'pool'"),
        ('[pools.a]\nuser_pool_id = "us-east-1_A1"\nclient_id = "c"\n[served]\npool = "b"\n',
         "served pool 'b' is not defined"),
    ],
)  # fmt: skip
def test_each_problem_says_what_and_how_to_fix_it(tmp_path: Path, text: str, expected: str) -> None:
    message = error_of(write(tmp_path, text))
    assert expected in message
    assert re.match(rf"{re.escape(str(tmp_path))}/config.toml, line \d+: .+\. Fix: .+", message)


def test_not_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    path.write_bytes(b'[pools.a]\nissuer = "\xff"\n')
    assert "is not UTF-8" in error_of(path)


# --- who can change it ---------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(mode=st.integers(min_value=0o400, max_value=0o777))
def test_a_file_others_can_write_is_refused(mode: int) -> None:
    writable_by_others = bool(mode & (stat.S_IWGRP | stat.S_IWOTH))
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), EXAMPLE, mode | 0o400)
        if writable_by_others:
            message = error_of(path)
            assert "writable by users other than its owner" in message
            assert f"Fix: chmod 0644 {path}" in message
        else:
            assert load(path).pools


@pytest.mark.parametrize("folder_mode", [0o775, 0o757, 0o1777])
def test_a_folder_others_can_write_is_refused(tmp_path: Path, folder_mode: int) -> None:
    path = write(tmp_path, EXAMPLE)
    tmp_path.chmod(folder_mode)
    assert "folder is writable by users other than its owner" in error_of(path)


def test_a_file_owned_by_another_user_is_refused(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("changing a file's owner needs root")
    path = write(tmp_path, EXAMPLE)
    os.chown(path, 4242, -1)
    message = error_of(path)
    assert "belongs to user id 4242, not to root" in message
    assert f"Fix: chown root {path}" in message


def test_a_symlink_is_not_followed(tmp_path: Path) -> None:
    real = write(tmp_path, EXAMPLE)
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    assert "cannot be read" in error_of(link)
