"""``POST /providers/Microsoft.ResourceGraph/resources``: KQL over the tenant, paged and metered."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from auditor.simulator import paging
from auditor.simulator.catalog import GRAPH_COLUMNS, Catalog
from auditor.simulator.kql import KqlError, Table, run_query
from auditor.simulator.query_results import QueryResults
from auditor.simulator.quota import QuotaWindows
from auditor.simulator.responses import Reply, json_reply
from auditor.simulator.routing import RequestContext

MAX_TOP = 1000
_INVALID_QUERY = (
    "Query is invalid. Please refer to the documentation for the Azure Resource Graph service and "
    "fix the error before retrying."
)


def bad_request(details: list[dict[str, object]]) -> Reply:
    """Resource Graph's 400 envelope with a support line and the given details."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")
    message = (
        f"Please provide below info when asking for support: timestamp = {stamp}, "
        f"correlationId = {uuid.uuid4()}."
    )
    return json_reply(
        400, {"error": {"code": "BadRequest", "message": message, "details": details}}
    )


def _column_type(table: Table, column: str) -> str:
    for row in table.rows:
        value = row[column]
        if value is None:
            continue
        if isinstance(value, bool):
            return "boolean"
        if isinstance(value, int):
            return "integer"
        if isinstance(value, float):
            return "number"
        return "string" if isinstance(value, str) else "object"
    return "object"


def _render(table: Table, rows: list[dict[str, object]], result_format: str) -> object:
    if result_format == "table":
        return {
            "columns": [{"name": c, "type": _column_type(table, c)} for c in table.columns],
            "rows": [[row[c] for c in table.columns] for row in rows],
        }
    return [{c: row[c] for c in table.columns} for row in rows]


class _InvalidRequest(Exception):
    """The request body is not a valid Resource Graph query request."""


@dataclass(frozen=True)
class _GraphRequest:
    query: str
    subscriptions: list[str] | None
    management_groups: list[str] | None
    top: int | None
    skip: int | None
    skip_token: str | None
    result_format: str


def _int_option(options: dict[str, Any], name: str) -> int | None:
    value = options.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _InvalidRequest(f"The option '{name}' must be a non-negative integer.")
    return value


def _names(body: dict[str, Any], key: str) -> list[str] | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _InvalidRequest(f"'{key}' must be a list of strings.")
    return value


def _parse_request(raw: bytes) -> _GraphRequest:
    try:
        body = json.loads(raw or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _InvalidRequest("The request content is not valid JSON.") from exc
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        raise _InvalidRequest("The request must be an object with a string 'query'.")
    options = body.get("options") or {}
    if not isinstance(options, dict):
        raise _InvalidRequest("'options' must be an object.")
    token = options.get("$skipToken")
    top = _int_option(options, "$top")
    if top == 0:
        raise _InvalidRequest("The option '$top' must be at least 1.")
    return _GraphRequest(
        query=body["query"],
        subscriptions=_names(body, "subscriptions"),
        management_groups=_names(body, "managementGroups"),
        top=top,
        skip=_int_option(options, "$skip"),
        skip_token=None if token is None else str(token),
        result_format=str(options.get("resultFormat") or "objectArray"),
    )


def handle(
    ctx: RequestContext, catalog: Catalog, quota: QuotaWindows, results: QueryResults
) -> Reply:
    """Answer one query, adding the quota headers Resource Graph always sends."""
    state = quota.consume(ctx.caller)
    if not state.allowed:
        reply = json_reply(
            429,
            {
                "error": {
                    "code": "RateLimiting",
                    "message": "Too many requests. The user query quota is exhausted; retry "
                    "after the period given in x-ms-user-quota-resets-after.",
                }
            },
        )
    else:
        reply = _query(ctx, catalog, results)
    reply.headers.update(state.headers())
    return reply


def _query(ctx: RequestContext, catalog: Catalog, results: QueryResults) -> Reply:
    try:
        request = _parse_request(ctx.body)
    except _InvalidRequest as exc:
        return bad_request([{"code": "InvalidRequestContent", "message": str(exc)}])
    scope = catalog.subscriptions_in_scope(request.subscriptions, request.management_groups)
    listing = paging.fingerprint(request.query, *sorted(scope))
    offset = request.skip or 0
    kept_id: str | None = None
    result: Table | None = None
    if request.skip_token is not None:
        position = paging.decode_position(request.skip_token, listing)
        if position is None:
            message = "The $skipToken is not valid for this query."
            return bad_request([{"code": "InvalidRequestContent", "message": message}])
        offset = position.offset
        if position.result is not None:
            result = results.get(position.result, listing)
            kept_id = position.result if result is not None else None
    if result is None:
        source = Table(GRAPH_COLUMNS, tuple(catalog.graph_rows(scope)))
        try:
            result = results.run(lambda: run_query(request.query, {"resources": source}))
        except KqlError as exc:
            return bad_request([{"code": "InvalidQuery", "message": _INVALID_QUERY}, exc.detail()])
    default_size = catalog.tenant.resource_graph.default_page_size
    page_size = min(default_size if request.top is None else request.top, MAX_TOP)
    rows = list(result.rows[offset : offset + page_size])
    more = offset + page_size < len(result.rows)
    answer: dict[str, object] = {
        "totalRecords": len(result.rows),
        "count": len(rows),
        # Without an id column Resource Graph cannot page stably; it truncates instead.
        "resultTruncated": "true" if more and "id" not in result.columns else "false",
        "facets": [],
    }
    if more and "id" in result.columns:
        # Later pages are served from this result instead of running the query again.
        kept_id = kept_id or results.keep(listing, result)
        answer["$skipToken"] = paging.encode_token(offset + page_size, listing, kept_id)
    answer["data"] = _render(result, rows, request.result_format)
    return json_reply(200, answer)
