"""The inventory sweep: every ML workspace in scope and the four resources each one names.

Two Resource Graph queries find them all, whatever the number of workspaces. Only what Resource
Graph did not return is read with ARM GETs (an attached resource outside the query scope, just
created, deleted, or not readable), and ARM listing replaces Resource Graph when it is denied.
"""

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from azure.core.exceptions import AzureError
from azure.mgmt.resource.resources import ResourceManagementClient

from auditor.collect import arm
from auditor.collect.context import CollectContext
from auditor.collect.documents import resource_from_document
from auditor.collect.errors import (
    MalformedPayloadError,
    describe,
    is_not_found,
    to_collection_error,
)
from auditor.collect.queries import LIST_ATTACHED_RESOURCES, LIST_WORKSPACES, ML_WORKSPACE_TYPE
from auditor.collect.resource_graph import ResourceGraphQuery
from auditor.ids import resource_key
from auditor.inventory.model import (
    AttachedRole,
    CollectionError,
    LookupState,
    Resource,
)
from auditor.json_types import thaw

logger = logging.getLogger(__name__)

RESOURCE_GRAPH = "resource_graph"
ARM_SOURCE = "arm"
WORKSPACE_PROVIDER_PATH = "Microsoft.MachineLearningServices/workspaces"
ARM_ERRORS = (AzureError, MalformedPayloadError)


def _resources_from_rows(
    ctx: CollectContext, rows: Iterable[Mapping[str, Any]], source: str
) -> list[Resource]:
    """Parse rows; a malformed row is recorded and skipped, the others are kept."""
    resources = []
    for row in rows:
        try:
            resources.append(resource_from_document(row))
        except MalformedPayloadError as exc:
            scope = row.get("id") if isinstance(row.get("id"), str) else "(unknown resource)"
            ctx.log.add(to_collection_error(exc, scope=str(scope), source=source))
    return resources


def _run_query(ctx: CollectContext, query: ResourceGraphQuery, kql: str) -> list[Resource] | None:
    """All resources of one query, or None when Resource Graph failed (recorded as a notice)."""
    try:
        rows = list(query.rows(kql))
    except (AzureError, MalformedPayloadError) as exc:
        ctx.log.notice(to_collection_error(exc, scope="/", source=RESOURCE_GRAPH))
        return None
    return _resources_from_rows(ctx, rows, RESOURCE_GRAPH)


def _list_workspaces_by_arm(ctx: CollectContext, subscription_ids: Sequence[str]) -> list[Resource]:
    """The fallback: list workspaces per subscription through ARM."""
    client = ctx.clients.resource_manager()
    version = arm.api_version_for(ML_WORKSPACE_TYPE)
    found: list[Resource] = []
    for subscription_id in subscription_ids:
        path = f"/subscriptions/{subscription_id}/providers/{WORKSPACE_PROVIDER_PATH}"
        try:
            docs = list(arm.list_documents(client, path, version))
        except ARM_ERRORS as exc:
            scope = f"/subscriptions/{subscription_id}"
            ctx.log.add(to_collection_error(exc, scope=scope, source=ARM_SOURCE))
            continue
        found.extend(_resources_from_rows(ctx, docs, ARM_SOURCE))
    return found


@dataclass(frozen=True, slots=True, kw_only=True)
class QueryScope:
    """Where to look: named subscriptions, management groups, or everything visible."""

    subscription_ids: Sequence[str]
    management_groups: Sequence[str] = ()
    all_visible: bool = False

    def graph_query(self, ctx: CollectContext) -> ResourceGraphQuery:
        """A Resource Graph query over this scope."""
        return ResourceGraphQuery(
            ctx,
            ctx.clients.resource_graph(),
            subscriptions=() if self.all_visible else self.subscription_ids,
            management_groups=self.management_groups,
        )


