"""The --log-file log when its writes fail (a full disk; /dev/full fails every one): nothing is
printed over the screen, and the line shown on exit says what became of the log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from totp_tui.diagnostics import debug_log

LOGGERS = ("totp_tui", "botocore", "urllib3")
DEV_FULL = Path("/dev/full")


@pytest.fixture(autouse=True)
def restore_loggers() -> Iterator[None]:
    """configure() changes these loggers for the process: put them back after."""
    loggers = [logging.getLogger(name) for name in LOGGERS]
    before = [(list(log.handlers), log.level, log.propagate) for log in loggers]
    yield
    for log, (handlers, level, propagate) in zip(loggers, before, strict=True):
        for handler in set(log.handlers) - set(handlers):
            handler.close()
        log.handlers[:] = handlers
        log.setLevel(level)
        log.propagate = propagate


@pytest.mark.skipif(not DEV_FULL.exists(), reason="needs /dev/full (Linux)")
def test_a_log_that_cannot_be_written_says_so_and_prints_no_traceback(
    capfd: pytest.CaptureFixture[str],
) -> None:
    path = debug_log.configure(str(DEV_FULL), debug=True)
    assert path == DEV_FULL
    log = logging.getLogger("totp_tui.test")
    log.debug("signing in as %s", "jane")
    log.info("enrolled")
    captured = capfd.readouterr()
    # logging's default: "--- Logging error ---", a traceback and the record, on the screen.
    assert captured.err == "" and captured.out == ""
    assert debug_log.outcome(path) == (
        "the log could not be written to /dev/full: No space left on device"
    )


def test_a_log_written_in_full_says_where(tmp_path: Path) -> None:
    path = debug_log.configure(str(tmp_path / "debug.log"), debug=True)
    assert path is not None
    logging.getLogger("totp_tui.test").info("enrolled")
    assert debug_log.outcome(path) == f"log written to {path}"
    assert "enrolled" in path.read_text()


def test_a_log_that_lost_some_entries_says_how_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    path = debug_log.configure(str(tmp_path / "debug.log"), debug=True)
    assert path is not None
    log = logging.getLogger("totp_tui.test")
    log.info("first")
    [handler] = [h for h in logging.getLogger("totp_tui").handlers if hasattr(h, "path")]
    assert isinstance(handler, logging.StreamHandler)

    def disk_full() -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(handler.stream, "flush", disk_full)
    log.info("second")
    log.info("third")
    assert capfd.readouterr().err == ""
    assert debug_log.outcome(path) == (
        f"the log {path} is incomplete: 2 of 3 entries could not be written"
        " (No space left on device)"
    )
