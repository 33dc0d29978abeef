"""The engine against Cognito answers the local emulator cannot give, via botocore's Stubber.

The client is the real one `make_client` builds (pointed at a port nothing listens on); the
Stubber checks every request against the Cognito API model and against the exact parameters
AWS needs: the newest Session, SECRET_HASH computed with the name Cognito uses for the user,
and a PASSWORD_VERIFIER proof that a real SRP server accepts. All values here are made up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from botocore import UNSIGNED
from botocore.stub import ANY, Stubber

from totp_tui.cognito.client import make_client
from totp_tui.cognito.errors import CognitoError, Recovery
from totp_tui.cognito.flow import (
    AlreadyEnrolled,
    ChallengeNotHandled,
    CodeRequired,
    Enrolled,
    EnrolmentFlow,
    FactorChoice,
    NewPasswordRequired,
    OtherCodeRequired,
    SignedInWithCode,
    SignedInWithoutSetup,
    TotpSecretIssued,
    parse_mfas_can_setup,
    secret_hash,
)
from totp_tui.cognito.token_enrolment import TokenEnrolment
from totp_tui.config.settings import Settings
from totp_tui.demo.srp_server import SrpServer

POOL_ID = "eu-west-2_AbCdEf123"
CLIENT_ID = "1example23456789abcdefghij"
CLIENT_SECRET = "fake-client-secret-0123456789abcdefghijklmnopqrstuv"
SIGN_IN_NAME = "alice@example.com"  # what the person types (an email alias)
INTERNAL_NAME = "a1b2c3d4-0000-4000-8000-0123456789ab"  # what Cognito calls her afterwards
PASSWORD = "fake-Password-1"
NEW_PASSWORD = "fake-New-Password-2"
FAKE_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
TOKENS = {"AccessToken": "fake-access", "IdToken": "fake-id", "ExpiresIn": 3600}

BASE_SETTINGS = Settings(
    region="eu-west-2",
    user_pool_id=POOL_ID,
    client_id=CLIENT_ID,
    endpoint_url="http://127.0.0.1:9",  # never contacted: the Stubber answers first
)


def session(n: int) -> str:
    """A made-up Session, distinct per step (the API wants at least 20 characters)."""
    return f"fake-session-{n:02d}-" + "x" * 20


def expected_hash(username: str) -> str:
    """SECRET_HASH computed here, independently of the engine."""
    digest = hmac.new(
        CLIENT_SECRET.encode(), (username + CLIENT_ID).encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


class Stubbed:
    """One flow over a real, stubbed client; `expect` queues one request and its answer."""

    def __init__(self, settings: Settings) -> None:
        self.client = make_client(settings)
        self.stub = Stubber(self.client)
        self.flow = EnrolmentFlow(settings, self.client)
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.client.meta.events.register("before-parameter-build.cognito-idp", self._record)

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.sent.append((model.name, dict(params)))

    def expect(self, operation: str, expected: dict[str, Any], answer: dict[str, Any]) -> None:
        self.stub.add_response(operation, answer, expected)

    def expect_error(
        self, operation: str, expected: dict[str, Any], code: str, message: str
    ) -> None:
        self.stub.add_client_error(
            operation,
            service_error_code=code,
            service_message=message,
            http_status_code=400,
            expected_params=expected,
        )


@pytest.fixture
def stubbed() -> Iterator[Stubbed]:
    harness = Stubbed(replace(BASE_SETTINGS, auth_flow="USER_PASSWORD_AUTH"))
    with harness.stub:
        yield harness
        harness.stub.assert_no_pending_responses()


@pytest.fixture
def stubbed_with_secret() -> Iterator[Stubbed]:
    harness = Stubbed(
        replace(BASE_SETTINGS, auth_flow="USER_PASSWORD_AUTH", client_secret=CLIENT_SECRET)
    )
    with harness.stub:
        yield harness
        harness.stub.assert_no_pending_responses()


# --- Request shapes ----------------------------------------------------------------------------


def password_auth(username: str = SIGN_IN_NAME, with_hash: bool = False) -> dict[str, Any]:
    params = {"USERNAME": username, "PASSWORD": PASSWORD}
    if with_hash:
        params["SECRET_HASH"] = expected_hash(username)
    return {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": CLIENT_ID, "AuthParameters": params}


def answer(
    challenge: str, responses: dict[str, Any], session_id: str | None, hash_for: str | None = None
) -> dict[str, Any]:
    responses = dict(responses)
    if hash_for is not None:
        responses["SECRET_HASH"] = expected_hash(hash_for)
    request: dict[str, Any] = {
        "ClientId": CLIENT_ID,
        "ChallengeName": challenge,
        "ChallengeResponses": responses,
    }
    if session_id is not None:
        request["Session"] = session_id
    return request


def new_password_answer(
    username: str, session_id: str, hash_for: str | None = None
) -> dict[str, Any]:
    """The NEW_PASSWORD_REQUIRED answer with NEW_PASSWORD and no required attributes."""
    return answer(
        "NEW_PASSWORD_REQUIRED",
        {"USERNAME": username, "NEW_PASSWORD": NEW_PASSWORD},
        session_id,
        hash_for=hash_for,
    )


def challenge(name: str, session_id: str, **parameters: str) -> dict[str, Any]:
    return {"ChallengeName": name, "Session": session_id, "ChallengeParameters": parameters}


MFA_SETUP_TOTP = {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]'}


def expect_enrolment(
    harness: Stubbed, first: int, username: str, with_hash: bool, code: str = "123456"
) -> None:
    """Associate (Session first) → verify (first+1) → MFA_SETUP answer (first+2) → tokens."""
    harness.expect(
        "associate_software_token",
        {"Session": session(first)},
        {"SecretCode": FAKE_SECRET, "Session": session(first + 1)},
    )
    harness.expect(
        "verify_software_token",
        {"Session": session(first + 1), "UserCode": code, "FriendlyDeviceName": "totp-tui"},
        {"Status": "SUCCESS", "Session": session(first + 2)},
    )
    harness.expect(
        "respond_to_auth_challenge",
        answer(
            "MFA_SETUP",
            {"USERNAME": username},
            session(first + 2),
            hash_for=username if with_hash else None,
        ),
        {"AuthenticationResult": TOKENS},
    )


# --- The client itself -------------------------------------------------------------------------


def test_client_is_unsigned_and_follows_the_settings() -> None:
    settings = replace(BASE_SETTINGS, connect_timeout=3.0, read_timeout=7.0)
    client = make_client(settings)
    assert client.meta.endpoint_url == "http://127.0.0.1:9"
    assert client.meta.region_name == "eu-west-2"
    # No IAM signature: people enrolling have no AWS credentials, and none are looked for.
    assert client.meta.config.signature_version is UNSIGNED
    assert (client.meta.config.connect_timeout, client.meta.config.read_timeout) == (3.0, 7.0)


# --- MFA_SETUP offers --------------------------------------------------------------------------


class TestMfaSetupOffers:
    @pytest.mark.parametrize(
        ("raw", "parsed"),
        [
            ('["SMS_MFA","SOFTWARE_TOKEN_MFA"]', ("SMS_MFA", "SOFTWARE_TOKEN_MFA")),
            ('["EMAIL_OTP"]', ("EMAIL_OTP",)),
            ("['SOFTWARE_TOKEN_MFA']", ("SOFTWARE_TOKEN_MFA",)),  # moto's Python repr
            (["SOFTWARE_TOKEN_MFA"], ("SOFTWARE_TOKEN_MFA",)),
            ("", ()),
            (None, ()),
        ],
    )
    def test_parse(self, raw: str | list[str] | None, parsed: tuple[str, ...]) -> None:
        assert parse_mfas_can_setup(raw) == parsed

    def test_json_list_offering_totp_and_sms_leads_to_totp(self, stubbed: Stubbed) -> None:
        stubbed.expect(
            "initiate_auth",
            password_auth(),
            challenge("MFA_SETUP", session(1), MFAS_CAN_SETUP='["SMS_MFA","SOFTWARE_TOKEN_MFA"]'),
        )
        expect_enrolment(stubbed, 1, SIGN_IN_NAME, with_hash=False)
        step = stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        assert isinstance(step, TotpSecretIssued)
        matches = step.secret == FAKE_SECRET
        assert matches, "the secret shown is not the one AssociateSoftwareToken returned"
        assert stubbed.flow.verify_code("123456") == Enrolled(SIGN_IN_NAME)

    @pytest.mark.parametrize("offered", ['["SMS_MFA"]', '["SMS_MFA","EMAIL_OTP"]'])
    def test_no_totp_on_offer_stops_and_names_totp(self, stubbed: Stubbed, offered: str) -> None:
        stubbed.expect(
            "initiate_auth",
            password_auth(),
            challenge("MFA_SETUP", session(1), MFAS_CAN_SETUP=offered),
        )
        with pytest.raises(CognitoError) as caught:
            stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        assert caught.value.code == "TotpNotOffered"
        assert caught.value.recovery is Recovery.STOP
        assert "TOTP" in caught.value.message and "SMS_MFA" in caught.value.message
        # No AssociateSoftwareToken was made, and the Session is gone.
        assert [name for name, _ in stubbed.sent] == ["InitiateAuth"]
        with pytest.raises(CognitoError) as later:
            stubbed.flow.verify_code("123456")
        assert later.value.recovery is Recovery.SIGN_IN_AGAIN


# --- Verify and retry --------------------------------------------------------------------------


class TestVerify:
    def _to_secret(self, harness: Stubbed) -> None:
        harness.expect(
            "initiate_auth", password_auth(), challenge("MFA_SETUP", session(1), **MFA_SETUP_TOTP)
        )
        harness.expect(
            "associate_software_token",
            {"Session": session(1)},
            {"SecretCode": FAKE_SECRET, "Session": session(2)},
        )
        assert isinstance(harness.flow.sign_in(SIGN_IN_NAME, PASSWORD), TotpSecretIssued)

    def test_wrong_code_on_aws_is_retry_input_and_the_same_session_is_reused(
        self, stubbed: Stubbed
    ) -> None:
        self._to_secret(stubbed)
        verify = {"Session": session(2), "FriendlyDeviceName": "totp-tui"}
        stubbed.expect_error(
            "verify_software_token",
            {**verify, "UserCode": "000000"},
            "EnableSoftwareTokenMFAException",
            "Code mismatch and fail enable Software Token MFA",
        )
        with pytest.raises(CognitoError) as caught:
            stubbed.flow.verify_code("000000")
        assert caught.value.recovery is Recovery.RETRY_INPUT
        assert "code is not right" in caught.value.message
        # The retry sends the same Session: the secret on the phone stays valid.
        stubbed.expect(
            "verify_software_token",
            {**verify, "UserCode": "123456"},
            {"Status": "SUCCESS", "Session": session(3)},
        )
        stubbed.expect(
            "respond_to_auth_challenge",
            answer("MFA_SETUP", {"USERNAME": SIGN_IN_NAME}, session(3)),
            {"AuthenticationResult": TOKENS},
        )
        assert stubbed.flow.verify_code("123456") == Enrolled(SIGN_IN_NAME)
        associates = [name for name, _ in stubbed.sent].count("AssociateSoftwareToken")
        assert associates == 1

    def test_status_error_is_retry_input_and_the_newest_session_is_used(
        self, stubbed: Stubbed
    ) -> None:
        self._to_secret(stubbed)
        stubbed.expect(
            "verify_software_token",
            {"Session": session(2), "UserCode": "000000", "FriendlyDeviceName": "totp-tui"},
            {"Status": "ERROR", "Session": session(3)},
        )
        with pytest.raises(CognitoError) as caught:
            stubbed.flow.verify_code("000000")
        assert caught.value.recovery is Recovery.RETRY_INPUT
        assert "did not accept the code" in caught.value.message
        stubbed.expect(
            "verify_software_token",
            {"Session": session(3), "UserCode": "123456", "FriendlyDeviceName": "my phone"},
            {"Status": "SUCCESS", "Session": session(4)},
        )
        stubbed.expect(
            "respond_to_auth_challenge",
            answer("MFA_SETUP", {"USERNAME": SIGN_IN_NAME}, session(4)),
            {"AuthenticationResult": TOKENS},
        )
        assert stubbed.flow.verify_code("123456", "my phone") == Enrolled(SIGN_IN_NAME)

    def test_expired_session_at_verify_means_sign_in_again(self, stubbed: Stubbed) -> None:
        self._to_secret(stubbed)
        stubbed.expect_error(
            "verify_software_token",
            {"Session": session(2), "UserCode": "123456", "FriendlyDeviceName": "totp-tui"},
            "NotAuthorizedException",
            "Invalid session for the user, session is expired.",
        )
        with pytest.raises(CognitoError) as caught:
            stubbed.flow.verify_code("123456")
        assert caught.value.recovery is Recovery.SIGN_IN_AGAIN
        assert "expired" in caught.value.message and "Sign in again" in caught.value.message
        assert "password" not in caught.value.message.lower()

    def test_expired_session_at_new_password_means_sign_in_again(self, stubbed: Stubbed) -> None:
        stubbed.expect(
            "initiate_auth",
            password_auth(),
            challenge("NEW_PASSWORD_REQUIRED", session(1), USER_ID_FOR_SRP=SIGN_IN_NAME),
        )
        stubbed.expect_error(
            "respond_to_auth_challenge",
            new_password_answer(SIGN_IN_NAME, session(1)),
            "NotAuthorizedException",
            "Invalid session for the user, session is expired.",
        )
        assert isinstance(stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD), NewPasswordRequired)
        with pytest.raises(CognitoError) as caught:
            stubbed.flow.set_new_password(NEW_PASSWORD)
        assert caught.value.recovery is Recovery.SIGN_IN_AGAIN

    def test_associate_answer_without_a_secret_is_an_error_not_a_crash(
        self, stubbed: Stubbed
    ) -> None:
        stubbed.expect(
            "initiate_auth", password_auth(), challenge("MFA_SETUP", session(1), **MFA_SETUP_TOTP)
        )
        stubbed.expect("associate_software_token", {"Session": session(1)}, {})
        with pytest.raises(CognitoError) as caught:
            stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        assert caught.value.recovery is Recovery.RETRY_LATER

    def test_retry_after_associate_failed_resumes_at_mfa_setup(self, stubbed: Stubbed) -> None:
        """Cognito took the new password, then AssociateSoftwareToken failed: pressing Enter
        again must retry AssociateSoftwareToken with the MFA_SETUP Session, not answer
        NEW_PASSWORD_REQUIRED a second time (that Session is no longer for it)."""
        stubbed.expect(
            "initiate_auth",
            password_auth(),
            challenge("NEW_PASSWORD_REQUIRED", session(1), USER_ID_FOR_SRP=SIGN_IN_NAME),
        )
        stubbed.expect(
            "respond_to_auth_challenge",
            new_password_answer(SIGN_IN_NAME, session(1)),
            challenge("MFA_SETUP", session(2), **MFA_SETUP_TOTP),
        )
        stubbed.expect_error(
            "associate_software_token",
            {"Session": session(2)},
            "InternalErrorException",
            "Internal error",
        )
        stubbed.expect(
            "associate_software_token",
            {"Session": session(2)},
            {"SecretCode": FAKE_SECRET, "Session": session(3)},
        )
        assert isinstance(stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD), NewPasswordRequired)
        with pytest.raises(CognitoError) as caught:
            stubbed.flow.set_new_password(NEW_PASSWORD)
        assert caught.value.recovery is Recovery.RETRY_LATER
        step = stubbed.flow.set_new_password(NEW_PASSWORD)
        assert isinstance(step, TotpSecretIssued)
        assert [name for name, _ in stubbed.sent].count("RespondToAuthChallenge") == 1


# --- Names, Sessions and SECRET_HASH -----------------------------------------------------------


class TestPasswordFlowNamesAndHashes:
    def test_alias_sign_in_answers_with_the_internal_name(
        self, stubbed_with_secret: Stubbed
    ) -> None:
        harness = stubbed_with_secret
        harness.expect(
            "initiate_auth",
            password_auth(SIGN_IN_NAME, with_hash=True),
            # AWS's shape: the internal name comes as USER_ID_FOR_SRP, with no USERNAME.
            challenge(
                "NEW_PASSWORD_REQUIRED",
                session(1),
                USER_ID_FOR_SRP=INTERNAL_NAME,
                requiredAttributes="[]",
                userAttributes='{"email":"alice@example.com"}',
            ),
        )
        harness.expect(
            "respond_to_auth_challenge",
            new_password_answer(INTERNAL_NAME, session(1), hash_for=INTERNAL_NAME),
            challenge("MFA_SETUP", session(2), **MFA_SETUP_TOTP),
        )
        expect_enrolment(harness, 2, INTERNAL_NAME, with_hash=True)
        step = harness.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        assert step == NewPasswordRequired(INTERNAL_NAME, ())
        assert isinstance(harness.flow.set_new_password(NEW_PASSWORD), TotpSecretIssued)
        assert harness.flow.verify_code("123456") == Enrolled(INTERNAL_NAME)

    def test_username_from_challenge_parameters_wins(self, stubbed_with_secret: Stubbed) -> None:
        harness = stubbed_with_secret
        harness.expect(
            "initiate_auth",
            password_auth(SIGN_IN_NAME, with_hash=True),
            challenge("NEW_PASSWORD_REQUIRED", session(1), USERNAME=INTERNAL_NAME),
        )
        harness.expect(
            "respond_to_auth_challenge",
            new_password_answer(INTERNAL_NAME, session(1), hash_for=INTERNAL_NAME),
            challenge("MFA_SETUP", session(2), USERNAME=INTERNAL_NAME, **MFA_SETUP_TOTP),
        )
        expect_enrolment(harness, 2, INTERNAL_NAME, with_hash=True)
        harness.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        harness.flow.set_new_password(NEW_PASSWORD)
        assert harness.flow.verify_code("123456") == Enrolled(INTERNAL_NAME)

    def test_without_a_client_secret_no_hash_is_sent(self, stubbed: Stubbed) -> None:
        # The expected requests have no SECRET_HASH key and the Stubber compares whole maps.
        stubbed.expect(
            "initiate_auth",
            password_auth(),
            challenge("NEW_PASSWORD_REQUIRED", session(1), USER_ID_FOR_SRP=SIGN_IN_NAME),
        )
        stubbed.expect(
            "respond_to_auth_challenge",
            new_password_answer(SIGN_IN_NAME, session(1)),
            challenge("MFA_SETUP", session(2), **MFA_SETUP_TOTP),
        )
        expect_enrolment(stubbed, 2, SIGN_IN_NAME, with_hash=False)
        stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        stubbed.flow.set_new_password(NEW_PASSWORD)
        assert stubbed.flow.verify_code("123456") == Enrolled(SIGN_IN_NAME)

    def test_username_is_trimmed(self, stubbed: Stubbed) -> None:
        stubbed.expect("initiate_auth", password_auth("alice"), {"AuthenticationResult": TOKENS})
        assert stubbed.flow.sign_in("  alice \t", PASSWORD) == SignedInWithoutSetup("alice")

    def test_engine_hash_matches_the_independent_one(self) -> None:
        for name in (SIGN_IN_NAME, INTERNAL_NAME, "Zoë", ""):
            same = secret_hash(CLIENT_SECRET, name, CLIENT_ID) == expected_hash(name)
            assert same, f"secret_hash differs for {name!r}"


class TestRequiredAttributes:
    def test_required_attributes_are_asked_for_and_sent_back(self, stubbed: Stubbed) -> None:
        stubbed.expect(
            "initiate_auth",
            password_auth(),
            challenge(
                "NEW_PASSWORD_REQUIRED",
                session(1),
                USER_ID_FOR_SRP=SIGN_IN_NAME,
                requiredAttributes='["userAttributes.email","userAttributes.given_name"]',
                userAttributes="{}",
            ),
        )
        stubbed.expect(
            "respond_to_auth_challenge",
            answer(
                "NEW_PASSWORD_REQUIRED",
                {
                    "USERNAME": SIGN_IN_NAME,
                    "NEW_PASSWORD": NEW_PASSWORD,
                    "userAttributes.email": "alice@example.com",
                    "userAttributes.given_name": "Alice",
                },
                session(1),
            ),
            {"AuthenticationResult": TOKENS},
        )
        step = stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        assert isinstance(step, NewPasswordRequired)
        assert step.required_attributes == ("email", "given_name")
        result = stubbed.flow.set_new_password(
            NEW_PASSWORD, {"email": "alice@example.com", "given_name": "Alice"}
        )
        # MFA optional on this pool: signed in, nothing enrolled.
        assert result == SignedInWithoutSetup(SIGN_IN_NAME)

    def test_single_required_attribute(self, stubbed: Stubbed) -> None:
        stubbed.expect(
            "initiate_auth",
            password_auth(),
            challenge(
                "NEW_PASSWORD_REQUIRED",
                session(1),
                requiredAttributes='["userAttributes.email"]',
            ),
        )
        step = stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        assert step == NewPasswordRequired(SIGN_IN_NAME, ("email",))


class TestChallengesNotHandled:
    @pytest.mark.parametrize(
        ("name", "words"),
        [
            # Without MFAS_CAN_CHOOSE there is nothing to choose from.
            ("SELECT_MFA_TYPE", "SELECT_MFA_TYPE"),
            ("CUSTOM_CHALLENGE", "custom"),
            ("WEB_AUTHN", "passkey"),
            ("DEVICE_SRP_AUTH", "device"),
        ],
    )
    def test_recognised_with_a_clear_message(self, stubbed: Stubbed, name: str, words: str) -> None:
        stubbed.expect("initiate_auth", password_auth(), challenge(name, session(1)))
        step = stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        assert isinstance(step, ChallengeNotHandled)
        assert step.challenge == name
        assert words in step.message
        assert "\n" not in step.message
        # The flow keeps no Session it cannot use.
        with pytest.raises(CognitoError) as caught:
            stubbed.flow.verify_code("123456")
        assert caught.value.recovery is Recovery.SIGN_IN_AGAIN
        assert [op for op, _ in stubbed.sent] == ["InitiateAuth"]


class TestServiceAnswersThatNeedSettings:
    def test_password_flow_not_enabled_points_at_auth_flow(self, stubbed: Stubbed) -> None:
        stubbed.expect_error(
            "initiate_auth",
            password_auth(),
            "InvalidParameterException",
            "USER_PASSWORD_AUTH flow not enabled for this client",
        )
        with pytest.raises(CognitoError) as caught:
            stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        assert caught.value.recovery is Recovery.FIX_SETTINGS
        assert "--auth-flow" in caught.value.message

    @pytest.mark.parametrize(
        "message",
        [
            f"Client {CLIENT_ID} is configured with secret but SECRET_HASH was not received",
            f"Unable to verify secret hash for client {CLIENT_ID}",
        ],
    )
    def test_missing_or_wrong_client_secret(self, stubbed: Stubbed, message: str) -> None:
        stubbed.expect_error("initiate_auth", password_auth(), "NotAuthorizedException", message)
        with pytest.raises(CognitoError) as caught:
            stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        assert caught.value.recovery is Recovery.FIX_SETTINGS
        assert "TOTP_TUI_CLIENT_SECRET" in caught.value.message

    def test_answer_that_is_not_cognito(self, stubbed: Stubbed) -> None:
        # A 200 with neither tokens nor a challenge: not something Cognito sends.
        stubbed.expect("initiate_auth", password_auth(), {})
        with pytest.raises(CognitoError) as caught:
            stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        assert caught.value.recovery is Recovery.RETRY_LATER
        assert "not Cognito" in caught.value.message


# --- SRP ---------------------------------------------------------------------------------------


@pytest.fixture
def srp_with_secret() -> Iterator[Stubbed]:
    harness = Stubbed(
        replace(BASE_SETTINGS, auth_flow="USER_SRP_AUTH", client_secret=CLIENT_SECRET)
    )
    with harness.stub:
        yield harness
        harness.stub.assert_no_pending_responses()


def srp_start(username: str, with_hash: bool) -> dict[str, Any]:
    params = {"USERNAME": username, "SRP_A": ANY}
    if with_hash:
        params["SECRET_HASH"] = expected_hash(username)
    return {"AuthFlow": "USER_SRP_AUTH", "ClientId": CLIENT_ID, "AuthParameters": params}


def srp_answer(
    server: SrpServer, username: str, session_id: str | None, with_hash: bool
) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "USERNAME": username,
        "TIMESTAMP": ANY,
        "PASSWORD_CLAIM_SECRET_BLOCK": server.secret_block,
        "PASSWORD_CLAIM_SIGNATURE": ANY,
    }
    return answer(
        "PASSWORD_VERIFIER", responses, session_id, hash_for=username if with_hash else None
    )


class TestSrp:
    def _proof_accepted(self, harness: Stubbed, server: SrpServer) -> bool:
        start = next(params for op, params in harness.sent if op == "InitiateAuth")
        proof = next(params for op, params in harness.sent if op == "RespondToAuthChallenge")
        responses = proof["ChallengeResponses"]
        return server.accepts(
            start["AuthParameters"]["SRP_A"],
            responses["TIMESTAMP"],
            responses["PASSWORD_CLAIM_SIGNATURE"],
        )

    def test_alias_sign_in_with_secret_through_enrolment(self, srp_with_secret: Stubbed) -> None:
        harness = srp_with_secret
        server = SrpServer(POOL_ID, INTERNAL_NAME, PASSWORD)
        harness.expect(
            "initiate_auth",
            srp_start(SIGN_IN_NAME, with_hash=True),
            {
                "ChallengeName": "PASSWORD_VERIFIER",
                "Session": session(1),
                "ChallengeParameters": server.parameters(INTERNAL_NAME),
            },
        )
        harness.expect(
            "respond_to_auth_challenge",
            srp_answer(server, INTERNAL_NAME, session(1), with_hash=True),
            challenge(
                "NEW_PASSWORD_REQUIRED",
                session(2),
                USER_ID_FOR_SRP=INTERNAL_NAME,
                requiredAttributes="[]",
            ),
        )
        harness.expect(
            "respond_to_auth_challenge",
            new_password_answer(INTERNAL_NAME, session(2), hash_for=INTERNAL_NAME),
            challenge("MFA_SETUP", session(3), **MFA_SETUP_TOTP),
        )
        expect_enrolment(harness, 3, INTERNAL_NAME, with_hash=True)

        assert harness.flow.sign_in(SIGN_IN_NAME, PASSWORD) == NewPasswordRequired(INTERNAL_NAME)
        assert self._proof_accepted(harness, server), "the SRP server refuses the password proof"
        step = harness.flow.set_new_password(NEW_PASSWORD)
        assert isinstance(step, TotpSecretIssued)
        assert harness.flow.verify_code("123456") == Enrolled(INTERNAL_NAME)

    def test_password_verifier_without_session(self, srp_with_secret: Stubbed) -> None:
        harness = srp_with_secret
        server = SrpServer(POOL_ID, INTERNAL_NAME, PASSWORD)
        harness.expect(
            "initiate_auth",
            srp_start("alice", with_hash=True),
            {
                "ChallengeName": "PASSWORD_VERIFIER",
                "ChallengeParameters": server.parameters("alice"),
            },
        )
        harness.expect(
            "respond_to_auth_challenge",
            srp_answer(server, "alice", None, with_hash=True),
            {"AuthenticationResult": TOKENS},
        )
        assert harness.flow.sign_in("alice", PASSWORD) == SignedInWithoutSetup("alice")
        assert self._proof_accepted(harness, server)

    def test_wrong_password_gives_a_proof_the_server_refuses(self) -> None:
        harness = Stubbed(replace(BASE_SETTINGS, auth_flow="USER_SRP_AUTH"))
        server = SrpServer(POOL_ID, INTERNAL_NAME, PASSWORD)
        with harness.stub:
            harness.expect(
                "initiate_auth",
                srp_start(SIGN_IN_NAME, with_hash=False),
                {
                    "ChallengeName": "PASSWORD_VERIFIER",
                    "Session": session(1),
                    "ChallengeParameters": server.parameters(INTERNAL_NAME),
                },
            )
            harness.expect_error(
                "respond_to_auth_challenge",
                srp_answer(server, INTERNAL_NAME, session(1), with_hash=False),
                "NotAuthorizedException",
                "Incorrect username or password.",
            )
            with pytest.raises(CognitoError) as caught:
                harness.flow.sign_in(SIGN_IN_NAME, "fake-Wrong-Password-3")
            harness.stub.assert_no_pending_responses()
        assert not self._proof_accepted(harness, server)
        assert caught.value.recovery is Recovery.RETRY_INPUT
        assert caught.value.message == "Incorrect username or password."

    def test_proof_depends_on_the_pool(self) -> None:
        # The pool id's second half is part of the SRP maths: a typo in it fails sign-in.
        harness = Stubbed(replace(BASE_SETTINGS, auth_flow="USER_SRP_AUTH"))
        server = SrpServer("eu-west-2_OtherPool9", INTERNAL_NAME, PASSWORD)
        with harness.stub:
            harness.expect(
                "initiate_auth",
                srp_start(SIGN_IN_NAME, with_hash=False),
                {
                    "ChallengeName": "PASSWORD_VERIFIER",
                    "ChallengeParameters": server.parameters(INTERNAL_NAME),
                },
            )
            harness.expect(
                "respond_to_auth_challenge",
                srp_answer(server, INTERNAL_NAME, None, with_hash=False),
                {"AuthenticationResult": TOKENS},
            )
            harness.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        assert not self._proof_accepted(harness, server)

    def test_malformed_challenge_is_a_clear_error(self, srp_with_secret: Stubbed) -> None:
        harness = srp_with_secret
        server = SrpServer(POOL_ID, INTERNAL_NAME, PASSWORD)
        parameters = server.parameters(INTERNAL_NAME)
        del parameters["SALT"]
        harness.expect(
            "initiate_auth",
            srp_start(SIGN_IN_NAME, with_hash=True),
            {
                "ChallengeName": "PASSWORD_VERIFIER",
                "Session": session(1),
                "ChallengeParameters": parameters,
            },
        )
        with pytest.raises(CognitoError) as caught:
            harness.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        assert caught.value.recovery is Recovery.RETRY_LATER
        assert "malformed" in caught.value.message


# --- Enrolled users: SELECT_MFA_TYPE, SOFTWARE_TOKEN_MFA -----------------------------------------


class TestSelectMfaType:
    @pytest.mark.parametrize("with_hash", [False, True])
    def test_totp_among_the_choices_is_chosen_and_its_code_asked_for(
        self, with_hash: bool, request: pytest.FixtureRequest
    ) -> None:
        harness: Stubbed = request.getfixturevalue(
            "stubbed_with_secret" if with_hash else "stubbed"
        )
        hash_for = SIGN_IN_NAME if with_hash else None
        harness.expect(
            "initiate_auth",
            password_auth(with_hash=with_hash),
            challenge(
                "SELECT_MFA_TYPE",
                session(1),
                MFAS_CAN_CHOOSE='["SMS_MFA","SOFTWARE_TOKEN_MFA"]',
                USER_ID_FOR_SRP=SIGN_IN_NAME,
            ),
        )
        harness.expect(
            "respond_to_auth_challenge",
            answer(
                "SELECT_MFA_TYPE",
                {"USERNAME": SIGN_IN_NAME, "ANSWER": "SOFTWARE_TOKEN_MFA"},
                session(1),
                hash_for=hash_for,
            ),
            challenge("SOFTWARE_TOKEN_MFA", session(2), USER_ID_FOR_SRP=SIGN_IN_NAME),
        )
        harness.expect(
            "respond_to_auth_challenge",
            answer(
                "SOFTWARE_TOKEN_MFA",
                {"USERNAME": SIGN_IN_NAME, "SOFTWARE_TOKEN_MFA_CODE": "123456"},
                session(2),
                hash_for=hash_for,
            ),
            {"AuthenticationResult": TOKENS},
        )
        assert harness.flow.sign_in(SIGN_IN_NAME, PASSWORD) == CodeRequired(SIGN_IN_NAME)
        assert harness.flow.answer_code("123456") == AlreadyEnrolled(SIGN_IN_NAME)
        # Signed in: the access token is what replacing the app takes.
        assert harness.flow.token_enrolment().username == SIGN_IN_NAME

    def test_no_totp_among_the_choices_lets_the_person_choose(self, stubbed: Stubbed) -> None:
        stubbed.expect(
            "initiate_auth",
            password_auth(),
            challenge("SELECT_MFA_TYPE", session(1), MFAS_CAN_CHOOSE='["SMS_MFA","EMAIL_OTP"]'),
        )
        step = stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        assert step == FactorChoice(SIGN_IN_NAME, ("SMS_MFA", "EMAIL_OTP"))
        assert [op for op, _ in stubbed.sent] == ["InitiateAuth"]  # nothing chosen for them

    def test_wrong_code_keeps_the_challenge_for_another_try(self, stubbed: Stubbed) -> None:
        stubbed.expect(
            "initiate_auth", password_auth(), challenge("SOFTWARE_TOKEN_MFA", session(1))
        )
        code_answer = {"USERNAME": SIGN_IN_NAME, "SOFTWARE_TOKEN_MFA_CODE": "000000"}
        stubbed.expect_error(
            "respond_to_auth_challenge",
            answer("SOFTWARE_TOKEN_MFA", code_answer, session(1)),
            "CodeMismatchException",
            "Invalid code received for user",
        )
        stubbed.expect(
            "respond_to_auth_challenge",
            answer(
                "SOFTWARE_TOKEN_MFA",
                {**code_answer, "SOFTWARE_TOKEN_MFA_CODE": "123456"},
                session(1),
            ),
            {"AuthenticationResult": TOKENS},
        )
        assert stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD) == CodeRequired(SIGN_IN_NAME)
        with pytest.raises(CognitoError) as caught:
            stubbed.flow.answer_code("000000")
        assert caught.value.recovery is Recovery.RETRY_INPUT
        assert stubbed.flow.answer_code("123456") == AlreadyEnrolled(SIGN_IN_NAME)


class TestSeveralFactorsAtSetup:
    def test_sms_email_and_totp_offered_leads_to_totp_and_names_the_others(
        self, stubbed: Stubbed
    ) -> None:
        stubbed.expect(
            "initiate_auth",
            password_auth(),
            challenge(
                "MFA_SETUP",
                session(1),
                MFAS_CAN_SETUP='["SMS_MFA","EMAIL_OTP","SOFTWARE_TOKEN_MFA"]',
            ),
        )
        expect_enrolment(stubbed, 1, SIGN_IN_NAME, with_hash=False)
        step = stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        assert isinstance(step, TotpSecretIssued)
        assert step.also_offered == ("SMS_MFA", "EMAIL_OTP")
        assert stubbed.flow.verify_code("123456") == Enrolled(SIGN_IN_NAME)

    def test_only_totp_offered_names_nothing_else(self, stubbed: Stubbed) -> None:
        stubbed.expect(
            "initiate_auth", password_auth(), challenge("MFA_SETUP", session(1), **MFA_SETUP_TOTP)
        )
        stubbed.expect(
            "associate_software_token",
            {"Session": session(1)},
            {"SecretCode": FAKE_SECRET, "Session": session(2)},
        )
        step = stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        assert isinstance(step, TotpSecretIssued)
        assert step.also_offered == ()


# --- Enrolling with the access token -----------------------------------------------------------

ACCESS = TOKENS["AccessToken"]
PREFERENCE = {
    "AccessToken": ACCESS,
    "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True},
}


class TestTokenEnrolment:
    def _signed_in(self, harness: Stubbed) -> TokenEnrolment:
        harness.expect("initiate_auth", password_auth(), {"AuthenticationResult": TOKENS})
        harness.expect(
            "associate_software_token", {"AccessToken": ACCESS}, {"SecretCode": FAKE_SECRET}
        )
        assert harness.flow.sign_in(SIGN_IN_NAME, PASSWORD) == SignedInWithoutSetup(SIGN_IN_NAME)
        enrolment = harness.flow.token_enrolment()
        issued = enrolment.start()
        matches = issued.secret == FAKE_SECRET
        assert matches, "the secret shown is not the one AssociateSoftwareToken returned"
        return enrolment

    @pytest.mark.parametrize(
        "wrong",
        [
            pytest.param(("error", "EnableSoftwareTokenMFAException"), id="aws-error"),
            pytest.param(("error", "CodeMismatchException"), id="emulator-error"),
            pytest.param(("status", "ERROR"), id="status-error"),
        ],
    )
    def test_preference_is_set_after_a_right_code_not_after_a_wrong_one(
        self, stubbed: Stubbed, wrong: tuple[str, str]
    ) -> None:
        enrolment = self._signed_in(stubbed)
        verify = {"AccessToken": ACCESS, "FriendlyDeviceName": "totp-tui"}
        kind, value = wrong
        if kind == "error":
            stubbed.expect_error(
                "verify_software_token", {**verify, "UserCode": "000000"}, value, "Code mismatch"
            )
        else:
            stubbed.expect(
                "verify_software_token", {**verify, "UserCode": "000000"}, {"Status": value}
            )
        with pytest.raises(CognitoError) as caught:
            enrolment.verify_code("000000")
        assert caught.value.recovery is Recovery.RETRY_INPUT
        assert "SetUserMFAPreference" not in [op for op, _ in stubbed.sent]

        stubbed.expect(
            "verify_software_token",
            {**verify, "UserCode": "123456", "FriendlyDeviceName": "my phone"},
            {"Status": "SUCCESS"},
        )
        stubbed.expect("set_user_mfa_preference", PREFERENCE, {})
        assert enrolment.verify_code("123456", "my phone") == Enrolled(SIGN_IN_NAME)
        assert [op for op, _ in stubbed.sent][-2:] == [
            "VerifySoftwareToken",
            "SetUserMFAPreference",
        ]

    def test_expired_access_token_means_sign_in_again_and_says_why(self, stubbed: Stubbed) -> None:
        enrolment = self._signed_in(stubbed)
        stubbed.expect_error(
            "verify_software_token",
            {"AccessToken": ACCESS, "UserCode": "123456", "FriendlyDeviceName": "totp-tui"},
            "NotAuthorizedException",
            "Access Token has expired",
        )
        with pytest.raises(CognitoError) as caught:
            enrolment.verify_code("123456")
        assert caught.value.recovery is Recovery.SIGN_IN_AGAIN
        assert "access token" in caught.value.message
        assert "Incorrect username or password" not in caught.value.message
        assert "SetUserMFAPreference" not in [op for op, _ in stubbed.sent]


# --- Codes by SMS or email at sign-in, and the move to the app ---------------------------------

# (challenge, answer field, masked destination as Cognito sends it, medium,
#  SetUserMFAPreference setting, the factor's name)
CODE_BY_MESSAGE = [
    pytest.param(
        "SMS_MFA", "SMS_MFA_CODE", "+*******0123", "SMS", "SMSMfaSettings", "SMS", id="sms-mfa"
    ),
    pytest.param(
        "SMS_OTP", "SMS_OTP_CODE", "+*******0123", "SMS", "SMSMfaSettings", "SMS", id="sms-otp"
    ),
    pytest.param(
        "EMAIL_OTP",
        "EMAIL_OTP_CODE",
        "a***@e***",
        "EMAIL",
        "EmailMfaSettings",
        "email",
        id="email-otp",
    ),
]


def code_challenge(name: str, session_id: str, destination: str, medium: str) -> dict[str, Any]:
    """AWS's shape after a password sign-in by alias: the internal name as USER_ID_FOR_SRP."""
    return challenge(
        name,
        session_id,
        CODE_DELIVERY_DELIVERY_MEDIUM=medium,
        CODE_DELIVERY_DESTINATION=destination,
        USER_ID_FOR_SRP=INTERNAL_NAME,
    )


