"""`totp-tui admin status|reset-mfa`: the helpdesk's commands, with IAM credentials.

The pool is chosen as for the wizard (--profile, --user-pool-id, --region, --endpoint-url,
the environment); credentials come from the standard AWS chain or --aws-profile. Each action,
including a refused or failed one, appends one line to the audit log (helpdesk/audit.py);
when that log cannot be written, nothing is done.

Exit codes (cli/output.py): 0 done, or not confirmed; 1 tried and not done: the service
refused (permissions, credentials it did not accept, no such user or pool) or failed, or the
audit line could not be written after the call; 2 nothing was tried: a usage error, no AWS
credentials at all, no such AWS profile or saved profile, or an audit log that cannot be
opened; 130 Ctrl+C. Every failure is one line on stderr: never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from totp_tui.cli.options import add_network_options, requested
from totp_tui.cli.output import EXIT_INTERRUPTED, EXIT_OK, confirm, fail, failed, print_record
from totp_tui.config.settings import (
    AdminSettings,
    SettingsError,
    effective_admin_settings,
    requested_profile_name,
    validate_endpoint_url,
)
from totp_tui.helpdesk import admin_calls, audit

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

# Nothing to sign with, found before any call: like no keyring for `profiles`, the command
# cannot start (exit 2), unlike credentials that AWS refused (exit 1).
_NO_CREDENTIALS = frozenset({"NoCredentialsError", "PartialCredentialsError"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="totp-tui admin",
        description="Helpdesk commands for one user pool, with IAM credentials from the "
        "standard AWS chain (or --aws-profile). Each action is written to the audit log, "
        "$XDG_STATE_HOME/totp-tui/audit.jsonl (default ~/.local/state/totp-tui/audit.jsonl).",
        epilog="Exit codes: 0 done; 1 the service refused or failed; 2 nothing was tried: usage"
        " error, no AWS credentials, no such profile, or an audit log that cannot be written;"
        ' 130 Ctrl+C. See the README\'s "Exit codes".',
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    status = commands.add_parser(
        "status",
        help="a user's status and MFA settings (needs cognito-idp:AdminGetUser)",
        description="Show a user's status, whether they are enabled, their MFA settings "
        "(UserMFASettingList, PreferredMfaSetting) and whether an authenticator app (TOTP) "
        "is turned on. Needs the IAM permission cognito-idp:AdminGetUser.",
    )
    _add_common_options(status)
    status.add_argument("--output", choices=("text", "json"), default="text", help="format")
    reset = commands.add_parser(
        "reset-mfa",
        help="turn a user's authenticator (TOTP) MFA off "
        "(needs cognito-idp:AdminSetUserMFAPreference)",
        description="Turn a user's authenticator-app (TOTP) MFA off and unset it as "
        "preferred (AdminSetUserMFAPreference), after asking on the terminal unless --yes. "
        "Needs the IAM permission cognito-idp:AdminSetUserMFAPreference.",
    )
    _add_common_options(reset)
    reset.add_argument("-y", "--yes", action="store_true", help="do not ask first")
    return parser


def _add_common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--username", required=True, help="the user (their username)")
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="take the pool from the saved profile NAME (also TOTP_TUI_PROFILE)",
    )
    pool = parser.add_argument_group("user pool")
    pool.add_argument("--user-pool-id", metavar="ID", help="e.g. us-east-1_AbC123")
    pool.add_argument("--region", help="AWS region (default: the user pool id's prefix)")
    credentials = parser.add_argument_group("AWS credentials")
    credentials.add_argument(
        "--aws-profile",
        metavar="NAME",
        help="the AWS CLI profile to sign with (default: AWS_PROFILE, else the standard chain)",
    )
    network = parser.add_argument_group("network")
    add_network_options(network)
    network.add_argument(
        "--sts-endpoint-url",
        metavar="URL",
        help="STS endpoint for the operator's identity (default: --endpoint-url if given)",
    )
    # What cli.requested() reads but the admin commands have no use for.
    parser.set_defaults(client_id=None, auth_flow=None, issuer=None)


def run_admin(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    username = args.username.strip()
    if not username:
        return fail("--username must not be empty")
    try:
        settings = pool_settings(args, os.environ)
        if args.sts_endpoint_url:
            validate_endpoint_url(args.sts_endpoint_url)
    except SettingsError as error:
        return fail(str(error))
    log = audit.AuditLog()
    try:
        log.open()
    except OSError as error:  # as for --kiosk: nothing may be done that cannot be audited
        return fail(
            f"cannot write the audit log {log.path}: {error.strerror or error}; nothing was done"
        )
    command: Callable[[argparse.Namespace, _Action], int] = _COMMANDS[args.command]
    with log:
        action = _Action(log, args.command, settings, username, args.aws_profile)
        try:
            return command(args, action)
        except KeyboardInterrupt:
            if not action.written:  # ctrl+c during a call: it may or may not have been done
                action.write(audit.failed("Interrupted"), wait=0)
            print(
                f"\ntotp-tui: interrupted (the {args.command} may have been done)", file=sys.stderr
            )
            return EXIT_INTERRUPTED
        except OSError as error:  # the audit line could not be written (disk full...)
            return failed(
                f"could not write to the audit log {log.path}: {error.strerror or error}"
                f" (the {args.command} may have been done)"
            )


def pool_settings(args: argparse.Namespace, env: Mapping[str, str]) -> AdminSettings:
    """The pool and network settings, merged as for the wizard. Raises SettingsError."""
    flags = requested(args)
    profile = None
    if requested_profile_name(flags, env):  # keyring is imported only then
        from totp_tui.cli.profiles import load_profile_for_admin

        profile = load_profile_for_admin(flags, env)
    return effective_admin_settings(flags, env, profile)


@dataclass
class _Action:
    """One admin action on one user: connects, and writes its one audit line."""

    log: audit.AuditLog
    name: str
    settings: AdminSettings
    username: str
    aws_profile: str | None
    lookup: admin_calls.OperatorLookup | None = field(default=None, init=False)
    written: bool = field(default=False, init=False)

    def connect(self, sts_endpoint_url: str | None) -> CognitoIdentityProviderClient:
        """A signed client, with the operator's identity being looked up beside it."""
        session = admin_calls.aws_session(self.aws_profile)
        admin_calls.require_credentials(session, self.aws_profile)
        try:
            client = admin_calls.admin_client(session, self.settings)
            sts = admin_calls.sts_client(session, self.settings, sts_endpoint_url)
        except admin_calls.boto_errors() as error:
            raise admin_calls.admin_error(error, aws_profile=self.aws_profile) from None
        self.lookup = admin_calls.OperatorLookup(sts)
        return client

    def write(
        self, outcome: str, wait: float = admin_calls.OPERATOR_WAIT, **details: audit.DetailValue
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
            **details,
        )

    def failed(self, error: admin_calls.AdminError) -> int:
        self.write(audit.failed(error.code), error=error.message)
        if error.usage or error.code in _NO_CREDENTIALS:
            return fail(error.message)
        return failed(error.message)


