"""The engine against the local Cognito over real HTTP: enrolment as a person goes through it,
then proof that it took (a fresh sign-in asks for, and accepts, a code from the secret).

Nothing here prints a password, secret, Session or token: comparisons of those are made into
booleans first, so a failure message says what went wrong without showing them.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyotp
import pytest

from tests.conftest import PoolUser, make_user, settings_for
from tests.support.totp_clock import code_now, wait_for_next_window, wrong_code
from totp_tui.cognito.client import make_client
from totp_tui.cognito.errors import CognitoError, Recovery
from totp_tui.cognito.flow import (
    AlreadyEnrolled,
    CodeRequired,
    Enrolled,
    EnrolmentFlow,
    NewPasswordRequired,
    OtherCodeRequired,
    SignedInWithCode,
    TotpSecretIssued,
)
from totp_tui.config.settings import RequestedSettings, Settings, effective_settings
from totp_tui.demo.local_cognito import (
    DemoPool,
    LocalCognito,
    active_secret,
    temporary_password,
)

FLOWS = ["USER_SRP_AUTH", "USER_PASSWORD_AUTH"]
CLIENT_KINDS = ["no secret", "with secret"]


class Watched:
    """A flow over a real client whose calls are counted by botocore's own event hooks."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client: Any = make_client(settings)
        self.flow = EnrolmentFlow(settings, self.client)
        self.operations: list[str] = []
        self.last_session: str | None = None
        self.authorization_headers = 0
        events = self.client.meta.events
        events.register("before-call.cognito-idp", self._before_call)
        events.register("after-call.cognito-idp", self._after_call)
        events.register("before-send.cognito-idp", self._before_send)

    def _before_call(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)

    def _after_call(self, parsed: dict[str, Any], **_: Any) -> None:
        self.last_session = parsed.get("Session") or self.last_session

    def _before_send(self, request: Any, **_: Any) -> None:
        if "Authorization" in request.headers:
            self.authorization_headers += 1


def is_cognito_style_secret(secret: str) -> bool:
    """32 base32 characters: 160 random bits, what Cognito issues and pyotp accepts."""
    if len(secret) != 32 or secret.upper() != secret:
        return False
    try:
        raw = base64.b32decode(secret)
    except ValueError:
        return False
    return len(raw) == 20 and len(pyotp.TOTP(secret).now()) == 6


def pool_of_kind(local_cognito: LocalCognito, kind: str) -> DemoPool:
    return local_cognito.create_pool(with_client_secret=kind == "with secret")


def enrol(watched: Watched, user: PoolUser) -> TotpSecretIssued:
    """Sign in with the temporary password, choose a new one, get the secret, with checks."""
    step = watched.flow.sign_in(user.username, user.password)
    assert step == NewPasswordRequired(user.username, ())
    issued = watched.flow.set_new_password(user.new_password)
    assert isinstance(issued, TotpSecretIssued)
    assert issued.username == user.username
    assert is_cognito_style_secret(issued.secret), "the secret is not 32 base32 chars / 160 bits"
    return issued


# --- Enrolment -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", CLIENT_KINDS)
@pytest.mark.parametrize("auth_flow", FLOWS)
def test_enrolment_with_a_wrong_then_right_code(
    local_cognito: LocalCognito, auth_flow: str, kind: str
) -> None:
    pool = pool_of_kind(local_cognito, kind)
    user = make_user(local_cognito, pool)
    watched = Watched(settings_for(local_cognito, pool, auth_flow=auth_flow))
    issued = enrol(watched, user)
    assert active_secret(pool.user_pool_id, user.username) is None  # nothing verified yet

    with pytest.raises(CognitoError) as caught:
        watched.flow.verify_code(wrong_code(issued.secret))
    assert caught.value.recovery is Recovery.RETRY_INPUT
    assert "code is not right" in caught.value.message

    # Same flow, same secret: the person types the next code from the app they already set up.
    assert watched.flow.verify_code(code_now(issued.secret)) == Enrolled(user.username)
    held = active_secret(pool.user_pool_id, user.username) == issued.secret
    assert held, "Cognito holds a different secret from the one the person was shown"

    first_steps = ["InitiateAuth"] + (
        ["RespondToAuthChallenge"] if auth_flow == "USER_SRP_AUTH" else []
    )
    assert watched.operations == [
        *first_steps,
        "RespondToAuthChallenge",  # NEW_PASSWORD_REQUIRED
        "AssociateSoftwareToken",
        "VerifySoftwareToken",  # wrong code
        "VerifySoftwareToken",
        "RespondToAuthChallenge",  # MFA_SETUP
    ]
    assert watched.flow.calls == len(watched.operations)
    assert watched.authorization_headers == 0  # no IAM signature, no credentials needed


