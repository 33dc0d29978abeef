"""The local Cognito (moto's server) behind `totp-tui demo` and the tests."""
