"""Resource Graph query results kept for the pages after the first.

Running the query again for every page made paging quadratic (a 25,000-row result paged at 1,000
ran the whole query 25 times). A result is kept under an id that the page's ``$skipToken``
carries, so later pages are slices of it. Memory stays bounded: a few results, for a few minutes;
a token whose result was dropped still works, by running the query again (the tenant never
changes while serving, so the rows are the same).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from auditor.simulator.kql import Table

MAX_RESULTS = 16
MAX_AGE_SECONDS = 300.0


class QueryResults:
    """Thread-safe store of recent query results, and the count of queries actually run."""

    def __init__(
        self,
        *,
        max_results: int = MAX_RESULTS,
        max_age_seconds: float = MAX_AGE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Start empty; ``clock`` is injectable so that expiry can be tested without waiting."""
        self._max_results = max_results
        self._max_age = max_age_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._kept: OrderedDict[str, tuple[str, float, Table]] = OrderedDict()
        self._executions = 0

    @property
    def executions(self) -> int:
        """How many times a query was run (a page served from a kept result does not count)."""
        with self._lock:
            return self._executions

    def reset_executions(self) -> None:
        """Start counting again from zero (kept results stay)."""
        with self._lock:
            self._executions = 0

    def run(self, execute: Callable[[], Table]) -> Table:
        """Run a query and count it; exceptions from ``execute`` propagate."""
        table = execute()
        with self._lock:
            self._executions += 1
        return table

    def keep(self, listing: str, table: Table) -> str:
        """Keep a result for the pages that follow; returns the id their tokens carry."""
        result_id = secrets.token_hex(8)
        now = self._clock()
        with self._lock:
            self._drop_expired(now)
            self._kept[result_id] = (listing, now, table)
            while len(self._kept) > self._max_results:
                self._kept.popitem(last=False)
        return result_id

    def get(self, result_id: str, listing: str) -> Table | None:
        """The kept result, if it is still kept and belongs to this listing."""
        with self._lock:
            self._drop_expired(self._clock())
            entry = self._kept.get(result_id)
            if entry is None or entry[0] != listing:
                return None
            self._kept.move_to_end(result_id)
            return entry[2]

    def __len__(self) -> int:
        """How many results are kept now."""
        with self._lock:
            return len(self._kept)

    def _drop_expired(self, now: float) -> None:
        # Oldest first by insertion; a result read recently moved to the end but keeps its age.
        expired = [k for k, (_, kept_at, _) in self._kept.items() if now - kept_at > self._max_age]
        for key in expired:
            del self._kept[key]
