"""Typed builders of inventory objects and rule subjects for tests: real frozen data, no mocks.

Every ``make_*`` returns a valid, compliant, realistic ARM shape. ``properties=`` is deep-merged
over those defaults; a value of :data:`ABSENT` removes a key, so "field missing" cases read as
``make_storage_account(properties={"networkAcls": {"defaultAction": ABSENT}})``. Other keyword
arguments set other :class:`Resource` fields (``id``, ``sku``, ``tags``...: the keys of
:class:`ResourceFields`, checked by mypy). Use :func:`make_resource` for an exact document
without defaults.
"""

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Final, TypedDict, TypeVar, Unpack

from auditor.engine.api import Rule, RuleContext
from auditor.engine.subjects import (
    ApplicationInsightsSubject,
    AttachedSubject,
    Bundle,
    ComputeSubject,
    ContainerRegistrySubject,
    KeyVaultSubject,
    StorageAccountSubject,
    bundle_of,
)
from auditor.inventory.model import (
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
from auditor.json_types import JsonObject, freeze_object

SUBSCRIPTION_ID: Final = "6f1c3a52-8d0e-4b7a-9c21-3e5f7a9b1d04"
TENANT_ID: Final = "0e9a4c77-2b15-4f3d-8a6e-d1c2b3a4f5e6"
RESOURCE_GROUP: Final = "rg-ml"
LOCATION: Final = "westeurope"
NOW: Final = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)

STORAGE_TYPE: Final = "Microsoft.Storage/storageAccounts"
KEY_VAULT_TYPE: Final = "Microsoft.KeyVault/vaults"
REGISTRY_TYPE: Final = "Microsoft.ContainerRegistry/registries"
APP_INSIGHTS_TYPE: Final = "Microsoft.Insights/components"
WORKSPACE_TYPE: Final = "Microsoft.MachineLearningServices/workspaces"
COMPUTE_TYPE: Final = "Microsoft.MachineLearningServices/workspaces/computes"


