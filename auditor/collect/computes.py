"""ML computes: one ARM list per workspace, run concurrently.

Resource Graph does not index ``workspaces/computes``, so ARM is the source, and zero rows from
anywhere else would not mean "no computes".
"""

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from azure.mgmt.resource.resources import ResourceManagementClient

from auditor.collect import arm
from auditor.collect.context import CollectContext
from auditor.collect.documents import resource_from_document
from auditor.collect.errors import describe, to_collection_error
from auditor.collect.workspaces import ARM_ERRORS
from auditor.inventory.model import Resource

SOURCE = "computes"
COMPUTE_TYPE = "microsoft.machinelearningservices/workspaces/computes"


def list_computes(client: ResourceManagementClient, workspace: Resource) -> tuple[Resource, ...]:
    """The computes of one workspace.

    Raises:
        AzureError, MalformedPayloadError: the list could not be read completely.
    """
    docs = arm.list_documents(client, f"{workspace.id}/computes", arm.api_version_for(COMPUTE_TYPE))
    computes = [resource_from_document(doc) for doc in docs]
    return tuple(sorted(computes, key=lambda r: r.key))


def collect_computes(
    ctx: CollectContext, workspaces: Sequence[Resource]
) -> dict[str, tuple[Resource, ...] | str]:
    """Computes by workspace key, or the reason they could not be listed (also recorded)."""
    # One client for all threads: it keeps its connections (and TLS sessions) alive between calls.
    client = ctx.clients.resource_manager()

    def one(workspace: Resource) -> tuple[Resource, ...] | str:
        try:
            return list_computes(client, workspace)
        except ARM_ERRORS as exc:
            ctx.log.add(to_collection_error(exc, scope=workspace.id, source=SOURCE))
            code, message, _ = describe(exc)
            return f"{code}: {message}"

    with ThreadPoolExecutor(max_workers=ctx.max_workers) as pool:
        results = list(pool.map(one, workspaces))
    return {ws.key: result for ws, result in zip(workspaces, results, strict=True)}
