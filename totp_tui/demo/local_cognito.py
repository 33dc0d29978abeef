"""A local Cognito on 127.0.0.1 for `totp-tui demo` and for the tests.

moto's server (the optional `demo` extra) is the only offline emulator with the Session-based
MFA_SETUP flow. Three of its shortcuts are fixed here, so that a real authenticator app works
and a wrong password fails as on AWS: every user gets the same 60-bit secret "asdfasdfasdf"
(pyotp refuses it, and it is not what Cognito issues), codes are only checked with
MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP=true, and SRP sign-in (USER_SRP_AUTH) accepts any
password, because moto sends a random SRP_B and never checks PASSWORD_CLAIM_SIGNATURE.

Two operations moto lacks are added for the helpdesk's lost-phone reset: AdminDeleteSoftwareToken
and what AWS does after AdminResetUserPassword (demo/token_deletion.py). Request quotas that
answer TooManyRequestsException can be set for the pool report (demo/request_quotas.py).
"""

from __future__ import annotations

import base64
import os
import secrets
import socket
import string
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from totp_tui.demo import request_quotas, token_deletion
from totp_tui.demo.srp_server import SrpServer, Verifiers

DEMO_USERNAME = "demo"
DEMO_REGION = "us-east-1"


def random_totp_secret() -> str:
    """160 random bits in base32, as Cognito issues them (RFC 4226 recommends 160)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def temporary_password() -> str:
    """A password that meets Cognito's default policy (upper, lower, digit, symbol, 8+)."""
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"Tmp-{body}-9a"


# --- Per-user secrets in moto --------------------------------------------------------------

_patch_lock = threading.RLock()
_patched = False
# (pool id, username) -> secret: "pending" after AssociateSoftwareToken, "active" once verified.
_pending: dict[tuple[str, str], str] = {}
_active: dict[tuple[str, str], str] = {}
# Where new secrets come from: random, or a fixed public test value for screenshots.
_secret_source: Callable[[], str] = random_totp_secret


def use_secret_source(source: Callable[[], str] | None) -> None:
    """Issue secrets from `source` (None: random again). For screenshots and snapshots only."""
    global _secret_source
    _secret_source = source or random_totp_secret


def active_secret(pool_id: str, username: str) -> str | None:
    """The secret a user verified, as the emulator holds it (tests use it to make codes)."""
    return _active.get((pool_id, username))


def _forget_secret(pool_id: str, username: str) -> None:
    """The user's TOTP registration is gone (AdminDeleteSoftwareToken): no code of the old
    secret, nor of one associated but never verified, may sign them in."""
    with _patch_lock:
        _pending.pop((pool_id, username), None)
        _active.pop((pool_id, username), None)


def _user_of(backend: Any, access_token: str | None, session: str | None) -> tuple[str, str] | None:
    if session and session in backend.sessions:
        username, pool = backend.sessions[session]
        return pool.id, backend.admin_get_user(pool.id, username).username
    for pool in backend.user_pools.values():
        if access_token and access_token in pool.access_tokens:
            _, username = pool.access_tokens[access_token]
            return pool.id, username
    return None


def _with_secret(secret: str | None, call: Callable[[], Any]) -> Any:
    """Run a moto call with its module-wide secret set to this user's (read at call time)."""
    from moto.cognitoidp import models

    with _patch_lock:
        saved = models.COGNITO_TOTP_MFA_SECRET
        # No secret for this user: give moto one nobody has, so no code can match.
        models.COGNITO_TOTP_MFA_SECRET = secret or random_totp_secret()  # type: ignore[misc]
        try:
            return call()
        finally:
            models.COGNITO_TOTP_MFA_SECRET = saved  # type: ignore[misc]


