"""The simulator's request logic, independent of sockets: auth, faults, routing, headers."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from urllib.parse import parse_qsl, unquote

from auditor.simulator import arm_routes, graph_route, management_group_routes
from auditor.simulator import routing as r
from auditor.simulator.catalog import Catalog
from auditor.simulator.faults import FaultBook, FaultRule
from auditor.simulator.query_results import QueryResults
from auditor.simulator.quota import QuotaWindows
from auditor.simulator.responses import (
    JSON_CONTENT_TYPE,
    Reply,
    arm_error,
    dump_json,
    missing_api_version,
)
from auditor.simulator.tenant import Tenant

Handler = Callable[[r.Route, r.RequestContext, Catalog], Reply]

_ARM_HANDLERS: Mapping[str, Handler] = MappingProxyType(
    {
        r.SUBSCRIPTIONS_LIST: arm_routes.list_subscriptions,
        r.SUBSCRIPTIONS_GET: arm_routes.get_subscription,
        r.ARM_GET: arm_routes.get_resource,
        r.ARM_LIST: arm_routes.list_resources,
        r.ML_COMPUTES_LIST: arm_routes.list_computes,
        r.MANAGEMENT_GROUP_DESCENDANTS: management_group_routes.list_descendants,
    }
)
HOST_PLACEHOLDER = "${host}"
# ARM's token buckets: 15 x 250 reads for the subscription, 12,000 for the tenant; one used.
_GLOBAL_READS_LEFT = "3749"
_TENANT_READS_LEFT = "11999"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the simulator saw and answered it.

    Attributes:
        method: HTTP method.
        path: Percent-decoded URL path.
        query: Decoded query parameters.
        route: Route name it was counted under.
        status: Status code of the answer.
        api_version: The ``api-version`` query parameter, if any.
    """

    method: str
    path: str
    query: dict[str, str]
    route: str
    status: int
    api_version: str | None


