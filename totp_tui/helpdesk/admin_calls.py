"""The helpdesk's connection to one user pool, with IAM credentials: clients, a user's MFA
status (AdminGetUser), the pool's MFA configuration (GetUserPoolMfaConfig), who the caller is
(STS GetCallerIdentity, for the audit log), and one-line errors for all of them. The
lost-phone reset is in helpdesk/token_reset.py, the pool report in helpdesk/pool_report.py.

Unlike the wizard's client (cognito/client.py, unsigned), these calls are signed with
credentials from the standard AWS chain, or a named AWS CLI profile. Nothing here prints:
callers get values, or an AdminError whose message is one line a person can act on.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from totp_tui.cognito.client import client_config, no_retry_after_read_timeout
from totp_tui.cognito.errors import from_client_error, from_exception
from totp_tui.config.settings import PoolConnection
from totp_tui.helpdesk.next_sign_in import PoolMfa

if TYPE_CHECKING:
    import boto3
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

STATUS = "status"
RESET_MFA = "reset-mfa"
REPORT = "report"
# Steps within the commands, each with its own permission.
RESET_PASSWORD = "reset-password"
POOL_MFA = "pool-mfa"
POOL_SIZE = "pool-size"
# The IAM permission each action needs, named in the error when it is missing.
IAM_ACTIONS: Mapping[str, str] = {
    STATUS: "cognito-idp:AdminGetUser",
    RESET_MFA: "cognito-idp:AdminDeleteSoftwareToken",
    RESET_PASSWORD: "cognito-idp:AdminResetUserPassword",
    POOL_MFA: "cognito-idp:GetUserPoolMfaConfig",
    POOL_SIZE: "cognito-idp:DescribeUserPool",
    REPORT: "cognito-idp:ListUsers",
}
TOTP = "SOFTWARE_TOKEN_MFA"
# Contact attributes a password-reset code can go to, once verified.
_CONTACTS = (("email", "email_verified"), ("phone", "phone_number_verified"))

# Who-am-I must never hold up the action: one attempt, short timeouts, and it runs beside it.
STS_TIMEOUT = 2.0
OPERATOR_WAIT = 5.0

_DENIED = ("AccessDeniedException", "AccessDenied", "NotAuthorizedException")
_BAD_CREDENTIALS = (
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "InvalidSignatureException",
    "IncompleteSignature",
    "MissingAuthenticationToken",
)
_EXPIRED_CREDENTIALS = ("ExpiredTokenException", "ExpiredToken")
_ACCOUNT_IN_ARN = re.compile(r"arn:aws[\w-]*:[\w-]+:[\w-]*:(\d{12}):")
_XML_CODE = re.compile(r"<Code>([^<]+)</Code>")
_XML_MESSAGE = re.compile(r"<Message>([^<]*)</Message>")


class AdminError(Exception):
    """A failed admin step. `code` is the service's error code or botocore's class name (what
    the audit log records); `usage` is True when the command line or configuration is wrong
    (exit 2) rather than the service or the permissions (exit 1)."""

    def __init__(self, code: str, message: str, usage: bool = False) -> None:
        message = " ".join(message.split())  # one line, whatever a service message held
        super().__init__(message)
        self.code = code
        self.message = message
        self.usage = usage


@dataclass(frozen=True)
class MfaStatus:
    """What AdminGetUser says about one user's sign-in and MFA."""

    username: str
    user_pool_id: str
    region: str
    user_status: str
    enabled: bool
    mfa_settings: tuple[str, ...]  # UserMFASettingList: the MFA methods turned on
    preferred_mfa: str | None  # PreferredMfaSetting; None when not set
    # Where a password-reset code can go: "email", "phone" (verified attributes only).
    verified_contacts: tuple[str, ...] = ()

    @property
    def totp_enabled(self) -> bool:
        """An authenticator app is set up and turned on for this user (as far as AdminGetUser
        tells: a registered token shows here once it is enabled)."""
        return TOTP in self.mfa_settings

    @property
    def other_factors(self) -> tuple[str, ...]:
        """The MFA factors besides the app: what sign-in falls back to once it is deleted."""
        return tuple(name for name in self.mfa_settings if name != TOTP)

    def as_dict(self) -> dict[str, object]:
        return {
            "username": self.username,
            "user_pool_id": self.user_pool_id,
            "region": self.region,
            "user_status": self.user_status,
            "enabled": self.enabled,
            "user_mfa_setting_list": list(self.mfa_settings),
            "preferred_mfa_setting": self.preferred_mfa,
            "totp_enabled": self.totp_enabled,
            "other_factors": list(self.other_factors),
            "verified_contacts": list(self.verified_contacts),
        }


