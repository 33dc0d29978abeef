"""One admin action on one user (or, for the report, on the pool): it connects with IAM
credentials, looks the operator up beside the call, and writes its one audit line."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from totp_tui.cli.output import fail, failed
from totp_tui.config.admin_settings import AdminSettings
from totp_tui.helpdesk import admin_calls, audit
from totp_tui.helpdesk.next_sign_in import PoolMfa

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

# Nothing to sign with, found before any call: like no keyring for `profiles`, the command
# cannot start (exit 2), unlike credentials that AWS refused (exit 1).
_NO_CREDENTIALS = frozenset({"NoCredentialsError", "PartialCredentialsError"})


@dataclass
class AdminAction:
    """One admin action on one user, or on every user for the report ("*"): connects, and
    writes its one audit line."""

    log: audit.AuditLog
    name: str
    settings: AdminSettings
    username: str
    aws_profile: str | None
    lookup: admin_calls.OperatorLookup | None = field(default=None, init=False)
    written: bool = field(default=False, init=False)

    def connect(
        self,
        sts_endpoint_url: str | None,
        factory: Callable[[Any, AdminSettings], Any] | None = None,
    ) -> CognitoIdentityProviderClient:
        """A signed client (admin_calls.admin_client unless `factory` makes another), with the
        operator's identity being looked up beside it."""
        session = admin_calls.aws_session(self.aws_profile)
        admin_calls.require_credentials(session, self.aws_profile)
        try:
            client = (factory or admin_calls.admin_client)(session, self.settings)
            sts = admin_calls.sts_client(session, self.settings, sts_endpoint_url)
        except admin_calls.boto_errors() as error:
            raise admin_calls.admin_error(error, aws_profile=self.aws_profile) from None
        self.lookup = admin_calls.OperatorLookup(sts)
        return client

    def write(
        self,
        outcome: str,
        details: Mapping[str, audit.DetailValue] | None = None,
        *,
        wait: float = admin_calls.OPERATOR_WAIT,
    ) -> None:
        """The action's one audit line, with the operator if known within `wait` seconds."""
        operator = self.lookup.result(wait) if self.lookup else None
        self.written = True
        self.log.record(
            self.name,
            self.settings.user_pool_id,
            self.username,
            outcome,
            operator,
            region=self.settings.region,
            **(details or {}),
        )

    def failed(
        self,
        error: admin_calls.AdminError,
        note: str = "",
        details: Mapping[str, audit.DetailValue] | None = None,
    ) -> int:
        self.write(audit.failed(error.code), {"error": error.message, **(details or {})})
        message = f"{error.message} ({note})" if note else error.message
        if error.usage or error.code in _NO_CREDENTIALS:
            return fail(message)
        return failed(message)

    def refused(self, refusal: str, message: str, exit_code: int) -> int:
        """Nothing done, by the operator's choice or for want of an answer: audited."""
        self.write(audit.REFUSED, {"refusal": refusal})
        print(f"totp-tui: {message}", file=sys.stderr)
        return exit_code


def pool_mfa_or_warn(client: Any, settings: AdminSettings) -> PoolMfa | None:
    """The pool's MFA configuration, or None with a warning when it cannot be read (the
    permission is often not granted to a helpdesk: the command goes on without it)."""
    try:
        return admin_calls.get_pool_mfa(client, settings)
    except admin_calls.AdminError as error:
        print(
            f"totp-tui: warning: {error.message}; what the next sign-in asks depends on the "
            "pool's MFA configuration, so it is told with that open",
            file=sys.stderr,
        )
        return None
