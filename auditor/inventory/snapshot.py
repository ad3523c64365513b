"""``inventory.json``: the frozen inventory on disk, so a run can be judged again without Azure."""

import dataclasses
import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from auditor.inventory.model import (
    INVENTORY_SCHEMA_VERSION,
    AttachedRef,
    AttachedRole,
    CollectionError,
    Inventory,
    LookupState,
    Resource,
    Scope,
    Subscription,
    Workspace,
)
from auditor.json_types import freeze, freeze_object, thaw


class InventoryFormatError(ValueError):
    """A saved inventory that cannot be read; the message names the file and the field."""


def _resource_to_json(resource: Resource) -> dict[str, Any]:
    return {
        "id": resource.id,
        "name": resource.name,
        "type": resource.type,
        "subscription_id": resource.subscription_id,
        "resource_group_name": resource.resource_group_name,
        "location": resource.location,
        "kind": resource.kind,
        "tags": dict(resource.tags),
        "sku": thaw(resource.sku) if resource.sku is not None else None,
        "identity": thaw(resource.identity) if resource.identity is not None else None,
        "properties": thaw(resource.properties),
        "has_properties": resource.has_properties,
    }


def _error_to_json(error: CollectionError) -> dict[str, Any]:
    return dataclasses.asdict(error)


def _workspace_to_json(workspace: Workspace) -> dict[str, Any]:
    attached: dict[str, Any] = {}
    for role in AttachedRole:
        ref = workspace.attached.get(role)
        attached[role.value] = (
            None if ref is None else {"id": ref.id, "state": ref.state.value, "reason": ref.reason}
        )
    computes = workspace.computes
    return {
        "resource": _resource_to_json(workspace.resource),
        "attached": attached,
        "computes": None if computes is None else [_resource_to_json(c) for c in computes],
        "computes_error": workspace.computes_error,
    }


def inventory_to_json(inventory: Inventory) -> dict[str, Any]:
    """A JSON-ready dict of the whole inventory."""
    return {
        "schema_version": inventory.schema_version,
        "collected_at": inventory.collected_at.isoformat(),
        "cloud": inventory.cloud,
        "scope": {
            "subscriptions": list(inventory.scope.subscriptions),
            "management_groups": list(inventory.scope.management_groups),
            "all_visible": inventory.scope.all_visible,
        },
        "subscriptions": [
            {"subscription_id": s.subscription_id, "display_name": s.display_name, "state": s.state}
            for s in inventory.subscriptions
        ],
        "workspaces": [_workspace_to_json(ws) for ws in inventory.workspaces],
        "resources": [_resource_to_json(r) for r in inventory.resources],
        "errors": [_error_to_json(e) for e in inventory.errors],
        "notices": [_error_to_json(e) for e in inventory.notices],
        "datasets": {name: thaw(value) for name, value in sorted(inventory.datasets.items())},
    }


def dump_inventory(inventory: Inventory) -> str:
    """``inventory.json`` text: sorted keys, stable across runs for the same data."""
    return json.dumps(inventory_to_json(inventory), indent=2, sort_keys=True) + "\n"


