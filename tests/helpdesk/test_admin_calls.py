"""The admin operations against the local Cognito over real HTTP, signed with IAM credentials.

moto accepts any credentials unless its IAM checks are on; `iam_enforced` turns them on for
the permission tests, so AccessDenied comes from the emulator over HTTP. Only AWS's own JSON
shape of the refusal (AccessDeniedException) comes from botocore's Stubber.

Fixtures and helpers here are shared with tests/cli/test_admin.py.
"""

from __future__ import annotations

import json
import secrets
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from tests.conftest import PoolUser, make_user, settings_for
from tests.support.accounts import access_token_for, set_permanent_password
from tests.support.totp_clock import code_now
from totp_tui.cognito.account_recovery import AccountRecovery
from totp_tui.cognito.client import make_client
from totp_tui.cognito.errors import CognitoError
from totp_tui.cognito.flow import Enrolled, EnrolmentFlow, NewPasswordRequired, TotpSecretIssued
from totp_tui.config.settings import Settings
from totp_tui.demo.local_cognito import DemoPool, LocalCognito, active_secret, temporary_password
from totp_tui.helpdesk import admin_calls, token_reset
from totp_tui.helpdesk.admin_calls import AdminError, MfaStatus

TOTP, SMS = "SOFTWARE_TOKEN_MFA", "SMS_MFA"

DUMMY_KEY_ID = "AKIAFAKEKEY000000000"
DUMMY_SECRET = "fake-Secret-Access-Key-0000000000000000"
MOTO_ACCOUNT = "123456789012"
# Everything the AWS SDK or totp-tui reads that could make a test depend on this machine.
AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
    "AWS_ENDPOINT_URL_STS",
    "AWS_CA_BUNDLE",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "TOTP_TUI_PROFILE",
    "TOTP_TUI_CLIENT_SECRET",
)


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return isolate_aws(monkeypatch, tmp_path)


def isolate_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A temporary HOME and state directory, no AWS config files, no metadata probing, and
    dummy credentials (moto takes any). Returns the HOME."""
    home = tmp_path / "home"
    home.mkdir()
    for variable in AWS_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DUMMY_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DUMMY_SECRET)
    return home


@dataclass(frozen=True)
class IamUser:
    """An IAM user in the emulator, with an access key: what a helpdesk operator signs with."""

    name: str
    arn: str
    access_key_id: str
    secret_access_key: str = field(repr=False)


def iam_user(local_cognito: LocalCognito, allow: tuple[str, ...] = ()) -> IamUser:
    iam = _iam(local_cognito)
    name = f"helpdesk-{secrets.token_hex(4)}"
    user = iam.create_user(UserName=name)["User"]
    key = iam.create_access_key(UserName=name)["AccessKey"]
    if allow:
        policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(allow), "Resource": "*"}],
        }
        iam.put_user_policy(UserName=name, PolicyName="helpdesk", PolicyDocument=json.dumps(policy))
    return IamUser(name, user["Arn"], key["AccessKeyId"], key["SecretAccessKey"])


def _iam(local_cognito: LocalCognito) -> Any:
    import boto3

    return boto3.client(
        "iam",
        region_name="us-east-1",
        endpoint_url=local_cognito.endpoint_url,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


@pytest.fixture
def helpdesk(local_cognito: LocalCognito) -> IamUser:
    return iam_user(local_cognito)


@contextmanager
def iam_enforced() -> Iterator[None]:
    """The emulator checks signatures and IAM policies on every call inside (its server runs in
    this process, and reads this setting per request)."""
    from moto import settings as moto_settings

    saved = moto_settings.INITIAL_NO_AUTH_ACTION_COUNT
    moto_settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
    try:
        yield
    finally:
        moto_settings.INITIAL_NO_AUTH_ACTION_COUNT = saved


def use_keys(monkeypatch: pytest.MonkeyPatch, user: IamUser) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", user.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", user.secret_access_key)


def enrol(local_cognito: LocalCognito, pool: DemoPool) -> PoolUser:
    """A user who went through the wizard's enrolment (new password, then MFA_SETUP)."""
    user = make_user(local_cognito, pool)
    settings = settings_for(local_cognito, pool)
    flow = EnrolmentFlow(settings, make_client(settings))
    assert flow.sign_in(user.username, user.password) == NewPasswordRequired(user.username, ())
    issued = flow.set_new_password(user.new_password)
    assert isinstance(issued, TotpSecretIssued)
    assert flow.verify_code(code_now(issued.secret)) == Enrolled(user.username)
    return user


