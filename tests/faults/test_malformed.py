"""One malformed answer costs only what it was for: that query, that resource, those computes."""

import copy
import json
from typing import Any

import pytest

from auditor.findings import Status
from auditor.inventory.model import AttachedRole, LookupState
from auditor.report.model import RunStatus
from tests.conftest import StartSimulator
from tests.faults.kit import GRAPH_DENIED, GRAPH_PATH, audit, resource_id, resources_with

pytestmark = pytest.mark.sim

WORKSPACE = "mlw-fraud-prod-weu"


def _deep(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize(
    "raw_body",
    [
        "<html><body>Service Unavailable</body></html>",
        "[]",
        "",
        '{"totalRecords": 1, "count": 1, "data": {"columns": [{"name": "id"}], "rows": [[1, 2]]}}',
        '{"totalRecords": 1, "count": 1, "data": "rows"}',
        '{"data": [], "$skipToken": 42}',
        _deep(900),
        _deep(100_000),
    ],
    ids=["html", "array", "empty", "bad-table", "data-string", "token-number", "depth-900", "deep"],
)
def test_malformed_resource_graph_page_falls_back_to_arm(
    raw_body: str, start_simulator: StartSimulator
) -> None:
    clean = audit(start_simulator()).result
    sim = start_simulator(faults=[{"path": GRAPH_PATH, "raw_body": raw_body}])
    found = audit(sim).result
    assert [w.id for w in found.inventory.workspaces] == [w.id for w in clean.inventory.workspaces]
    assert found.run.status is clean.run.status
    assert {n.code for n in found.inventory.notices} == {"MalformedResponse"}
    assert sim.request_counts()["arm.list"] >= 1


@pytest.mark.parametrize("depth", [900, 100_000])
def test_deeply_nested_compute_costs_only_that_workspace(
    depth: int, start_simulator: StartSimulator, sample_tenant_data: dict[str, Any]
) -> None:
    workspace = resource_id(sample_tenant_data, WORKSPACE)
    compute = {"id": f"{workspace}/computes/deep", "name": "deep", "type": "x"}
    body = json.dumps({"value": [compute]})[:-3] + f', "properties": {_deep(depth)}}}]}}'
    sim = start_simulator(faults=[{"path": f"^{workspace}/computes$", "raw_body": body}])
    found = audit(sim).result
    assert found.run.status is RunStatus.PARTIAL
    by_name = {w.name: w for w in found.inventory.workspaces}
    assert by_name[WORKSPACE].computes is None
    assert "nested" in (by_name[WORKSPACE].computes_error or "")
    others = [w for name, w in by_name.items() if name != WORKSPACE]
    assert others and all(w.computes is not None for w in others)


def test_foreign_compute_in_a_list_is_malformed(
    start_simulator: StartSimulator, sample_tenant_data: dict[str, Any]
) -> None:
    workspace = resource_id(sample_tenant_data, WORKSPACE)
    other = resource_id(sample_tenant_data, "mlw-forecast-prod-weu")
    foreign = {"id": f"{other}/computes/x", "name": "x", "type": "t", "properties": {}}
    sim = start_simulator(
        faults=[{"path": f"^{workspace}/computes$", "body": {"value": [foreign]}}]
    )
    by_name = {w.name: w for w in audit(sim).result.inventory.workspaces}
    assert by_name[WORKSPACE].computes is None
    assert by_name["mlw-forecast-prod-weu"].computes is not None
    assert all(
        c.id.lower().startswith(other.lower()) for c in by_name["mlw-forecast-prod-weu"].computes
    )


def test_get_answered_with_another_resources_document(
    start_simulator: StartSimulator, sample_tenant_data: dict[str, Any]
) -> None:
    asked = resource_id(sample_tenant_data, "stfraudprodweu01")
    other = next(r for r in sample_tenant_data["resources"] if r["name"] == "stforecastprodweu")
    swapped = {"method": "GET", "path": f"^{asked}$", "body": other}
    found = audit(start_simulator(faults=[GRAPH_DENIED, swapped]))
    ws = next(w for w in found.result.inventory.workspaces if w.name == WORKSPACE)
    ref = ws.attached[AttachedRole.STORAGE_ACCOUNT]
    assert ref is not None and ref.state is LookupState.UNKNOWN
    assert "another resource" in (ref.reason or "")
    kept = found.result.inventory.get_resource(other["id"])
    assert kept is not None and kept.prop("allowSharedKeyAccess") == other["properties"].get(
        "allowSharedKeyAccess"
    )
    # The other account is judged on its own document, as in a clean run.
    assert found.status_of("AML-AUTH-002", "stforecastprodweu") is Status.FAIL
    assert found.status_of("AML-AUTH-002", "stfraudprodweu01") is Status.UNKNOWN


@pytest.mark.parametrize("via", ["resource_graph", "arm"])
def test_vault_without_properties_is_unknown_not_exposed(
    via: str, start_simulator: StartSimulator, sample_tenant_data: dict[str, Any]
) -> None:
    vault = resource_id(sample_tenant_data, "kv-fraud-prod-weu-01")
    faults: list[dict[str, Any]] = []
    if via == "arm":
        doc = copy.deepcopy(
            next(r for r in sample_tenant_data["resources"] if r["name"] == "kv-fraud-prod-weu-01")
        )
        doc["properties"] = None
        faults = [GRAPH_DENIED, {"method": "GET", "path": f"^{vault}$", "body": doc}]
        sim = start_simulator(faults=faults)
    else:

        def strip(doc: dict[str, Any]) -> None:
            doc["properties"] = None

        sim = start_simulator(
            resources=resources_with(sample_tenant_data, {"kv-fraud-prod-weu-01": strip})
        )
    found = audit(sim)
    assert found.status_of("AML-NET-020", WORKSPACE) is Status.UNKNOWN
    assert found.status_of("AML-NET-012", "kv-fraud-prod-weu-01") is Status.UNKNOWN
    assert found.result.run.status is RunStatus.PARTIAL


@pytest.mark.parametrize("legacy", ["true", 1, "false", 0, [], {}])
def test_wrong_typed_legacy_flag_is_unknown(
    legacy: object, start_simulator: StartSimulator, sample_tenant_data: dict[str, Any]
) -> None:
    def plant(doc: dict[str, Any]) -> None:
        doc["properties"]["allowPublicAccessWhenBehindVnet"] = legacy

    sim = start_simulator(resources=resources_with(sample_tenant_data, {WORKSPACE: plant}))
    found = audit(sim)
    assert found.status_of("AML-NET-001", WORKSPACE) is Status.UNKNOWN
    assert found.status_of("AML-NET-020", WORKSPACE) is Status.UNKNOWN
