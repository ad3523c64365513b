"""The inventory sweep: every ML workspace in scope, and the query for what they attach.

Two Resource Graph queries find them all, whatever the number of workspaces. ARM listing per
subscription replaces Resource Graph when it fails; the failure is then a notice (nothing is
missing) unless the fallback could not cover it, when it is an error. For a management-group
scope the fallback lists only the subscriptions the Management Groups API puts below the groups:
it never widens the audit to every subscription the identity can see.
"""

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from auditor.collect import arm
from auditor.collect.context import CollectContext
from auditor.collect.documents import resource_from_document
from auditor.collect.errors import (
    COLLECTOR_ERRORS,
    MALFORMED,
    MalformedPayloadError,
    internal_error,
    record_failure,
    to_collection_error,
)
from auditor.collect.management_groups import resolve_subscriptions
from auditor.collect.queries import LIST_ATTACHED_RESOURCES, LIST_WORKSPACES, ML_WORKSPACE_TYPE
from auditor.collect.resource_graph import ResourceGraphQuery
from auditor.inventory.model import CollectionError, CollectionSource, Resource

logger = logging.getLogger(__name__)

RESOURCE_GRAPH = CollectionSource.RESOURCE_GRAPH
ARM_SOURCE = CollectionSource.ARM
WORKSPACE_PROVIDER_PATH = "Microsoft.MachineLearningServices/workspaces"

QueryOutcome = tuple[list[Resource] | None, CollectionError | None]


def _resources_from_rows(
    ctx: CollectContext,
    rows: Iterable[Mapping[str, Any]],
    source: str,
    accept: Callable[[Resource], str | None] = lambda _: None,
) -> list[Resource]:
    """Parse rows; a malformed or unacceptable row is recorded and skipped, the others kept."""
    resources = []
    for row in rows:
        raw_id = row.get("id")
        scope = raw_id[:300] if isinstance(raw_id, str) else "(a resource without an id)"
        try:
            resource = resource_from_document(row)
            problem = accept(resource)
            if problem is not None:
                raise MalformedPayloadError(f"{resource.id}: {problem}")
        except MalformedPayloadError as exc:
            ctx.log.add(to_collection_error(exc, scope=scope, source=source))
            continue
        except Exception as exc:  # one odd row must not cost the others
            record_failure(ctx.log, exc, scope=scope, source=source)
            continue
        resources.append(resource)
    return resources


def _run_query(
    ctx: CollectContext,
    query: ResourceGraphQuery,
    kql: str,
    accept: Callable[[Resource], str | None] = lambda _: None,
) -> QueryOutcome:
    """All resources of one query, or None and the failure (recorded as a notice)."""
    try:
        rows = list(query.rows(kql))
    except COLLECTOR_ERRORS as exc:
        notice = to_collection_error(exc, scope="/", source=RESOURCE_GRAPH)
    except Exception as exc:  # a bug on an odd page: fall back as for any failed query
        notice = internal_error(exc, scope="/", source=RESOURCE_GRAPH)
    else:
        return _resources_from_rows(ctx, rows, RESOURCE_GRAPH, accept), None
    ctx.log.notice(notice)
    return None, notice


def _workspace_problem(subscription_ids: Sequence[str] | None) -> Callable[[Resource], str | None]:
    """Checks that a listed document is an ML workspace in one of the subscriptions asked for."""
    wanted = None if subscription_ids is None else {s.lower() for s in subscription_ids}

    def problem(resource: Resource) -> str | None:
        if resource.type.lower() != ML_WORKSPACE_TYPE:
            return f"listed as a workspace but its type is {resource.type}"
        if wanted is not None and resource.subscription_id.lower() not in wanted:
            return "listed in the wrong subscription"
        return None

    return problem


