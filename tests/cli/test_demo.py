"""`totp-tui demo` takes the wizard's display and log options, and hands them on."""

from __future__ import annotations

from typing import Any

import pytest

from totp_tui.cli import demo
from totp_tui.config.settings import Settings


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What the wizard would have been started with (no terminal needed, nothing drawn)."""
    seen: dict[str, Any] = {}

    def run_wizard(settings: Settings, notice: object, **options: Any) -> int:
        seen.update(settings=settings, notice=notice, **options)
        return 0

    monkeypatch.setattr(demo, "run_wizard", run_wizard)
    monkeypatch.setattr(demo, "no_terminal", lambda: None)
    return seen


def test_display_and_log_options_reach_the_wizard(started: dict[str, Any], tmp_path: Any) -> None:
    log = str(tmp_path / "demo.log")
    assert demo.run_demo(["--ascii-qr", "--debug", "--log-file", log]) == 0
    assert started["ascii_qr"] is True
    assert started["settings"].debug is True
    assert started["settings"].log_file == log


def test_without_options_the_qr_is_drawn_with_blocks(started: dict[str, Any]) -> None:
    assert demo.run_demo([]) == 0
    assert started["ascii_qr"] is False
    assert started["settings"].debug is False


def test_an_unknown_option_is_still_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        demo.run_demo(["--no-such-option"])
    assert exited.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err
