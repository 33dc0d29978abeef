"""The boto3 client for the chosen settings, made once, in whichever worker needs it first."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from totp_tui.config.settings import Settings


class SdkClient:
    """The boto3 client for the chosen settings, made once by whichever worker needs it
    first (the warm-up after the first paint, or the first request). A memo behind a lock:
    building it takes a few hundred ms, and it holds nothing of a person."""

    def __init__(self, factory: Callable[[Settings], Any]) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._made: tuple[Settings, Any] | None = None

    def get(self, settings: Settings) -> Any:
        with self._lock:
            if self._made is None or self._made[0] is not settings:
                self._made = (settings, self._factory(settings))
            return self._made[1]
