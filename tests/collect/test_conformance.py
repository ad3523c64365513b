"""Real Azure payloads, served by the simulator, read by the collectors through the real SDK.

Shows that every field the rules use survives collection: attached resources and computes come out
of the inventory exactly as Azure sent them (secrets redacted), the rules reach a verdict wherever
the payload carries the field they read, and where it leaves a field out the rules read Azure's
documented default: an ``unknown`` over these payloads is only ever a field without one.
"""

import copy
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from auditor.azure_sdk.clients import ClientFactory
from auditor.azure_sdk.stats import RequestStats
from auditor.collect.context import CollectContext
from auditor.collect.resource_graph import ResourceGraphQuery
from auditor.engine.defaults import DEFAULTS
from auditor.engine.evaluate import RuleSettings, evaluate
from auditor.engine.registry import load_registry
from auditor.findings import Finding, Status
from auditor.ids import parse_arm_id
from auditor.inventory.model import AttachedRole, CollectionError, Inventory, LookupState
from auditor.json_types import get_path, thaw
from auditor.pipeline import run_status
from auditor.redaction import redact_json as redact
from auditor.report.model import RunStatus
from auditor.simulator import parse_tenant
from tests.azure_examples import load_documents, load_example
from tests.collect.test_sweep import Sweep
from tests.conftest import StartSimulator, settings_for

pytestmark = pytest.mark.sim

WORKSPACE = "microsoft.machinelearningservices/workspaces"
COMPUTE = "microsoft.machinelearningservices/workspaces/computes"
ATTACHED = {
    "microsoft.storage/storageaccounts": "storageAccount",
    "microsoft.keyvault/vaults": "keyVault",
    "microsoft.containerregistry/registries": "containerRegistry",
    "microsoft.insights/components": "applicationInsights",
}
# Fields the rules read, by resource type; where a payload carries one, its rule must decide.
RULE_FIELDS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "microsoft.storage/storageaccounts": [
        ("AML-NET-011", ("allowBlobPublicAccess",)),
    ],
    "microsoft.containerregistry/registries": [
        ("AML-AUTH-001", ("adminUserEnabled",)),
        ("AML-NET-013", ("publicNetworkAccess",)),
    ],
    "microsoft.insights/components": [
        ("AML-AUTH-003", ()),
    ],
    "microsoft.keyvault/vaults": [
        ("AML-NET-012", ()),
    ],
}


def type_of(doc: dict[str, Any]) -> str:
    return parse_arm_id(doc["id"]).type.lower()


def build_tenant() -> dict[str, Any]:
    """The example documents, with each attached document named by one of the workspaces.

    Only workspace properties are edited (which resources they name); every other document is
    served exactly as recorded. Compute examples whose workspace is not among the examples get a
    copy of the spec workspace as their parent.
    """
    docs = [d for d in load_documents() if isinstance(d.get("tags", {}), dict)]
    workspaces = [copy.deepcopy(d) for d in docs if type_of(d) == WORKSPACE]
    known = {d["id"].lower() for d in docs}
    template = next(w for w in workspaces if "publicNetworkAccess" in w.get("properties", {}))
    for compute in (d for d in docs if type_of(d) == COMPUTE):
        parent = compute["id"].rsplit("/computes/", 1)[0]
        if parent.lower() not in known:
            clone = copy.deepcopy(template)
            clone.update(id=parent, name=parent.rsplit("/", 1)[1])
            workspaces.append(clone)
            known.add(parent.lower())
    # Enough workspaces to name every attached document at least once.
    needed = max(sum(1 for d in docs if type_of(d) == rtype) for rtype in ATTACHED)
    for extra in range(needed - len(workspaces)):
        clone = copy.deepcopy(template)
        clone.update(id=f"{template['id']}-{extra}", name=f"{template['name']}-{extra}")
        workspaces.append(clone)
    for rtype, prop in ATTACHED.items():
        attached = [d for d in docs if type_of(d) == rtype]
        for index, ws in enumerate(workspaces):
            ws["properties"][prop] = attached[index % len(attached)]["id"] if attached else None
    others = [d for d in docs if type_of(d) != WORKSPACE]
    resources = workspaces + others
    subscriptions = sorted({parse_arm_id(d["id"]).subscription_id for d in resources})
    return {
        "tenant_id": "00000000-0000-0000-0000-000000000003",
        "subscriptions": [
            {"subscriptionId": s, "displayName": f"sub {i}", "state": "Enabled"}
            for i, s in enumerate(subscriptions)
        ],
        "resources": resources,
        "resource_graph": {"quota": 1000},
    }


