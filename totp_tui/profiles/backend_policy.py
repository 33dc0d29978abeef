"""Which keyring backends may hold profiles, and what to tell the user when none may.

Policy (issue 3): use the backend keyring recommends; refuse one below keyring's 'recommended'
priority (1 in keyring 25.7; e.g. a plaintext file) unless the user chose it explicitly, with
PYTHON_KEYRING_BACKEND or keyring's own config file. keyring is imported inside functions.
"""

from __future__ import annotations

import configparser
import importlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

# How to get a keyring that may hold profiles: true wherever it is shown. What else to do
# depends on the command that shows it (only the wizard has --no-save), so each message
# ends with its own way on: the wizard's is HOW_TO_FIX; others compose GET_A_KEYRING.
GET_A_KEYRING = (
    "run totp-tui under `dbus-run-session` with `gnome-keyring-daemon --unlock`"
    " (see the README), or choose an encrypted keyring backend with PYTHON_KEYRING_BACKEND"
)
HOW_TO_FIX = f"To save profiles, {GET_A_KEYRING}; or pass --no-save to enrol without saving."


@dataclass(frozen=True)
class BackendStatus:
    """Whether profiles can be kept in this keyring backend, and if not, what to do.

    `message` is the whole text as the wizard shows it. `problem` is set when the policy
    refuses the backend (there is none, it is disabled, unencrypted, or cannot start): that
    text without HOW_TO_FIX, for a command whose way on is not the wizard's.
    """

    usable: bool
    name: str
    message: str
    problem: str | None = None


def _refused(name: str, problem: str) -> BackendStatus:
    return BackendStatus(False, name, f"{problem} {HOW_TO_FIX}", problem)


NO_KEYRING = "There is no usable keyring here."


def no_keyring_status(name: str = "keyring.backends.fail.Keyring") -> BackendStatus:
    """keyring's answer when it finds nothing: its fail backend (or an empty chainer)."""
    return _refused(name, NO_KEYRING)


def unusable_backend_status(exc: BaseException) -> BackendStatus:
    """keyring could not even give a backend (e.g. SecretService forced with no D-Bus)."""
    choice = explicit_choice()
    name = choice[0] if choice else "keyring"
    chosen = f" (chosen in {choice[1]})" if choice else ""
    return _refused(
        name, f"the keyring backend {name}{chosen} cannot be used here ({describe(exc)})."
    )


def judge_backend(backend: KeyringBackend) -> BackendStatus:
    """Whether `backend` may hold profiles, by the policy above."""
    from keyring.backends import chainer, fail, null
    from keyring.core import recommended

    choice = explicit_choice()
    name = class_path(backend)
    if isinstance(backend, fail.Keyring):
        return no_keyring_status(name)
    if isinstance(backend, null.Keyring):
        where = f" by {choice[1]}" if choice else ""
        return _refused(name, f"keyring is disabled{where} ({name}).")
    explicit = _names(choice, backend)
    # The chainer claims priority 10 whenever it has two backends, but writes go to the first,
    # which may be a plaintext file: judge that one.
    target = backend
    if isinstance(backend, chainer.ChainerBackend) and not explicit:
        chained = list(backend.backends)
        if not chained:
            return no_keyring_status(name)
        target = chained[0]
    target_name = class_path(target)
    try:
        priority = float(target.priority)
    except Exception as exc:
        return _refused(
            name, f"the keyring backend {target_name} cannot be used here ({describe(exc)})."
        )
    if explicit and choice is not None:
        return BackendStatus(True, name, f"profiles are kept in {name} (chosen in {choice[1]})")
    if recommended(target):
        return BackendStatus(True, name, f"profiles are kept in {target_name}")
    return _refused(
        name,
        f"keyring's best backend here, {target_name} (priority {priority:g}), is below keyring's"
        " 'recommended' priority of 1 (it may keep secrets unencrypted), so totp-tui will not"
        f" save profiles in it unless you choose it with PYTHON_KEYRING_BACKEND={target_name}"
        f" or in {_config_path()}.",
    )


def explicit_choice() -> tuple[str, str] | None:
    """The backend the user named, and where: keyring reads the environment, then its config."""
    name = os.environ.get("PYTHON_KEYRING_BACKEND", "").strip()
    if name:
        return name, "PYTHON_KEYRING_BACKEND"
    path = _config_path()
    config = configparser.RawConfigParser()
    try:
        config.read(path, encoding="utf-8")
        name = config.get("backend", "default-keyring", fallback="").strip()
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None
    return (name, str(path)) if name else None


def class_path(backend: KeyringBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def describe(error: BaseException | None) -> str:
    return str(error) or type(error).__name__


def _config_path() -> str:
    from keyring.util import platform_

    return str(platform_.config_root() / "keyringrc.cfg")


def _names(choice: tuple[str, str] | None, backend: KeyringBackend) -> bool:
    if choice is None:
        return False
    if choice[0] == class_path(backend):
        return True
    module_name, _, class_name = choice[0].rpartition(".")
    try:  # the same class by another name (keyring imports it the same way)
        return type(backend) is getattr(importlib.import_module(module_name), class_name)
    except Exception:
        return False
