"""Shared fixtures: the local Cognito over real HTTP on 127.0.0.1, pools and users in it."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tests.support.fault_proxy import FaultProxy
from totp_tui.config.settings import Settings
from totp_tui.demo.local_cognito import DemoPool, LocalCognito, temporary_password


@dataclass(frozen=True)
class PoolUser:
    """A user created by an administrator, who must choose a new password and set up TOTP."""

    username: str
    password: str = field(repr=False)
    new_password: str = field(repr=False)


@pytest.fixture(scope="session")
def local_cognito() -> Iterator[LocalCognito]:
    server = LocalCognito().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pool(local_cognito: LocalCognito) -> DemoPool:
    """A fresh pool that requires MFA with TOTP, and an app client without a secret."""
    return local_cognito.create_pool()


@pytest.fixture
def pool_with_secret(local_cognito: LocalCognito) -> DemoPool:
    return local_cognito.create_pool(with_client_secret=True)


def make_user(local_cognito: LocalCognito, pool: DemoPool, username: str = "") -> PoolUser:
    user = PoolUser(
        username=username or f"user{secrets.token_hex(4)}",
        password=temporary_password(),
        new_password=temporary_password(),
    )
    local_cognito.create_user(pool, user.username, user.password)
    return user


@pytest.fixture
def user(local_cognito: LocalCognito, pool: DemoPool) -> PoolUser:
    return make_user(local_cognito, pool)


def settings_for(local_cognito: LocalCognito, pool: DemoPool, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "region": pool.region,
        "user_pool_id": pool.user_pool_id,
        "client_id": pool.client_id,
        "client_secret": pool.client_secret,
        "endpoint_url": local_cognito.endpoint_url,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


# Connect and read timeouts for requests through a fault proxy or to a dead port: they fail
# in seconds, not in the defaults' 10 and 30.
QUICK_TIMEOUT = 1.0


def quick_settings(
    local_cognito: LocalCognito, pool: DemoPool, endpoint_url: str, **overrides: object
) -> Settings:
    """Settings for the pool reached at `endpoint_url`, with QUICK_TIMEOUT timeouts."""
    return settings_for(
        local_cognito,
        pool,
        endpoint_url=endpoint_url,
        connect_timeout=QUICK_TIMEOUT,
        read_timeout=QUICK_TIMEOUT,
        **overrides,
    )


@pytest.fixture
def proxy(local_cognito: LocalCognito) -> Iterator[FaultProxy]:
    """A fault proxy (tests/support/fault_proxy.py) in front of the local Cognito."""
    with FaultProxy(local_cognito.endpoint_url) as running:
        yield running


@pytest.fixture
def no_wizard(monkeypatch: pytest.MonkeyPatch) -> None:
    """For command-line errors: had validation let a value through, the wizard would start
    (and wait for keys); fail at once instead."""

    def wizard_started(*_: object, **__: object) -> int:
        raise AssertionError("the wizard started despite a bad value")

    monkeypatch.setattr("totp_tui.cli.main.run_wizard", wizard_started)


@pytest.fixture
def settings(local_cognito: LocalCognito, pool: DemoPool) -> Settings:
    return settings_for(local_cognito, pool)


@pytest.fixture(params=["idle", "loaded"])
def host(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test twice: on an idle machine, and with every core busy (tests/support/
    cpu_load.py), as on a loaded bastion host."""
    if request.param == "idle":
        yield "idle"
        return
    from tests.support.cpu_load import busy_cores

    with busy_cores():
        yield "loaded"