def expect_move(harness: Stubbed, setting: str, keep: bool) -> None:
    """Associate → verify → one SetUserMFAPreference: the app on and preferred, the other
    factor kept (not preferred) or off."""
    harness.expect("associate_software_token", {"AccessToken": ACCESS}, {"SecretCode": FAKE_SECRET})
    harness.expect(
        "verify_software_token",
        {"AccessToken": ACCESS, "UserCode": "123456", "FriendlyDeviceName": "totp-tui"},
        {"Status": "SUCCESS"},
    )
    harness.expect(
        "set_user_mfa_preference",
        {**PREFERENCE, setting: {"Enabled": keep, "PreferredMfa": False}},
        {},
    )


class TestCodeByMessage:
    @pytest.mark.parametrize("keep", [False, True], ids=["other-off", "other-kept"])
    @pytest.mark.parametrize(
        ("name", "field", "destination", "medium", "setting", "factor"), CODE_BY_MESSAGE
    )
    def test_code_then_move_to_the_app(
        self,
        stubbed_with_secret: Stubbed,
        name: str,
        field: str,
        destination: str,
        medium: str,
        setting: str,
        factor: str,
        keep: bool,
    ) -> None:
        harness = stubbed_with_secret
        harness.expect(
            "initiate_auth",
            password_auth(SIGN_IN_NAME, with_hash=True),
            code_challenge(name, session(1), destination, medium),
        )
        harness.expect(
            "respond_to_auth_challenge",
            answer(name, {"USERNAME": INTERNAL_NAME, field: "654321"}, session(1), INTERNAL_NAME),
            {"AuthenticationResult": TOKENS},
        )
        expect_move(harness, setting, keep)

        step = harness.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        assert step == OtherCodeRequired(INTERNAL_NAME, name, destination)
        assert step.factor == factor
        step = harness.flow.answer_other_code("654321")
        assert step == SignedInWithCode(INTERNAL_NAME, name)
        assert step.factor == factor

        enrolment = harness.flow.token_enrolment(keep_other=keep)
        assert enrolment.start().username == INTERNAL_NAME
        enrolled = enrolment.verify_code("123456")
        assert enrolled == Enrolled(INTERNAL_NAME, moved_from=factor, kept=keep)
        assert [op for op, _ in harness.sent] == [
            "InitiateAuth",
            "RespondToAuthChallenge",
            "AssociateSoftwareToken",
            "VerifySoftwareToken",
            "SetUserMFAPreference",
        ]

    def test_no_destination_is_an_empty_one(self, stubbed: Stubbed) -> None:
        stubbed.expect("initiate_auth", password_auth(), challenge("SMS_MFA", session(1)))
        step = stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        assert step == OtherCodeRequired(SIGN_IN_NAME, "SMS_MFA", "")

    def test_wrong_code_can_be_typed_again_with_the_same_session(self, stubbed: Stubbed) -> None:
        stubbed.expect(
            "initiate_auth",
            password_auth(),
            code_challenge("EMAIL_OTP", session(1), "a***@e***", "EMAIL"),
        )
        wrong = {"USERNAME": INTERNAL_NAME, "EMAIL_OTP_CODE": "00000000"}
        stubbed.expect_error(
            "respond_to_auth_challenge",
            answer("EMAIL_OTP", wrong, session(1)),
            "CodeMismatchException",
            "Invalid code or auth state for the user.",
        )
        stubbed.expect(
            "respond_to_auth_challenge",
            answer("EMAIL_OTP", {**wrong, "EMAIL_OTP_CODE": "12345678"}, session(1)),
            {"AuthenticationResult": TOKENS},
        )
        assert isinstance(stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD), OtherCodeRequired)
        with pytest.raises(CognitoError) as caught:
            stubbed.flow.answer_other_code("00000000")
        assert caught.value.recovery is Recovery.RETRY_INPUT
        assert stubbed.flow.answer_other_code("12345678") == SignedInWithCode(
            INTERNAL_NAME, "EMAIL_OTP"
        )

    @pytest.mark.parametrize(
        ("name", "field", "destination", "medium", "setting", "factor"), CODE_BY_MESSAGE
    )
    def test_wrong_texted_or_emailed_code_does_not_speak_of_the_app(
        self,
        stubbed: Stubbed,
        name: str,
        field: str,
        destination: str,
        medium: str,
        setting: str,
        factor: str,
    ) -> None:
        """The person typed a code from a text message or an email; they have no
        authenticator app yet, so "check the app shows this account" sends them looking
        for something that is not there."""
        stubbed.expect(
            "initiate_auth", password_auth(), code_challenge(name, session(1), destination, medium)
        )
        stubbed.expect_error(
            "respond_to_auth_challenge",
            answer(name, {"USERNAME": INTERNAL_NAME, field: "000000"}, session(1)),
            "CodeMismatchException",
            "Invalid code or auth state for the user.",
        )
        stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        with pytest.raises(CognitoError) as caught:
            stubbed.flow.answer_other_code("000000")
        assert caught.value.recovery is Recovery.RETRY_INPUT
        assert "the app" not in caught.value.message, caught.value.message

    def test_no_code_asked_means_sign_in_again(self, stubbed: Stubbed) -> None:
        stubbed.expect(
            "initiate_auth", password_auth(), challenge("SOFTWARE_TOKEN_MFA", session(1))
        )
        assert stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD) == CodeRequired(SIGN_IN_NAME)
        with pytest.raises(CognitoError) as caught:
            stubbed.flow.answer_other_code("123456")
        assert caught.value.recovery is Recovery.SIGN_IN_AGAIN
        assert [op for op, _ in stubbed.sent] == ["InitiateAuth"]


