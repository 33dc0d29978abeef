"""Enrolment with an access token, at the engine level, against the local Cognito over HTTP:
opting in on a pool where MFA is optional, replacing the authenticator of an enrolled user,
an access token or Session from elsewhere.

What the local Cognito (moto 5.2.5) does here, measured:
- AdminGetUser's UserMFASettingList is [] and PreferredMfaSetting "" until SetUserMFAPreference;
  then ["SOFTWARE_TOKEN_MFA"] and "SOFTWARE_TOKEN_MFA". VerifySoftwareToken alone changes
  neither.
- On a pool where MFA is optional, USER_PASSWORD_AUTH asks for SOFTWARE_TOKEN_MFA only when TOTP
  is enabled AND preferred (SetUserMFAPreference); after VerifySoftwareToken alone it still
  gives tokens. Its SRP (PASSWORD_VERIFIER) asks as soon as a code was verified. The checks
  here therefore sign in with USER_PASSWORD_AUTH: it fails if the preference was not set.
- A wrong code at VerifySoftwareToken(AccessToken) is CodeMismatchException; an unknown
  access token is NotAuthorizedException "Invalid token".

Nothing here prints a secret, Session or token: comparisons are made into booleans first, and
codes are made outside assertions (pytest would show the secret a failing one was made from).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber

from tests.conftest import PoolUser, make_user, settings_for
from tests.support.totp_clock import code_now, wait_for_next_window, wrong_code
from totp_tui.cognito.client import make_client
from totp_tui.cognito.errors import CognitoError, Recovery
from totp_tui.cognito.flow import (
    AlreadyEnrolled,
    CodeRequired,
    Enrolled,
    EnrolmentFlow,
    SignedInWithoutSetup,
    Step,
    TotpSecretIssued,
)
from totp_tui.cognito.service_calls import ServiceCalls
from totp_tui.cognito.token_enrolment import TokenEnrolment, sign_in_name
from totp_tui.config.settings import Settings
from totp_tui.demo.local_cognito import DemoPool, LocalCognito, active_secret

TOTP = "SOFTWARE_TOKEN_MFA"


class Watched:
    """A flow over a real client whose operations are recorded (names only)."""

    def __init__(self, settings: Settings) -> None:
        self.client: Any = make_client(settings)
        self.flow = EnrolmentFlow(settings, self.client)
        self.operations: list[str] = []
        self.client.meta.events.register("before-call.cognito-idp", self._record)

    def _record(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)


@pytest.fixture(scope="module")
def optional_pool(local_cognito: LocalCognito) -> DemoPool:
    return local_cognito.create_pool(mfa="OPTIONAL")


def password_settings(local_cognito: LocalCognito, pool: DemoPool) -> Settings:
    return settings_for(local_cognito, pool, auth_flow="USER_PASSWORD_AUTH")


def user_with_password(local_cognito: LocalCognito, pool: DemoPool) -> PoolUser:
    """A user whose own password (`new_password`) is set: no NEW_PASSWORD_REQUIRED."""
    user = make_user(local_cognito, pool)
    local_cognito.admin_client(pool.region).admin_set_user_password(
        UserPoolId=pool.user_pool_id,
        Username=user.username,
        Password=user.new_password,
        Permanent=True,
    )
    return user


def enrolled_user(local_cognito: LocalCognito, pool: DemoPool) -> tuple[PoolUser, str]:
    """A user of an MFA-required pool enrolled the usual way (MFA_SETUP), and their secret."""
    user = make_user(local_cognito, pool)
    settings = password_settings(local_cognito, pool)
    flow = EnrolmentFlow(settings, make_client(settings))
    flow.sign_in(user.username, user.password)
    issued = flow.set_new_password(user.new_password)
    assert isinstance(issued, TotpSecretIssued)
    step = flow.verify_code(code_now(issued.secret))
    assert step == Enrolled(user.username)
    return user, issued.secret


def mfa_settings(local_cognito: LocalCognito, pool: DemoPool, username: str) -> tuple[Any, Any]:
    """AdminGetUser's (UserMFASettingList, PreferredMfaSetting)."""
    answer = local_cognito.admin_client(pool.region).admin_get_user(
        UserPoolId=pool.user_pool_id, Username=username
    )
    return answer.get("UserMFASettingList"), answer.get("PreferredMfaSetting")


