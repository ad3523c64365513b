"""Subject kinds defined outside the engine, as a new rule area would define its own.

``PrivateEndpointConnectionSubject``: one subject per private endpoint connection a workspace
lists (data the inventory already holds, so no collector is needed for the test). ``Exploding``: a
kind whose provider fails, to show a broken provider costs ``error`` findings, not the run.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from auditor.engine.api import Target, register_subject_kind, unknown
from auditor.engine.reading import read_list
from auditor.inventory.model import Inventory, Workspace
from auditor.json_types import JsonObject


@dataclass(frozen=True, slots=True, kw_only=True)
class PrivateEndpointConnectionSubject:
    """One private endpoint connection of a workspace."""

    workspace: Workspace
    connection: JsonObject
    index: int

    @property
    def subject_id(self) -> str:
        """The connection's own id when it has one, else its position under the workspace."""
        own = self.connection.get("id")
        return own if isinstance(own, str) else f"{self.workspace.id}/pe/{self.index}"

    def workspace_ids(self) -> tuple[str, ...]:
        """The workspace listing the connection."""
        return (self.workspace.id,)


def connection_targets(
    kind: type[PrivateEndpointConnectionSubject], inventory: Inventory
) -> Iterator[Target[PrivateEndpointConnectionSubject]]:
    """Each connection; ``unknown`` for a workspace whose list cannot be read."""
    for ws in inventory.workspaces:
        listed = read_list(ws.resource, "privateEndpointConnections")
        if not listed.present or listed.value is None:
            outcome = unknown(f"{ws.name}: privateEndpointConnections is {listed.describe()}")
            yield Target.decided(f"{ws.id}/pe", (ws.id,), outcome)
            continue
        for index, item in enumerate(listed.value):
            if isinstance(item, Mapping):
                yield Target.of(kind(workspace=ws, connection=item, index=index))


register_subject_kind(
    "private_endpoint_connection", PrivateEndpointConnectionSubject, connection_targets
)


@dataclass(frozen=True, slots=True)
class Exploding:
    """A subject whose provider always fails."""

    subject_id: str

    def workspace_ids(self) -> tuple[str, ...]:
        """None."""
        return ()


def exploding_targets(kind: type[Exploding], inventory: Inventory) -> Iterator[Target[Exploding]]:
    """Fails after yielding one target, as a provider with a bug would."""
    yield Target.of(Exploding("/first"))
    raise LookupError("provider bug")


register_subject_kind("exploding", Exploding, exploding_targets)
