"""`totp-tui admin report`: the installed command over a local pool, CSV and JSON lines on
stdout, the progress bar only on a terminal, the filter passed through, a reader that goes
away, and the audit line with what was done."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_admin import SCRIPT, audit_lines, bare_env, one_error_line, pool_flags, run_cli
from tests.helpdesk.test_admin_calls import (
    IamUser,
    enrol,
    iam_enforced,
    iam_user,
    isolate_aws,
    sms_and_app_user,
    turn_totp_on,
)
from tests.helpdesk.test_pool_report import add_plain_users
from totp_tui.cli.main import main
from totp_tui.demo.local_cognito import DemoPool, LocalCognito
from totp_tui.helpdesk.pool_report import COLUMNS


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return isolate_aws(monkeypatch, tmp_path)


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def helpdesk(local_cognito: LocalCognito) -> IamUser:
    return iam_user(local_cognito)


@pytest.fixture
def mixed_pool(local_cognito: LocalCognito, pool: DemoPool) -> dict[str, str]:
    """username -> its factor class, for an app user, an SMS-only user and 70 new users."""
    app = enrol(local_cognito, pool)
    turn_totp_on(local_cognito, pool, app.username)
    sms = sms_and_app_user(local_cognito, pool)
    local_cognito.admin_client(pool.region).admin_delete_software_token(
        UserPoolId=pool.user_pool_id, Username=sms.username
    )
    kinds = {app.username: "TOTP", sms.username: "SMS/email only"}
    kinds.update(dict.fromkeys(add_plain_users(local_cognito, pool, 70), "none"))
    return kinds


def test_csv_and_json_lines(
    local_cognito: LocalCognito,
    pool: DemoPool,
    mixed_pool: dict[str, str],
    helpdesk: IamUser,
    aws_env: Path,
    state: Path,
) -> None:
    env = bare_env(aws_env, state, helpdesk)
    as_csv = run_cli("admin", "report", *pool_flags(local_cognito, pool), env=env)
    assert (as_csv.returncode, as_csv.stderr) == (0, "")  # no bar: stderr is not a terminal
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert list(rows[0]) == list(COLUMNS)
    assert {row["username"]: row["factors"] for row in rows} == mixed_pool
    by_name = {row["username"]: row for row in rows}
    sms = next(name for name, kind in mixed_pool.items() if kind == "SMS/email only")
    assert (by_name[sms]["other_factors"], by_name[sms]["next_sign_in"]) == ("SMS", "SMS code")

    as_json = run_cli(
        "admin", "report", "--output", "jsonl", *pool_flags(local_cognito, pool), env=env
    )
    assert as_json.returncode == 0
    lines = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [line["username"] for line in lines] == [row["username"] for row in rows]
    app = next(name for name, kind in mixed_pool.items() if kind == "TOTP")
    assert next(line for line in lines if line["username"] == app) == {
        "username": app,
        "user_status": "CONFIRMED",
        "enabled": True,
        "factors": "TOTP",
        "totp": True,
        "other_factors": [],
        "preferred": "app (TOTP)",
        "next_sign_in": "code from the app",
    }

    entries = audit_lines(state)
    assert [(e["action"], e["username"], e["outcome"]) for e in entries] == [
        ("report", "*", "ok"),
        ("report", "*", "ok"),
    ]
    assert entries[0]["operator"] == helpdesk.arn
    assert entries[0]["users"] == 72
    assert entries[0]["requests"] == 72 + 2  # AdminGetUser each, two pages of ListUsers
    assert entries[0]["throttles_absorbed"] == 0
    assert entries[0]["filter"] is None


def test_filter_passed_through(
    local_cognito: LocalCognito,
    pool: DemoPool,
    mixed_pool: dict[str, str],
    aws_env: Path,
    state: Path,
) -> None:
    env = bare_env(aws_env, state)
    env |= {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}
    flags = ["--filter", 'username ^= "sms"', "--output", "jsonl"]
    result = run_cli("admin", "report", *flags, *pool_flags(local_cognito, pool), env=env)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["factors"] for line in result.stdout.splitlines()] == [
        "SMS/email only"
    ]
    [entry] = audit_lines(state)
    assert entry["filter"] == 'username ^= "sms"'


def test_a_bad_filter_is_cognitos_one_line(
    local_cognito: LocalCognito, pool: DemoPool, aws_env: Path, state: Path
) -> None:
    env = bare_env(aws_env, state) | {"AWS_ACCESS_KEY_ID": "l", "AWS_SECRET_ACCESS_KEY": "l"}
    flags = ["--filter", "no such thing"]
    result = run_cli("admin", "report", *flags, *pool_flags(local_cognito, pool), env=env)
    assert result.returncode == 1
    assert "Cognito refused the request" in one_error_line(result.stderr)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_only(
    local_cognito: LocalCognito,
    pool: DemoPool,
    mixed_pool: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("totp_tui.cli.admin_report.REDRAW_SECONDS", 0.0)  # every user drawn
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["admin", "report", *pool_flags(local_cognito, pool)]) == 0
    drawn = terminal.getvalue()
    # DescribeUserPool's estimate gives the bar its end; the last line is the summary.
    assert "\r[########################] 72/~72 users" in drawn
    # The bar is wiped off its line before the summary takes it.
    assert "\r\x1b[Ktotp-tui: 72 users in " in drawn
    assert drawn.endswith(" requests, 0 throttles absorbed\n")
    out = capsys.readouterr().out
    assert "\r" not in out and "users," not in out
    assert len(out.splitlines()) == 73


def test_a_reader_that_goes_away(
    local_cognito: LocalCognito,
    pool: DemoPool,
    mixed_pool: dict[str, str],
    aws_env: Path,
    state: Path,
) -> None:
    env = bare_env(aws_env, state) | {"AWS_ACCESS_KEY_ID": "l", "AWS_SECRET_ACCESS_KEY": "l"}
    command = " ".join([str(SCRIPT), "admin", "report", *pool_flags(local_cognito, pool)])
    shell = f'{command} 2>"$ERR" | head -n 2; echo "${{PIPESTATUS[0]}}" >"$RC"'
    err, rc = Path(state.parent / "err"), Path(state.parent / "rc")
    done = subprocess.run(
        ["bash", "-c", shell],
        capture_output=True,
        text=True,
        timeout=60,
        env=env | {"ERR": str(err), "RC": str(rc)},
    )
    assert done.stdout.splitlines()[0] == ",".join(COLUMNS)
    assert len(done.stdout.splitlines()) == 2
    assert rc.read_text().strip() == "0"
    assert err.read_text() == ""  # no traceback, no "Exception ignored"
    [entry] = audit_lines(state)
    assert entry["outcome"] == "ok"


def test_list_users_denied(
    local_cognito: LocalCognito, pool: DemoPool, aws_env: Path, state: Path
) -> None:
    operator = iam_user(local_cognito, allow=("cognito-idp:AdminGetUser",))
    env = bare_env(aws_env, state, operator)
    with iam_enforced():
        result = run_cli("admin", "report", *pool_flags(local_cognito, pool), env=env)
    assert result.returncode == 1
    err = result.stderr.splitlines()
    assert err[0].startswith("totp-tui: warning: access denied")  # GetUserPoolMfaConfig
    assert err[1].startswith("totp-tui: error: access denied")
    assert "cognito-idp:ListUsers" in err[1] and err[1].endswith("(after 0 users)")
    assert result.stdout == ",".join(COLUMNS) + "\n"
    [entry] = audit_lines(state)
    assert entry["outcome"] == "failed: AccessDenied"


@pytest.mark.parametrize("value", ["0", "33", "many"])
def test_concurrency_bounds(value: str) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["admin", "report", "--user-pool-id", "eu-west-2_AbC123", "--concurrency", value])
    assert caught.value.code == 2