def mfa_status_of(user: Mapping[str, Any], settings: PoolConnection, username: str) -> MfaStatus:
    """An MfaStatus from AdminGetUser's answer."""
    attributes = {str(a.get("Name")): str(a.get("Value")) for a in user.get("UserAttributes") or ()}
    return MfaStatus(
        username=str(user.get("Username") or username),
        user_pool_id=settings.user_pool_id,
        region=settings.region,
        user_status=str(user.get("UserStatus") or "UNKNOWN"),
        enabled=bool(user.get("Enabled", True)),
        mfa_settings=tuple(str(name) for name in user.get("UserMFASettingList") or ()),
        preferred_mfa=str(user.get("PreferredMfaSetting") or "") or None,
        verified_contacts=tuple(
            contact for contact, flag in _CONTACTS if attributes.get(flag) == "true"
        ),
    )


# --- Credentials and clients ----------------------------------------------------------------


def aws_session(aws_profile: str | None) -> boto3.Session:
    """A boto3 session over the standard credential chain, or the named AWS CLI profile.

    Raises AdminError (usage) when the profile does not exist (also when AWS_PROFILE names it).
    """
    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        return boto3.Session(profile_name=aws_profile)
    except BotoCoreError as error:
        raise admin_error(error, aws_profile=aws_profile) from None


def require_credentials(session: boto3.Session, aws_profile: str | None = None) -> None:
    """Resolve the credentials now, so a missing one is reported before anything is asked.

    Deferred sources (SSO, assume-role) fail later, at the first call, and are translated
    there in the same way.
    """
    from botocore.exceptions import BotoCoreError, NoCredentialsError

    try:
        credentials = session.get_credentials()
    except BotoCoreError as error:
        raise admin_error(error, aws_profile=aws_profile) from None
    if credentials is None:
        raise admin_error(NoCredentialsError(), aws_profile=aws_profile)


def admin_client(session: boto3.Session, settings: PoolConnection) -> CognitoIdentityProviderClient:
    """A SIGNED Cognito client for the Admin* APIs, which IAM authorizes."""
    client = session.client(
        "cognito-idp",
        region_name=settings.region,
        endpoint_url=settings.endpoint_url,
        verify=settings.verify,
        config=client_config(settings),
    )
    no_retry_after_read_timeout(client)
    return client


def sts_client(
    session: boto3.Session, settings: PoolConnection, endpoint_url: str | None = None
) -> Any:
    """An STS client for GetCallerIdentity: one attempt, short timeouts.

    `endpoint_url` defaults to the Cognito endpoint when one is set (a local emulator serves
    both); without either, botocore's own (which honours AWS_ENDPOINT_URL_STS).
    """
    return session.client(
        "sts",
        region_name=settings.region,
        endpoint_url=endpoint_url or settings.endpoint_url,
        verify=settings.verify,
        config=client_config(settings, timeout=STS_TIMEOUT, attempts=1),
    )


def caller_arn(sts: Any) -> str | None:
    """The caller's IAM identity ARN, or None when it cannot be had for any reason."""
    try:
        arn = sts.get_caller_identity().get("Arn")
    except Exception:  # the audit log's operator is best effort: nothing here may stop an action
        return None
    return arn if isinstance(arn, str) and arn else None


class OperatorLookup:
    """GetCallerIdentity in a daemon thread, started before the action so that it costs the
    action no time; `result` waits a bounded time and gives None if the answer is not in."""

    def __init__(self, sts: Any) -> None:
        self._arn: str | None = None
        self._thread = threading.Thread(
            target=self._run, args=(sts,), name="totp-tui-operator", daemon=True
        )
        self._thread.start()

    def _run(self, sts: Any) -> None:
        self._arn = caller_arn(sts)

    def result(self, timeout: float = OPERATOR_WAIT) -> str | None:
        self._thread.join(timeout)
        return None if self._thread.is_alive() else self._arn


# --- The admin calls ------------------------------------------------------------------------


def get_mfa_status(
    client: CognitoIdentityProviderClient, settings: PoolConnection, username: str
) -> MfaStatus:
    """AdminGetUser. Raises AdminError."""
    try:
        user: Mapping[str, Any] = client.admin_get_user(
            UserPoolId=settings.user_pool_id, Username=username
        )
    except boto_errors() as error:
        raise admin_error(error, STATUS, settings, username) from None
    return mfa_status_of(user, settings, username)


def get_pool_mfa(client: CognitoIdentityProviderClient, settings: PoolConnection) -> PoolMfa:
    """GetUserPoolMfaConfig. Raises AdminError."""
    try:
        answer: Mapping[str, Any] = client.get_user_pool_mfa_config(
            UserPoolId=settings.user_pool_id
        )
    except boto_errors() as error:
        raise admin_error(error, POOL_MFA, settings) from None
    return PoolMfa.from_response(answer)


# --- Errors ---------------------------------------------------------------------------------