def turn_totp_on(local_cognito: LocalCognito, pool: DemoPool, username: str) -> None:
    """TOTP on and preferred, as SetUserMFAPreference after enrolment leaves it."""
    local_cognito.admin_client(pool.region).admin_set_user_mfa_preference(
        UserPoolId=pool.user_pool_id,
        Username=username,
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )


def status_of(settings: Settings, username: str) -> MfaStatus:
    client = admin_calls.admin_client(admin_calls.aws_session(None), settings)
    return admin_calls.get_mfa_status(client, settings, username)


class ChallengeLog:
    """What Cognito answered to a fresh sign-in: challenge names, or TOKENS."""

    def __init__(self, settings: Settings) -> None:
        self.client: Any = make_client(settings)
        self.answers: list[str] = []
        self.client.meta.events.register("after-call.cognito-idp", self._after_call)

    def _after_call(self, parsed: dict[str, Any], **_: Any) -> None:
        if "AuthenticationResult" in parsed:
            self.answers.append("TOKENS")
        elif parsed.get("ChallengeName"):
            self.answers.append(str(parsed["ChallengeName"]))


def challenges_at_sign_in(settings: Settings, user: PoolUser) -> list[str]:
    log = ChallengeLog(settings)
    EnrolmentFlow(settings, log.client).sign_in(user.username, user.new_password)
    return log.answers


# --- Status ----------------------------------------------------------------------------------


class TestStatus:
    def test_fresh_user(self, local_cognito: LocalCognito, pool: DemoPool, user: PoolUser) -> None:
        settings = settings_for(local_cognito, pool)
        assert status_of(settings, user.username) == MfaStatus(
            username=user.username,
            user_pool_id=pool.user_pool_id,
            region=pool.region,
            user_status="FORCE_CHANGE_PASSWORD",
            enabled=True,
            mfa_settings=(),
            preferred_mfa=None,
        )

    def test_enrolled_user(self, local_cognito: LocalCognito, pool: DemoPool) -> None:
        settings = settings_for(local_cognito, pool)
        user = enrol(local_cognito, pool)
        # Measured on moto 5.2.5: enrolment through MFA_SETUP leaves UserMFASettingList empty
        # (DESIGN.md section 5); TOTP shows once SetUserMFAPreference turned it on.
        after_setup = status_of(settings, user.username)
        assert (after_setup.user_status, after_setup.mfa_settings) == ("CONFIRMED", ())
        turn_totp_on(local_cognito, pool, user.username)
        status = status_of(settings, user.username)
        assert status.mfa_settings == ("SOFTWARE_TOKEN_MFA",)
        assert status.preferred_mfa == "SOFTWARE_TOKEN_MFA"
        assert status.totp_enabled
        assert status.as_dict()["totp_enabled"] is True

    def test_requests_are_signed_with_the_credentials(
        self, local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
    ) -> None:
        settings = settings_for(local_cognito, pool)
        client = admin_calls.admin_client(admin_calls.aws_session(None), settings)
        headers: list[str] = []
        client.meta.events.register(
            "before-send.cognito-idp",
            lambda request, **_: headers.append(request.headers.get("Authorization", b"")),
        )
        admin_calls.get_mfa_status(client, settings, user.username)
        [authorization] = headers
        text = authorization.decode() if isinstance(authorization, bytes) else authorization
        assert text.startswith("AWS4-HMAC-SHA256 Credential=" + DUMMY_KEY_ID)
        assert "/cognito-idp/aws4_request" in text

    def test_unknown_user_and_unknown_pool(
        self, local_cognito: LocalCognito, pool: DemoPool
    ) -> None:
        settings = settings_for(local_cognito, pool)
        with pytest.raises(AdminError) as caught:
            status_of(settings, "nobody")
        assert (caught.value.code, caught.value.usage) == ("UserNotFoundException", False)
        assert caught.value.message == f"no user 'nobody' in {pool.user_pool_id}"
        missing = settings_for(local_cognito, pool, user_pool_id="us-east-1_Missing1")
        with pytest.raises(AdminError) as caught:
            status_of(missing, "nobody")
        assert caught.value.code == "ResourceNotFoundException"
        assert "there is no user pool us-east-1_Missing1 in us-east-1" in caught.value.message

    def test_unreachable_endpoint(self, local_cognito: LocalCognito, pool: DemoPool) -> None:
        with socket.socket() as probe:  # a port nothing listens on
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        settings = settings_for(local_cognito, pool, endpoint_url=f"http://127.0.0.1:{port}")
        with pytest.raises(AdminError) as caught:
            status_of(settings, "alice")
        assert caught.value.code == "EndpointConnectionError"
        assert caught.value.message.startswith("Could not reach Cognito at the endpoint.")


