"""Errors as people read them: what happened, what to do, never a traceback or a web page."""

from __future__ import annotations

import http.server
import re
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore import exceptions as bx
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from tests.support.fault_proxy import self_signed_certificate
from totp_tui.cognito.client import make_client
from totp_tui.cognito.errors import (
    SERVICE_ERRORS,
    SESSION_EXPIRED,
    CognitoError,
    Recovery,
    from_client_error,
    from_exception,
)
from totp_tui.cognito.flow import EnrolmentFlow
from totp_tui.config.settings import Settings

R = Recovery
INCORRECT = "Incorrect username or password."

# What each documented service error must tell the person, written out here on purpose:
# (recovery, words the message must contain).
EXPECTED: dict[str, tuple[Recovery, tuple[str, ...]]] = {
    "NotAuthorizedException": (R.RETRY_INPUT, ("Incorrect username or password",)),
    "UserNotFoundException": (R.RETRY_INPUT, ("Incorrect username or password",)),
    "CodeMismatchException": (R.RETRY_INPUT, ("code is not right", "new code")),
    "EnableSoftwareTokenMFAException": (R.RETRY_INPUT, ("code is not right", "new code")),
    "ExpiredCodeException": (R.RETRY_INPUT, ("already used", "next code")),
    "InvalidPasswordException": (R.RETRY_INPUT, ("password policy",)),
    "SoftwareTokenMFANotFoundException": (R.STOP, ("TOTP", "administrator")),
    "InvalidParameterException": (R.RETRY_INPUT, ("refused a value",)),
    "InvalidUserPoolConfigurationException": (R.STOP, ("administrator",)),
    "PasswordResetRequiredException": (R.RESET_PASSWORD, ("password", "new one", "code")),
    "UserNotConfirmedException": (R.CONFIRM_SIGN_UP, ("not confirmed", "code")),
    "CodeDeliveryFailureException": (R.STOP, ("could not send the code", "administrator")),
    "ResourceNotFoundException": (R.FIX_SETTINGS, ("--region", "--user-pool-id", "--client-id")),
    "TooManyRequestsException": (R.RETRY_LATER, ("throttling",)),
    "LimitExceededException": (R.RETRY_LATER, ("Too many attempts", "Wait")),
    "ConcurrentModificationException": (R.RETRY_LATER, ("Try again",)),
    "ForbiddenException": (R.STOP, ("AWS WAF",)),
    "InternalErrorException": (R.RETRY_LATER, ("internal error",)),
}


def assert_readable(message: str) -> None:
    assert message.strip() == message and message
    assert "\n" not in message
    assert "Traceback" not in message and 'File "' not in message
    assert "<html" not in message.lower()


def client_error(code: str, message: str, operation: str = "InitiateAuth") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


