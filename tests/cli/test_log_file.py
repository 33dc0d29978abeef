"""`--debug --log-file /dev/full`, the real wizard in a real terminal (tmux): every write to the
log fails. Before: Python's "--- Logging error ---" tracebacks filled the terminal, and on exit
the wizard said "log written to /dev/full". Now nothing is printed over the screen, and the
line on exit says the log could not be written, with the OS's reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.tmux_session import TOTP_TUI, TmuxSession, require_tmux

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
DEV_FULL = Path("/dev/full")
# The wizard starts and quits without a request: no endpoint needs to answer.
WIZARD = [
    TOTP_TUI,
    "--user-pool-id", "eu-west-2_AbC123",
    "--client-id", "1example23456789abcdefghij",
    "--endpoint-url", "http://127.0.0.1:9",
    "--no-save",
    "--debug",
]  # fmt: skip


def quit_at_sign_in(log_file: str) -> tuple[int | None, str]:
    """Start the wizard with `--log-file log_file`, quit with Ctrl+Q at the sign-in; the exit
    status and everything the terminal shows afterwards, scrollback included."""
    # PYTHONPATH: this checkout's totp_tui, whatever is installed (tmux runs it under env -i).
    env = {"PYTHONPATH": str(REPO)}
    with TmuxSession([*WIZARD, "--log-file", log_file], env=env) as session:
        session.wait_for("Password", timeout=15)
        session.send_keys("C-q")
        status = session.exit_status(timeout=10)
        return status, session.text(history=True)


@pytest.mark.skipif(not DEV_FULL.exists(), reason="needs /dev/full (Linux)")
def test_the_exit_line_tells_a_log_written_from_one_that_could_not_be(tmp_path: Path) -> None:
    require_tmux()
    status, shown = quit_at_sign_in(str(DEV_FULL))
    assert status == 0  # quitting is not a failure; the log's fate is said in words
    assert "Logging error" not in shown and "Traceback" not in shown
    assert "log written to" not in shown
    assert "totp-tui: the log could not be written to /dev/full: No space left on device" in shown

    log = tmp_path / "debug.log"
    status, shown = quit_at_sign_in(str(log))
    assert status == 0
    assert f"totp-tui: log written to {log}" in "".join(shown.splitlines())  # wrapped at 80
    assert "settings from:" in log.read_text()