def _patch_per_user_secrets(backend_class: Any) -> None:
    """Each user gets their own secret, and their codes are checked against it."""
    associate = backend_class.associate_software_token
    verify = backend_class.verify_software_token
    respond = backend_class.respond_to_auth_challenge

    def patched_associate(self: Any, access_token: str, session: str) -> Any:
        user = _user_of(self, access_token, session)
        secret = _secret_source()
        result = _with_secret(secret, lambda: associate(self, access_token, session))
        if user:
            _pending[user] = secret
        return result

    def patched_verify(
        self: Any, access_token: str, session: str, user_code: str, friendly_device_name: str
    ) -> Any:
        user = _user_of(self, access_token, session)
        secret = _pending.get(user) if user else None
        result = _with_secret(
            secret,
            lambda: verify(self, access_token, session, user_code, friendly_device_name),
        )
        if user and secret:
            _active[user] = secret
        return result

    def patched_respond(
        self: Any,
        session: str,
        client_id: str,
        challenge_name: str,
        challenge_responses: dict[str, str],
    ) -> Any:
        user = _user_of(self, None, session)
        secret = _active.get(user) if user else None
        return _with_secret(
            secret,
            lambda: respond(self, session, client_id, challenge_name, challenge_responses),
        )

    backend_class.associate_software_token = patched_associate
    backend_class.verify_software_token = patched_verify
    backend_class.respond_to_auth_challenge = patched_respond


# --- SRP proofs checked --------------------------------------------------------------------
# moto answers USER_SRP_AUTH with a random SALT and SRP_B, uses its Session as SECRET_BLOCK,
# and takes any PASSWORD_VERIFIER answer. Here each SRP InitiateAuth gets a real SRP server,
# built from the password moto holds for the user at that moment (so a password changed by
# NEW_PASSWORD_REQUIRED or ConfirmForgotPassword is the one checked from then on), and the
# answer must carry a proof made with that password.

WRONG_PASSWORD = "Incorrect username or password."
# Attempts nobody answers are dropped oldest first past this many: a demo left running for
# days must not grow without bound.
MAX_SRP_ATTEMPTS = 1000


@dataclass(frozen=True)
class _SrpAttempt:
    server: SrpServer = field(repr=False)
    srp_a: str = field(repr=False)
    session: str = field(repr=False)  # moto's Session for this sign-in
    pool_id: str
    username: str  # moto's internal name for the user


_srp_lock = threading.Lock()
# SECRET_BLOCK -> the attempt it was issued for; each is answered at most once.
_srp_attempts: dict[str, _SrpAttempt] = {}
# What the pool stores of each user's password (the verifier), kept as long as the password.
_verifiers = Verifiers()


def _remember_attempt(attempt: _SrpAttempt) -> None:
    with _srp_lock:
        while len(_srp_attempts) >= MAX_SRP_ATTEMPTS:
            del _srp_attempts[next(iter(_srp_attempts))]
        _srp_attempts[attempt.server.secret_block] = attempt


def _start_srp(backend: Any, result: dict[str, Any], srp_a: str) -> None:
    """Replace moto's made-up SALT, SRP_B and SECRET_BLOCK with a real server's."""
    session = result["Session"]
    username, pool = backend.sessions[session]
    user = backend.admin_get_user(pool.id, username)
    parameters = result["ChallengeParameters"]
    # A user with no password yet gets one nobody knows, so no proof can match.
    password = user.password or secrets.token_urlsafe(32)
    server = SrpServer(pool.id, parameters["USER_ID_FOR_SRP"], password, _verifiers)
    result["ChallengeParameters"] = server.parameters(parameters["USERNAME"])
    _remember_attempt(_SrpAttempt(server, srp_a, session, pool.id, user.username))


def _refusal(backend: Any, attempt: _SrpAttempt | None) -> Exception:
    """What Cognito answers a wrong password. It ends the sign-in: no second try on the same
    Session, so a proof cannot be guessed at."""
    from moto.cognitoidp.exceptions import NotAuthorizedError

    if attempt is not None:
        backend.sessions.pop(attempt.session, None)
    return NotAuthorizedError(WRONG_PASSWORD)


