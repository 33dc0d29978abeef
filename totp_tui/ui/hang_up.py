"""Leaving when the terminal goes away: the process is gone within 2 s, whatever Textual's
threads are doing.

Textual 8.2.8 does not survive a hang-up by itself (measured under tmux):
- A process that is not the session leader gets no SIGHUP from the kernel, which signals
  the session leader only. A login shell passes it on to its jobs; make, and most parents
  that wait for their child, do not: the wizard ran on, its terminal gone.
- Its input thread then reads end of file from the hung-up terminal in a loop (select says
  readable, read returns nothing): a core at 100%, for ever.
- The writer thread dies on its first EIO and its queue (30 writes) fills up: the next
  write, or the driver's close, blocks the main thread for ever (the stack in issue 14),
  and with it the asyncio loop that `loop.add_signal_handler` handlers need: SIGTERM is
  then ignored too.
- Even a clean exit ended with status 120 instead of 129 (Python's final flush of stdout
  fails on a hung-up terminal), seconds late on a busy host.

So a daemon thread of ours watches both the terminal and the signals, and needs neither the
main thread nor the loop to end the process:
- the terminal: poll() for POLLHUP/POLLERR on the terminal's file descriptors; the kernel
  wakes it the moment the other side (sshd, tmux, the emulator) closes;
- SIGHUP and SIGTERM: the handler only writes the signal's number into a pipe the thread
  polls (a handler runs between two bytecodes of the main thread, maybe inside Textual).
Then it asks the app to leave (the clean way: screen wiped, secrets forgotten, the demo's
local Cognito stopped) and gives it a short grace. If the process still runs after it,
os._exit ends it; its memory, secrets included, goes with it.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from os import _exit as end_process  # no clean-up, no waiting for any thread

_log = logging.getLogger("totp_tui.ui")

SIGNALS = (signal.SIGHUP, signal.SIGTERM)
# The terminal has gone: nothing left to restore on it, only the clean-up in this process.
GONE_GRACE = 1.0
# A signal with the terminal still there (kill, a service stop, a parent's SIGHUP): time to
# restore the terminal's modes, which a person would otherwise have to `reset` by hand.
SIGNAL_GRACE = 1.5
# poll() is woken when the terminal's other side closes; a hang-up from elsewhere (vhangup)
# wakes only the waiters for input or output, so look again every so often.
_CHECK_SECONDS = 0.5
_GONE = select.POLLHUP | select.POLLERR | select.POLLNVAL


def terminal_fds(candidates: Iterable[int] = (0, 1, 2)) -> tuple[int, ...]:
    """The standard streams that are terminals (Textual reads stdin and writes stderr).
    A pipe or a file is never watched: a closed pipe is not a hang-up."""
    found = []
    for fd in candidates:
        with contextlib.suppress(OSError):
            if os.isatty(fd):
                found.append(fd)
    return tuple(found)


class HangUpWatch:
    """One daemon thread: on a hang-up or a signal, ask the app to leave, then end the
    process after a grace if it has not ended by itself."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        leave: Callable[[int], None],
        terminal: tuple[int, ...],
        *,
        exit_now: Callable[[int], object] = end_process,
        gone_grace: float = GONE_GRACE,
        signal_grace: float = SIGNAL_GRACE,
    ) -> None:
        self._app_loop = loop
        self._leave = leave
        self._terminal = terminal
        self._exit_now = exit_now
        self._gone_grace = gone_grace
        self._signal_grace = signal_grace
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_write, False)  # a signal handler must never block
        self._thread = threading.Thread(target=self._run, name="totp-tui-hang-up", daemon=True)
        # The exit code once leaving has begun (128 + the signal), else None.
        self.exit_code: int | None = None

    def start(self) -> None:
        self._thread.start()

    def take_signals(self, signums: Iterable[int] = SIGNALS) -> None:
        """Handle these signals through the watch (main thread only). signal.signal and not
        loop.add_signal_handler: the latter runs nothing while the loop is stuck."""
        for signum in signums:
            signal.signal(signum, self._on_signal)

    def signalled(self, signum: int) -> None:
        """Hand a signal to the watch thread. Safe in a signal handler: one non-blocking
        write; a full pipe means a signal is waiting already."""
        with contextlib.suppress(OSError):
            os.write(self._wake_write, bytes([signum]))

    def _on_signal(self, signum: int, _frame: object) -> None:
        self.signalled(signum)

    def finish_at_exit(self) -> None:
        """An atexit hook: after leaving on a hang-up or a signal, end at once, with the
        hang-up's (or signal's) status. The clean path has run by then (app left, demo
        server stopped). What Python's own shutdown would still do: flush stdout to a
        terminal that has gone, which fails and turns the status into 120, and collect
        boto3's, moto's and Textual's objects, which took 2-6 s with six demos closing at
        once on two cores. The debug log is flushed first."""
        if self.exit_code is None:
            return
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # a terminal that has gone: EIO
                if stream is not None:
                    stream.flush()
        logging.shutdown()
        self._exit_now(self.exit_code)

    # The watch thread ---------------------------------------------------------------------

    def _run(self) -> None:
        poller = select.poll()
        poller.register(self._wake_read, select.POLLIN)
        for fd in self._terminal:
            poller.register(fd, 0)  # no events asked for: hang-up and errors always come
        deadline: float | None = None
        while deadline is None or time.monotonic() < deadline:
            wait = _CHECK_SECONDS if deadline is None else max(0.0, deadline - time.monotonic())
            for fd, events in poller.poll(wait * 1000):
                if fd == self._wake_read:
                    for signum in os.read(self._wake_read, 64):
                        deadline = self._begin_leaving(128 + signum, self._signal_grace, deadline)
                elif events & _GONE and self._terminal:
                    # A hung-up terminal stays "hung up": watching it on would spin.
                    for terminal_fd in self._terminal:
                        poller.unregister(terminal_fd)
                    self._terminal = ()
                    code = 128 + signal.SIGHUP  # as if the SIGHUP had come, as it usually does
                    deadline = self._begin_leaving(code, self._gone_grace, deadline)
        # No logging here: a stuck main thread may hold a log handler's lock.
        self._exit_now(self.exit_code if self.exit_code is not None else 1)

    def _begin_leaving(self, code: int, grace: float, deadline: float | None) -> float:
        """Ask the app to leave (once), and return the time by which the process ends."""
        if self.exit_code is None:
            self.exit_code = code
            with contextlib.suppress(RuntimeError):  # the loop has closed: the app has left
                self._app_loop.call_soon_threadsafe(self._leave_quietly, code)
        end = time.monotonic() + grace
        return end if deadline is None else min(deadline, end)

    def _leave_quietly(self, code: int) -> None:
        # Runs on the app's loop. An app half torn down may fail here; the grace exit
        # still ends the process, and a traceback would only go to a terminal that has gone.
        _log.debug("leaving: the terminal hung up, or a signal came (exit code %d)", code)
        try:
            self._leave(code)
        except Exception as error:
            _log.debug("leaving after a hang-up failed: %s", type(error).__name__)


def watch_for_hang_up(leave: Callable[[int], None]) -> HangUpWatch:
    """Start watching for the process that runs the app. Call on the main thread with the
    app's loop running; once per process (signal handlers and atexit are process-wide)."""
    watch = HangUpWatch(asyncio.get_running_loop(), leave, terminal_fds())
    watch.start()
    watch.take_signals()
    atexit.register(watch.finish_at_exit)
    return watch
