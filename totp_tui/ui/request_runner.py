"""Blocking work (boto3, keyring) off the UI thread; its answer back on the UI thread, or
dropped when nobody waits for it any more.

A worker only returns a value. What to do with it runs on the UI thread, in the app's own
message queue, and only if the request's screen is still the one shown and nothing has
been forgotten since (`forget_in_flight`: Back, a kiosk wipe, a timeout). Otherwise the
value goes to `drop`, which forgets whatever secret it carries.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from textual.app import App
from textual.screen import Screen

log = logging.getLogger("totp_tui")

T = TypeVar("T")
# A modal over the request's screen (a yes/no question): look again this often.
_PARKED_SECONDS = 0.05


def _nothing(_: Any) -> None:
    """What `drop` does with a value that holds nothing secret."""


def _raise(error: Exception) -> None:
    raise error


@dataclass(frozen=True, eq=False)
class _Request(Generic[T]):
    screen: Screen[Any] | None  # None: answered whatever is shown (app-wide work)
    generation: int
    answer: Callable[[T], None]
    drop: Callable[[T], None]


class RequestRunner:
    """Runs each request's blocking call in a thread and hands back its value."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._generation = 0

    def forget_in_flight(self) -> None:
        """Every answer still on its way is for a person or screen that has gone."""
        self._generation += 1

    def run(
        self,
        screen: Screen[Any] | None,
        description: str,
        call: Callable[[], T],
        answer: Callable[[T], None],
        drop: Callable[[T], None] = _nothing,
    ) -> None:
        """`call()` in a thread; then `answer(value)` on the UI thread if `screen` is still
        shown (or `screen` is None), else `drop(value)`. `description` is a fixed text:
        Textual would otherwise describe the worker with the call's arguments."""
        request = _Request(screen, self._generation, answer, drop)
        # Textual keeps the worker, and with it this coroutine's closure, in the context of
        # every task the answer starts (the next screen): `call` closes over what the person
        # typed (a password). Handed over once, dropped as soon as it has run.
        pending = [call]
        del call

        async def work() -> None:
            started = time.perf_counter()
            try:
                value = await asyncio.get_running_loop().run_in_executor(None, pending.pop())
            except Exception as error:  # a bug: the app's crash report, never a silent hang
                self._app.call_later(_raise, error)
                return
            # The fixed description and a time only: `make bench` splits each step's wait
            # into the engine's share (this) and the screen's.
            log.info("request %r took %.1f ms", description, (time.perf_counter() - started) * 1e3)
            self._app.call_later(self._deliver, request, value)

        self._app.run_worker(work(), name="request", description=description, exit_on_error=False)

    def _deliver(self, request: _Request[T], value: T) -> None:
        app = self._app
        screen = request.screen
        if screen is None:  # app-wide work (the keyring check, the audit log)
            request.answer(value)
            return
        current = request.generation == self._generation
        if current and screen is not app.screen:
            if screen in app.screen_stack:  # under a question (Quit?): answer after it
                app.set_timer(_PARKED_SECONDS, lambda: self._deliver(request, value))
                return
            current = False
        if current:
            request.answer(value)
        else:
            log.debug("dropped an answer for a screen that was left")
            request.drop(value)
