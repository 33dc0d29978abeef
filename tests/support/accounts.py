"""Accounts prepared, and enrolment proved, with plain boto3 calls outside the app."""

from __future__ import annotations

from typing import Any

from tests.conftest import PoolUser
from tests.support.totp_clock import code_now, wait_for_next_window
from tests.support.wizard_steps import Hidden
from totp_tui.demo.local_cognito import DemoPool, LocalCognito


def _client(local_cognito: LocalCognito, pool: DemoPool) -> Any:
    return local_cognito.admin_client(pool.region)


def set_permanent_password(local_cognito: LocalCognito, pool: DemoPool, user: PoolUser) -> None:
    """The administrator sets the user's own password: no NEW_PASSWORD_REQUIRED any more."""
    _client(local_cognito, pool).admin_set_user_password(
        UserPoolId=pool.user_pool_id,
        Username=user.username,
        Password=user.new_password,
        Permanent=True,
    )


def mfa_setup_session(local_cognito: LocalCognito, pool: DemoPool, user: PoolUser) -> Hidden:
    """The temporary password, then the new one, through the API (no client secret): the
    MFA_SETUP challenge's Session."""
    client = _client(local_cognito, pool)
    answer = client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
    )
    assert answer.get("ChallengeName") == "NEW_PASSWORD_REQUIRED"
    answer = client.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=answer["Session"],
        ChallengeResponses={"USERNAME": user.username, "NEW_PASSWORD": user.new_password},
    )
    assert answer.get("ChallengeName") == "MFA_SETUP"
    return Hidden(answer["Session"])


def enrol_outside_the_app(local_cognito: LocalCognito, pool: DemoPool, user: PoolUser) -> None:
    """New password, then TOTP set up and verified, through the API (no client secret)."""
    session = mfa_setup_session(local_cognito, pool, user)
    client = _client(local_cognito, pool)
    associated = client.associate_software_token(Session=session.value)
    verified = client.verify_software_token(
        Session=associated["Session"], UserCode=code_now(associated["SecretCode"])
    )
    assert verified.get("Status") == "SUCCESS"
    done = client.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="MFA_SETUP",
        Session=verified["Session"],
        ChallengeResponses={"USERNAME": user.username},
    )
    assert "AuthenticationResult" in done


def sign_in_with_totp(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, secret: Hidden
) -> tuple[str, bool]:
    """A fresh sign-in with the user's new password, answering a SOFTWARE_TOKEN_MFA challenge
    with a code from `secret`: (the challenge Cognito asked, whether it then signed in).

    Cognito refuses a code used once, so the code comes from the next 30-second window.
    """
    client = _client(local_cognito, pool)
    answer = client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.new_password},
    )
    challenge: str = answer.get("ChallengeName", "")
    if challenge != "SOFTWARE_TOKEN_MFA":
        return challenge, False
    wait_for_next_window()
    tokens = client.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=answer["Session"],
        ChallengeResponses={
            "USERNAME": user.username,
            "SOFTWARE_TOKEN_MFA_CODE": code_now(secret.value),
        },
    )
    return challenge, "AuthenticationResult" in tokens


def access_token_for(local_cognito: LocalCognito, pool: DemoPool, user: PoolUser) -> Hidden:
    """A real access token, as the user's own app would get it: a password sign-in that
    Cognito answers with tokens (no MFA on the account yet)."""
    answer = local_cognito.admin_client(pool.region).initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.new_password},
    )
    assert "AuthenticationResult" in answer, answer.get("ChallengeName")
    return Hidden(answer["AuthenticationResult"]["AccessToken"])