def sweep(data: dict[str, Any], state: Any) -> Inventory:
    """Serve a tenant from the simulator and collect it through the real SDK."""
    from auditor.simulator import Simulator

    with Simulator(parse_tenant(data, source="azure-examples"), state_dir=state) as sim:
        return Sweep(sim).inventory


def judge(inventory: Inventory) -> tuple[Finding, ...]:
    registry = load_registry(include_entry_points=False)
    return evaluate(inventory, registry.rules, RuleSettings(), datetime.now(UTC))


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Inventory]:
    data = build_tenant()
    return data, sweep(data, tmp_path_factory.mktemp("conformance"))


def test_every_example_workspace_is_collected(collected: tuple[dict[str, Any], Inventory]) -> None:
    data, inventory = collected
    expected = {d["id"].lower() for d in data["resources"] if type_of(d) == WORKSPACE}
    assert {ws.key for ws in inventory.workspaces} == expected
    assert inventory.errors == ()


def test_attached_documents_are_read_whole(collected: tuple[dict[str, Any], Inventory]) -> None:
    data, inventory = collected
    attached = [d for d in data["resources"] if type_of(d) in ATTACHED]
    assert {type_of(d) for d in attached} == set(ATTACHED)
    for doc in attached:
        resource = inventory.get_resource(doc["id"])
        assert resource is not None, doc["id"]
        assert thaw(resource.properties) == redact(doc.get("properties", {}))
        assert dict(resource.tags) == (doc.get("tags") or {})
        assert (thaw(resource.sku) if resource.sku else None) == doc.get("sku")
    refs = [ref for ws in inventory.workspaces for ref in ws.attached.values() if ref]
    assert refs and all(ref.state is LookupState.FOUND for ref in refs)


def test_workspace_and_compute_fields_are_read(collected: tuple[dict[str, Any], Inventory]) -> None:
    data, inventory = collected
    docs = {d["id"].lower(): d for d in data["resources"]}
    computes = 0
    for ws in inventory.workspaces:
        raw = docs[ws.key]
        for path in (
            ("publicNetworkAccess",),
            ("managedNetwork",),
            ("privateEndpointConnections",),
        ):
            assert get_path(ws.resource.properties, *path) is not None or (
                get_path(raw.get("properties", {}), *path) is None
            )
        assert thaw(ws.resource.properties) == redact(raw["properties"])
        assert ws.computes is not None
        for compute in ws.computes:
            computes += 1
            assert thaw(compute.properties) == redact(docs[compute.key]["properties"])
    assert computes == sum(1 for d in data["resources"] if type_of(d) == COMPUTE)


def test_rules_decide_where_payloads_carry_their_fields(
    collected: tuple[dict[str, Any], Inventory],
) -> None:
    data, inventory = collected
    findings = judge(inventory)
    assert not [f for f in findings if f.status is Status.ERROR]
    by_subject = {(f.rule_id, f.resource_id.lower()): f for f in findings}
    checked = 0
    for doc in data["resources"]:
        for rule_id, path in RULE_FIELDS.get(type_of(doc), []):
            if path and get_path(doc.get("properties", {}), *path) is None:
                continue
            finding = by_subject[(rule_id, doc["id"].lower())]
            assert finding.status in (Status.PASS, Status.FAIL), (rule_id, doc["id"])
            checked += 1
    assert checked >= 6
    # Workspace rules reach a verdict on the real workspace payloads that carry the property.
    for ws in inventory.workspaces:
        if ws.resource.prop("publicNetworkAccess") is not None:
            assert by_subject[("AML-NET-001", ws.key)].status in (Status.PASS, Status.FAIL)


