"""Thin widgets for the wizard's screens, one per domain thing it shows."""
