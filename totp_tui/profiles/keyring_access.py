"""Timed keyring calls: each runs on one private daemon thread and is waited for with a timeout.

A Secret Service unlock prompt with no display can block forever (secretstorage#33), so no
caller ever waits on keyring itself. Failures become KeyringAccessError with one clear line.
keyring is imported on the keyring thread, never at import time: importing it and choosing a
backend costs ~125 ms, which must not delay the first screen.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, wait
from typing import TYPE_CHECKING, Any, TypeVar

from totp_tui.profiles.backend_policy import (
    HOW_TO_FIX,
    BackendStatus,
    describe,
    judge_backend,
    no_keyring_status,
    unusable_backend_status,
)
from totp_tui.profiles.errors import KeyringAccessError, ProfileError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

DEFAULT_TIMEOUT = 5.0
_T = TypeVar("_T")


class KeyringUnusableError(KeyringAccessError):
    """No keyring here may hold profiles (none, disabled, unencrypted, or it cannot start), so
    nothing was tried: a setup problem, unlike a call that failed (locked, timed out, refused).

    Its text is the wizard's (HOW_TO_FIX, with --no-save); `problem` is the same without the
    way on, for a command that has other ways (the `profiles` commands, `admin`).
    """

    def __init__(self, problem: str) -> None:
        super().__init__(f"{problem} {HOW_TO_FIX}")
        self.problem = problem


class KeyringThread:
    """Runs keyring calls one at a time, in order, on a daemon thread.

    A daemon thread, not a ThreadPoolExecutor: executor threads are joined at interpreter exit,
    so a call stuck on an unlock prompt would keep totp-tui from exiting. One thread, in order:
    a call that timed out may still finish later, and the rollback queued behind it must run
    after it, not race it.
    """

    IDLE_EXIT = 10.0

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, call: Callable[[], _T]) -> Future[_T]:
        future: Future[_T] = Future()
        with self._lock:
            self._jobs.put((call, future))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="totp-tui-keyring")
                self._thread.daemon = True
                self._thread.start()
        return future

    def _run(self) -> None:
        while True:
            try:
                call, future = self._jobs.get(timeout=self.IDLE_EXIT)
            except queue.Empty:
                with self._lock:
                    if self._jobs.empty():
                        self._thread = None
                        return
                continue
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(call())
                except BaseException as exc:  # the caller decides; this thread must live on
                    future.set_exception(exc)


class KeyringAccess:
    """One keyring backend (default: the one keyring recommends here), reached with a timeout."""

    def __init__(
        self, backend: KeyringBackend | None = None, *, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self._given = backend
        self.timeout = timeout
        self._thread = KeyringThread()
        self._status: BackendStatus | None = None
        self._backend: KeyringBackend | None = None
        self._choosing: Future[None] | None = None

    def check_backend(self) -> BackendStatus:
        """Choose the backend (once) and say whether profiles can be kept in it."""
        if self._status is None:
            if self._choosing is None:  # after a timeout, wait for the same attempt again
                self._choosing = self._thread.submit(self._choose_backend)
            future = self._choosing
            if not wait([future], timeout=self.timeout).done:
                return BackendStatus(
                    False, "unknown", self.timeout_message("profiles cannot be saved or loaded")
                )
            if future.exception() is not None:  # _choose_backend catches; belt and braces
                return BackendStatus(False, "unknown", f"keyring failed: {future.exception()}")
        assert self._status is not None
        return self._status

    def usable_backend(self) -> KeyringBackend:
        """The backend, or KeyringAccessError saying why profiles cannot be kept here
        (KeyringUnusableError when the policy refuses every backend there is)."""
        status = self.check_backend()
        if status.problem is not None:
            raise KeyringUnusableError(status.problem)
        if not status.usable or self._backend is None:
            raise KeyringAccessError(status.message)
        return self._backend

    def call(
        self, call: Callable[[], _T], consequence: str, undo: Callable[[], object] | None = None
    ) -> _T:
        """Run one keyring call with the timeout; on failure, undo what it may have written.

        `consequence` ends the message ("nothing was saved"); it must never hold a secret.
        """
        future = self._thread.submit(call)
        if not wait([future], timeout=self.timeout).done:
            if undo is not None:
                self._thread.submit(undo)  # runs after the stuck call, if that ever returns
            raise KeyringAccessError(self.timeout_message(consequence))
        error = future.exception()
        if error is None:
            return future.result()
        failure = keyring_error(error, consequence)
        if undo is not None:
            undone = self._thread.submit(undo)
            if not wait([undone], timeout=self.timeout).done:
                failure = KeyringAccessError(f"{failure}; rolling back did not finish in time")
            elif undone.exception() is not None:
                reason = describe(undone.exception())
                failure = KeyringAccessError(f"{failure}; rolling back also failed ({reason})")
        raise failure from error

    def timeout_message(self, consequence: str) -> str:
        return (
            f"the keyring did not answer within {self.timeout:g} s"
            f" (locked? waiting for an unlock prompt?); {consequence}"
        )

    def _choose_backend(self) -> None:  # runs on the keyring thread
        backend = self._given
        if backend is None:
            from totp_tui.profiles.keyring_reach import no_keyring_possible

            if no_keyring_possible():  # what keyring would find, without loading it
                self._status = no_keyring_status()
                return
            try:
                import keyring

                backend = keyring.get_keyring()
            except Exception as exc:
                self._status = unusable_backend_status(exc)
                return
        self._status = judge_backend(backend)
        self._backend = backend if self._status.usable else None


def check_backend(
    backend: KeyringBackend | None = None, *, timeout: float = DEFAULT_TIMEOUT
) -> BackendStatus:
    """Whether profiles can be saved here (in `backend`, default: keyring's choice)."""
    return KeyringAccess(backend, timeout=timeout).check_backend()


def keyring_error(error: BaseException, consequence: str) -> ProfileError:
    """A keyring failure as one line: what happened, then `consequence`."""
    from keyring import errors

    if isinstance(error, ProfileError):
        return error
    if isinstance(error, errors.KeyringLocked):
        cause = "the keyring is locked and was not unlocked (was the unlock prompt dismissed?)"
    elif isinstance(error, errors.NoKeyringError):
        return KeyringUnusableError(f"there is no usable keyring here; {consequence}.")
    elif isinstance(error, errors.PasswordSetError):
        cause = f"the keyring refused to store it ({describe(error)})"
    elif isinstance(error, errors.PasswordDeleteError):
        cause = f"the keyring refused to delete it ({describe(error)})"
    elif isinstance(error, errors.InitError):
        cause = f"the keyring could not be opened ({describe(error)})"
    elif isinstance(error, RuntimeError):
        cause = f"the keyring backend cannot work here ({describe(error)})"
    else:
        cause = f"the keyring failed ({type(error).__name__}: {describe(error)})"
    return KeyringAccessError(f"{cause}; {consequence}")
