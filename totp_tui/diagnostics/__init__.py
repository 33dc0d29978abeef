"""Diagnostics: the debug log with redaction, the crash report, start-up garbage collection."""
