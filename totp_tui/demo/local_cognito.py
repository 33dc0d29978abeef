"""A local Cognito on 127.0.0.1 for `totp-tui demo` and for the tests.

moto's server (the optional `demo` extra) is the only offline emulator with the Session-based
MFA_SETUP flow. Two of its shortcuts are fixed here so that a real authenticator app works:
every user gets the same 60-bit secret "asdfasdfasdf" (pyotp refuses it, and it is not what
Cognito issues), and codes are only checked with MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP=true.
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


def install_per_user_secrets() -> None:
    """Patch moto's Cognito backend once per process. Idempotent."""
    global _patched
    from moto.cognitoidp.models import CognitoIdpBackend

    with _patch_lock:
        if _patched:
            return
        _patched = True
        associate = CognitoIdpBackend.associate_software_token
        verify = CognitoIdpBackend.verify_software_token
        respond = CognitoIdpBackend.respond_to_auth_challenge

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

        CognitoIdpBackend.associate_software_token = patched_associate  # type: ignore[method-assign]
        CognitoIdpBackend.verify_software_token = patched_verify  # type: ignore[method-assign]
        CognitoIdpBackend.respond_to_auth_challenge = patched_respond  # type: ignore[method-assign]


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
        install_per_user_secrets()
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
