"""What rules look at: a workspace bundle, one attached resource, or one compute.

Each class is a registered subject kind (see :mod:`auditor.engine.kinds`) with the provider that
lists its subjects; a rule names the class it judges.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from auditor.engine.kinds import Target, register_subject_kind, target_of
from auditor.engine.outcomes import unknown
from auditor.inventory.model import (
    AttachedRef,
    AttachedRole,
    Inventory,
    LookupState,
    Resource,
    Workspace,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachedView:
    """An attached resource as seen from a bundle: the reference and, when read, the resource."""

    ref: AttachedRef
    resource: Resource | None  # set only when ref.state is FOUND


@dataclass(frozen=True, slots=True, kw_only=True)
class Bundle:
    """Subject of workspace rules: the workspace and its attached resources."""

    workspace: Workspace
    attached: dict[AttachedRole, AttachedView | None]

    @property
    def resource(self) -> Resource:
        """The workspace's own ARM document."""
        return self.workspace.resource

    @property
    def subject_id(self) -> str:
        """The id findings are reported on."""
        return self.workspace.id

    def workspace_ids(self) -> tuple[str, ...]:
        """The workspaces a finding on this subject concerns."""
        return (self.workspace.id,)


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachedSubject:
    """Subject of attached-resource rules: one resource, and every workspace that uses it.

    A base class: rules name one of its registered subclasses, each of which sets ``role``.
    """

    role: ClassVar[AttachedRole]
    resource: Resource
    workspaces: tuple[Workspace, ...]

    @property
    def subject_id(self) -> str:
        """The id findings are reported on."""
        return self.resource.id

    def workspace_ids(self) -> tuple[str, ...]:
        """The workspaces a finding on this subject concerns."""
        return tuple(ws.id for ws in self.workspaces)


class StorageAccountSubject(AttachedSubject):
    """An attached storage account."""

    role = AttachedRole.STORAGE_ACCOUNT


class KeyVaultSubject(AttachedSubject):
    """An attached key vault."""

    role = AttachedRole.KEY_VAULT


class ContainerRegistrySubject(AttachedSubject):
    """An attached container registry."""

    role = AttachedRole.CONTAINER_REGISTRY


class ApplicationInsightsSubject(AttachedSubject):
    """An attached Application Insights component."""

    role = AttachedRole.APPLICATION_INSIGHTS


ATTACHED_SUBJECT_TYPES: dict[AttachedRole, type[AttachedSubject]] = {
    AttachedRole.STORAGE_ACCOUNT: StorageAccountSubject,
    AttachedRole.KEY_VAULT: KeyVaultSubject,
    AttachedRole.CONTAINER_REGISTRY: ContainerRegistrySubject,
    AttachedRole.APPLICATION_INSIGHTS: ApplicationInsightsSubject,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ComputeSubject:
    """Subject of compute rules: one compute and the workspace it belongs to."""

    resource: Resource
    workspace: Workspace

    @property
    def compute_type(self) -> str | None:
        """``ComputeInstance``, ``AmlCompute``, ``Kubernetes``, ..."""
        value = self.resource.prop("computeType")
        return value if isinstance(value, str) else None

    @property
    def subject_id(self) -> str:
        """The id findings are reported on."""
        return self.resource.id

    def workspace_ids(self) -> tuple[str, ...]:
        """The workspaces a finding on this subject concerns."""
        return (self.workspace.id,)


def bundle_of(inventory: Inventory, workspace: Workspace) -> Bundle:
    """The bundle view of one workspace."""
    attached: dict[AttachedRole, AttachedView | None] = {}
    for role in AttachedRole:
        ref = workspace.attached.get(role)
        if ref is None:
            attached[role] = None
            continue
        resource = inventory.get_resource(ref.id) if ref.state is LookupState.FOUND else None
        attached[role] = AttachedView(ref=ref, resource=resource)
    return Bundle(workspace=workspace, attached=attached)


def list_bundles(inventory: Inventory) -> Iterator[Bundle]:
    """One bundle per workspace, in inventory order."""
    for workspace in inventory.workspaces:
        yield bundle_of(inventory, workspace)


def list_attached_refs(inventory: Inventory, role: AttachedRole) -> Iterator[AttachedRef]:
    """Every distinct attached reference of one role, first spelling wins, in inventory order."""
    seen: set[str] = set()
    for workspace in inventory.workspaces:
        ref = workspace.attached.get(role)
        if ref is not None and ref.key not in seen:
            seen.add(ref.key)
            yield ref


A = TypeVar("A", bound=AttachedSubject)


def bundle_targets(kind: type[Bundle], inventory: Inventory) -> Iterator[Target[Bundle]]:
    """One target per workspace."""
    for bundle in list_bundles(inventory):
        yield target_of(bundle, bundle.resource)


def attached_targets(kind: type[A], inventory: Inventory) -> Iterator[Target[A]]:
    """One target per distinct attached resource of the kind's role, with every workspace using it.

    A deleted resource gives none (the bundle records it as not found); one that could not be read
    is ``unknown`` with the reason.
    """
    for ref in list_attached_refs(inventory, kind.role):
        users = inventory.workspaces_using(ref.id)
        resource = inventory.get_resource(ref.id)
        if ref.state is LookupState.NOT_FOUND:
            continue
        if ref.state is LookupState.UNKNOWN or resource is None:
            reason = ref.reason or "it was not returned by Azure"
            outcome = unknown(f"{ref.id} could not be read: {reason}")
            yield Target.decided(ref.id, tuple(ws.id for ws in users), outcome)
            continue
        yield target_of(kind(resource=resource, workspaces=users), resource)


def compute_targets(
    kind: type[ComputeSubject], inventory: Inventory
) -> Iterator[Target[ComputeSubject]]:
    """One target per compute; ``unknown`` per workspace whose computes could not be listed."""
    for ws in inventory.workspaces:
        if ws.computes is None:
            reason = ws.computes_error or "the computes could not be listed"
            outcome = unknown(f"computes of {ws.name} could not be listed: {reason}")
            yield Target.decided(f"{ws.id}/computes", (ws.id,), outcome)
            continue
        for compute in ws.computes:
            yield target_of(kind(resource=compute, workspace=ws), compute)


register_subject_kind("bundle", Bundle, bundle_targets)
for _role, _subject in ATTACHED_SUBJECT_TYPES.items():
    register_subject_kind(_role.value, _subject, attached_targets)
register_subject_kind("compute", ComputeSubject, compute_targets)
