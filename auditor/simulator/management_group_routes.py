"""``GET /providers/Microsoft.Management/managementGroups/{groupId}/descendants``.

Follows the REST reference (Management Groups - Get Descendants, api-version 2020-05-01) and the
``GetDescendants`` example of the API specification (azure-rest-api-specs,
``specification/managementgroups/.../stable/2023-04-01/examples/GetDescendants.json``): a list of
``{name, type, id, properties: {displayName, parent: {id}}}`` entries, groups typed
``Microsoft.Management/managementGroups`` and subscriptions typed
``Microsoft.Management/managementGroups/subscriptions``, paged with ``nextLink``. An unknown group
answers 404 ``NotFound`` worded as a live answer quoted in
JulianHayward/AzADServicePrincipalInsights#22; a denied one 403 ``AuthorizationFailed``.
"""

from __future__ import annotations

from auditor.ids import MANAGEMENT_GROUP_TYPE
from auditor.simulator import paging
from auditor.simulator.catalog import Catalog
from auditor.simulator.hierarchy import Descendant
from auditor.simulator.responses import Reply, arm_error, authorization_failed
from auditor.simulator.routing import RequestContext, Route

SUBSCRIPTION_ENTRY_TYPE = f"{MANAGEMENT_GROUP_TYPE}/subscriptions"
DESCENDANTS_READ = f"{MANAGEMENT_GROUP_TYPE}/descendants/read"


def _group_id(name: str) -> str:
    return f"/providers/{MANAGEMENT_GROUP_TYPE}/{name}"


def _render(entry: Descendant) -> dict[str, object]:
    if entry.is_group:
        type_, id_ = MANAGEMENT_GROUP_TYPE, _group_id(entry.name)
    else:
        type_, id_ = SUBSCRIPTION_ENTRY_TYPE, f"/subscriptions/{entry.name}"
    return {
        "name": entry.name,
        "type": type_,
        "id": id_,
        "properties": {
            "displayName": entry.display_name,
            "parent": {"id": _group_id(entry.parent)},
        },
    }


def list_descendants(route: Route, ctx: RequestContext, catalog: Catalog) -> Reply:
    """Every group and subscription below the group, at any depth, paged at ``arm.page_size``."""
    name = route.management_group or ""
    group = catalog.management_groups.find(name)
    if group is None:
        return arm_error(404, "NotFound", f"'{_group_id(name)}' not found")
    if catalog.is_group_denied(group.name):
        return authorization_failed(
            catalog.tenant.principal.object_id, DESCENDANTS_READ, _group_id(name)
        )
    items = catalog.management_groups.descendants(group.name, catalog.is_hidden)
    return paging.arm_listing(ctx, items, catalog.tenant.arm.page_size, _render)