# --- Reset -----------------------------------------------------------------------------------


def admin_view(local_cognito: LocalCognito, pool: DemoPool, username: str) -> dict[str, Any]:
    """What makes the user the same user: sub, attributes, groups, creation date."""
    admin = local_cognito.admin_client(pool.region)
    user = admin.admin_get_user(UserPoolId=pool.user_pool_id, Username=username)
    groups = admin.admin_list_groups_for_user(UserPoolId=pool.user_pool_id, Username=username)
    return {
        "attributes": sorted((a["Name"], a["Value"]) for a in user["UserAttributes"]),
        "created": user["UserCreateDate"],
        "groups": sorted(g["GroupName"] for g in groups["Groups"]),
    }


def in_a_group(local_cognito: LocalCognito, pool: DemoPool, username: str) -> None:
    admin = local_cognito.admin_client(pool.region)
    admin.create_group(UserPoolId=pool.user_pool_id, GroupName="staff")
    admin.admin_add_user_to_group(
        UserPoolId=pool.user_pool_id, Username=username, GroupName="staff"
    )


def delete_token(settings: Settings, username: str) -> None:
    client = admin_calls.admin_client(admin_calls.aws_session(None), settings)
    token_reset.delete_software_token(client, settings, username)


def old_code_signs_in(settings: Settings, user: PoolUser, secret: str) -> bool:
    """A fresh USER_PASSWORD_AUTH sign-in answered with a code of `secret`, if it is asked."""
    client: Any = make_client(settings)
    started = client.initiate_auth(
        ClientId=settings.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.new_password},
    )
    if started.get("ChallengeName") != "SOFTWARE_TOKEN_MFA":
        return False
    answered = client.respond_to_auth_challenge(
        ClientId=settings.client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=started["Session"],
        ChallengeResponses={"USERNAME": user.username, "SOFTWARE_TOKEN_MFA_CODE": code_now(secret)},
    )
    return "AccessToken" in answered.get("AuthenticationResult", {})


