"""`totp-tui profiles ...` and `totp-tui --profile`: exit codes, messages, no secret shown.

In-process tests choose a test backend as a user would, with PYTHON_KEYRING_BACKEND; the
TestRealSecretService ones run the installed `totp-tui` against the Secret Service that
tests/support/with_secret_service.sh starts (`make test`), one process per command.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest

from tests.support.keyring_backends import MemoryKeyring, require_secret_service
from totp_tui.cli.main import main
from totp_tui.config.settings import Settings
from totp_tui.profiles import SERVICE, Profile, ProfileStore

POOL_ID = "eu-west-2_AbC123"
CLIENT_ID = "1example23456789abcdefghij"
POOL = ["--user-pool-id", POOL_ID, "--client-id", CLIENT_ID]
SECRET = "fake-Client-Secret-0123456789abcdefghijklmnopqrstuvwxyz"
# How to get a keyring, and what works without one: `totp-tui` needs no profile.
ADVICE = (
    "dbus-run-session",
    "gnome-keyring-daemon --unlock",
    "PYTHON_KEYRING_BACKEND",
    "totp-tui --user-pool-id ID --client-id ID",
)
SCRIPT = Path(sys.executable).parent / "totp-tui"
OUR_VARIABLES = (
    "PYTHON_KEYRING_BACKEND",
    "TOTP_TUI_PROFILE",
    "TOTP_TUI_CLIENT_SECRET",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
    "AWS_CA_BUNDLE",
    "TOTP_TUI_SESSION_MINUTES",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """None of the variables the CLI reads, and no keyring config file, unless a test sets one."""
    for variable in OUR_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def use_backend(monkeypatch: pytest.MonkeyPatch, class_path: str) -> keyring.backend.KeyringBackend:
    """Make keyring choose `class_path` afresh, as PYTHON_KEYRING_BACKEND does in a new process;
    returns the instance the CLI will use."""
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", class_path)
    return keyring.get_keyring()


@pytest.fixture
def memory(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    backend = use_backend(monkeypatch, "tests.support.keyring_backends.MemoryKeyring")
    assert isinstance(backend, MemoryKeyring)
    return backend


@pytest.fixture
def wizard(monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    """The wizard replaced by a recorder of the settings it would have run with."""
    seen: list[Settings] = []

    def run_wizard(settings: Settings, demo: object = None, **_: object) -> int:
        seen.append(settings)
        return 0

    monkeypatch.setattr("totp_tui.cli.main.run_wizard", run_wizard)
    return seen


def one_error_line(err: str) -> str:
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    assert err.startswith("totp-tui: error: ")
    return err


def save_work(capsys: pytest.CaptureFixture[str], *extra: str) -> None:
    assert main(["profiles", "save", "work", *POOL, *extra]) == 0
    capsys.readouterr()


class TestNoKeyring:
    @pytest.fixture(autouse=True)
    def fail_backend(self, monkeypatch: pytest.MonkeyPatch) -> None:
        use_backend(monkeypatch, "keyring.backends.fail.Keyring")

    @pytest.mark.parametrize(
        "argv",
        [["list"], ["show", "work"], ["delete", "work", "--yes"], ["save", "work", *POOL]],
        ids=["list", "show", "delete", "save"],
    )
    def test_commands_say_how_to_fix_it(
        self, argv: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        # Nothing was tried: 2, as for the wizard's and admin's --profile without a keyring.
        assert main(["profiles", *argv]) == 2
        err = one_error_line(capsys.readouterr().err)
        assert "There is no usable keyring here." in err
        for advice in ADVICE:
            assert advice in err
        assert "--no-save" not in err  # the wizard's option: these commands have none

    def test_wizard_with_a_profile_and_no_pool_flags_stops(
        self, wizard: list[Settings], capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["--profile", "work"]) == 2
        err = one_error_line(capsys.readouterr().err)
        assert "There is no usable keyring here." in err
        assert "give --user-pool-id and --client-id" in err
        assert "--no-save" not in err  # not saving would not load the profile
        assert wizard == []

    def test_wizard_with_pool_flags_still_runs(
        self,
        wizard: list[Settings],
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setenv("TOTP_TUI_PROFILE", "work")
        assert main(POOL) == 0
        [settings] = wizard
        assert (settings.user_pool_id, settings.client_id) == (POOL_ID, CLIENT_ID)
        assert settings.profile_name == "work" and settings.loaded_profile is None
        err = capsys.readouterr().err
        assert err.startswith("totp-tui: warning: profile 'work' was not loaded")
        assert "dbus-run-session" in err and "Traceback" not in err

    def test_wizard_without_a_profile_never_touches_the_keyring(
        self, wizard: list[Settings], capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(POOL) == 0
        assert len(wizard) == 1
        assert capsys.readouterr().err == ""


class TestBrokenKeyring:
    @pytest.mark.parametrize(
        ("backend", "cause"),
        [
            ("RaisingKeyring", "the keyring backend cannot work here (simulated D-Bus failure)"),
            ("LockedKeyring", "the keyring is locked and was not unlocked"),
        ],
    )
    @pytest.mark.parametrize(
        ("argv", "consequence"),
        [
            (["list"], "the saved profiles could not be read"),
            (["show", "work"], "profile 'work' could not be read"),
            (["delete", "work", "--yes"], "nothing was deleted"),
            (["save", "work", *POOL], "nothing was saved"),
        ],
        ids=["list", "show", "delete", "save"],
    )
    def test_exit_1_with_the_stores_message(
        self,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
        backend: str,
        cause: str,
        argv: list[str],
        consequence: str,
    ) -> None:
        use_backend(monkeypatch, f"tests.support.keyring_backends.{backend}")
        assert main(["profiles", *argv]) == 1
        err = one_error_line(capsys.readouterr().err)
        assert cause in err and consequence in err

    def test_damaged_profile_is_a_keyring_failure(
        self, memory: MemoryKeyring, capsys: pytest.CaptureFixture[str]
    ) -> None:
        save_work(capsys)
        memory.entries[(SERVICE, "profile:work")] = '{"schema_version": 9}'
        assert main(["profiles", "show", "work"]) == 1
        assert "saved by a newer totp-tui" in one_error_line(capsys.readouterr().err)


class TestCommands:
    def test_save_list_show_json(
        self,
        memory: MemoryKeyring,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setenv("TOTP_TUI_CLIENT_SECRET", SECRET)
        argv = ["profiles", "save", "work", *POOL, "--issuer", "Acme", "--username", "alice"]
        assert main(argv) == 0
        assert capsys.readouterr().out == "Saved profile 'work' (client secret: set).\n"
        assert main(["profiles", "list", "--output", "json"]) == 0
        assert json.loads(capsys.readouterr().out) == {"profiles": ["work"]}
        assert main(["profiles", "show", "work", "--output", "json"]) == 0
        out = capsys.readouterr().out
        shown = json.loads(out)
        assert shown == {
            "name": "work",
            "region": "eu-west-2",
            "user_pool_id": POOL_ID,
            "client_id": CLIENT_ID,
            "auth_flow": "USER_SRP_AUTH",
            "issuer": "Acme",
            "endpoint_url": None,
            "verify_ssl": True,
            "ca_bundle": None,
            "connect_timeout": 10.0,
            "read_timeout": 30.0,
            "session_minutes": 3,
            "last_username": "alice",
            "schema_version": 2,
            "client_secret": "set",
        }
        assert SECRET not in out
        assert memory.entries[(SERVICE, "profile:work:client-secret")] == SECRET

    def test_show_text(self, memory: MemoryKeyring, capsys: pytest.CaptureFixture[str]) -> None:
        save_work(capsys, "--no-verify-ssl")
        assert main(["profiles", "show", "work"]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert "client_secret:   unset" in lines
        assert "verify_ssl:      false" in lines
        assert "endpoint_url:    (none)" in lines
        assert "session_minutes: 3" in lines

    def test_save_with_session_minutes_and_user_auth(
        self,
        memory: MemoryKeyring,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # The variable describes this shell, not the pool: the flag is what gets saved.
        monkeypatch.setenv("TOTP_TUI_SESSION_MINUTES", "5")
        save_work(capsys, "--session-minutes", "10", "--auth-flow", "USER_AUTH")
        saved = ProfileStore(memory).load("work")
        assert (saved.session_minutes, saved.auth_flow) == (10, "USER_AUTH")
        assert main(["profiles", "show", "work"]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert "session_minutes: 10" in lines
        assert "auth_flow:       USER_AUTH" in lines
        save_work(capsys)  # saved again without the flag: the default, not the variable's 5
        assert ProfileStore(memory).load("work").session_minutes == 3

    def test_list_text(self, memory: MemoryKeyring, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["profiles", "list"]) == 0
        assert capsys.readouterr() == ("", "totp-tui: no saved profiles\n")
        save_work(capsys)
        assert main(["profiles", "save", "home", *POOL]) == 0
        capsys.readouterr()
        assert main(["profiles", "list"]) == 0
        assert capsys.readouterr().out == "home\nwork\n"

    def test_save_replaces_and_keeps_the_environment_out(
        self,
        memory: MemoryKeyring,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setenv("TOTP_TUI_CLIENT_SECRET", SECRET)
        save_work(capsys, "--endpoint-url", "https://cognito.example")
        monkeypatch.delenv("TOTP_TUI_CLIENT_SECRET")
        monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
        monkeypatch.setenv("AWS_REGION", "us-east-1")  # would clash with the pool if used
        assert main(["profiles", "save", "work", *POOL]) == 0
        assert "client secret: unset" in capsys.readouterr().out
        saved = ProfileStore(memory).load("work")
        assert saved.endpoint_url is None and saved.region == "eu-west-2"
        assert (SERVICE, "profile:work:client-secret") not in memory.entries

    @pytest.mark.parametrize(
        ("argv", "expected"),
        [
            (["save", "work", "--client-id", CLIENT_ID], "--user-pool-id is required"),
            (["save", "work", *POOL, "--region", "us-east-1"], "lives in eu-west-2"),
            (
                ["save", "work", *POOL, "--session-minutes", "20"],
                "--session-minutes must be a whole number from 3 to 15",
            ),
            (["save", "bad/name", *POOL], "profile name 'bad/name' must be"),
            (["show", "nope"], "there is no saved profile named 'nope'"),
            (["delete", "nope", "--yes"], "there is no saved profile named 'nope'"),
            (["show", "a b"], "profile name 'a b' must be"),
        ],
    )
    def test_usage_errors_exit_2(
        self,
        memory: MemoryKeyring,
        capsys: pytest.CaptureFixture[str],
        argv: list[str],
        expected: str,
    ) -> None:
        assert main(["profiles", *argv]) == 2
        assert expected in one_error_line(capsys.readouterr().err)
        assert (SERVICE, "profile:work") not in memory.entries


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Interrupted(_Terminal):
    """A terminal where the person presses Ctrl+C at the question."""

    def readline(self, size: int | None = -1, /) -> str:
        raise KeyboardInterrupt


class TestDelete:
    @pytest.fixture(autouse=True)
    def work_saved(self, memory: MemoryKeyring, capsys: pytest.CaptureFixture[str]) -> None:
        save_work(capsys)

    def test_without_yes_and_no_terminal_refuses(
        self,
        memory: MemoryKeyring,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))  # piped "y": not an answer
        assert main(["profiles", "delete", "work"]) == 2
        err = one_error_line(capsys.readouterr().err)
        assert "stdin is not a terminal" in err and "--yes" in err
        assert ProfileStore(memory).list_names() == ["work"]

    @pytest.mark.parametrize(("answer", "deleted"), [("y\n", True), ("n\n", False), ("", False)])
    def test_asks_on_a_terminal(
        self,
        memory: MemoryKeyring,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        answer: str,
        deleted: bool,
    ) -> None:
        monkeypatch.setattr(sys, "stdin", _Terminal(answer))
        assert main(["profiles", "delete", "work"]) == 0
        captured = capsys.readouterr()
        assert captured.err.startswith("Delete profile work? [y/N] ")
        assert ProfileStore(memory).list_names() == ([] if deleted else ["work"])
        assert ("Deleted profile 'work'." in captured.out) is deleted

    def test_ctrl_c_at_the_question_exits_130_and_keeps_it(
        self,
        memory: MemoryKeyring,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(sys, "stdin", _Interrupted())
        assert main(["profiles", "delete", "work"]) == 130
        err = capsys.readouterr().err
        assert err.endswith("totp-tui: interrupted; profile 'work' was not deleted\n")
        assert "Traceback" not in err
        assert ProfileStore(memory).list_names() == ["work"]

    def test_with_yes(self, memory: MemoryKeyring, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["profiles", "delete", "work", "--yes"]) == 0
        assert capsys.readouterr() == ("Deleted profile 'work'.\n", "")
        assert memory.entries == {(SERVICE, "index"): "[]"}


class TestWizardProfile:
    @pytest.fixture(autouse=True)
    def work_saved(
        self,
        memory: MemoryKeyring,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setenv("TOTP_TUI_CLIENT_SECRET", SECRET)
        save_work(capsys, "--issuer", "Acme", "--username", "alice")
        monkeypatch.delenv("TOTP_TUI_CLIENT_SECRET")

    def test_profile_flag_loads_it_with_its_secret(self, wizard: list[Settings]) -> None:
        assert main(["--profile", "work"]) == 0
        [settings] = wizard
        assert (settings.user_pool_id, settings.issuer, settings.username) == (
            POOL_ID,
            "Acme",
            "alice",
        )
        assert settings.client_secret == SECRET
        assert settings.profile_name == "work"
        assert settings.loaded_profile == ProfileStore(keyring.get_keyring()).load("work")
        assert settings.sources["client_secret"] == "profile:work"

    def test_totp_tui_profile_selects_it_and_flags_win(
        self, wizard: list[Settings], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("TOTP_TUI_PROFILE", "work")
        assert main(["--issuer", "Flag", "--no-save"]) == 0
        [settings] = wizard
        assert (settings.user_pool_id, settings.issuer, settings.save) == (POOL_ID, "Flag", False)
        assert settings.sources["profile_name"] == "env:TOTP_TUI_PROFILE"
        assert settings.sources["user_pool_id"] == "profile:work"

    def test_the_profiles_session_length_and_the_flag_over_it(
        self,
        memory: MemoryKeyring,
        wizard: list[Settings],
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        save_work(capsys, "--session-minutes", "10")
        assert main(["--profile", "work"]) == 0
        assert main(["--profile", "work", "--session-minutes", "4"]) == 0
        monkeypatch.setenv("TOTP_TUI_SESSION_MINUTES", "6")
        assert main(["--profile", "work"]) == 0
        assert [(s.session_minutes, s.sources["session_minutes"]) for s in wizard] == [
            (10, "profile:work"),
            (4, "flag"),
            (6, "env:TOTP_TUI_SESSION_MINUTES"),
        ]

    def test_missing_profile_exits_2_even_with_pool_flags(
        self, wizard: list[Settings], capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["--profile", "nope", *POOL]) == 2
        err = one_error_line(capsys.readouterr().err)
        assert "there is no saved profile named 'nope'" in err
        assert "totp-tui profiles list" in err
        assert wizard == []

    def test_profile_value_that_no_longer_validates(
        self,
        memory: MemoryKeyring,
        wizard: list[Settings],
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
    ) -> None:
        gone = tmp_path / "gone.pem"
        ProfileStore(memory).save(
            Profile("old", "eu-west-2", POOL_ID, CLIENT_ID, ca_bundle=str(gone))
        )
        assert main(["--profile", "old"]) == 2
        err = one_error_line(capsys.readouterr().err)
        assert err.rstrip().endswith("is not a readable file (from profile 'old')")
        assert wizard == []


# Against the real Secret Service that tests/support/with_secret_service.sh starts (`make test`).


def run_cli(*argv: str, secret: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in OUR_VARIABLES}
    if secret is not None:
        env["TOTP_TUI_CLIENT_SECRET"] = secret
    return subprocess.run(
        [str(SCRIPT), *argv],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        stdin=subprocess.DEVNULL,
    )


class TestRealSecretService:
    @pytest.fixture
    def name(self) -> Iterator[str]:
        require_secret_service()
        name = f"cli-{secrets.token_hex(4)}"
        yield name
        store = ProfileStore()
        if store.exists(name):  # a failed test leaves nothing behind for the next
            store.delete(name)

    def test_save_list_show_delete_across_processes(self, name: str) -> None:
        saved = run_cli("profiles", "save", name, *POOL, "--issuer", "Acme", secret=SECRET)
        assert (saved.returncode, saved.stderr) == (0, "")
        listed = run_cli("profiles", "list", "--output", "json")
        assert listed.returncode == 0, listed.stderr
        assert name in json.loads(listed.stdout)["profiles"]
        shown = run_cli("profiles", "show", name, "--output", "json")
        assert shown.returncode == 0, shown.stderr
        assert SECRET not in shown.stdout + shown.stderr
        data = json.loads(shown.stdout)
        assert (data["user_pool_id"], data["issuer"], data["client_secret"]) == (
            POOL_ID,
            "Acme",
            "set",
        )
        # What the CLI wrote is in the Secret Service itself, secret apart from the profile.
        assert ProfileStore().get_client_secret(name) == SECRET

        refused = run_cli("profiles", "delete", name)  # stdin is not a terminal
        assert refused.returncode == 2 and "--yes" in refused.stderr
        deleted = run_cli("profiles", "delete", name, "--yes")
        assert (deleted.returncode, deleted.stdout) == (0, f"Deleted profile {name!r}.\n")
        gone = run_cli("profiles", "show", name)
        assert gone.returncode == 2
        assert gone.stderr == f"totp-tui: error: there is no saved profile named {name!r}\n"
        assert name not in ProfileStore().list_names()
        assert ProfileStore().get_client_secret(name) is None


def test_command_line_start_up_does_not_import_keyring() -> None:
    # keyring costs ~125 ms before the first screen: only a profile command may load it.
    code = "import sys, totp_tui.cli, totp_tui.cli.profiles; print('keyring' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    assert result.stdout.strip() == "False"
