"""The options the wizard, `profiles save` and `admin` share, and what they ask for."""

from __future__ import annotations

import argparse

from totp_tui.config.settings import AUTH_FLOWS, RequestedSettings


def add_pool_options(group: argparse._ActionsContainer) -> None:
    """--region, --user-pool-id, --client-id, --auth-flow, --issuer, --session-minutes (also
    `profiles save`)."""
    group.add_argument("--region", help="AWS region (default: the user pool id's prefix)")
    group.add_argument("--user-pool-id", metavar="ID", help="e.g. us-east-1_AbC123")
    group.add_argument("--client-id", metavar="ID", help="the app client's id")
    group.add_argument(
        "--auth-flow",
        choices=AUTH_FLOWS,
        help="USER_SRP_AUTH (default; the password never leaves this machine), "
        "USER_PASSWORD_AUTH (must be enabled on the app client) or USER_AUTH (choice-based "
        "sign-in; the app client must allow ALLOW_USER_AUTH)",
    )
    group.add_argument("--issuer", help="name shown in the authenticator app (default AWSCognito)")
    # Checked with the other settings (3-15), so a bad value gets the same one-line message
    # from the flag, TOTP_TUI_SESSION_MINUTES or a profile.
    group.add_argument(
        "--session-minutes",
        type=int,
        metavar="MINUTES",
        help="the app client's sign-in session length, 3-15 (default 3): the countdown on the "
        "QR screen",
    )


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


def add_output_options(group: argparse._ActionsContainer) -> None:
    """--debug, --log-file and --ascii-qr (also `demo`)."""
    group.add_argument("--debug", action="store_true", help="log the app's steps (no secrets)")
    group.add_argument("--log-file", metavar="PATH", help="write the log here (mode 0600)")
    group.add_argument(
        "--ascii-qr",
        action="store_true",
        help="draw the QR code with spaces only, for terminals without Unicode (it needs a "
        "larger terminal; chosen anyway when the locale's encoding has no block characters)",
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
        session_minutes=getattr(args, "session_minutes", None),
        debug=getattr(args, "debug", False),
        log_file=getattr(args, "log_file", None),
        save=not getattr(args, "no_save", False),
        profile=getattr(args, "profile", None),
    )
