"""The --debug / --log-file log: the app's own steps, never a secret.

The file is created with mode 0600 before anything is written: it names users and pools.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path


def default_log_path() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "totp-tui" / "debug.log"


def open_private(path: Path) -> int:
    """An append-only file descriptor readable by its owner only, whatever the umask."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its old mode otherwise
    return fd


def configure(log_file: str | None, debug: bool) -> Path | None:
    """Send the "totp_tui" logger to a private file; returns the path, or None for no log."""
    if not (log_file or debug):
        return None
    path = Path(log_file) if log_file else default_log_path()
    stream = os.fdopen(open_private(path), "a", encoding="utf-8")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("totp_tui")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if debug else logging.INFO)
    logger.propagate = False
    return path
