"""`totp-tui admin status|reset-mfa`: the installed command as a helpdesk runs it, against the
local Cognito over HTTP, and the audit line every action leaves.

Subprocess tests get an environment built from nothing (a temporary HOME, no AWS config, no
metadata probing), so nothing on this machine leaks in. The in-process ones use the fixtures
of tests/helpdesk/test_admin_calls.py.
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import keyring.core
import pytest
from botocore.stub import Stubber
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import PoolUser, make_user, settings_for
from tests.helpdesk.test_admin_calls import (
    DUMMY_SECRET,
    IamUser,
    enrol,
    iam_enforced,
    iam_user,
    isolate_aws,
    status_of,
    turn_totp_on,
)
from tests.support.keyring_backends import require_secret_service
from totp_tui.cli.main import main
from totp_tui.demo.local_cognito import DemoPool, LocalCognito
from totp_tui.helpdesk import admin_calls, token_reset

SCRIPT = Path(sys.executable).parent / "totp-tui"
AUDIT_FIELDS = ["time", "operator", "action", "pool", "region", "username", "outcome"]


def pool_flags(local_cognito: LocalCognito, pool: DemoPool) -> list[str]:
    return ["--user-pool-id", pool.user_pool_id, "--endpoint-url", local_cognito.endpoint_url]


def bare_env(home: Path, state: Path, keys: IamUser | None = None) -> dict[str, str]:
    """What a helpdesk shell would have, and nothing of this machine's AWS setup."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": str(home),
        "XDG_STATE_HOME": str(state),
        "AWS_CONFIG_FILE": str(home / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    if keys is not None:
        env["AWS_ACCESS_KEY_ID"] = keys.access_key_id
        env["AWS_SECRET_ACCESS_KEY"] = keys.secret_access_key
    return env


def run_cli(*argv: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *argv],
        capture_output=True,
        text=True,
        timeout=30,
        env=dict(env),
        stdin=subprocess.DEVNULL,  # not a terminal
    )


def audit_lines(state: Path) -> list[dict[str, Any]]:
    path = state / "totp-tui" / "audit.jsonl"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    for entry in lines:
        assert list(entry)[: len(AUDIT_FIELDS)] == AUDIT_FIELDS
    return lines


def one_error_line(err: str) -> str:
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    assert err.startswith("totp-tui: error: ")
    return err


def assert_no_secret(*texts: str, secrets: tuple[str, ...]) -> None:
    for secret in secrets:
        leaked = any(secret in text for text in texts)
        assert not leaked, "a secret reached the output or the audit log"


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return isolate_aws(monkeypatch, tmp_path)


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def helpdesk(local_cognito: LocalCognito) -> IamUser:
    return iam_user(local_cognito)


# --- The installed command, one process per action -------------------------------------------