class TestServiceErrors:
    def test_every_mapped_code_is_checked_here(self) -> None:
        assert set(SERVICE_ERRORS) == set(EXPECTED)

    @pytest.mark.parametrize("code", sorted(EXPECTED))
    def test_code_gives_its_message_and_recovery(self, code: str) -> None:
        recovery, words = EXPECTED[code]
        error = from_exception(client_error(code, "Some service detail"))
        assert isinstance(error, CognitoError)
        assert error.code == code
        assert error.recovery is recovery
        for word in words:
            assert word in error.message
        assert str(error) == error.message
        assert_readable(error.message)

    def test_no_user_enumeration(self) -> None:
        wrong_password = from_exception(client_error("NotAuthorizedException", INCORRECT))
        unknown_user = from_exception(client_error("UserNotFoundException", "User does not exist."))
        assert wrong_password.message == unknown_user.message == INCORRECT
        assert wrong_password.recovery is unknown_user.recovery is R.RETRY_INPUT

    def test_password_policy_detail_is_kept(self) -> None:
        detail = "Password did not conform with policy: Password must have uppercase characters"
        error = from_client_error("InvalidPasswordException", detail)
        assert detail in error.message and error.recovery is R.RETRY_INPUT

    @pytest.mark.parametrize(
        ("message", "recovery", "words"),
        [
            ("Invalid session for the user, session is expired.", R.SIGN_IN_AGAIN, "Sign in again"),
            ("Invalid session for the user.", R.SIGN_IN_AGAIN, "Sign in again"),
            (
                "Unable to verify secret hash for client 1example23456789abcdefghij",
                R.FIX_SETTINGS,
                "TOTP_TUI_CLIENT_SECRET",
            ),
            (
                "Client 1example23456789abcdefghij is configured with secret but SECRET_HASH "
                "was not received",
                R.FIX_SETTINGS,
                "TOTP_TUI_CLIENT_SECRET",
            ),
            ("Password attempts exceeded", R.STOP, "Wait at least 15 minutes"),
            (
                "Temporary password has expired and must be reset by an administrator.",
                R.STOP,
                "administrator",
            ),
            ("User is disabled.", R.STOP, "disabled"),
        ],
    )
    def test_not_authorized_variants(self, message: str, recovery: Recovery, words: str) -> None:
        error = from_exception(client_error("NotAuthorizedException", message))
        assert error.recovery is recovery
        assert words in error.message
        assert_readable(error.message)

    def test_secret_hash_missing_as_invalid_parameter(self) -> None:
        error = from_client_error(
            "InvalidParameterException", "Missing required parameter SECRET_HASH"
        )
        assert error.recovery is R.FIX_SETTINGS and "TOTP_TUI_CLIENT_SECRET" in error.message

    def test_auth_flow_not_enabled(self) -> None:
        error = from_client_error(
            "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client"
        )
        assert error.recovery is R.FIX_SETTINGS and "--auth-flow" in error.message

    def test_unknown_code_shows_code_and_message(self) -> None:
        error = from_exception(client_error("BrandNewException", "Something new went wrong."))
        assert error.code == "BrandNewException"
        assert "BrandNewException" in error.message
        assert "Something new went wrong." in error.message
        assert error.recovery is R.STOP
        assert_readable(error.message)

    @pytest.mark.parametrize("status", ["403", "502", "302"])
    def test_bare_http_status_is_not_cognito(self, status: str) -> None:
        # A proxy answered: botocore has only the status as a code and the page as a message.
        page = "<html><body><h1>Sign in to the hotel Wi-Fi</h1>\n</body></html>"
        error = from_exception(client_error(status, page))
        assert error.recovery is R.RETRY_LATER
        assert "not Cognito" in error.message and "--endpoint-url" in error.message
        assert_readable(error.message)


class TestBotocoreErrors:
    URL = "https://cognito-idp.eu-west-2.amazonaws.com/"

    @pytest.mark.parametrize(
        ("error", "recovery", "words"),
        [
            (
                bx.EndpointConnectionError(endpoint_url=URL),
                R.RETRY_LATER,
                ("Could not reach Cognito", "--endpoint-url"),
            ),
            (bx.ConnectTimeoutError(endpoint_url=URL), R.RETRY_LATER, ("--connect-timeout",)),
            (bx.ReadTimeoutError(endpoint_url=URL), R.RETRY_LATER, ("--read-timeout",)),
            (
                bx.SSLError(endpoint_url=URL, error=Exception("certificate verify failed")),
                R.FIX_SETTINGS,
                ("--ca-bundle", "AWS_CA_BUNDLE", "--no-verify-ssl"),
            ),
            (
                ResponseParserError("Unable to parse response (no element found), invalid XML"),
                R.RETRY_LATER,
                ("not Cognito", "--endpoint-url"),
            ),
            (
                bx.ProxyConnectionError(proxy_url="http://proxy:3128", error="refused"),
                R.RETRY_LATER,
                ("HTTPS_PROXY",),
            ),
            (bx.NoRegionError(), R.FIX_SETTINGS, ("--region",)),
            (
                bx.ConnectionClosedError(endpoint_url=URL),
                R.RETRY_LATER,
                ("request to Cognito failed",),
            ),
        ],
        ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None,
    )
    def test_mapped_with_the_option_to_change(
        self, error: Exception, recovery: Recovery, words: tuple[str, ...]
    ) -> None:
        translated = from_exception(error)
        assert translated.code == type(error).__name__
        assert translated.recovery is recovery
        for word in words:
            assert word in translated.message
        assert_readable(translated.message)

    def test_cognito_error_passes_through(self) -> None:
        original = CognitoError("X", "Already translated.", R.STOP)
        assert from_exception(original) is original

    def test_programming_errors_are_not_disguised(self) -> None:
        # A bug must surface as itself, not as a vague "request failed".
        with pytest.raises(KeyError):
            from_exception(KeyError("SecretCode"))

    def test_repr_is_one_line(self) -> None:
        error = from_exception(client_error("CodeMismatchException", "x"))
        assert repr(error).startswith("CognitoError('CodeMismatchException'")


