"""The four resources each workspace names, read once however many workspaces share them.

A workspace's ``properties.storageAccount`` (and the other three) is text anyone who can write the
workspace chooses. Only a string that parses as an ARM id of the role's resource type is looked up;
anything else (an absolute URL, another type, an object) is recorded as malformed and never
requested, so a planted reference cannot send the token elsewhere or make one resource judged as
another.

Every workspace has a storage account, a key vault and Application Insights; only the container
registry is optional. A document that leaves one of the three out is not a workspace that "names
none": the reference is unknown, with that reason, and nothing is requested. That is an absent
field, not a failed call, so it is no collection error either.
"""

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from azure.mgmt.resource.resources import ResourceManagementClient

from auditor.collect import arm
from auditor.collect.context import CollectContext
from auditor.collect.documents import resource_from_document
from auditor.collect.errors import (
    COLLECTOR_ERRORS,
    DEADLINE,
    MALFORMED,
    MalformedPayloadError,
    deadline_error,
    describe,
    is_not_found,
    record_failure,
    to_collection_error,
)
from auditor.ids import InvalidResourceIdError, parse_resource_id, resource_key
from auditor.inventory.model import (
    AttachedRole,
    CollectionError,
    CollectionSource,
    LookupState,
    Resource,
)
from auditor.json_types import JsonValue, thaw

logger = logging.getLogger(__name__)

SOURCE = CollectionSource.ARM
WORKSPACES_SOURCE = CollectionSource.WORKSPACES
ROLE_TYPES = {
    AttachedRole.STORAGE_ACCOUNT: "microsoft.storage/storageaccounts",
    AttachedRole.KEY_VAULT: "microsoft.keyvault/vaults",
    AttachedRole.CONTAINER_REGISTRY: "microsoft.containerregistry/registries",
    AttachedRole.APPLICATION_INSIGHTS: "microsoft.insights/components",
}
_SHOWN = 300  # characters of a rejected reference kept for the report
# Created with every workspace; the registry is optional (made at the first image build).
REQUIRED_ROLES = frozenset(
    {AttachedRole.STORAGE_ACCOUNT, AttachedRole.KEY_VAULT, AttachedRole.APPLICATION_INSIGHTS}
)
_ROLE_NAMES = {
    AttachedRole.STORAGE_ACCOUNT: "storage account",
    AttachedRole.KEY_VAULT: "key vault",
    AttachedRole.CONTAINER_REGISTRY: "container registry",
    AttachedRole.APPLICATION_INSIGHTS: "Application Insights component",
}


@dataclass(frozen=True, slots=True)
class NamedRef:
    """What a workspace names for one role: an id to look up, or why it cannot be one.

    ``omitted`` marks a required reference the document leaves out: ``id`` is then a placeholder
    under the workspace (``<workspace id>/properties/keyVault``) that no resource has, and
    ``problem`` says why it is unknown.
    """

    id: str  # the id as written, or a short rendering of what was there instead
    problem: str | None = None
    omitted: bool = False


@dataclass(frozen=True, slots=True)
class Lookup:
    """Whether a named attached resource could be read, and why not."""

    state: LookupState
    reason: str | None = None