class TestFactorChoice:
    @pytest.mark.parametrize(
        ("choice", "field", "destination", "medium"),
        [
            ("SMS_MFA", "SMS_MFA_CODE", "+*******0123", "SMS"),
            ("EMAIL_OTP", "EMAIL_OTP_CODE", "a***@e***", "EMAIL"),
        ],
    )
    def test_chosen_factor_sends_its_code(
        self, stubbed_with_secret: Stubbed, choice: str, field: str, destination: str, medium: str
    ) -> None:
        harness = stubbed_with_secret
        harness.expect(
            "initiate_auth",
            password_auth(SIGN_IN_NAME, with_hash=True),
            challenge(
                "SELECT_MFA_TYPE",
                session(1),
                MFAS_CAN_CHOOSE='["SMS_MFA","EMAIL_OTP"]',
                USER_ID_FOR_SRP=INTERNAL_NAME,
            ),
        )
        harness.expect(
            "respond_to_auth_challenge",
            answer(
                "SELECT_MFA_TYPE",
                {"USERNAME": INTERNAL_NAME, "ANSWER": choice},
                session(1),
                hash_for=INTERNAL_NAME,
            ),
            code_challenge(choice, session(2), destination, medium),
        )
        harness.expect(
            "respond_to_auth_challenge",
            answer(choice, {"USERNAME": INTERNAL_NAME, field: "654321"}, session(2), INTERNAL_NAME),
            {"AuthenticationResult": TOKENS},
        )
        step = harness.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        assert step == FactorChoice(INTERNAL_NAME, ("SMS_MFA", "EMAIL_OTP"))
        step = harness.flow.choose_factor(choice)
        assert step == OtherCodeRequired(INTERNAL_NAME, choice, destination)
        assert harness.flow.answer_other_code("654321") == SignedInWithCode(INTERNAL_NAME, choice)

    def test_totp_among_three_choices_is_answered_without_asking(self, stubbed: Stubbed) -> None:
        stubbed.expect(
            "initiate_auth",
            password_auth(),
            challenge(
                "SELECT_MFA_TYPE",
                session(1),
                MFAS_CAN_CHOOSE='["SMS_MFA","EMAIL_OTP","SOFTWARE_TOKEN_MFA"]',
            ),
        )
        stubbed.expect(
            "respond_to_auth_challenge",
            answer(
                "SELECT_MFA_TYPE",
                {"USERNAME": SIGN_IN_NAME, "ANSWER": "SOFTWARE_TOKEN_MFA"},
                session(1),
            ),
            challenge("SOFTWARE_TOKEN_MFA", session(2)),
        )
        assert stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD) == CodeRequired(SIGN_IN_NAME)