def _status(args: argparse.Namespace, action: _Action) -> int:
    try:
        client = action.connect(args.sts_endpoint_url)
        status = admin_calls.get_mfa_status(client, action.settings, action.username)
    except admin_calls.AdminError as error:
        return action.failed(error)
    action.write(audit.OK)
    shown = status.as_dict()
    print_record(shown, args.output)
    return EXIT_OK


def _reset_mfa(args: argparse.Namespace, action: _Action) -> int:
    user, pool = action.username, action.settings.user_pool_id
    try:
        # Connect first: a credentials problem is reported before any question is asked.
        client = action.connect(args.sts_endpoint_url)
    except admin_calls.AdminError as error:
        return action.failed(error)
    if not args.yes:
        if sys.stdin is None or not sys.stdin.isatty():
            reason = "not confirmed: no --yes, and stdin is not a terminal"
            action.write(audit.REFUSED, reason=reason)
            return fail(
                f"not resetting authenticator MFA for {user!r} without asking, and stdin is not"
                " a terminal to ask on; pass --yes to reset it"
            )
        try:
            yes = confirm(f"Reset authenticator MFA for {user} in {pool}? [y/N] ")
        except KeyboardInterrupt:
            action.write(audit.REFUSED, reason="not confirmed: interrupted at the question")
            print(
                f"totp-tui: interrupted; authenticator MFA for {user!r} was not reset",
                file=sys.stderr,
            )
            return EXIT_INTERRUPTED
        if not yes:
            action.write(audit.REFUSED, reason="not confirmed: the operator said no")
            print(f"totp-tui: authenticator MFA for {user!r} was not reset", file=sys.stderr)
            return EXIT_OK
    try:
        admin_calls.reset_totp(client, action.settings, user)
    except admin_calls.AdminError as error:
        return action.failed(error)
    action.write(audit.OK)
    print(
        f"Reset authenticator MFA for {user!r} in {pool}: Cognito accepted TOTP as turned off"
        " and not preferred. `totp-tui admin status` shows the user's MFA settings now."
    )
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace, _Action], int]] = {
    admin_calls.STATUS: _status,
    admin_calls.RESET_MFA: _reset_mfa,
}
