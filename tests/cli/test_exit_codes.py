"""One exit-code rule for every command (README, "Exit codes"): 0 done, 1 tried and did not
succeed, 2 nothing was tried, 128+N a signal. The installed `totp-tui`, one process per cause,
in an environment built from nothing (a temporary HOME, no keyring config of this machine).

Without a usable keyring the `profiles` commands, the wizard's --profile and admin's
--profile all exit 2, each naming a fix that exists where it is shown: --no-save is the
wizard's, and none of these has it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from totp_tui.cli import admin, main, profiles

REPO = Path(__file__).resolve().parents[2]
TOTP_TUI = str(Path(sys.executable).parent / "totp-tui")
POOL = ["--user-pool-id", "eu-west-2_AbC123", "--client-id", "1example23456789abcdefghij"]
NO_KEYRING = "keyring.backends.fail.Keyring"
KEYRING_FIXES = ("dbus-run-session", "gnome-keyring-daemon --unlock", "PYTHON_KEYRING_BACKEND")
PROFILES_COMMANDS = {
    "list": ["profiles", "list"],
    "list-json": ["profiles", "list", "--output", "json"],
    "show": ["profiles", "show", "work"],
    "delete": ["profiles", "delete", "work", "--yes"],
    "save": ["profiles", "save", "work", *POOL],
}


def run(*argv: str, keyring: str, home: Path) -> subprocess.CompletedProcess[str]:
    env: Mapping[str, str] = {
        "PATH": os.environ.get("PATH", os.defpath),
        "LANG": "C.UTF-8",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "PYTHON_KEYRING_BACKEND": keyring,
        "PYTHONPATH": str(REPO),  # this checkout's totp_tui, whatever is installed
    }
    return subprocess.run(
        [TOTP_TUI, *argv],
        capture_output=True,
        text=True,
        timeout=30,
        env=dict(env),
        stdin=subprocess.DEVNULL,
    )


def one_error_line(err: str) -> str:
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    assert err.startswith("totp-tui: error: ")
    return err


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


class TestNoKeyring:
    @pytest.mark.parametrize("argv", PROFILES_COMMANDS.values(), ids=PROFILES_COMMANDS.keys())
    def test_every_profiles_command_exits_2_with_fixes_it_has(
        self, argv: list[str], home: Path
    ) -> None:
        done = run(*argv, keyring=NO_KEYRING, home=home)
        assert done.returncode == 2
        err = one_error_line(done.stderr)
        assert "There is no usable keyring here." in err
        for fix in KEYRING_FIXES:
            assert fix in err
        assert "--no-save" not in err  # the profiles commands have no such option
        # What works without any profile.
        assert "totp-tui --user-pool-id ID --client-id ID" in err

    def test_the_wizards_profile_exits_2_too_and_names_its_own_way_on(self, home: Path) -> None:
        done = run("--profile", "work", keyring=NO_KEYRING, home=home)
        assert done.returncode == 2
        err = one_error_line(done.stderr)
        assert "There is no usable keyring here." in err
        assert all(fix in err for fix in KEYRING_FIXES)
        # --no-save would not load the profile: the pool flags are the way on.
        assert "--no-save" not in err
        assert "To enrol without the profile, give --user-pool-id and --client-id." in err

    def test_admins_profile_exits_2_and_asks_for_no_client_id(self, home: Path) -> None:
        done = run(
            "admin", "status", "--profile", "work", "--username", "jane",
            keyring=NO_KEYRING, home=home,
        )  # fmt: skip
        assert done.returncode == 2
        err = one_error_line(done.stderr)
        assert "There is no usable keyring here." in err
        assert "--no-save" not in err and "To enrol" not in err
        assert "To run it without the profile, give --user-pool-id" in err
        assert "give --user-pool-id and --client-id" not in err
        assert not (home / "state" / "totp-tui" / "audit.jsonl").exists()  # nothing was tried


# --- --help and the README say the same --------------------------------------------------


def help_codes(text: str) -> dict[str, str]:
    """{code: its clause} from a --help's "Exit codes: 0 ...; 1 ...; 2 ...; 130 ..." text."""
    flat = " ".join(text.split())
    summary = flat.split("Exit codes", 1)[1].split(":", 1)[1]
    clauses = (clause.strip() for clause in summary.split(";"))
    return {m[1]: m[2] for clause in clauses if (m := re.match(r"(\d+(?:\+N)?) (.*)", clause))}


def readme_codes() -> dict[str, str]:
    """{code: its bullet} from the README's "Exit codes" section."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Exit codes\n", 1)[1].split("\n## ", 1)[0]
    bullets = re.findall(r"^- \*\*([^*]+)\*\*: (.*?)(?=^- |^\s*$)", section, re.M | re.S)
    return {code: " ".join(body.split()) for code, body in bullets}


HELPS = {
    "totp-tui": main.build_parser,
    "totp-tui profiles": profiles.build_parser,
    "totp-tui admin": admin.build_parser,
}


@pytest.mark.parametrize("command", HELPS, ids=list(HELPS))
def test_every_help_gives_the_readmes_codes(command: str) -> None:
    readme = readme_codes()
    assert set(readme) == {"0", "1", "2", "128+N"}
    shown = help_codes(HELPS[command]().format_help())
    assert {"0", "1", "2"} <= set(shown)
    assert set(shown) - {"0", "1", "2"} <= {"128+N", "130"}  # 130 is 128 + SIGINT
    assert shown["2"].startswith("nothing was tried")
    assert readme["2"].startswith("nothing was tried")
    assert "README" in " ".join(HELPS[command]().format_help().split())


@pytest.mark.parametrize(
    ("command", "code", "cause"),
    [
        ("totp-tui profiles", "2", "no usable keyring"),
        ("totp-tui profiles", "2", "no such profile"),
        ("totp-tui profiles", "1", "keyring call failed"),
        ("totp-tui admin", "2", "no AWS credentials"),
        ("totp-tui admin", "2", "audit log"),
        ("totp-tui admin", "1", "service refused"),
        ("totp-tui", "2", "no terminal"),
        ("totp-tui", "2", "a log that cannot be written"),
    ],
)
def test_a_cause_has_the_same_code_in_help_and_readme(command: str, code: str, cause: str) -> None:
    assert cause in help_codes(HELPS[command]().format_help())[code]
    words = {
        "no such profile": "profile that does not exist",
        "keyring call failed": "keyring call failed",
        "service refused": "refused",
        "a log that cannot be written": "--log-file",
    }.get(cause, cause)
    assert words in readme_codes()[code]