class TestSessionExpiredKind:
    def test_expired_session_at_verify_is_marked_expired(self, stubbed: Stubbed) -> None:
        stubbed.expect(
            "initiate_auth", password_auth(), challenge("MFA_SETUP", session(1), **MFA_SETUP_TOTP)
        )
        stubbed.expect(
            "associate_software_token",
            {"Session": session(1)},
            {"SecretCode": FAKE_SECRET, "Session": session(2)},
        )
        verify = {"Session": session(2), "FriendlyDeviceName": "totp-tui"}
        stubbed.expect_error(
            "verify_software_token",
            {**verify, "UserCode": "000000"},
            "CodeMismatchException",
            "Code mismatch",
        )
        stubbed.expect_error(
            "verify_software_token",
            {**verify, "UserCode": "123456"},
            "NotAuthorizedException",
            "Invalid session for the user, session is expired.",
        )
        assert isinstance(stubbed.flow.sign_in(SIGN_IN_NAME, PASSWORD), TotpSecretIssued)
        with pytest.raises(CognitoError) as wrong:
            stubbed.flow.verify_code("000000")
        assert not wrong.value.session_expired
        with pytest.raises(CognitoError) as expired:
            stubbed.flow.verify_code("123456")
        assert expired.value.session_expired
        assert expired.value.recovery is Recovery.SIGN_IN_AGAIN


