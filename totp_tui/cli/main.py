"""The entry point: `totp-tui [options]` runs the wizard (wizard.py); `totp-tui demo` runs it
against a local Cognito (demo.py); `totp-tui profiles ...` manages saved profiles
(profiles.py); `totp-tui admin ...` is for the helpdesk (admin.py). Bad values stop here with
one line and exit code 2, before any screen opens."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from totp_tui.cli.options import (
    add_network_options,
    add_output_options,
    add_pool_options,
    requested,
)
from totp_tui.cli.output import fail
from totp_tui.cli.wizard import run_wizard, start_with
from totp_tui.config.settings import SettingsError, effective_settings, requested_profile_name
from totp_tui.diagnostics import startup_gc


def _version() -> str:
    # importlib.metadata costs tens of ms to import: only --version pays for it.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("totp-tui")
    except PackageNotFoundError:
        return "unknown"


class _VersionAction(argparse.Action):
    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: object, **__: object) -> None:
        print(f"totp-tui {_version()}")
        parser.exit()


DEFAULT_IDLE_MINUTES = 2.0


def audit_log_problem() -> str | None:
    """Why kiosk mode's audit log cannot be written (opened for append, created if need
    be), or None."""
    from totp_tui.helpdesk.audit import AuditLog

    log = AuditLog()
    try:
        with log:
            pass
    except OSError as error:
        return (
            f"--kiosk audits every enrolment, and its audit log {log.path} cannot be written "
            f"({error.strerror}). Point XDG_STATE_HOME at a writable folder, or fix the "
            "file's permissions."
        )
    return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="totp-tui",
        # The subcommands have parsers of their own (main() dispatches before this one):
        # named in the usage line, so --help shows them first.
        usage="%(prog)s [options]\n       %(prog)s {demo,profiles,admin,serve} ... (each has"
        " --help)",
        description=(
            "Enrol an Amazon Cognito user in authenticator-app (TOTP) MFA, in the terminal. "
            "`totp-tui demo` runs it against a local Cognito; `totp-tui profiles` lists, shows, "
            "saves and deletes saved profiles; `totp-tui admin` shows or resets a user's MFA "
            "(IAM credentials); `totp-tui serve` is sshd's ForceCommand on a bastion host."
        ),
        epilog=(
            "Precedence: flags > environment > the profile (or else the system-wide"
            " configuration's pool: /etc/totp-tui/config.toml, or TOTP_TUI_SYSTEM_CONFIG) >"
            " defaults. "
            "The app client secret, if the client has one, is read from TOTP_TUI_CLIENT_SECRET "
            "or the profile's keyring entry (never a flag: flags show in `ps`). Region and "
            "endpoint also come from AWS_REGION, AWS_DEFAULT_REGION, "
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, AWS_ENDPOINT_URL, AWS_CA_BUNDLE; the "
            "session length from TOTP_TUI_SESSION_MINUTES. "
            "Exit codes (every command): 0 done, or the person quit; 1 tried and did not succeed;"
            " 2 nothing was tried (bad command line or setting, no terminal, no keyring for"
            " --profile, a log that cannot be written); 128+N signal N (130 Ctrl+C). See the"
            ' README\'s "Exit codes".'
        ),
    )
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="use the saved profile NAME (also TOTP_TUI_PROFILE); flags override its values",
    )
    pool = parser.add_argument_group("user pool")
    add_pool_options(pool)
    pool.add_argument("--username", help="prefill the username")
    add_network_options(parser.add_argument_group("network"))
    other = parser.add_argument_group("other ways in (instead of a password)")
    other.add_argument(
        "--access-token",
        metavar="TOKEN",
        help="a signed-in user's access token: set up (or replace) their authenticator app. "
        "Prefer the TOTP_TUI_ACCESS_TOKEN variable: flags show in `ps`",
    )
    other.add_argument(
        "--session",
        metavar="SESSION",
        help="continue an MFA_SETUP challenge obtained elsewhere, with --username set to "
        "the challenge's USERNAME (Cognito's name for the user, not an email alias)",
    )
    desk = parser.add_argument_group("helpdesk")
    desk.add_argument(
        "--kiosk",
        action="store_true",
        help="enrol one person after another with a fixed pool: after each enrolment, "
        "cancel (Escape) or idle timeout, everything of the person is wiped; nothing is saved",
    )
    desk.add_argument(
        "--idle-minutes",
        type=float,
        metavar="MINUTES",
        help="kiosk: wipe and start over after this long without a key press (default 2)",
    )
    out = parser.add_argument_group("output")
    add_output_options(out)
    out.add_argument("--no-save", action="store_true", help="do not save settings as a profile")
    parser.add_argument("--version", action=_VersionAction)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] not in (["profiles"], ["admin"]):
        # The wizard's start-up: no garbage collection until its first paint (the app turns
        # it back on then), which saves ~15 ms of a measured start (diagnostics/startup_gc.py).
        startup_gc.pause()
    try:
        return _main(argv)
    finally:
        startup_gc.resume()  # on already, unless the wizard never painted (a usage error)


def _main(argv: list[str]) -> int:
    if argv[:1] == ["demo"]:
        from totp_tui.cli.demo import run_demo

        return run_demo(argv[1:])
    if argv[:1] == ["profiles"]:
        from totp_tui.cli.profiles import run_profiles

        return run_profiles(argv[1:])
    if argv[:1] == ["admin"]:
        from totp_tui.cli.admin import run_admin

        return run_admin(argv[1:])
    if argv[:1] == ["serve"]:
        from totp_tui.cli.served import run_served

        return run_served(argv[1:])
    args = build_parser().parse_args(argv)
    flags = requested(args)
    try:
        start = start_with(args, os.environ)
        system_pool = None
        if not (flags.user_pool_id or flags.client_id):  # start-up is measured: only then
            from totp_tui.cli.system_pools import system_pool_for

            # The system-wide configuration's pool, when the command line names none.
            system_pool = system_pool_for(flags, os.environ)
    except SettingsError as error:
        return fail(str(error))
    pool_named = bool(
        flags.user_pool_id
        or flags.client_id
        or requested_profile_name(flags, os.environ)
        or system_pool
    )
    if start is not None and not pool_named:
        return fail(
            "--access-token and --session need the pool: "
            "--user-pool-id and --client-id, or --profile"
        )
    if args.idle_minutes is not None and not args.kiosk:
        return fail("--idle-minutes applies to --kiosk only: add --kiosk, or leave it out")
    if args.kiosk and not (
        flags.user_pool_id or requested_profile_name(flags, os.environ) or system_pool
    ):
        return fail("--kiosk needs a fixed pool: --profile NAME, or --user-pool-id and --client-id")
    if not pool_named:
        # No pool named at all: the profile screen comes first (it reads the keyring after
        # the first paint).
        return run_wizard(None, requested=flags, ascii_qr=args.ascii_qr)
    try:
        profile, profile_client_secret = None, None
        if system_pool is not None:
            settings = effective_settings(flags, os.environ, system_pool=system_pool)
        else:
            if requested_profile_name(flags, os.environ):  # keyring is imported only then
                from totp_tui.cli.profiles import load_profile_for_wizard

                profile, profile_client_secret = load_profile_for_wizard(flags, os.environ)
            settings = effective_settings(flags, os.environ, profile, profile_client_secret)
    except SettingsError as error:
        return fail(str(error))
    kiosk = None
    if args.kiosk:
        from dataclasses import replace

        from totp_tui.ui.start_options import Kiosk

        idle_minutes = DEFAULT_IDLE_MINUTES if args.idle_minutes is None else args.idle_minutes
        if not 0 < idle_minutes <= 24 * 60:
            return fail("--idle-minutes must be more than 0 and at most a day")
        problem = audit_log_problem()
        if problem:  # a helpdesk desk must not enrol anyone it cannot audit
            return fail(problem)
        # No usernames kept or saved, no profile written: the next person starts clean.
        settings = replace(settings, save=False, username="")
        kiosk = Kiosk(idle_seconds=idle_minutes * 60)
    return run_wizard(settings, start=start, ascii_qr=args.ascii_qr, kiosk=kiosk)
