"""Resource Graph queries with paging and the per-user quota.

The request body is sent as JSON bytes through the SDK operation (its pipeline: auth, retries,
endpoint guard) and the answer parsed here: the SDK model drops request options it does not know
(such as ``authorizationScopeFilter``), and its deserialiser turns a malformed page into
exceptions that are not Azure errors. The SDK neither pages nor retries a throttled POST that
carries no ``Retry-After`` (Resource Graph sends only its quota headers), so both are done here.
"""

import io
import json
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from azure.core.exceptions import HttpResponseError
from azure.core.pipeline import PipelineResponse
from azure.mgmt.resourcegraph import ResourceGraphClient

from auditor.azure_sdk.stats import RESOURCE_GRAPH
from auditor.collect import arm
from auditor.collect.context import CollectContext
from auditor.collect.errors import MalformedPayloadError
from auditor.collect.payloads import optional_str

logger = logging.getLogger(__name__)

API_VERSION = "2021-03-01"
QUOTA_REMAINING = "x-ms-user-quota-remaining"
QUOTA_RESETS_AFTER = "x-ms-user-quota-resets-after"
MAX_SUBSCRIPTIONS_PER_QUERY = 1000
_HMS = re.compile(r"^(\d{1,4}):(\d{2}):(\d{2}(?:\.\d{1,7})?)$")


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


def _raw_response(pipeline_response: PipelineResponse[Any, Any], _model: Any, _headers: Any) -> Any:
    return pipeline_response.http_response


def _rows(page: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The rows of a page as objects (``objectArray``; ``table`` pages are converted)."""
    data = page.get("data")
    if isinstance(data, Mapping):
        columns, rows = data.get("columns"), data.get("rows")
        if not isinstance(columns, list) or not isinstance(rows, list):
            raise MalformedPayloadError("Resource Graph: a table page without columns and rows")
        names = [c.get("name") if isinstance(c, Mapping) else None for c in columns]
        if not all(isinstance(n, str) for n in names):
            raise MalformedPayloadError("Resource Graph: a table column has no name")
        if not all(isinstance(r, list) and len(r) == len(names) for r in rows):
            raise MalformedPayloadError("Resource Graph: a table row does not match its columns")
        return [dict(zip(map(str, names), row, strict=True)) for row in rows]
    if not isinstance(data, list):
        raise MalformedPayloadError("Resource Graph answered without a 'data' row array")
    if not all(isinstance(row, Mapping) for row in data):
        raise MalformedPayloadError("a Resource Graph row is not a JSON object")
    return data


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

    def _wait(self, seconds: float) -> bool:
        """Sleep ``seconds`` if the caps allow; False when the wait would break them."""
        limits = self._ctx.clients
        if seconds > limits.collection.max_retry_wait_seconds:
            return False
        if seconds >= limits.deadline.remaining():
            return False
        self._ctx.sleep(seconds)
        return True

    def _send(self, body: Mapping[str, Any]) -> Any:
        """One POST; the raw response, or the HTTP error as the SDK raises it."""
        try:
            # Bytes are sent verbatim (a seekable stream, so the pipeline can retry it).
            payload = io.BytesIO(json.dumps(body).encode("utf-8"))
            return self._client.resources(payload, api_version=API_VERSION, cls=_raw_response)
        except HttpResponseError:
            raise
        except (ValueError, TypeError, AttributeError, RecursionError) as exc:
            # The SDK's own deserialiser choked on the page before handing it over.
            raise MalformedPayloadError(
                f"Resource Graph answered with a body that is not a query result: {exc!s:.100}"
            ) from exc

    def _post(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], Mapping[str, str]]:
        retries = self._ctx.clients.collection.retry_total
        for attempt in range(retries + 1):
            if attempt:
                self._ctx.clients.stats.record_retry(RESOURCE_GRAPH)
            try:
                response = self._send(body)
            except HttpResponseError as exc:
                headers = dict(getattr(exc.response, "headers", None) or {})
                # A 429 with Retry-After was already retried (and capped) by the pipeline.
                throttled = exc.status_code == 429 and not any(
                    h.lower() == "retry-after" for h in headers
                )
                if not throttled or attempt == retries:
                    raise
                wait = resets_after_seconds(headers)
                backoff = self._ctx.clients.collection.retry_backoff_seconds * 2.0**attempt
                delay = wait if wait is not None else backoff
                if not self._wait(delay):
                    raise
                logger.warning("Resource Graph throttled; waited %.1f s", delay)
                continue
            return arm.decode(response, "Resource Graph query"), dict(response.headers)
        raise AssertionError("unreachable")

    def _pages(self, query: str, subscriptions: list[str] | None) -> Iterator[list[Any]]:
        collection = self._ctx.clients.collection
        options: dict[str, Any] = {
            "$top": collection.resource_graph_page_size,
            "resultFormat": "objectArray",
        }
        body: dict[str, Any] = {"query": query, "options": options}
        if subscriptions is not None:
            body["subscriptions"] = subscriptions
        if self._management_groups:
            body["managementGroups"] = self._management_groups
        seen_tokens: set[str] = set()
        received = 0
        for _ in range(collection.max_pages):
            page, headers = self._post(body)
            rows = _rows(page)
            received += len(rows)
            total = page.get("totalRecords")
            if isinstance(total, int) and not isinstance(total, bool) and received > total:
                raise MalformedPayloadError(
                    f"Resource Graph sent more rows ({received}) than totalRecords ({total})"
                )
            skip_token = optional_str(page, "$skipToken", "Resource Graph")
            truncated = page.get("resultTruncated")
            if not skip_token and str(truncated).lower() == "true":
                # Rows are missing and there is no way to page to them: never a silent subset.
                raise MalformedPayloadError("Resource Graph truncated the result without paging")
            yield rows
            if not skip_token:
                return
            if skip_token in seen_tokens:
                raise MalformedPayloadError("Resource Graph repeated a $skipToken (a loop)")
            seen_tokens.add(skip_token)
            options["$skipToken"] = skip_token
            if _quota_exhausted(headers):
                # Waiting out the window is cheaper than a 429 and a retry.
                self._wait(resets_after_seconds(headers) or 1.0)
        raise MalformedPayloadError(
            f"Resource Graph returned more than {collection.max_pages} pages"
        )

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
                yield from page