# --- Choice-based sign-in (USER_AUTH) -------------------------------------------------------------

USER_AUTH: Any = "USER_AUTH"  # Settings' AuthFlow may not list it yet; the engine reads it


def user_auth_start(username: str, with_hash: bool) -> dict[str, Any]:
    params = {"USERNAME": username, "SRP_A": ANY, "PREFERRED_CHALLENGE": "PASSWORD_SRP"}
    if with_hash:
        params["SECRET_HASH"] = expected_hash(username)
    return {"AuthFlow": "USER_AUTH", "ClientId": CLIENT_ID, "AuthParameters": params}


def select_challenge(session_id: str, *offered: str) -> dict[str, Any]:
    return {
        "ChallengeName": "SELECT_CHALLENGE",
        "Session": session_id,
        "ChallengeParameters": {},
        "AvailableChallenges": list(offered),
    }


def user_auth_harness(with_secret: bool) -> Stubbed:
    secret = CLIENT_SECRET if with_secret else None
    return Stubbed(replace(BASE_SETTINGS, auth_flow=USER_AUTH, client_secret=secret))


@pytest.fixture
def user_auth() -> Iterator[Stubbed]:
    harness = user_auth_harness(with_secret=False)
    with harness.stub:
        yield harness
        harness.stub.assert_no_pending_responses()


