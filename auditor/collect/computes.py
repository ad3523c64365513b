"""ML computes: one ARM list per workspace, run concurrently.

Resource Graph does not index ``workspaces/computes``, so ARM is the source, and zero rows from
anywhere else would not mean "no computes". A list that answers with a resource that is not a
compute of that workspace is malformed: its computes are unknown, never another's.
"""

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from azure.mgmt.resource.resources import ResourceManagementClient

from auditor.collect import arm
from auditor.collect.context import CollectContext
from auditor.collect.documents import resource_from_document
from auditor.collect.errors import (
    COLLECTOR_ERRORS,
    DEADLINE,
    MalformedPayloadError,
    deadline_error,
    describe,
    record_failure,
    to_collection_error,
)
from auditor.ids import parse_arm_id
from auditor.inventory.model import CollectionSource, Resource

SOURCE = CollectionSource.COMPUTES
COMPUTE_TYPE = "microsoft.machinelearningservices/workspaces/computes"


def _compute(workspace: Resource, doc: Mapping[str, Any]) -> Resource:
    compute = resource_from_document(doc)
    parsed = parse_arm_id(compute.id)
    if parsed.parent is None or parsed.parent.key != workspace.key or len(parsed.types) != 2:
        raise MalformedPayloadError(
            f"GET {workspace.id}/computes: listed {compute.id[:200]}, not a compute of it"
        )
    return compute


def list_computes(
    client: ResourceManagementClient, workspace: Resource, *, max_pages: int
) -> tuple[Resource, ...]:
    """The computes of one workspace.

    Raises:
        AzureError, MalformedPayloadError: the list could not be read completely and correctly.
    """
    docs = arm.list_documents(
        client, f"{workspace.id}/computes", arm.api_version_for(COMPUTE_TYPE), max_pages=max_pages
    )
    computes = [_compute(workspace, doc) for doc in docs]
    return tuple(sorted(computes, key=lambda r: r.key))


def collect_computes(
    ctx: CollectContext, workspaces: Sequence[Resource]
) -> dict[str, tuple[Resource, ...] | str]:
    """Computes by workspace key, or the reason they could not be listed (also recorded)."""
    # One client for all threads: it keeps its connections (and TLS sessions) alive between calls.
    client = ctx.clients.resource_manager()
    max_pages = ctx.clients.collection.max_pages

    late: list[str] = []

    def one(workspace: Resource) -> tuple[Resource, ...] | str:
        if ctx.clients.deadline.expired():
            # One error for all of them below, not one per workspace.
            late.append(workspace.id)
            return f"{DEADLINE}: not listed, the collection deadline had passed"
        try:
            return list_computes(client, workspace, max_pages=max_pages)
        except COLLECTOR_ERRORS as exc:
            ctx.log.add(to_collection_error(exc, scope=workspace.id, source=SOURCE))
            code, message, _ = describe(exc)
            return f"{code}: {message}"
        except Exception as exc:  # a bug on one odd list must cost that workspace only
            record_failure(ctx.log, exc, scope=workspace.id, source=SOURCE)
            return f"InternalError: {type(exc).__name__}"

    with ThreadPoolExecutor(max_workers=ctx.max_workers) as pool:
        results = list(pool.map(one, workspaces))
    if late:
        ctx.log.add(deadline_error(SOURCE, len(late), "workspaces' computes were listed"))
    return {ws.key: result for ws, result in zip(workspaces, results, strict=True)}
