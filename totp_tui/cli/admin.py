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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from totp_tui.cli.admin_report import (
    FORMATS,
    ProgressBar,
    RowWriter,
    silence_closed_stdout,
    stderr_is_terminal,
)
from totp_tui.cli.options import add_network_options, requested
from totp_tui.cli.output import (
    EXIT_CANNOT_START,
    EXIT_INTERRUPTED,
    EXIT_OK,
    confirm,
    fail,
    failed,
    print_record,
)
from totp_tui.config.settings import (
    AdminSettings,
    SettingsError,
    effective_admin_settings,
    requested_profile_name,
    validate_endpoint_url,
)
from totp_tui.helpdesk import admin_calls, audit, pool_report, token_reset
from totp_tui.helpdesk.next_sign_in import PoolMfa, next_sign_in

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

# Nothing to sign with, found before any call: like no keyring for `profiles`, the command
# cannot start (exit 2), unlike credentials that AWS refused (exit 1).
_NO_CREDENTIALS = frozenset({"NoCredentialsError", "PartialCredentialsError"})
ALL_USERS = "*"
# A reason is a ticket reference or a sentence, not an essay (and one audit line).
MAX_REASON = 300


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
    # The report's audit line is about every user ("*"), or those the filter picks.
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


def _pool_mfa(client: Any, settings: AdminSettings) -> PoolMfa | None:
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


def _status(args: argparse.Namespace, action: _Action) -> int:
    try:
        client = action.connect(args.sts_endpoint_url)
        status = admin_calls.get_mfa_status(client, action.settings, action.username)
    except admin_calls.AdminError as error:
        return action.failed(error)
    pool = _pool_mfa(client, action.settings)
    action.write(audit.OK)
    shown = status.as_dict() | {
        "pool_mfa": pool.words if pool else None,
        "next_sign_in": next_sign_in(
            status.user_status, status.enabled, status.mfa_settings, status.preferred_mfa, pool
        ),
    }
    print_record(shown, args.output)
    return EXIT_OK


def _identity_warning(user: str, new_password: bool) -> str:
    then = (
        "The password is reset too: they will need the code Cognito sends to their verified "
        "email or phone before they can enrol."
        if new_password
        else "Add --require-new-password so that they also need the code Cognito sends to "
        "their verified email or phone."
    )
    return (
        f"Whoever signs in next as {user} with the password can register an authenticator "
        "app for this account: check the person's identity first (for example, call them "
        f"back on a number on file). {then}"
    )