def _check_srp_proof(backend: Any, responses: dict[str, str]) -> dict[str, str]:
    """The PASSWORD_VERIFIER answer with moto's Session as SECRET_BLOCK (which moto looks the
    sign-in up by), if its proof is good; else NotAuthorizedException, as Cognito answers."""
    with _srp_lock:
        attempt = _srp_attempts.pop(responses.get("PASSWORD_CLAIM_SECRET_BLOCK", ""), None)
    # Unknown: not issued here, used already, or moto's Session passed off as a block.
    if attempt is None:
        raise _refusal(backend, None)
    # The proof is for one user; moto would sign in whoever USERNAME names.
    named = backend.admin_get_user(attempt.pool_id, responses.get("USERNAME", ""))
    proven = attempt.server.accepts(
        attempt.srp_a,
        responses.get("TIMESTAMP", ""),
        responses.get("PASSWORD_CLAIM_SIGNATURE", ""),
    )
    if named.username != attempt.username or not proven:
        raise _refusal(backend, attempt)
    return responses | {"PASSWORD_CLAIM_SECRET_BLOCK": attempt.session}


def _patch_srp_proofs(backend_class: Any) -> None:
    initiate = backend_class.initiate_auth
    respond = backend_class.respond_to_auth_challenge

    def patched_initiate(
        self: Any, client_id: str, auth_flow: str, auth_parameters: dict[str, str]
    ) -> Any:
        result = initiate(self, client_id, auth_flow, auth_parameters)
        if auth_flow == "USER_SRP_AUTH" and result.get("ChallengeName") == "PASSWORD_VERIFIER":
            _start_srp(self, result, auth_parameters["SRP_A"])
        return result

    def patched_respond(
        self: Any,
        session: str,
        client_id: str,
        challenge_name: str,
        challenge_responses: dict[str, str],
    ) -> Any:
        if challenge_name == "PASSWORD_VERIFIER":
            challenge_responses = _check_srp_proof(self, challenge_responses)
        return respond(self, session, client_id, challenge_name, challenge_responses)

    backend_class.initiate_auth = patched_initiate
    backend_class.respond_to_auth_challenge = patched_respond


def _patch_password_verifiers(user_class: Any) -> None:
    """Cognito makes a password's SRP verifier when the password is set (AdminCreateUser, a
    new password, a reset), not when the user signs in. moto sets `password` in all those
    places: a property in its place makes the verifier there, so that a sign-in finds it."""

    # An attribute of its own, as moto's was (not through __dict__, which would make Python
    # build the instance's dict where its attributes were stored inline).
    def get_password(self: Any) -> str | None:
        return getattr(self, "_password_set", None)

    def set_password(self: Any, password: str | None) -> None:
        self._password_set = password
        if password:
            # USER_ID_FOR_SRP is the user's id; the client hashes the pool id after the "_".
            _verifiers.for_password(self.user_pool_id.split("_", 1)[1], self.id, password)

    user_class.password = property(get_password, set_password)


def install_patches() -> None:
    """Patch moto's Cognito once per process: per-user secrets, SRP proofs checked (against a
    verifier made when the password is set), AdminDeleteSoftwareToken and the password reset
    as on AWS. Idempotent."""
    global _patched
    from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUser

    with _patch_lock:
        if _patched:
            return
        _patched = True
        _patch_per_user_secrets(CognitoIdpBackend)
        _patch_srp_proofs(CognitoIdpBackend)
        _patch_password_verifiers(CognitoIdpUser)
        token_deletion.install(_forget_secret)