# Properties Azure documents no default for (docs/azure-defaults.md, "Read as absent"): the only
# absent fields an unknown finding over the real payloads may rest on, by resource type.
UNDOCUMENTED: dict[str, set[str]] = {
    WORKSPACE: {
        "publicNetworkAccess",
        "allowPublicAccessWhenBehindVnet",
        "privateEndpointConnections",
    },
    COMPUTE: {"disableLocalAuth", "computeType"},
    "microsoft.storage/storageaccounts": {"allowBlobPublicAccess"},
    "microsoft.keyvault/vaults": {"networkAcls.defaultAction"},
}
DEFAULTED = {(d.resource_type, d.dotted) for d in DEFAULTS}


def absent_fields(finding: Finding) -> list[str]:
    """The evidence keys a finding shows as absent (JSON null): the fields it could not read."""
    return [key for key, value in finding.evidence.items() if value is None]


def test_unknown_over_real_payloads_rests_only_on_fields_without_a_default(
    collected: tuple[dict[str, Any], Inventory],
) -> None:
    _, inventory = collected
    findings = judge(inventory)
    unknown = [f for f in findings if f.status is Status.UNKNOWN]
    counts = {s.value: sum(f.status is s for f in findings) for s in Status}
    print(f"real payloads: {len(findings)} findings, {counts}")
    for finding in unknown:
        kind = parse_arm_id(finding.resource_id).type.lower()
        absent = absent_fields(finding)
        print(f"unknown {finding.rule_id} {finding.resource_id}: {finding.message}")
        # Nothing read as absent has a documented default: those read as "absent; Azure default".
        assert not [a for a in absent if (kind, a) in DEFAULTED], finding
        explained = (
            bool(absent) and set(absent) <= UNDOCUMENTED.get(kind, set())
        ) or "expected a" in finding.message  # a wrong type
        assert explained, f"{finding.rule_id} on {finding.resource_id}: {finding.message}"
    # Before the defaults 15 of the 58 findings were unknown; 11 remain, each on a field above.
    assert len(unknown) <= 11
    assert {f.rule_id for f in unknown} <= {
        "AML-NET-001",
        "AML-NET-002",
        "AML-NET-011",
        "AML-NET-020",
        "AML-AUTH-004",
    }
    # An unknown from an absent, undocumented field does not make the run partial.
    assert run_status(inventory, findings) is RunStatus.COMPLETE


def test_run_is_partial_only_when_collection_or_a_rule_failed(
    collected: tuple[dict[str, Any], Inventory],
) -> None:
    _, inventory = collected
    findings = judge(inventory)
    assert any(f.status is Status.UNKNOWN for f in findings)
    assert run_status(inventory, findings) is RunStatus.COMPLETE
    raised = replace(findings[0], status=Status.ERROR, message="rule raised ValueError: x")
    assert run_status(inventory, (*findings, raised)) is RunStatus.PARTIAL
    waived = replace(raised, status=Status.SUPPRESSED, suppressed_status=Status.ERROR)
    assert run_status(inventory, (*findings, waived)) is RunStatus.PARTIAL
    denied = CollectionError(scope="/subscriptions/x", source="arm", code="Denied", message="no")
    with_error = replace(inventory, errors=(denied,))
    assert run_status(with_error, findings) is RunStatus.PARTIAL
    nothing = replace(inventory, workspaces=(), errors=(denied,))
    assert run_status(nothing, ()) is RunStatus.FAILED


def test_findings_show_the_defaults_they_read(collected: tuple[dict[str, Any], Inventory]) -> None:
    _, inventory = collected
    by_subject = {(f.rule_id, parse_arm_id(f.resource_id).name): f for f in judge(inventory)}
    # The c7n storage accounts leave minimumTlsVersion out: Azure accepts TLS 1.0 on them.
    tls = by_subject[("AML-AUTH-005", "cctstoragey6akyqpagdt3o")]
    assert tls.status is Status.FAIL
    assert tls.evidence["minimumTlsVersion"] == 'absent; Azure default "TLS1_0"'
    # The recorded Basic registry sets neither switch: public, and Basic cannot have a firewall.
    registry = by_subject[("AML-NET-013", "cctestcontainerregistry")]
    assert registry.status is Status.FAIL
    assert registry.evidence["publicNetworkAccess"] == 'absent; Azure default "Enabled"'
    # Real workspaces omit systemDatastoresAuthMode: they read system datastores with keys.
    shared_key = by_subject[("AML-AUTH-002", "storagefasdfhad2323")]
    assert shared_key.status is Status.FAIL
    modes = shared_key.evidence["systemDatastoresAuthMode"]
    assert isinstance(modes, Mapping)
    assert 'absent; Azure default "accessKey"' in modes.values()


