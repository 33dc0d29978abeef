"""`totp-tui demo` takes the wizard's display and log options, and hands them on."""

from __future__ import annotations

import sys
from pathlib import Path
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


def test_without_moto_it_names_a_package_that_exists(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(demo, "no_terminal", lambda: None)
    monkeypatch.setitem(sys.modules, "moto", None)  # `import moto` raises ImportError
    assert demo.run_demo([]) == 2
    err = capsys.readouterr().err
    assert "pip install 'moto[cognitoidp,server]==5.2.5'" in err
    assert "totp-tui[demo]" not in err  # totp-tui is not published: no such extra to install


def test_the_hint_matches_the_projects_own_pin() -> None:
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    assert f'"{demo.DEMO_REQUIREMENT}"' in pyproject.read_text()
