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
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

from totp_tui.config.settings import (
    AUTH_FLOWS,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_ISSUER,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_SESSION_MINUTES,
    AuthFlow,
    SettingsError,
    region_of_pool,
    validate_client_id,
    validate_endpoint_url,
    validate_issuer,
    validate_pool_id,
    validate_region,
    validate_session_minutes,
    validate_timeout,
)

SYSTEM_CONFIG_PATH = Path("/etc/totp-tui/config.toml")
# Points the wizard elsewhere (tests, a non-root install). The served mode never reads it:
# a client could send it.
SYSTEM_CONFIG_VARIABLE = "TOTP_TUI_SYSTEM_CONFIG"
DEFAULT_MAX_SESSIONS = 10
DEFAULT_IDLE_MINUTES = 5.0
DEFAULT_AUDIT_LOG = "/var/log/totp-tui/audit.jsonl"
DEFAULT_RUNTIME_DIR = "/run/totp-tui"
_SEE_README = 'see the README\'s "System-wide configuration" for an example'
_HEADER = re.compile(r"^\s*\[\s*(?P<name>[^\]]+?)\s*\]\s*(#.*)?$")
_AT_LINE = re.compile(r"\s*\(at line (?P<line>\d+), column \d+\)")


class SystemConfigError(SettingsError):
    """The system configuration cannot be used; the message names file, line and fix."""


@dataclass(frozen=True)
class SystemPool:
    """One `[pools.NAME]` table: a saved profile's keys, read-only, shared by every user."""

    name: str
    region: str
    user_pool_id: str
    client_id: str
    auth_flow: AuthFlow = "USER_SRP_AUTH"
    issuer: str = DEFAULT_ISSUER
    endpoint_url: str | None = None
    verify_ssl: bool = True
    ca_bundle: str | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    session_minutes: int = DEFAULT_SESSION_MINUTES

    @property
    def last_username(self) -> str | None:
        return None  # shared by everyone: nobody's name is remembered in it


@dataclass(frozen=True)
class ServedOptions:
    """The `[served]` table: `totp-tui serve`, one process per SSH connection."""

    pool: str | None = None  # which pool; None: the only one
    max_sessions: int = DEFAULT_MAX_SESSIONS
    idle_minutes: float = DEFAULT_IDLE_MINUTES
    audit_log: str = DEFAULT_AUDIT_LOG
    runtime_dir: str = DEFAULT_RUNTIME_DIR


@dataclass(frozen=True)
class SystemConfig:
    path: Path
    pools: tuple[SystemPool, ...]
    served: ServedOptions = ServedOptions()

    def pool(self, name: str) -> SystemPool | None:
        return next((pool for pool in self.pools if pool.name == name), None)

    @property
    def only_pool(self) -> SystemPool | None:
        return self.pools[0] if len(self.pools) == 1 else None


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
            f"{path}: the system configuration does not exist. Fix: create it ({_SEE_README}),"
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
            f' client_id = "..." (strings in double quotes; {_SEE_README})'
        ) from None
    return _Reader(path, text).config(data)


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
_POOL_KEYS: dict[str, tuple[type, ...]] = {
    "region": (str,),
    "user_pool_id": (str,),
    "client_id": (str,),
    "auth_flow": (str,),
    "issuer": (str,),
    "endpoint_url": (str,),
    "verify_ssl": (bool,),
    "ca_bundle": (str,),
    "connect_timeout": (int, float),
    "read_timeout": (int, float),
    "session_minutes": (int,),
}
_SERVED_KEYS: dict[str, tuple[type, ...]] = {
    "pool": (str,),
    "max_sessions": (int,),
    "idle_minutes": (int, float),
    "audit_log": (str,),
    "runtime_dir": (str,),
}
_POOL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")  # a profile's names