class _Reader:
    """Typed access to the JSON document with error messages naming the field."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> InventoryFormatError:
        return InventoryFormatError(f"{self.source}: {where}: {problem}")

    def obj(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, "expected an object")
        return value

    def lst(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(where, "expected a list")
        return value

    def text(self, doc: Mapping[str, Any], key: str, where: str, *, optional: bool = False) -> Any:
        value = doc.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise self.fail(f"{where}.{key}", "expected a string")
        return value

    def resource(self, value: Any, where: str) -> Resource:
        doc = self.obj(value, where)
        tags = self.obj(doc.get("tags") or {}, f"{where}.tags")
        return Resource(
            id=self.text(doc, "id", where),
            name=self.text(doc, "name", where),
            type=self.text(doc, "type", where),
            subscription_id=self.text(doc, "subscription_id", where),
            resource_group_name=self.text(doc, "resource_group_name", where),
            location=self.text(doc, "location", where, optional=True),
            kind=self.text(doc, "kind", where, optional=True),
            tags=MappingProxyType({str(k): str(v) for k, v in tags.items()}),
            sku=freeze_object(doc["sku"]) if doc.get("sku") is not None else None,
            identity=freeze_object(doc["identity"]) if doc.get("identity") is not None else None,
            properties=freeze_object(self.obj(doc.get("properties", {}), f"{where}.properties")),
            has_properties=bool(doc.get("has_properties", True)),
        )

    def error(self, value: Any, where: str) -> CollectionError:
        doc = self.obj(value, where)
        status = doc.get("status_code")
        return CollectionError(
            scope=self.text(doc, "scope", where),
            source=self.text(doc, "source", where),
            code=self.text(doc, "code", where),
            message=self.text(doc, "message", where),
            status_code=status if isinstance(status, int) else None,
        )

    def workspace(self, value: Any, where: str) -> Workspace:
        doc = self.obj(value, where)
        attached_doc = self.obj(doc.get("attached"), f"{where}.attached")
        attached: dict[AttachedRole, AttachedRef | None] = {}
        for role in AttachedRole:
            entry = attached_doc.get(role.value)
            if entry is None:
                attached[role] = None
                continue
            at = f"{where}.attached.{role.value}"
            ref_doc = self.obj(entry, at)
            try:
                state = LookupState(str(ref_doc.get("state")))
            except ValueError as exc:
                raise self.fail(f"{at}.state", "not one of found, not_found, unknown") from exc
            attached[role] = AttachedRef(
                role=role,
                id=self.text(ref_doc, "id", at),
                state=state,
                reason=self.text(ref_doc, "reason", at, optional=True),
            )
        computes_doc = doc.get("computes")
        computes = (
            None
            if computes_doc is None
            else tuple(
                self.resource(c, f"{where}.computes[{i}]")
                for i, c in enumerate(self.lst(computes_doc, f"{where}.computes"))
            )
        )
        return Workspace(
            resource=self.resource(doc.get("resource"), f"{where}.resource"),
            attached=MappingProxyType(attached),
            computes=computes,
            computes_error=self.text(doc, "computes_error", where, optional=True),
        )


def inventory_from_json(data: Any, *, source: str = "inventory.json") -> Inventory:
    """Rebuild an inventory from :func:`inventory_to_json` output.

    Raises:
        InventoryFormatError: naming the source and the bad field.
    """
    r = _Reader(source)
    doc = r.obj(data, "(top level)")
    if doc.get("schema_version") != INVENTORY_SCHEMA_VERSION:
        raise r.fail("schema_version", f"expected {INVENTORY_SCHEMA_VERSION!r}")
    try:
        collected_at = datetime.fromisoformat(r.text(doc, "collected_at", "(top level)"))
    except ValueError as exc:
        raise r.fail("collected_at", "not an ISO 8601 timestamp") from exc
    scope = r.obj(doc.get("scope"), "scope")

    def items(key: str) -> list[Any]:
        return r.lst(doc.get(key, []), key)

    return Inventory(
        collected_at=collected_at,
        cloud=r.text(doc, "cloud", "(top level)"),
        scope=Scope(
            subscriptions=tuple(r.lst(scope.get("subscriptions", []), "scope.subscriptions")),
            management_groups=tuple(
                r.lst(scope.get("management_groups", []), "scope.management_groups")
            ),
            all_visible=bool(scope.get("all_visible", False)),
        ),
        subscriptions=tuple(
            Subscription(
                subscription_id=r.text(s, "subscription_id", f"subscriptions[{i}]"),
                display_name=r.text(s, "display_name", f"subscriptions[{i}]"),
                state=r.text(s, "state", f"subscriptions[{i}]"),
            )
            for i, s in enumerate(r.obj(x, "subscriptions") for x in items("subscriptions"))
        ),
        workspaces=tuple(
            r.workspace(w, f"workspaces[{i}]") for i, w in enumerate(items("workspaces"))
        ),
        resources=tuple(r.resource(x, f"resources[{i}]") for i, x in enumerate(items("resources"))),
        errors=tuple(r.error(e, f"errors[{i}]") for i, e in enumerate(items("errors"))),
        notices=tuple(r.error(e, f"notices[{i}]") for i, e in enumerate(items("notices"))),
        datasets=MappingProxyType(
            {str(k): freeze(v) for k, v in r.obj(doc.get("datasets", {}), "datasets").items()}
        ),
    )


def load_inventory(path: Path) -> Inventory:
    """Read a saved ``inventory.json``.

    Raises:
        InventoryFormatError: unreadable, not JSON, or not an inventory.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InventoryFormatError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise InventoryFormatError(f"{path}: not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise InventoryFormatError(f"{path}: nested too deeply to be an inventory") from exc
    try:
        return inventory_from_json(data, source=str(path))
    except RecursionError as exc:
        raise InventoryFormatError(f"{path}: nested too deeply to be an inventory") from exc