def first_step(local_cognito: LocalCognito, pool: DemoPool, user: PoolUser) -> Step:
    settings = password_settings(local_cognito, pool)
    return EnrolmentFlow(settings, make_client(settings)).sign_in(user.username, user.new_password)


# --- Opting in where MFA is optional -----------------------------------------------------------


def test_opt_in_sets_the_preference_only_after_a_right_code(
    local_cognito: LocalCognito, optional_pool: DemoPool
) -> None:
    user = user_with_password(local_cognito, optional_pool)
    watched = Watched(password_settings(local_cognito, optional_pool))
    assert watched.flow.sign_in(user.username, user.new_password) == SignedInWithoutSetup(
        user.username
    )
    assert mfa_settings(local_cognito, optional_pool, user.username) == ([], "")

    enrolment = watched.flow.token_enrolment()
    issued = enrolment.start()
    assert issued.username == user.username
    assert issued.also_offered == ()

    with pytest.raises(CognitoError) as caught:
        enrolment.verify_code(wrong_code(issued.secret))
    assert caught.value.recovery is Recovery.RETRY_INPUT
    assert "code is not right" in caught.value.message
    # A wrong code changes nothing: no preference, and sign-in still needs no code.
    assert "SetUserMFAPreference" not in watched.operations
    assert mfa_settings(local_cognito, optional_pool, user.username) == ([], "")
    assert isinstance(first_step(local_cognito, optional_pool, user), SignedInWithoutSetup)

    enrolled = enrolment.verify_code(code_now(issued.secret))
    assert enrolled == Enrolled(user.username)
    assert watched.operations == [
        "InitiateAuth",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",  # wrong code
        "VerifySoftwareToken",
        "SetUserMFAPreference",
    ]
    assert mfa_settings(local_cognito, optional_pool, user.username) == ([TOTP], TOTP)
    held = active_secret(optional_pool.user_pool_id, user.username) == issued.secret
    assert held, "Cognito holds a different secret from the one issued"
    step = first_step(local_cognito, optional_pool, user)
    assert isinstance(step, CodeRequired), type(step).__name__

    # The token is used once: a second verify cannot run with it.
    with pytest.raises(CognitoError) as again:
        enrolment.verify_code(code_now(issued.secret))
    assert again.value.recovery is Recovery.SIGN_IN_AGAIN


def test_token_enrolment_needs_a_signed_in_user(
    local_cognito: LocalCognito, optional_pool: DemoPool
) -> None:
    settings = password_settings(local_cognito, optional_pool)
    flow = EnrolmentFlow(settings, make_client(settings))
    with pytest.raises(CognitoError) as caught:
        flow.token_enrolment()
    assert caught.value.recovery is Recovery.SIGN_IN_AGAIN


# --- An access token or a Session from elsewhere -----------------------------------------------


def test_access_token_from_elsewhere_names_the_user_and_enrols(
    local_cognito: LocalCognito, optional_pool: DemoPool
) -> None:
    user = user_with_password(local_cognito, optional_pool)
    tokens = local_cognito.admin_client(optional_pool.region).initiate_auth(
        ClientId=optional_pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.new_password},
    )["AuthenticationResult"]
    settings = password_settings(local_cognito, optional_pool)
    service = ServiceCalls(make_client(settings))
    # Pasted tokens come with a newline or spaces around them.
    enrolment = TokenEnrolment.from_access_token(service, f"  {tokens['AccessToken']}\n")
    assert enrolment.username == user.username
    issued = enrolment.start()
    enrolled = enrolment.verify_code(code_now(issued.secret), "laptop")
    assert enrolled == Enrolled(user.username)
    assert service.count == 4  # GetUser, Associate, Verify, SetUserMFAPreference
    assert mfa_settings(local_cognito, optional_pool, user.username) == ([TOTP], TOTP)
    assert isinstance(first_step(local_cognito, optional_pool, user), CodeRequired)


