"""Fault rules: their model, how a tenant file's entry becomes one, matching and ``times``."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FaultRule:
    """A rule that replaces (or delays) the answer to matching requests.

    Attributes:
        index: Position in the tenant's ``faults`` list, used as its identity for ``times``.
        method: Upper-case HTTP method, or None for any.
        path: Regex searched in the URL path, case-insensitively.
        status: Status to answer with; None means delay only, then serve normally.
        headers: Extra response headers, overriding the usual ones.
        body: JSON body (None when absent; use ``has_body`` to tell ``null`` from absent).
        raw_body: Exact body text, possibly malformed.
        delay_seconds: Sleep before answering.
        times: How many requests the rule applies to; None for unlimited.
    """

    index: int
    method: str | None
    path: re.Pattern[str]
    status: int | None
    headers: Mapping[str, str] = field(compare=False, hash=False)
    body: object = field(compare=False, hash=False)
    has_body: bool
    raw_body: str | None
    delay_seconds: float
    times: int | None


def parse_fault(index: int, data: Mapping[str, Any]) -> FaultRule:
    """Build the rule of one schema-valid ``faults`` entry.

    Raises:
        re.error: ``path`` is not a valid regular expression.
    """
    method = data.get("method")
    return FaultRule(
        index=index,
        method=method.upper() if method else None,
        path=re.compile(data["path"], re.IGNORECASE),
        status=data.get("status"),
        headers=dict(data.get("headers", {})),
        body=data.get("body"),
        has_body="body" in data,
        raw_body=data.get("raw_body"),
        delay_seconds=float(data.get("delay_seconds", 0.0)),
        times=data.get("times"),
    )


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
