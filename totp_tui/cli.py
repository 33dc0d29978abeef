"""Command line: `totp-tui [options]` runs the wizard; `totp-tui demo` runs it against a local
Cognito. Bad values stop here with one line and exit code 2, before any screen opens."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from totp_tui.settings import (
    AUTH_FLOWS,
    RequestedSettings,
    Settings,
    SettingsError,
    effective_settings,
)

if TYPE_CHECKING:
    from totp_tui.ui.screens.sign_in import DemoNotice

EXIT_USAGE = 2


def _version() -> str:
    try:
        return version("totp-tui")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="totp-tui",
        description=(
            "Enrol an Amazon Cognito user in authenticator-app (TOTP) MFA, in the terminal. "
            "`totp-tui demo` runs it against a local Cognito."
        ),
        epilog=(
            "The app client secret, if the client has one, is read from TOTP_TUI_CLIENT_SECRET "
            "(never a flag: flags show in `ps`). Region and endpoint also come from AWS_REGION, "
            "AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, AWS_ENDPOINT_URL, "
            "AWS_CA_BUNDLE."
        ),
    )
    pool = parser.add_argument_group("user pool")
    pool.add_argument("--region", help="AWS region (default: the user pool id's prefix)")
    pool.add_argument("--user-pool-id", metavar="ID", help="e.g. us-east-1_AbC123")
    pool.add_argument("--client-id", metavar="ID", help="the app client's id")
    pool.add_argument("--username", help="prefill the username")
    pool.add_argument(
        "--auth-flow",
        choices=AUTH_FLOWS,
        help="USER_SRP_AUTH (default; the password never leaves this machine) or "
        "USER_PASSWORD_AUTH (must be enabled on the app client)",
    )
    pool.add_argument("--issuer", help="name shown in the authenticator app (default AWSCognito)")
    net = parser.add_argument_group("network")
    net.add_argument("--endpoint-url", metavar="URL", help="Cognito endpoint (e.g. a local one)")
    net.add_argument(
        "--no-verify-ssl", action="store_true", help="do not verify TLS certificates (tests only)"
    )
    net.add_argument("--ca-bundle", metavar="PATH", help="CA certificates to verify TLS with")
    for name in ("connect", "read"):
        net.add_argument(
            f"--{name}-timeout",
            f"--cli-{name}-timeout",
            dest=f"{name}_timeout",
            type=float,
            metavar="SECONDS",
            help=f"{name} timeout (default {10 if name == 'connect' else 30})",
        )
    out = parser.add_argument_group("output")
    out.add_argument("--debug", action="store_true", help="log the app's steps (no secrets)")
    out.add_argument("--log-file", metavar="PATH", help="write the log here (mode 0600)")
    out.add_argument("--no-save", action="store_true", help="do not save settings as a profile")
    parser.add_argument("--version", action="version", version=f"totp-tui {_version()}")
    return parser


def requested(args: argparse.Namespace) -> RequestedSettings:
    return RequestedSettings(
        region=args.region,
        user_pool_id=args.user_pool_id,
        client_id=args.client_id,
        auth_flow=args.auth_flow,
        issuer=args.issuer,
        username=args.username,
        endpoint_url=args.endpoint_url,
        verify_ssl=not args.no_verify_ssl,
        ca_bundle=args.ca_bundle,
        connect_timeout=args.connect_timeout,
        read_timeout=args.read_timeout,
        debug=args.debug,
        log_file=args.log_file,
        save=not args.no_save,
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
    if argv[:1] == ["demo"]:
        from totp_tui.demo_cli import run_demo

        return run_demo(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        settings = effective_settings(requested(args), os.environ)
    except SettingsError as error:
        return fail(str(error))
    return run_wizard(settings)


def run_wizard(settings: Settings, demo: DemoNotice | None = None) -> int:
    from totp_tui import debug_log
    from totp_tui.ui.app import TotpApp

    try:
        log_path = debug_log.configure(
            settings.log_file, settings.debug, literals=[settings.client_secret or ""]
        )
    except OSError as error:
        return fail(f"cannot write the log file: {error.strerror}")
    _prepare_terminal()
    app = TotpApp(settings, demo=demo, handle_signals=True)
    app.run()
    if log_path:
        print(f"totp-tui: log written to {log_path}", file=sys.stderr)
    return app.return_code or 0
