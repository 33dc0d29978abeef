"""The command line: bad values stop before any screen with one line and exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from totp_tui.cli.main import build_parser, main
from totp_tui.cli.options import requested
from totp_tui.config.settings import effective_settings

POOL = ["--user-pool-id", "us-east-1_AbC123", "--client-id", "1example23456789"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--user-pool-id", "AbC123", "--client-id", "abc"], "is not of the form <region>_<id>"),
        ([*POOL, "--region", "eu-west-1"], "lives in us-east-1, but the region is eu-west-1"),
        ([*POOL, "--endpoint-url", "ftp://example.com"], "must start with https://"),
        ([*POOL, "--issuer", "Acme:Corp"], "must not contain ':'"),
        ([*POOL, "--ca-bundle", "/nonexistent/ca.pem"], "is not a readable file"),
        (["--client-id", "abc"], "--user-pool-id is required"),
        (["--user-pool-id", "us-east-1_AbC123"], "--client-id is required"),
        ([*POOL, "--connect-timeout", "0"], "between 0 and 600"),
        ([*POOL, "--read-timeout", "-1"], "between 0 and 600"),
        (
            [*POOL, "--session-minutes", "20"],
            "--session-minutes must be a whole number from 3 to 15"
            " (the app client's sign-in session length), not 20",
        ),
        ([*POOL, "--session-minutes", "2"], "from 3 to 15"),
        ([*POOL, "--idle-minutes", "5"], "--idle-minutes applies to --kiosk only"),
    ],
)
def test_bad_values_exit_2_with_one_line(
    argv: list[str],
    expected: str,
    capsys: pytest.CaptureFixture[str],
    no_wizard: None,
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("totp-tui: error: ")
    assert expected in err


def test_unknown_auth_flow_is_refused_by_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*POOL, "--auth-flow", "CUSTOM_AUTH"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_session_minutes_that_is_not_a_number_is_refused_by_argparse(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*POOL, "--session-minutes", "ten"])
    assert exit_info.value.code == 2
    assert "--session-minutes: invalid int value: 'ten'" in capsys.readouterr().err


def test_bad_session_minutes_variable_exits_2_naming_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, no_wizard: None
) -> None:
    monkeypatch.setenv("TOTP_TUI_SESSION_MINUTES", "x")
    assert main(POOL) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.rstrip().endswith("not 'x' (from TOTP_TUI_SESSION_MINUTES)")


def test_help_describes_the_new_settings() -> None:
    text = " ".join(build_parser().format_help().split())
    assert "USER_AUTH (choice-based sign-in; the app client must allow ALLOW_USER_AUTH)" in text
    assert "--session-minutes MINUTES" in text
    assert "sign-in session length, 3-15 (default 3)" in text


def test_help_names_the_subcommands_first() -> None:
    usage = build_parser().format_help().split("\n\n")[0]
    assert "totp-tui {demo,profiles,admin,serve} ... (each has --help)" in usage


def test_a_log_file_in_a_missing_folder_is_refused_and_creates_no_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo" / "deeper"
    assert main([*POOL, "--log-file", str(missing / "totp.log")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert f"cannot write the log file {missing / 'totp.log'}: its folder {missing}" in err
    assert "does not exist" in err
    assert not (tmp_path / "typo").exists()


def test_aws_cli_timeout_spellings_are_accepted() -> None:
    args = build_parser().parse_args(
        [*POOL, "--cli-connect-timeout", "3", "--cli-read-timeout", "7"]
    )
    settings = effective_settings(requested(args), {})
    assert (settings.connect_timeout, settings.read_timeout) == (3.0, 7.0)


def test_flags_reach_the_settings() -> None:
    args = build_parser().parse_args(
        [
            *POOL,
            "--username",
            "jane",
            "--auth-flow",
            "USER_PASSWORD_AUTH",
            "--issuer",
            "Acme",
            "--endpoint-url",
            "http://127.0.0.1:5000",
            "--no-verify-ssl",
            "--no-save",
            "--session-minutes",
            "10",
        ]
    )
    settings = effective_settings(requested(args), {})
    assert settings.region == "us-east-1"  # from the pool id
    assert settings.username == "jane"
    assert settings.auth_flow == "USER_PASSWORD_AUTH"
    assert settings.session_minutes == 10
    assert settings.issuer == "Acme"
    assert settings.endpoint_url == "http://127.0.0.1:5000"
    assert settings.verify is False
    assert settings.save is False


def test_user_auth_flow_and_the_session_default() -> None:
    args = build_parser().parse_args([*POOL, "--auth-flow", "USER_AUTH"])
    settings = effective_settings(requested(args), {})
    assert settings.auth_flow == "USER_AUTH"
    assert (settings.session_minutes, settings.sources["session_minutes"]) == (3, "default")
    # --session is its own option still, not an abbreviation of --session-minutes.
    assert build_parser().parse_args([*POOL, "--session", "abc"]).session_minutes is None


def test_client_secret_comes_from_the_environment_only() -> None:
    args = build_parser().parse_args(POOL)
    settings = effective_settings(requested(args), {"TOTP_TUI_CLIENT_SECRET": "s3cr3t-value"})
    assert settings.client_secret == "s3cr3t-value"
    assert "s3cr3t-value" not in repr(settings)
    # No flag for it: flags show in `ps`.
    assert "--client-secret" not in build_parser().format_help()


@pytest.mark.parametrize("entry", [["-m", "totp_tui"]])
def test_python_dash_m_works_like_the_command(entry: list[str]) -> None:
    version = subprocess.run(
        [sys.executable, *entry, "--version"], capture_output=True, text=True, timeout=30
    )
    assert version.returncode == 0
    assert version.stdout.startswith("totp-tui ")
    bad = subprocess.run(
        [sys.executable, *entry, "--user-pool-id", "nope", "--client-id", "x"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert bad.stderr.startswith("totp-tui: error: ")


def test_console_script_is_installed() -> None:
    from pathlib import Path

    script = Path(sys.executable).parent / "totp-tui"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    assert "--user-pool-id" in result.stdout


def test_kiosk_refuses_to_start_without_a_writable_audit_log(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_wizard: None,
) -> None:
    state = tmp_path / "not-a-folder"
    state.write_text("")  # XDG_STATE_HOME pointing at a file: nothing can be made under it
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    assert main([*POOL, "--kiosk"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert f"its audit log {state / 'totp-tui' / 'audit.jsonl'} cannot be written" in err
    assert "XDG_STATE_HOME" in err


def test_kiosk_starts_with_a_writable_audit_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[object] = []
    monkeypatch.setattr(
        "totp_tui.cli.main.run_wizard", lambda *_, **options: started.append(options) or 0
    )
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert main([*POOL, "--kiosk"]) == 0
    assert len(started) == 1
    assert (tmp_path / "totp-tui" / "audit.jsonl").exists()