class TestReset:
    @pytest.mark.parametrize("auth_flow", ["USER_SRP_AUTH", "USER_PASSWORD_AUTH"])
    def test_required_pool_next_sign_in_sets_up_a_new_app_and_the_old_code_is_refused(
        self, local_cognito: LocalCognito, pool: DemoPool, auth_flow: str
    ) -> None:
        """The lost phone on a pool that requires MFA. On the previous main (AdminSetUserMFA-
        Preference with TOTP off) this sign-in still met SOFTWARE_TOKEN_MFA, and the lost
        app's code still signed the user in."""
        settings = settings_for(local_cognito, pool, auth_flow=auth_flow)
        user = enrol(local_cognito, pool)
        turn_totp_on(local_cognito, pool, user.username)
        in_a_group(local_cognito, pool, user.username)
        old_secret = active_secret(pool.user_pool_id, user.username)
        assert old_secret is not None
        before = admin_view(local_cognito, pool, user.username)

        delete_token(settings, user.username)

        after = status_of(settings, user.username)
        assert (after.mfa_settings, after.preferred_mfa, after.totp_enabled) == ((), None, False)
        assert (after.user_status, after.enabled) == ("CONFIRMED", True)
        assert admin_view(local_cognito, pool, user.username) == before  # the same user
        answers = challenges_at_sign_in(settings, user)
        assert answers[-1] == "MFA_SETUP", answers
        assert "SOFTWARE_TOKEN_MFA" not in answers
        assert not old_code_signs_in(settings, user, old_secret)

    def test_why_not_admin_set_user_mfa_preference(
        self, local_cognito: LocalCognito, pool: DemoPool
    ) -> None:
        """Measured, and what AWS documents ("You can't turn off TOTP MFA for any of your
        users when MFA is required"): on a required pool, turning TOTP off leaves the token,
        and the lost app's code still signs the user in. The reset does not use it."""
        settings = settings_for(local_cognito, pool)
        user = enrol(local_cognito, pool)
        turn_totp_on(local_cognito, pool, user.username)
        local_cognito.admin_client(pool.region).admin_set_user_mfa_preference(
            UserPoolId=pool.user_pool_id,
            Username=user.username,
            SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False},
        )
        assert challenges_at_sign_in(settings, user)[-1] == "SOFTWARE_TOKEN_MFA"
        secret = active_secret(pool.user_pool_id, user.username)
        assert secret is not None and old_code_signs_in(settings, user, secret)

    @pytest.mark.parametrize("auth_flow", ["USER_SRP_AUTH", "USER_PASSWORD_AUTH"])
    def test_another_factor_is_asked_instead(
        self, local_cognito: LocalCognito, pool: DemoPool, auth_flow: str
    ) -> None:
        settings = settings_for(local_cognito, pool, auth_flow=auth_flow)
        user = sms_and_app_user(local_cognito, pool)
        assert status_of(settings, user.username).mfa_settings == (TOTP, SMS)
        delete_token(settings, user.username)
        after = status_of(settings, user.username)
        assert (after.mfa_settings, after.preferred_mfa) == ((SMS,), None)
        assert challenges_at_sign_in(settings, user)[-1] == "SMS_MFA"

    @pytest.mark.parametrize("auth_flow", ["USER_SRP_AUTH", "USER_PASSWORD_AUTH"])
    def test_optional_pool_signs_in_without_mfa(
        self, local_cognito: LocalCognito, auth_flow: str
    ) -> None:
        pool = local_cognito.create_pool(mfa="OPTIONAL")
        settings = settings_for(local_cognito, pool, auth_flow=auth_flow)
        user = app_user_on_optional_pool(local_cognito, pool)
        assert challenges_at_sign_in(settings, user)[-1] == "SOFTWARE_TOKEN_MFA"
        delete_token(settings, user.username)
        assert challenges_at_sign_in(settings, user)[-1] == "TOKENS"

    def test_reset_of_an_unknown_user(self, local_cognito: LocalCognito, pool: DemoPool) -> None:
        settings = settings_for(local_cognito, pool)
        with pytest.raises(AdminError) as caught:
            delete_token(settings, "nobody")
        assert caught.value.message == f"no user 'nobody' in {pool.user_pool_id}"

    def test_new_password_required_means_a_code_before_enrolment(
        self, local_cognito: LocalCognito, pool: DemoPool
    ) -> None:
        """--require-new-password: the password alone no longer signs in; the code Cognito
        sends to the verified email, and a new password, come first; then MFA_SETUP."""
        settings = settings_for(local_cognito, pool)
        user = enrol(local_cognito, pool)
        turn_totp_on(local_cognito, pool, user.username)
        local_cognito.admin_client(pool.region).admin_update_user_attributes(
            UserPoolId=pool.user_pool_id,
            Username=user.username,
            UserAttributes=[
                {"Name": "email", "Value": "jane@example.com"},
                {"Name": "email_verified", "Value": "true"},
            ],
        )
        client = admin_calls.admin_client(admin_calls.aws_session(None), settings)
        token_reset.require_new_password(client, settings, user.username)
        token_reset.delete_software_token(client, settings, user.username)
        status = status_of(settings, user.username)
        assert (status.user_status, status.verified_contacts) == ("RESET_REQUIRED", ("email",))
        for flow in ("USER_SRP_AUTH", "USER_PASSWORD_AUTH"):
            with pytest.raises(CognitoError) as caught:
                challenges_at_sign_in(settings_for(local_cognito, pool, auth_flow=flow), user)
            assert caught.value.code == "PasswordResetRequiredException"
        recovery = AccountRecovery(settings, make_client(settings))
        recovery.send_reset_code(user.username)
        newer = PoolUser(user.username, user.password, temporary_password())
        recovery.reset_password(user.username, "123456", newer.new_password)
        assert challenges_at_sign_in(settings, newer)[-1] == "MFA_SETUP"

    def test_no_verified_contact_means_no_password_reset(
        self, local_cognito: LocalCognito, pool: DemoPool
    ) -> None:
        settings = settings_for(local_cognito, pool)
        user = enrol(local_cognito, pool)
        client = admin_calls.admin_client(admin_calls.aws_session(None), settings)
        with pytest.raises(AdminError) as caught:
            token_reset.require_new_password(client, settings, user.username)
        assert caught.value.code == "InvalidParameterException"
        assert "verified email or phone_number" in caught.value.message