def list_workspace_resources(ctx: CollectContext, scope: QueryScope) -> list[Resource]:
    """Every ML workspace in scope, from Resource Graph, else from ARM listing."""
    workspaces = _run_query(ctx, scope.graph_query(ctx), LIST_WORKSPACES)
    if workspaces is None:
        logger.warning("Resource Graph failed; listing workspaces through ARM instead")
        workspaces = _list_workspaces_by_arm(ctx, scope.subscription_ids)
    return sorted(_unique(workspaces), key=lambda r: r.key)


def _unique(resources: Iterable[Resource]) -> list[Resource]:
    by_key: dict[str, Resource] = {}
    for resource in resources:
        by_key.setdefault(resource.key, resource)
    return list(by_key.values())


def attached_refs_named(workspace: Resource) -> dict[AttachedRole, str | None]:
    """The attached ids a workspace names; None where it names none (e.g. a null registry)."""
    named: dict[AttachedRole, str | None] = {}
    for role in AttachedRole:
        value = workspace.prop(role.workspace_property)
        if value is None or (isinstance(value, str) and not value.strip()):
            named[role] = None
        elif isinstance(value, str):
            named[role] = value.strip()
        else:
            # Not an id at all: keep it visible so its lookup fails as unknown, not "names none".
            named[role] = json.dumps(thaw(value), sort_keys=True)
    return named


@dataclass(frozen=True, slots=True)
class Lookup:
    """Whether a named attached resource could be read, and why not."""

    state: LookupState
    reason: str | None = None


_FOUND = Lookup(LookupState.FOUND)


def _get_attached(
    ctx: CollectContext, client: ResourceManagementClient, resource_id: str
) -> tuple[Resource | None, Lookup]:
    """ARM GET of one attached resource that Resource Graph did not return."""
    try:
        version = arm.api_version_for(_type_of(resource_id))
    except KeyError:
        message = f"{resource_id} is not a resource type a workspace can attach"
        ctx.log.add(
            CollectionError(
                scope=resource_id, source=ARM_SOURCE, code="UnexpectedResourceType", message=message
            )
        )
        return None, Lookup(LookupState.UNKNOWN, message)
    try:
        doc = arm.get_document(client, resource_id, version)
        return resource_from_document(doc), _FOUND
    except ARM_ERRORS as exc:
        code, message, _ = describe(exc)
        if is_not_found(exc):
            return None, Lookup(LookupState.NOT_FOUND, f"{code}: {message}")
        ctx.log.add(to_collection_error(exc, scope=resource_id, source=ARM_SOURCE))
        return None, Lookup(LookupState.UNKNOWN, f"{code}: {message}")


def _type_of(resource_id: str) -> str:
    parts = resource_id.strip("/").split("/")
    return f"{parts[5]}/{parts[6]}" if len(parts) >= 8 else ""


def collect_attached(
    ctx: CollectContext,
    workspaces: Sequence[Resource],
    query: Callable[[], list[Resource] | None],
) -> tuple[list[Resource], dict[str, Lookup]]:
    """Read every attached resource the workspaces name.

    Returns:
        The resources read, and the lookup state of every named id by lowercased id.
    """
    named = {
        resource_key(rid): rid
        for ws in workspaces
        for rid in attached_refs_named(ws).values()
        if rid is not None
    }
    if not named:
        return [], {}
    from_graph = query() or []
    by_key = {r.key: r for r in from_graph if r.key in named}
    states = dict.fromkeys(by_key, _FOUND)
    missing = [rid for key, rid in sorted(named.items()) if key not in by_key]
    client = ctx.clients.resource_manager()
    with ThreadPoolExecutor(max_workers=ctx.max_workers) as pool:
        lookups = pool.map(lambda rid: _get_attached(ctx, client, rid), missing)
        for rid, (resource, lookup) in zip(missing, lookups, strict=True):
            states[resource_key(rid)] = lookup
            if resource is not None:
                by_key[resource.key] = resource
    return sorted(by_key.values(), key=lambda r: r.key), states


def attached_query(ctx: CollectContext, scope: QueryScope) -> Callable[[], list[Resource] | None]:
    """The Resource Graph query for attached resources, deferred until ids are known."""
    return lambda: _run_query(ctx, scope.graph_query(ctx), LIST_ATTACHED_RESOURCES)