class _Absent:
    """Marker type of :data:`ABSENT`."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()
"""In ``properties=`` overrides: remove this key from the defaults."""

Overrides = Mapping[str, object]
S = TypeVar("S", bound=AttachedSubject)


class ResourceFields(TypedDict, total=False):
    """:class:`Resource` fields a test may set; ``sku`` and ``identity`` are plain JSON, frozen
    when built, and ``has_properties=False`` builds a document without a ``properties`` object."""

    id: str
    location: str | None
    kind: str | None
    tags: Mapping[str, str]
    sku: Mapping[str, object] | None
    identity: Mapping[str, object] | None
    has_properties: bool


class AttachedFields(ResourceFields, total=False):
    """What the ``make_<attached resource>`` builders take: fields and ``properties`` overrides."""

    properties: Overrides | None


def merge(base: Mapping[str, object], overrides: Overrides | None) -> dict[str, object]:
    """Deep-merge ``overrides`` into a copy of ``base``; :data:`ABSENT` deletes a key."""
    result = dict(base)
    for key, value in (overrides or {}).items():
        if value is ABSENT:
            result.pop(key, None)
        elif isinstance(value, Mapping):
            current = result.get(key)
            result[key] = merge(current if isinstance(current, Mapping) else {}, value)
        else:
            result[key] = value
    return result


def arm_id(resource_type: str, name: str, *, resource_group: str = RESOURCE_GROUP) -> str:
    """``/subscriptions/<s>/resourceGroups/<rg>/providers/<type>/<name>``."""
    return (
        f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{resource_group}"
        f"/providers/{resource_type}/{name}"
    )


def _frozen(value: Mapping[str, object] | None) -> JsonObject | None:
    return None if value is None else freeze_object(value)


def make_resource(
    *,
    type: str,
    name: str,
    properties: Overrides | None = None,
    **fields: Unpack[ResourceFields],
) -> Resource:
    """A resource with exactly these properties; ``fields`` set other Resource fields.

    ``has_properties=False`` builds a document Azure sent without a ``properties`` object (as
    collection freezes it: no properties at all, whatever ``properties=`` says).
    """
    has_properties = fields.get("has_properties", True)
    return Resource(
        id=fields.get("id", arm_id(type, name)),
        name=name,
        type=type,
        subscription_id=SUBSCRIPTION_ID,
        resource_group_name=RESOURCE_GROUP,
        location=fields.get("location", LOCATION),
        kind=fields.get("kind"),
        tags=fields.get("tags", MappingProxyType({})),
        sku=_frozen(fields.get("sku")),
        identity=_frozen(fields.get("identity")),
        properties=freeze_object((properties if has_properties else None) or {}),
        has_properties=has_properties,
    )


WORKSPACE_ID: Final = arm_id(WORKSPACE_TYPE, "mlw-prod")
_SUBNET_ID: Final = arm_id("Microsoft.Network/virtualNetworks", "vnet-ml") + "/subnets/snet-ml"
_PRINCIPAL_ID: Final = "3d9b0f5c-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
_PE_ID: Final = arm_id("Microsoft.Network/privateEndpoints", "pe-mlw-prod")
_ACLS: Final = {"bypass": "AzureServices", "defaultAction": "Deny", "ipRules": []}
_ATTACHED: Final = {
    AttachedRole.STORAGE_ACCOUNT: (STORAGE_TYPE, "stml01"),
    AttachedRole.KEY_VAULT: (KEY_VAULT_TYPE, "kv-ml-01"),
    AttachedRole.CONTAINER_REGISTRY: (REGISTRY_TYPE, "crml01"),
    AttachedRole.APPLICATION_INSIGHTS: (APP_INSIGHTS_TYPE, "appi-ml-01"),
}

# Compliant defaults, as a GET returns them (trimmed to what audits read plus a few realistic
# read-only fields). Kept as a table: one line per property reads better than one per brace.
# fmt: off
DEFAULTS: Final[Mapping[str, Mapping[str, object]]] = {
    STORAGE_TYPE: {
        "provisioningState": "Succeeded", "publicNetworkAccess": "Disabled", "networkAcls": _ACLS,
        "allowBlobPublicAccess": False, "allowSharedKeyAccess": False,
        "allowCrossTenantReplication": False, "minimumTlsVersion": "TLS1_2",
        "supportsHttpsTrafficOnly": True, "encryption": {"keySource": "Microsoft.Storage"},
    },
    KEY_VAULT_TYPE: {
        "tenantId": TENANT_ID, "sku": {"family": "A", "name": "standard"}, "accessPolicies": [],
        "enableRbacAuthorization": True, "enableSoftDelete": True, "enablePurgeProtection": True,
        "softDeleteRetentionInDays": 90, "publicNetworkAccess": "Disabled", "networkAcls": _ACLS,
        "provisioningState": "Succeeded",
    },
    REGISTRY_TYPE: {
        "provisioningState": "Succeeded", "adminUserEnabled": False, "anonymousPullEnabled": False,
        "publicNetworkAccess": "Disabled", "networkRuleSet": {"defaultAction": "Deny"},
        "networkRuleBypassOptions": "AzureServices", "privateEndpointConnections": [],
    },
    APP_INSIGHTS_TYPE: {
        "Application_Type": "web", "Flow_Type": "Bluefield", "IngestionMode": "LogAnalytics",
        "WorkspaceResourceId": arm_id("Microsoft.OperationalInsights/workspaces", "log-ml"),
        "DisableLocalAuth": True, "publicNetworkAccessForIngestion": "Disabled",
        "publicNetworkAccessForQuery": "Disabled", "provisioningState": "Succeeded",
    },
    WORKSPACE_TYPE: {
        **{role.workspace_property: arm_id(*spec) for role, spec in _ATTACHED.items()},
        "friendlyName": "Production ML", "provisioningState": "Succeeded",
        "publicNetworkAccess": "Disabled", "allowPublicAccessWhenBehindVnet": False,
        "privateEndpointConnections": [{
            "id": f"{WORKSPACE_ID}/privateEndpointConnections/pe-mlw-prod", "name": "pe-mlw-prod",
            "properties": {
                "privateEndpoint": {"id": _PE_ID}, "provisioningState": "Succeeded",
                "privateLinkServiceConnectionState": {"status": "Approved", "description": ""},
            },
        }],
        "managedNetwork": {"isolationMode": "AllowOnlyApprovedOutbound", "status": {}},
        "systemDatastoresAuthMode": "identity", "hbiWorkspace": False, "v1LegacyMode": False,
    },
    "ComputeInstance": {
        "vmSize": "Standard_DS3_v2", "subnet": {"id": _SUBNET_ID}, "state": "Running",
        "sshSettings": {"sshPublicAccess": "Disabled", "adminUserName": "azureuser"},
        "idleTimeBeforeShutdown": "PT60M", "enableNodePublicIp": False,
    },
    "AmlCompute": {
        "vmSize": "Standard_DS3_v2", "vmPriority": "Dedicated", "subnet": {"id": _SUBNET_ID},
        "remoteLoginPortPublicAccess": "Disabled", "enableNodePublicIp": False,
        "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 4},
    },
    "Kubernetes": {"namespace": "azureml", "defaultInstanceType": "defaultinstancetype"},
    COMPUTE_TYPE: {
        "computeLocation": LOCATION, "provisioningState": "Succeeded", "disableLocalAuth": True,
    },
}
# fmt: on


_ENVELOPE: Final[Mapping[str, ResourceFields]] = {
    STORAGE_TYPE: {"kind": "StorageV2", "sku": {"name": "Standard_LRS", "tier": "Standard"}},
    REGISTRY_TYPE: {"sku": {"name": "Premium", "tier": "Premium"}},
    APP_INSIGHTS_TYPE: {"kind": "web"},
}


def make_attached(
    resource_type: str,
    name: str,
    *,
    properties: Overrides | None = None,
    **overrides: Unpack[ResourceFields],
) -> Resource:
    """A compliant attached resource of this type: defaults merged with ``properties``."""
    props = merge(DEFAULTS[resource_type], properties)
    fields: ResourceFields = {**_ENVELOPE.get(resource_type, {}), **overrides}
    return make_resource(type=resource_type, name=name, properties=props, **fields)


def make_storage_account(name: str = "stml01", **kwargs: Unpack[AttachedFields]) -> Resource:
    """A compliant StorageV2 account (private, keys off, TLS 1.2, HTTPS only)."""
    return make_attached(STORAGE_TYPE, name, **kwargs)


def make_key_vault(name: str = "kv-ml-01", **kwargs: Unpack[AttachedFields]) -> Resource:
    """A compliant key vault (RBAC, purge protection, no public access)."""
    return make_attached(KEY_VAULT_TYPE, name, **kwargs)


def make_container_registry(name: str = "crml01", **kwargs: Unpack[AttachedFields]) -> Resource:
    """A compliant Premium registry (no admin user, no public access, firewall deny)."""
    return make_attached(REGISTRY_TYPE, name, **kwargs)


def make_app_insights(name: str = "appi-ml-01", **kwargs: Unpack[AttachedFields]) -> Resource:
    """A compliant workspace-based Application Insights component (Entra-only, private)."""
    return make_attached(APP_INSIGHTS_TYPE, name, **kwargs)


def make_compute(
    name: str = "ci-dev",
    *,
    compute_type: str = "ComputeInstance",
    properties: Overrides | None = None,
    workspace_id: str = WORKSPACE_ID,
    **overrides: Unpack[ResourceFields],
) -> Resource:
    """A compliant compute of ``compute_type`` under ``workspace_id``.

    Type-specific settings are nested in ``properties.properties`` as ARM returns them; override
    them with ``properties={"properties": {...}}``.
    """
    own = {"computeType": compute_type, "properties": DEFAULTS.get(compute_type, {})}
    defaults = merge(DEFAULTS[COMPUTE_TYPE], own)
    overrides.setdefault("id", f"{workspace_id}/computes/{name}")
    props = merge(defaults, properties)
    return make_resource(type=COMPUTE_TYPE, name=name, properties=props, **overrides)


_DEFAULT_REASONS: Final = {
    LookupState.UNKNOWN: "AuthorizationFailed: the client does not have read access",
    LookupState.NOT_FOUND: "ResourceNotFound",
}


def make_workspace(
    name: str = "mlw-prod",
    *,
    properties: Overrides | None = None,
    states: Mapping[AttachedRole, LookupState] | None = None,
    reasons: Mapping[AttachedRole, str] | None = None,
    computes: Sequence[Resource] | None = (),
    computes_error: str | None = None,
    **overrides: Unpack[ResourceFields],
) -> Workspace:
    """A compliant private workspace and its attached references.

    References are read from the properties (``storageAccount``...), so an id written in another
    casing, or removed with :data:`ABSENT`, flows through. Each is FOUND unless ``states`` says
    otherwise; ``computes=None`` means the computes could not be listed.
    """
    overrides.setdefault("kind", "Default")
    overrides.setdefault("tags", {"project": "churn", "cost-center": "cc-1234"})
    overrides.setdefault("identity", {"type": "SystemAssigned", "principalId": _PRINCIPAL_ID})
    props = merge(DEFAULTS[WORKSPACE_TYPE], properties)
    ws = make_resource(type=WORKSPACE_TYPE, name=name, properties=props, **overrides)
    refs: dict[AttachedRole, AttachedRef | None] = {}
    for role in AttachedRole:
        target = ws.prop(role.workspace_property)
        state = (states or {}).get(role, LookupState.FOUND)
        reason = (reasons or {}).get(role) or _DEFAULT_REASONS.get(state)
        named = isinstance(target, str) and bool(target)
        refs[role] = (
            AttachedRef(role=role, id=str(target), state=state, reason=reason) if named else None
        )
    return Workspace(
        resource=ws,
        attached=refs,
        computes=tuple(computes) if computes is not None else None,
        computes_error=computes_error,
    )


def default_resources() -> tuple[Resource, ...]:
    """The four compliant resources the default workspace names."""
    return tuple(make_attached(t, name) for t, name in _ATTACHED.values())


def make_inventory(
    *,
    workspaces: Sequence[Workspace] | None = None,
    resources: Sequence[Resource] | None = None,
    errors: Sequence[CollectionError] = (),
    collected_at: datetime = NOW,
) -> Inventory:
    """An inventory of one subscription; defaults to the default workspace and its resources."""
    subscription = Subscription(subscription_id=SUBSCRIPTION_ID, display_name="ml", state="Enabled")
    return Inventory(
        collected_at=collected_at,
        cloud="AzureCloud",
        scope=Scope(subscriptions=(SUBSCRIPTION_ID,)),
        subscriptions=(subscription,),
        workspaces=tuple(workspaces) if workspaces is not None else (make_workspace(),),
        resources=tuple(resources) if resources is not None else default_resources(),
        errors=tuple(errors),
    )


def bundle(inventory: Inventory, workspace: Workspace | None = None) -> Bundle:
    """The bundle of ``workspace`` (default: the inventory's first workspace)."""
    return bundle_of(inventory, workspace or inventory.workspaces[0])


_MAKERS: Final = {
    StorageAccountSubject: make_storage_account,
    KeyVaultSubject: make_key_vault,
    ContainerRegistrySubject: make_container_registry,
    ApplicationInsightsSubject: make_app_insights,
}


def attached_subject(
    subject_type: type[S],
    resource: Resource | None = None,
    workspaces: Sequence[Workspace] | None = None,
) -> S:
    """An attached-resource subject: default compliant resource used by the default workspace."""
    resource = resource or _MAKERS[subject_type]()
    users = tuple(workspaces) if workspaces is not None else (make_workspace(),)
    return subject_type(resource=resource, workspaces=users)


def storage_subject(
    resource: Resource | None = None, workspaces: Sequence[Workspace] | None = None
) -> StorageAccountSubject:
    """A storage account subject (the most used one, hence its own helper)."""
    return attached_subject(StorageAccountSubject, resource, workspaces)


def compute_subject(
    resource: Resource | None = None, workspace: Workspace | None = None
) -> ComputeSubject:
    """A compute subject (default: a compliant compute instance of the default workspace)."""
    return ComputeSubject(
        resource=resource or make_compute(), workspace=workspace or make_workspace()
    )


def context_for(
    rule: Rule[Any, Any], inventory: Inventory | None = None, *, now: datetime = NOW
) -> RuleContext[Any]:
    """The context the engine would pass: the rule's default parameters, an inventory, a time."""
    return RuleContext(params=rule.params(), inventory=inventory or make_inventory(), now=now)
