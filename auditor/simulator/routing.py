"""Request context and route classification (pure: no tenant, no side effects)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from auditor.ids import ArmId

SUBSCRIPTIONS_LIST = "subscriptions.list"
SUBSCRIPTIONS_GET = "subscriptions.get"
RESOURCE_GRAPH = "resourcegraph.resources"
ARM_GET = "arm.get"
ARM_LIST = "arm.list"
ML_COMPUTES_LIST = "ml.computes.list"
MANAGEMENT_GROUP_DESCENDANTS = "managementgroups.descendants"
UNMATCHED = "unmatched"
FAULTS = "faults"

ML_NAMESPACE = "microsoft.machinelearningservices"


@dataclass(frozen=True)
class RequestContext:
    """What a route handler needs to know about one request.

    Attributes:
        method: Upper-case HTTP method.
        raw_path: URL path as received (still percent-encoded).
        path: Percent-decoded URL path.
        query: Decoded query parameters (last value wins), keys as sent.
        host: The Host header (used to build absolute next links).
        body: Request body bytes.
        caller: Key identifying the caller (its bearer token).
    """

    method: str
    raw_path: str
    path: str
    query: Mapping[str, str]
    host: str
    body: bytes
    caller: str

    def param(self, name: str) -> str | None:
        """A query parameter looked up case-insensitively (ARM ignores the key's case)."""
        wanted = name.lower()
        found = [v for k, v in self.query.items() if k.lower() == wanted]
        return found[-1] if found else None

    @property
    def api_version(self) -> str | None:
        """The ``api-version`` query parameter, if any."""
        return self.param("api-version")


@dataclass(frozen=True)
class Route:
    """A classified request.

    Attributes:
        name: Route name, the key of ``Simulator.request_counts()``.
        subscription_id: Subscription segment of the path, as written.
        resource_group: Resource group segment, as written.
        namespace: Provider namespace of a list route.
        type_: Resource type of a list route.
        arm_id: Resource id of a get route, or the workspace of a compute list.
        management_group: Group name of a Management Groups route, as written.
    """

    name: str
    subscription_id: str | None = None
    resource_group: str | None = None
    namespace: str | None = None
    type_: str | None = None
    arm_id: ArmId | None = None
    management_group: str | None = None

    @property
    def is_ml(self) -> bool:
        """Whether the request is served by the Azure ML resource provider."""
        namespace = self.arm_id.namespace if self.arm_id else self.namespace
        return (namespace or "").lower() == ML_NAMESPACE


def classify(method: str, path: str) -> Route:
    """Find the route of a request from its method and decoded path."""
    segments = path.strip("/").split("/") if path.strip("/") else []
    lower = [s.lower() for s in segments]
    if method == "POST" and lower == ["providers", "microsoft.resourcegraph", "resources"]:
        return Route(RESOURCE_GRAPH)
    is_descendants = (
        len(lower) == 5
        and lower[:3] == ["providers", "microsoft.management", "managementgroups"]
        and lower[4] == "descendants"
        and lower[3] != ""
    )
    if method == "GET" and is_descendants:
        return Route(MANAGEMENT_GROUP_DESCENDANTS, management_group=segments[3])
    if method != "GET" or not lower or lower[0] != "subscriptions" or "" in lower:
        return Route(UNMATCHED)
    if len(segments) == 1:
        return Route(SUBSCRIPTIONS_LIST)
    subscription = segments[1]
    if len(segments) == 2:
        return Route(SUBSCRIPTIONS_GET, subscription_id=subscription)
    rest, rest_lower = segments[2:], lower[2:]
    group: str | None = None
    if rest_lower[0] == "resourcegroups" and len(rest) >= 2:
        group, rest, rest_lower = rest[1], rest[2:], rest_lower[2:]
    if len(rest) < 3 or rest_lower[0] != "providers" or "providers" in rest_lower[1:]:
        return Route(UNMATCHED)
    namespace, pairs = rest[1], rest[2:]
    if len(pairs) == 1:
        return Route(ARM_LIST, subscription, group, namespace, pairs[0])
    if len(pairs) % 2 == 0:
        arm_id = ArmId(subscription, group, namespace, tuple(pairs[0::2]), tuple(pairs[1::2]))
        return Route(ARM_GET, subscription, group, arm_id=arm_id)
    is_compute_list = (
        len(pairs) == 3
        and group is not None
        and namespace.lower() == ML_NAMESPACE
        and pairs[0].lower() == "workspaces"
        and pairs[2].lower() == "computes"
    )
    if is_compute_list:
        workspace = ArmId(subscription, group, namespace, (pairs[0],), (pairs[1],))
        return Route(ML_COMPUTES_LIST, subscription, group, arm_id=workspace)
    return Route(UNMATCHED)
