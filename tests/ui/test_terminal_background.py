"""Asking the terminal for its background colour (OSC 11) before Textual starts: the reply is
parsed, the wait ends at the Device Attributes reply, and the terminal's mode is restored.

A pseudo-terminal stands in for the emulator: the test plays the terminal's side, reading
the question and answering it as xterm, a terminal that knows no OSC 11, or one that answers
nothing at all.
"""

from __future__ import annotations

import os
import select
import termios
import threading
import time
from collections.abc import Iterator

import pytest

from totp_tui.ui.terminal_background import (
    QUESTION,
    Question,
    ask,
    is_light,
    light_in,
    parse_background,
    terminal_is_light,
)
from totp_tui.ui.terminal_caps import initial_theme

XTERM_WHITE = b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\"
XTERM_BLACK = b"\x1b]11;rgb:0000/0000/0000\x07"
ATTRIBUTES = b"\x1b[?64;1;2;6;9;15;18;21;22c"


@pytest.mark.parametrize(
    ("reply", "light"),
    [
        (XTERM_WHITE, True),
        (XTERM_BLACK, False),
        (b"\x1b]11;rgb:fd/f6/e3\x07", True),  # Solarized light, two hex digits a component
        (b"\x1b]11;rgb:2/3/3\x07", False),  # one digit each
        (b"\x1b]11;rgba:1e1e/1e1e/2e2e/ffff\x1b\\", False),  # with alpha (kitty-style)
    ],
)
def test_replies_are_read_as_light_or_dark(reply: bytes, light: bool) -> None:
    colour = parse_background(reply + ATTRIBUTES)
    assert colour is not None
    assert is_light(colour) is light


@pytest.mark.parametrize("reply", [b"", ATTRIBUTES, b"\x1b]10;rgb:ffff/ffff/ffff\x07"])
def test_no_background_in_the_reply_means_unknown(reply: bytes) -> None:
    assert parse_background(reply) is None


class FakeTerminal:
    """The emulator's end of a pty: answers the question after `delay` seconds."""

    def __init__(self, answer: bytes, delay: float = 0.0) -> None:
        self.primary, self.secondary = os.openpty()
        self.asked = b""
        self._answer, self._delay = answer, delay
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while QUESTION not in self.asked:
            chunk = os.read(self.primary, 1024)
            if not chunk:
                return
            self.asked += chunk
        time.sleep(self._delay)
        if self._answer:
            os.write(self.primary, self._answer)

    def close(self) -> None:
        os.close(self.secondary)
        os.close(self.primary)


@pytest.fixture
def make_terminal() -> Iterator[list[FakeTerminal]]:
    made: list[FakeTerminal] = []
    yield made
    for terminal in made:
        terminal.close()


def test_a_light_terminal_says_so(make_terminal: list[FakeTerminal]) -> None:
    terminal = FakeTerminal(XTERM_WHITE + ATTRIBUTES)
    make_terminal.append(terminal)
    assert terminal_is_light(terminal.secondary, terminal.secondary) is True
    assert terminal.asked.endswith(QUESTION)


def test_a_terminal_without_osc_11_costs_one_round_trip(make_terminal: list[FakeTerminal]) -> None:
    terminal = FakeTerminal(ATTRIBUTES, delay=0.05)
    make_terminal.append(terminal)
    started = time.monotonic()
    assert terminal_is_light(terminal.secondary, terminal.secondary, timeout=5.0) is None
    assert time.monotonic() - started < 1.0, "waited for the timeout, not the reply"


def test_a_silent_terminal_costs_the_timeout_only(make_terminal: list[FakeTerminal]) -> None:
    terminal = FakeTerminal(b"")
    make_terminal.append(terminal)
    started = time.monotonic()
    assert terminal_is_light(terminal.secondary, terminal.secondary, timeout=0.2) is None
    assert 0.15 < time.monotonic() - started < 1.0


def test_the_terminal_mode_is_restored(make_terminal: list[FakeTerminal]) -> None:
    terminal = FakeTerminal(XTERM_BLACK + ATTRIBUTES)
    make_terminal.append(terminal)
    before = termios.tcgetattr(terminal.secondary)
    ask(terminal.secondary, terminal.secondary)
    assert termios.tcgetattr(terminal.secondary) == before


def test_not_a_terminal_is_not_asked() -> None:
    read_end, write_end = os.pipe()
    try:
        assert terminal_is_light(read_end, write_end) is None
    finally:
        os.close(read_end)
        os.close(write_end)


def test_the_answer_picks_the_theme_unless_textual_theme_is_set() -> None:
    assert initial_theme({}, answered=True) == "textual-light"
    assert initial_theme({}, answered=False) == "textual-dark"
    # The terminal's answer wins over COLORFGBG, which may be inherited from another one.
    assert initial_theme({"COLORFGBG": "15;0"}, answered=True) == "textual-light"
    assert initial_theme({"COLORFGBG": "0;15"}, answered=None) == "textual-light"
    assert initial_theme({"TEXTUAL_THEME": "nord"}, answered=True) is None


def test_the_round_trip_passes_while_the_program_goes_on(
    make_terminal: list[FakeTerminal],
) -> None:
    """The wizard asks before importing Textual and reads the answer after: the terminal's
    round trip is spent importing, not waiting. Meanwhile the mode stays quiet, so a reply
    that arrives is neither shown nor read as keys; reading restores the mode."""
    terminal = FakeTerminal(XTERM_WHITE + ATTRIBUTES, delay=0.1)
    make_terminal.append(terminal)
    before = termios.tcgetattr(terminal.secondary)
    question = Question(terminal.secondary, terminal.secondary)
    quiet = termios.tcgetattr(terminal.secondary)
    assert not quiet[3] & (termios.ICANON | termios.ECHO)
    time.sleep(0.2)  # the program imports Textual; the reply arrives meanwhile
    started = time.monotonic()
    assert light_in(question.replies()) is True
    assert time.monotonic() - started < 0.05, "the answer was waited for again"
    assert termios.tcgetattr(terminal.secondary) == before


def test_reading_twice_reads_nothing_and_restores_once(make_terminal: list[FakeTerminal]) -> None:
    terminal = FakeTerminal(XTERM_BLACK + ATTRIBUTES)
    make_terminal.append(terminal)
    before = termios.tcgetattr(terminal.secondary)
    question = Question(terminal.secondary, terminal.secondary)
    assert light_in(question.replies()) is False
    assert question.replies() == b""
    assert termios.tcgetattr(terminal.secondary) == before


def test_a_reply_that_came_in_time_is_read_however_late_the_reading(
    make_terminal: list[FakeTerminal],
) -> None:
    """On a loaded host the import between asking and reading outlasted the timeout: the
    replies, already there, were left unread, and Textual took them for keys ("[?1;2c" in
    the Username field, and a sign-in refused)."""
    terminal = FakeTerminal(XTERM_WHITE + ATTRIBUTES)
    make_terminal.append(terminal)
    question = Question(terminal.secondary, terminal.secondary, timeout=0.05)
    time.sleep(0.3)  # the import, on a busy host
    assert light_in(question.replies()) is True
    # Nothing is left for the app to read as keys.
    assert not select.select([terminal.secondary], [], [], 0.1)[0]