def boto_errors() -> tuple[type[Exception], ...]:
    """What boto3 raises for conditions (as opposed to bugs); botocore is loaded by then."""
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError  # not a BotoCoreError

    return (BotoCoreError, ClientError, ResponseParserError)


def pool_arn(settings: PoolConnection, account: str = "*") -> str:
    """The user pool's ARN, as an IAM policy names it ("*" for an unknown account)."""
    region = settings.region
    partition = (
        "aws-cn"
        if region.startswith("cn-")
        else "aws-us-gov"
        if region.startswith("us-gov-")
        else "aws"
    )
    return f"arn:{partition}:cognito-idp:{region}:{account}:userpool/{settings.user_pool_id}"


def client_error_details(error: Any) -> tuple[str, str]:
    """(code, message) of a ClientError. An AWS XML error body under a bare HTTP status (what
    the local emulator sends for IAM refusals) is read for its code and message."""
    details = error.response.get("Error", {})
    code, message = str(details.get("Code", "Unknown")), str(details.get("Message", ""))
    if code.isdigit() and (found := _XML_CODE.search(message)):
        text = _XML_MESSAGE.search(message)
        return found[1], text[1] if text else ""
    return code, message


def admin_error(
    error: BaseException,
    action: str | None = None,
    settings: PoolConnection | None = None,
    username: str = "",
    aws_profile: str | None = None,
) -> AdminError:
    """Translate what boto3 raised during `action` into an AdminError with a one-line message.
    Anything that is not a boto3/botocore error is raised again (a bug, not a condition)."""
    from botocore import exceptions as bx

    if isinstance(error, AdminError):
        return error
    if not isinstance(error, boto_errors()):
        raise error
    name = type(error).__name__
    if isinstance(error, bx.ProfileNotFound):
        profile = error.kwargs.get("profile", aws_profile)
        return AdminError(
            name,
            f"there is no AWS profile named {profile!r} (from --aws-profile or AWS_PROFILE) "
            "in ~/.aws/config or ~/.aws/credentials (or AWS_CONFIG_FILE / "
            "AWS_SHARED_CREDENTIALS_FILE); `aws configure list-profiles` lists them",
            usage=True,
        )
    if isinstance(error, bx.NoCredentialsError):
        where = f"AWS profile {aws_profile!r} has" if aws_profile else "there are"
        return AdminError(
            name,
            f"{where} no AWS credentials, and the admin commands need IAM credentials: "
            "pass --aws-profile NAME or set AWS_PROFILE (after `aws configure` or "
            "`aws sso login`), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
        )
    if isinstance(
        error, (bx.SSOTokenLoadError, bx.UnauthorizedSSOTokenError, bx.TokenRetrievalError)
    ):
        login = f"aws sso login --profile {aws_profile}" if aws_profile else "aws sso login"
        return AdminError(
            name, f"the AWS SSO session is missing or has expired: run `{login}` and try again"
        )
    if isinstance(error, (bx.PartialCredentialsError, bx.CredentialRetrievalError)):
        return AdminError(name, f"the AWS credentials could not be loaded: {error}")
    if isinstance(error, bx.ClientError):
        code, message = client_error_details(error)
        return _service_error(code, message, action, settings, username)
    return AdminError(name, from_exception(error).message)


def _service_error(
    code: str, message: str, action: str | None, settings: PoolConnection | None, username: str
) -> AdminError:
    pool = settings.user_pool_id if settings else "the user pool"
    if code in _DENIED and action is not None and action in IAM_ACTIONS and settings:
        account = _ACCOUNT_IN_ARN.findall(message)
        # The resource's account, when AWS names it: the last ARN in its message.
        arn = pool_arn(settings, account[-1] if account else "*")
        said = f" (Cognito said: {message})" if code == "NotAuthorizedException" else ""
        return AdminError(
            code,
            f"access denied: these AWS credentials may not call {IAM_ACTIONS[action]} on "
            f"{arn}; ask for an IAM policy that allows it{said}",
        )
    if code in _BAD_CREDENTIALS:
        return AdminError(
            code,
            f"AWS did not accept these credentials ({code}): check the access key and "
            "secret, or get fresh ones (`aws sso login`, `aws configure`)",
        )
    if code in _EXPIRED_CREDENTIALS:
        return AdminError(
            code, "the AWS credentials have expired: get fresh ones (`aws sso login`) and retry"
        )
    if code == "UserNotFoundException":
        return AdminError(code, f"no user {username!r} in {pool}")
    if code == "ResourceNotFoundException":
        region = settings.region if settings else "this region"
        return AdminError(
            code,
            f"there is no user pool {pool} in {region}: check --user-pool-id, --region "
            "and the AWS account of the credentials",
        )
    if code == "InvalidParameterException":
        return AdminError(code, f"Cognito refused the request: {message}")
    return AdminError(code, from_client_error(code, message).message)