class TestCommand:
    def test_status_of_a_fresh_user(
        self,
        local_cognito: LocalCognito,
        pool: DemoPool,
        user: PoolUser,
        helpdesk: IamUser,
        aws_env: Path,
        state: Path,
    ) -> None:
        env = bare_env(aws_env, state, helpdesk)
        args = ["admin", "status", "--username", user.username, *pool_flags(local_cognito, pool)]
        text = run_cli(*args, env=env)
        assert (text.returncode, text.stderr) == (0, "")
        lines = text.stdout.splitlines()
        assert "user_status:           FORCE_CHANGE_PASSWORD" in lines
        assert "enabled:               true" in lines
        assert "user_mfa_setting_list: (none)" in lines
        assert "preferred_mfa_setting: (none)" in lines
        assert "totp_enabled:          false" in lines
        assert "pool_mfa:              required: app (TOTP)" in lines
        assert (
            "next_sign_in:          the temporary password and a new one, then set up an app"
            in lines
        )
        shown = run_cli(*args, "--output", "json", env=env)
        assert shown.returncode == 0, shown.stderr
        assert json.loads(shown.stdout) == {
            "username": user.username,
            "user_pool_id": pool.user_pool_id,
            "region": pool.region,
            "user_status": "FORCE_CHANGE_PASSWORD",
            "enabled": True,
            "user_mfa_setting_list": [],
            "preferred_mfa_setting": None,
            "totp_enabled": False,
            "other_factors": [],
            "verified_contacts": [],
            "pool_mfa": "required: app (TOTP)",
            "next_sign_in": "the temporary password and a new one, then set up an app",
        }
        entries = audit_lines(state)
        assert [e["outcome"] for e in entries] == ["ok", "ok"]
        assert entries[0] | {"time": None} == {
            "time": None,
            "operator": helpdesk.arn,  # from the emulator's STS, for these keys
            "action": "status",
            "pool": pool.user_pool_id,
            "region": pool.region,
            "username": user.username,
            "outcome": "ok",
        }
        assert_no_secret(
            text.stdout, shown.stdout, (state / "totp-tui" / "audit.jsonl").read_text(),
            secrets=(helpdesk.secret_access_key, user.password),
        )  # fmt: skip

    def test_reset_then_status(
        self,
        local_cognito: LocalCognito,
        pool: DemoPool,
        helpdesk: IamUser,
        aws_env: Path,
        state: Path,
    ) -> None:
        enrolled = enrol(local_cognito, pool)
        turn_totp_on(local_cognito, pool, enrolled.username)
        env = bare_env(aws_env, state, helpdesk)
        target = ["--username", enrolled.username, *pool_flags(local_cognito, pool)]

        before = run_cli("admin", "status", *target, "--output", "json", env=env)
        assert json.loads(before.stdout)["user_mfa_setting_list"] == ["SOFTWARE_TOKEN_MFA"]
        assert json.loads(before.stdout)["preferred_mfa_setting"] == "SOFTWARE_TOKEN_MFA"

        refused = run_cli("admin", "reset-mfa", *target, env=env)  # no --yes, stdin not a tty
        assert refused.returncode == 2
        err = one_error_line(refused.stderr)
        assert "stdin is not a terminal" in err and "pass --yes and --reason" in err
        no_reason = run_cli("admin", "reset-mfa", *target, "--yes", env=env)
        assert no_reason.returncode == 2
        assert "pass --reason to reset it" in one_error_line(no_reason.stderr)
        settings = settings_for(local_cognito, pool)
        assert status_of(settings, enrolled.username).totp_enabled  # nothing changed

        reset = run_cli(
            "admin", "reset-mfa", *target, "--yes", "--reason", "INC-1234 lost phone", env=env
        )
        assert (reset.returncode, reset.stderr) == (0, "")
        assert reset.stdout.splitlines() == [
            f"Deleted the authenticator app (TOTP) of {enrolled.username!r} in "
            f"{pool.user_pool_id}.",
            "Next sign-in: set up an app.",
        ]
        after = run_cli("admin", "status", *target, "--output", "json", env=env)
        shown = json.loads(after.stdout)
        assert (shown["user_mfa_setting_list"], shown["totp_enabled"]) == ([], False)
        assert shown["next_sign_in"] == "set up an app"

        entries = audit_lines(state)
        assert [(e["action"], e["outcome"]) for e in entries] == [
            ("status", "ok"),
            ("reset-mfa", "refused"),
            ("reset-mfa", "refused"),
            ("reset-mfa", "ok"),
            ("status", "ok"),
        ]
        assert entries[1]["refusal"] == (
            "not confirmed: no --yes and --reason, and stdin is not a terminal"
        )
        assert entries[2]["refusal"] == "not confirmed: no --reason, and stdin is not a terminal"
        assert entries[3]["reason"] == "INC-1234 lost phone"
        assert entries[3]["also_reset"] is None
        assert {e["operator"] for e in entries} == {helpdesk.arn}
        assert {e["username"] for e in entries} == {enrolled.username}

    def test_aws_profile_from_the_config_files(
        self,
        local_cognito: LocalCognito,
        pool: DemoPool,
        user: PoolUser,
        helpdesk: IamUser,
        aws_env: Path,
        state: Path,
    ) -> None:
        (aws_env / "aws-credentials").write_text(
            f"[helpdesk]\naws_access_key_id = {helpdesk.access_key_id}\n"
            f"aws_secret_access_key = {helpdesk.secret_access_key}\n"
        )
        env = bare_env(aws_env, state)  # no keys in the environment
        target = ["--username", user.username, *pool_flags(local_cognito, pool)]
        named = run_cli("admin", "status", *target, "--aws-profile", "helpdesk", env=env)
        assert (named.returncode, named.stderr) == (0, "")
        unknown = run_cli("admin", "status", *target, "--aws-profile", "nope", env=env)
        assert unknown.returncode == 2
        err = one_error_line(unknown.stderr)
        assert "there is no AWS profile named 'nope'" in err
        assert "AWS_CONFIG_FILE" in err
        entries = audit_lines(state)
        assert [(e["outcome"], e["operator"]) for e in entries] == [
            ("ok", helpdesk.arn),
            ("failed: ProfileNotFound", None),
        ]

    def test_no_credentials_at_all(
        self, local_cognito: LocalCognito, pool: DemoPool, aws_env: Path, state: Path
    ) -> None:
        env = bare_env(aws_env, state)
        started = time.monotonic()
        result = run_cli(
            "admin", "reset-mfa", "--yes", "--username", "alice",
            *pool_flags(local_cognito, pool), env=env,
        )  # fmt: skip
        assert time.monotonic() - started < 10
        # Nothing to sign with, found before any call: it could not start (2), as without a
        # keyring; credentials that AWS refused are a failure (1).
        assert result.returncode == 2
        err = one_error_line(result.stderr)
        assert "no AWS credentials" in err
        for advice in ("--aws-profile", "AWS_PROFILE", "aws configure", "aws sso login"):
            assert advice in err
        [entry] = audit_lines(state)
        assert (entry["action"], entry["outcome"], entry["operator"]) == (
            "reset-mfa",
            "failed: NoCredentialsError",
            None,
        )

    def test_access_denied_names_the_iam_action(
        self, local_cognito: LocalCognito, pool: DemoPool, aws_env: Path, state: Path
    ) -> None:
        target = make_user(local_cognito, pool)
        operator = iam_user(local_cognito, allow=("cognito-idp:AdminGetUser",))
        env = bare_env(aws_env, state, operator)
        flags = ["--username", target.username, *pool_flags(local_cognito, pool)]
        with iam_enforced():
            allowed = run_cli("admin", "status", *flags, env=env)
            denied = run_cli("admin", "reset-mfa", "--yes", "--reason", "T-1", *flags, env=env)
        # Without GetUserPoolMfaConfig the status still comes, with what depends on the pool
        # said to, and a warning that names the permission.
        assert allowed.returncode == 0
        warning = allowed.stderr
        assert warning.count("\n") == 1 and warning.startswith("totp-tui: warning: access denied")
        assert "cognito-idp:GetUserPoolMfaConfig" in warning
        assert (
            "next_sign_in:          the temporary password and a new one, then set up an app "
            "if the pool requires MFA, else no MFA code"
        ) in allowed.stdout.splitlines()
        assert denied.returncode == 1
        err = one_error_line(denied.stderr)
        assert "cognito-idp:AdminDeleteSoftwareToken" in err
        assert f":userpool/{pool.user_pool_id}" in err
        assert err.endswith("(nothing was changed)\n")
        entries = audit_lines(state)
        assert [e["outcome"] for e in entries] == ["ok", "failed: AccessDenied"]
        assert entries[1]["operator"] == operator.arn  # GetCallerIdentity needs no permission
        assert "cognito-idp:AdminDeleteSoftwareToken" in entries[1]["error"]
        assert entries[1]["reason"] == "T-1"


