"""The tenant file: loading, validation and the immutable model the simulator serves.

The format is documented in ``docs/tenant-file.md`` and formalised in ``tenant.schema.json``.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from auditor.ids import ArmId, InvalidResourceIdError, parse_arm_id, parse_management_group_id
from auditor.simulator.faults import FaultRule, parse_fault
from auditor.simulator.hierarchy import HierarchyError, ManagementGroup, derive_groups
from auditor.simulator.yaml_core import load_yaml

DEFAULT_OBJECT_ID = "00000000-0000-0000-0000-000000000000"


class TenantError(ValueError):
    """A tenant file is unreadable or invalid; the message names the file and the path in it."""


@dataclass(frozen=True)
class Principal:
    """The auditing identity the simulator pretends the bearer token belongs to."""

    object_id: str = DEFAULT_OBJECT_ID
    display_name: str = "auditor"


@dataclass(frozen=True)
class Subscription:
    """A subscription of the tenant."""

    subscription_id: str
    display_name: str
    state: str
    management_groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resource:
    """An ARM resource document, served verbatim, with its parsed id."""

    arm_id: ArmId
    document: Mapping[str, Any] = field(compare=False, hash=False)

    @property
    def id(self) -> str:
        """The id exactly as the document gives it."""
        return str(self.document["id"])


@dataclass(frozen=True)
class ResourceGraphSettings:
    """Resource Graph quota and paging knobs."""

    quota: int = 15
    window_seconds: float = 5.0
    default_page_size: int = 100


@dataclass(frozen=True)
class ArmSettings:
    """ARM list paging knobs."""

    page_size: int = 100


@dataclass(frozen=True)
class Tenant:
    """A parsed, validated tenant."""

    tenant_id: str
    principal: Principal
    subscriptions: tuple[Subscription, ...]
    resources: tuple[Resource, ...]
    denied: tuple[str, ...] = ()
    resource_graph: ResourceGraphSettings = ResourceGraphSettings()
    arm: ArmSettings = ArmSettings()
    faults: tuple[FaultRule, ...] = ()
    source: str = "<tenant>"
    management_groups: tuple[ManagementGroup, ...] = ()


def sample_tenant_path() -> Path:
    """Return the path of the bundled sample tenant (``auditor/simulator/tenants/sample.yaml``)."""
    return Path(__file__).resolve().parent / "tenants" / "sample.yaml"


def load_tenant(path: Path) -> Tenant:
    """Read, validate and parse a tenant file (YAML or JSON, chosen by suffix).

    Raises:
        TenantError: The file cannot be read or parsed, or is invalid.
    """
    source = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TenantError(f"{source}: cannot read: {exc.strerror or exc}") from exc
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            data: object = json.loads(text)
        elif suffix in (".yaml", ".yml"):
            data = load_yaml(text)
        else:
            raise TenantError(f"{source}: unknown suffix {suffix!r} (use .yaml, .yml or .json)")
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise TenantError(f"{source}: not valid {suffix[1:].upper()}: {exc}") from exc
    return parse_tenant(data, source=source)


def parse_tenant(data: object, *, source: str) -> Tenant:
    """Validate already-decoded tenant data and build a Tenant.

    Args:
        data: The decoded YAML/JSON document.
        source: Name used in error messages (usually the file name).

    Raises:
        TenantError: Schema or semantic validation failed.
    """
    _check_schema(data, source)
    assert isinstance(data, dict)  # guaranteed by the schema
    subscriptions = tuple(_subscription(s) for s in data["subscriptions"])
    _check_unique(
        (s.subscription_id.lower() for s in subscriptions),
        "subscriptions",
        "subscriptionId",
        source,
    )
    known_subs = {s.subscription_id.lower() for s in subscriptions}
    resources = tuple(_resources(data["resources"], known_subs, source))
    principal_data = data.get("principal", {})
    graph = data.get("resource_graph", {})
    denied = tuple(data.get("access", {}).get("denied", ()))
    groups = _groups(data["tenant_id"], subscriptions, denied, source)
    return Tenant(
        tenant_id=data["tenant_id"],
        principal=Principal(
            object_id=principal_data.get("object_id", DEFAULT_OBJECT_ID),
            display_name=principal_data.get("display_name", "auditor"),
        ),
        subscriptions=subscriptions,
        resources=resources,
        denied=denied,
        resource_graph=ResourceGraphSettings(
            quota=graph.get("quota", 15),
            window_seconds=float(graph.get("window_seconds", 5.0)),
            default_page_size=graph.get("default_page_size", 100),
        ),
        arm=ArmSettings(page_size=data.get("arm", {}).get("page_size", 100)),
        faults=tuple(_fault(i, f, source) for i, f in enumerate(data.get("faults", ()))),
        source=source,
        management_groups=groups,
    )


def _schema() -> dict[str, Any]:
    text = importlib_resources.files("auditor.simulator").joinpath("tenant.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def format_path(parts: Iterable[str | int]) -> str:
    """Render a JSON path as ``resources[3].id``."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