def sms_and_app_user(local_cognito: LocalCognito, pool: DemoPool) -> PoolUser:
    """SMS MFA and an app, the app preferred: someone whose SMS goes to a desk phone."""
    name, password = f"sms{secrets.token_hex(4)}", temporary_password()
    local_cognito.create_sms_user(pool, name, password)
    client = local_cognito.admin_client(pool.region)
    started = client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": name, "PASSWORD": password},
    )
    assert started["ChallengeName"] == SMS
    signed_in = client.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName=SMS,
        Session=started["Session"],
        ChallengeResponses={"USERNAME": name, "SMS_MFA_CODE": "123456"},  # any code is taken
    )
    add_app_with_access_token(local_cognito, pool, signed_in["AuthenticationResult"]["AccessToken"])
    return PoolUser(name, password, password)


def app_user_on_optional_pool(local_cognito: LocalCognito, pool: DemoPool) -> PoolUser:
    user = make_user(local_cognito, pool)
    set_permanent_password(local_cognito, pool, user)
    add_app_with_access_token(
        local_cognito, pool, access_token_for(local_cognito, pool, user).value
    )
    return user


def add_app_with_access_token(local_cognito: LocalCognito, pool: DemoPool, token: str) -> None:
    """The app registered and preferred through the user APIs, as the wizard's "move to the
    app" does."""
    client = local_cognito.admin_client(pool.region)
    secret = client.associate_software_token(AccessToken=token)["SecretCode"]
    client.verify_software_token(AccessToken=token, UserCode=code_now(secret))
    client.set_user_mfa_preference(
        AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )


# --- Permissions and credentials -------------------------------------------------------------

POOL_ID = "eu-west-2_AbC123"
STUB_SETTINGS = Settings(region="eu-west-2", user_pool_id=POOL_ID, client_id="none")
AWS_DENIAL = (
    "User: arn:aws:iam::111122223333:user/helpdesk is not authorized to perform: {action} on "
    f"resource: arn:aws:cognito-idp:eu-west-2:111122223333:userpool/{POOL_ID} because no "
    "identity-based policy allows the {action} action"
)
CALLS = [
    (
        admin_calls.STATUS,
        "admin_get_user",
        lambda c: admin_calls.get_mfa_status(c, STUB_SETTINGS, "alice"),
    ),
    (
        admin_calls.RESET_MFA,
        "admin_delete_software_token",
        lambda c: token_reset.delete_software_token(c, STUB_SETTINGS, "alice"),
    ),
    (
        admin_calls.RESET_PASSWORD,
        "admin_reset_user_password",
        lambda c: token_reset.require_new_password(c, STUB_SETTINGS, "alice"),
    ),
    (
        admin_calls.POOL_MFA,
        "get_user_pool_mfa_config",
        lambda c: admin_calls.get_pool_mfa(c, STUB_SETTINGS),
    ),
]


def stubbed_failure(operation: str, code: str, message: str, call: Any) -> AdminError:
    """Run `call` on a real signed client whose `operation` answers with AWS's error."""
    client = admin_calls.admin_client(admin_calls.aws_session(None), STUB_SETTINGS)
    with Stubber(client) as stubber:
        stubber.add_client_error(operation, code, message, http_status_code=400)
        with pytest.raises(AdminError) as caught:
            call(client)
        stubber.assert_no_pending_responses()
    return caught.value


