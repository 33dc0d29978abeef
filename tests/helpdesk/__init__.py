"""Tests of totp_tui/helpdesk/."""
