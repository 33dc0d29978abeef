"""The command line's other ways in: --access-token (or TOTP_TUI_ACCESS_TOKEN) and --session
with --username. Misuse stops with one line and exit code 2 before any screen; good values
reach the wizard as a StartWith whose repr never shows the token or the Session."""

from __future__ import annotations

import secrets

import pytest

from totp_tui.cli.main import main
from totp_tui.config.settings import Settings
from totp_tui.ui.start_options import StartWith

POOL = ["--user-pool-id", "us-east-1_AbC123", "--client-id", "1example23456789"]
TOKEN_VARIABLE = "TOTP_TUI_ACCESS_TOKEN"


def fake_token() -> str:
    """Looks like a JWT; unique, so a leak into any output is unambiguous."""
    return f"eyJraWQiOiJ0ZXN0In0.{secrets.token_urlsafe(32)}.{secrets.token_urlsafe(16)}"


def fake_session() -> str:
    return f"AYABe{secrets.token_urlsafe(48)}"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No profile, token or endpoint from the environment the tests run in."""
    for name in (
        TOKEN_VARIABLE,
        "TOTP_TUI_PROFILE",
        "TOTP_TUI_CLIENT_SECRET",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
    ):
        monkeypatch.delenv(name, raising=False)


class Captured:
    """Stands in for run_wizard: keeps what the wizard would have started with."""

    def __init__(self) -> None:
        self.calls = 0
        self.settings: Settings | None = None
        self.start: StartWith | None = None

    def __call__(
        self,
        settings: Settings | None,
        *_: object,
        start: StartWith | None = None,
        **__: object,  # other options (demo, kiosk, ...): not what these tests are about
    ) -> int:
        self.calls += 1
        self.settings = settings
        self.start = start
        return 0


@pytest.fixture
def wizard(monkeypatch: pytest.MonkeyPatch) -> Captured:
    captured = Captured()
    monkeypatch.setattr("totp_tui.cli.main.run_wizard", captured)
    return captured


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1, "expected exactly one line on stderr"
    assert err.startswith("totp-tui: error: ")
    return err


# --- Misuse: exit 2, one line, nothing started ----------------------------------------------


def test_session_without_username(wizard: Captured, capsys: pytest.CaptureFixture[str]) -> None:
    session = fake_session()
    assert main([*POOL, "--session", session]) == 2
    err = one_error_line(capsys)
    assert "--session needs --username" in err
    assert session not in err
    assert wizard.calls == 0


def test_access_token_and_session_together(
    wizard: Captured, capsys: pytest.CaptureFixture[str]
) -> None:
    token, session = fake_token(), fake_session()
    argv = [*POOL, "--username", "jane", "--access-token", token, "--session", session]
    assert main(argv) == 2
    err = one_error_line(capsys)
    assert "not both" in err
    assert token not in err and session not in err
    assert wizard.calls == 0


def test_access_token_from_the_environment_and_a_session_together(
    wizard: Captured, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token = fake_token()
    monkeypatch.setenv(TOKEN_VARIABLE, token)
    assert main([*POOL, "--username", "jane", "--session", fake_session()]) == 2
    err = one_error_line(capsys)
    assert "not both" in err
    assert token not in err
    assert wizard.calls == 0


def test_access_token_from_the_environment_without_a_pool(
    wizard: Captured, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token = fake_token()
    monkeypatch.setenv(TOKEN_VARIABLE, token)
    # Without the token, no pool flags would open the profile screen instead.
    assert main([]) == 2
    err = one_error_line(capsys)
    assert "need the pool" in err
    assert "--user-pool-id" in err and "--client-id" in err and "--profile" in err
    assert token not in err
    assert wizard.calls == 0


def test_session_without_a_pool(wizard: Captured, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--username", "jane", "--session", fake_session()]) == 2
    assert "need the pool" in one_error_line(capsys)
    assert wizard.calls == 0


# --- Good values reach the wizard -------------------------------------------------------------


def test_access_token_from_the_environment_reaches_the_wizard_unprinted(
    wizard: Captured, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token = fake_token()
    monkeypatch.setenv(TOKEN_VARIABLE, token)
    assert main(POOL) == 0
    assert wizard.calls == 1
    start = wizard.start
    assert start is not None
    same = start.access_token == token
    assert same, "the wizard got another access token than the environment's"
    assert start.session is None
    shown = token in repr(start) or token in str(start)
    assert not shown, "StartWith's repr shows the access token"
    assert wizard.settings is not None
    assert wizard.settings.user_pool_id == "us-east-1_AbC123"
    in_settings = token in repr(wizard.settings)
    assert not in_settings
    out, err = capsys.readouterr()
    printed = token in out or token in err
    assert not printed, "the access token was printed"


def test_access_token_flag_wins_over_the_environment(
    wizard: Captured, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_flag, from_environment = fake_token(), fake_token()
    monkeypatch.setenv(TOKEN_VARIABLE, from_environment)
    assert main([*POOL, "--access-token", from_flag]) == 0
    assert wizard.start is not None
    same = wizard.start.access_token == from_flag
    assert same, "flags come before the environment"


def test_session_with_username_reaches_the_wizard_unprinted(wizard: Captured) -> None:
    session = fake_session()
    assert main([*POOL, "--username", "jane", "--session", session]) == 0
    start = wizard.start
    assert start is not None
    assert start.username == "jane"
    same = start.session == session
    assert same, "the wizard got another Session than the flag's"
    assert start.access_token is None
    shown = session in repr(start)
    assert not shown, "StartWith's repr shows the Session"
    assert "jane" in repr(start)


def test_no_other_way_in_is_a_plain_sign_in(wizard: Captured) -> None:
    assert main(POOL) == 0
    assert wizard.calls == 1
    assert wizard.start is None


def test_empty_token_variable_is_no_token(
    wizard: Captured, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_VARIABLE, "")
    assert main(POOL) == 0
    assert wizard.start is None
