"""A small per-process cache of computed values that expire."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class TimedCache:
    """Values kept for a while per key, in one process (each worker has its own).

    Dashboard figures and annual reports are the same for every visitor, so a busy page costs a
    few queries a minute instead of a few per request. A ``ttl`` of 0 turns the cache off. With
    ``max_entries``, the oldest values make room for new ones (keys a visitor chooses, such as a
    report's period, cannot grow the cache without end).
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_entries: int | None = None) -> None:
        self._clock = clock
        self._max_entries = max_entries
        self._values: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, ttl: float, compute: Callable[[], T]) -> T:
        """The value of ``key`` if computed less than ``ttl`` seconds ago, else ``compute()``'s (then kept)."""
        now = self._clock()
        with self._lock:
            entry = self._values.get(key)
            if ttl > 0 and entry is not None and now - entry[0] < ttl:
                return entry[1]
        value = compute()
        with self._lock:
            self._values.pop(key, None)
            if ttl > 0:
                self._values[key] = (now, value)  # dicts keep insertion order: the first is the oldest
                while self._max_entries is not None and len(self._values) > self._max_entries:
                    del self._values[next(iter(self._values))]
        return value