FOUND = Lookup(LookupState.FOUND)


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def named_ref(role: AttachedRole, value: JsonValue) -> NamedRef | None:
    """The reference a workspace property holds; None when it names none (absent, null, empty)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    prop = f"properties.{role.workspace_property}"
    if not isinstance(value, str):
        rendering = _shown(json.dumps(thaw(value), sort_keys=True))
        return NamedRef(rendering, f"{prop} is not a string")
    text = value.strip()
    try:
        parsed = parse_resource_id(text)
    except InvalidResourceIdError:
        return NamedRef(_shown(text), f"{prop} is not an ARM resource id; it was not requested")
    if len(parsed.types) != 1 or parsed.type.lower() != ROLE_TYPES[role]:
        return NamedRef(
            _shown(text), f"{prop} names a {parsed.type}, not a {ROLE_TYPES[role]}; not requested"
        )
    return NamedRef(text)


def _omitted(workspace: Resource, role: AttachedRole) -> NamedRef:
    """The unknown reference of a required role the workspace document leaves out."""
    prop = role.workspace_property
    what = _ROLE_NAMES[role]
    hub = workspace.prop("hubResourceId")
    if (workspace.kind or "").lower() == "project" and isinstance(hub, str) and hub.strip():
        # A hub's project uses the hub's resources; this document does not say which they are.
        reason = (
            f"the project names no {what} (properties.{prop}); a project uses its hub's"
            f" ({_shown(hub.strip())}), which its document does not name"
        )
    else:
        reason = f"the workspace names no {what} (properties.{prop}), which every workspace has"
    return NamedRef(f"{workspace.id}/properties/{prop}", reason, omitted=True)


def attached_refs_named(workspace: Resource) -> dict[AttachedRole, NamedRef | None]:
    """Every role's reference in a workspace document.

    ``None`` only for a container registry the workspace does not name; an omitted storage
    account, key vault or Application Insights is an :attr:`NamedRef.omitted` reference. A
    document without a ``properties`` object omits nothing: it names none, and the engine reads
    the whole workspace as unknown.
    """
    refs: dict[AttachedRole, NamedRef | None] = {}
    for role in AttachedRole:
        ref = named_ref(role, workspace.prop(role.workspace_property))
        if ref is None and role in REQUIRED_ROLES and workspace.has_properties:
            ref = _omitted(workspace, role)
        refs[role] = ref
    return refs


def _get_attached(
    ctx: CollectContext, client: ResourceManagementClient, resource_id: str
) -> tuple[Resource | None, Lookup]:
    """ARM GET of one attached resource that Resource Graph did not return."""
    version = arm.api_version_for(parse_resource_id(resource_id).type)
    try:
        doc = arm.get_document(client, resource_id, version)
        resource = resource_from_document(doc)
        if not resource.has_properties:
            raise MalformedPayloadError(f"GET {resource_id}: the document has no properties object")
        return resource, FOUND
    except COLLECTOR_ERRORS as exc:
        code, message, _ = describe(exc)
        if is_not_found(exc):
            return None, Lookup(LookupState.NOT_FOUND, f"{code}: {message}")
        ctx.log.add(to_collection_error(exc, scope=resource_id, source=SOURCE))
        return None, Lookup(LookupState.UNKNOWN, f"{code}: {message}")
    except Exception as exc:  # a bug on one odd document must cost that resource only
        record_failure(ctx.log, exc, scope=resource_id, source=SOURCE)
        return None, Lookup(LookupState.UNKNOWN, f"{type(exc).__name__}: internal error")


RefsByWorkspace = Sequence[tuple[Resource, Mapping[AttachedRole, NamedRef | None]]]


def _record_rejected(ctx: CollectContext, refs: RefsByWorkspace) -> None:
    for ws, named in refs:
        for ref in named.values():
            # An omitted reference is an absent field, not a failed call.
            if ref is not None and ref.problem is not None and not ref.omitted:
                ctx.log.add(
                    CollectionError(
                        scope=ws.id, source=WORKSPACES_SOURCE, code=MALFORMED, message=ref.problem
                    )
                )


def collect_attached(
    ctx: CollectContext,
    refs: RefsByWorkspace,
    query: Callable[[], tuple[list[Resource] | None, CollectionError | None]],
) -> tuple[list[Resource], dict[str, Lookup]]:
    """Read every attached resource the workspaces name.

    Args:
        refs: Each workspace with its :func:`attached_refs_named`, parsed once by the caller.

    Returns:
        The resources read, and the lookup state of every valid named id by lowercased id.
    """
    _record_rejected(ctx, refs)
    named = {
        resource_key(ref.id): ref.id
        for _, by_role in refs
        for ref in by_role.values()
        if ref is not None and ref.problem is None
    }
    if not named:
        return [], {}
    # Reading each missing id through ARM is the authoritative path anyway, so a failed query is
    # always covered: each resource ARM cannot read records its own error.
    from_graph, _ = query()
    # A row without properties is not the resource's state: read it again through ARM.
    by_key = {r.key: r for r in from_graph or [] if r.key in named and r.has_properties}
    states = dict.fromkeys(by_key, FOUND)
    missing = [rid for key, rid in sorted(named.items()) if key not in by_key]
    client = ctx.clients.resource_manager()
    late = Lookup(LookupState.UNKNOWN, f"{DEADLINE}: not read, the collection deadline had passed")

    def one(rid: str) -> tuple[Resource | None, Lookup]:
        if ctx.clients.deadline.expired():
            return None, late
        return _get_attached(ctx, client, rid)

    with ThreadPoolExecutor(max_workers=ctx.max_workers) as pool:
        for rid, (resource, lookup) in zip(missing, pool.map(one, missing), strict=True):
            states[resource_key(rid)] = lookup
            if resource is not None:
                by_key[resource.key] = resource
    skipped = sum(1 for lookup in states.values() if lookup is late)
    if skipped:
        ctx.log.add(deadline_error(SOURCE, skipped, "attached resource(s) were read"))
    return sorted(by_key.values(), key=lambda r: r.key), states
