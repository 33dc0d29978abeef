"""The helpdesk: admin calls with IAM credentials, and the audit log."""
