"""Pilot and snapshot tests of the wizard's screens."""
