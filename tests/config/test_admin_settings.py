"""The admin commands' settings: the pool merged as for the wizard, no app client needed."""

from __future__ import annotations

import pytest

from totp_tui.config.admin_settings import AdminSettings, effective_admin_settings
from totp_tui.config.settings import RequestedSettings, SettingsError
from totp_tui.profiles import Profile

POOL = "eu-west-2_AbC123"


def test_the_pool_alone_is_enough() -> None:
    settings = effective_admin_settings(RequestedSettings(user_pool_id=POOL), {})
    assert settings == AdminSettings(region="eu-west-2", user_pool_id=POOL)
    assert settings.verify is True
    assert settings.sources["user_pool_id"] == "flag"


def test_flags_beat_the_environment_which_beats_the_profile() -> None:
    profile = Profile(
        name="work",
        region="eu-west-2",
        user_pool_id=POOL,
        client_id="1example23456789abcdefghij",
        endpoint_url="https://profile.example",
        verify_ssl=False,
        read_timeout=7.0,
    )
    flags = RequestedSettings(profile="work", read_timeout=9.0)
    env = {"AWS_ENDPOINT_URL": "https://env.example"}
    settings = effective_admin_settings(flags, env, profile)
    assert settings.user_pool_id == POOL
    assert settings.endpoint_url == "https://env.example"
    assert settings.read_timeout == 9.0
    assert settings.verify is False  # the profile's
    assert settings.sources["endpoint_url"] == "env:AWS_ENDPOINT_URL"
    assert settings.sources["verify_ssl"] == "profile:work"
    assert "client_id" not in settings.sources  # the profile's app client plays no part


def test_no_pool_is_a_one_line_error() -> None:
    with pytest.raises(SettingsError, match="--user-pool-id is required"):
        effective_admin_settings(RequestedSettings(), {})
