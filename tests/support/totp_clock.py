"""Codes for tests, made safely inside one 30-second window.

The local Cognito has no clock-skew window, so a code made in the last moments of a window
may be checked in the next one. Waiting out the last seconds makes tests deterministic.
"""

from __future__ import annotations

import time

import pyotp

STEP = 30
SAFETY = 3  # seconds before a window ends in which no code is made


def wait_for_safe_window() -> None:
    remaining = STEP - (time.time() % STEP)
    if remaining < SAFETY:
        time.sleep(remaining + 0.05)


def code_now(secret: str) -> str:
    wait_for_safe_window()
    return pyotp.TOTP(secret).now()


def wrong_code(secret: str) -> str:
    """A six-digit code that is valid in none of the nearby windows."""
    totp = pyotp.TOTP(secret)
    now = time.time()
    taken = {totp.at(now + offset) for offset in (-60, -30, 0, 30, 60)}
    candidate = 0
    while f"{candidate:06d}" in taken:
        candidate += 1
    return f"{candidate:06d}"


def wait_for_next_window() -> None:
    """Cognito refuses a code used once: a second sign-in needs the next window's code."""
    time.sleep(STEP - (time.time() % STEP) + 0.05)
