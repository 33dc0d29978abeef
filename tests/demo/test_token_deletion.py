"""AdminDeleteSoftwareToken, the admin password reset and request quotas in the local Cognito,
over HTTP; and the shapes it sends checked against botocore's service model (Stubber).

What the next sign-in asks after a deletion, by pool and factor, is in
tests/helpdesk/test_admin_calls.py (TestReset).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from tests.conftest import PoolUser
from tests.helpdesk.test_admin_calls import enrol, turn_totp_on
from totp_tui.demo.local_cognito import DemoPool, LocalCognito, active_secret


def recorded(client: Any) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(operation, request parameters, parsed answer) of each call the client makes."""
    calls: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    sent: dict[str, Any] = {}

    def before(params: dict[str, Any], **_: Any) -> None:
        sent.clear()
        sent.update(json.loads(params["body"] or b"{}"))

    def after(model: Any, parsed: dict[str, Any], **_: Any) -> None:
        calls.append((model.name, dict(sent), dict(parsed)))

    client.meta.events.register("before-call.cognito-idp", before)
    client.meta.events.register("after-call.cognito-idp", after)
    return calls


def answer_only(parsed: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in parsed.items() if key != "ResponseMetadata"}


@pytest.fixture
def enrolled(local_cognito: LocalCognito, pool: DemoPool) -> PoolUser:
    user = enrol(local_cognito, pool)
    turn_totp_on(local_cognito, pool, user.username)
    return user


def test_shapes_match_botocores_model(
    local_cognito: LocalCognito, pool: DemoPool, enrolled: PoolUser
) -> None:
    """What the local Cognito answers AdminDeleteSoftwareToken and GetUserPoolMfaConfig, and
    what the client sent, replayed through Stubber, which checks both against the model."""
    client = local_cognito.admin_client(pool.region)
    calls = recorded(client)
    client.get_user_pool_mfa_config(UserPoolId=pool.user_pool_id)
    client.admin_delete_software_token(UserPoolId=pool.user_pool_id, Username=enrolled.username)
    [(name1, sent1, got1), (name2, sent2, got2)] = calls
    assert (name1, name2) == ("GetUserPoolMfaConfig", "AdminDeleteSoftwareToken")
    assert answer_only(got2) == {}  # AWS's answer: an empty object

    stubbed = local_cognito.admin_client(pool.region)
    with Stubber(stubbed) as stubber:
        stubber.add_response("get_user_pool_mfa_config", answer_only(got1), sent1)
        stubber.add_response("admin_delete_software_token", answer_only(got2), sent2)
        stubbed.get_user_pool_mfa_config(**sent1)
        stubbed.admin_delete_software_token(**sent2)
        stubber.assert_no_pending_responses()
    assert answer_only(got1)["MfaConfiguration"] == "ON"
    assert answer_only(got1)["SoftwareTokenMfaConfiguration"] == {"Enabled": True}


def test_the_raw_http_answer(
    local_cognito: LocalCognito, pool: DemoPool, enrolled: PoolUser
) -> None:
    """200 with `{}` for the deletion; 400 with AWS's JSON error for a user that is not there."""
    client = local_cognito.admin_client(pool.region)
    statuses: list[tuple[int, bytes]] = []
    client.meta.events.register(
        "before-parse.cognito-idp.AdminDeleteSoftwareToken",
        lambda response_dict, **_: statuses.append(
            (response_dict["status_code"], response_dict["body"])
        ),
    )
    client.admin_delete_software_token(UserPoolId=pool.user_pool_id, Username=enrolled.username)
    with pytest.raises(ClientError) as caught:
        client.admin_delete_software_token(UserPoolId=pool.user_pool_id, Username="nobody")
    assert caught.value.response["Error"]["Code"] == "UserNotFoundException"
    assert statuses[0] == (200, b"{}")
    assert statuses[1][0] == 400
    assert json.loads(statuses[1][1])["__type"] == "UserNotFoundException"


def test_deletion_forgets_the_secret_and_the_settings(
    local_cognito: LocalCognito, pool: DemoPool, enrolled: PoolUser
) -> None:
    assert active_secret(pool.user_pool_id, enrolled.username) is not None
    client = local_cognito.admin_client(pool.region)
    client.admin_delete_software_token(UserPoolId=pool.user_pool_id, Username=enrolled.username)
    assert active_secret(pool.user_pool_id, enrolled.username) is None
    user = client.admin_get_user(UserPoolId=pool.user_pool_id, Username=enrolled.username)
    assert user["UserMFASettingList"] == []
    assert not user.get("PreferredMfaSetting")
    assert user["UserStatus"] == "CONFIRMED"


def test_unknown_pool(local_cognito: LocalCognito) -> None:
    client = local_cognito.admin_client()
    with pytest.raises(ClientError) as caught:
        client.admin_delete_software_token(UserPoolId="us-east-1_Missing1", Username="x")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_request_quota_answers_too_many_requests_then_recovers(
    local_cognito: LocalCognito, pool: DemoPool, enrolled: PoolUser
) -> None:
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "cognito-idp",
        region_name=pool.region,
        endpoint_url=local_cognito.endpoint_url,
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
    local_cognito.set_request_quota("AdminGetUser", 5)
    try:
        codes = []
        for _ in range(12):
            try:
                client.admin_get_user(UserPoolId=pool.user_pool_id, Username=enrolled.username)
                codes.append("ok")
            except ClientError as error:
                codes.append(error.response["Error"]["Code"])
        assert codes[:5] == ["ok"] * 5  # a second's worth goes through at once
        assert set(codes[5:]) == {"TooManyRequestsException"}
        # Other operations are not held back.
        client.get_user_pool_mfa_config(UserPoolId=pool.user_pool_id)
    finally:
        local_cognito.set_request_quota("AdminGetUser", None)
    client.admin_get_user(UserPoolId=pool.user_pool_id, Username=enrolled.username)


def test_reset_lifts_quotas(local_cognito: LocalCognito) -> None:
    local_cognito.set_request_quota("ListUsers", 1)
    local_cognito.reset()
    pool = local_cognito.create_pool()
    client = no_retry_client(local_cognito, pool)
    for _ in range(5):  # one a second would have throttled the second
        client.list_users(UserPoolId=pool.user_pool_id)


def no_retry_client(local_cognito: LocalCognito, pool: DemoPool) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "cognito-idp",
        region_name=pool.region,
        endpoint_url=local_cognito.endpoint_url,
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
