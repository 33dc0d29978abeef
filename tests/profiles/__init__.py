"""Tests of totp_tui/profiles/."""
