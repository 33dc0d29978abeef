"""`totp-tui admin status|reset-mfa|report`: the helpdesk's commands, with IAM credentials.

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

from totp_tui.cli.admin_action import AdminAction, pool_mfa_or_warn
from totp_tui.cli.admin_report import FORMATS, run_report
from totp_tui.cli.admin_reset import run_reset
from totp_tui.cli.options import add_network_options, requested
from totp_tui.cli.output import EXIT_INTERRUPTED, EXIT_OK, fail, failed, print_record
from totp_tui.config.admin_settings import AdminSettings, effective_admin_settings
from totp_tui.config.settings import (
    SettingsError,
    requested_profile_name,
    validate_endpoint_url,
)
from totp_tui.helpdesk import admin_calls, audit, pool_report
from totp_tui.helpdesk.next_sign_in import next_sign_in

# The report's audit line is about every user ("*"), or those its filter picks.
ALL_USERS = "*"


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
        help="a user's status, factors and what their next sign-in asks "
        "(needs cognito-idp:AdminGetUser)",
        description="Show a user's status, whether they are enabled, their MFA settings "
        "(UserMFASettingList, PreferredMfaSetting), whether an authenticator app (TOTP) is "
        "registered, their other factors, and what their next sign-in will ask. Needs the IAM "
        "permission cognito-idp:AdminGetUser, and cognito-idp:GetUserPoolMfaConfig for the "
        "pool's side of the next sign-in.",
    )
    _add_common_options(status)
    status.add_argument("--output", choices=("text", "json"), default="text", help="format")
    reset = commands.add_parser(
        "reset-mfa",
        help="delete a user's authenticator app (TOTP) after a lost phone "
        "(needs cognito-idp:AdminDeleteSoftwareToken)",
        description="Delete a user's authenticator-app (TOTP) registration "
        "(AdminDeleteSoftwareToken), on any pool: where MFA is required, their next sign-in "
        "sets up a new app, unless they have SMS or email MFA, which it then asks for. Whoever "
        "signs in next with the password can register an app: check the person's identity "
        "first. Asks for a reason (or --reason) and for confirmation (or --yes); both go to the "
        "audit log. Needs the IAM permission cognito-idp:AdminDeleteSoftwareToken.",
    )
    _add_common_options(reset)
    reset.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    reset.add_argument(
        "--reason",
        metavar="TEXT",
        help="why, e.g. a ticket reference (required; asked for on a terminal)",
    )
    reset.add_argument(
        "--require-new-password",
        action="store_true",
        help="also reset the password (AdminResetUserPassword): the person then needs the code "
        "Cognito sends to their verified email or phone before they can enrol "
        "(needs cognito-idp:AdminResetUserPassword)",
    )
    report = commands.add_parser(
        "report",
        help="every user with status and factors, as CSV or JSON lines "
        "(needs cognito-idp:ListUsers and AdminGetUser)",
        description="List every user of the pool with their status, their MFA factors (TOTP, "
        "SMS/email only, or none) and what their next sign-in asks: who to enrol before MFA is "
        "enforced. Streams one row per user as it comes; a progress bar on stderr when it is a "
        "terminal. Needs cognito-idp:ListUsers and cognito-idp:AdminGetUser (one call per "
        "user), and GetUserPoolMfaConfig and DescribeUserPool where allowed.",
    )
    _add_common_options(report, username=False)
    report.add_argument("--output", choices=FORMATS, default="csv", help="format (default csv)")
    report.add_argument(
        "--filter",
        metavar="EXPR",
        help="a ListUsers filter, passed as is, e.g. 'status = \"Enabled\"' or 'email ^= \"jane\"'",
    )
    report.add_argument(
        "--concurrency",
        type=_concurrency,
        default=pool_report.DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"AdminGetUser calls at once, 1 to {pool_report.MAX_CONCURRENCY} "
        f"(default {pool_report.DEFAULT_CONCURRENCY})",
    )
    return parser


def _concurrency(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= pool_report.MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(
            f"must be a whole number from 1 to {pool_report.MAX_CONCURRENCY}"
        )
    return value


def _add_common_options(parser: argparse.ArgumentParser, username: bool = True) -> None:
    if username:
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
    username = getattr(args, "username", ALL_USERS).strip()
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
    command: Callable[[argparse.Namespace, AdminAction], int] = _COMMANDS[args.command]
    with log:
        action = AdminAction(log, args.command, settings, username, args.aws_profile)
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


def _status(args: argparse.Namespace, action: AdminAction) -> int:
    try:
        client = action.connect(args.sts_endpoint_url)
        status = admin_calls.get_mfa_status(client, action.settings, action.username)
    except admin_calls.AdminError as error:
        return action.failed(error)
    pool = pool_mfa_or_warn(client, action.settings)
    action.write(audit.OK)
    shown = status.as_dict() | {
        "pool_mfa": pool.words if pool else None,
        "next_sign_in": next_sign_in(
            status.user_status, status.enabled, status.mfa_settings, status.preferred_mfa, pool
        ),
    }
    print_record(shown, args.output)
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace, AdminAction], int]] = {
    admin_calls.STATUS: _status,
    admin_calls.RESET_MFA: run_reset,
    admin_calls.REPORT: run_report,
}
