"""Resource Graph's per-user query quota: a fixed window per bearer token."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class QuotaState:
    """The quota as reported to the client after one request.

    Attributes:
        allowed: Whether the request fits in the quota.
        remaining: Queries left in the current window.
        resets_after: Seconds until the window resets.
    """

    allowed: bool
    remaining: int
    resets_after: float

    def headers(self) -> dict[str, str]:
        """The two headers Resource Graph puts on every answer."""
        return {
            "x-ms-user-quota-remaining": str(self.remaining),
            "x-ms-user-quota-resets-after": format_hms(self.resets_after),
        }


def format_hms(seconds: float) -> str:
    """Format seconds as ``hh:mm:ss``, rounding up so that 0.2 s left reads ``00:00:01``."""
    whole = max(0, math.ceil(seconds))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


class QuotaWindows:
    """Thread-safe fixed windows, one per caller key.

    A window opens at a caller's first query and lasts ``window_seconds``; within it at most
    ``quota`` queries are allowed. Rejected queries do not consume quota.
    """

    def __init__(
        self, quota: int, window_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Create the windows.

        Args:
            quota: Queries allowed per window.
            window_seconds: Window length.
            clock: Monotonic time source (injectable for tests).
        """
        self._quota = quota
        self._window = window_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def _current(self, key: str, now: float) -> tuple[float, int]:
        start, used = self._windows.get(key, (now, 0))
        if now - start >= self._window:
            start, used = now, 0
        return start, used

    def consume(self, key: str) -> QuotaState:
        """Count one query for ``key`` if the quota allows it."""
        with self._lock:
            now = self._clock()
            start, used = self._current(key, now)
            allowed = used < self._quota
            if allowed:
                used += 1
            self._windows[key] = (start, used)
            return QuotaState(allowed, self._quota - used, start + self._window - now)

    def peek(self, key: str) -> QuotaState:
        """Report the quota of ``key`` without counting a query."""
        with self._lock:
            now = self._clock()
            start, used = self._current(key, now)
            return QuotaState(used < self._quota, self._quota - used, start + self._window - now)
