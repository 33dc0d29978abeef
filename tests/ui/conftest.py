"""Fixtures for the Pilot tests: one pool per module, the real app's client watched."""

from __future__ import annotations

import pytest

from tests.conftest import PoolUser, make_user, settings_for
from tests.support.accounts import set_permanent_password
from tests.support.cognito_calls import CognitoCalls
from totp_tui.config.settings import Settings
from totp_tui.demo.local_cognito import DemoPool, LocalCognito

SIZE = (80, 24)


@pytest.fixture(scope="module")
def pool(local_cognito: LocalCognito) -> DemoPool:
    """The shared conftest's pool (MFA required, TOTP on, no client secret), made once per
    module: creating one costs moto ~0.1-0.5 s, and every test has its own user in it. Tests
    that need another pool configuration create their own."""
    return local_cognito.create_pool()


@pytest.fixture
def calls() -> CognitoCalls:
    return CognitoCalls()


@pytest.fixture(scope="module")
def optional_pool(local_cognito: LocalCognito) -> DemoPool:
    """MFA optional, TOTP on: users sign in without a second factor until they opt in."""
    return local_cognito.create_pool(mfa="OPTIONAL")


@pytest.fixture
def optional_user(local_cognito: LocalCognito, optional_pool: DemoPool) -> PoolUser:
    """A user of the optional pool with a permanent password (`new_password`) and no MFA."""
    user = make_user(local_cognito, optional_pool)
    set_permanent_password(local_cognito, optional_pool, user)
    return user


@pytest.fixture
def optional_settings(local_cognito: LocalCognito, optional_pool: DemoPool) -> Settings:
    return settings_for(local_cognito, optional_pool)
