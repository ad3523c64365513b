"""Real Azure payloads, served by the simulator, read by the collectors through the real SDK.

Shows that every field the rules use survives collection: attached resources and computes come out
of the inventory exactly as Azure sent them (secrets redacted), and the rules reach a verdict
wherever the payload carries the field they read.
"""

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from auditor.azure_sdk.clients import ClientFactory
from auditor.azure_sdk.stats import RequestStats
from auditor.collect.context import CollectContext
from auditor.collect.resource_graph import ResourceGraphQuery
from auditor.engine.evaluate import RuleSettings, evaluate
from auditor.engine.registry import load_registry
from auditor.findings import Status
from auditor.inventory.model import Inventory, LookupState
from auditor.json_types import get_path, thaw
from auditor.redaction import redact_json as redact
from auditor.simulator import parse_tenant
from auditor.simulator.arm_id import parse_arm_id
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
    return parse_arm_id(doc["id"]).full_type.lower()


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


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Inventory]:
    from auditor.simulator import Simulator

    data = build_tenant()
    tenant = parse_tenant(data, source="azure-examples")
    state = tmp_path_factory.mktemp("conformance")
    with Simulator(tenant, state_dir=state) as sim:
        inventory = Sweep(sim).inventory
    return data, inventory


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
    registry = load_registry(include_entry_points=False)
    findings = evaluate(inventory, registry.rules, RuleSettings(), datetime.now(UTC))
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
