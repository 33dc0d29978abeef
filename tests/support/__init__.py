"""Helpers for the tests that are not tests themselves: the fault proxy, screen reading,
the tmux session, the benchmark, the tiny apps behind the snapshots."""
