"""The admin commands' settings: a pool and how to reach it, merged as for the wizard.

Apart from config/settings.py because only `totp-tui admin` needs them: the wizard's start-up
is measured, and making a frozen dataclass costs it about 2 ms of import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from totp_tui.config.settings import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    RequestedSettings,
    SavedProfile,
    SettingSources,
    botocore_verify,
    pool_connection,
    required_pool_id,
    sources_merge,
)


@dataclass(frozen=True)
class AdminSettings:
    """What the admin commands need: a pool and how to reach it. No app client: the Admin*
    APIs take none, and IAM authorises them."""

    region: str
    user_pool_id: str
    endpoint_url: str | None = None
    verify_ssl: bool = True
    ca_bundle: str | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    sources: SettingSources = field(default=SettingSources(), repr=False, compare=False)

    @property
    def verify(self) -> bool | str:
        return botocore_verify(self.verify_ssl, self.ca_bundle)


def effective_admin_settings(
    flags: RequestedSettings, env: Mapping[str, str], profile: SavedProfile | None = None
) -> AdminSettings:
    """The pool and how to reach it, merged as for the wizard (flags > environment >
    profile > defaults); a profile's app client, if any, plays no part."""
    merge, _ = sources_merge(flags, env, profile, None)
    connection = pool_connection(merge, required_pool_id(merge))
    return AdminSettings(sources=SettingSources.of(merge.sources), **connection)
