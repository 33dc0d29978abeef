"""The lost-phone reset: AdminDeleteSoftwareToken, and optionally AdminResetUserPassword.

AdminDeleteSoftwareToken removes the user's TOTP registration and any TOTP preference and
leaves other factors: on a pool that requires MFA, a user with no other factor meets MFA_SETUP
at the next sign-in (and registers a new app); one with SMS or email falls back to it; on an
optional pool, sign-in asks for no code. The user stays the same user (sub, attributes,
groups). The older AdminSetUserMFAPreference with TOTP off changes nothing on a required pool:
the old app's code is still asked for.

Whoever signs in next with the password can register an app. AdminResetUserPassword closes
that: the person then needs the code Cognito sends to their verified email or phone first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from totp_tui.config.settings import PoolConnection
from totp_tui.helpdesk.admin_calls import (
    RESET_MFA,
    RESET_PASSWORD,
    AdminError,
    admin_error,
    boto_errors,
    client_error_details,
)

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

OPERATION = "AdminDeleteSoftwareToken"
# The first botocore (and the boto3 that requires it) known to have the operation; pyproject's
# dependencies ask for these.
MINIMUM_BOTOCORE = "1.44.18"
# What an endpoint answers for an operation it does not know (AWS JSON protocols, emulators).
_UNKNOWN_OPERATION = frozenset(
    {"UnknownOperationException", "InvalidAction", "NotImplemented", "NotImplementedException"}
)


def sdk_has_operation(client: Any) -> bool:
    return hasattr(client, "admin_delete_software_token")


def _sdk_too_old() -> AdminError:
    import botocore

    return AdminError(
        "UnknownOperation",
        f"this botocore ({botocore.__version__}) has no {OPERATION}: install boto3 and "
        f"botocore {MINIMUM_BOTOCORE} or newer (pip install -U 'boto3>={MINIMUM_BOTOCORE}'); "
        "nothing was changed",
        usage=True,
    )


def _endpoint_lacks_it(code: str, settings: PoolConnection) -> AdminError:
    where = settings.endpoint_url or f"Cognito in {settings.region}"
    return AdminError(
        code,
        f"the endpoint {where} does not offer {OPERATION} (it answered {code}): use one that "
        "does, such as AWS's own; nothing was changed",
    )


def check_sdk(client: Any) -> None:
    """Raise AdminError (usage: nothing tried) if this botocore cannot call the operation."""
    if not sdk_has_operation(client):
        raise _sdk_too_old()


def delete_software_token(
    client: CognitoIdentityProviderClient, settings: PoolConnection, username: str
) -> None:
    """AdminDeleteSoftwareToken. Raises AdminError."""
    check_sdk(client)
    try:
        client.admin_delete_software_token(UserPoolId=settings.user_pool_id, Username=username)
    except boto_errors() as error:
        from botocore.exceptions import ClientError

        if isinstance(error, ClientError):
            code, _ = client_error_details(error)
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code in _UNKNOWN_OPERATION or status == 501:
                raise _endpoint_lacks_it(code, settings) from None
        raise admin_error(error, RESET_MFA, settings, username) from None


def require_new_password(
    client: CognitoIdentityProviderClient, settings: PoolConnection, username: str
) -> None:
    """AdminResetUserPassword: the password stops working, and Cognito sends a code to the
    user's verified email or phone. Raises AdminError (Cognito refuses a user with no verified
    contact: InvalidParameterException)."""
    try:
        client.admin_reset_user_password(UserPoolId=settings.user_pool_id, Username=username)
    except boto_errors() as error:
        raise admin_error(error, RESET_PASSWORD, settings, username) from None