# --- A profile that cannot be read: admin needs a pool, never an app client -----------------

REPO = Path(__file__).resolve().parents[2]
WITH_SECRET_SERVICE = REPO / "tests" / "support" / "with_secret_service.sh"
# Run inside a private Secret Service: save a profile, lock the keyring (its unlock prompt
# cannot show without a display, as on a bastion), then run each admin command given, and
# keep each one's exit status and stderr in OUT/<n>.rc and OUT/<n>.err.
LOCKED_KEYRING_SCRIPT = """
set -u
out=$1; python=$2; shift 2
totp-tui profiles save desk "$@" --client-id abc >/dev/null || exit 90
"$python" -c 'import secretstorage
secretstorage.get_default_collection(secretstorage.dbus_init()).lock()' || exit 91
n=0
while IFS= read -r line; do
    n=$((n + 1))
    eval "totp-tui admin status $line" >"$out/$n.out" 2>"$out/$n.err" </dev/null
    echo $? >"$out/$n.rc"
done <"$out/commands"
"""


class TestProfileThatCannotBeRead:
    def test_no_keyring_and_the_pool_given_it_runs_without_the_profile(
        self,
        local_cognito: LocalCognito,
        pool: DemoPool,
        user: PoolUser,
        helpdesk: IamUser,
        aws_env: Path,
        state: Path,
    ) -> None:
        env = bare_env(aws_env, state, helpdesk)
        env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
        target = ["--profile", "desk", "--username", user.username]
        alone = run_cli("admin", "status", *target, env=env)
        assert alone.returncode == 2
        err = one_error_line(alone.stderr)
        assert "There is no usable keyring here." in err and "dbus-run-session" in err
        assert "To run it without the profile, give --user-pool-id" in err
        assert "--client-id" not in err.replace("needs no client id", "")
        assert "To enrol" not in err and "--no-save" not in err

        # The pool is all an admin command needs: no client id is asked for.
        given = run_cli("admin", "status", *target, *pool_flags(local_cognito, pool), env=env)
        assert given.returncode == 0, given.stderr
        assert given.stderr.startswith("totp-tui: warning: profile 'desk' was not loaded")
        assert "--no-save" not in given.stderr
        assert "user_status:           FORCE_CHANGE_PASSWORD" in given.stdout.splitlines()
        assert [e["outcome"] for e in audit_lines(state)] == ["ok"]

    def test_locked_secret_service(
        self,
        local_cognito: LocalCognito,
        pool: DemoPool,
        user: PoolUser,
        helpdesk: IamUser,
        aws_env: Path,
        state: Path,
        tmp_path: Path,
    ) -> None:
        require_secret_service()  # the machinery: dbus-run-session and gnome-keyring
        out = tmp_path / "out"
        out.mkdir()
        flags = " ".join(pool_flags(local_cognito, pool))
        commands = [
            f"--profile desk --username {user.username}",
            f"--profile desk --username {user.username} {flags}",
        ]
        (out / "commands").write_text("".join(f"{line}\n" for line in commands))
        env = bare_env(aws_env, state, helpdesk)
        env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
        script = [str(WITH_SECRET_SERVICE), "bash", "-c", LOCKED_KEYRING_SCRIPT, "bash"]
        done = subprocess.run(
            [*script, str(out), sys.executable, *pool_flags(local_cognito, pool)],
            capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]

        def result(n: int) -> tuple[int, str, str]:
            rc = int((out / f"{n}.rc").read_text())
            return rc, (out / f"{n}.out").read_text(), (out / f"{n}.err").read_text()

        rc, _, err = result(1)
        assert rc == 2
        one_error_line(err)
        assert "the keyring is locked and was not unlocked" in err
        assert "To run it without the profile, give --user-pool-id" in err
        assert "To enrol" not in err and "give --user-pool-id and --client-id" not in err

        rc, shown, err = result(2)
        assert rc == 0, err
        assert err.startswith("totp-tui: warning: profile 'desk' was not loaded")
        assert f"user_pool_id:          {pool.user_pool_id}" in shown.splitlines()


