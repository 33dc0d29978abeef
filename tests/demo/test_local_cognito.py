"""The local Cognito behind `totp-tui demo`: real per-user secrets, codes really checked, and
SRP proofs checked against the password the user has, so a wrong password fails as on AWS.

Nothing here prints a password, Session or token: values are made into booleans or names first.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import pyotp
import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from tests.conftest import PoolUser, make_user, settings_for
from tests.support.totp_clock import code_now, wrong_code
from totp_tui.cognito.client import make_client
from totp_tui.cognito.errors import CognitoError, Recovery
from totp_tui.cognito.flow import (
    CodeRequired,
    Enrolled,
    EnrolmentFlow,
    NewPasswordRequired,
    OtherCodeRequired,
    TotpSecretIssued,
)
from totp_tui.cognito.steps import Step
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


# --- SRP proofs checked (issue 14, case 7) -------------------------------------------------
# moto itself answers USER_SRP_AUTH with a random SRP_B and takes any PASSWORD_VERIFIER
# answer, so the demo and its Ctrl+R test sign-in let any password in.

WRONG_PASSWORD = "fake-Wrong-Password-1"
INCORRECT = "Incorrect username or password."


def srp_sign_in(local_cognito: LocalCognito, pool: DemoPool, username: str, password: str) -> Step:
    """The app's own engine, signing in with SRP as the demo does by default."""
    settings = settings_for(local_cognito, pool, auth_flow="USER_SRP_AUTH")
    return EnrolmentFlow(settings, make_client(settings)).sign_in(username, password)


def srp_refusal(
    local_cognito: LocalCognito, pool: DemoPool, username: str, password: str
) -> CognitoError:
    with pytest.raises(CognitoError) as caught:
        srp_sign_in(local_cognito, pool, username, password)
    return caught.value


def is_wrong_password(error: CognitoError) -> bool:
    """NotAuthorized with the wrong-password text: the person may type it again."""
    return (
        error.code == "NotAuthorizedException"
        and error.message == INCORRECT
        and error.recovery is Recovery.RETRY_INPUT
    )


@pytest.mark.parametrize("pool_kind", ["pool", "pool_with_secret"])
def test_srp_checks_the_temporary_password(
    local_cognito: LocalCognito, pool_kind: str, request: pytest.FixtureRequest
) -> None:
    pool: DemoPool = request.getfixturevalue(pool_kind)
    user = make_user(local_cognito, pool)
    error = srp_refusal(local_cognito, pool, user.username, WRONG_PASSWORD)
    assert is_wrong_password(error), f"a wrong password was not refused as such: {error!r}"
    step = srp_sign_in(local_cognito, pool, user.username, user.password)
    assert step == NewPasswordRequired(user.username)


def test_srp_checks_the_new_password_once_it_is_chosen(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
) -> None:
    settings = settings_for(local_cognito, pool, auth_flow="USER_SRP_AUTH")
    flow = EnrolmentFlow(settings, make_client(settings))
    assert flow.sign_in(user.username, user.password) == NewPasswordRequired(user.username)
    issued = flow.set_new_password(user.new_password)
    assert isinstance(issued, TotpSecretIssued)
    assert flow.verify_code(code_now(issued.secret)) == Enrolled(user.username)

    old = srp_refusal(local_cognito, pool, user.username, user.password)
    assert is_wrong_password(old), "the temporary password still signs in after the change"
    # The new one gets through the proof to the app's code (SOFTWARE_TOKEN_MFA).
    step = srp_sign_in(local_cognito, pool, user.username, user.new_password)
    assert step == CodeRequired(user.username)


def test_srp_checks_the_password_set_by_a_reset(local_cognito: LocalCognito) -> None:
    # An SMS user (a permanent password) on an MFA-optional pool: the proof leads to SMS_MFA.
    pool = local_cognito.create_pool(mfa="OPTIONAL")
    username, password, new_password = "smsuser", temporary_password(), temporary_password()
    local_cognito.create_sms_user(pool, username, password)
    step = srp_sign_in(local_cognito, pool, username, password)
    assert isinstance(step, OtherCodeRequired) and step.challenge == "SMS_MFA"
    assert is_wrong_password(srp_refusal(local_cognito, pool, username, WRONG_PASSWORD))

    client = local_cognito.admin_client(pool.region)
    client.forgot_password(ClientId=pool.client_id, Username=username)
    client.confirm_forgot_password(
        ClientId=pool.client_id, Username=username, ConfirmationCode="123456", Password=new_password
    )

    old = srp_refusal(local_cognito, pool, username, password)
    assert is_wrong_password(old), "the password from before the reset still signs in"
    step = srp_sign_in(local_cognito, pool, username, new_password)
    assert isinstance(step, OtherCodeRequired) and step.challenge == "SMS_MFA"


# The same, one request at a time, as pycognito's own client speaks it: the refusal comes on
# RespondToAuthChallenge(PASSWORD_VERIFIER), with the service's own code and message.


def start_srp(client: Any, pool: DemoPool, username: str, password: str) -> tuple[AWSSRP, Any]:
    """(pycognito's client side, with the password; the PASSWORD_VERIFIER challenge)."""
    srp = AWSSRP(
        username=username,
        password=password,
        pool_id=pool.user_pool_id,
        client_id=pool.client_id,
        client=client,
        client_secret=pool.client_secret,
    )
    params = srp.get_auth_params()
    challenge = client.initiate_auth(
        AuthFlow="USER_SRP_AUTH", ClientId=pool.client_id, AuthParameters=params
    )
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    return srp, challenge


