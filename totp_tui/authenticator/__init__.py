"""The authenticator key: the otpauth URI, its QR code, and the drawing of it (no Textual)."""
