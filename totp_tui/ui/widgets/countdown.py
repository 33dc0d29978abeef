"""How long the sign-in session has left: Cognito's Session lasts 3 minutes by default (up to
15, per app client), and people installing an authenticator app run out of it."""

from __future__ import annotations

import time

from textual.message import Message
from textual.widgets import Static

WARN_SECONDS = 30


def format_remaining(seconds: float) -> str:
    whole = max(0, int(seconds + 0.999))  # 0.2 s left still shows 0:01, not 0:00
    return f"{whole // 60}:{whole % 60:02d}"


class SessionCountdown(Static):
    DEFAULT_CSS = """
    SessionCountdown { height: auto; color: $text-muted; }
    SessionCountdown.-warn { color: $text-warning; text-style: bold; }
    """

    class Expired(Message):
        """The session's time is up."""

    def __init__(self, seconds: float, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._deadline = time.monotonic() + seconds
        self._expired = False

    @property
    def remaining(self) -> float:
        return self._deadline - time.monotonic()

    def on_mount(self) -> None:
        self._tick()
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        if self._expired:
            return
        remaining = self.remaining
        if remaining <= 0:
            self._expired = True
            self.update("Session expired")
            self.post_message(self.Expired())
            return
        warn = remaining <= WARN_SECONDS
        self.set_class(warn, "-warn")
        left = format_remaining(remaining)
        # Short enough for the enrol screen's side column (about 35 cells) on one line.
        self.update(f"Only {left} left: type the code now" if warn else f"Session ends in {left}")
