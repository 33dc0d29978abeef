"""Helpdesk kiosk mode: nothing of one person is left for the next."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import PoolUser
from tests.support.screen_reading import cells_from_textual
from tests.support.totp_clock import code_now
from tests.support.ui_driving import type_text, wait_for_screen
from tests.ui.conftest import SIZE
from totp_tui.authenticator.key_uri import group_secret
from totp_tui.cli.main import main
from totp_tui.config.settings import Settings
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.confirm import ConfirmScreen
from totp_tui.ui.screens.done import DoneScreen
from totp_tui.ui.screens.enrol import EnrolScreen
from totp_tui.ui.screens.new_password import NewPasswordScreen
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.start_options import Kiosk
from totp_tui.ui.widgets.secret_key import SecretKey


def kiosk_app(settings: Settings, idle_seconds: float = 120) -> TotpApp:
    return TotpApp(settings, kiosk=Kiosk(idle_seconds=idle_seconds))


async def reach_enrol_screen(app: TotpApp, pilot: object, user: PoolUser) -> str:
    """Sign in, choose the new password; returns the key shown (spaces removed)."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await wait_for_screen(pilot, SignInScreen)
    await type_text(pilot, user.username)
    await pilot.press("tab")
    await type_text(pilot, user.password)
    await pilot.press("enter")
    await wait_for_screen(pilot, NewPasswordScreen)
    await type_text(pilot, user.new_password)
    await pilot.press("tab")
    await type_text(pilot, user.new_password)
    await pilot.press("enter")
    await wait_for_screen(pilot, EnrolScreen)
    return str(app.screen.query_one(SecretKey).content).replace(" ", "").replace("\n", "")


def traces_of(app: TotpApp, user: PoolUser, key: str) -> list[str]:
    """Where anything of the person still shows: screen text and every input's value."""
    text = cells_from_textual(app).text()
    found = [
        what
        for what, value in (
            ("username", user.username),
            ("key", key),
            ("grouped key", group_secret(key)),
        )
        if value in text
    ]
    from textual.widgets import Input

    for field in app.screen.query(Input):
        if field.value:
            found.append(f"input #{field.id}")
    return found


async def test_after_an_enrolment_the_next_person_finds_nothing(
    settings: Settings, user: PoolUser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    app = kiosk_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        key = await reach_enrol_screen(app, pilot, user)
        await type_text(pilot, code_now(key))
        await pilot.press("enter")
        await wait_for_screen(pilot, DoneScreen)
        await pilot.press("enter")  # "Finish": the next person, not the end of the app
        await wait_for_screen(pilot, SignInScreen)
        assert app.is_running
        assert traces_of(app, user, key) == []
        assert app.focused is app.screen.query_one("#username")
    lines = (tmp_path / "totp-tui" / "audit.jsonl").read_text().splitlines()
    entry = json.loads(lines[-1])
    assert (entry["action"], entry["username"], entry["outcome"]) == (
        "kiosk-enrol",
        user.username,
        "ok",
    )
    assert key not in lines[-1]
    assert (tmp_path / "totp-tui" / "audit.jsonl").stat().st_mode & 0o777 == 0o600


async def test_escape_cancels_and_wipes_the_key_and_the_clipboard(
    settings: Settings, user: PoolUser
) -> None:
    app = kiosk_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        key = await reach_enrol_screen(app, pilot, user)
        await pilot.press("ctrl+y")  # the person copied the key
        await pilot.pause()
        assert app.clipboard == key
        await pilot.press("escape")
        screen = await wait_for_screen(pilot, SignInScreen)
        assert traces_of(app, user, key) == []
        assert app.clipboard == ""  # overwritten for the next person
        assert "Cancelled" in str(screen.query_one("#status").content)


async def test_walking_away_wipes_after_the_idle_time(settings: Settings, user: PoolUser) -> None:
    app = kiosk_app(settings, idle_seconds=1.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, SignInScreen)
        await type_text(pilot, user.username)
        await pilot.press("tab")
        await type_text(pilot, "half-typed")
        await pilot.pause(2.0)
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        assert not screen.has_input(), "the half-typed sign-in was left for the next person"
        assert "Nothing happened for a while" in str(screen.query_one("#status").content)


async def test_quitting_asks_first(settings: Settings) -> None:
    app = kiosk_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, SignInScreen)
        await pilot.press("ctrl+q")
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.press("n")
        await wait_for_screen(pilot, SignInScreen)
        assert app.is_running
        await pilot.press("ctrl+q")
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_outside_kiosk_mode_escape_empties_the_sign_in_and_ctrl_q_quits(
    settings: Settings,
) -> None:
    app = TotpApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, SignInScreen)
        await type_text(pilot, "someone")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and not screen.has_input()
        assert "Next person" not in cells_from_textual(app).text()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--kiosk"], "--kiosk needs a fixed pool"),
        (
            [
                "--kiosk",
                "--user-pool-id",
                "us-east-1_AbC123",
                "--client-id",
                "abc123",
                "--idle-minutes",
                "0",
            ],
            "--idle-minutes must be more than 0",
        ),
    ],
)
def test_kiosk_command_line_errors(
    argv: list[str],
    expected: str,
    capsys: pytest.CaptureFixture[str],
    no_wizard: None,
) -> None:
    assert main(argv) == 2
    assert expected in capsys.readouterr().err


def test_kiosk_keeps_no_username_and_saves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    captured: dict[str, object] = {}

    def capture(settings: Settings, **kwargs: object) -> int:
        captured["settings"], captured["kiosk"] = settings, kwargs.get("kiosk")
        return 0

    monkeypatch.setattr("totp_tui.cli.main.run_wizard", capture)
    argv = ["--kiosk", "--user-pool-id", "us-east-1_AbC123", "--client-id", "abc123"]
    assert main([*argv, "--username", "jane", "--idle-minutes", "3"]) == 0
    settings = captured["settings"]
    assert isinstance(settings, Settings)
    assert (settings.username, settings.save) == ("", False)
    assert captured["kiosk"] == Kiosk(idle_seconds=180)
