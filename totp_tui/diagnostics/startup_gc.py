"""The garbage collector is off from the command line's start to the wizard's first paint.

Start-up allocates about 55,000 objects that live as long as the process (modules, classes,
CSS rules, widgets). With the collector on, Python walks them again and again while they
are being made: about 15 ms of a start that is measured (`make bench`). Nothing made in that
window is garbage worth collecting. After the first paint the collector comes back, and the
objects made so far are frozen (gc.freeze) so that later collections skip them too.
"""

from __future__ import annotations

import gc

_paused = False  # by pause(): only then may resume() freeze what start-up made
_frozen = False  # resume() froze: this process owns the collector's settings


def pause() -> None:
    """Turn the collector off, unless someone else already has (then leave it to them)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume(*, freeze: bool = False) -> None:
    """Turn the collector back on if pause() turned it off; with freeze, first move every
    object made so far out of its reach (they live as long as the process)."""
    global _paused
    if not _paused:
        return
    _paused = False
    if freeze:
        global _frozen
        _frozen = True
        gc.freeze()
    gc.enable()


def freeze_loaded() -> None:
    """After the warm-up's imports (boto3, botocore's models, pycognito: ~150,000 objects
    that live as long as the process): out of the collector's reach too, or an oldest-
    generation collection walks them all, 20-40 ms in the middle of some step. Only in a
    process whose start-up froze (the command line's), never under tests."""
    if _frozen:
        gc.freeze()
