"""`python -m totp_tui` does what the `totp-tui` command does."""

import sys

from totp_tui.cli import main

sys.exit(main())
