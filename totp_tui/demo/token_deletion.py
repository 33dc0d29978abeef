"""AdminDeleteSoftwareToken in the local Cognito, as AWS's API reference describes it, and the
administrator's password reset as AWS enforces it.

moto 5.2.5 has neither. AdminDeleteSoftwareToken removes a user's TOTP registration and any
TOTP preference and leaves other factors alone; the next sign-in then depends on the pool's
MFA configuration and what remains:
- MFA required, no other factor: MFA_SETUP (the person registers a new app);
- another factor (SMS): that factor's challenge;
- MFA optional: no MFA at all (tokens; totp-tui then offers to set up an app).

moto decides the next sign-in itself, with two shortcuts that would hide all of this: a
permanent-password USER_PASSWORD_AUTH sign-in on an MFA-ON pool gets tokens with no factor at
all, and its SRP sign-in on such a pool asks for MFA_SETUP even when SMS is on. Other tests
rely on the first shortcut to get tokens (DESIGN.md section 5), so the corrections here apply
only to users whose token an administrator deleted, until they verify a new one.

After AdminResetUserPassword (moto: UserStatus RESET_REQUIRED) AWS refuses every sign-in with
PasswordResetRequiredException until ConfirmForgotPassword; moto signs the user in with the old
password and leaves the status as it was after the reset. Both are corrected here.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from typing import Any

TOTP = "SOFTWARE_TOKEN_MFA"
SMS = "SMS_MFA"
RESET_REQUIRED_MESSAGE = "Password reset required for the user"

_lock = threading.Lock()
# (pool id, username): users whose token an administrator deleted and who have not verified a
# new one since.
_deleted: set[tuple[str, str]] = set()


def forget_deletions() -> None:
    with _lock:
        _deleted.clear()


def token_deleted(pool_id: str, username: str) -> bool:
    with _lock:
        return (pool_id, username) in _deleted


def _masked_phone(phone: str) -> str:
    """As Cognito shows a destination: all but the last four digits hidden."""
    return "+" + "*" * max(len(phone) - 5, 0) + phone[-4:] if phone else ""


def _challenge_after_deletion(user: Any, pool: Any) -> dict[str, Any] | None:
    """The challenge AWS asks of a user whose token was deleted, or None for moto's own
    answer (a status other than CONFIRMED, or an optional pool with no factor left)."""
    if getattr(user.status, "value", user.status) != "CONFIRMED":
        return None
    if user.sms_mfa_enabled:
        return {
            "ChallengeName": SMS,
            "ChallengeParameters": {
                "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
                "CODE_DELIVERY_DESTINATION": _masked_phone(
                    user.attribute_lookup.get("phone_number", "")
                ),
                "USERNAME": user.username,
            },
        }
    if pool.mfa_config == "ON":
        can_set_up = [TOTP] if pool.token_mfa_config == {"Enabled": True} else []
        if pool.sms_mfa_config:
            can_set_up.append(SMS)
        return {
            "ChallengeName": "MFA_SETUP",
            # AWS sends a JSON-encoded list (moto a Python repr): send what AWS does.
            "ChallengeParameters": {"MFAS_CAN_SETUP": json.dumps(can_set_up)},
        }
    return None


def _password_reset_required() -> Exception:
    from moto.core.exceptions import JsonRESTError

    return JsonRESTError("PasswordResetRequiredException", RESET_REQUIRED_MESSAGE)


def _pool_of_client(backend: Any, client_id: str) -> Any:
    for pool in backend.user_pools.values():
        if client_id in pool.clients:
            return pool
    return None


def _patch_backend(backend_class: Any, forget_secret: Callable[[str, str], None]) -> None:
    initiate = backend_class.initiate_auth
    respond = backend_class.respond_to_auth_challenge
    verify = backend_class.verify_software_token
    confirm_forgot = backend_class.confirm_forgot_password

    def admin_delete_software_token(self: Any, user_pool_id: str, username: str) -> None:
        user = self.admin_get_user(user_pool_id, username)  # UserNotFound, ResourceNotFound
        user.token_verified = False
        user.software_token_mfa_enabled = False
        if user.preferred_mfa_setting == TOTP:
            user.preferred_mfa_setting = ""
        forget_secret(user_pool_id, user.username)
        with _lock:
            _deleted.add((user_pool_id, user.username))

    def patched_initiate(
        self: Any, client_id: str, auth_flow: str, auth_parameters: dict[str, str]
    ) -> Any:
        pool = _pool_of_client(self, client_id)
        user = pool._get_user(auth_parameters.get("USERNAME", "")) if pool else None
        if user is not None and getattr(user.status, "value", user.status) == "RESET_REQUIRED":
            raise _password_reset_required()
        result = initiate(self, client_id, auth_flow, auth_parameters)
        if (
            auth_flow != "USER_PASSWORD_AUTH"
            or "AuthenticationResult" not in result
            or user is None
            or not token_deleted(pool.id, user.username)
        ):
            return result
        challenge = _challenge_after_deletion(user, pool)
        if challenge is None:
            return result
        session = str(uuid.uuid4())
        self.sessions[session] = (user.username, pool)
        return challenge | {"Session": session}

    def patched_respond(
        self: Any,
        session: str,
        client_id: str,
        challenge_name: str,
        challenge_responses: dict[str, str],
    ) -> Any:
        result = respond(self, session, client_id, challenge_name, challenge_responses)
        issued = result.get("Session")
        if challenge_name != "PASSWORD_VERIFIER" or issued not in self.sessions:
            return result
        username, pool = self.sessions[issued]
        user = self.admin_get_user(pool.id, username)
        if not token_deleted(pool.id, user.username):
            return result
        challenge = _challenge_after_deletion(user, pool)
        return challenge | {"Session": issued} if challenge else result

    def patched_verify(
        self: Any, access_token: str, session: str, user_code: str, friendly_device_name: str
    ) -> Any:
        result = verify(self, access_token, session, user_code, friendly_device_name)
        # A new token verified: the user is an ordinary enrolled user again.
        username, pool = self.sessions[result["Session"]]
        with _lock:
            _deleted.discard((pool.id, self.admin_get_user(pool.id, username).username))
        return result

    def patched_confirm_forgot(
        self: Any, client_id: str, username: str, password: str, confirmation_code: str
    ) -> None:
        confirm_forgot(self, client_id, username, password, confirmation_code)
        pool = _pool_of_client(self, client_id)
        user = pool._get_user(username) if pool else None
        if user is not None and getattr(user.status, "value", user.status) == "RESET_REQUIRED":
            from moto.cognitoidp.models import UserStatus

            user.status = UserStatus.CONFIRMED

    backend_class.admin_delete_software_token = admin_delete_software_token
    backend_class.initiate_auth = patched_initiate
    backend_class.respond_to_auth_challenge = patched_respond
    backend_class.verify_software_token = patched_verify
    backend_class.confirm_forgot_password = patched_confirm_forgot


def _patch_responses(responses_class: Any) -> None:
    from moto.core.responses import EmptyResult

    def admin_delete_software_token(self: Any) -> Any:
        self.backend.admin_delete_software_token(
            self._get_param("UserPoolId"), self._get_param("Username")
        )
        return EmptyResult()  # AWS answers {}

    responses_class.admin_delete_software_token = admin_delete_software_token


def install(forget_secret: Callable[[str, str], None]) -> None:
    """Patch moto's backend and its HTTP handler (once: the caller holds the patch lock).
    `forget_secret(pool_id, username)` drops the secret the local Cognito holds for a user."""
    from moto.cognitoidp.models import CognitoIdpBackend
    from moto.cognitoidp.responses import CognitoIdpResponse

    _patch_backend(CognitoIdpBackend, forget_secret)
    _patch_responses(CognitoIdpResponse)
