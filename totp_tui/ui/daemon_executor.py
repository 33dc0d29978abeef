"""Thread workers that do not keep the process alive after the user has left."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class DaemonThreadExecutor(ThreadPoolExecutor):
    """Runs each call (Textual's thread workers) in a thread that does not keep the process
    alive. A boto3 request cannot be interrupted, and both asyncio.run() and Python's exit
    wait for the default executor's threads: after Ctrl+C or SIGTERM during a request to an
    endpoint that does not answer, the process would linger for the read timeout times the
    retries (3 x 30 s by default), the terminal already handed back."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future: Future[T] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = fn(*args, **kwargs)
            except BaseException as error:
                future.set_exception(error)
            else:
                future.set_result(result)

        threading.Thread(target=run, name="totp-tui-worker", daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Nothing to wait for: the threads end with the process."""