def _check_schema(data: object, source: str) -> None:
    validator = jsonschema.Draft202012Validator(_schema())
    # The first error in document order, so that the message points where a reader starts.
    errors = sorted(validator.iter_errors(data), key=lambda e: [_order(p) for p in e.absolute_path])
    if not errors:
        return
    error = errors[0]
    parts: list[str | int] = list(error.absolute_path)
    message = error.message
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [k for k in error.validator_value if k not in error.instance]
        if missing:
            parts.append(missing[0])
            message = "is required"
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)
        if extra:
            parts.append(extra[0])
            message = "is not a known key"
    raise TenantError(f"{source}: {format_path(parts)}: {message}")


def _order(part: object) -> tuple[int, int, str]:
    return (0, part, "") if isinstance(part, int) else (1, 0, str(part))


def _check_unique(keys: Iterable[str], list_name: str, key_name: str, source: str) -> None:
    seen: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in seen:
            raise TenantError(
                f"{source}: {list_name}[{index}].{key_name}: duplicate of "
                f"{list_name}[{seen[key]}].{key_name} (compared case-insensitively)"
            )
        seen[key] = index


def _subscription(data: Mapping[str, Any]) -> Subscription:
    return Subscription(
        subscription_id=data["subscriptionId"],
        display_name=data["displayName"],
        state=data["state"],
        management_groups=tuple(data.get("managementGroups", ())),
    )


def _resources(items: list[Any], known_subs: set[str], source: str) -> list[Resource]:
    out: list[Resource] = []
    for index, document in enumerate(items):
        where = f"{source}: resources[{index}]"
        try:
            arm_id = parse_arm_id(document["id"])
        except InvalidResourceIdError as exc:
            why = f" ({exc.reason})" if exc.reason else ""
            message = f"{where}.id: {document['id']!r} is not an ARM resource id{why}"
            raise TenantError(message) from exc
        if arm_id.subscription_id.lower() not in known_subs:
            raise TenantError(
                f"{where}.id: subscription {arm_id.subscription_id!r} is not in subscriptions"
            )
        if str(document["type"]).lower() != arm_id.type.lower():
            raise TenantError(
                f"{where}.type: {document['type']!r} does not match the id's type {arm_id.type!r}"
            )
        # A private copy: the caller may keep mutating its data, the tenant must not change.
        out.append(Resource(arm_id=arm_id, document=copy.deepcopy(document)))
    _check_unique((r.arm_id.key for r in out), "resources", "id", source)
    return out


def _fault(index: int, data: Mapping[str, Any], source: str) -> FaultRule:
    try:
        return parse_fault(index, data)
    except re.error as exc:
        raise TenantError(f"{source}: faults[{index}].path: invalid regex: {exc}") from exc


def _groups(
    tenant_id: str, subscriptions: Iterable[Subscription], denied: Iterable[str], source: str
) -> tuple[ManagementGroup, ...]:
    """The management groups, checked to form one tree that every denied group belongs to."""
    try:
        groups = derive_groups(tenant_id, [s.management_groups for s in subscriptions])
    except HierarchyError as exc:
        raise TenantError(f"{source}: {exc}") from exc
    known = {g.name.lower() for g in groups}
    for index, entry in enumerate(denied):
        if entry.startswith("/subscriptions/"):
            continue
        try:
            name = parse_management_group_id(entry)
        except InvalidResourceIdError as exc:
            raise TenantError(f"{source}: access.denied[{index}]: {exc}") from exc
        if name.lower() not in known:
            raise TenantError(
                f"{source}: access.denied[{index}]: no subscription lists management group {name!r}"
            )
    return groups
