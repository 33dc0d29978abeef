"""Which pool of the system-wide configuration (config/system_config.py) a wizard run uses.

The system pool takes a saved profile's place when the command line names no pool: `--profile
NAME` (or TOTP_TUI_PROFILE) picks the system pool NAME if there is one, else the keyring's
profile NAME; with no pool named at all, the only system pool is used, straight to sign-in.
"""

from __future__ import annotations

from collections.abc import Mapping

from totp_tui.config.settings import RequestedSettings, requested_profile_name
from totp_tui.config.system_config import (
    SystemConfig,
    SystemConfigError,
    SystemPool,
    load_system_config,
    system_config_path,
)


def read_system_config(env: Mapping[str, str]) -> SystemConfig | None:
    """The file TOTP_TUI_SYSTEM_CONFIG names (which must exist), else /etc/totp-tui's if it
    exists. Raises SystemConfigError."""
    path, named = system_config_path(env)
    return load_system_config(path, required=named)


def system_pool_for(flags: RequestedSettings, env: Mapping[str, str]) -> SystemPool | None:
    """The system pool this run uses, or None (the flags or a keyring profile decide).
    Raises SystemConfigError for a file that cannot be used or a choice that must be made."""
    if flags.user_pool_id or flags.client_id:
        return None  # the command line names the pool: the file is not even read
    config = read_system_config(env)
    if config is None:
        return None
    name = requested_profile_name(flags, env)
    if name is not None:
        return config.pool(name)  # None: a profile in the keyring, perhaps
    if config.only_pool is None:
        names = ", ".join(pool.name for pool in config.pools)
        raise SystemConfigError(
            f"the system configuration {config.path} has several pools ({names}): choose one"
            " with --profile NAME"
        )
    return config.only_pool