def _ask_reason() -> str:
    print("Reason or ticket reference: ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    if not answer.endswith("\n"):
        print(file=sys.stderr)
    return answer


def _clean_reason(text: str | None) -> str:
    return " ".join((text or "").split())


def _reset_mfa(args: argparse.Namespace, action: _Action) -> int:
    user, pool = action.username, action.settings.user_pool_id
    reason = _clean_reason(args.reason)
    if len(reason) > MAX_REASON:
        return fail(f"--reason is longer than {MAX_REASON} characters; give a ticket reference")
    try:
        # Connect first: a credentials problem is reported before any question is asked.
        client = action.connect(args.sts_endpoint_url)
        token_reset.check_sdk(client)
    except admin_calls.AdminError as error:
        return action.failed(error)
    if not (args.yes and reason):
        if sys.stdin is None or not sys.stdin.isatty():
            missing = " and ".join(
                flag
                for flag, absent in (("--yes", not args.yes), ("--reason", not reason))
                if absent
            )
            return action.refused(
                f"not confirmed: no {missing}, and stdin is not a terminal",
                f"error: not resetting authenticator MFA for {user!r} without asking, and stdin"
                f" is not a terminal to ask on; pass {missing} to reset it",
                EXIT_CANNOT_START,
            )
        print(_identity_warning(user, args.require_new_password), file=sys.stderr)
        try:
            reason = reason or _clean_reason(_ask_reason())
            if not reason:
                return action.refused(
                    "no reason given",
                    f"a reason is required; authenticator MFA for {user!r} was not reset",
                    EXIT_OK,
                )
            if len(reason) > MAX_REASON:
                return fail(f"the reason is longer than {MAX_REASON} characters")
            yes = args.yes or confirm(
                f"Delete the authenticator app (TOTP) of {user} in {pool}? [y/N] "
            )
        except KeyboardInterrupt:
            return action.refused(
                "not confirmed: interrupted at the question",
                f"interrupted; authenticator MFA for {user!r} was not reset",
                EXIT_INTERRUPTED,
            )
        if not yes:
            return action.refused(
                "not confirmed: the operator said no",
                f"authenticator MFA for {user!r} was not reset",
                EXIT_OK,
            )
    # (Audit keys may not name a password: "also_reset" says what else this reset.)
    details: dict[str, audit.DetailValue] = {
        "reason": reason,
        "also_reset": "password" if args.require_new_password else None,
    }
    password_reset = False
    try:
        # The password first: if it cannot be reset (no verified email or phone), nothing has
        # changed, rather than a deleted app that the password alone can replace.
        if args.require_new_password:
            token_reset.require_new_password(client, action.settings, user)
            password_reset = True
        token_reset.delete_software_token(client, action.settings, user)
    except admin_calls.AdminError as error:
        note = (
            "the password was reset: the person must choose a new one with the code Cognito "
            "sent, and the app was not deleted"
            if password_reset
            else "nothing was changed"
        )
        done = {"done_before_failure": "password reset"} if password_reset else {}
        return action.failed(error, note, {**details, **done})
    action.write(audit.OK, details)
    print(f"Deleted the authenticator app (TOTP) of {user!r} in {pool}.")
    if password_reset:
        print("Their password was reset: Cognito sent a code to their verified email or phone.")
    then = _next_sign_in_after(client, action.settings, user)
    if then:
        print(f"Next sign-in: {then}.")
    return EXIT_OK


def _next_sign_in_after(client: Any, settings: AdminSettings, user: str) -> str | None:
    """What the next sign-in asks now, if the permissions allow finding out (best effort: the
    reset is done and audited whatever this says)."""
    try:
        status = admin_calls.get_mfa_status(client, settings, user)
        pool: PoolMfa | None = admin_calls.get_pool_mfa(client, settings)
    except admin_calls.AdminError:
        return None
    return next_sign_in(
        status.user_status, status.enabled, status.mfa_settings, status.preferred_mfa, pool
    )


def _report(args: argparse.Namespace, action: _Action) -> int:
    def factory(session: Any, settings: AdminSettings) -> Any:
        return pool_report.report_client(session, settings, args.concurrency)

    try:
        client = action.connect(args.sts_endpoint_url, factory)
    except admin_calls.AdminError as error:
        return action.failed(error)
    pool = _pool_mfa(client, action.settings)
    bar: ProgressBar | None = None
    if stderr_is_terminal():
        # With a filter the pool's size says nothing about how many rows will come.
        total = None if args.filter else pool_report.estimated_users(client, action.settings)
        bar = ProgressBar(total, sys.stderr)
    run = pool_report.ReportRun(
        client,
        action.settings,
        pool,
        args.filter,
        args.concurrency,
        progress=bar.update if bar else None,
    )

    def details() -> dict[str, audit.DetailValue]:
        return {
            "filter": args.filter,
            "users": run.users,
            "requests": run.calls.requests,
            "throttles_absorbed": run.calls.throttles,
            "seconds": round(run.seconds, 2),
        }

    writer = RowWriter(args.output, sys.stdout)
    try:
        for row in run.rows():
            writer.write(row.as_dict())
    except admin_calls.AdminError as error:
        if bar:
            bar.clear()
        return action.failed(error, f"after {run.users} users", details())
    except BrokenPipeError:  # `report | head`: the reader has what it wanted
        silence_closed_stdout()
        action.write(audit.OK, {"output_closed": True, **details()})
        return EXIT_OK
    finally:
        if bar:
            bar.clear()
    action.write(audit.OK, details())
    if bar:
        print(
            f"totp-tui: {run.users:,} users in {run.seconds:.1f} s, {run.calls.requests:,} "
            f"requests, {run.calls.throttles:,} throttles absorbed",
            file=sys.stderr,
        )
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace, _Action], int]] = {
    admin_calls.STATUS: _status,
    admin_calls.RESET_MFA: _reset_mfa,
    admin_calls.REPORT: _report,
}