class _Reader:
    """Turns the parsed tables into a SystemConfig, finding the line of each problem."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def config(self, data: dict[str, Any]) -> SystemConfig:
        unknown = sorted(set(data) - {"pools", "served"})
        if unknown:
            self.fail(
                (unknown[0],),
                f"unknown table or key {unknown[0]!r}",
                "use [pools.NAME] tables and a [served] table only",
            )
        tables = data.get("pools")
        if not isinstance(tables, dict) or not tables:
            self.fail(("pools",), "no pool is defined", f"add a [pools.NAME] table ({_SEE_README})")
        pools = tuple(self.pool(name, table) for name, table in tables.items())
        served = self.served(data.get("served", {}), pools)
        return SystemConfig(self.path, pools, served)

    def pool(self, name: str, table: object) -> SystemPool:
        where = ("pools", name)
        if not _POOL_NAME.fullmatch(name):
            self.fail(
                where, f"pool name {name!r} is not a profile name",
                "use 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit",
            )  # fmt: skip
        if not isinstance(table, dict):
            self.fail(where, f"pools.{name} is not a table", f"write it as [pools.{name}]")
        values = self.typed(where, table, _POOL_KEYS)
        for required in ("user_pool_id", "client_id"):
            if required not in values:
                self.fail(where, f"pool {name!r} has no {required}", f'add {required} = "..."')
        pool_id = values["user_pool_id"]
        region = values.get("region") or self.checked(
            where,
            "user_pool_id",
            lambda: region_of_pool(pool_id),
            "copy the pool id from the Cognito console",
        )
        self.checked(where, "region", lambda: validate_region(region), "write the pool's region")
        self.checked(
            where, "user_pool_id", lambda: validate_pool_id(pool_id, region),
            "a pool id starts with its region, e.g. eu-west-2_AbC123",
        )  # fmt: skip
        self.checked(
            where, "client_id", lambda: validate_client_id(values["client_id"]),
            "copy the app client id from the Cognito console",
        )  # fmt: skip
        if values.get("auth_flow", "USER_SRP_AUTH") not in AUTH_FLOWS:
            self.fail(
                (*where, "auth_flow"), f"auth_flow {values['auth_flow']!r} is unknown",
                f"use one of {', '.join(AUTH_FLOWS)}",
            )  # fmt: skip
        if "issuer" in values:
            self.checked(where, "issuer", lambda: validate_issuer(values["issuer"]), "")
        if "endpoint_url" in values:
            url = values["endpoint_url"]
            self.checked(where, "endpoint_url", lambda: validate_endpoint_url(url), "")
        for timeout in ("connect_timeout", "read_timeout"):
            if timeout in values:
                seconds = float(values[timeout])
                values[timeout] = self.checked(
                    where, timeout, partial(validate_timeout, timeout, seconds), ""
                )
        if "session_minutes" in values:
            minutes = values["session_minutes"]
            self.checked(
                where, "session_minutes", lambda: validate_session_minutes(minutes),
                "set the app client's sign-in session length (AuthSessionValidity), 3 to 15",
            )  # fmt: skip
        return SystemPool(name=name, **{**values, "region": region})

    def served(self, table: object, pools: tuple[SystemPool, ...]) -> ServedOptions:
        where = ("served",)
        if not isinstance(table, dict):
            self.fail(where, "served is not a table", "write it as [served]")
        values = self.typed(where, table, _SERVED_KEYS)
        names = [pool.name for pool in pools]
        pool = values.get("pool")
        if pool is not None and pool not in names:
            self.fail(
                (*where, "pool"), f"served pool {pool!r} is not defined",
                f"name one of {', '.join(names)}, or add [pools.{pool}]",
            )  # fmt: skip
        if not 1 <= values.get("max_sessions", 1) <= 10_000:
            self.fail((*where, "max_sessions"), "max_sessions is out of range", "use 1 to 10000")
        if not 0 < values.get("idle_minutes", 1) <= 24 * 60:
            self.fail(
                (*where, "idle_minutes"), "idle_minutes is out of range",
                "use more than 0 and at most 1440 (a day)",
            )  # fmt: skip
        for key in ("audit_log", "runtime_dir"):
            if key in values and not os.path.isabs(values[key]):
                self.fail((*where, key), f"{key} is not an absolute path", "start it with /")
        if "idle_minutes" in values:
            values["idle_minutes"] = float(values["idle_minutes"])
        return ServedOptions(**values)

    def typed(
        self, where: tuple[str, ...], table: dict[str, Any], keys: dict[str, tuple[type, ...]]
    ) -> dict[str, Any]:
        for key, value in table.items():
            if key not in keys:
                self.fail(
                    (*where, key), f"unknown key {key!r} in [{'.'.join(where)}]",
                    f"use only {', '.join(keys)}",
                )  # fmt: skip
            types = keys[key]
            # bool is an int to Python: true is not a number of minutes.
            if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
                kind = _TOML_TYPE[types]
                self.fail((*where, key), f"{key} must be {kind}", f"write it as {_EXAMPLE[types].format(key=key)}")
        return dict(table)

    def checked(self, where: tuple[str, ...], key: str, check: Callable[[], Any], hint: str) -> Any:
        try:
            return check()
        except SettingsError as error:
            # The validators speak of flags ("--session-minutes"); here it is a key.
            problem = re.sub(r"--([a-z-]+)", lambda m: m[1].replace("-", "_"), str(error))
            self.fail((*where, key), problem, hint or _FIXES.get(key, "correct the value"))

    def fail(self, where: tuple[str, ...], problem: str, fix: str) -> NoReturn:
        raise SystemConfigError(f"{self.path}, line {self.line_of(where)}: {problem}. Fix: {fix}")

    def line_of(self, where: tuple[str, ...]) -> int:
        """The line of a key (or table) path, e.g. ("pools", "staff", "client_id"): the key's
        line inside its table's header, else the table's header, else the first line."""
        table, key = where[:-1], where[-1]
        found = 0
        inside = not table  # top-level keys come before any header
        wanted = ".".join(table)
        for number, line in enumerate(self.lines, start=1):
            header = _HEADER.match(line)
            if header:
                name = re.sub(r'\s*\.\s*|"', lambda m: "." if "." in m.group() else "", header[1])
                inside = name == wanted
                if inside and not found:
                    found = number
                elif name == ".".join(where) and not found:
                    found = number  # the table named by the whole path
                continue
            if inside and re.match(rf'^\s*"?{re.escape(key)}"?\s*=', line):
                return number
        return found or 1


_FIXES = {
    "issuer": "use a name without ':', as the authenticator app should show it",
    "endpoint_url": "use the https:// URL of the Cognito endpoint",
    "connect_timeout": "use seconds, more than 0 and at most 600",
    "read_timeout": "use seconds, more than 0 and at most 600",
}
_TOML_TYPE = {
    (str,): "a string",
    (bool,): "true or false",
    (int,): "a whole number",
    (int, float): "a number",
}
_EXAMPLE = {
    (str,): '{key} = "text"',
    (bool,): "{key} = true",
    (int,): "{key} = 3",
    (int, float): "{key} = 30",
}
