"""Keys in the order they were typed, at any speed: what makes a form take a burst.

A password manager's auto-type, a paste and a laggy SSH link hand the app a whole form in
one read (`user Tab password Enter`). Textual 8.2 sends each key to the focused widget's own
message queue, and runs a key's binding only once the key has come back up from there
(Textual issue #6605). Keys that follow in the same read do not wait for that: the
characters after a Tab reach the old field before the Tab has moved the focus, the token
typed after Ctrl+O reaches the sign-in form, and an Enter bound with priority runs before
the characters ahead of it are in their field.

`KeyQueue` hands the terminal's keys on one at a time, as a person's typing arrives: the
next key only once the previous one has been handled everywhere it goes (its widget, each
parent it bubbles through, and the app's bindings), and only once the screen it goes to has
set its focus. Only the keys that leave the app (Ctrl+Q, Ctrl+C) never wait.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import App
from textual.dom import DOMNode
from textual.screen import Screen
from textual.timer import Timer

log = logging.getLogger("totp_tui")

# A key that has not come back after this long was swallowed somewhere no callback reaches
# (a widget removed while it held the key): go on rather than stop taking keys.
WATCHDOG_SECONDS = 2.0
# A new screen not set up yet: look again this often.
_RETRY_SECONDS = 0.01

TypedEvent = events.Key | events.Paste


class KeyQueue:
    """The terminal's keys and pastes, one at a time, in the order they came."""

    def __init__(
        self,
        app: App[Any],
        ready: Callable[[Screen[Any]], bool],
        urgent: frozenset[str] = frozenset(),
    ) -> None:
        self._app = app
        self._screen_ready = ready  # whether a screen has set its focus and can take keys
        self._urgent = urgent  # keys handled at once, whatever is queued (leaving)
        self._waiting: deque[TypedEvent] = deque()
        self._current: TypedEvent | None = None
        self._following = False  # the current key was sent on, and is being followed
        self._watchdog: Timer | None = None

    def take(self, event: events.Event) -> bool:
        """From App.on_event, before Textual handles `event`. True: the queue keeps it for
        later, and it must not be handled now."""
        if not isinstance(event, (events.Key, events.Paste)) or event.is_forwarded:
            return False
        if event is self._current:
            return False  # its turn: handle it (then `handed_on`)
        if isinstance(event, events.Key) and event.key in self._urgent:
            return False
        if self._current is None and not self._waiting and self._screen_ready(self._app.screen):
            self._current, self._following = event, False  # nothing ahead of it: now
            return False
        self._waiting.append(event)
        if self._current is None and len(self._waiting) == 1:
            self._next()
        return True

    def handed_on(self, event: events.Event) -> None:
        """From App.on_event, after Textual sent `event` on: follow it until it is handled."""
        if event is not self._current or self._following:
            return  # not ours, or the key coming back up after its first pass
        self._following = True
        start = self._app.focused or self._app.screen
        path: list[DOMNode] = [start, *start.ancestors]  # up to the screen, then the app
        self._watchdog = self._app.set_timer(WATCHDOG_SECONDS, lambda: self._stuck(event))
        self._follow(event, path, 0)

    def _follow(self, event: TypedEvent, path: list[DOMNode], index: int) -> None:
        """A callback queued behind the key at each place it goes runs after the key was
        handled there, by which time a key that bubbles is queued at the next place."""
        if event is not self._current:
            return
        if index == len(path):
            self._done(event)
            return
        if not path[index].call_later(self._follow, event, path, index + 1):
            self._follow(event, path, index + 1)  # that place has closed: nothing waits there

    def _stuck(self, event: TypedEvent) -> None:
        if event is self._current:
            log.debug("a key was not handed back in time; going on with the next")  # no key
            self._done(event)

    def _done(self, event: TypedEvent) -> None:
        if event is not self._current:
            return  # the watchdog, for a key that was done already
        if self._watchdog is not None:
            self._watchdog.stop()
            self._watchdog = None
        self._current = None
        self._next()

    def _next(self) -> None:
        if self._current is not None or not self._waiting:
            return
        if not self._screen_ready(self._app.screen):
            self._app.set_timer(_RETRY_SECONDS, self._next)
            return
        self._current, self._following = self._waiting.popleft(), False
        # Through the app's queue again, as if just typed; keys that arrive meanwhile queue
        # up behind it, since one is current.
        self._app.post_message(self._current)
