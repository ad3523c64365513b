"""Shared predicates for rules: enum comparison, message formatting and network reachability.

Everything here is pure and reads only the frozen inventory model, so rules stay small and several
rules (the per-resource NET rules and the bundle-wide AML-NET-020) judge exposure the same way.

Reachability is never ``restricted`` while a value it reads has the wrong JSON type, and a resource
without a ``properties`` object is always ``unknown``: a malformed document proves nothing safe.
"""

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from auditor.engine.reading import (
    Read,
    ReadState,
    json_type,
    no_properties,
    read_bool,
    read_list,
    read_object,
    read_text,
    render,
    wrong_types,
)
from auditor.ids import last_segment
from auditor.inventory.model import AttachedRole, Resource
from auditor.json_types import JsonObject, JsonValue, freeze_object

__all__ = [
    "Reachability",
    "ReachabilityState",
    "Read",
    "ReadState",
    "as_bool",
    "as_text",
    "container_registry_reachability",
    "describe",
    "is_value",
    "json_type",
    "key_vault_reachability",
    "label",
    "name_from_id",
    "no_properties",
    "reachability_of",
    "read_bool",
    "read_list",
    "read_object",
    "read_text",
    "render",
    "storage_reachability",
    "workspace_reachability",
    "wrong_types",
]

ReachabilityState = Literal["reachable", "restricted", "unknown"]


@dataclass(frozen=True, slots=True)
class Reachability:
    """Whether a resource accepts traffic from any network, why, and the values that decided it."""

    state: ReachabilityState
    reason: str
    evidence: JsonObject = field(default_factory=lambda: MappingProxyType({}))


def as_text(value: JsonValue) -> str | None:
    """The value when it is a string, else ``None`` (absent, null or another JSON type).

    This cannot tell absent from wrong-typed; rules should prefer :func:`read_text`.
    """
    return value if isinstance(value, str) else None


def as_bool(value: JsonValue) -> bool | None:
    """The value when it is a JSON boolean, else ``None``; rules should prefer :func:`read_bool`."""
    return value if isinstance(value, bool) else None


def is_value(value: JsonValue, *expected: str) -> bool:
    """True when ``value`` is a string equal to one of ``expected``, ignoring case.

    ARM echoes enum values in whatever casing they were written with (``enabled``, ``Enabled``).
    """
    text = as_text(value)
    return text is not None and text.casefold() in {e.casefold() for e in expected}


def describe(value: JsonValue) -> str:
    """A short rendering of a property value for messages; ``absent`` for a missing or null one."""
    if value is None:
        return "absent"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return repr(value)


def name_from_id(resource_id: str) -> str:
    """The last segment of an ARM id (the resource name), for resources that could not be read."""
    return last_segment(resource_id)


def label(resource: Resource) -> str:
    """How messages name a resource: its name and its id, so it can be found in the portal."""
    return f"'{resource.name}' ({resource.id})"


def _no_properties() -> Reachability:
    # Callers name the resource already; the reason only says what is missing.
    return Reachability("unknown", "Azure returned no properties object for it")


def _wrong(reads: tuple[Read[Any], ...], evidence: JsonObject) -> Reachability | None:
    """``unknown`` naming each wrong-typed value, or None when every value has its type."""
    problems = wrong_types(*reads)
    if not problems:
        return None
    return Reachability("unknown", "wrong type: " + "; ".join(problems), evidence)


def workspace_reachability(resource: Resource) -> Reachability:
    """Reachability of an ML workspace (``publicNetworkAccess`` and the legacy VNet flag).

    The legacy ``allowPublicAccessWhenBehindVnet`` opens a workspace even when it sits behind a
    private endpoint, so it counts as public whatever ``publicNetworkAccess`` says.
    """
    if not resource.has_properties:
        return _no_properties()
    pna = read_text(resource, "publicNetworkAccess")
    legacy = read_bool(resource, "allowPublicAccessWhenBehindVnet")
    evidence = freeze_object(
        {"publicNetworkAccess": pna.shown, "allowPublicAccessWhenBehindVnet": legacy.shown}
    )
    reasons = []
    if is_value(pna.value, "Enabled"):
        reasons.append("publicNetworkAccess is Enabled")
    if legacy.value is True:
        reasons.append("allowPublicAccessWhenBehindVnet is true")
    if reasons:
        return Reachability("reachable", " and ".join(reasons), evidence)
    wrong = _wrong((pna, legacy), evidence)
    if wrong is not None:
        return wrong
    if is_value(pna.value, "Disabled"):
        return Reachability("restricted", "publicNetworkAccess is Disabled", evidence)
    return Reachability("unknown", f"publicNetworkAccess is {pna.describe()}", evidence)


