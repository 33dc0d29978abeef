"""What is printed when the app stops on a bug: where, never what.

Textual's own report shows every frame's local variables, and the sign-in worker's locals
hold the password. This one names the exception's type and each frame's file, line and
function, and no values: not even the exception's message, which can quote its input.
"""

from __future__ import annotations

import traceback
from pathlib import Path

MAX_FRAMES = 12


def crash_report(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    lines = [f"totp-tui stopped on an unexpected error ({type(error).__name__})."]
    shown = frames[-MAX_FRAMES:]
    if len(frames) > len(shown):
        lines.append(f"  … {len(frames) - len(shown)} earlier frames")
    for frame in shown:
        lines.append(f"  {_short(frame.filename)}:{frame.lineno} in {frame.name}")
    lines.append(
        "Nothing was saved. Please report this with the lines above; "
        "they hold no password, key or token."
    )
    return "\n".join(lines)


def _short(filename: str) -> str:
    """The path from the package or site-packages down, so reports do not reveal homes."""
    parts = Path(filename).parts
    for anchor in ("site-packages", "totp_tui"):
        if anchor in parts:
            index = parts.index(anchor)
            start = index + 1 if anchor == "site-packages" else index
            return str(Path(*parts[start:]))
    return Path(filename).name
