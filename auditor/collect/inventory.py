"""Collect everything, then freeze it into an :class:`~auditor.inventory.model.Inventory`."""

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

from auditor.collect.areas import collect_datasets
from auditor.collect.attached import Lookup, NamedRef, attached_refs_named, collect_attached
from auditor.collect.computes import collect_computes
from auditor.collect.context import CollectContext
from auditor.collect.subscriptions import list_subscriptions
from auditor.collect.workspaces import QueryScope, attached_query, list_workspace_resources
from auditor.config import ScopeSettings
from auditor.ids import resource_key
from auditor.inventory.model import (
    AttachedRef,
    AttachedRole,
    Inventory,
    LookupState,
    Resource,
    Scope,
    Workspace,
)


def _workspace(
    resource: Resource,
    refs: Mapping[AttachedRole, NamedRef | None],
    lookups: dict[str, Lookup],
    computes: tuple[Resource, ...] | str,
) -> Workspace:
    attached: dict[AttachedRole, AttachedRef | None] = {}
    for role, ref in refs.items():
        if ref is None:
            attached[role] = None
            continue
        if ref.problem is not None:
            lookup = Lookup(LookupState.UNKNOWN, ref.problem)
        else:
            lookup = lookups.get(resource_key(ref.id), Lookup(LookupState.UNKNOWN, "not looked up"))
        attached[role] = AttachedRef(role=role, id=ref.id, state=lookup.state, reason=lookup.reason)
    if isinstance(computes, str):
        return Workspace(
            resource=resource,
            attached=MappingProxyType(attached),
            computes=None,
            computes_error=computes,
        )
    return Workspace(resource=resource, attached=MappingProxyType(attached), computes=computes)


def collect_inventory(
    ctx: CollectContext, scope_settings: ScopeSettings, *, cloud: str, now: datetime
) -> Inventory:
    """Run every collector of this release and freeze the result."""
    all_visible = not scope_settings.subscriptions and not scope_settings.management_groups
    subscriptions = list_subscriptions(ctx, scope_settings)
    subscription_ids = [s.subscription_id for s in subscriptions]
    scope = QueryScope(
        subscription_ids=subscription_ids,
        management_groups=scope_settings.management_groups,
        all_visible=all_visible,
    )
    workspace_resources = list_workspace_resources(ctx, scope)
    # Parsed once: the attached lookups and the inventory's references both need them.
    refs = [(ws, attached_refs_named(ws)) for ws in workspace_resources]
    attached, lookups = collect_attached(ctx, refs, attached_query(ctx, scope))
    computes = collect_computes(ctx, workspace_resources)
    workspaces = tuple(_workspace(ws, named, lookups, computes[ws.key]) for ws, named in refs)
    datasets = collect_datasets(ctx, workspaces)
    return Inventory(
        collected_at=now,
        cloud=cloud,
        scope=Scope(
            # A management-group audit covers whatever lies under the groups, not a fixed list.
            subscriptions=() if scope_settings.management_groups else tuple(subscription_ids),
            management_groups=tuple(scope_settings.management_groups),
            all_visible=all_visible,
        ),
        subscriptions=subscriptions,
        workspaces=workspaces,
        resources=tuple(attached),
        errors=ctx.log.errors,
        notices=ctx.log.notices,
        datasets=datasets,
    )
