"""Counting the HTTP requests each Azure API receives, through azure-core's per-attempt hooks.

The hooks run after the retry policy in every SDK pipeline, so each attempt is counted once.
"""

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from auditor.report.model import ApiStats

RESOURCE_GRAPH = "resource_graph"
ARM = "arm"
COST_MANAGEMENT = "cost_management"
LOG_ANALYTICS = "log_analytics"
KEY_VAULT = "key_vault"
GRAPH = "graph"


@dataclass(slots=True)
class _Counter:
    requests: int = 0
    retries: int = 0
    throttled: int = 0
    errors: int = 0


class RequestStats:
    """Thread-safe request counters by API name."""

    def __init__(self) -> None:
        """Start with no requests."""
        self._lock = threading.Lock()
        self._counters: dict[str, _Counter] = {}

    def _counter(self, api: str) -> _Counter:
        return self._counters.setdefault(api, _Counter())

    def record_request(self, api: str, *, retry: bool) -> None:
        """One attempt went out."""
        with self._lock:
            counter = self._counter(api)
            counter.requests += 1
            counter.retries += int(retry)

    def record_retry(self, api: str) -> None:
        """The attempt about to go out repeats a failed one, in a retry loop of our own.

        The request itself is counted by the pipeline hook, which only sees the SDK's retries:
        a loop around the SDK call (a throttled Resource Graph POST without ``Retry-After``)
        calls this once per attempt after its first.
        """
        with self._lock:
            self._counter(api).retries += 1

    def record_response(self, api: str, status_code: int) -> None:
        """An answer came back."""
        with self._lock:
            counter = self._counter(api)
            if status_code == 429:
                counter.throttled += 1
            elif status_code >= 400:
                counter.errors += 1

    def hooks(self, api: str) -> dict[str, Callable[[Any], None]]:
        """Client keyword arguments that count every attempt of that client under ``api``."""

        def on_request(request: Any) -> None:
            self.record_request(api, retry=bool(request.context.get("retry_count", 0)))

        def on_response(response: Any) -> None:
            self.record_response(api, int(response.http_response.status_code))

        return {"raw_request_hook": on_request, "raw_response_hook": on_response}

    def snapshot(self) -> Mapping[str, ApiStats]:
        """The counts so far."""
        with self._lock:
            return {
                api: ApiStats(
                    requests=c.requests, retries=c.retries, throttled=c.throttled, errors=c.errors
                )
                for api, c in sorted(self._counters.items())
            }
