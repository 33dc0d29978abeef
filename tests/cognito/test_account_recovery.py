"""The ways back to a sign-in: confirming a self-service sign-up and resetting a password.

What the local Cognito (moto 5.2.5) does, and so is tested here over real HTTP: SignUp leaves
the user UNCONFIRMED and sign-in then raises UserNotConfirmedException; ConfirmSignUp accepts
any code; ForgotPassword answers with CodeDeliveryDetails (email masked as "a***@e***" when
the pool recovers by verified email; "Contact administrator to reset password." when only an
administrator may); ConfirmForgotPassword accepts any code that does not start with
"moto-confirmation-code:" and only USER_PASSWORD_AUTH checks the new password. It does not
check SecretHash on these calls and has no ResendConfirmationCode: the requests are recorded
here, and the rest is stubbed (botocore's Stubber, checked against the API model).

Nothing here prints a password or a secret hash: comparisons are made into booleans first.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from botocore.stub import Stubber

from tests.conftest import settings_for
from totp_tui.cognito.account_recovery import AccountRecovery
from totp_tui.cognito.client import make_client
from totp_tui.cognito.errors import CognitoError, Recovery
from totp_tui.cognito.flow import EnrolmentFlow, SignedInWithoutSetup
from totp_tui.cognito.steps import CodeSent, SignUpConfirmed
from totp_tui.config.settings import Settings
from totp_tui.demo.local_cognito import DemoPool, LocalCognito, temporary_password

FLOWS = ["USER_SRP_AUTH", "USER_PASSWORD_AUTH"]
CLIENT_KINDS = ["no secret", "with secret"]
INCORRECT = "Incorrect username or password."


def independent_hash(client_secret: str, username: str, client_id: str) -> str:
    digest = hmac.new(
        client_secret.encode(), (username + client_id).encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


class Recorded:
    """A real client whose requests' parameters are recorded, by operation name."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client: Any = make_client(settings)
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.client.meta.events.register("before-parameter-build.cognito-idp", self._record)

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.sent.append((model.name, dict(params)))

    def recovery(self) -> AccountRecovery:
        return AccountRecovery(self.settings, self.client)

    def flow(self) -> EnrolmentFlow:
        return EnrolmentFlow(self.settings, self.client)

    def operations(self) -> list[str]:
        return [name for name, _ in self.sent]


def recovery_pool(
    local_cognito: LocalCognito, with_secret: bool = False, mechanism: str = "verified_email"
) -> DemoPool:
    """A pool where MFA is optional and passwords are recovered by `mechanism`."""
    admin = local_cognito.admin_client()
    pool = admin.create_user_pool(
        PoolName="totp-tui-recovery",
        MfaConfiguration="OFF",
        AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": mechanism}]},
    )["UserPool"]
    admin.set_user_pool_mfa_config(
        UserPoolId=pool["Id"],
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="OPTIONAL",
    )
    client = admin.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="totp-tui",
        GenerateSecret=with_secret,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]
    region = admin.meta.region_name
    return DemoPool(region, pool["Id"], client["ClientId"], client.get("ClientSecret"))


def confirmed_user(local_cognito: LocalCognito, pool: DemoPool, email: str) -> tuple[str, str]:
    """A confirmed user with a verified email and a permanent password: (name, password)."""
    username, password = f"user{secrets.token_hex(4)}", temporary_password()
    admin = local_cognito.admin_client(pool.region)
    admin.admin_create_user(
        UserPoolId=pool.user_pool_id,
        Username=username,
        TemporaryPassword=password,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
        ],
        MessageAction="SUPPRESS",
    )
    admin.admin_set_user_password(
        UserPoolId=pool.user_pool_id, Username=username, Password=password, Permanent=True
    )
    return username, password


def sign_up(recorded: Recorded, pool: DemoPool, username: str, password: str) -> None:
    """A self-service sign-up, as a web page would make it (not a call of the wizard's)."""
    params: dict[str, Any] = {
        "ClientId": pool.client_id,
        "Username": username,
        "Password": password,
        "UserAttributes": [{"Name": "email", "Value": f"{username}@example.com"}],
    }
    if pool.client_secret:
        params["SecretHash"] = independent_hash(pool.client_secret, username, pool.client_id)
    recorded.client.sign_up(**params)


