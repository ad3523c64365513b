"""The frozen inventory: what collection found, and what it could not find.

Collectors build it once; rules, reports and alerts only read it. Raw ARM documents are kept
verbatim (deep-frozen) because the SDK models of several services are older than the properties
the rules read.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from auditor.ids import resource_key
from auditor.json_types import EMPTY_OBJECT, JsonObject, JsonValue, get_path, has_path

INVENTORY_SCHEMA_VERSION = "1"


class AttachedRole(StrEnum):
    """The four resources an ML workspace names in its properties."""

    STORAGE_ACCOUNT = "storage_account"
    KEY_VAULT = "key_vault"
    CONTAINER_REGISTRY = "container_registry"
    APPLICATION_INSIGHTS = "application_insights"

    @property
    def workspace_property(self) -> str:
        """The workspace property that holds the attached resource's id."""
        return _WORKSPACE_PROPERTY[self]


_WORKSPACE_PROPERTY = {
    AttachedRole.STORAGE_ACCOUNT: "storageAccount",
    AttachedRole.KEY_VAULT: "keyVault",
    AttachedRole.CONTAINER_REGISTRY: "containerRegistry",
    AttachedRole.APPLICATION_INSIGHTS: "applicationInsights",
}


class LookupState(StrEnum):
    """Whether an attached resource a workspace names could be read."""

    FOUND = "found"
    NOT_FOUND = "not_found"  # Azure answered that it does not exist (deleted)
    UNKNOWN = "unknown"  # it could not be read (denied, throttled, malformed): see the reason


class CollectionSource(StrEnum):
    """Where collected data comes from: the ``source`` of a :class:`CollectionError`, and what a
    rule ``needs`` (a closed set, so a misspelt need cannot silently disable the check that the
    data it reads was collected).

    Collectors write these members into ``CollectionError.source``; a test keeps every source they
    write inside this set.
    """

    RESOURCE_GRAPH = "resource_graph"
    ARM = "arm"  # ARM GETs of one resource, and ARM listings (the Resource Graph fallback)
    SUBSCRIPTIONS = "subscriptions"
    WORKSPACES = "workspaces"  # a workspace's own document (e.g. a malformed attached reference)
    COMPUTES = "computes"
    MANAGEMENT_GROUPS = "management_groups"
    # The sources of the coming rule areas (IAM, secrets, logging, cost).
    ROLE_ASSIGNMENTS = "role_assignments"
    PRINCIPALS = "principals"
    DIAGNOSTIC_SETTINGS = "diagnostic_settings"
    LOG_ANALYTICS = "log_analytics"
    KEY_VAULT_SECRETS = "key_vault_secrets"
    COST_MANAGEMENT = "cost_management"


@dataclass(frozen=True, slots=True, kw_only=True)
class CollectionError:
    """A call that failed; rules that needed its data give ``unknown``."""

    scope: str  # the subscription, resource or workspace id the call was about
    source: str  # a CollectionSource value, or "auditor" for a crash of the collection itself
    code: str  # Azure's error code, or "Throttled", "MalformedResponse", "NetworkError"
    message: str
    status_code: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    """One ARM resource document, read-only, with the fields every rule needs lifted out."""

    id: str
    name: str
    type: str
    subscription_id: str
    resource_group_name: str
    location: str | None = None
    kind: str | None = None
    tags: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    sku: JsonObject | None = None
    identity: JsonObject | None = None
    properties: JsonObject = field(default_factory=lambda: EMPTY_OBJECT)
    has_properties: bool = True  # False when Azure sent no ``properties`` object at all

    @property
    def key(self) -> str:
        """Lowercased id for joins."""
        return resource_key(self.id)

    def prop(self, *path: str) -> JsonValue:
        """The value at ``properties.<path>``; ``None`` when absent."""
        return get_path(self.properties, *path)

    def has_prop(self, *path: str) -> bool:
        """True when ``properties.<path>`` is present (even if JSON null)."""
        return has_path(self.properties, *path)


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachedRef:
    """An attached resource as a workspace names it, and whether it could be read."""

    role: AttachedRole
    id: str  # as the workspace wrote it (casing included)
    state: LookupState
    reason: str | None = None  # why the state is UNKNOWN or NOT_FOUND

    @property
    def key(self) -> str:
        """Lowercased id for joins."""
        return resource_key(self.id)


@dataclass(frozen=True, slots=True, kw_only=True)
class Workspace:
    """An ML workspace, its attached-resource references and its computes."""

    resource: Resource
    attached: Mapping[AttachedRole, AttachedRef | None]  # None: the workspace names none
    computes: tuple[Resource, ...] | None  # None: the computes could not be listed
    computes_error: str | None = None

    @property
    def id(self) -> str:
        """The workspace id as Azure returned it."""
        return self.resource.id

    @property
    def key(self) -> str:
        """Lowercased id for joins."""
        return self.resource.key

    @property
    def name(self) -> str:
        """The workspace name."""
        return self.resource.name


@dataclass(frozen=True, slots=True, kw_only=True)
class Subscription:
    """A subscription in the audit's scope."""

    subscription_id: str
    display_name: str
    state: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Scope:
    """What the audit covered."""

    subscriptions: tuple[str, ...] = ()
    management_groups: tuple[str, ...] = ()
    all_visible: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Inventory:
    """Everything one collection found, frozen."""

    collected_at: datetime
    cloud: str
    scope: Scope
    subscriptions: tuple[Subscription, ...]
    workspaces: tuple[Workspace, ...]
    resources: tuple[Resource, ...]  # the attached resources that were read
    errors: tuple[CollectionError, ...] = ()
    # Failures a fallback made good (e.g. Resource Graph denied, ARM listing used): nothing missing.
    notices: tuple[CollectionError, ...] = ()
    # What area collectors gathered beyond the bundles (role assignments, diagnostic settings,
    # costs, ...): frozen, redacted JSON by dataset name, owned by the collector of that name and
    # read by its subject provider. Saved and replayed with the rest of the inventory.
    datasets: Mapping[str, JsonValue] = field(default_factory=lambda: MappingProxyType({}))
    schema_version: str = INVENTORY_SCHEMA_VERSION
    _by_key: Mapping[str, Resource] = field(init=False, repr=False, compare=False)
    _users: Mapping[str, tuple[Workspace, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Index resources, and the workspaces naming each attached id, by lowercased id."""
        object.__setattr__(self, "_by_key", MappingProxyType({r.key: r for r in self.resources}))
        users: dict[str, list[Workspace]] = {}
        for ws in self.workspaces:
            # A workspace naming the same id twice (two roles) still counts once.
            for key in dict.fromkeys(ref.key for ref in ws.attached.values() if ref is not None):
                users.setdefault(key, []).append(ws)
        frozen = MappingProxyType({key: tuple(found) for key, found in users.items()})
        object.__setattr__(self, "_users", frozen)

    def get_resource(self, resource_id: str) -> Resource | None:
        """The attached resource with this id (any casing), if it was read."""
        return self._by_key.get(resource_key(resource_id))

    def workspaces_using(self, resource_id: str) -> tuple[Workspace, ...]:
        """Every workspace that names this resource as one of its attached resources."""
        return self._users.get(resource_key(resource_id), ())

    @property
    def is_partial(self) -> bool:
        """True when some data could not be collected."""
        return bool(self.errors)
