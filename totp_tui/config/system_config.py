"""The system-wide configuration an operator writes once: /etc/totp-tui/config.toml.

It names one or more pools (`[pools.NAME]`, the keys of a saved profile) and, for the served
mode behind sshd's ForceCommand, a `[served]` table. It decides where everyone's password is
sent, so a file (or its folder) that anyone but its owner could change is refused, and so is
one owned by anyone but root or the user running totp-tui. Every problem names the file, the
line and the fix; the command line turns it into exit code 2.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path

from totp_tui.config.system_config_tables import config_from_tables
from totp_tui.config.system_config_values import (
    SEE_README,
    ServedOptions,
    SystemConfig,
    SystemConfigError,
    SystemPool,
)

__all__ = [
    "SYSTEM_CONFIG_PATH",
    "SYSTEM_CONFIG_VARIABLE",
    "ServedOptions",
    "SystemConfig",
    "SystemConfigError",
    "SystemPool",
    "check_ownership",
    "load_system_config",
    "system_config_path",
]

SYSTEM_CONFIG_PATH = Path("/etc/totp-tui/config.toml")
# Points the wizard elsewhere (tests, a non-root install). The served mode never reads it:
# a client could send it.
SYSTEM_CONFIG_VARIABLE = "TOTP_TUI_SYSTEM_CONFIG"
_AT_LINE = re.compile(r"\s*\(at line (?P<line>\d+), column \d+\)")


def system_config_path(env: Mapping[str, str]) -> tuple[Path, bool]:
    """The file to read, and whether it was named (a named file must exist)."""
    named = env.get(SYSTEM_CONFIG_VARIABLE)
    return (Path(named), True) if named else (SYSTEM_CONFIG_PATH, False)


def load_system_config(path: Path, *, required: bool) -> SystemConfig | None:
    """Read and check the file; None when it does not exist and was not `required`.

    Raises SystemConfigError (file, line, fix) for anything else that is wrong with it.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        if not required:
            return None
        raise SystemConfigError(
            f"{path}: the system configuration does not exist. Fix: create it ({SEE_README}),"
            f" or point {SYSTEM_CONFIG_VARIABLE} at the right file"
        ) from None
    except OSError as error:
        raise SystemConfigError(
            f"{path}: cannot be read ({error.strerror}). Fix: make it a regular file readable"
            " by the users of totp-tui (mode 0644, owned by root)"
        ) from None
    with os.fdopen(fd, "rb") as file:
        # Checked on the open file, not the name: nothing can swap it in between.
        check_ownership(path, os.fstat(file.fileno()), "file")
        check_ownership(path.parent, os.stat(path.parent), "folder")
        raw = file.read()
    import tomllib  # only when there is a file: start-up is measured

    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise SystemConfigError(f"{path}: is not UTF-8 text. Fix: save it as UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _AT_LINE.search(message)
        where = f", line {found['line']}" if found else ""
        raise SystemConfigError(
            f"{path}{where}: {_AT_LINE.sub('', message)}. Fix: write it as TOML, e.g."
            f' client_id = "..." (strings in double quotes; {SEE_README})'
        ) from None
    return config_from_tables(path, text, data)


def check_ownership(path: Path, info: os.stat_result, what: str) -> None:
    """Refuse a file or folder others could change: one that its group or everyone may write
    (a folder with the sticky bit, like /tmp, still lets everyone replace files: refused too),
    or one owned by someone other than root or the user running totp-tui."""
    if info.st_uid not in (0, os.geteuid()):
        raise SystemConfigError(
            f"{path}: the system configuration's {what} belongs to user id {info.st_uid}, not to"
            " root: that user could send everyone's password elsewhere. Fix: chown root"
            f" {path}"
        )
    if stat.S_IMODE(info.st_mode) & (stat.S_IWGRP | stat.S_IWOTH):
        mode = f"{stat.S_IMODE(info.st_mode):04o}"
        fix = "chmod 0644" if what == "file" else "chmod 0755"
        raise SystemConfigError(
            f"{path}: the system configuration's {what} is writable by users other than its"
            f" owner (mode {mode}), who could send everyone's password elsewhere."
            f" Fix: {fix} {path}"
        )


# The keys of a pool table, with the TOML types each takes (a profile's keys).
