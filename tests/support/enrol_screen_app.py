"""The real app showing the enrol screen for the public test key, started the way
`cli.run_wizard` starts it (terminal capabilities read and the background asked first, then
UTF-8 output) but with no Cognito: the terminal tests run it under many TERM and environment
combinations, fast.

`python -m tests.support.enrol_screen_app [--ascii-qr] [--account NAME]`
"""

from __future__ import annotations

import argparse
import os
import sys

from tests.support.snapshot_apps import ISSUER, SnapshotApp
from tests.support.ui_driving import PUBLIC_TEST_SECRET
from totp_tui.authenticator.key_uri import build_key_uri
from totp_tui.authenticator.qr import make_matrix
from totp_tui.cli.wizard import BackgroundQuestion, _prepare_terminal
from totp_tui.ui.screens.enrol import EnrolScreen
from totp_tui.ui.terminal_caps import background_said, detect_caps, initial_theme

DEFAULT_ACCOUNT = "jane.doe"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ascii-qr", action="store_true")
    parser.add_argument("--account", default=DEFAULT_ACCOUNT)
    args = parser.parse_args()
    light = BackgroundQuestion().light()
    caps = detect_caps(sys.__stdout__, args.ascii_qr, background_said(os.environ, light))
    _prepare_terminal()
    uri = build_key_uri(ISSUER, args.account, PUBLIC_TEST_SECRET)
    matrix = make_matrix(uri)
    app = SnapshotApp(lambda: EnrolScreen(args.account, ISSUER, PUBLIC_TEST_SECRET, matrix))
    app.terminal_caps = caps
    theme = initial_theme(os.environ, light)
    if theme is not None:
        app.theme = theme
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
