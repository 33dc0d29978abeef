"""Tests of totp_tui/cli/."""
