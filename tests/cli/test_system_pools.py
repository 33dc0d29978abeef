"""The system-wide configuration from the command line: which pool a run uses, exit code 2
for a file that cannot be used, and `profiles` showing the system's pools as read-only."""

from __future__ import annotations

import json
from pathlib import Path

import keyring
import keyring.core
import pytest

from tests.support.keyring_backends import MemoryKeyring
from tests.support.sshd import readme_block
from totp_tui.cli.main import main
from totp_tui.config.settings import Settings
from totp_tui.profiles import ProfileStore

EXAMPLE = readme_block("## System-wide configuration", "toml")
SECOND_POOL = """
[pools.contractors]
user_pool_id = "eu-west-1_Other42"
client_id = "2example23456789abcdefghij"
"""


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for variable in ("TOTP_TUI_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "keyring-config"))


@pytest.fixture
def memory(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.keyring_backends.MemoryKeyring")
    backend = keyring.get_keyring()
    assert isinstance(backend, MemoryKeyring)
    return backend


def system_config(monkeypatch: pytest.MonkeyPatch, folder: Path, text: str) -> Path:
    folder = folder / "etc"
    folder.mkdir(mode=0o755)
    path = folder / "config.toml"
    path.write_text(text)
    path.chmod(0o644)
    monkeypatch.setenv("TOTP_TUI_SYSTEM_CONFIG", str(path))
    return path


@pytest.fixture
def wizard(monkeypatch: pytest.MonkeyPatch) -> list[Settings | None]:
    seen: list[Settings | None] = []

    def run_wizard(settings: Settings | None, **_: object) -> int:
        seen.append(settings)
        return 0

    monkeypatch.setattr("totp_tui.cli.main.run_wizard", run_wizard)
    return seen


def test_one_pool_and_no_flags_goes_straight_to_sign_in(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, wizard: list[Settings | None]
) -> None:
    system_config(monkeypatch, tmp_path, EXAMPLE)
    assert main([]) == 0
    (settings,) = wizard
    assert settings is not None
    assert (settings.user_pool_id, settings.issuer) == ("eu-west-2_AbC123def", "Example Ltd")
    assert settings.sources["client_id"] == "system:staff"
    assert not settings.save  # nothing of a shared pool goes to anyone's keyring


def test_flags_and_environment_come_first_and_pool_flags_leave_the_file_unread(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, wizard: list[Settings | None]
) -> None:
    path = system_config(monkeypatch, tmp_path, EXAMPLE)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    assert main(["--issuer", "Mine", "--username", "jane"]) == 0
    settings = wizard.pop()
    assert settings is not None
    assert (settings.issuer, settings.username) == ("Mine", "jane")
    assert settings.endpoint_url == "http://127.0.0.1:9"
    assert settings.sources["endpoint_url"] == "env:AWS_ENDPOINT_URL"
    path.write_text("not toml at all")  # pool flags: the file plays no part
    assert main(["--user-pool-id", "us-east-1_Mine1", "--client-id", "c1"]) == 0
    settings = wizard.pop()
    assert settings is not None
    assert settings.user_pool_id == "us-east-1_Mine1"


def test_several_pools_need_a_choice(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    wizard: list[Settings | None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    system_config(monkeypatch, tmp_path, EXAMPLE + SECOND_POOL)
    assert main([]) == 2
    assert (
        "several pools (staff, contractors): choose one with --profile" in capsys.readouterr().err
    )
    assert main(["--profile", "contractors"]) == 0
    monkeypatch.setenv("TOTP_TUI_PROFILE", "staff")
    assert main([]) == 0
    chosen = [settings.user_pool_id for settings in wizard if settings]
    assert chosen == ["eu-west-1_Other42", "eu-west-2_AbC123def"]


def test_kiosk_takes_the_system_pool(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, wizard: list[Settings | None]
) -> None:
    system_config(monkeypatch, tmp_path, EXAMPLE)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert main(["--kiosk"]) == 0
    assert wizard[0] is not None


@pytest.mark.parametrize(
    ("text", "mode", "expected"),
    [
        ("[pools.staff\n", 0o644, ", line 1: "),
        (EXAMPLE.replace("session_minutes = 3", "session_minutes = 30"), 0o644, ", line 6: "),
        (EXAMPLE, 0o664, "writable by users other than its owner"),
    ],
    ids=["syntax", "value", "group-writable"],
)
def test_a_file_that_cannot_be_used_stops_every_command_with_exit_2(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    wizard: list[Settings | None],
    capsys: pytest.CaptureFixture[str],
    text: str,
    mode: int,
    expected: str,
) -> None:
    path = system_config(monkeypatch, tmp_path, text)
    path.chmod(mode)
    for argv in ([], ["profiles", "list"], ["--profile", "staff"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"totp-tui: error: {path}")
        assert expected in err
        assert "Fix: " in err
    assert wizard == []


def test_a_named_file_must_exist(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TOTP_TUI_SYSTEM_CONFIG", str(tmp_path / "missing.toml"))
    assert main([]) == 2
    assert "does not exist" in capsys.readouterr().err


# --- profiles --------------------------------------------------------------------------------


def test_profiles_list_shows_the_system_pools_read_only(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    memory: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = system_config(monkeypatch, tmp_path, EXAMPLE + SECOND_POOL)
    saved = ["profiles", "save", "home", "--user-pool-id", "us-east-1_H1", "--client-id", "h"]
    assert main(saved) == 0
    assert main(["profiles", "list"]) == 0
    assert capsys.readouterr().out.endswith(
        "staff  (system, read-only)\ncontractors  (system, read-only)\nhome\n"
    )
    assert main(["profiles", "list", "--output", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "profiles": ["home"],
        "system_pools": [
            {"name": "staff", "read_only": True, "file": str(path)},
            {"name": "contractors", "read_only": True, "file": str(path)},
        ],
    }
    assert main(["profiles", "show", "staff", "--output", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["user_pool_id"], shown["read_only"]) == ("eu-west-2_AbC123def", True)


def test_system_pools_are_listed_without_a_keyring(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    system_config(monkeypatch, tmp_path, EXAMPLE)
    assert main(["profiles", "list"]) == 0
    out, err = capsys.readouterr()
    assert out == "staff  (system, read-only)\n"
    assert "no usable keyring" in err.lower()


@pytest.mark.parametrize(
    "argv",
    [
        ["delete", "staff", "--yes"],
        ["save", "staff", "--user-pool-id", "us-east-1_H1", "--client-id", "h"],
    ],
    ids=["delete", "save"],
)
def test_system_pools_cannot_be_saved_over_or_deleted(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    memory: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    path = system_config(monkeypatch, tmp_path, EXAMPLE)
    assert main(["profiles", *argv]) == 2
    assert f"'staff' is a pool of the system configuration {path}, which is read-only" in (
        capsys.readouterr().err
    )
    assert ProfileStore(memory).list_names() == []


@pytest.mark.e2e
def test_debug_logs_that_the_values_came_from_the_system_pool(tmp_path: Path) -> None:
    """The real wizard under tmux, with the system configuration and nothing else: straight to
    the sign-in, and --debug's log names each value's source."""
    from tests.support.tmux_session import TOTP_TUI, TmuxSession, require_tmux

    require_tmux()
    folder = tmp_path / "etc"
    folder.mkdir(mode=0o755)
    config = folder / "config.toml"
    config.write_text(EXAMPLE)
    config.chmod(0o644)
    log = tmp_path / "debug.log"
    repo = Path(__file__).resolve().parents[2]
    env = {"TOTP_TUI_SYSTEM_CONFIG": str(config), "PYTHONPATH": str(repo)}
    command = [TOTP_TUI, "--debug", "--log-file", str(log), "--issuer", "Mine"]
    with TmuxSession(command, env=env) as session:
        screen = session.wait_for("Password", timeout=15)
        assert "Pool eu-west-2_AbC123def" in screen
        session.send_keys("C-q")
        assert session.exit_status(timeout=10) == 0
    (sources,) = [row for row in log.read_text().splitlines() if "settings from:" in row]
    for expected in (
        "user_pool_id=system:staff",
        "client_id=system:staff",
        "issuer=flag",
        "endpoint_url=system:staff",
        "session_minutes=system:staff",
    ):
        assert expected in sources
