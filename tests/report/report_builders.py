"""Small builders for report tests: an inventory and findings shaped like a real partial run."""

import dataclasses
import functools
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from types import MappingProxyType
from typing import TypedDict, Unpack

from auditor.engine.registry import load_registry
from auditor.findings import Category, Exposure, Finding, Severity, Status, Waiver, fingerprint
from auditor.inventory.model import (
    AttachedRef,
    AttachedRole,
    CollectionError,
    Inventory,
    LookupState,
    Resource,
    Scope,
    Workspace,
)
from auditor.json_types import JsonObject, freeze_object
from auditor.report.model import (
    ApiStats,
    AuditResult,
    Changes,
    CostDelta,
    RunInfo,
    RunStatus,
)

SUB = "00000000-0000-0000-0000-000000000001"
RG = f"/subscriptions/{SUB}/resourceGroups/rg-ml"
ML = f"{RG}/providers/Microsoft.MachineLearningServices/workspaces"
WS_ALPHA = f"{ML}/ws-alpha"
WS_BETA = f"{ML}/ws-beta"
# The storage account both workspaces share; beta's properties spell it in lower case.
STORAGE = f"{RG}/providers/Microsoft.Storage/storageAccounts/stshared"
KV_ALPHA = f"{RG}/providers/Microsoft.KeyVault/vaults/kv-alpha"  # could not be read
KV_BETA = f"{RG}/providers/Microsoft.KeyVault/vaults/kv-beta"
ACR_ALPHA = f"{RG}/providers/Microsoft.ContainerRegistry/registries/acralpha"  # deleted
APPI_BETA = f"{RG}/providers/Microsoft.Insights/components/appi-beta"

# One bundle that every workspace of ``shared_bundle_result`` uses.
SHARED_BUNDLE = {
    AttachedRole.STORAGE_ACCOUNT: f"{RG}/providers/Microsoft.Storage/storageAccounts/stbundle",
    AttachedRole.KEY_VAULT: f"{RG}/providers/Microsoft.KeyVault/vaults/kv-bundle",
    AttachedRole.CONTAINER_REGISTRY: f"{RG}/providers/Microsoft.ContainerRegistry/registries/cr1",
    AttachedRole.APPLICATION_INSIGHTS: f"{RG}/providers/Microsoft.Insights/components/appi-bundle",
}

STARTED = datetime(2026, 11, 28, 2, 0, 0, tzinfo=UTC)


class ResourceFields(TypedDict, total=False):
    """Resource fields a report test may set; ``properties`` is plain JSON, frozen when built."""

    location: str | None
    properties: Mapping[str, object]
    tags: Mapping[str, str]


def make_resource(
    resource_id: str, *, kind: str | None = None, **fields: Unpack[ResourceFields]
) -> Resource:
    """A resource whose name, type and group come from its id."""
    parts = resource_id.strip("/").split("/")
    return Resource(
        id=resource_id,
        name=parts[-1],
        type=f"{parts[5]}/{parts[6]}",
        subscription_id=parts[1],
        resource_group_name=parts[3],
        location=fields.get("location", "westeurope"),
        kind=kind,
        properties=freeze_object(fields.get("properties", {})),
        tags=MappingProxyType(dict(fields.get("tags", {}))),
    )


def make_workspace(
    workspace_id: str,
    attached: Mapping[AttachedRole, AttachedRef | None],
    *,
    computes: tuple[Resource, ...] | None = (),
    computes_error: str | None = None,
    **resource_fields: Unpack[ResourceFields],
) -> Workspace:
    """A workspace with every role present in ``attached`` (missing roles name nothing)."""
    return Workspace(
        resource=make_resource(workspace_id, kind="Default", **resource_fields),
        attached={role: attached.get(role) for role in AttachedRole},
        computes=computes,
        computes_error=computes_error,
    )


@functools.cache
def _declared_exposure() -> dict[str, Exposure | None]:
    """What each built-in rule declares for exposure, so built findings carry it as real ones do."""
    return {r.id: r.meta.exposure for r in load_registry(include_entry_points=False)}


class FindingFields(TypedDict, total=False):
    """Finding fields a report test may set over :func:`make_finding`'s defaults."""

    title: str
    category: Category
    message: str
    remediation: str
    fingerprint: str
    evidence: JsonObject
    suppressed_status: Status | None
    waiver: Waiver | None
    exposure: Exposure | None


