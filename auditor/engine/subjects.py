"""What rules look at: a workspace bundle, one attached resource, or one compute.

The engine builds subjects from the inventory; a rule names the subject type it judges.
"""

from collections.abc import Iterator
from dataclasses import dataclass

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
    """Subject of attached-resource rules: one resource, and every workspace that uses it."""

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


Subject = Bundle | AttachedSubject | ComputeSubject


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