class Service:
    """Answers requests for one tenant and one bearer token; safe to call from many threads."""

    def __init__(self, tenant: Tenant, token: str) -> None:
        """Prepare indexes, quota windows and fault budgets for a fresh start."""
        self.tenant = tenant
        self.token = token
        self.catalog = Catalog(tenant)
        self.quota = QuotaWindows(tenant.resource_graph.quota, tenant.resource_graph.window_seconds)
        self.faults = FaultBook(tenant.faults)
        self.query_results = QueryResults()
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._requests: list[RecordedRequest] = []
        self._app_id = uuid.uuid4()

    # -- bookkeeping ---------------------------------------------------------------------------

    def request_counts(self) -> dict[str, int]:
        """Requests seen so far, by route name (plus ``faults``)."""
        with self._lock:
            return dict(self._counts)

    def requests(self) -> list[RecordedRequest]:
        """Every request seen so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def reset_requests(self) -> None:
        """Forget the requests seen so far, and the count of Resource Graph query executions."""
        with self._lock:
            self._counts.clear()
            self._requests.clear()
        self.query_results.reset_executions()

    def _record(self, ctx: r.RequestContext, route: str, status: int, faulted: bool) -> None:
        entry = RecordedRequest(
            ctx.method, ctx.path, dict(ctx.query), route, status, ctx.api_version
        )
        with self._lock:
            self._counts[route] += 1
            if faulted:
                self._counts[r.FAULTS] += 1
            self._requests.append(entry)

    # -- answering ------------------------------------------------------------------------------

    def answer(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Reply:
        """Answer one request.

        Args:
            method: HTTP method.
            target: Request target (path and query string, as sent).
            headers: Request headers with lowercase names.
            body: Request body.
        """
        started = time.monotonic()
        raw_path, _, query_string = target.partition("?")
        ctx = r.RequestContext(
            method=method.upper(),
            raw_path=raw_path,
            path=unquote(raw_path),
            query=dict(parse_qsl(query_string, keep_blank_values=True)),
            host=headers.get("host", ""),
            body=body,
            caller=headers.get("authorization", ""),
        )
        route = r.classify(ctx.method, ctx.path)
        reply, fault = self._dispatch(route, ctx, headers)
        self._decorate(reply, route, started)
        if fault is not None:
            reply.headers.update(
                {k: v.replace(HOST_PLACEHOLDER, ctx.host) for k, v in fault.headers.items()}
            )
        self._record(ctx, route.name, reply.status, fault is not None)
        return reply

    def _dispatch(
        self, route: r.Route, ctx: r.RequestContext, headers: Mapping[str, str]
    ) -> tuple[Reply, FaultRule | None]:
        auth_error = self._authenticate(headers.get("authorization"))
        if auth_error is not None:
            if route.name == r.RESOURCE_GRAPH:
                auth_error.headers.update(self.quota.peek(ctx.caller).headers())
            return auth_error, None
        fault = self.faults.take(ctx.method, ctx.path)
        if fault is not None:
            if fault.delay_seconds:
                time.sleep(fault.delay_seconds)
            if fault.status is not None or fault.raw_body is not None or fault.has_body:
                return self._fault_reply(fault, route, ctx), fault
        return self._route(route, ctx), fault

    def _fault_reply(self, fault: FaultRule, route: r.Route, ctx: r.RequestContext) -> Reply:
        if fault.raw_body is not None:
            body = fault.raw_body.encode("utf-8")
        else:
            body = dump_json(fault.body) if fault.has_body else b""
        # Links in a fault (a looping nextLink, a redirect) must name the simulator's own address,
        # which is only known once it listens.
        body = body.replace(HOST_PLACEHOLDER.encode(), ctx.host.encode())
        reply = Reply(fault.status or 200, body)
        if route.name == r.RESOURCE_GRAPH:
            reply.headers.update(self.quota.peek(ctx.caller).headers())
        return reply

    def _route(self, route: r.Route, ctx: r.RequestContext) -> Reply:
        if route.name == r.UNMATCHED:
            return arm_error(
                404,
                "NotFound",
                f"No HTTP resource was found that matches the request URI "
                f"'https://{ctx.host}{ctx.raw_path}'.",
            )
        if ctx.api_version is None:
            return missing_api_version()
        if route.name == r.RESOURCE_GRAPH:
            return graph_route.handle(ctx, self.catalog, self.quota, self.query_results)
        return _ARM_HANDLERS[route.name](route, ctx, self.catalog)

    def _authenticate(self, header: str | None) -> Reply | None:
        if header is None:
            code, message = (
                "AuthenticationFailed",
                ("Authentication failed. The 'Authorization' header is missing."),
            )
        elif not header.startswith("Bearer ") or not header[7:].strip():
            code, message = (
                "AuthenticationFailed",
                (
                    "Authentication failed. The 'Authorization' header is provided in an invalid "
                    "format."
                ),
            )
        elif header[7:].strip() != self.token:
            code, message = "InvalidAuthenticationToken", ("The access token is invalid.")
        else:
            return None
        challenge = (
            f'Bearer authorization_uri="https://login.windows.net/{self.tenant.tenant_id}", '
            f'error="invalid_token", error_description="{message}"'
        )
        return arm_error(401, code, message, {"WWW-Authenticate": challenge})

    def _decorate(self, reply: Reply, route: r.Route, started: float) -> None:
        request_id = str(uuid.uuid4())
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        common = {
            "Cache-Control": "no-cache",
            "Pragma": "no-cache",
            "Expires": "-1",
            "Content-Type": JSON_CONTENT_TYPE,
            "x-ms-request-id": request_id,
            "x-ms-correlation-request-id": str(uuid.uuid4()),
            "x-ms-routing-request-id": f"WESTEUROPE:{stamp}:{request_id}",
            "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
            "X-Content-Type-Options": "nosniff",
        }
        if route.name == r.MANAGEMENT_GROUP_DESCENDANTS:
            common["x-ms-ratelimit-remaining-tenant-reads"] = _TENANT_READS_LEFT
        elif route.name in _ARM_HANDLERS:
            common["x-ms-ratelimit-remaining-subscription-global-reads"] = _GLOBAL_READS_LEFT
        if route.name == r.RESOURCE_GRAPH and "x-ms-user-quota-remaining" in reply.headers:
            remaining = reply.headers["x-ms-user-quota-remaining"]
            common["x-ms-ratelimit-remaining-tenant-resource-requests"] = remaining
        if route.is_ml:
            common["x-aml-cluster"] = "vienna-eastus-01"
            common["x-ms-response-type"] = "standard"
            common["x-request-time"] = f"{time.monotonic() - started:.3f}"
            common["request-context"] = f"appId=cid-v1:{self._app_id}"
        reply.headers = {**common, **reply.headers}
