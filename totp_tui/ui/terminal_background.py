"""Light or dark: ask the terminal its background colour before Textual takes it over.

xterm, kitty, alacritty and VTE set no COLORFGBG, so without asking, a light terminal is
taken for a dark one: under NO_COLOR the QR code is then drawn inverted, which most phone
scanners refuse. Most terminals answer OSC 11 (`ESC ] 11 ; ? BEL`) with
`ESC ] 11 ; rgb:RRRR/GGGG/BBBB` (BEL or ST at the end). Textual does not ask, and once it
reads the terminal an answer would arrive as keystrokes, so the question is asked here.

The question is followed by a Device Attributes request (`ESC [ c`), which every terminal
since the VT100 answers, and answers after anything asked before it: its reply ends the wait
after one round trip, on terminals that do not know OSC 11 too. A terminal that answers
neither costs `timeout`. Keys typed before the replies arrive are read with them and lost;
at the start of the program, before the first screen is drawn, there are none to speak of.
"""

from __future__ import annotations

import os
import re
import select
import time
from typing import Any

QUESTION = b"\x1b]11;?\x07\x1b[c"
# Far longer than a round trip over SSH to another continent (~300 ms is a bad day), short
# enough not to be noticed as a slow start when a terminal answers nothing at all.
DEFAULT_TIMEOUT = 0.5

_BACKGROUND = re.compile(
    rb"\x1b\]11;rgba?:(?P<r>[0-9a-fA-F]{1,4})/(?P<g>[0-9a-fA-F]{1,4})/(?P<b>[0-9a-fA-F]{1,4})"
)
_ATTRIBUTES = re.compile(rb"\x1b\[\?[0-9;]*c")

RGB = tuple[float, float, float]


def parse_background(reply: bytes) -> RGB | None:
    """The background colour in a reply, as fractions 0-1, or None."""
    match = _BACKGROUND.search(reply)
    if match is None:
        return None
    # Each component has 1-4 hex digits, scaled to its own width ("f" and "ffff" are both 1).
    return tuple(  # type: ignore[return-value]
        int(match[name], 16) / (16 ** len(match[name]) - 1) for name in ("r", "g", "b")
    )


def is_light(colour: RGB) -> bool:
    """Relative luminance (ITU-R BT.709) above the middle: dark text reads on it."""
    red, green, blue = colour
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.5


class Question:
    """The question sent, its replies not read yet: the round trip (milliseconds over SSH)
    passes while the program goes on (it imports Textual). The terminal stays in
    non-canonical, no-echo mode until `replies` has read them, so they are neither shown
    nor taken as keys; `replies` restores the mode, whatever happens."""

    def __init__(self, fd_in: int, fd_out: int, timeout: float = DEFAULT_TIMEOUT) -> None:
        import termios

        self._fd_in = fd_in
        self._saved: list[Any] | None = termios.tcgetattr(fd_in)
        quiet = termios.tcgetattr(fd_in)
        quiet[3] &= ~(termios.ICANON | termios.ECHO)  # lflag: bytes as they come, not shown
        quiet[6][termios.VMIN] = 0
        quiet[6][termios.VTIME] = 0
        try:
            termios.tcsetattr(fd_in, termios.TCSANOW, quiet)
            os.write(fd_out, QUESTION)
        except BaseException:
            self._restore()
            raise
        self._deadline = time.monotonic() + timeout

    def replies(self) -> bytes:
        """Read the replies until the Device Attributes one (or the timeout)."""
        reply = b""
        try:
            while self._saved is not None and not _ATTRIBUTES.search(reply):
                # Past the deadline, what has arrived is still read (a zero wait): on a
                # loaded host the import between asking and reading can outlast it, and a
                # reply left unread would reach Textual as keys, typed into the first field.
                remaining = max(0.0, self._deadline - time.monotonic())
                if not select.select([self._fd_in], [], [], remaining)[0]:
                    break
                chunk = os.read(self._fd_in, 1024)
                if not chunk:
                    break
                reply += chunk
        finally:
            self._restore()
        return reply

    def _restore(self) -> None:
        import termios

        saved, self._saved = self._saved, None
        if saved is not None:
            termios.tcsetattr(self._fd_in, termios.TCSANOW, saved)


def ask(fd_in: int, fd_out: int, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Ask, and read the replies until the Device Attributes one (or the timeout). The
    terminal is put in non-canonical, no-echo mode meanwhile, and restored."""
    return Question(fd_in, fd_out, timeout).replies()


def light_in(reply: bytes) -> bool | None:
    """True light, False dark, None: the terminal did not say."""
    colour = parse_background(reply)
    return None if colour is None else is_light(colour)


def terminal_is_light(fd_in: int, fd_out: int, timeout: float = DEFAULT_TIMEOUT) -> bool | None:
    """True light, False dark, None: not a terminal, or it did not say."""
    try:
        if not (os.isatty(fd_in) and os.isatty(fd_out)):
            return None
        return light_in(ask(fd_in, fd_out, timeout))
    except (OSError, ImportError):  # termios missing (Windows) or the terminal went away
        return None
