"""The --debug / --log-file log: the app's steps and, with --debug, botocore's wire traffic,
with every secret field redacted.

The file is created with mode 0600 before anything is written: it names users and pools.
A write that fails (a full disk, /dev/full) is counted, never printed over the screen, and
`outcome` says on exit whether the log was written.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

# botocore's wire log (requests, responses, retries) is what --debug is for; its event-hook
# and loader chatter is not.
_WIRE_LOGGERS = ("botocore", "urllib3")
_QUIET_LOGGERS = ("botocore.hooks", "botocore.loaders", "botocore.credentials")


def default_log_path() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "totp-tui" / "debug.log"


def open_private(path: Path, *, make_folder: bool = True) -> int:
    """An append-only file descriptor readable by its owner only, whatever the umask.
    `make_folder` False: a missing folder is an error (a --log-file path with a typo must
    not create a tree of folders, as root anywhere)."""
    if make_folder:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    elif not path.parent.is_dir():
        raise FileNotFoundError(2, f"its folder {path.parent} does not exist", str(path))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its old mode otherwise
    return fd


class _LogFileHandler(logging.StreamHandler[TextIO]):
    """The log file's handler: counts the records it wrote and the ones it could not.

    logging's own handleError prints "--- Logging error ---", a traceback and the record
    onto stderr: over the wizard's screen, and with the message that failed. Here a failure
    is only remembered, for `outcome` to report once, on exit.
    """

    def __init__(self, stream: TextIO, path: Path) -> None:
        super().__init__(stream)
        self.path = path
        self.written = 0
        self.lost = 0
        self.first_error: BaseException | None = None

    def emit(self, record: logging.LogRecord) -> None:
        lost = self.lost
        super().emit(record)  # calls handleError on failure, which counts it
        if self.lost == lost:
            self.written += 1

    def handleError(self, record: logging.LogRecord) -> None:
        self.lost += 1
        if self.first_error is None:
            self.first_error = sys.exc_info()[1]


def outcome(path: Path) -> str:
    """What became of the log at `path`, in one line for the exit: written, or why not."""
    handler = next(
        (h for h in logging.getLogger("totp_tui").handlers if getattr(h, "path", None) == path),
        None,
    )
    if not isinstance(handler, _LogFileHandler) or not handler.lost:
        return f"log written to {path}"
    reason = _reason(handler.first_error)
    if not handler.written:
        return f"the log could not be written to {path}: {reason}"
    return (
        f"the log {path} is incomplete: {handler.lost} of {handler.lost + handler.written}"
        f" entries could not be written ({reason})"
    )


def _reason(error: BaseException | None) -> str:
    """The OS's words ("No space left on device"), never the record that failed."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return type(error).__name__ if error is not None else "unknown error"


def configure(log_file: str | None, debug: bool, literals: Iterable[str] = ()) -> Path | None:
    """Send the app's log (and with --debug botocore's) to a private file, through the
    redacting filter. `literals`: values to mask wherever they appear (the client secret).
    Returns the path, or None when no log was asked for."""
    if not (log_file or debug):
        return None
    # Only now: its patterns take ~0.6 ms to compile, and most starts log nothing.
    from totp_tui.diagnostics.redaction import RedactingFilter

    path = Path(log_file) if log_file else default_log_path()
    # The default folder is ours to make; one the person named must exist already.
    stream = os.fdopen(open_private(path, make_folder=not log_file), "a", encoding="utf-8")
    handler = _LogFileHandler(stream, path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # On the handler, not a logger: every record that reaches the file passes through it,
    # whichever logger (ours, botocore's, a library's) wrote it.
    handler.addFilter(RedactingFilter(literals))
    names = ("totp_tui", *_WIRE_LOGGERS) if debug else ("totp_tui",)
    for name in names:
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG if debug else logging.INFO)
        logger.propagate = False
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
    return path