# --- In-process: the terminal, usage errors, AWS's own refusal --------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Interrupted(_Terminal):
    """A terminal where the operator presses Ctrl+C at the question."""

    def readline(self, size: int | None = -1, /) -> str:
        raise KeyboardInterrupt


@pytest.fixture
def enrolled(local_cognito: LocalCognito, pool: DemoPool) -> PoolUser:
    user = enrol(local_cognito, pool)
    turn_totp_on(local_cognito, pool, user.username)
    return user


class TestInProcess:
    @pytest.mark.parametrize(
        ("answers", "reset", "refusal"),
        [
            ("INC-7 lost phone\ny\n", True, ""),
            ("INC-7 lost phone\nn\n", False, "not confirmed: the operator said no"),
            ("INC-7\n", False, "not confirmed: the operator said no"),  # end of input
            ("  \n", False, "no reason given"),
        ],
    )
    def test_asks_why_and_warns_before_it_asks(
        self,
        local_cognito: LocalCognito,
        pool: DemoPool,
        enrolled: PoolUser,
        state: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
        answers: str,
        reset: bool,
        refusal: str,
    ) -> None:
        monkeypatch.setattr(sys, "stdin", _Terminal(answers))
        argv = ["admin", "reset-mfa", "--username", enrolled.username]
        assert main([*argv, *pool_flags(local_cognito, pool)]) == 0
        captured = capsys.readouterr()
        user = enrolled.username
        assert captured.err.startswith(
            f"Whoever signs in next as {user} with the password can register an authenticator "
            "app for this account: check the person's identity first"
        )
        assert "Add --require-new-password" in captured.err
        assert "\nReason or ticket reference: " in captured.err
        if refusal != "no reason given":
            assert (
                f"Delete the authenticator app (TOTP) of {user} in {pool.user_pool_id}? [y/N] "
                in captured.err
            )
        settings = settings_for(local_cognito, pool)
        assert status_of(settings, user).totp_enabled is not reset
        [entry] = audit_lines(state)
        assert entry["outcome"] == ("ok" if reset else "refused")
        if reset:
            assert entry["reason"] == "INC-7 lost phone"
        else:
            assert entry["refusal"] == refusal
            assert "was not reset" in captured.err

    def test_ctrl_c_at_the_question_exits_130_and_resets_nothing(
        self,
        local_cognito: LocalCognito,
        pool: DemoPool,
        enrolled: PoolUser,
        state: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        monkeypatch.setattr(sys, "stdin", _Interrupted())
        argv = ["admin", "reset-mfa", "--username", enrolled.username]
        assert main([*argv, *pool_flags(local_cognito, pool)]) == 130
        err = capsys.readouterr().err
        assert err.endswith(
            f"totp-tui: interrupted; authenticator MFA for {enrolled.username!r} was not reset\n"
        )
        assert "may have been done" not in err and "Traceback" not in err
        assert status_of(settings_for(local_cognito, pool), enrolled.username).totp_enabled
        [entry] = audit_lines(state)
        assert entry["outcome"] == "refused"
        assert entry["refusal"] == "not confirmed: interrupted at the question"

    def test_aws_access_denied_exception(
        self,
        local_cognito: LocalCognito,
        pool: DemoPool,
        user: PoolUser,
        state: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        # AWS's JSON refusal, which the emulator does not send (it sends an XML body).
        real_factory = admin_calls.admin_client
        stubbers: list[Stubber] = []

        def denying_client(session: Any, settings: Any) -> Any:
            client = real_factory(session, settings)
            stubber = Stubber(client)
            stubber.add_client_error(
                "admin_get_user", "AccessDeniedException", "User: x is not authorized"
            )
            stubber.activate()
            stubbers.append(stubber)
            return client

        monkeypatch.setattr(admin_calls, "admin_client", denying_client)
        argv = ["admin", "status", "--username", user.username]
        assert main([*argv, *pool_flags(local_cognito, pool)]) == 1
        err = one_error_line(capsys.readouterr().err)
        assert "may not call cognito-idp:AdminGetUser on arn:aws:cognito-idp:" in err
        stubbers[0].assert_no_pending_responses()
        [entry] = audit_lines(state)
        assert entry["outcome"] == "failed: AccessDeniedException"

    def test_unknown_user(
        self,
        local_cognito: LocalCognito,
        pool: DemoPool,
        state: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        argv = ["admin", "reset-mfa", "--yes", "--reason", "T-1", "--username", "nobody"]
        assert main([*argv, *pool_flags(local_cognito, pool)]) == 1
        err = one_error_line(capsys.readouterr().err)
        assert err == (
            f"totp-tui: error: no user 'nobody' in {pool.user_pool_id} (nothing was changed)\n"
        )
        [entry] = audit_lines(state)
        assert entry["outcome"] == "failed: UserNotFoundException"

    @pytest.mark.parametrize(
        ("argv", "expected"),
        [
            (["status", "--username", "alice"], "--user-pool-id is required"),
            (["status", "--username", "alice", "--user-pool-id", "bad"], "is not of the form"),
            (
                ["status", "--username", "alice", "--user-pool-id", "eu-west-2_AbC123",
                 "--region", "us-east-1"],
                "lives in eu-west-2",
            ),
            (["reset-mfa", "--username", " ", "--user-pool-id", "eu-west-2_AbC123"], "empty"),
            (
                ["status", "--username", "a", "--user-pool-id", "eu-west-2_AbC123",
                 "--sts-endpoint-url", "sts.example"],
                "must start with https://",
            ),
        ],
    )  # fmt: skip
    def test_usage_errors_exit_2_and_touch_nothing(
        self, argv: list[str], expected: str, state: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["admin", *argv]) == 2
        assert expected in one_error_line(capsys.readouterr().err)
        assert not (state / "totp-tui" / "audit.jsonl").exists()

    def test_missing_username_is_argparses_usage_error(self) -> None:
        with pytest.raises(SystemExit) as caught:
            main(["admin", "status", "--user-pool-id", "eu-west-2_AbC123"])
        assert caught.value.code == 2

    def test_audit_log_that_cannot_be_written_means_nothing_is_done(
        self,
        local_cognito: LocalCognito,
        pool: DemoPool,
        enrolled: PoolUser,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        blocker = tmp_path / "state-is-a-file"
        blocker.write_text("")
        monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
        argv = ["admin", "reset-mfa", "--yes", "--reason", "T-1", "--username", enrolled.username]
        # 2, as --kiosk with the same log: nothing was tried.
        assert main([*argv, *pool_flags(local_cognito, pool)]) == 2
        err = one_error_line(capsys.readouterr().err)
        assert "cannot write the audit log" in err and "nothing was done" in err
        assert status_of(settings_for(local_cognito, pool), enrolled.username).totp_enabled

    def test_pool_from_a_saved_profile(
        self,
        local_cognito: LocalCognito,
        pool: DemoPool,
        user: PoolUser,
        state: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        # As `totp-tui --profile` does: the profile's pool, region and endpoint.
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
        monkeypatch.setattr(keyring.core, "_keyring_backend", None)
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.keyring_backends.MemoryKeyring")
        saved = ["profiles", "save", "desk", "--client-id", pool.client_id]
        assert main([*saved, *pool_flags(local_cognito, pool)]) == 0
        capsys.readouterr()
        assert main(["admin", "status", "--profile", "desk", "--username", user.username]) == 0
        assert f"user_pool_id:          {pool.user_pool_id}" in capsys.readouterr().out
        monkeypatch.setenv("TOTP_TUI_PROFILE", "desk")
        assert main(["admin", "status", "--username", user.username, "--output", "json"]) == 0
        assert json.loads(capsys.readouterr().out)["user_status"] == "FORCE_CHANGE_PASSWORD"
        assert main(["admin", "status", "--profile", "gone", "--username", user.username]) == 2
        assert "there is no saved profile named 'gone'" in one_error_line(capsys.readouterr().err)
        assert [e["outcome"] for e in audit_lines(state)] == ["ok", "ok"]

    def test_interrupted_call_is_still_audited(
        self,
        local_cognito: LocalCognito,
        pool: DemoPool,
        user: PoolUser,
        state: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        def interrupted(*_: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(token_reset, "delete_software_token", interrupted)
        argv = ["admin", "reset-mfa", "--yes", "--reason", "T-1", "--username", user.username]
        assert main([*argv, *pool_flags(local_cognito, pool)]) == 130
        assert "interrupted (the reset-mfa may have been done)" in capsys.readouterr().err
        [entry] = audit_lines(state)
        assert entry["outcome"] == "failed: Interrupted"

    def test_no_secret_in_the_output_or_the_log(
        self,
        local_cognito: LocalCognito,
        pool: DemoPool,
        user: PoolUser,
        state: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        argv = ["--username", user.username, *pool_flags(local_cognito, pool)]
        assert main(["admin", "status", *argv, "--output", "json"]) == 0
        assert main(["admin", "reset-mfa", "--yes", "--reason", "T-1", *argv]) == 0
        captured = capsys.readouterr()
        log = (state / "totp-tui" / "audit.jsonl").read_text()
        assert_no_secret(captured.out, captured.err, log, secrets=(DUMMY_SECRET, user.password))


def test_the_wizard_start_up_does_not_load_the_admin_commands() -> None:
    code = (
        "import sys, totp_tui.cli.main; "
        "print([m for m in ('totp_tui.cli.admin', 'totp_tui.helpdesk.admin_calls', 'boto3', "
        "'totp_tui.config.admin_settings') if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    assert result.stdout.strip() == "[]"


class TestRequireNewPassword:
    def test_the_password_is_reset_before_the_app_is_deleted(
        self,
        local_cognito: LocalCognito,
        pool: DemoPool,
        enrolled: PoolUser,
        state: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        local_cognito.admin_client(pool.region).admin_update_user_attributes(
            UserPoolId=pool.user_pool_id,
            Username=enrolled.username,
            UserAttributes=[
                {"Name": "phone_number", "Value": "+15550100123"},
                {"Name": "phone_number_verified", "Value": "true"},
            ],
        )
        argv = ["admin", "reset-mfa", "--yes", "--reason", "INC-9", "--require-new-password"]
        assert main([*argv, "--username", enrolled.username, *pool_flags(local_cognito, pool)]) == 0
        out = capsys.readouterr().out.splitlines()
        assert out[1] == (
            "Their password was reset: Cognito sent a code to their verified email or phone."
        )
        assert out[2] == (
            "Next sign-in: a new password with the code Cognito sends to their verified email "
            "or phone, then set up an app."
        )
        status = status_of(settings_for(local_cognito, pool), enrolled.username)
        assert (status.user_status, status.totp_enabled) == ("RESET_REQUIRED", False)
        [entry] = audit_lines(state)
        assert (entry["outcome"], entry["reason"], entry["also_reset"]) == (
            "ok",
            "INC-9",
            "password",
        )

    def test_no_verified_contact_changes_nothing(
        self,
        local_cognito: LocalCognito,
        pool: DemoPool,
        enrolled: PoolUser,
        state: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        argv = ["admin", "reset-mfa", "--yes", "--reason", "INC-9", "--require-new-password"]
        assert main([*argv, "--username", enrolled.username, *pool_flags(local_cognito, pool)]) == 1
        err = one_error_line(capsys.readouterr().err)
        assert "no registered/verified email or phone_number" in err
        assert err.endswith("(nothing was changed)\n")
        status = status_of(settings_for(local_cognito, pool), enrolled.username)
        assert (status.user_status, status.totp_enabled) == ("CONFIRMED", True)
        [entry] = audit_lines(state)
        assert entry["outcome"] == "failed: InvalidParameterException"
        assert "done_before_failure" not in entry

    def test_the_warning_says_the_code_will_be_needed(
        self,
        local_cognito: LocalCognito,
        pool: DemoPool,
        enrolled: PoolUser,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        monkeypatch.setattr(sys, "stdin", _Terminal("INC-9\nn\n"))
        argv = ["admin", "reset-mfa", "--require-new-password", "--username", enrolled.username]
        assert main([*argv, *pool_flags(local_cognito, pool)]) == 0
        err = capsys.readouterr().err
        assert "The password is reset too: they will need the code Cognito sends" in err
        assert "Add --require-new-password" not in err


@given(st.text())
def test_a_reason_is_one_line_of_its_words(text: str) -> None:
    """Whatever the operator types or scripts pass (newlines, tabs, control characters), the
    audit line gets its words on one line."""
    from totp_tui.cli.admin_reset import _clean_reason

    cleaned = _clean_reason(text)
    assert cleaned == " ".join(text.split())
    assert not any(c in cleaned for c in "\n\r\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def test_an_sdk_without_the_operation_is_told_before_anything(
    local_cognito: LocalCognito,
    pool: DemoPool,
    enrolled: PoolUser,
    state: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.helpdesk.test_admin_calls import client_without_the_operation

    older, real = client_without_the_operation(tmp_path), admin_calls.admin_client
    monkeypatch.setattr(admin_calls, "admin_client", lambda session, settings: older)
    argv = ["admin", "reset-mfa", "--yes", "--reason", "T-1", "--username", enrolled.username]
    assert main([*argv, *pool_flags(local_cognito, pool)]) == 2  # nothing was tried
    err = one_error_line(capsys.readouterr().err)
    assert "has no AdminDeleteSoftwareToken" in err and "boto3>=1.44.18" in err
    monkeypatch.setattr(admin_calls, "admin_client", real)
    assert status_of(settings_for(local_cognito, pool), enrolled.username).totp_enabled
    [entry] = audit_lines(state)
    assert entry["outcome"] == "failed: UnknownOperation"


def test_a_reason_too_long_at_the_prompt_is_refused(
    local_cognito: LocalCognito,
    pool: DemoPool,
    enrolled: PoolUser,
    state: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal("x" * 301 + "\ny\n"))
    argv = ["admin", "reset-mfa", "--username", enrolled.username]
    assert main([*argv, *pool_flags(local_cognito, pool)]) == 2
    assert "the reason is longer than 300 characters" in capsys.readouterr().err
    assert status_of(settings_for(local_cognito, pool), enrolled.username).totp_enabled
    [entry] = audit_lines(state)
    assert (entry["outcome"], entry["refusal"]) == ("refused", "the reason was too long")
