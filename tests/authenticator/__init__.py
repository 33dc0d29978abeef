"""Tests of totp_tui/authenticator/."""
