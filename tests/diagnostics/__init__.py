"""Tests of totp_tui/diagnostics/."""
