"""ProfileStore: profiles in the keyring, as an index entry plus one entry per profile.

keyring cannot list entries, so entry "index" holds the JSON list of names; each profile is one
JSON entry ("profile:<name>") and its app client secret, if any, another
("profile:<name>:client-secret"). Saving writes the profile before the index and rolls back on
failure, so the index never names a missing entry and no half-written profile stays behind.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from totp_tui.profiles.backend_policy import BackendStatus
from totp_tui.profiles.errors import ProfileError, ProfileNotFoundError
from totp_tui.profiles.keyring_access import DEFAULT_TIMEOUT, KeyringAccess
from totp_tui.profiles.profile import NAME_PATTERN, Profile, validate_name

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "totp-tui"
INDEX_ENTRY = "index"
_T = TypeVar("_T")


class ProfileStore:
    """Profiles in one keyring backend (default: the one keyring recommends here).

    Every method blocks for at most about `timeout` seconds per keyring call: call them off the
    UI thread. Failures raise ProfileError (or one of its kinds) with a one-line message.
    """

    def __init__(
        self, backend: KeyringBackend | None = None, *, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self._keyring = KeyringAccess(backend, timeout=timeout)

    def check_backend(self) -> BackendStatus:
        """Choose the backend (once) and say whether profiles can be kept in it."""
        return self._keyring.check_backend()

    def list_names(self) -> list[str]:
        backend = self._keyring.usable_backend()
        return sorted(self._read_index(backend, "the saved profiles could not be read")[1])

    def exists(self, name: str) -> bool:
        validate_name(name)
        return name in self.list_names()

    def load(self, name: str) -> Profile:
        validate_name(name)
        backend = self._keyring.usable_backend()
        not_read = f"profile {name!r} could not be read"
        if name not in self._read_index(backend, not_read)[1]:
            raise ProfileNotFoundError(f"there is no saved profile named {name!r}")
        text = self._call(partial(backend.get_password, SERVICE, _entry(name)), not_read)
        if text is None:
            raise ProfileError(f"profile {name!r} is listed but its keyring entry is missing")
        profile = Profile.from_json(text, label=f"profile {name!r}")
        if profile.name != name:
            raise ProfileError(f"the keyring entry of profile {name!r} holds {profile.name!r}")
        return profile

    def save(self, profile: Profile) -> None:
        """Write the profile's entry, then (for a new name) the index; roll back on failure."""
        backend = self._keyring.usable_backend()
        key, text, not_saved = _entry(profile.name), profile.to_json(), "nothing was saved"
        raw_index, names = self._read_index(backend, not_saved)
        previous = self._call(partial(backend.get_password, SERVICE, key), not_saved)
        restore_entry = partial(_put_back, backend, key, previous)
        self._call(partial(backend.set_password, SERVICE, key, text), not_saved, restore_entry)
        if profile.name in names:
            return
        new_index = json.dumps([*names, profile.name])

        def restore_both() -> None:
            _put_back(backend, INDEX_ENTRY, raw_index)  # first: never list a missing entry
            restore_entry()

        self._call(
            partial(backend.set_password, SERVICE, INDEX_ENTRY, new_index), not_saved, restore_both
        )

    def delete(self, name: str) -> None:
        """Remove the name from the index, then the profile's entries (with its client secret)."""
        validate_name(name)
        backend = self._keyring.usable_backend()
        not_deleted = "nothing was deleted"
        raw_index, names = self._read_index(backend, not_deleted)
        if name in names:
            new_index = json.dumps([other for other in names if other != name])
            self._call(
                partial(backend.set_password, SERVICE, INDEX_ENTRY, new_index),
                not_deleted,
                partial(_put_back, backend, INDEX_ENTRY, raw_index),
            )
        elif self._call(partial(backend.get_password, SERVICE, _entry(name)), not_deleted) is None:
            raise ProfileNotFoundError(f"there is no saved profile named {name!r}")
        for key in (_entry(name), _secret_entry(name)):
            self._call(
                partial(_remove, backend, key),
                f"profile {name!r} is no longer listed, but its keyring entry {key!r} remains",
            )

    def set_client_secret(self, name: str, secret: str) -> None:
        validate_name(name)
        if not secret:
            raise ProfileError("the client secret is empty; nothing was saved")
        backend = self._keyring.usable_backend()
        not_saved = "the client secret was not saved"
        if name not in self._read_index(backend, not_saved)[1]:
            raise ProfileNotFoundError(f"there is no saved profile named {name!r}; save it first")
        self._call(partial(backend.set_password, SERVICE, _secret_entry(name), secret), not_saved)

    def get_client_secret(self, name: str) -> str | None:
        validate_name(name)
        backend = self._keyring.usable_backend()
        not_read = "the client secret could not be read"
        return self._call(partial(backend.get_password, SERVICE, _secret_entry(name)), not_read)

    def has_client_secret(self, name: str) -> bool:
        """For `profiles show`: whether a client secret is set, never what it is."""
        return self.get_client_secret(name) is not None

    def delete_client_secret(self, name: str) -> None:
        validate_name(name)
        backend = self._keyring.usable_backend()
        self._call(partial(_remove, backend, _secret_entry(name)), "nothing was deleted")

    def _read_index(
        self, backend: KeyringBackend, consequence: str
    ) -> tuple[str | None, list[str]]:
        raw = self._call(partial(backend.get_password, SERVICE, INDEX_ENTRY), consequence)
        if raw is None:
            return None, []
        try:
            names = json.loads(raw)
        except ValueError:
            names = None
        if not isinstance(names, list) or not all(
            isinstance(name, str) and NAME_PATTERN.fullmatch(name) for name in names
        ):
            raise ProfileError(
                f"the keyring's list of profiles (service {SERVICE!r}, entry {INDEX_ENTRY!r}) is"
                f" damaged; delete that entry to start the list afresh; {consequence}"
            )
        return raw, list(dict.fromkeys(names))

    def _call(
        self, call: Callable[[], _T], consequence: str, undo: Callable[[], object] | None = None
    ) -> _T:
        return self._keyring.call(call, consequence, undo)


def _entry(name: str) -> str:
    return f"profile:{name}"


def _secret_entry(name: str) -> str:
    return f"profile:{name}:client-secret"


def _put_back(backend: KeyringBackend, key: str, previous: str | None) -> None:
    """Make entry `key` hold `previous` again (None: absent), writing only if it changed."""
    if backend.get_password(SERVICE, key) == previous:
        return
    if previous is None:
        _remove(backend, key)
    else:
        backend.set_password(SERVICE, key, previous)


def _remove(backend: KeyringBackend, key: str) -> None:
    from keyring.errors import PasswordDeleteError

    try:
        backend.delete_password(SERVICE, key)
    except PasswordDeleteError:  # also what backends say when there is nothing to delete
        if backend.get_password(SERVICE, key) is not None:
            raise
