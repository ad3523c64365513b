"""Lookups over a Tenant: by id, by group, by type, with access denial applied."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.ids import ArmId, is_under, management_group_id
from auditor.simulator.hierarchy import Descendant, GroupTree
from auditor.simulator.tenant import Resource, Subscription, Tenant

COMPUTE_TYPE = "microsoft.machinelearningservices/workspaces/computes"

# Resource Graph's `resources` columns, in the order it returns them for an unprojected query.
GRAPH_COLUMNS = (
    "id",
    "name",
    "type",
    "tenantId",
    "kind",
    "location",
    "resourceGroup",
    "subscriptionId",
    "managedBy",
    "sku",
    "plan",
    "properties",
    "tags",
    "identity",
    "zones",
    "extendedLocation",
)


class Catalog:
    """Read-only indexes over one tenant."""

    def __init__(self, tenant: Tenant) -> None:
        """Index the tenant's subscriptions, resources and resource groups."""
        self.tenant = tenant
        self._subscriptions = {s.subscription_id.lower(): s for s in tenant.subscriptions}
        self._by_key = {r.arm_id.key: r for r in tenant.resources}
        self._groups = {
            (r.arm_id.subscription_id.lower(), r.arm_id.resource_group_name.lower())
            for r in tenant.resources
            if r.arm_id.resource_group_name is not None
        }
        # Denials never change while serving, so visibility and child lists are computed once:
        # per-request scans of every resource made large tenants quadratic.
        self._visible = tuple(r for r in tenant.resources if not self.is_denied(r.id))
        self._children: dict[str, list[Resource]] = {}
        for res in self._visible:
            parent_and_type, _, _ = res.arm_id.key.rpartition("/")
            self._children.setdefault(parent_and_type, []).append(res)
        self.management_groups = GroupTree(
            tenant.management_groups,
            [
                (s.subscription_id, s.display_name, s.management_groups)
                for s in tenant.subscriptions
            ],
        )

    def subscription(self, subscription_id: str) -> Subscription | None:
        """The subscription with this id (any casing), if the tenant has it."""
        return self._subscriptions.get(subscription_id.lower())

    def is_denied(self, resource_id: str) -> bool:
        """Whether the auditing identity may not read this id (or anything above it is denied)."""
        return any(is_under(resource_id, prefix) for prefix in self.tenant.denied)

    def is_group_denied(self, name: str) -> bool:
        """Whether the Management Groups API hides this group: it or a group above it is denied."""
        return any(
            self.is_denied(management_group_id(group))
            for group in self.management_groups.ancestry(name)
        )

    def is_hidden(self, entry: Descendant) -> bool:
        """Whether a descendants listing leaves this entry (and what lies below it) out."""
        if entry.is_group:
            return self.is_group_denied(entry.name)
        return self.is_denied(f"/subscriptions/{entry.name}")

    def get(self, arm_id: ArmId) -> Resource | None:
        """The resource with this id, compared case-insensitively."""
        return self._by_key.get(arm_id.key)

    def group_exists(self, subscription_id: str, resource_group: str) -> bool:
        """Whether any resource of the tenant lies in that resource group."""
        return (subscription_id.lower(), resource_group.lower()) in self._groups

    def visible(self) -> Iterable[Resource]:
        """Every resource the auditing identity may read, in tenant order."""
        return iter(self._visible)

    def visible_subscriptions(self) -> list[Subscription]:
        """Subscriptions that are not denied as a whole."""
        return [
            s
            for s in self.tenant.subscriptions
            if not self.is_denied(f"/subscriptions/{s.subscription_id}")
        ]

    def list_type(
        self, subscription_id: str, resource_group: str | None, namespace: str, type_: str
    ) -> list[Resource]:
        """Visible top-level resources of one type in a subscription or resource group."""
        wanted = f"{namespace}/{type_}".lower()
        out = []
        for res in self.visible():
            arm = res.arm_id
            if arm.subscription_id.lower() != subscription_id.lower():
                continue
            if resource_group is not None and (arm.resource_group_name or "").lower() != (
                resource_group.lower()
            ):
                continue
            if arm.type.lower() == wanted:
                out.append(res)
        return out

    def children(self, parent: ArmId, child_type: str) -> list[Resource]:
        """Visible resources directly under ``parent`` with the given child type segment."""
        return list(self._children.get(f"{parent.key}/{child_type.lower()}", ()))

    def subscriptions_in_scope(
        self, subscriptions: list[str] | None, management_groups: list[str] | None
    ) -> set[str]:
        """Lowercase ids of the subscriptions a Resource Graph request covers."""
        if subscriptions is not None:
            return {s.lower() for s in subscriptions}
        known = self.tenant.subscriptions
        if management_groups is not None:
            groups = {g.lower() for g in management_groups}
            # The tenant root group carries the tenant id as its name.
            everything = self.tenant.tenant_id.lower() in groups
            return {
                s.subscription_id.lower()
                for s in known
                if everything or groups & {g.lower() for g in s.management_groups}
            }
        return {s.subscription_id.lower() for s in known}

    def graph_rows(self, subscriptions: set[str]) -> list[dict[str, object]]:
        """Rows of Resource Graph's ``resources`` table for the given subscriptions.

        ML computes are left out: Resource Graph does not index them.
        """
        rows = []
        for res in self.visible():
            arm = res.arm_id
            if arm.subscription_id.lower() not in subscriptions:
                continue
            if arm.type.lower() == COMPUTE_TYPE:
                continue
            doc = res.document
            rows.append(
                {
                    "id": doc["id"],
                    "name": doc["name"],
                    "type": str(doc["type"]).lower(),
                    "tenantId": self.tenant.tenant_id,
                    "kind": doc.get("kind") or "",
                    "location": doc.get("location") or "",
                    "resourceGroup": arm.resource_group_name or "",
                    "subscriptionId": arm.subscription_id,
                    "managedBy": doc.get("managedBy") or "",
                    "sku": doc.get("sku"),
                    "plan": doc.get("plan"),
                    "properties": doc.get("properties"),
                    "tags": doc.get("tags"),
                    "identity": doc.get("identity"),
                    "zones": doc.get("zones"),
                    "extendedLocation": doc.get("extendedLocation"),
                }
            )
        return rows