def make_finding(
    rule_id: str,
    resource_id: str,
    status: Status,
    *,
    severity: Severity = Severity.HIGH,
    workspace_ids: tuple[str, ...] = (),
    **overrides: Unpack[FindingFields],
) -> Finding:
    """A finding with a fingerprint derived from its rule and subject."""
    finding = Finding(
        rule_id=rule_id,
        title=f"title of {rule_id}",
        severity=severity,
        category=Category.NETWORK,
        status=status,
        resource_id=resource_id,
        workspace_ids=workspace_ids,
        message=f"{rule_id} is {status.value} on {resource_id.rsplit('/', 1)[-1]}",
        remediation="See https://learn.microsoft.com/azure/machine-learning/ for the steps.",
        fingerprint=fingerprint(rule_id, resource_id),
        exposure=_declared_exposure().get(rule_id),
    )
    return dataclasses.replace(finding, **overrides)


class ResultFields(TypedDict, total=False):
    """Audit result fields a report test may set (the defaults: none expired, no changes)."""

    expired_waivers: tuple[Waiver, ...]
    changes: Changes


def make_result(
    workspaces: tuple[Workspace, ...],
    findings: tuple[Finding, ...] = (),
    *,
    errors: tuple[CollectionError, ...] = (),
    resources: tuple[Resource, ...] = (),
    **result_fields: Unpack[ResultFields],
) -> AuditResult:
    """An audit result around an inventory of ``workspaces``."""
    scope = Scope(subscriptions=(SUB,))
    inventory = Inventory(
        collected_at=STARTED,
        cloud="AzureCloud",
        scope=scope,
        subscriptions=(),
        workspaces=workspaces,
        resources=resources,
        errors=errors,
    )
    run = RunInfo(
        id="run-20261128T020000Z",
        # Given in another zone on purpose: the report must convert it to UTC.
        started_at=STARTED.astimezone(timezone(timedelta(hours=1))),
        finished_at=STARTED + timedelta(minutes=3, seconds=7, microseconds=450),
        status=RunStatus.PARTIAL if errors else RunStatus.COMPLETE,
        tool_version="0.1.0",
        cloud="AzureCloud",
        scope=scope,
        stats=MappingProxyType(
            {
                "resource_graph": ApiStats(requests=3),
                "arm": ApiStats(requests=12, retries=2, throttled=1, errors=1),
            }
        ),
    )
    return AuditResult(run=run, inventory=inventory, findings=findings, **result_fields)


def _ref(
    role: AttachedRole, resource_id: str, state: LookupState, reason: str | None = None
) -> AttachedRef:
    return AttachedRef(role=role, id=resource_id, state=state, reason=reason)


WAIVER = Waiver(
    rule_id="AML-NET-014",
    resource="*/appi-beta",
    reason="ingestion from on-premises agents",
    owner="ml-platform@example.com",
    expires=date(2027, 3, 31),
)


