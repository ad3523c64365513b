"""ARM read routes: subscriptions, resource GET, typed lists and ML compute lists."""

from __future__ import annotations

from auditor.ids import ArmId
from auditor.simulator import paging
from auditor.simulator.catalog import Catalog
from auditor.simulator.responses import (
    Reply,
    authorization_failed,
    json_reply,
    not_found,
    resource_group_not_found,
    subscription_not_found,
)
from auditor.simulator.routing import RequestContext, Route
from auditor.simulator.tenant import Resource, Subscription

# What a typical public-cloud pay-as-you-go subscription reports.
_SUBSCRIPTION_POLICIES = (
    ("locationPlacementId", "Public_2014-09-01"),
    ("quotaId", "PayAsYouGo_2014-09-01"),
    ("spendingLimit", "Off"),
)


def _subscription_body(catalog: Catalog, sub: Subscription) -> dict[str, object]:
    return {
        "id": f"/subscriptions/{sub.subscription_id}",
        "authorizationSource": "RoleBased",
        "managedByTenants": [],
        "subscriptionId": sub.subscription_id,
        "tenantId": catalog.tenant.tenant_id,
        "displayName": sub.display_name,
        "state": sub.state,
        "subscriptionPolicies": dict(_SUBSCRIPTION_POLICIES),
    }


def _document(resource: Resource) -> object:
    return resource.document


def list_subscriptions(route: Route, ctx: RequestContext, catalog: Catalog) -> Reply:
    """``GET /subscriptions``."""
    subs = catalog.visible_subscriptions()
    return paging.arm_listing(
        ctx,
        subs,
        catalog.tenant.arm.page_size,
        lambda s: _subscription_body(catalog, s),
        {"count": {"type": "Total", "value": len(subs)}},
    )


def get_subscription(route: Route, ctx: RequestContext, catalog: Catalog) -> Reply:
    """``GET /subscriptions/{id}``."""
    sub_id = route.subscription_id or ""
    sub = catalog.subscription(sub_id)
    if sub is None:
        return subscription_not_found(sub_id)
    if catalog.is_denied(f"/subscriptions/{sub_id}"):
        return _denied(
            catalog, "Microsoft.Resources/subscriptions/read", f"/subscriptions/{sub_id}"
        )
    return json_reply(200, _subscription_body(catalog, sub))


def _denied(catalog: Catalog, action: str, scope: str) -> Reply:
    return authorization_failed(catalog.tenant.principal.object_id, action, scope)


def _scope_error(catalog: Catalog, arm_id: ArmId) -> Reply | None:
    """The answer when the id's subscription is unknown or the id is denied; else None."""
    if catalog.subscription(arm_id.subscription_id) is None:
        return subscription_not_found(arm_id.subscription_id)
    if catalog.is_denied(arm_id.text):
        # ARM checks RBAC before existence, so a denied scope answers 403 even for a missing id.
        return _denied(catalog, f"{arm_id.type}/read", arm_id.text)
    return None


def _missing(catalog: Catalog, arm_id: ArmId) -> Reply:
    group = arm_id.resource_group_name
    if group is not None and not catalog.group_exists(arm_id.subscription_id, group):
        return resource_group_not_found(group)
    return not_found(arm_id.qualified_name, group)


def get_resource(route: Route, ctx: RequestContext, catalog: Catalog) -> Reply:
    """``GET {resource id}``: the stored document, verbatim."""
    assert route.arm_id is not None
    error = _scope_error(catalog, route.arm_id)
    if error is not None:
        return error
    resource = catalog.get(route.arm_id)
    if resource is None:
        return _missing(catalog, route.arm_id)
    return json_reply(200, resource.document)


def list_resources(route: Route, ctx: RequestContext, catalog: Catalog) -> Reply:
    """``GET /subscriptions/{s}[/resourceGroups/{rg}]/providers/{ns}/{type}``."""
    sub_id = route.subscription_id or ""
    namespace, type_ = route.namespace or "", route.type_ or ""
    if catalog.subscription(sub_id) is None:
        return subscription_not_found(sub_id)
    scope = f"/subscriptions/{sub_id}"
    if route.resource_group is not None:
        scope += f"/resourceGroups/{route.resource_group}"
    if catalog.is_denied(scope):
        return _denied(catalog, f"{namespace}/{type_}/read", scope)
    group = route.resource_group
    if group is not None and not catalog.group_exists(sub_id, group):
        return resource_group_not_found(group)
    items = catalog.list_type(sub_id, group, namespace, type_)
    return paging.arm_listing(ctx, items, catalog.tenant.arm.page_size, _document)


def list_computes(route: Route, ctx: RequestContext, catalog: Catalog) -> Reply:
    """``GET {workspace id}/computes``."""
    workspace = route.arm_id
    assert workspace is not None
    if catalog.subscription(workspace.subscription_id) is None:
        return subscription_not_found(workspace.subscription_id)
    if catalog.is_denied(workspace.text):
        return _denied(catalog, f"{workspace.type}/computes/read", workspace.text)
    if catalog.get(workspace) is None:
        return _missing(catalog, workspace)
    items = catalog.children(workspace, "computes")
    return paging.arm_listing(ctx, items, catalog.tenant.arm.page_size, _document)
