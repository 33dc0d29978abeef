"""Tests of totp_tui/demo/."""
