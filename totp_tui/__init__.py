"""totp-tui: enrol Amazon Cognito users in TOTP MFA from the terminal."""
