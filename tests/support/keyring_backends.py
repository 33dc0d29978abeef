"""Small keyring backends for tests: in memory, failing, hanging, locked, raising, plaintext-like.

Every KeyringBackend subclass registers itself with keyring; `viable = False` keeps these out of
keyring's own backend detection, so a test process never picks one by accident. A test can still
choose one by name, as a user would:
PYTHON_KEYRING_BACKEND=tests.support.keyring_backends.MemoryKeyring.
Also `require_secret_service()`, for the tests that need the real one.
"""

from __future__ import annotations

import os
import threading

import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError, PasswordSetError


class MemoryKeyring(KeyringBackend):
    """A recommended (priority 1) backend that keeps entries in a dict.

    `history` holds the entries after every change, to check states a caller never returns in.
    """

    priority = 1.0
    viable = False

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.writes = 0
        self.history: list[dict[tuple[str, str], str]] = []

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.writes += 1
        self.entries[(service, username)] = password
        self.history.append(dict(self.entries))

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("No such password!")
        self.history.append(dict(self.entries))


class FailingWriteKeyring(MemoryKeyring):
    """Raises PasswordSetError on write number `fail_on_write` (counting from 1) once armed.

    With `store_first`, the write happens before the error, like a reply lost after the write.
    """

    def __init__(self, fail_on_write: int = 0, *, store_first: bool = False) -> None:
        super().__init__()
        self.fail_on_write = fail_on_write
        self.store_first = store_first

    def arm(self, fail_on_write: int) -> None:
        """Fail the `fail_on_write`-th write from now on."""
        self.fail_on_write = self.writes + fail_on_write

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.writes + 1 != self.fail_on_write:
            super().set_password(service, username, password)
            return
        if self.store_first:
            super().set_password(service, username, password)
        else:
            self.writes += 1
        raise PasswordSetError("simulated failure")


class HangingKeyring(MemoryKeyring):
    """Blocks once armed, until `release` is set: like an unlock prompt nobody can see.

    `hang_on_write=N` blocks the Nth write from arming (then performs it); without it every call
    blocks. Set `release` in teardown so the blocked threads end.
    """

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.hang_on_write: int | None = None
        self.hang_everything = False

    def arm(self, *, write: int | None = None) -> None:
        if write is None:
            self.hang_everything = True
        else:
            self.hang_on_write = self.writes + write

    def get_password(self, service: str, username: str) -> str | None:
        if self.hang_everything:
            self.release.wait()
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.hang_everything or self.writes + 1 == self.hang_on_write:
            self.release.wait()
        super().set_password(service, username, password)


class LockedKeyring(MemoryKeyring):
    """A collection whose unlock prompt was dismissed, as SecretService reports it."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")


class PlaintextLikeKeyring(MemoryKeyring):
    """Below keyring's 'recommended' priority, like keyrings.alt's PlaintextKeyring (0.5)."""

    priority = 0.5


class RaisingKeyring(MemoryKeyring):
    """Every call raises, as a Secret Service whose D-Bus connection broke does."""

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("simulated D-Bus failure")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("simulated D-Bus failure")

    def delete_password(self, service: str, username: str) -> None:
        raise RuntimeError("simulated D-Bus failure")


def require_secret_service() -> None:
    """Skip the calling test unless tests/support/with_secret_service.sh (`make test`)
    started a real Secret Service; under CI=true fail instead: there these tests must run."""
    if os.environ.get("TOTP_TUI_SECRET_SERVICE") == "1":
        return
    reason = (
        "needs a real Secret Service: run under tests/support/with_secret_service.sh (make test)"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true, so this must not skip: {reason}")
    pytest.skip(reason)
