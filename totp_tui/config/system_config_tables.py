"""The system configuration's tables, checked key by key into a SystemConfig. Each problem
names the file, the line of the key (or of its table) and the fix."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

from totp_tui.config.settings import (
    AUTH_FLOWS,
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
from totp_tui.config.system_config_values import (
    SEE_README,
    ServedOptions,
    SystemConfig,
    SystemConfigError,
    SystemPool,
)

_HEADER = re.compile(r"^\s*\[\s*(?P<name>[^\]]+?)\s*\]\s*(#.*)?$")


def config_from_tables(path: Path, text: str, data: dict[str, Any]) -> SystemConfig:
    """`data`, parsed from `text` (the file at `path`), as a SystemConfig.
    Raises SystemConfigError."""
    return _Reader(path, text).config(data)


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
            self.fail(("pools",), "no pool is defined", f"add a [pools.NAME] table ({SEE_README})")
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
                example = _EXAMPLE[types].format(key=key)
                self.fail(
                    (*where, key), f"{key} must be {_TOML_TYPE[types]}", f"write it as {example}"
                )
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
