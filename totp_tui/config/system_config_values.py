"""The system-wide configuration's values: its pools (a saved profile's keys, read-only) and
the served mode's options (config/system_config.py reads them from the file)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from totp_tui.config.settings import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_ISSUER,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_SESSION_MINUTES,
    AuthFlow,
    SettingsError,
)

DEFAULT_MAX_SESSIONS = 10
DEFAULT_IDLE_MINUTES = 5.0
DEFAULT_AUDIT_LOG = "/var/log/totp-tui/audit.jsonl"
DEFAULT_RUNTIME_DIR = "/run/totp-tui"
SEE_README = 'see the README\'s "System-wide configuration" for an example'


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
