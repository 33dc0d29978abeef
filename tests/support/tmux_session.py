"""Drive a real process in a real terminal: tmux on a private socket (DESIGN.md section 9).

The process runs under `env -i` with only TERM, LANG, HOME, PATH and what the test gives,
so nothing from the developer's shell (themes, keyring, AWS profiles) leaks in.
`remain-on-exit` keeps the pane after the process ends, so a crash's output and exit
status can still be read.

Typed text may be a password: it is never logged, and never put in an error message.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType

import pytest

from tests.support.screen_reading import (
    DARK_THEME,
    Screen,
    TerminalTheme,
    cells_from_ansi,
    decode_qr,
)

_TARGET = "main"  # the only session on the private server
# The installed command, beside the interpreter running the tests.
TOTP_TUI = str(Path(sys.executable).parent / "totp-tui")
# The shell around the command records its exit status in a file. tmux 3.3a sometimes
# never reaps a pane's process (it stays a zombie; #{pane_dead_status} stays empty), so
# its own status cannot be relied on. `trap :` (a handler, not "ignore", so the command
# still gets the default) keeps the shell alive through a Ctrl-C or Ctrl-\ meant for it.
_STATUS_WRAPPER = (
    'trap : INT QUIT; status_file=$1; shift; "$@"; status=$?; '
    'echo "$status" > "$status_file"; exit "$status"'
)
_POLL_SECONDS = 0.05
_TMUX_TIMEOUT_SECONDS = 10.0


_FIELD = re.compile(r"▊[^▎\n]*▎")


def without_field_contents(text: str) -> str:
    """The screen with what is inside each input field blanked: a burst that lands in the
    wrong field puts a password, in clear, in the username field, and a failing test's
    message must not print it."""
    return _FIELD.sub(lambda match: "▊" + " " * (len(match.group()) - 2) + "▎", text)


def find_tmux() -> str | None:
    return shutil.which("tmux")


def require_tmux() -> str:
    """tmux's path. Without tmux the test is skipped on a laptop but fails under CI=true:
    in CI the end-to-end tests must run, and a silent skip would hide that they did not."""
    tmux = find_tmux()
    if tmux is None:
        message = "tmux is not installed (needed for the terminal end-to-end tests)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return tmux


class TmuxSession:
    """One command in one tmux pane of width x height, on a server of its own."""

    def __init__(
        self,
        command: list[str],
        env: Mapping[str, str] | None = None,
        width: int = 80,
        height: int = 24,
        options: Mapping[str, str] | None = None,
    ) -> None:
        """options: global tmux options, set before the command starts. With a background in
        `window-style` (e.g. "bg=#ffffff") tmux 3.3a answers an OSC 11 query itself, as
        a terminal would; without one it answers none."""
        tmux = find_tmux()
        if tmux is None:
            raise RuntimeError("tmux is not installed")
        self._tmux = tmux
        self._command = list(command)
        self._env = dict(env or {})
        self._options = dict(options or {})
        self.width = width
        self.height = height
        self._directory: tempfile.TemporaryDirectory[str] | None = None
        self._socket = ""
        self._status_file = Path()

    # --- life cycle ---

    def __enter__(self) -> TmuxSession:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        # A short path: a Unix socket's path must stay under ~100 bytes.
        self._directory = tempfile.TemporaryDirectory(prefix="totp-tui-tmux-")
        directory = Path(self._directory.name)
        self._socket = str(directory / "sock")
        self._status_file = directory / "exit-status"
        home = directory / "home"
        home.mkdir()
        environment = {
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "HOME": str(home),
            "PATH": os.environ.get("PATH", os.defpath),
            **self._env,
        }
        assignments = [f"{name}={value}" for name, value in environment.items()]
        env_binary = shutil.which("env") or "/usr/bin/env"
        shell = shutil.which("sh") or "/bin/sh"
        wrapped = [shell, "-c", _STATUS_WRAPPER, "sh", str(self._status_file), env_binary, "-i"]
        options = [
            part for name, value in self._options.items()
            for part in ("set-option", "-g", name, value, ";")
        ]  # fmt: skip
        try:
            # One tmux invocation: remain-on-exit is set before the command starts, so
            # even a process that dies at once leaves its pane (and output) behind.
            self._tmux_command(
                "start-server", ";",
                "set-option", "-g", "remain-on-exit", "on", ";",
                *options,
                "new-session", "-d", "-s", _TARGET,
                "-x", str(self.width), "-y", str(self.height),
                "--", *wrapped, *assignments, *self._command,
            )  # fmt: skip
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Kill this session's own server (by its socket) and remove its directory."""
        if self._socket:
            subprocess.run(
                [self._tmux, "-S", self._socket, "kill-server"],
                capture_output=True,
                timeout=_TMUX_TIMEOUT_SECONDS,
                check=False,
            )
            self._socket = ""
        if self._directory is not None:
            self._directory.cleanup()
            self._directory = None

    def _tmux_command(self, *arguments: str) -> str:
        if not self._socket:
            raise RuntimeError("the tmux session is not running")
        completed = subprocess.run(
            [self._tmux, "-S", self._socket, *arguments],
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            timeout=_TMUX_TIMEOUT_SECONDS,
            check=False,
        )
        if completed.returncode != 0:
            # Only the tmux command's name: its arguments may be typed secrets.
            raise RuntimeError(
                f"tmux {arguments[0]} failed ({completed.returncode}): {completed.stderr.strip()}"
            )
        return completed.stdout

    # --- input ---

    def send_keys(self, *keys: str) -> None:
        """Press keys by tmux name: Enter, Tab, Escape, Up, C-q, F1..."""
        self._tmux_command("send-keys", "-t", _TARGET, "--", *keys)

    def type(self, text: str) -> None:
        """Type text literally (no key-name lookup), all of it in one burst: Tab as "\t"
        and Enter as "\r" reach the app in the same read, as a password manager's auto-type,
        a paste or an SSH link deliver a form. It is never logged."""
        self._tmux_command("send-keys", "-t", _TARGET, "-l", "--", text)

    def fill(self, text: str) -> None:
        """Type a field's text: no pause after it (the next key may follow at once)."""
        self.type(text)

    def press(self, *keys: str) -> None:
        """Press keys by tmux name, one tmux call each, without pausing between them."""
        for key in keys:
            self.send_keys(key)

    # --- output ---

    def text(self, history: bool = False) -> str:
        """The pane's plain text, one line per row; with history, the scrollback first.

        When the process ends, tmux 3.3 scrolls the screen up one line to write "Pane is
        dead" at the bottom: a crash's first line is then only in the history.
        """
        start = ["-S", "-"] if history else []
        return self._tmux_command("capture-pane", "-p", *start, "-t", _TARGET).rstrip("\n")

    def ansi(self) -> str:
        """The pane with SGR colour sequences. -N keeps trailing spaces, which tmux would
        otherwise trim even when they are coloured (a code's right quiet zone)."""
        return self._tmux_command("capture-pane", "-p", "-e", "-N", "-t", _TARGET)

    def screen(self, theme: TerminalTheme = DARK_THEME) -> Screen:
        """The pane's cells, with default colours judged under the given terminal theme."""
        return cells_from_ansi(self.ansi(), self.width, self.height, theme.fg, theme.bg)

    def wait_for(self, expected: str | Callable[[str], bool], timeout: float = 5.0) -> str:
        """Poll the pane's text until it contains expected (or expected(text) is true);
        return that text. On timeout, fail with the last screen."""
        matches = (lambda text: expected in text) if isinstance(expected, str) else expected
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            if matches(text):
                return text
            if time.monotonic() >= deadline:
                break
            time.sleep(_POLL_SECONDS)
        what = repr(expected) if isinstance(expected, str) else "the condition"
        if self.pane_dead():
            # Show what the process printed before it ended, scrollback included.
            raise AssertionError(
                f"timed out after {timeout:.1f}s waiting for {what}; the process exited with"
                f" {self.exit_status()}; the screen and its history:\n"
                f"{without_field_contents(self.text(history=True))}"
            )
        raise AssertionError(
            f"timed out after {timeout:.1f}s waiting for {what}; the screen, fields blanked:\n"
            f"{without_field_contents(text)}"
        )

    def wait_for_qr(self, theme: TerminalTheme = DARK_THEME, timeout: float = 5.0) -> str:
        """Poll until the pane shows one QR code that decodes (the enrol screen draws it a
        frame after its text); return what it carries. Never logged."""
        deadline = time.monotonic() + timeout
        while True:
            found = decode_qr(self.screen(theme))
            if len(found) == 1:
                return found[0]
            if time.monotonic() >= deadline:
                raise AssertionError(f"no QR code decoded within {timeout:.1f}s")
            time.sleep(_POLL_SECONDS)

    # --- the process ---

    def _pane_state(self) -> tuple[bool, int | None]:
        output = self._tmux_command(
            "display-message",
            "-p",
            "-t",
            _TARGET,
            "#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}",
        )
        dead, status, signal = output.strip().split("|")
        if status.isdigit():
            return dead == "1", int(status)
        if signal.isdigit():
            return dead == "1", -int(signal)  # as subprocess reports a killed child
        return dead == "1", None

    def pane_dead(self) -> bool:
        return self._pane_state()[0]

    def exit_status(self, timeout: float = 2.0) -> int | None:
        """The process's exit status as a shell reports it (128+N if signal N killed it),
        or None if it still runs after `timeout` seconds. (-N if the shell around it was
        itself killed by signal N.)"""
        deadline = time.monotonic() + timeout
        while True:
            dead, status = self._pane_state()
            if dead:
                # The shell writes the file before it exits, and the pane is dead only once
                # the shell has gone: the file is there, unless the shell itself was killed.
                recorded = self._status_file.read_text() if self._status_file.is_file() else ""
                if recorded.strip().isdigit():
                    return int(recorded)
                if status is not None:
                    return status
            if time.monotonic() >= deadline:
                return None
            time.sleep(_POLL_SECONDS)

    def resize(self, width: int, height: int) -> None:
        """Resize the pane as a user resizing the terminal would (the app gets SIGWINCH)."""
        self._tmux_command("resize-window", "-t", _TARGET, "-x", str(width), "-y", str(height))
        self.width, self.height = width, height
