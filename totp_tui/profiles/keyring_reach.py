"""Whether keyring could possibly find a usable backend here, known without loading one.

`keyring.get_keyring()` loads every backend to ask each whether it works. On Linux each of
keyring's own (Secret Service, libsecret, KWallet) needs a D-Bus session, and loading the
Secret Service one loads `cryptography` with it: about 9 MB and 200 ms of every wizard on a
bastion host without D-Bus, only to learn that there is no keyring. When nothing could work
(no session bus and no way to start one, no other backend installed, none chosen), the
answer is known at once: keyring's own would be its fail backend. Anywhere else keyring
decides, as always.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

_KEYRINGS_OWN = "keyring.backends."


def session_bus_possible(env: Mapping[str, str]) -> bool:
    """Could a D-Bus client reach or start a session bus? jeepney reads the address from
    the environment; libdbus and GLib also try $XDG_RUNTIME_DIR/bus, and start one for an
    X11 or Wayland display (autolaunch)."""
    if env.get("DBUS_SESSION_BUS_ADDRESS") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return True
    runtime = env.get("XDG_RUNTIME_DIR", "")
    return bool(runtime) and (Path(runtime) / "bus").exists()


def only_keyrings_own_backends() -> bool:
    """No third-party backend (keyrings.alt, a cloud one) is installed."""
    from importlib.metadata import entry_points

    return all(
        point.value.startswith(_KEYRINGS_OWN) for point in entry_points(group="keyring.backends")
    )


def no_keyring_possible(env: Mapping[str, str] | None = None) -> bool:
    """True only when keyring.get_keyring() would certainly be its fail backend."""
    from totp_tui.profiles.backend_policy import explicit_choice

    env = os.environ if env is None else env
    return (
        sys.platform.startswith("linux")
        and not session_bus_possible(env)
        and explicit_choice() is None
        and only_keyrings_own_backends()
    )