class TestPermissions:
    @pytest.mark.parametrize(
        ("action", "operation", "call"), CALLS, ids=["status", "reset", "password", "pool"]
    )
    def test_aws_access_denied_names_the_iam_action_and_the_pool(
        self, action: str, operation: str, call: Any
    ) -> None:
        iam_action = admin_calls.IAM_ACTIONS[action]
        message = AWS_DENIAL.format(action=iam_action)
        error = stubbed_failure(operation, "AccessDeniedException", message, call)
        assert (error.code, error.usage) == ("AccessDeniedException", False)
        assert error.message == (
            f"access denied: these AWS credentials may not call {iam_action} on "
            f"arn:aws:cognito-idp:eu-west-2:111122223333:userpool/{POOL_ID}; "
            "ask for an IAM policy that allows it"
        )

    def test_not_authorized_names_the_action_and_keeps_cognitos_words(self) -> None:
        operation, call = CALLS[1][1], CALLS[1][2]
        error = stubbed_failure(operation, "NotAuthorizedException", "Not authorized.", call)
        assert "cognito-idp:AdminDeleteSoftwareToken on arn:aws:cognito-idp:eu-west-2:*:" in (
            error.message
        )
        assert error.message.endswith("(Cognito said: Not authorized.)")

    @pytest.mark.parametrize(
        ("code", "expected"),
        [
            ("UnrecognizedClientException", "AWS did not accept these credentials"),
            ("ExpiredTokenException", "the AWS credentials have expired"),
            ("TooManyRequestsException", "Cognito is throttling requests."),
        ],
    )
    def test_other_refusals(self, code: str, expected: str) -> None:
        error = stubbed_failure(CALLS[0][1], code, "fake message", CALLS[0][2])
        assert error.code == code and error.message.startswith(expected)

    def test_emulator_refuses_what_the_policy_does_not_allow(
        self, local_cognito: LocalCognito, pool: DemoPool, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        settings = settings_for(local_cognito, pool)
        target = make_user(local_cognito, pool)
        operator = iam_user(local_cognito, allow=("cognito-idp:AdminGetUser",))
        use_keys(monkeypatch, operator)
        client = admin_calls.admin_client(admin_calls.aws_session(None), settings)
        with iam_enforced():
            assert admin_calls.get_mfa_status(client, settings, target.username).enabled
            with pytest.raises(AdminError) as caught:
                token_reset.delete_software_token(client, settings, target.username)
        assert caught.value.code == "AccessDenied"
        assert caught.value.message.startswith(
            "access denied: these AWS credentials may not call "
            "cognito-idp:AdminDeleteSoftwareToken on "
            f"arn:aws:cognito-idp:{pool.region}:{MOTO_ACCOUNT}:userpool/{pool.user_pool_id}"
        )

    def test_emulator_refuses_an_unknown_access_key(
        self, local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
    ) -> None:
        settings = settings_for(local_cognito, pool)
        with iam_enforced(), pytest.raises(AdminError) as caught:
            status_of(settings, user.username)
        assert caught.value.code == "InvalidClientTokenId"
        assert caught.value.message.startswith("AWS did not accept these credentials")


class TestCredentials:
    def test_unknown_aws_profile_is_a_usage_error(self) -> None:
        with pytest.raises(AdminError) as caught:
            admin_calls.aws_session("nope")
        assert (caught.value.code, caught.value.usage) == ("ProfileNotFound", True)
        assert caught.value.message.startswith("there is no AWS profile named 'nope'")

    def test_no_credentials_anywhere(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("AWS_ACCESS_KEY_ID")
        monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
        started = time.monotonic()
        with pytest.raises(AdminError) as caught:
            admin_calls.require_credentials(admin_calls.aws_session(None))
        assert time.monotonic() - started < 2
        assert (caught.value.code, caught.value.usage) == ("NoCredentialsError", False)
        for advice in ("--aws-profile", "AWS_PROFILE", "aws configure", "aws sso login"):
            assert advice in caught.value.message

    def test_named_profile_from_the_config_files(
        self, aws_env: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("AWS_ACCESS_KEY_ID")
        monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
        (aws_env / "aws-credentials").write_text(
            f"[helpdesk]\naws_access_key_id = {DUMMY_KEY_ID}\n"
            f"aws_secret_access_key = {DUMMY_SECRET}\n"
        )
        (aws_env / "aws-config").write_text("[profile empty]\nregion = eu-west-2\n")
        session = admin_calls.aws_session("helpdesk")
        admin_calls.require_credentials(session, "helpdesk")
        credentials = session.get_credentials()
        assert credentials is not None and credentials.access_key == DUMMY_KEY_ID
        with pytest.raises(AdminError) as caught:
            admin_calls.require_credentials(admin_calls.aws_session("empty"), "empty")
        assert caught.value.message.startswith("AWS profile 'empty' has no AWS credentials")


# --- The operator's identity -----------------------------------------------------------------


class TestOperator:
    def test_caller_arn_from_the_emulators_sts(
        self,
        local_cognito: LocalCognito,
        pool: DemoPool,
        helpdesk: IamUser,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        use_keys(monkeypatch, helpdesk)
        settings = settings_for(local_cognito, pool)
        sts = admin_calls.sts_client(admin_calls.aws_session(None), settings)
        assert admin_calls.caller_arn(sts) == helpdesk.arn
        assert helpdesk.arn == f"arn:aws:iam::{MOTO_ACCOUNT}:user/{helpdesk.name}"
        assert admin_calls.OperatorLookup(sts).result() == helpdesk.arn

    def test_no_identity_without_credentials_or_endpoint(
        self, local_cognito: LocalCognito, pool: DemoPool, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        settings = settings_for(local_cognito, pool)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
        assert (
            admin_calls.caller_arn(
                admin_calls.sts_client(admin_calls.aws_session(None), settings, closed)
            )
            is None
        )
        monkeypatch.delenv("AWS_ACCESS_KEY_ID")
        monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
        assert (
            admin_calls.caller_arn(admin_calls.sts_client(admin_calls.aws_session(None), settings))
            is None
        )

    def test_a_silent_sts_does_not_hold_anything_up(
        self, local_cognito: LocalCognito, pool: DemoPool
    ) -> None:
        settings = settings_for(local_cognito, pool)
        with socket.socket() as silent:  # accepts connections, never answers
            silent.bind(("127.0.0.1", 0))
            silent.listen()
            url = f"http://127.0.0.1:{silent.getsockname()[1]}"
            lookup = admin_calls.OperatorLookup(
                admin_calls.sts_client(admin_calls.aws_session(None), settings, url)
            )
            started = time.monotonic()
            assert lookup.result(timeout=0.3) is None
            assert time.monotonic() - started < 1
            assert lookup._thread.daemon  # never keeps the process alive
            # Left alone, it gives up by itself after the short STS timeout.
            lookup._thread.join(admin_calls.STS_TIMEOUT * 2 + 1)
            assert not lookup._thread.is_alive()
            assert lookup.result(timeout=0) is None


# --- An SDK or endpoint without AdminDeleteSoftwareToken --------------------------------------


def client_without_the_operation(tmp_path: Path) -> Any:
    """A real botocore client from Cognito's service model with AdminDeleteSoftwareToken taken
    out: what an install older than botocore 1.44.18 builds."""
    import gzip

    import botocore
    import botocore.session

    model_dir = Path(botocore.__file__).parent / "data" / "cognito-idp" / "2016-04-18"
    model = json.loads(gzip.decompress((model_dir / "service-2.json.gz").read_bytes()))
    del model["operations"]["AdminDeleteSoftwareToken"]
    older = tmp_path / "models" / "cognito-idp" / "2016-04-18"
    older.mkdir(parents=True)
    (older / "service-2.json").write_text(json.dumps(model))
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, str(tmp_path / "models"))
    return session.create_client("cognito-idp", region_name="eu-west-2")


class TestOperationMissing:
    def test_an_sdk_without_it_says_which_version_has_it(self, tmp_path: Path) -> None:
        client = client_without_the_operation(tmp_path)
        assert not token_reset.sdk_has_operation(client)
        with pytest.raises(AdminError) as caught:
            token_reset.delete_software_token(client, STUB_SETTINGS, "alice")
        error = caught.value
        assert error.usage  # nothing was tried: exit 2
        assert "\n" not in error.message
        assert "has no AdminDeleteSoftwareToken" in error.message
        assert f"boto3>={token_reset.MINIMUM_BOTOCORE}" in error.message
        assert error.message.endswith("nothing was changed")

    @pytest.mark.parametrize(
        ("code", "status"), [("UnknownOperationException", 400), ("NotImplemented", 501)]
    )
    def test_an_endpoint_without_it_says_so_in_one_line(self, code: str, status: int) -> None:
        client = admin_calls.admin_client(admin_calls.aws_session(None), STUB_SETTINGS)
        with Stubber(client) as stubber:
            stubber.add_client_error(
                "admin_delete_software_token", code, "Unknown\noperation", http_status_code=status
            )
            with pytest.raises(AdminError) as caught:
                token_reset.delete_software_token(client, STUB_SETTINGS, "alice")
        assert caught.value.message == (
            f"the endpoint Cognito in eu-west-2 does not offer AdminDeleteSoftwareToken (it "
            f"answered {code}): use one that does, such as AWS's own; nothing was changed"
        )
        assert not caught.value.usage

    def test_minimum_versions_in_pyproject(self) -> None:
        import tomllib

        project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
        wanted = f">={token_reset.MINIMUM_BOTOCORE}"
        assert f"boto3{wanted}" in project["project"]["dependencies"]
        assert f"botocore{wanted}" in project["project"]["dependencies"]