def test_invalid_access_token_says_so_not_wrong_password(
    local_cognito: LocalCognito, optional_pool: DemoPool
) -> None:
    settings = password_settings(local_cognito, optional_pool)
    service = ServiceCalls(make_client(settings))
    with pytest.raises(CognitoError) as caught:
        TokenEnrolment.from_access_token(service, "eyJub3QiOiJhIHRva2VuIn0.e30.c2ln")
    assert caught.value.code == "NotAuthorizedException"
    assert caught.value.recovery is Recovery.RETRY_INPUT
    assert "access token" in caught.value.message
    assert "Incorrect username or password" not in caught.value.message


def test_session_from_elsewhere_continues_mfa_setup(
    local_cognito: LocalCognito, pool: DemoPool
) -> None:
    user = make_user(local_cognito, pool)
    client = local_cognito.admin_client(pool.region)
    answer = client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
    )
    answer = client.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=answer["Session"],
        ChallengeResponses={"USERNAME": user.username, "NEW_PASSWORD": user.new_password},
    )
    assert answer.get("ChallengeName") == "MFA_SETUP"
    watched = Watched(password_settings(local_cognito, pool))
    issued = watched.flow.continue_session(f" {user.username} ", answer["Session"])
    assert isinstance(issued, TotpSecretIssued)
    assert issued.username == user.username
    step = watched.flow.verify_code(code_now(issued.secret))
    assert step == Enrolled(user.username)
    assert watched.operations == [
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
        "RespondToAuthChallenge",  # MFA_SETUP
    ]
    step = first_step(local_cognito, pool, user)
    assert isinstance(step, CodeRequired), type(step).__name__


# --- Replacing the authenticator (the one test that waits for a new TOTP window) -------------


def test_replacing_the_authenticator_makes_the_old_one_stop_working(
    local_cognito: LocalCognito, pool: DemoPool
) -> None:
    """Slow: waits up to 30 s for the next TOTP window, so that the codes checked at the end
    are new ones (AWS refuses a code used once)."""
    user, old = enrolled_user(local_cognito, pool)
    watched = Watched(password_settings(local_cognito, pool))
    assert watched.flow.sign_in(user.username, user.new_password) == CodeRequired(user.username)
    step = watched.flow.answer_code(code_now(old))
    assert step == AlreadyEnrolled(user.username)

    enrolment = watched.flow.token_enrolment()
    issued = enrolment.start()
    new = issued.secret
    differs = new != old
    assert differs, "the replacement secret is the old one"
    still_old = active_secret(pool.user_pool_id, user.username) == old
    assert still_old, "the old secret was replaced before the new one was verified"
    enrolled = enrolment.verify_code(code_now(new))
    assert enrolled == Enrolled(user.username)
    now_new = active_secret(pool.user_pool_id, user.username) == new
    assert now_new, "the service does not hold the new secret"
    assert mfa_settings(local_cognito, pool, user.username) == ([TOTP], TOTP)

    wait_for_next_window()
    old_code, new_code = code_now(old), code_now(new)
    if old_code == new_code:  # one chance in a million: the old code would look accepted
        wait_for_next_window()
        old_code, new_code = code_now(old), code_now(new)
    fresh = Watched(password_settings(local_cognito, pool))
    assert fresh.flow.sign_in(user.username, user.new_password) == CodeRequired(user.username)
    with pytest.raises(CognitoError) as refused:
        fresh.flow.answer_code(old_code)
    assert refused.value.code == "CodeMismatchException"
    assert refused.value.recovery is Recovery.RETRY_INPUT
    # Same challenge, the new app's code: signed in.
    step = fresh.flow.answer_code(new_code)
    assert step == AlreadyEnrolled(user.username)