def test_settings_from_flags_and_environment_reach_the_service(
    local_cognito: LocalCognito,
) -> None:
    # As the command line builds them: endpoint and client secret from the environment.
    pool = local_cognito.create_pool(with_client_secret=True)
    user = make_user(local_cognito, pool)
    assert pool.client_secret is not None
    settings = effective_settings(
        RequestedSettings(user_pool_id=pool.user_pool_id, client_id=pool.client_id),
        {
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": local_cognito.endpoint_url,
            "TOTP_TUI_CLIENT_SECRET": pool.client_secret,
        },
    )
    issued = enrol(Watched(settings), user)
    assert issued.username == user.username


def test_works_without_any_aws_credentials(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    watched = Watched(settings_for(local_cognito, pool))
    enrol(watched, user)
    assert watched.authorization_headers == 0


# --- Proof that enrolment took ---------------------------------------------------------------


@dataclass(frozen=True)
class EnrolledUser:
    pool: DemoPool
    user: PoolUser
    settings: Settings
    secret: str = field(repr=False)


@pytest.fixture(scope="module")
def enrolled_users(
    local_cognito: LocalCognito, sms_moves: dict[tuple[str, bool, str], EnrolledUser]
) -> Iterator[dict[tuple[str, str], EnrolledUser]]:
    """One enrolled user per sign-in flow and client kind, then ONE wait for the next TOTP
    window for all of them: Cognito refuses a code that was used once. The SMS users' moves
    to the app (`sms_moves`) are made before it, so that this one wait serves them too."""
    enrolled: dict[tuple[str, str], EnrolledUser] = {}
    for auth_flow in FLOWS:
        for kind in CLIENT_KINDS:
            pool = pool_of_kind(local_cognito, kind)
            user = make_user(local_cognito, pool)
            settings = settings_for(local_cognito, pool, auth_flow=auth_flow)
            watched = Watched(settings)
            issued = enrol(watched, user)
            assert watched.flow.verify_code(code_now(issued.secret)) == Enrolled(user.username)
            enrolled[auth_flow, kind] = EnrolledUser(pool, user, settings, issued.secret)
    wait_for_next_window()  # the slow part of this module (up to 30 s), paid once
    yield enrolled


class TestEnrolmentProvedBySignIn:
    """Slow: shares one wait for the next 30-second TOTP window (see `enrolled_users`)."""

    @pytest.mark.parametrize("kind", CLIENT_KINDS)
    @pytest.mark.parametrize("auth_flow", FLOWS)
    def test_next_sign_in_asks_for_and_accepts_a_code_from_the_secret(
        self, enrolled_users: dict[tuple[str, str], EnrolledUser], auth_flow: str, kind: str
    ) -> None:
        enrolled = enrolled_users[auth_flow, kind]
        user = enrolled.user
        watched = Watched(enrolled.settings)

        step = watched.flow.sign_in(user.username, user.new_password)
        assert isinstance(step, CodeRequired), type(step).__name__
        assert watched.last_session, "Cognito sent no Session with its SOFTWARE_TOKEN_MFA"

        with pytest.raises(CognitoError) as refused:
            watched.flow.answer_code(wrong_code(enrolled.secret))
        assert refused.value.code == "CodeMismatchException"
        assert refused.value.recovery is Recovery.RETRY_INPUT

        # The same challenge, answered right: signed in, as the user already enrolled.
        step = watched.flow.answer_code(code_now(enrolled.secret))
        assert isinstance(step, AlreadyEnrolled), type(step).__name__


# --- Mistakes people make ----------------------------------------------------------------------


def sign_in_error(settings: Settings, username: str, password: str) -> CognitoError:
    flow = EnrolmentFlow(settings, make_client(settings))
    with pytest.raises(CognitoError) as caught:
        flow.sign_in(username, password)
    return caught.value


@pytest.mark.parametrize("auth_flow", ["USER_SRP_AUTH", "USER_PASSWORD_AUTH"])
def test_wrong_password_reads_exactly_like_an_unknown_user(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, auth_flow: str
) -> None:
    # The local Cognito checks SRP proofs too (totp_tui/demo/srp_server.py).
    settings = settings_for(local_cognito, pool, auth_flow=auth_flow)
    wrong_password = sign_in_error(settings, user.username, "fake-Wrong-Password-1")
    unknown_user = sign_in_error(settings, "nobody-" + user.username, "fake-Wrong-Password-1")
    assert wrong_password.recovery is unknown_user.recovery is Recovery.RETRY_INPUT
    assert wrong_password.message == unknown_user.message == "Incorrect username or password."


def test_unknown_user_with_srp(local_cognito: LocalCognito, pool: DemoPool) -> None:
    error = sign_in_error(settings_for(local_cognito, pool), "nobody-here", "fake-Password-1")
    assert error.recovery is Recovery.RETRY_INPUT
    assert error.message == "Incorrect username or password."


def test_a_wrong_password_can_be_corrected_in_the_same_flow(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
) -> None:
    settings = settings_for(local_cognito, pool, auth_flow="USER_PASSWORD_AUTH")
    flow = EnrolmentFlow(settings, make_client(settings))
    with pytest.raises(CognitoError):
        flow.sign_in(user.username, "fake-Wrong-Password-1")
    assert flow.sign_in(user.username, user.password) == NewPasswordRequired(user.username)


@pytest.mark.parametrize("auth_flow", FLOWS)
def test_unknown_app_client_or_pool_means_fix_settings(
    local_cognito: LocalCognito, user: PoolUser, pool: DemoPool, auth_flow: str
) -> None:
    for settings in (
        settings_for(
            local_cognito, pool, auth_flow=auth_flow, client_id="nosuchclient0000000000000"
        ),
        settings_for(
            local_cognito,
            pool,
            auth_flow=auth_flow,
            user_pool_id="us-east-1_NoSuchPool",
            client_id="nosuchclient0000000000000",
        ),
    ):
        error = sign_in_error(settings, user.username, user.password)
        assert error.recovery is Recovery.FIX_SETTINGS
        assert "--client-id" in error.message and "--user-pool-id" in error.message


@pytest.mark.parametrize("auth_flow", FLOWS)
def test_new_password_against_the_policy_can_be_retried(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, auth_flow: str
) -> None:
    watched = Watched(settings_for(local_cognito, pool, auth_flow=auth_flow))
    assert watched.flow.sign_in(user.username, user.password) == NewPasswordRequired(user.username)
    with pytest.raises(CognitoError) as caught:
        watched.flow.set_new_password("short")
    assert caught.value.code == "InvalidPasswordException"
    assert caught.value.recovery is Recovery.RETRY_INPUT
    assert "password policy" in caught.value.message
    issued = watched.flow.set_new_password(user.new_password)
    assert isinstance(issued, TotpSecretIssued)
    assert watched.operations.count("AssociateSoftwareToken") == 1


# --- Moving from SMS codes to the app ------------------------------------------------------------
# The local Cognito sends no text message and accepts any SMS code; it gives no
# CODE_DELIVERY_DESTINATION (the stubbed tests check the destination shown).

SMS = "SMS_MFA"
TOTP = "SOFTWARE_TOKEN_MFA"
KEEP_SMS = [False, True]
ANY_SMS_CODE = "123456"


def make_sms_user(local_cognito: LocalCognito, pool: DemoPool) -> PoolUser:
    """A user who signs in with a code by SMS today. Their password is permanent: `password`
    and `new_password` are both it."""
    password = temporary_password()
    user = PoolUser(f"sms{secrets.token_hex(4)}", password, password)
    local_cognito.create_sms_user(pool, user.username, password)
    return user


def sms_pool(local_cognito: LocalCognito, kind: str) -> DemoPool:
    # MFA optional: on an MFA-ON pool the local Cognito's SRP asks for MFA_SETUP instead.
    return local_cognito.create_pool(mfa="OPTIONAL", with_client_secret=kind == "with secret")


def mfa_settings(local_cognito: LocalCognito, pool: DemoPool, username: str) -> tuple[Any, Any]:
    """AdminGetUser's (UserMFASettingList, sorted; PreferredMfaSetting)."""
    answer = local_cognito.admin_client(pool.region).admin_get_user(
        UserPoolId=pool.user_pool_id, Username=username
    )
    return sorted(answer.get("UserMFASettingList") or []), answer.get("PreferredMfaSetting")


def move_from_sms(
    local_cognito: LocalCognito, auth_flow: str, keep: bool, kind: str
) -> tuple[EnrolledUser, Watched]:
    """An SMS user signs in with the texted code, sets up the app with the access token and
    keeps SMS as a second option or turns it off; each step checked as a person sees it."""
    pool = sms_pool(local_cognito, kind)
    user = make_sms_user(local_cognito, pool)
    assert mfa_settings(local_cognito, pool, user.username) == ([SMS], SMS)
    watched = Watched(settings_for(local_cognito, pool, auth_flow=auth_flow))

    step = watched.flow.sign_in(user.username, user.password)
    assert step == OtherCodeRequired(user.username, SMS, "")
    assert step.factor == "SMS"
    assert watched.last_session, "Cognito sent no Session with its SMS_MFA challenge"
    step = watched.flow.answer_other_code(ANY_SMS_CODE)
    assert step == SignedInWithCode(user.username, SMS)

    enrolment = watched.flow.token_enrolment(keep_other=keep)
    issued = enrolment.start()
    assert issued.username == user.username
    assert is_cognito_style_secret(issued.secret), "the secret is not 32 base32 chars / 160 bits"
    # Until the app's code is verified, the account still signs in with SMS only.
    assert mfa_settings(local_cognito, pool, user.username) == ([SMS], SMS)

    enrolled = enrolment.verify_code(code_now(issued.secret))
    assert enrolled == Enrolled(user.username, moved_from="SMS", kept=keep)
    held = active_secret(pool.user_pool_id, user.username) == issued.secret
    assert held, "Cognito holds a different secret from the one the person was shown"
    # The app is on and preferred; SMS stays on as a second option only if kept.
    methods = sorted([TOTP, SMS] if keep else [TOTP])
    assert mfa_settings(local_cognito, pool, user.username) == (methods, TOTP)
    return EnrolledUser(pool, user, watched.settings, issued.secret), watched


@pytest.mark.parametrize("kind", CLIENT_KINDS)
@pytest.mark.parametrize("keep", KEEP_SMS, ids=["sms-off", "sms-kept"])
@pytest.mark.parametrize("auth_flow", FLOWS)
def test_sms_user_moves_to_the_app(
    local_cognito: LocalCognito, auth_flow: str, keep: bool, kind: str
) -> None:
    _, watched = move_from_sms(local_cognito, auth_flow, keep, kind)
    # The fewest calls there can be: no GetUser, no second SetUserMFAPreference for SMS.
    srp_proof = ["RespondToAuthChallenge"] if auth_flow == "USER_SRP_AUTH" else []
    assert watched.operations == [
        "InitiateAuth",
        *srp_proof,
        "RespondToAuthChallenge",  # SMS_MFA
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
        "SetUserMFAPreference",  # the app preferred, SMS kept or off, in one call
    ]
    assert watched.flow.calls == len(watched.operations)
    assert watched.authorization_headers == 0


def test_sms_to_app_with_the_password_flow_takes_five_calls(local_cognito: LocalCognito) -> None:
    _, watched = move_from_sms(local_cognito, "USER_PASSWORD_AUTH", False, "no secret")
    assert watched.operations == [
        "InitiateAuth",
        "RespondToAuthChallenge",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
        "SetUserMFAPreference",
    ]
    assert watched.flow.calls == 5


@pytest.mark.parametrize("auth_flow", FLOWS)
def test_wrong_app_code_leaves_the_sms_user_on_sms(
    local_cognito: LocalCognito, auth_flow: str
) -> None:
    pool = sms_pool(local_cognito, "no secret")
    user = make_sms_user(local_cognito, pool)
    settings = settings_for(local_cognito, pool, auth_flow=auth_flow)
    watched = Watched(settings)
    assert isinstance(watched.flow.sign_in(user.username, user.password), OtherCodeRequired)
    watched.flow.answer_other_code(ANY_SMS_CODE)
    enrolment = watched.flow.token_enrolment(keep_other=False)
    issued = enrolment.start()
    with pytest.raises(CognitoError) as caught:
        enrolment.verify_code(wrong_code(issued.secret))
    assert caught.value.recovery is Recovery.RETRY_INPUT
    assert "code is not right" in caught.value.message
    assert "SetUserMFAPreference" not in watched.operations
    assert mfa_settings(local_cognito, pool, user.username) == ([SMS], SMS)
    # The next sign-in still texts a code: nothing was switched off.
    step = EnrolmentFlow(settings, make_client(settings)).sign_in(user.username, user.password)
    assert isinstance(step, OtherCodeRequired), type(step).__name__


@pytest.fixture(scope="module")
def sms_moves(local_cognito: LocalCognito) -> dict[tuple[str, bool, str], EnrolledUser]:
    """One SMS user moved to the app per sign-in flow, SMS kept or not, and client kind.
    `enrolled_users` asks for this first: its one wait for the next window serves these too."""
    moved: dict[tuple[str, bool, str], EnrolledUser] = {}
    for auth_flow in FLOWS:
        for keep in KEEP_SMS:
            for kind in CLIENT_KINDS:
                user, _ = move_from_sms(local_cognito, auth_flow, keep, kind)
                moved[auth_flow, keep, kind] = user
    return moved


class TestMoveFromSmsProvedBySignIn:
    """Slow: shares `enrolled_users`' wait for the next 30-second TOTP window."""

    @pytest.mark.parametrize("kind", CLIENT_KINDS)
    @pytest.mark.parametrize("keep", KEEP_SMS, ids=["sms-off", "sms-kept"])
    @pytest.mark.parametrize("auth_flow", FLOWS)
    def test_next_sign_in_asks_for_the_app_code_not_sms(
        self,
        sms_moves: dict[tuple[str, bool, str], EnrolledUser],
        enrolled_users: dict[tuple[str, str], EnrolledUser],
        auth_flow: str,
        keep: bool,
        kind: str,
    ) -> None:
        moved = sms_moves[auth_flow, keep, kind]
        watched = Watched(moved.settings)
        # Even with SMS kept, the app is preferred: no text message is sent.
        step = watched.flow.sign_in(moved.user.username, moved.user.password)
        assert step == CodeRequired(moved.user.username)
        step = watched.flow.answer_code(code_now(moved.secret))
        assert step == AlreadyEnrolled(moved.user.username)


# --- Accounts that cannot sign in ---------------------------------------------------------------


@pytest.mark.parametrize("auth_flow", FLOWS)
def test_disabled_user_is_told_so_and_not_asked_to_retry(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, auth_flow: str
) -> None:
    local_cognito.admin_client(pool.region).admin_disable_user(
        UserPoolId=pool.user_pool_id, Username=user.username
    )
    watched = Watched(settings_for(local_cognito, pool, auth_flow=auth_flow))
    with pytest.raises(CognitoError) as caught:
        watched.flow.sign_in(user.username, user.password)
    error = caught.value
    assert error.code == "NotAuthorizedException"
    assert error.recovery is Recovery.STOP
    assert "disabled" in error.message and "administrator" in error.message
    assert error.message != "Incorrect username or password."
    assert not error.session_expired
    assert watched.operations == ["InitiateAuth"]