def _network_acls_reachability(resource: Resource) -> Reachability:
    """Storage accounts and key vaults: the public access switch, then the firewall default.

    Absent values read as Azure's documented defaults (a storage account or vault without a
    firewall allows all networks); a vault whose ``networkAcls`` is present without a
    ``defaultAction`` has none, and stays ``unknown``.
    """
    if not resource.has_properties:
        return _no_properties()
    pna = read_text(resource, "publicNetworkAccess")
    acls = read_object(resource, "networkAcls")
    action = read_text(resource, "networkAcls", "defaultAction")
    evidence = freeze_object(
        {"publicNetworkAccess": pna.shown, "networkAcls.defaultAction": action.shown}
    )
    wrong = _wrong((pna, acls, action), evidence)
    if wrong is not None:
        return wrong
    if is_value(pna.value, "Disabled"):
        return Reachability("restricted", "publicNetworkAccess is Disabled", evidence)
    # The catalogue's condition is "is not Disabled", so an absent switch counts as open here and
    # the firewall decides.
    prefix = f"publicNetworkAccess is {pna.describe()}"
    path = "networkAcls.defaultAction"
    if is_value(action.value, "Deny"):
        return Reachability("restricted", f"{prefix} but {path} is Deny", evidence)
    if is_value(action.value, "Allow"):
        unset = "" if acls.present else " (no networkAcls are set)"
        reason = f"{prefix} and {path} is {action.describe()}{unset}"
        return Reachability("reachable", reason, evidence)
    if acls.absent:
        return Reachability("unknown", f"{prefix} and networkAcls is absent", evidence)
    return Reachability("unknown", f"{prefix} and {path} is {action.describe()}", evidence)


def storage_reachability(resource: Resource) -> Reachability:
    """Reachability of a storage account (public access switch, then firewall default)."""
    return _network_acls_reachability(resource)


def key_vault_reachability(resource: Resource) -> Reachability:
    """Reachability of a key vault; a vault without ``networkAcls`` allows all networks."""
    return _network_acls_reachability(resource)


def container_registry_reachability(resource: Resource) -> Reachability:
    """Reachability of a container registry (``publicNetworkAccess``, ``networkRuleSet``).

    Only the Premium SKU has a firewall, so for Basic and Standard the reason says that the fix is
    an upgrade or disabling public access, not a firewall rule.
    """
    if not resource.has_properties:
        return _no_properties()
    pna = read_text(resource, "publicNetworkAccess")
    action = read_text(resource, "networkRuleSet", "defaultAction")
    sku = read_text(resource.sku, "name", prefix="sku")
    evidence = freeze_object(
        {
            "publicNetworkAccess": pna.shown,
            "networkRuleSet.defaultAction": action.shown,
            "sku.name": sku.shown,
        }
    )
    if (
        is_value(pna.value, "Enabled")
        and not action.wrong_type
        and not is_value(action.value, "Deny")
    ):
        # Open whatever the SKU is: the SKU only shapes the advice.
        reason = (
            f"publicNetworkAccess is {pna.describe()} and networkRuleSet.defaultAction is"
            f" {action.describe()}"
        )
        if is_value(sku.value, "Basic", "Standard"):
            reason += (
                f"; a {sku.value} registry cannot have a firewall at all (only Premium can):"
                " upgrade to Premium and deny by default, or disable public access and use a"
                " private endpoint"
            )
        elif sku.wrong_type:
            reason += f"; cannot tell whether it can have a firewall ({sku.problem})"
        return Reachability("reachable", reason, evidence)
    wrong = _wrong((pna, action, sku), evidence)
    if wrong is not None:
        return wrong
    if is_value(pna.value, "Disabled"):
        return Reachability("restricted", "publicNetworkAccess is Disabled", evidence)
    if not is_value(pna.value, "Enabled"):
        return Reachability("unknown", f"publicNetworkAccess is {pna.describe()}", evidence)
    return Reachability(
        "restricted",
        f"publicNetworkAccess is {pna.describe()} but networkRuleSet.defaultAction is Deny",
        evidence,
    )


def reachability_of(role: AttachedRole, resource: Resource) -> Reachability | None:
    """Reachability of an attached resource by role; ``None`` for roles without a firewall rule."""
    if role is AttachedRole.STORAGE_ACCOUNT:
        return storage_reachability(resource)
    if role is AttachedRole.KEY_VAULT:
        return key_vault_reachability(resource)
    if role is AttachedRole.CONTAINER_REGISTRY:
        return container_registry_reachability(resource)
    return None