def hash_sent_right(recorded: Recorded, pool: DemoPool, operation: str, username: str) -> bool:
    """Every request of `operation` carried the SecretHash for `username` (or none at all
    when the client has no secret)."""
    requests = [params for name, params in recorded.sent if name == operation]
    assert requests, f"no {operation} was sent"
    if not pool.client_secret:
        return all("SecretHash" not in params for params in requests)
    expected = independent_hash(pool.client_secret, username, pool.client_id)
    return all(params.get("SecretHash") == expected for params in requests)


# --- Sign-up confirmation, locally -------------------------------------------------------------


@pytest.mark.parametrize("kind", CLIENT_KINDS)
@pytest.mark.parametrize("auth_flow", FLOWS)
def test_unconfirmed_sign_up_is_confirmed_then_signs_in(
    local_cognito: LocalCognito, auth_flow: str, kind: str
) -> None:
    pool = recovery_pool(local_cognito, with_secret=kind == "with secret")
    recorded = Recorded(settings_for(local_cognito, pool, auth_flow=auth_flow))
    username, password = f"new{secrets.token_hex(4)}", temporary_password()
    sign_up(recorded, pool, username, password)

    with pytest.raises(CognitoError) as caught:
        recorded.flow().sign_in(username, password)
    assert caught.value.code == "UserNotConfirmedException"
    assert caught.value.recovery is Recovery.CONFIRM_SIGN_UP
    assert "not confirmed" in caught.value.message

    confirmed = recorded.recovery().confirm_sign_up(username, "123456")
    assert confirmed == SignUpConfirmed(username)
    assert hash_sent_right(recorded, pool, "ConfirmSignUp", username)
    confirm = next(params for name, params in recorded.sent if name == "ConfirmSignUp")
    assert confirm["ConfirmationCode"] == "123456" and confirm["Username"] == username

    assert recorded.flow().sign_in(username, password) == SignedInWithoutSetup(username)


# --- Password reset, locally -------------------------------------------------------------------


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_reset_code_goes_to_the_masked_email_and_the_new_password_works(
    local_cognito: LocalCognito, kind: str
) -> None:
    pool = recovery_pool(local_cognito, with_secret=kind == "with secret")
    username, old_password = confirmed_user(local_cognito, pool, "alice@example.com")
    settings = settings_for(local_cognito, pool, auth_flow="USER_PASSWORD_AUTH")
    recorded = Recorded(settings)
    recovery = recorded.recovery()

    sent = recovery.send_reset_code(username)
    assert sent == CodeSent("a***@e***", "EMAIL")
    assert "alice@example.com" not in sent.destination  # masked, as Cognito sends it

    new_password = temporary_password()
    recovery.reset_password(username, "123456", new_password)
    assert recovery.calls == 2
    assert recorded.operations() == ["ForgotPassword", "ConfirmForgotPassword"]
    assert hash_sent_right(recorded, pool, "ForgotPassword", username)
    assert hash_sent_right(recorded, pool, "ConfirmForgotPassword", username)
    reset = recorded.sent[-1][1]
    took_new = reset["Password"] == new_password and reset["ConfirmationCode"] == "123456"
    assert took_new, "ConfirmForgotPassword did not carry the code and the new password"

    # The password flow checks passwords locally: the new one works, the old one not.
    assert recorded.flow().sign_in(username, new_password) == SignedInWithoutSetup(username)
    with pytest.raises(CognitoError) as old:
        recorded.flow().sign_in(username, old_password)
    assert old.value.message == INCORRECT
    assert old.value.recovery is Recovery.RETRY_INPUT


def test_stale_reset_code_keeps_the_old_password(local_cognito: LocalCognito) -> None:
    # The local Cognito checks codes of its own form only ("moto-confirmation-code:NNNNNN").
    pool = recovery_pool(local_cognito)
    username, old_password = confirmed_user(local_cognito, pool, "bob@example.com")
    recorded = Recorded(settings_for(local_cognito, pool, auth_flow="USER_PASSWORD_AUTH"))
    recovery = recorded.recovery()
    recovery.send_reset_code(username)
    with pytest.raises(CognitoError) as caught:
        recovery.reset_password(username, "moto-confirmation-code:000000", temporary_password())
    assert caught.value.code == "ExpiredCodeException"
    assert caught.value.recovery is Recovery.RETRY_INPUT
    assert "Ctrl+R" in caught.value.message
    assert recorded.flow().sign_in(username, old_password) == SignedInWithoutSetup(username)