def _list_workspaces_by_arm(ctx: CollectContext, subscription_ids: Sequence[str]) -> list[Resource]:
    """The fallback: list workspaces per subscription through ARM."""
    client = ctx.clients.resource_manager()
    version = arm.api_version_for(ML_WORKSPACE_TYPE)
    found: list[Resource] = []
    for subscription_id in subscription_ids:
        path = f"/subscriptions/{subscription_id}/providers/{WORKSPACE_PROVIDER_PATH}"
        scope = f"/subscriptions/{subscription_id}"
        try:
            docs = list(
                arm.list_documents(
                    client, path, version, max_pages=ctx.clients.collection.max_pages
                )
            )
        except COLLECTOR_ERRORS as exc:
            ctx.log.add(to_collection_error(exc, scope=scope, source=ARM_SOURCE))
            continue
        except Exception as exc:
            record_failure(ctx.log, exc, scope=scope, source=ARM_SOURCE)
            continue
        found.extend(
            _resources_from_rows(ctx, docs, ARM_SOURCE, _workspace_problem([subscription_id]))
        )
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


def _record_without_properties(ctx: CollectContext, workspaces: Iterable[Resource]) -> None:
    for ws in workspaces:
        if not ws.has_properties:
            ctx.log.add(
                CollectionError(
                    scope=ws.id,
                    source=RESOURCE_GRAPH,
                    code=MALFORMED,
                    message="the workspace document has no properties object",
                )
            )


def _management_group_targets(
    ctx: CollectContext, scope: QueryScope, notice: CollectionError
) -> list[str]:
    """The visible subscriptions below the configured groups, for the ARM fallback.

    A group that cannot be resolved is an error naming both failures, and the Resource Graph
    failure is then an error too: that group's workspaces are missing.
    """
    resolved = resolve_subscriptions(ctx, scope.management_groups)
    if resolved.failures:
        ctx.log.promote(notice)
    for failure in resolved.failures:
        reason = failure.error.message
        ctx.log.add(
            replace(
                failure.error,
                message=(
                    f"Resource Graph failed ({notice.code}) and the subscriptions below "
                    f"management group {failure.group[:90]!r} could not be listed either, so its "
                    f"workspaces were not listed: {reason}"
                ),
            )
        )
    below = {s.lower() for s in resolved.subscription_ids}
    targets = [s for s in scope.subscription_ids if s.lower() in below]
    logger.info(
        "management groups %s hold %d subscriptions, %d of them visible",
        ", ".join(scope.management_groups),
        len(below),
        len(targets),
    )
    return targets


def _fall_back_to_arm(
    ctx: CollectContext, scope: QueryScope, notice: CollectionError
) -> list[Resource]:
    """Workspaces listed through ARM, after Resource Graph failed with ``notice``."""
    logger.warning("Resource Graph failed; listing workspaces through ARM instead")
    targets = list(scope.subscription_ids)
    if scope.management_groups:
        targets = _management_group_targets(ctx, scope, notice)
    errors_before = len(ctx.log.errors)
    workspaces = _list_workspaces_by_arm(ctx, targets)
    # Covered unless the subscriptions are unknown or the fallback failed on every subscription;
    # a partial fallback records its own errors for the subscriptions it could not list.
    listing_failures = len(ctx.log.errors) - errors_before
    subscriptions_unknown = any(e.source == CollectionSource.SUBSCRIPTIONS for e in ctx.log.errors)
    if subscriptions_unknown or (targets and listing_failures >= len(targets)):
        ctx.log.promote(notice)
    return workspaces


def list_workspace_resources(ctx: CollectContext, scope: QueryScope) -> list[Resource]:
    """Every ML workspace in scope, from Resource Graph, else from ARM listing."""
    in_scope = None if scope.all_visible or scope.management_groups else scope.subscription_ids
    workspaces, notice = _run_query(
        ctx, scope.graph_query(ctx), LIST_WORKSPACES, _workspace_problem(in_scope)
    )
    if workspaces is None:
        assert notice is not None
        workspaces = _fall_back_to_arm(ctx, scope, notice)
    unique = sorted(_unique(workspaces), key=lambda r: r.key)
    _record_without_properties(ctx, unique)
    return unique


def _unique(resources: Iterable[Resource]) -> list[Resource]:
    by_key: dict[str, Resource] = {}
    for resource in resources:
        by_key.setdefault(resource.key, resource)
    return list(by_key.values())


def attached_query(ctx: CollectContext, scope: QueryScope) -> Callable[[], QueryOutcome]:
    """The Resource Graph query for attached resources, deferred until ids are known."""
    return lambda: _run_query(ctx, scope.graph_query(ctx), LIST_ATTACHED_RESOURCES)
