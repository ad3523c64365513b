"""Pipeline policies every SDK client of the auditor carries.

The auditor holds a tenant-wide Reader token and follows ids and links found in documents that
anyone with write access to one resource group can shape. So every request passes one guard, after
the retry policy (each attempt, redirects included) and before the token is attached: it must go
over HTTPS to one of the configured cloud endpoints, be a read, and start before the collection's
deadline. The retry policy caps every wait, so a ``Retry-After: 100`` cannot hold the run.
"""

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from azure.core.exceptions import AzureError
from azure.core.pipeline import PipelineRequest, PipelineResponse
from azure.core.pipeline.policies import RetryPolicy, SansIOHTTPPolicy

# POSTs that read: queries whose body is a question, not a change. Anything else is refused, so
# even an SDK's own side effects (e.g. registering a resource provider on a 409) cannot write.
_READ_ONLY_POST_SUFFIXES = (
    "/providers/microsoft.resourcegraph/resources",
    "/providers/microsoft.costmanagement/query",
    "/providers/microsoft.costmanagement/forecast",
    "/query",  # Log Analytics: /v1/workspaces/{id}/query
    "/$batch",
    "/directoryobjects/getbyids",
)
_READ_METHODS = frozenset({"GET", "HEAD"})


class RequestRefusedError(AzureError):
    """The auditor refused to send a request: never retried, never sent."""


class EndpointNotAllowedError(RequestRefusedError):
    """The URL is not on a configured cloud endpoint (or not HTTPS), or the method would write."""


class DeadlineExceededError(RequestRefusedError):
    """The collection's deadline has passed; no new request goes out."""


class Deadline:
    """The end of the collection phase, on the monotonic clock."""

    def __init__(self, seconds: float, clock: Any = time.monotonic) -> None:
        """Start counting now."""
        self._clock = clock
        self.seconds = seconds
        self._ends_at = clock() + seconds

    def remaining(self) -> float:
        """Seconds left (0 once passed)."""
        return max(0.0, float(self._ends_at - self._clock()))

    def expired(self) -> bool:
        """True once the deadline has passed."""
        return self.remaining() <= 0


@dataclass(frozen=True, slots=True)
class Origin:
    """Scheme, host and port of an endpoint, compared exactly (hosts case-insensitively)."""

    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> "Origin":
        """The origin of an ``https://`` URL.

        Raises:
            ValueError: not an https URL with a host.
        """
        parts = urlsplit(url)
        if parts.scheme.lower() != "https" or not parts.hostname:
            raise ValueError(f"not an https URL: {url!r}")
        return cls(parts.hostname.lower(), parts.port or 443)


def _url_origin(url: str) -> Origin | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number
        return None
    if parts.scheme.lower() != "https" or not parts.hostname or parts.username or parts.password:
        return None
    return Origin(parts.hostname.lower(), port or 443)


def _is_read(method: str, url: str) -> bool:
    if method.upper() in _READ_METHODS:
        return True
    path = urlsplit(url).path.lower().rstrip("/")
    return method.upper() == "POST" and path.endswith(_READ_ONLY_POST_SUFFIXES)


class EndpointGuardPolicy(SansIOHTTPPolicy[Any, Any]):
    """Refuses any request that is not a read of a configured endpoint, or that starts too late."""

    def __init__(
        self,
        allowed: Iterable[Origin],
        deadline: Deadline,
        *,
        request_timeout: float,
    ) -> None:
        """Allow exactly these origins until the deadline; no request waits past it."""
        self._allowed = frozenset(allowed)
        self._deadline = deadline
        self._request_timeout = request_timeout

    def on_request(self, request: PipelineRequest[Any]) -> None:
        """Check the final URL and method, and shorten timeouts to what the deadline leaves.

        Raises:
            EndpointNotAllowedError: another host, plain HTTP, credentials in the URL, or a write.
            DeadlineExceededError: the collection deadline has passed.
        """
        http_request = request.http_request
        url, method = http_request.url, http_request.method
        origin = _url_origin(url)
        if origin is None or origin not in self._allowed:
            # Never echo the whole URL: a planted one may carry a query string worth hiding.
            where = f"{origin.host}:{origin.port}" if origin else "a non-HTTPS or malformed URL"
            raise EndpointNotAllowedError(
                f"refused to send {method} to {where}: not a configured cloud endpoint"
            )
        if not _is_read(method, url):
            raise EndpointNotAllowedError(f"refused to send {method}: the auditor only reads")
        remaining = self._deadline.remaining()
        if remaining <= 0:
            raise DeadlineExceededError(
                f"the collection deadline ({self._deadline.seconds:g} s) has passed"
            )
        # A request started just before the deadline may not run a whole timeout past it.
        timeout = max(1.0, min(self._request_timeout, math.ceil(remaining)))
        request.context.options["connection_timeout"] = timeout
        request.context.options["read_timeout"] = timeout


class BoundedRetryPolicy(RetryPolicy[Any, Any]):
    """azure-core's retry policy with every wait capped and refused requests never retried.

    A server that asks for a longer wait than ``max_wait`` (or than the deadline leaves) gets no
    retry at all: waiting less than asked would only be throttled again, and waiting as asked
    would hold the whole run.
    """

    def __init__(self, *, max_wait: float, deadline: Deadline, **kwargs: Any) -> None:
        """``kwargs`` are azure-core's (``retry_total``, ``retry_backoff_factor``, ...)."""
        super().__init__(retry_backoff_max=max_wait, **kwargs)
        self._max_wait = max_wait
        self._deadline = deadline

    def get_retry_after(self, response: PipelineResponse[Any, Any]) -> float | None:
        """The server's requested wait; a malformed header counts as none."""
        try:
            return super().get_retry_after(response)
        except (ValueError, TypeError, OverflowError):
            return None

    def is_retry(self, settings: dict[str, Any], response: PipelineResponse[Any, Any]) -> bool:
        """Retry only when the wait it needs fits in the caps."""
        if not super().is_retry(settings, response):
            return False
        wait = self.get_retry_after(response)
        if wait is None:
            wait = self.get_backoff_time(settings)
        return wait <= self._max_wait and wait < self._deadline.remaining()

    def sleep(
        self,
        settings: dict[str, Any],
        transport: Any,
        response: PipelineResponse[Any, Any] | None = None,
    ) -> None:
        """Wait as the server asks, or back off, but never past the cap or the deadline."""
        wait = self.get_retry_after(response) if response is not None else None
        if wait is None:
            wait = self.get_backoff_time(settings)
        wait = min(wait, self._max_wait, self._deadline.remaining())
        if wait > 0:
            transport.sleep(wait)

    def increment(
        self,
        settings: dict[str, Any],
        response: Any = None,
        error: Exception | None = None,
    ) -> bool:
        """A refused request is final: retrying it would be refused again."""
        if isinstance(error, RequestRefusedError):
            return False
        if error is not None and self._deadline.expired():
            return False
        return bool(super().increment(settings, response=response, error=error))
