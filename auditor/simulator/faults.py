"""Fault rules in use: matching and thread-safe ``times`` bookkeeping."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from auditor.simulator.tenant import FaultRule


class FaultBook:
    """Tracks how often each fault rule may still fire."""

    def __init__(self, rules: Sequence[FaultRule]) -> None:
        """Start with every rule's full ``times`` budget."""
        self._rules = tuple(rules)
        self._lock = threading.Lock()
        self._left: dict[int, int | None] = {r.index: r.times for r in self._rules}

    def take(self, method: str, path: str) -> FaultRule | None:
        """Return the first rule matching the request and use up one of its ``times``.

        Args:
            method: HTTP method of the request.
            path: Decoded URL path (no query string).
        """
        with self._lock:
            for rule in self._rules:
                if rule.method is not None and rule.method != method.upper():
                    continue
                if not rule.path.search(path):
                    continue
                left = self._left[rule.index]
                if left is None:
                    return rule
                if left > 0:
                    self._left[rule.index] = left - 1
                    return rule
            return None
