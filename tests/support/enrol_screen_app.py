"""The real app showing the enrol screen for the public test key, started the way
`cli.run_wizard` starts it (terminal capabilities read first, then UTF-8 output) but with no
Cognito: the terminal tests run it under many TERM and environment combinations, fast.

`python -m tests.support.enrol_screen_app [--ascii-qr]`
"""

from __future__ import annotations

import sys

from tests.support.snapshot_apps import SnapshotApp, enrol_screen
from totp_tui.cli.wizard import _prepare_terminal
from totp_tui.ui.terminal_caps import detect_caps


def main() -> int:
    caps = detect_caps(sys.__stdout__, "--ascii-qr" in sys.argv[1:])
    _prepare_terminal()
    app = SnapshotApp(enrol_screen)
    app.terminal_caps = caps
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
