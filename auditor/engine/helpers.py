"""Shared predicates for rules: enum comparison, message formatting and network reachability.

Everything here is pure and reads only the frozen inventory model, so rules stay small and several
rules (the per-resource NET rules and the bundle-wide AML-NET-020) judge exposure the same way.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from auditor.inventory.model import AttachedRole, Resource
from auditor.json_types import JsonObject, JsonValue, freeze_object

__all__ = [
    "Reachability",
    "ReachabilityState",
    "as_bool",
    "as_text",
    "container_registry_reachability",
    "describe",
    "is_value",
    "key_vault_reachability",
    "label",
    "name_from_id",
    "reachability_of",
    "storage_reachability",
    "workspace_reachability",
]

ReachabilityState = Literal["reachable", "restricted", "unknown"]


@dataclass(frozen=True, slots=True)
class Reachability:
    """Whether a resource accepts traffic from any network, why, and the values that decided it."""

    state: ReachabilityState
    reason: str
    evidence: JsonObject = field(default_factory=lambda: MappingProxyType({}))


def as_text(value: JsonValue) -> str | None:
    """The value when it is a string, else ``None`` (absent, null or another JSON type)."""
    return value if isinstance(value, str) else None


def as_bool(value: JsonValue) -> bool | None:
    """The value when it is a JSON boolean, else ``None``."""
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
    return resource_id.rstrip("/").rsplit("/", 1)[-1]


def label(resource: Resource) -> str:
    """How messages name a resource: its name and its id, so it can be found in the portal."""
    return f"'{resource.name}' ({resource.id})"


def workspace_reachability(resource: Resource) -> Reachability:
    """Reachability of an ML workspace (``publicNetworkAccess`` and the legacy VNet flag).

    The legacy ``allowPublicAccessWhenBehindVnet`` opens a workspace even when it sits behind a
    private endpoint, so it counts as public whatever ``publicNetworkAccess`` says.
    """
    pna = resource.prop("publicNetworkAccess")
    legacy = resource.prop("allowPublicAccessWhenBehindVnet")
    evidence = freeze_object(
        {"publicNetworkAccess": pna, "allowPublicAccessWhenBehindVnet": legacy}
    )
    reasons = []
    if is_value(pna, "Enabled"):
        reasons.append("publicNetworkAccess is Enabled")
    if legacy is True:
        reasons.append("allowPublicAccessWhenBehindVnet is true")
    if reasons:
        return Reachability("reachable", " and ".join(reasons), evidence)
    if is_value(pna, "Disabled"):
        return Reachability("restricted", "publicNetworkAccess is Disabled", evidence)
    return Reachability("unknown", f"publicNetworkAccess is {describe(pna)}", evidence)


def _firewall_reachability(
    pna: JsonValue,
    acls_present: bool,
    default_action: JsonValue,
    acl_path: str,
    evidence: Mapping[str, JsonValue],
    *,
    absent_acls_allow_all: bool,
) -> Reachability:
    """Shared logic of storage accounts and key vaults: public access switch, then firewall."""
    frozen = freeze_object(evidence)
    if is_value(pna, "Disabled"):
        return Reachability("restricted", "publicNetworkAccess is Disabled", frozen)
    # The catalogue's condition is "is not Disabled", so an absent switch counts as open here and
    # the firewall decides.
    prefix = f"publicNetworkAccess is {describe(pna)}"
    if not acls_present:
        if absent_acls_allow_all:
            return Reachability(
                "reachable", f"{prefix} and no networkAcls are set (all networks allowed)", frozen
            )
        return Reachability("unknown", f"{prefix} and networkAcls is absent", frozen)
    if is_value(default_action, "Deny"):
        return Reachability("restricted", f"{prefix} but {acl_path} is Deny", frozen)
    if is_value(default_action, "Allow"):
        return Reachability("reachable", f"{prefix} and {acl_path} is Allow", frozen)
    return Reachability("unknown", f"{prefix} and {acl_path} is {describe(default_action)}", frozen)


def _network_acls_reachability(resource: Resource, *, absent_acls_allow_all: bool) -> Reachability:
    pna = resource.prop("publicNetworkAccess")
    action = resource.prop("networkAcls", "defaultAction")
    return _firewall_reachability(
        pna,
        resource.prop("networkAcls") is not None,
        action,
        "networkAcls.defaultAction",
        {"publicNetworkAccess": pna, "networkAcls.defaultAction": action},
        absent_acls_allow_all=absent_acls_allow_all,
    )


def storage_reachability(resource: Resource) -> Reachability:
    """Reachability of a storage account (public access switch, then firewall default)."""
    return _network_acls_reachability(resource, absent_acls_allow_all=False)


def key_vault_reachability(resource: Resource) -> Reachability:
    """Reachability of a key vault; a vault without ``networkAcls`` allows all networks."""
    return _network_acls_reachability(resource, absent_acls_allow_all=True)


def container_registry_reachability(resource: Resource) -> Reachability:
    """Reachability of a container registry (``publicNetworkAccess``, ``networkRuleSet``).

    Only the Premium SKU has a firewall, so for Basic and Standard the reason says that the fix is
    an upgrade or disabling public access, not a firewall rule.
    """
    pna = resource.prop("publicNetworkAccess")
    action = resource.prop("networkRuleSet", "defaultAction")
    sku = as_text((resource.sku or {}).get("name"))
    evidence = freeze_object(
        {"publicNetworkAccess": pna, "networkRuleSet.defaultAction": action, "sku.name": sku}
    )
    if is_value(pna, "Disabled"):
        return Reachability("restricted", "publicNetworkAccess is Disabled", evidence)
    if not is_value(pna, "Enabled"):
        return Reachability("unknown", f"publicNetworkAccess is {describe(pna)}", evidence)
    if is_value(action, "Deny"):
        return Reachability(
            "restricted",
            "publicNetworkAccess is Enabled but networkRuleSet.defaultAction is Deny",
            evidence,
        )
    reason = (
        f"publicNetworkAccess is Enabled and networkRuleSet.defaultAction is {describe(action)}"
    )
    if is_value(sku, "Basic", "Standard"):
        reason += (
            f"; a {sku} registry cannot have a firewall at all (only Premium can): upgrade to"
            " Premium and deny by default, or disable public access and use a private endpoint"
        )
    return Reachability("reachable", reason, evidence)


def reachability_of(role: AttachedRole, resource: Resource) -> Reachability | None:
    """Reachability of an attached resource by role; ``None`` for roles without a firewall rule."""
    if role is AttachedRole.STORAGE_ACCOUNT:
        return storage_reachability(resource)
    if role is AttachedRole.KEY_VAULT:
        return key_vault_reachability(resource)
    if role is AttachedRole.CONTAINER_REGISTRY:
        return container_registry_reachability(resource)
    return None
