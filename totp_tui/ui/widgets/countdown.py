"""How long the sign-in session has left: Cognito's Session lasts 3 minutes by default (up to
15, per app client), and people installing an authenticator app run out of it."""

from __future__ import annotations

import math
import time

from textual.message import Message
from textual.widgets import Static

WARN_SECONDS = 30
# Above this, whole minutes: the text changes once a minute, not every second. Each change
# is a redraw, CPU and bytes on an SSH link, while the person is busy with their phone.
SECONDS_SHOWN_BELOW = 60


def format_remaining(seconds: float) -> str:
    whole = max(0, int(seconds + 0.999))  # 0.2 s left still shows 0:01, not 0:00
    return f"{whole // 60}:{whole % 60:02d}"


def countdown_text(remaining: float) -> str:
    """What the countdown says; short enough for the enrol screen's side column."""
    if remaining > SECONDS_SHOWN_BELOW:
        minutes = int(remaining + 59.999) // 60  # 2 min 1 s left still shows "3 min"
        return f"Session ends in {minutes} min"
    left = format_remaining(remaining)
    return (
        f"Only {left} left: type the code now"
        if remaining <= WARN_SECONDS
        else (f"Session ends in {left}")
    )


def until_next_change(remaining: float) -> float:
    """Seconds until countdown_text(remaining) changes: at the next whole second in the
    last minute, else at the next whole minute (or at the last minute's start)."""
    step = 1 if remaining <= SECONDS_SHOWN_BELOW else 60
    boundary = max(math.ceil(remaining / step) - 1, 0) * step
    if step == 60:
        boundary = max(boundary, SECONDS_SHOWN_BELOW)
    return max(remaining - boundary, 0.0)


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
        self._shown = ""

    @property
    def remaining(self) -> float:
        return self._deadline - time.monotonic()

    def on_mount(self) -> None:
        self._tick()

    def _tick(self) -> None:
        """Show the time left, then sleep until the text next changes: no wake-ups in
        between (each costs CPU on a shared bastion, even with nothing to draw)."""
        if self._expired:
            return
        remaining = self.remaining
        if remaining <= 0:
            self._expired = True
            self.update("Session expired")
            self.post_message(self.Expired())
            return
        self.set_class(remaining <= WARN_SECONDS, "-warn")
        text = countdown_text(remaining)
        if text != self._shown:
            self._shown = text
            self.update(text)
        # A few ms late, so that the text has changed when the timer fires.
        self.set_timer(until_next_change(remaining) + 0.005, self._tick)