# --- Real failures over the network, through the engine ------------------------------------


def settings_for(url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "region": "eu-west-2",
        "user_pool_id": "eu-west-2_AbC123",
        "client_id": "1example23456789abcdefghij",
        "auth_flow": "USER_PASSWORD_AUTH",
        "endpoint_url": url,
        "connect_timeout": 1.0,
        "read_timeout": 0.3,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def sign_in_error(settings: Settings) -> CognitoError:
    flow = EnrolmentFlow(settings, make_client(settings))
    with pytest.raises(CognitoError) as caught:
        flow.sign_in("alice", "fake-Password-1")
    assert_readable(caught.value.message)
    return caught.value


class _Answer(http.server.BaseHTTPRequestHandler):
    """Answers every POST with the server's canned status, content type and body."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        status, content_type, body = self.server.canned  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def web_server() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


PORTAL_PAGE = b"<html><head><title>Log in</title></head><body>Hotel Wi-Fi</body></html>"


class TestRealNetworkFailures:
    def test_nothing_listening(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        error = sign_in_error(settings_for(f"http://127.0.0.1:{port}"))
        assert error.recovery is R.RETRY_LATER
        assert "--endpoint-url" in error.message

    def test_server_that_never_answers(self) -> None:
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(8)
            port = silent.getsockname()[1]
            error = sign_in_error(settings_for(f"http://127.0.0.1:{port}", read_timeout=0.1))
        assert error.recovery is R.RETRY_LATER
        assert "--read-timeout" in error.message

    @pytest.mark.parametrize("status", [200, 403])
    def test_captive_portal_page(
        self, web_server: http.server.ThreadingHTTPServer, status: int
    ) -> None:
        web_server.canned = (status, "text/html", PORTAL_PAGE)  # type: ignore[attr-defined]
        url = f"http://127.0.0.1:{web_server.server_port}"
        error = sign_in_error(settings_for(url))
        assert error.recovery is R.RETRY_LATER
        assert "not Cognito" in error.message
        assert "Hotel" not in error.message

    def test_cognito_style_error_from_the_wire(
        self, web_server: http.server.ThreadingHTTPServer
    ) -> None:
        body = (
            b'{"__type":"ResourceNotFoundException","message":"User pool client x does not exist."}'
        )
        web_server.canned = (400, "application/x-amz-json-1.1", body)  # type: ignore[attr-defined]
        error = sign_in_error(settings_for(f"http://127.0.0.1:{web_server.server_port}"))
        assert error.recovery is R.FIX_SETTINGS
        assert "--client-id" in error.message


@pytest.fixture
def tls_server(
    tmp_path: Path, web_server: http.server.ThreadingHTTPServer
) -> tuple[http.server.ThreadingHTTPServer, Path]:
    """The web server behind a certificate no public CA signed (a corporate TLS proxy)."""
    cert, key = self_signed_certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    web_server.socket = context.wrap_socket(web_server.socket, server_side=True)
    body = b'{"__type":"ResourceNotFoundException","message":"User pool client x does not exist."}'
    web_server.canned = (400, "application/x-amz-json-1.1", body)  # type: ignore[attr-defined]
    return web_server, cert


class TestTls:
    def test_unknown_certificate_names_the_ca_bundle_options(
        self, tls_server: tuple[http.server.ThreadingHTTPServer, Path]
    ) -> None:
        server, _ = tls_server
        error = sign_in_error(settings_for(f"https://127.0.0.1:{server.server_port}"))
        assert error.recovery is R.FIX_SETTINGS
        assert "--ca-bundle" in error.message and "--no-verify-ssl" in error.message

    def test_ca_bundle_is_used(
        self, tls_server: tuple[http.server.ThreadingHTTPServer, Path]
    ) -> None:
        server, cert = tls_server
        url = f"https://127.0.0.1:{server.server_port}"
        # With the bundle the TLS handshake succeeds and Cognito's own answer comes through.
        error = sign_in_error(settings_for(url, ca_bundle=str(cert)))
        assert error.code == "ResourceNotFoundException"

    @pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
    def test_no_verify_ssl_is_used(
        self, tls_server: tuple[http.server.ThreadingHTTPServer, Path]
    ) -> None:
        server, _ = tls_server
        url = f"https://127.0.0.1:{server.server_port}"
        error = sign_in_error(settings_for(url, verify_ssl=False))
        assert error.code == "ResourceNotFoundException"


# --- NotAuthorizedException that is not a wrong password ------------------------------------------


def invites_a_retry(message: str) -> bool:
    """True if a sentence (or clause) speaks of trying or signing in again without saying
    that it will not help."""
    for clause in re.split(r"(?<=[.!?;:])\s+", message):
        lowered = f" {clause.lower()} "
        if "again" in lowered and " not " not in lowered:
            return True
    return False


class TestNotAuthorizedMeanings:
    """Cognito's own words for each case; retrying cannot help with any of them, so the
    message must not invite it, except the lock-out, where waiting is the advice."""

    CASES = {
        "User is disabled.": ("disabled", "administrator", "enable"),
        "Unable to login because of security reasons.": ("security reasons", "administrator"),
        "Password attempts exceeded": ("Too many wrong passwords", "Wait at least 15 minutes"),
        "Contact administrator to reset password.": ("Only an administrator", "reset"),
    }
    WAITING_IS_THE_ADVICE = {"Password attempts exceeded"}

    def test_the_retry_check_can_fail(self) -> None:
        assert invites_a_retry("Incorrect code. Try again.")
        assert invites_a_retry("The session has expired. Sign in again.")
        assert not invites_a_retry("Trying again will not help: ask the administrator.")

    @pytest.mark.parametrize("service_message", sorted(CASES))
    def test_own_message_stop_and_no_invitation_to_retry(self, service_message: str) -> None:
        error = from_exception(client_error("NotAuthorizedException", service_message))
        assert error.code == "NotAuthorizedException"
        assert error.recovery is R.STOP
        for words in self.CASES[service_message]:
            assert words in error.message
        assert INCORRECT not in error.message
        assert error.kind and error.kind != SESSION_EXPIRED
        assert not error.session_expired
        assert_readable(error.message)
        if service_message in self.WAITING_IS_THE_ADVICE:
            assert "wait" in error.message.lower()
        else:
            assert not invites_a_retry(error.message), error.message

    def test_each_meaning_is_told_apart(self) -> None:
        errors = [from_client_error("NotAuthorizedException", message) for message in self.CASES]
        assert len({error.kind for error in errors}) == len(errors)
        assert len({error.message for error in errors}) == len(errors)

    def test_moto_and_aws_spellings_of_disabled(self) -> None:
        # AdminInitiateAuth says "User is disabled" without the full stop.
        bare = from_client_error("NotAuthorizedException", "User is disabled")
        full = from_client_error("NotAuthorizedException", "User is disabled.")
        assert (bare.message, bare.recovery, bare.kind) == (full.message, full.recovery, full.kind)

    def test_expired_session_is_marked_as_such(self) -> None:
        error = from_exception(
            client_error(
                "NotAuthorizedException",
                "Invalid session for the user, session is expired.",
                "RespondToAuthChallenge",
            )
        )
        assert error.kind == SESSION_EXPIRED and error.session_expired
        assert error.recovery is R.SIGN_IN_AGAIN
        assert "Sign in again" in error.message and "password" not in error.message.lower()

    def test_wrong_password_is_not_an_expired_session(self) -> None:
        error = from_exception(client_error("NotAuthorizedException", INCORRECT))
        assert error.message == INCORRECT and error.recovery is R.RETRY_INPUT
        assert error.kind == "" and not error.session_expired


class TestAccountStates:
    def test_password_reset_required_leads_to_the_reset(self) -> None:
        error = from_exception(
            client_error("PasswordResetRequiredException", "Password reset required for the user")
        )
        assert error.recovery is R.RESET_PASSWORD
        assert "new one" in error.message and "code" in error.message
        assert not error.session_expired
        assert_readable(error.message)

    def test_unconfirmed_sign_up_leads_to_the_confirmation(self) -> None:
        error = from_exception(client_error("UserNotConfirmedException", "User is not confirmed."))
        assert error.recovery is R.CONFIRM_SIGN_UP
        assert "not confirmed" in error.message and "code" in error.message
        assert not error.session_expired
        assert_readable(error.message)