# --- The name on the authenticator app's label --------------------------------------------------

UUID_NAME = "a1b2c3d4-0000-4000-8000-0123456789ab"  # pools that sign in by email or phone


def get_user(username: str, **attributes: str) -> dict[str, Any]:
    """GetUser's answer, with a `sub` as Cognito always sends."""
    items = [{"Name": "sub", "Value": "f0e1d2c3-1111-4111-8111-0123456789ab"}]
    items += [{"Name": name, "Value": value} for name, value in attributes.items()]
    return {"Username": username, "UserAttributes": items}


class TestSignInName:
    def test_ordinary_username_is_kept_even_with_an_email(self) -> None:
        assert sign_in_name(get_user("alice", email="alice@example.com")) == "alice"

    def test_uuid_username_is_labelled_by_the_email(self) -> None:
        answer = get_user(UUID_NAME, email="alice@example.com", preferred_username="ally")
        assert sign_in_name(answer) == "alice@example.com"

    def test_uppercase_uuid_is_still_internal(self) -> None:
        answer = get_user(UUID_NAME.upper(), email="alice@example.com")
        assert sign_in_name(answer) == "alice@example.com"

    def test_uuid_username_without_email_uses_the_preferred_username(self) -> None:
        assert sign_in_name(get_user(UUID_NAME, preferred_username="ally")) == "ally"

    def test_empty_email_is_skipped(self) -> None:
        answer = get_user(UUID_NAME, email="", preferred_username="ally")
        assert sign_in_name(answer) == "ally"

    def test_a_phone_sign_in_is_labelled_by_the_number(self) -> None:
        answer = {
            "Username": UUID_NAME,
            "UserAttributes": [{"Name": "phone_number", "Value": "+15550100123"}],
        }
        assert sign_in_name(answer) == "+15550100123"

    def test_uuid_with_nothing_else_stays_the_uuid(self) -> None:
        assert sign_in_name(get_user(UUID_NAME)) == UUID_NAME
        assert sign_in_name({"Username": UUID_NAME}) == UUID_NAME

    def test_name_that_only_contains_a_uuid_is_a_username(self) -> None:
        name = f"svc-{UUID_NAME}"
        assert sign_in_name(get_user(name, email="svc@example.com")) == name


STUB_SETTINGS = Settings(
    region="eu-west-2",
    user_pool_id="eu-west-2_AbCdEf123",
    client_id="1example23456789abcdefghij",
    endpoint_url="http://127.0.0.1:9",  # never contacted: the Stubber answers first
)
FAKE_ACCESS = "fake-access-token"
FAKE_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.mark.parametrize(
    ("answer", "label"),
    [
        pytest.param(
            get_user(UUID_NAME, email="alice@example.com"), "alice@example.com", id="email"
        ),
        pytest.param(get_user(UUID_NAME, preferred_username="ally"), "ally", id="preferred"),
        pytest.param(get_user("bob", email="bob@example.com"), "bob", id="username"),
    ],
)
def test_access_token_from_elsewhere_is_labelled_by_the_sign_in_name(
    answer: dict[str, Any], label: str
) -> None:
    client = make_client(STUB_SETTINGS)
    with Stubber(client) as stub:
        stub.add_response("get_user", answer, {"AccessToken": FAKE_ACCESS})
        stub.add_response(
            "associate_software_token", {"SecretCode": FAKE_SECRET}, {"AccessToken": FAKE_ACCESS}
        )
        enrolment = TokenEnrolment.from_access_token(ServiceCalls(client), f" {FAKE_ACCESS}\n")
        assert enrolment.username == label
        # The secret is shown for that name: the QR's label and the screen's account.
        assert enrolment.start().username == label
        stub.assert_no_pending_responses()