def test_legacy_public_workspace_is_not_judged_by_net_020(
    collected: tuple[dict[str, Any], Inventory],
) -> None:
    # vvmlwrkspc (recorded): no publicNetworkAccess, allowPublicAccessWhenBehindVnet true.
    _, inventory = collected
    findings = {(f.rule_id, parse_arm_id(f.resource_id).name): f for f in judge(inventory)}
    assert findings[("AML-NET-001", "vvmlwrkspc")].status is Status.FAIL
    assert findings[("AML-NET-020", "vvmlwrkspc")].status is Status.NOT_APPLICABLE


def test_omitted_vault_and_compute_type_are_unknown_without_errors_or_requests(
    tmp_path: Any,
) -> None:
    spec = load_example("machinelearning/spec-2025-06-01-Workspace-get.json")
    workspace = copy.deepcopy(
        spec["responses"]["200"]["body"]
    )  # private: publicNetworkAccess Disabled
    del workspace["properties"]["keyVault"]
    compute = next(copy.deepcopy(d) for d in load_documents() if type_of(d) == COMPUTE)
    compute["id"] = f"{workspace['id']}/computes/{compute['name']}"
    del compute["properties"]["computeType"]
    data = {
        "tenant_id": "00000000-0000-0000-0000-000000000003",
        "subscriptions": [
            {
                "subscriptionId": parse_arm_id(workspace["id"]).subscription_id,
                "displayName": "sub",
                "state": "Enabled",
            }
        ],
        "resources": [workspace, compute],
        "resource_graph": {"quota": 1000},
    }
    from auditor.simulator import Simulator

    with Simulator(parse_tenant(data, source="omitted"), state_dir=tmp_path) as sim:
        inventory = Sweep(sim).inventory
        requested = [r.path for r in sim.requests()]
    (ws,) = inventory.workspaces
    ref = ws.attached[AttachedRole.KEY_VAULT]
    assert ref is not None and ref.state is LookupState.UNKNOWN
    assert ref.reason is not None and "names no key vault" in ref.reason
    # An absent field, not a failed call: no collection error, and nothing requested for it.
    assert inventory.errors == ()
    assert not [p for p in requested if "/properties/keyvault" in p.lower()]
    findings = {(f.rule_id, f.resource_id.lower()): f for f in judge(inventory)}
    net_020 = findings[("AML-NET-020", ws.key)]
    assert net_020.status is Status.UNKNOWN
    assert "the workspace names no key vault" in net_020.message
    ssh = findings[("AML-NET-030", compute["id"].lower())]
    assert ssh.status is Status.UNKNOWN
    assert "computeType is absent" in ssh.message
    # This recorded cluster says disableLocalAuth false: local auth is on whatever its type.
    assert findings[("AML-AUTH-004", compute["id"].lower())].status is Status.FAIL
    assert run_status(inventory, tuple(findings.values())) is RunStatus.COMPLETE


def test_resource_graph_pages_as_azure_sends_them(start_simulator: StartSimulator) -> None:
    first = load_example("resourcegraph/spec-2024-04-01-ResourcesFirstPageQuery.json")
    second = load_example("resourcegraph/spec-2024-04-01-ResourcesNextPageQuery.json")
    first_body = first["responses"]["200"]["body"]
    second_body = second["responses"]["200"]["body"]
    last_body = {k: v for k, v in second_body.items() if k != "$skipToken"}
    path = "^/providers/Microsoft.ResourceGraph/resources$"
    faults = [
        {"method": "POST", "path": path, "status": 200, "body": body, "times": 1}
        for body in (first_body, second_body, last_body)
    ]
    sim = start_simulator(faults=faults)
    ctx = CollectContext(clients=ClientFactory.from_settings(settings_for(sim), RequestStats()))
    rows = list(ResourceGraphQuery(ctx, ctx.clients.resource_graph()).rows("resources"))
    expected = [r["id"] for r in first_body["data"] + second_body["data"] + last_body["data"]]
    assert [r["id"] for r in rows] == expected
    assert sim.request_counts()["resourcegraph.resources"] == 3