def prove(client: Any, pool: DemoPool, srp: AWSSRP, challenge: Any, **changes: str) -> Any:
    """Answer the challenge with srp's proof (`changes` alter the answer)."""
    proof = srp.process_challenge(challenge["ChallengeParameters"], srp.get_auth_params())
    return client.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="PASSWORD_VERIFIER",
        Session=challenge["Session"],
        ChallengeResponses=proof | changes,
    )


def refusal_of(call: Any) -> tuple[str, str]:
    """(error code, message) of a call that must fail."""
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def test_the_challenge_is_a_real_srp_one(local_cognito: LocalCognito, pool: DemoPool) -> None:
    # moto's own: a uuid for SRP_B, and its Session as SECRET_BLOCK.
    user = make_user(local_cognito, pool)
    _, challenge = start_srp(local_cognito.admin_client(), pool, user.username, user.password)
    parameters = challenge["ChallengeParameters"]
    big_b_bits = int(parameters["SRP_B"], 16).bit_length()
    assert big_b_bits > 3000, "SRP_B is not a number in the 3072-bit group"
    try:
        block = base64.b64decode(parameters["SECRET_BLOCK"], validate=True)
    except binascii.Error:
        block = b""
    assert len(block) >= 32, "SECRET_BLOCK is not random base64"
    block_is_session = parameters["SECRET_BLOCK"] == challenge["Session"]
    assert not block_is_session, "SECRET_BLOCK is the Session"
    assert len(bytes.fromhex(parameters["SALT"])) == 16


def salt_of(local_cognito: LocalCognito, pool: DemoPool, username: str) -> str:
    _, challenge = start_srp(local_cognito.admin_client(), pool, username, "not-checked-here")
    return str(challenge["ChallengeParameters"]["SALT"])


def test_the_salt_stays_while_the_password_does_and_changes_with_it(
    local_cognito: LocalCognito, pool: DemoPool
) -> None:
    """As a server that stores SRP verifiers: one salt per user and password (the verifier
    made once, not at each sign-in), another user's own, a new one for a new password."""
    alice, bob = make_user(local_cognito, pool), make_user(local_cognito, pool)
    first = salt_of(local_cognito, pool, alice.username)
    assert salt_of(local_cognito, pool, alice.username) == first
    assert salt_of(local_cognito, pool, bob.username) != first

    client = local_cognito.admin_client()
    client.admin_set_user_password(
        UserPoolId=pool.user_pool_id,
        Username=alice.username,
        Password=alice.new_password,
        Permanent=True,
    )
    changed = salt_of(local_cognito, pool, alice.username)
    assert changed != first
    # The stored verifier is the new password's: it signs in, the old one does not.
    assert is_wrong_password(srp_refusal(local_cognito, pool, alice.username, alice.password))
    step = srp_sign_in(local_cognito, pool, alice.username, alice.new_password)
    assert isinstance(step, TotpSecretIssued)
    assert salt_of(local_cognito, pool, alice.username) == changed


def test_wrong_proof_is_refused_on_password_verifier_and_ends_the_challenge(
    local_cognito: LocalCognito, pool: DemoPool
) -> None:
    user = make_user(local_cognito, pool)
    client = local_cognito.admin_client()
    srp, challenge = start_srp(client, pool, user.username, WRONG_PASSWORD)
    wrong = refusal_of(lambda: prove(client, pool, srp, challenge))
    assert wrong == ("NotAuthorizedException", INCORRECT)
    # One answer per challenge: the right proof for the same SRP_B comes too late.
    srp.password = user.password
    assert refusal_of(lambda: prove(client, pool, srp, challenge))[0] == "NotAuthorizedException"
    # A new challenge with the right password gets through.
    srp, challenge = start_srp(client, pool, user.username, user.password)
    assert prove(client, pool, srp, challenge)["ChallengeName"] == "NEW_PASSWORD_REQUIRED"


def test_a_good_proof_cannot_be_replayed_or_used_for_another_user(
    local_cognito: LocalCognito, pool: DemoPool
) -> None:
    alice, bob = make_user(local_cognito, pool), make_user(local_cognito, pool)
    client = local_cognito.admin_client()
    srp, challenge = start_srp(client, pool, alice.username, alice.password)
    as_bob = refusal_of(lambda: prove(client, pool, srp, challenge, USERNAME=bob.username))
    assert as_bob == ("NotAuthorizedException", INCORRECT)

    srp, challenge = start_srp(client, pool, alice.username, alice.password)
    assert prove(client, pool, srp, challenge)["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    replayed = refusal_of(lambda: prove(client, pool, srp, challenge))
    assert replayed == ("NotAuthorizedException", INCORRECT)
    # moto looked the sign-in up by SECRET_BLOCK; its Session passed off as one is refused.
    srp, challenge = start_srp(client, pool, alice.username, WRONG_PASSWORD)
    forged = refusal_of(
        lambda: prove(
            client, pool, srp, challenge, PASSWORD_CLAIM_SECRET_BLOCK=challenge["Session"]
        )
    )
    assert forged == ("NotAuthorizedException", INCORRECT)
