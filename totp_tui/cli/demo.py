"""`totp-tui demo`: the wizard against a local Cognito on 127.0.0.1, with a demo user.

Everything happens in this process: moto's server runs in a thread and stops when the
wizard ends. A person can enrol their real phone: the secret is random and codes are checked.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from totp_tui.cli.options import add_output_options
from totp_tui.cli.output import fail
from totp_tui.cli.wizard import no_terminal, run_wizard
from totp_tui.config.settings import Settings

# As pyproject.toml's demo extra pins it.
DEMO_REQUIREMENT = "moto[cognitoidp,server]==5.2.5"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="totp-tui demo",
        description="Run the wizard against a local Cognito (moto) with a demo user.",
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any)")
    parser.add_argument(
        "--auth-flow",
        choices=("USER_SRP_AUTH", "USER_PASSWORD_AUTH"),
        default="USER_SRP_AUTH",
    )
    parser.add_argument("--issuer", default="totp-tui-demo", help="name shown in the app")
    add_output_options(parser.add_argument_group("output"))
    return parser


def run_demo(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    problem = no_terminal()
    if problem:  # before the local Cognito starts: nothing to wait for, nothing to stop
        return fail(problem)
    try:
        import moto  # noqa: F401

        from totp_tui.demo.local_cognito import DEMO_USERNAME, LocalCognito, temporary_password
    except ImportError:
        # totp-tui is not on PyPI, so no "totp-tui[demo]" to name: the package it needs.
        return fail(f"the demo needs moto, the local Cognito: pip install '{DEMO_REQUIREMENT}'")
    from totp_tui.ui.start_options import DemoNotice

    print("totp-tui: starting a local Cognito on 127.0.0.1…", file=sys.stderr)
    server = LocalCognito(args.port or None)
    try:
        server.start()
    except OSError as error:
        return fail(f"cannot start the local Cognito: {error.strerror or error}")
    try:
        pool = server.create_pool()
        password = temporary_password()
        server.create_user(pool, DEMO_USERNAME, password)
        settings = Settings(
            region=pool.region,
            user_pool_id=pool.user_pool_id,
            client_id=pool.client_id,
            auth_flow=args.auth_flow,
            issuer=args.issuer,
            username=DEMO_USERNAME,
            endpoint_url=server.endpoint_url,
            save=False,
            debug=args.debug,
            log_file=args.log_file,
        )
        return run_wizard(settings, DemoNotice(DEMO_USERNAME, password), ascii_qr=args.ascii_qr)
    finally:
        server.stop()
