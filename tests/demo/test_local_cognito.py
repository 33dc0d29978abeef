"""The local Cognito behind `totp-tui demo`: real per-user secrets, codes really checked."""

from __future__ import annotations

import base64

import pyotp
import pytest

from tests.conftest import make_user, settings_for
from tests.support.totp_clock import code_now, wrong_code
from totp_tui.cognito.client import make_client
from totp_tui.cognito.errors import CognitoError, Recovery
from totp_tui.cognito.flow import Enrolled, EnrolmentFlow, TotpSecretIssued
from totp_tui.demo.local_cognito import (
    DemoPool,
    LocalCognito,
    active_secret,
    random_totp_secret,
    temporary_password,
)

# What moto hands every user unless demo/local_cognito.py replaces it.
MOTO_SHARED_SECRET = "asdfasdfasdf"


def start_enrolment(local_cognito: LocalCognito, pool: DemoPool) -> tuple[EnrolmentFlow, str, str]:
    """(flow at the code step, username, secret shown to the person)."""
    user = make_user(local_cognito, pool)
    settings = settings_for(local_cognito, pool, auth_flow="USER_PASSWORD_AUTH")
    flow = EnrolmentFlow(settings, make_client(settings))
    flow.sign_in(user.username, user.password)
    issued = flow.set_new_password(user.new_password)
    assert isinstance(issued, TotpSecretIssued)
    return flow, user.username, issued.secret


def test_every_user_gets_a_different_random_160_bit_secret(
    local_cognito: LocalCognito, pool: DemoPool
) -> None:
    secrets_shown = [start_enrolment(local_cognito, pool)[2] for _ in range(3)]
    assert len(set(secrets_shown)) == 3, "two users were given the same secret"
    for secret in secrets_shown:
        assert secret != MOTO_SHARED_SECRET, "moto's shared 60-bit secret leaked through"
        ok = len(secret) == 32 and len(base64.b32decode(secret)) == 20
        assert ok, "the secret is not 160 bits of base32"
        assert len(pyotp.TOTP(secret).now()) == 6


def test_wrong_code_refused_right_code_accepted(
    local_cognito: LocalCognito, pool: DemoPool
) -> None:
    flow, username, secret = start_enrolment(local_cognito, pool)
    with pytest.raises(CognitoError) as caught:
        flow.verify_code(wrong_code(secret))
    assert caught.value.recovery is Recovery.RETRY_INPUT
    assert active_secret(pool.user_pool_id, username) is None
    assert flow.verify_code(code_now(secret)) == Enrolled(username)
    held = active_secret(pool.user_pool_id, username) == secret
    assert held, "the local Cognito holds a different secret from the one shown"


def test_a_code_from_another_users_secret_is_refused(
    local_cognito: LocalCognito, pool: DemoPool
) -> None:
    # Per-user secrets, not one shared value: Bob's app cannot enrol Alice.
    alice_flow, _, alice_secret = start_enrolment(local_cognito, pool)
    _, _, bob_secret = start_enrolment(local_cognito, pool)
    bobs_code = code_now(bob_secret)
    if bobs_code == pyotp.TOTP(alice_secret).now():  # one chance in a million
        pytest.skip("the two secrets give the same code in this window")
    with pytest.raises(CognitoError) as caught:
        alice_flow.verify_code(bobs_code)
    assert caught.value.recovery is Recovery.RETRY_INPUT


def test_reset_forgets_pools_users_and_secrets(local_cognito: LocalCognito) -> None:
    pool = local_cognito.create_pool()
    flow, username, secret = start_enrolment(local_cognito, pool)
    flow.verify_code(code_now(secret))
    assert active_secret(pool.user_pool_id, username) is not None

    local_cognito.reset()

    assert active_secret(pool.user_pool_id, username) is None
    admin = local_cognito.admin_client()
    assert all(
        p["Id"] != pool.user_pool_id for p in admin.list_user_pools(MaxResults=60)["UserPools"]
    )
    settings = settings_for(local_cognito, pool, auth_flow="USER_PASSWORD_AUTH")
    with pytest.raises(CognitoError) as caught:
        EnrolmentFlow(settings, make_client(settings)).sign_in(username, "fake-Password-1")
    assert caught.value.recovery is Recovery.FIX_SETTINGS
    # And the emulator still works after a reset.
    fresh = local_cognito.create_pool()
    _, _, fresh_secret = start_enrolment(local_cognito, fresh)
    assert fresh_secret != secret


def test_helpers_make_what_cognito_would() -> None:
    secrets_made = {random_totp_secret() for _ in range(20)}
    assert len(secrets_made) == 20
    assert all(len(base64.b32decode(s)) == 20 for s in secrets_made)
    password = temporary_password()
    # Cognito's default policy: 8+ characters with upper, lower, digit and symbol.
    assert len(password) >= 8
    assert any(c.isupper() for c in password) and any(c.islower() for c in password)
    assert any(c.isdigit() for c in password) and any(not c.isalnum() for c in password)
    assert temporary_password() != temporary_password()