def test_pool_where_only_an_administrator_resets(local_cognito: LocalCognito) -> None:
    pool = recovery_pool(local_cognito, mechanism="admin_only")
    username, _ = confirmed_user(local_cognito, pool, "carol@example.com")
    recovery = Recorded(settings_for(local_cognito, pool)).recovery()
    with pytest.raises(CognitoError) as caught:
        recovery.send_reset_code(username)
    assert caught.value.recovery is Recovery.STOP
    assert "administrator" in caught.value.message
    assert caught.value.message != INCORRECT


# --- Stubbed: what the local Cognito does not do -----------------------------------------------

POOL_ID = "eu-west-2_AbCdEf123"
CLIENT_ID = "1example23456789abcdefghij"
CLIENT_SECRET = "fake-client-secret-0123456789abcdefghijklmnopqrstuv"
NAME = "alice@example.com"  # what the person types
NEW_PASSWORD = "fake-New-Password-2"
STUB_SETTINGS = Settings(
    region="eu-west-2",
    user_pool_id=POOL_ID,
    client_id=CLIENT_ID,
    endpoint_url="http://127.0.0.1:9",  # never contacted: the Stubber answers first
)
EMAIL_DELIVERY = {"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
SMS_DELIVERY = {
    "Destination": "+*******0123",
    "DeliveryMedium": "SMS",
    "AttributeName": "phone_number",
}


class Stubbed:
    def __init__(self, with_secret: bool = False) -> None:
        self.with_secret = with_secret
        settings = replace(STUB_SETTINGS, client_secret=CLIENT_SECRET if with_secret else None)
        self.client = make_client(settings)
        self.stub = Stubber(self.client)
        self.recovery = AccountRecovery(settings, self.client)

    def request(self, **params: Any) -> dict[str, Any]:
        """The exact request: ClientId, Username (NAME), the SecretHash if any, `params`."""
        request: dict[str, Any] = {"ClientId": CLIENT_ID, "Username": NAME, **params}
        if self.with_secret:
            request["SecretHash"] = independent_hash(CLIENT_SECRET, NAME, CLIENT_ID)
        return request

    def expect(self, operation: str, answer: dict[str, Any], **params: Any) -> None:
        self.stub.add_response(operation, answer, self.request(**params))

    def expect_error(self, operation: str, code: str, message: str, **params: Any) -> None:
        self.stub.add_client_error(
            operation,
            service_error_code=code,
            service_message=message,
            http_status_code=400,
            expected_params=self.request(**params),
        )


@pytest.fixture(params=CLIENT_KINDS)
def stubbed(request: pytest.FixtureRequest) -> Iterator[Stubbed]:
    harness = Stubbed(with_secret=request.param == "with secret")
    with harness.stub:
        yield harness
        harness.stub.assert_no_pending_responses()


class TestResendSignUpCode:
    @pytest.mark.parametrize(
        "delivery", [EMAIL_DELIVERY, SMS_DELIVERY], ids=lambda d: d["DeliveryMedium"]
    )
    def test_says_where_the_code_went(self, stubbed: Stubbed, delivery: dict[str, str]) -> None:
        stubbed.expect("resend_confirmation_code", {"CodeDeliveryDetails": delivery})
        sent = stubbed.recovery.resend_sign_up_code(NAME)
        assert sent == CodeSent(delivery["Destination"], delivery["DeliveryMedium"])
        assert stubbed.recovery.calls == 1

    def test_no_delivery_details_is_an_empty_destination(self, stubbed: Stubbed) -> None:
        stubbed.expect("resend_confirmation_code", {})
        assert stubbed.recovery.resend_sign_up_code(NAME) == CodeSent("", "")

    def test_too_many_codes_asks_to_wait(self, stubbed: Stubbed) -> None:
        stubbed.expect_error(
            "resend_confirmation_code",
            "LimitExceededException",
            "Attempt limit exceeded, please try after some time.",
        )
        with pytest.raises(CognitoError) as caught:
            stubbed.recovery.resend_sign_up_code(NAME)
        assert caught.value.recovery is Recovery.RETRY_LATER
        assert "Wait" in caught.value.message


class TestCodes:
    """A wrong or expired code says which message to look at and how to get a new one."""

    @pytest.mark.parametrize(
        ("code", "service_message", "words"),
        [
            (
                "CodeMismatchException",
                "Invalid verification code provided, please try again.",
                ("not right", "newest message", "Ctrl+R"),
            ),
            (
                "ExpiredCodeException",
                "Invalid code provided, please request a code again.",
                ("expired", "Ctrl+R"),
            ),
        ],
    )
    @pytest.mark.parametrize("operation", ["confirm_sign_up", "confirm_forgot_password"])
    def test_wrong_or_expired_code(
        self,
        stubbed: Stubbed,
        operation: str,
        code: str,
        service_message: str,
        words: tuple[str, ...],
    ) -> None:
        resetting = operation == "confirm_forgot_password"
        extra = {"Password": NEW_PASSWORD} if resetting else {}
        stubbed.expect_error(operation, code, service_message, ConfirmationCode="123456", **extra)
        with pytest.raises(CognitoError) as caught:
            if resetting:
                stubbed.recovery.reset_password(NAME, "123456", NEW_PASSWORD)
            else:
                stubbed.recovery.confirm_sign_up(NAME, "123456")
        assert caught.value.code == code
        assert caught.value.recovery is Recovery.RETRY_INPUT
        for word in words:
            assert word in caught.value.message
        assert "the app" not in caught.value.message  # a code from a message, not an app

    def test_confirm_sign_up_sends_the_code(self, stubbed: Stubbed) -> None:
        stubbed.expect("confirm_sign_up", {}, ConfirmationCode="654321")
        assert stubbed.recovery.confirm_sign_up(NAME, "654321") == SignUpConfirmed(NAME)

    def test_already_confirmed_counts_as_confirmed(self, stubbed: Stubbed) -> None:
        """Confirmed meanwhile (by the link in the same email, or an administrator):
        Cognito refuses the code with NotAuthorizedException. The person typed no password
        here; "Incorrect username or password." would leave them stuck on this screen. What
        they wanted has happened: the account is confirmed, and sign-in comes next."""
        stubbed.expect_error(
            "confirm_sign_up",
            "NotAuthorizedException",
            "User cannot be confirmed. Current status is CONFIRMED",
            ConfirmationCode="654321",
        )
        assert stubbed.recovery.confirm_sign_up(NAME, "654321") == SignUpConfirmed(NAME)


class TestNewPassword:
    def test_policy_message_is_passed_through(self, stubbed: Stubbed) -> None:
        policy = "Password did not conform with policy: Password must have symbol characters"
        stubbed.expect_error(
            "confirm_forgot_password",
            "InvalidPasswordException",
            policy,
            ConfirmationCode="123456",
            Password=NEW_PASSWORD,
        )
        with pytest.raises(CognitoError) as caught:
            stubbed.recovery.reset_password(NAME, "123456", NEW_PASSWORD)
        assert caught.value.recovery is Recovery.RETRY_INPUT
        assert "password policy" in caught.value.message
        assert policy in caught.value.message

    def test_too_many_reset_codes_asks_to_wait(self, stubbed: Stubbed) -> None:
        stubbed.expect_error(
            "forgot_password",
            "LimitExceededException",
            "Attempt limit exceeded, please try after some time.",
        )
        with pytest.raises(CognitoError) as caught:
            stubbed.recovery.send_reset_code(NAME)
        assert caught.value.code == "LimitExceededException"
        assert caught.value.recovery is Recovery.RETRY_LATER
        assert "Wait" in caught.value.message

    def test_reset_code_by_sms(self, stubbed: Stubbed) -> None:
        stubbed.expect("forgot_password", {"CodeDeliveryDetails": SMS_DELIVERY})
        assert stubbed.recovery.send_reset_code(NAME) == CodeSent("+*******0123", "SMS")
