"""Tests of totp_tui/config/."""
