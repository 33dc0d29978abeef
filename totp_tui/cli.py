"""Command line: `totp-tui [options]` runs the wizard; `totp-tui demo` runs it against a local
Cognito; `totp-tui profiles ...` manages saved profiles (profiles_cli.py). Bad values stop here
with one line and exit code 2, before any screen opens."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from totp_tui import startup_gc
from totp_tui.settings import (
    AUTH_FLOWS,
    RequestedSettings,
    Settings,
    SettingsError,
    effective_settings,
    requested_profile_name,
)

if TYPE_CHECKING:
    from totp_tui.ui.start_options import DemoNotice, Kiosk, StartWith

EXIT_USAGE = 2
_log = logging.getLogger(__name__)


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="totp-tui",
        description=(
            "Enrol an Amazon Cognito user in authenticator-app (TOTP) MFA, in the terminal. "
            "`totp-tui demo` runs it against a local Cognito; `totp-tui profiles` lists, shows, "
            "saves and deletes saved profiles; `totp-tui admin` shows or resets a user's MFA "
            "(IAM credentials)."
        ),
        epilog=(
            "Precedence: flags > environment > the profile > defaults. "
            "The app client secret, if the client has one, is read from TOTP_TUI_CLIENT_SECRET "
            "or the profile's keyring entry (never a flag: flags show in `ps`). Region and "
            "endpoint also come from AWS_REGION, AWS_DEFAULT_REGION, "
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, AWS_ENDPOINT_URL, AWS_CA_BUNDLE."
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
        help="continue an MFA_SETUP challenge obtained elsewhere (with --username)",
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
        default=2.0,
        metavar="MINUTES",
        help="kiosk: wipe and start over after this long without a key press (default 2)",
    )
    out = parser.add_argument_group("output")
    out.add_argument("--debug", action="store_true", help="log the app's steps (no secrets)")
    out.add_argument("--log-file", metavar="PATH", help="write the log here (mode 0600)")
    out.add_argument("--no-save", action="store_true", help="do not save settings as a profile")
    out.add_argument(
        "--ascii-qr",
        action="store_true",
        help="draw the QR code with spaces only, for terminals without Unicode (it needs a "
        "larger terminal; chosen anyway when the locale's encoding has no block characters)",
    )
    parser.add_argument("--version", action=_VersionAction)
    return parser


def add_pool_options(group: argparse._ActionsContainer) -> None:
    """--region, --user-pool-id, --client-id, --auth-flow, --issuer (also `profiles save`)."""
    group.add_argument("--region", help="AWS region (default: the user pool id's prefix)")
    group.add_argument("--user-pool-id", metavar="ID", help="e.g. us-east-1_AbC123")
    group.add_argument("--client-id", metavar="ID", help="the app client's id")
    group.add_argument(
        "--auth-flow",
        choices=AUTH_FLOWS,
        help="USER_SRP_AUTH (default; the password never leaves this machine) or "
        "USER_PASSWORD_AUTH (must be enabled on the app client)",
    )
    group.add_argument("--issuer", help="name shown in the authenticator app (default AWSCognito)")


def add_network_options(group: argparse._ActionsContainer) -> None:
    """--endpoint-url, --no-verify-ssl, --ca-bundle and the timeouts (also `profiles save`)."""
    group.add_argument("--endpoint-url", metavar="URL", help="Cognito endpoint (e.g. a local one)")
    group.add_argument(
        "--no-verify-ssl", action="store_true", help="do not verify TLS certificates (tests only)"
    )
    group.add_argument("--ca-bundle", metavar="PATH", help="CA certificates to verify TLS with")
    for name in ("connect", "read"):
        group.add_argument(
            f"--{name}-timeout",
            f"--cli-{name}-timeout",
            dest=f"{name}_timeout",
            type=float,
            metavar="SECONDS",
            help=f"{name} timeout (default {10 if name == 'connect' else 30})",
        )


def requested(args: argparse.Namespace) -> RequestedSettings:
    """The settings the command line asked for; options a parser lacks count as not given."""
    return RequestedSettings(
        region=args.region,
        user_pool_id=args.user_pool_id,
        client_id=args.client_id,
        auth_flow=args.auth_flow,
        issuer=args.issuer,
        username=getattr(args, "username", None),
        endpoint_url=args.endpoint_url,
        # Only --no-verify-ssl exists: without it, the profile's choice (or True) stands.
        verify_ssl=False if args.no_verify_ssl else None,
        ca_bundle=args.ca_bundle,
        connect_timeout=args.connect_timeout,
        read_timeout=args.read_timeout,
        debug=getattr(args, "debug", False),
        log_file=getattr(args, "log_file", None),
        save=not getattr(args, "no_save", False),
        profile=getattr(args, "profile", None),
    )


def fail(message: str) -> int:
    print(f"totp-tui: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _prepare_terminal() -> None:
    # Textual writes escapes like "\u2584" instead of the QR's half blocks when stdout's
    # encoding is not UTF-8 (LANG=C on many servers).
    for stream in (sys.__stdout__, sys.__stderr__):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if stream is not None and encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] not in (["profiles"], ["admin"]):
        # The wizard's start-up: no garbage collection until its first paint (the app turns
        # it back on then), which saves ~15 ms of a measured start (startup_gc.py).
        startup_gc.pause()
    try:
        return _main(argv)
    finally:
        startup_gc.resume()  # on already, unless the wizard never painted (a usage error)


def _main(argv: list[str]) -> int:
    if argv[:1] == ["demo"]:
        from totp_tui.demo_cli import run_demo

        return run_demo(argv[1:])
    if argv[:1] == ["profiles"]:
        from totp_tui.profiles_cli import run_profiles

        return run_profiles(argv[1:])
    if argv[:1] == ["admin"]:
        from totp_tui.admin_cli import run_admin

        return run_admin(argv[1:])
    args = build_parser().parse_args(argv)
    flags = requested(args)
    try:
        start = start_with(args, os.environ)
    except SettingsError as error:
        return fail(str(error))
    if start is not None and not (
        flags.user_pool_id or flags.client_id or requested_profile_name(flags, os.environ)
    ):
        return fail(
            "--access-token and --session need the pool: "
            "--user-pool-id and --client-id, or --profile"
        )
    if args.kiosk and not (flags.user_pool_id or requested_profile_name(flags, os.environ)):
        return fail("--kiosk needs a fixed pool: --profile NAME, or --user-pool-id and --client-id")
    if not (flags.user_pool_id or flags.client_id or requested_profile_name(flags, os.environ)):
        # No pool named at all: the profile screen comes first (it reads the keyring after
        # the first paint).
        return run_wizard(None, requested=flags, ascii_qr=args.ascii_qr)
    try:
        profile, profile_client_secret = None, None
        if requested_profile_name(flags, os.environ):  # keyring is imported only then
            from totp_tui.profiles_cli import load_profile_for_wizard

            profile, profile_client_secret = load_profile_for_wizard(flags, os.environ)
        settings = effective_settings(flags, os.environ, profile, profile_client_secret)
    except SettingsError as error:
        return fail(str(error))
    kiosk = None
    if args.kiosk:
        from dataclasses import replace

        from totp_tui.ui.start_options import Kiosk

        if not 0 < args.idle_minutes <= 24 * 60:
            return fail("--idle-minutes must be more than 0 and at most a day")
        # No usernames kept or saved, no profile written: the next person starts clean.
        settings = replace(settings, save=False, username="")
        kiosk = Kiosk(idle_seconds=args.idle_minutes * 60)
    return run_wizard(settings, start=start, ascii_qr=args.ascii_qr, kiosk=kiosk)


def start_with(args: argparse.Namespace, env: Mapping[str, str]) -> StartWith | None:
    """--access-token (or TOTP_TUI_ACCESS_TOKEN), or --session with --username."""
    access_token = args.access_token or env.get("TOTP_TUI_ACCESS_TOKEN") or None
    if access_token and args.session:
        raise SettingsError("give either an access token or --session, not both")
    if args.session and not args.username:
        raise SettingsError("--session needs --username: the name the challenge was for")
    if not (access_token or args.session):
        return None
    from totp_tui.ui.start_options import StartWith

    return StartWith(username=args.username or "", access_token=access_token, session=args.session)


def run_wizard(
    settings: Settings | None,
    demo: DemoNotice | None = None,
    requested: RequestedSettings | None = None,
    start: StartWith | None = None,
    ascii_qr: bool = False,
    kiosk: Kiosk | None = None,
) -> int:
    from totp_tui import debug_log
    from totp_tui.ui.app import TotpApp
    from totp_tui.ui.terminal_caps import detect_caps

    flags = requested or RequestedSettings()
    log_file = settings.log_file if settings else flags.log_file
    debug = settings.debug if settings else flags.debug
    try:
        log_path = debug_log.configure(
            log_file, debug, literals=[settings.client_secret or ""] if settings else []
        )
    except OSError as error:
        return fail(f"cannot write the log file: {error.strerror}")
    # Names of sources only: never a value, never the client secret.
    if settings and settings.sources:
        _log.debug("settings from: %s", settings.sources.log_line())
    caps = detect_caps(sys.__stdout__, ascii_qr)  # before the stream is made UTF-8
    _prepare_terminal()
    # Textual renders in this thread and writes each frame to the terminal from another.
    # At Python's default switch interval (5 ms), the writer waited ~11 ms for the GIL to
    # send the first frame while this thread went on with the next; at 1 ms, ~2 ms.
    sys.setswitchinterval(0.001)
    app = TotpApp(
        settings,
        demo=demo,
        handle_signals=True,
        requested=flags,
        env=os.environ,
        start=start,
        kiosk=kiosk,
    )
    app.terminal_caps = caps
    app.run()
    if log_path:
        print(f"totp-tui: log written to {log_path}", file=sys.stderr)
    return app.return_code or 0
