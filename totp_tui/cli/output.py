"""How the command line prints: one-line errors and the exit codes that go with them, one
record (aligned `key: value` lines, or JSON), and a yes/no question."""

from __future__ import annotations

import sys
from collections.abc import Mapping

# The one rule every command follows (README, "Exit codes"): a script can tell "fix how it
# is run" (2) from "it was tried and did not work" (1) without parsing messages.
EXIT_OK = 0  # done; also when the person answered no or quit (nothing failed)
EXIT_FAILED = 1  # the work was tried and did not succeed (a refusal, an error, a crash)
EXIT_CANNOT_START = 2  # nothing was tried: command line, settings, terminal, keyring, logs
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl+C; other signals 128 + N


def fail(message: str) -> int:
    """One error line for a command that could not start; nothing was done."""
    print(f"totp-tui: error: {message}", file=sys.stderr)
    return EXIT_CANNOT_START


def failed(message: str) -> int:
    """One error line for work that was tried and did not succeed."""
    print(f"totp-tui: error: {message}", file=sys.stderr)
    return EXIT_FAILED


def print_record(shown: Mapping[str, object], output: str) -> None:
    if output == "json":
        import json  # only the commands that print JSON: not the wizard's start

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
    """Ask on stderr (stdout may be piped); only "y" or "yes" is yes. Ctrl+C raises
    KeyboardInterrupt, after finishing the prompt's line: the caller exits 130."""
    print(question, end="", file=sys.stderr, flush=True)
    try:
        answer = sys.stdin.readline()
    except KeyboardInterrupt:
        print(file=sys.stderr)
        raise
    if not answer.endswith("\n"):  # end of input: finish the prompt's line
        print(file=sys.stderr)
    return answer.strip().lower() in ("y", "yes")
