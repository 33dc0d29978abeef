"""Without a terminal (ssh without -t, a pipe, cron, CI), the wizard and the demo say so in
one line and exit at once, instead of writing escape codes into the pipe for ever.

The real `totp-tui` process, with its input or output not a terminal. The commands that
need no screen (profiles, admin, --help) keep working there.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

TOTP_TUI = str(Path(sys.executable).with_name("totp-tui"))
WIZARD = [TOTP_TUI, "--user-pool-id", "eu-west-2_AbC123", "--client-id", "abc123", "--no-save"]
DEMO = [TOTP_TUI, "demo"]
# Far below the 10 minutes such a process used to spin before this check existed.
LIMIT_SECONDS = 2.0


def run_without_terminal(command: list[str], *, stdin_tty: bool) -> tuple[int, bytes, bytes]:
    """Output always to a pipe; input from /dev/null, or from a real terminal (a pty)."""
    env = {**os.environ, "TERM": "xterm-256color", "HOME": os.environ.get("HOME", "/tmp")}
    started = time.monotonic()
    if stdin_tty:
        primary, secondary = os.openpty()
        try:
            done = subprocess.run(
                command, stdin=secondary, capture_output=True, env=env, timeout=20
            )
        finally:
            os.close(primary)
            os.close(secondary)
    else:
        done = subprocess.run(
            command, stdin=subprocess.DEVNULL, capture_output=True, env=env, timeout=20
        )
    assert time.monotonic() - started < LIMIT_SECONDS, "it took too long to give up"
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("command", [WIZARD, DEMO], ids=["wizard", "demo"])
@pytest.mark.parametrize("stdin_tty", [False, True], ids=["piped-in", "terminal-in"])
def test_without_a_terminal_it_says_so_and_exits(command: list[str], stdin_tty: bool) -> None:
    code, out, err = run_without_terminal(command, stdin_tty=stdin_tty)
    assert code != 0
    assert out == b"", "nothing is drawn into the pipe"
    assert b"\x1b" not in err, "no escape sequence"
    message = err.decode()
    assert message.count("\n") == 1, "one line"
    assert "needs an interactive terminal" in message
    assert (
        ("its output is not one" in message) if stdin_tty else ("its input is not one" in message)
    )
    assert "ssh -t" in message


@pytest.mark.parametrize(
    "arguments", [["profiles", "list"], ["admin", "--help"], ["--help"]], ids=" ".join
)
def test_commands_without_a_screen_still_work_without_a_terminal(arguments: list[str]) -> None:
    # `profiles list` reads the keyring: make test runs the suite with a private Secret
    # Service (without one, it exits 1 saying there is no keyring: not about the terminal).
    done = subprocess.run(
        [TOTP_TUI, *arguments], stdin=subprocess.DEVNULL, capture_output=True, timeout=20
    )
    assert done.returncode == 0
    assert b"interactive terminal" not in done.stderr
