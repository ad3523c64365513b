"""Resource Graph queries with paging and the per-user quota.

The SDK neither pages nor retries a throttled POST that carries no ``Retry-After`` (Resource Graph
sends only its quota headers), so both are done here.
"""

import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, cast

from azure.core.exceptions import HttpResponseError
from azure.core.pipeline import PipelineResponse
from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions, QueryResponse

from auditor.collect.context import CollectContext
from auditor.collect.errors import MalformedPayloadError

logger = logging.getLogger(__name__)

QUOTA_REMAINING = "x-ms-user-quota-remaining"
QUOTA_RESETS_AFTER = "x-ms-user-quota-resets-after"
MAX_SUBSCRIPTIONS_PER_QUERY = 1000
MAX_WAIT_SECONDS = 60.0
_MAX_PAGES = 10_000
_HMS = re.compile(r"^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$")


def resets_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds until the quota window resets (``hh:mm:ss``), if the header is there and valid."""
    value = headers.get(QUOTA_RESETS_AFTER)
    match = _HMS.match(value.strip()) if value else None
    if not match:
        return None
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _quota_exhausted(headers: Mapping[str, str]) -> bool:
    try:
        return int(headers.get(QUOTA_REMAINING, "1")) <= 0
    except ValueError:
        return False


def _capture(
    pipeline_response: PipelineResponse[Any, Any], deserialized: QueryResponse, _: Any
) -> tuple[QueryResponse, Mapping[str, str]]:
    return deserialized, dict(pipeline_response.http_response.headers)


class ResourceGraphQuery:
    """One KQL query over a set of subscriptions or management groups, all pages."""

    def __init__(
        self,
        ctx: CollectContext,
        client: ResourceGraphClient,
        *,
        subscriptions: Sequence[str] = (),
        management_groups: Sequence[str] = (),
    ) -> None:
        """Bind the query scope; empty scope means everything the identity can see."""
        self._ctx = ctx
        self._client = client
        self._subscriptions = list(subscriptions)
        self._management_groups = list(management_groups)

    def _post(self, request: QueryRequest) -> tuple[QueryResponse, Mapping[str, str]]:
        retries = self._ctx.clients.collection.retry_total
        for attempt in range(retries + 1):
            try:
                result = self._client.resources(request, cls=_capture)
                return cast(tuple[QueryResponse, Mapping[str, str]], result)
            except HttpResponseError as exc:
                response = exc.response
                headers = dict(getattr(response, "headers", None) or {})
                wait = resets_after_seconds(headers)
                if exc.status_code != 429 or attempt == retries:
                    raise
                delay = min(wait if wait is not None else 2.0**attempt, MAX_WAIT_SECONDS)
                logger.warning("Resource Graph throttled; waiting %.1f s", delay)
                self._ctx.sleep(delay)
        raise AssertionError("unreachable")

    def _pages(self, query: str, subscriptions: list[str] | None) -> Iterator[list[Any]]:
        skip_token: str | None = None
        page_size = self._ctx.clients.collection.resource_graph_page_size
        for _ in range(_MAX_PAGES):
            options = QueryRequestOptions(
                top=page_size, skip_token=skip_token, result_format="objectArray"
            )
            request = QueryRequest(
                subscriptions=subscriptions,
                management_groups=self._management_groups or None,
                query=query,
                options=options,
            )
            response, headers = self._post(request)
            if not isinstance(response.data, list):
                raise MalformedPayloadError("Resource Graph answered without a 'data' row array")
            skip_token = response.skip_token
            truncated = getattr(response.result_truncated, "value", response.result_truncated)
            if not skip_token and str(truncated).lower() == "true":
                # Rows are missing and there is no way to page to them: never a silent subset.
                raise MalformedPayloadError("Resource Graph truncated the result without paging")
            yield response.data
            if not skip_token:
                return
            if _quota_exhausted(headers):
                # Waiting out the window is cheaper than a 429 and a retry.
                self._ctx.sleep(min(resets_after_seconds(headers) or 1.0, MAX_WAIT_SECONDS))
        raise MalformedPayloadError(f"Resource Graph returned more than {_MAX_PAGES} pages")

    def rows(self, query: str) -> Iterator[Mapping[str, Any]]:
        """Every row of the query, across pages and subscription batches.

        Raises:
            HttpResponseError: the query failed after retries.
            MalformedPayloadError: a row or page does not have the documented shape.
        """
        batches: list[list[str] | None]
        if self._management_groups or not self._subscriptions:
            batches = [None]
        else:
            subs = self._subscriptions
            step = MAX_SUBSCRIPTIONS_PER_QUERY
            batches = [subs[i : i + step] for i in range(0, len(subs), step)]
        for batch in batches:
            for page in self._pages(query, batch):
                for row in page:
                    if not isinstance(row, Mapping):
                        raise MalformedPayloadError("a Resource Graph row is not a JSON object")
                    yield row
