"""How the command line prints: one-line errors (exit code 2), one record (aligned `key:
value` lines, or JSON), and a yes/no question."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping

EXIT_USAGE = 2


def fail(message: str) -> int:
    print(f"totp-tui: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def print_record(shown: Mapping[str, object], output: str) -> None:
    if output == "json":
        print(json.dumps(dict(shown), indent=2))
        return
    width = max(map(len, shown)) + 2
    for key, value in shown.items():
        print(f"{key + ':':<{width}}{as_text(value)}")


def as_text(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "(none)"
    return str(value).lower() if isinstance(value, bool) else str(value)


def confirm(question: str) -> bool:
    """Ask on stderr (stdout may be piped); only "y" or "yes" is yes."""
    print(question, end="", file=sys.stderr, flush=True)
    try:
        answer = sys.stdin.readline()
    except KeyboardInterrupt:
        answer = ""
    if not answer.endswith("\n"):  # end of input or ctrl+c: finish the prompt's line
        print(file=sys.stderr)
    return answer.strip().lower() in ("y", "yes")
