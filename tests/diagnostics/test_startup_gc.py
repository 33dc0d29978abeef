"""startup_gc: the collector is off from the command line's start to the wizard's first
paint, and on again (with start-up's objects frozen) after it, or when the command ends."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from totp_tui.cli import main as cli_main
from totp_tui.config.settings import Settings
from totp_tui.diagnostics import startup_gc
from totp_tui.ui.app import TotpApp
from totp_tui.ui.controller import WizardController


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    yield
    startup_gc.resume()
    gc.unfreeze()  # frozen objects would never be collected for the rest of the suite
    gc.enable()


def test_pause_then_resume() -> None:
    startup_gc.pause()
    assert not gc.isenabled()
    startup_gc.resume()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0, "froze without being asked to"


def test_resume_with_freeze_moves_what_exists_out_of_reach() -> None:
    startup_gc.pause()
    startup_gc.resume(freeze=True)
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0


def test_a_collector_turned_off_by_someone_else_stays_off() -> None:
    gc.disable()
    startup_gc.pause()
    startup_gc.resume(freeze=True)
    assert not gc.isenabled(), "turned on a collector it had not turned off"
    assert gc.get_freeze_count() == 0


def test_resume_twice_is_harmless() -> None:
    startup_gc.pause()
    startup_gc.resume()
    gc.disable()  # someone else's choice, after ours ended
    startup_gc.resume()
    assert not gc.isenabled()


def test_a_usage_error_leaves_the_collector_on(
    capsys: pytest.CaptureFixture[str], no_wizard: None
) -> None:
    pool = ["--user-pool-id", "us-east-1_Gc1", "--client-id", "c"]
    assert cli_main.main([*pool, "--connect-timeout", "0"]) == 2
    assert gc.isenabled()
    assert "between 0 and 600" in capsys.readouterr().err


def test_the_profiles_command_runs_with_the_collector_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []

    def run_profiles(argv: list[str]) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr("totp_tui.cli.profiles.run_profiles", run_profiles)
    assert cli_main.main(["profiles", "list"]) == 0
    assert seen == [True]


async def test_the_wizard_turns_it_back_on_after_its_first_paint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(WizardController, "warm_up", lambda self: None)  # no SDK needed here
    settings = Settings(region="us-east-1", user_pool_id="us-east-1_Gc1", client_id="c")
    startup_gc.pause()  # as cli.main does
    app = TotpApp(settings, client_factory=lambda _settings: None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#password").region.height > 0  # painted
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
        await pilot.press("ctrl+q")