def sample_result() -> AuditResult:
    """Two workspaces sharing a storage account; one vault unreadable, one registry deleted."""
    alpha = make_workspace(
        WS_ALPHA,
        {
            AttachedRole.STORAGE_ACCOUNT: _ref(
                AttachedRole.STORAGE_ACCOUNT, STORAGE, LookupState.FOUND
            ),
            AttachedRole.KEY_VAULT: _ref(
                AttachedRole.KEY_VAULT, KV_ALPHA, LookupState.UNKNOWN, "AuthorizationFailed"
            ),
            AttachedRole.CONTAINER_REGISTRY: _ref(
                AttachedRole.CONTAINER_REGISTRY, ACR_ALPHA, LookupState.NOT_FOUND
            ),
        },
        computes=(
            make_resource(
                f"{WS_ALPHA}/computes/zz-cluster", properties={"computeType": "AmlCompute"}
            ),
            make_resource(
                f"{WS_ALPHA}/computes/ci-alice", properties={"computeType": "ComputeInstance"}
            ),
        ),
        properties={"publicNetworkAccess": "disabled"},
        tags={"owner": "team-a", "cost-center": "42"},
    )
    beta = make_workspace(
        WS_BETA,
        {
            AttachedRole.STORAGE_ACCOUNT: _ref(
                AttachedRole.STORAGE_ACCOUNT, STORAGE.lower(), LookupState.FOUND
            ),
            AttachedRole.KEY_VAULT: _ref(AttachedRole.KEY_VAULT, KV_BETA, LookupState.FOUND),
            AttachedRole.APPLICATION_INSIGHTS: _ref(
                AttachedRole.APPLICATION_INSIGHTS, APPI_BETA, LookupState.FOUND
            ),
        },
        computes=None,
        computes_error="AuthorizationFailed: cannot list computes",
        properties={"publicNetworkAccess": "Enabled"},
    )
    both = (WS_ALPHA, WS_BETA)
    findings = (
        make_finding("AML-NET-012", KV_BETA, Status.PASS, workspace_ids=(WS_BETA,)),
        make_finding("AML-NET-010", STORAGE, Status.FAIL, workspace_ids=both),
        make_finding("AML-NET-012", KV_ALPHA, Status.UNKNOWN, workspace_ids=(WS_ALPHA,)),
        make_finding("AML-NET-001", WS_ALPHA, Status.PASS, workspace_ids=(WS_ALPHA,)),
        make_finding(
            "AML-NET-020",
            WS_ALPHA,
            Status.FAIL,
            severity=Severity.CRITICAL,
            workspace_ids=(WS_ALPHA,),
        ),
        make_finding("AML-NET-001", WS_BETA, Status.FAIL, workspace_ids=(WS_BETA,)),
        make_finding(
            "AML-NET-014",
            APPI_BETA,
            Status.SUPPRESSED,
            severity=Severity.LOW,
            workspace_ids=(WS_BETA,),
            suppressed_status=Status.FAIL,
            waiver=WAIVER,
        ),
        make_finding(
            "AML-KV-001",
            KV_BETA,
            Status.ERROR,
            severity=Severity.MEDIUM,
            category=Category.KEY_VAULT,
            workspace_ids=(WS_BETA,),
            evidence=freeze_object({"exception": "KeyError: 'properties'"}),
        ),
        make_finding(
            "AML-COST-001", WS_BETA, Status.PASS, severity=Severity.INFO, workspace_ids=(WS_BETA,)
        ),
    )
    error = CollectionError(
        scope=KV_ALPHA,
        source="arm",
        code="AuthorizationFailed",
        message="The client does not have authorization to perform action read",
        status_code=403,
    )
    return make_result(
        (beta, alpha),  # not sorted on purpose
        findings,
        errors=(error,),
        changes=Changes(
            previous_run_id="run-20261127T020000Z",
            new=(findings[1].fingerprint,),
            resolved=("0" * 32,),
            cost_delta=(
                CostDelta(workspace_id=WS_ALPHA, previous=10.0, current=12.5, currency="EUR"),
            ),
        ),
        expired_waivers=(WAIVER,),
    )


def shared_bundle_result(workspaces: int, findings_per_resource: int = 3) -> AuditResult:
    """``workspaces`` workspaces all using the resources of ``SHARED_BUNDLE``, each resource with
    ``findings_per_resource`` findings concerning every workspace, each workspace with one finding.

    Like AML-AUTH-002, each finding on a shared resource names every workspace using it, so that a
    page repeating it per workspace grows with the square of the number of workspaces.
    """
    ws_ids = tuple(f"{ML}/mlw-{n:05d}" for n in range(workspaces))
    bundle = {role: _ref(role, rid, LookupState.FOUND) for role, rid in SHARED_BUNDLE.items()}
    statuses = (Status.FAIL, Status.PASS, Status.UNKNOWN)
    users = ", ".join(i.rsplit("/", 1)[-1] for i in ws_ids)
    findings = [
        make_finding(
            f"AML-SH-{n:03d}",
            rid,
            statuses[n % 3],
            workspace_ids=ws_ids,
            message=f"AML-SH-{n:03d} on {rid.rsplit('/', 1)[-1]}, used by {users}",
        )
        for rid in SHARED_BUNDLE.values()
        for n in range(findings_per_resource)
    ]
    findings += [make_finding("AML-NET-001", i, Status.PASS, workspace_ids=(i,)) for i in ws_ids]
    return make_result(tuple(make_workspace(i, bundle) for i in ws_ids), tuple(findings))
