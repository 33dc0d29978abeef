"""Every core busy, as on a loaded bastion host: one busy-loop process per core.

A loaded host widens the time between a key reaching the app and the app handling it, which
is when keys typed in one burst can overtake each other. Each process stops by itself after
`limit` seconds, and is killed by its pid when the test ends.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_SPIN = (
    "import sys, time\n"
    "end = time.monotonic() + float(sys.argv[1])\n"
    "while time.monotonic() < end:\n"
    "    pass\n"
)


@contextmanager
def busy_cores(limit: float = 120.0) -> Iterator[int]:
    """Run one busy loop per core while the block runs; yields how many there are."""
    count = os.cpu_count() or 2
    spinners = [
        subprocess.Popen([sys.executable, "-c", _SPIN, str(limit)], stdin=subprocess.DEVNULL)
        for _ in range(count)
    ]
    try:
        yield count
    finally:
        for spinner in spinners:
            spinner.kill()
        for spinner in spinners:
            spinner.wait(timeout=10)
