"""The operator's cap on concurrent served sessions: one locked file per session.

`slot-1` ... `slot-N` in the runtime folder; a session holds an exclusive flock on one of them
for as long as its process lives. The kernel drops the lock when the process ends, however it
ends (a dropped connection, SIGKILL), so a slot is never leaked, and no count can go stale.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path


class SlotsError(OSError):
    """The runtime folder cannot hold the slots; the message says which and how to fix it."""


@dataclass(frozen=True)
class SessionSlot:
    """A held slot: its file stays open (and locked) until the process ends."""

    number: int
    fd: int


def take_slot(folder: Path, max_sessions: int) -> SessionSlot | None:
    """Lock the first free slot of `max_sessions`; None when all are taken.

    Raises SlotsError when the folder is missing or its slot files cannot be opened.
    """
    if not folder.is_dir():
        raise SlotsError(
            f"the runtime folder {folder} for the session cap does not exist. Fix: create it"
            ' (README, "Serving over SSH") or set runtime_dir in [served]'
        )
    for number in range(1, max_sessions + 1):
        path = folder / f"slot-{number}"
        try:
            # Read-only is enough for flock; O_NOFOLLOW: a planted symlink is not followed.
            fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise SlotsError(
                f"cannot open {path} ({error.strerror}). Fix: let the served account(s) write"
                f" {folder}"
            ) from None
        if os.fstat(fd).st_uid == os.geteuid():
            # Whatever the umask: the other served accounts must be able to open it to lock.
            os.fchmod(fd, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return SessionSlot(number, fd)
    return None
