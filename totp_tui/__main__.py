"""`python -m totp_tui` does what the `totp-tui` command does."""

import sys

from totp_tui.cli.main import main

sys.exit(main())