@pytest.fixture
def user_auth_with_secret() -> Iterator[Stubbed]:
    harness = user_auth_harness(with_secret=True)
    with harness.stub:
        yield harness
        harness.stub.assert_no_pending_responses()


def sent_password(harness: Stubbed) -> bool:
    """Whether the password went out in any request (SRP never sends it)."""
    return any(PASSWORD in repr(params) for _, params in harness.sent)


def srp_proof_accepted(harness: Stubbed, server: SrpServer) -> bool:
    """The PASSWORD_VERIFIER answer checked by the SRP server, with the SRP_A it was given
    (InitiateAuth's; the SELECT_CHALLENGE answer must repeat it)."""
    start = next(params for op, params in harness.sent if op == "InitiateAuth")
    srp_a = start["AuthParameters"]["SRP_A"]
    proof = next(
        params["ChallengeResponses"]
        for op, params in harness.sent
        if op == "RespondToAuthChallenge" and params["ChallengeName"] == "PASSWORD_VERIFIER"
    )
    return server.accepts(srp_a, proof["TIMESTAMP"], proof["PASSWORD_CLAIM_SIGNATURE"])


class TestUserAuth:
    def test_password_verifier_straight_away_then_mfa_setup(
        self, user_auth_with_secret: Stubbed
    ) -> None:
        harness = user_auth_with_secret
        server = SrpServer(POOL_ID, INTERNAL_NAME, PASSWORD)
        harness.expect(
            "initiate_auth",
            user_auth_start(SIGN_IN_NAME, with_hash=True),
            {
                "ChallengeName": "PASSWORD_VERIFIER",
                "Session": session(1),
                "ChallengeParameters": server.parameters(INTERNAL_NAME),
            },
        )
        harness.expect(
            "respond_to_auth_challenge",
            srp_answer(server, INTERNAL_NAME, session(1), with_hash=True),
            challenge("MFA_SETUP", session(2), **MFA_SETUP_TOTP),
        )
        expect_enrolment(harness, 2, INTERNAL_NAME, with_hash=True)
        step = harness.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        assert isinstance(step, TotpSecretIssued)
        assert step.username == INTERNAL_NAME
        assert srp_proof_accepted(harness, server), "the SRP server refuses the password proof"
        assert not sent_password(harness)
        assert harness.flow.verify_code("123456") == Enrolled(INTERNAL_NAME)

    @pytest.mark.parametrize(
        "offered",
        [
            ("PASSWORD_SRP",),
            ("WEB_AUTHN", "EMAIL_OTP", "PASSWORD", "PASSWORD_SRP"),  # SRP, though listed last
        ],
    )
    def test_select_challenge_is_answered_with_srp(
        self, user_auth_with_secret: Stubbed, offered: tuple[str, ...]
    ) -> None:
        harness = user_auth_with_secret
        server = SrpServer(POOL_ID, INTERNAL_NAME, PASSWORD)
        harness.expect(
            "initiate_auth",
            user_auth_start(SIGN_IN_NAME, with_hash=True),
            select_challenge(session(1), *offered),
        )
        harness.expect(
            "respond_to_auth_challenge",
            answer(
                "SELECT_CHALLENGE",
                {"USERNAME": SIGN_IN_NAME, "ANSWER": "PASSWORD_SRP", "SRP_A": ANY},
                session(1),
                hash_for=SIGN_IN_NAME,
            ),
            {
                "ChallengeName": "PASSWORD_VERIFIER",
                "Session": session(2),
                "ChallengeParameters": server.parameters(INTERNAL_NAME),
            },
        )
        harness.expect(
            "respond_to_auth_challenge",
            srp_answer(server, INTERNAL_NAME, session(2), with_hash=True),
            {"AuthenticationResult": TOKENS},
        )
        assert harness.flow.sign_in(SIGN_IN_NAME, PASSWORD) == SignedInWithoutSetup(INTERNAL_NAME)
        start, select = (params for _, params in harness.sent[:2])
        same_a = start["AuthParameters"]["SRP_A"] == select["ChallengeResponses"]["SRP_A"]
        assert same_a, "the SELECT_CHALLENGE answer carries another SRP_A than InitiateAuth's"
        assert srp_proof_accepted(harness, server), "the SRP server refuses the password proof"
        assert not sent_password(harness)

    @pytest.mark.parametrize("with_secret", [False, True])
    def test_select_challenge_with_only_a_password_sends_it(self, with_secret: bool) -> None:
        harness = user_auth_harness(with_secret)
        hash_for = INTERNAL_NAME if with_secret else None
        with harness.stub:
            harness.expect(
                "initiate_auth",
                user_auth_start(SIGN_IN_NAME, with_hash=with_secret),
                select_challenge(session(1), "WEB_AUTHN", "PASSWORD"),
            )
            harness.expect(
                "respond_to_auth_challenge",
                answer(
                    "SELECT_CHALLENGE",
                    {"USERNAME": SIGN_IN_NAME, "ANSWER": "PASSWORD", "PASSWORD": PASSWORD},
                    session(1),
                    hash_for=SIGN_IN_NAME if with_secret else None,
                ),
                challenge("SOFTWARE_TOKEN_MFA", session(2), USERNAME=INTERNAL_NAME),
            )
            harness.expect(
                "respond_to_auth_challenge",
                answer(
                    "SOFTWARE_TOKEN_MFA",
                    {"USERNAME": INTERNAL_NAME, "SOFTWARE_TOKEN_MFA_CODE": "123456"},
                    session(2),
                    hash_for=hash_for,
                ),
                {"AuthenticationResult": TOKENS},
            )
            assert harness.flow.sign_in(SIGN_IN_NAME, PASSWORD) == CodeRequired(INTERNAL_NAME)
            assert harness.flow.answer_code("123456") == AlreadyEnrolled(INTERNAL_NAME)
            harness.stub.assert_no_pending_responses()

    @pytest.mark.parametrize(
        "offered", [("WEB_AUTHN", "EMAIL_OTP"), ("SMS_OTP",), ("WEB_AUTHN", "EMAIL_OTP", "SMS_OTP")]
    )
    def test_passwordless_only_stops_and_names_what_was_offered(
        self, user_auth: Stubbed, offered: tuple[str, ...]
    ) -> None:
        user_auth.expect(
            "initiate_auth",
            user_auth_start(SIGN_IN_NAME, with_hash=False),
            select_challenge(session(1), *offered),
        )
        with pytest.raises(CognitoError) as caught:
            user_auth.flow.sign_in(SIGN_IN_NAME, PASSWORD)
        error = caught.value
        assert error.code == "PasswordlessOnly"
        assert error.recovery is Recovery.STOP
        for name in offered:
            assert name in error.message
        assert "\n" not in error.message
        # Nothing was chosen for the person, the password was not sent, the Session is gone.
        assert [op for op, _ in user_auth.sent] == ["InitiateAuth"]
        assert not sent_password(user_auth)
        with pytest.raises(CognitoError) as later:
            user_auth.flow.verify_code("123456")
        assert later.value.recovery is Recovery.SIGN_IN_AGAIN