# --- The server ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPool:
    region: str
    user_pool_id: str
    client_id: str
    client_secret: str | None = field(default=None, repr=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LocalCognito:
    """moto's server on 127.0.0.1, started in this process, with codes checked."""

    def __init__(self, port: int | None = None, stable_ids: bool = False) -> None:
        """stable_ids: pool and client ids derived from their names (for screenshots)."""
        self.port = port or _free_port()
        self.stable_ids = stable_ids
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self._server: Any = None

    def start(self) -> LocalCognito:
        # Read by moto on every request, so it must be in this process's environment.
        os.environ["MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP"] = "true"
        if self.stable_ids:
            os.environ["MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY"] = "HASH"
            os.environ["MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY"] = "HASH"
        import logging

        from moto.server import ThreadedMotoServer

        # werkzeug logs every request to stderr, which would scribble over the wizard's screen.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        install_patches()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def reset(self) -> None:
        """Forget every pool and user (moto's own reset endpoint)."""
        import urllib.request

        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=5):
            pass
        _pending.clear()
        _active.clear()
        token_deletion.forget_deletions()
        request_quotas.clear_quotas()
        with _srp_lock:
            _srp_attempts.clear()
        _verifiers.clear()

    def set_request_quota(self, operation: str, per_second: float | None) -> None:
        """Answer `operation` (e.g. "AdminGetUser") with TooManyRequestsException past
        `per_second` requests a second, as Cognito's quotas do; None lifts it."""
        request_quotas.set_quota(operation, per_second)

    def admin_client(self, region: str = DEMO_REGION) -> Any:
        """A client for the admin APIs. The emulator accepts any credentials."""
        import boto3

        return boto3.client(
            "cognito-idp",
            region_name=region,
            endpoint_url=self.endpoint_url,
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )

    def create_pool(
        self,
        region: str = DEMO_REGION,
        mfa: str = "ON",
        with_client_secret: bool = False,
        name: str = "totp-tui-demo",
    ) -> DemoPool:
        admin = self.admin_client(region)
        # TOTP can only be switched on through SetUserPoolMfaConfig, so create the pool
        # without MFA first, as the console does.
        pool = admin.create_user_pool(PoolName=name, MfaConfiguration="OFF")["UserPool"]
        admin.set_user_pool_mfa_config(
            UserPoolId=pool["Id"],
            SoftwareTokenMfaConfiguration={"Enabled": True},
            MfaConfiguration=mfa,
        )
        client = admin.create_user_pool_client(
            UserPoolId=pool["Id"],
            ClientName="totp-tui",
            GenerateSecret=with_client_secret,
            ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH"],
        )["UserPoolClient"]
        return DemoPool(region, pool["Id"], client["ClientId"], client.get("ClientSecret"))

    def create_user(self, pool: DemoPool, username: str, password: str) -> None:
        """An administrator-created user: signs in with a temporary password, then must
        choose a new one (NEW_PASSWORD_REQUIRED) and set up MFA (MFA_SETUP)."""
        self.admin_client(pool.region).admin_create_user(
            UserPoolId=pool.user_pool_id,
            Username=username,
            TemporaryPassword=password,
            MessageAction="SUPPRESS",
        )

    def create_sms_user(
        self, pool: DemoPool, username: str, password: str, phone: str = "+15550100123"
    ) -> None:
        """A user who signs in with a code by SMS today (SMS MFA preferred, a permanent
        password): the person an organisation moves to an authenticator app. The local
        Cognito sends no text and accepts any code; it asks for SMS_MFA on a pool whose MFA
        is optional (on an MFA-ON pool its SRP sign-in asks for MFA_SETUP instead)."""
        admin = self.admin_client(pool.region)
        admin.admin_create_user(
            UserPoolId=pool.user_pool_id,
            Username=username,
            TemporaryPassword=password,
            UserAttributes=[
                {"Name": "phone_number", "Value": phone},
                {"Name": "phone_number_verified", "Value": "true"},
            ],
            MessageAction="SUPPRESS",
        )
        admin.admin_set_user_password(
            UserPoolId=pool.user_pool_id, Username=username, Password=password, Permanent=True
        )
        admin.admin_set_user_mfa_preference(
            UserPoolId=pool.user_pool_id,
            Username=username,
            SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
        )


@contextmanager
def local_cognito(port: int | None = None) -> Iterator[LocalCognito]:
    server = LocalCognito(port).start()
    try:
        yield server
    finally:
        server.stop()
