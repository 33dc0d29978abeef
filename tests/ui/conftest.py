"""Fixtures for the Pilot tests: one pool per module, the real app's client watched."""

from __future__ import annotations

import pytest

from tests.support.cognito_calls import CognitoCalls
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
