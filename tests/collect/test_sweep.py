"""The inventory sweep against the simulator, through the real SDK clients.

Faults come from the tenant file, so throttling, denial and malformed payloads cross the wire.
"""

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from auditor.azure_sdk.clients import ClientFactory
from auditor.azure_sdk.stats import RequestStats
from auditor.collect.context import CollectContext
from auditor.collect.inventory import collect_inventory
from auditor.config import ScopeSettings
from auditor.inventory.model import AttachedRole, Inventory, LookupState
from auditor.inventory.snapshot import dump_inventory
from auditor.simulator import Simulator
from tests.conftest import StartSimulator, settings_for

pytestmark = pytest.mark.sim

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
GRAPH_PATH = "^/providers/Microsoft.ResourceGraph/resources$"


class Sweep:
    """One collection with its request counters and the waits it asked for."""

    def __init__(self, sim: Simulator, scope: ScopeSettings | None = None) -> None:
        self.stats = RequestStats()
        self.sleeps: list[float] = []
        clients = ClientFactory.from_settings(settings_for(sim), self.stats)
        self.ctx = CollectContext(clients=clients, sleep=self.sleeps.append)
        self.inventory: Inventory = collect_inventory(
            self.ctx, scope or ScopeSettings(), cloud="custom", now=NOW
        )

    def workspace(self, name: str) -> Any:
        return next(ws for ws in self.inventory.workspaces if ws.name == name)


def test_sample_sweep_uses_two_graph_queries(sample_simulator: Simulator) -> None:
    sample_simulator.reset_requests()
    sweep = Sweep(sample_simulator)
    inv = sweep.inventory
    assert len(inv.workspaces) >= 8
    assert len({s.subscription_id for s in inv.subscriptions}) >= 3
    counts = sample_simulator.request_counts()
    assert counts["resourcegraph.resources"] == 2
    # Computes are one list per workspace; attached resources come from Resource Graph, and only
    # those it did not return (deleted, denied) are read one by one.
    assert counts["ml.computes.list"] == len(inv.workspaces)
    assert counts.get("arm.get", 0) <= 3
    assert sweep.stats.snapshot()["resource_graph"].requests == 2
    for ws in inv.workspaces:
        assert set(ws.attached) == set(AttachedRole)


def test_attached_states_found_deleted_denied(sample_simulator: Simulator) -> None:
    inv = Sweep(sample_simulator).inventory
    states = [ref.state for ws in inv.workspaces for ref in ws.attached.values() if ref]
    assert LookupState.NOT_FOUND in states
    assert LookupState.UNKNOWN in states
    denied = [e for e in inv.errors if e.code == "AuthorizationFailed"]
    assert len(denied) == 1
    assert denied[0].status_code == 403
    assert any(ws.attached[AttachedRole.CONTAINER_REGISTRY] is None for ws in inv.workspaces)


def test_shared_storage_is_read_once(sample_simulator: Simulator) -> None:
    inv = Sweep(sample_simulator).inventory
    keys = [ref.key for ws in inv.workspaces if (ref := ws.attached[AttachedRole.STORAGE_ACCOUNT])]
    shared = {k for k in keys if keys.count(k) > 1}
    assert shared, "the sample tenant shares a storage account between workspaces"
    assert len([r for r in inv.resources if r.key in shared]) == len(shared)


def test_throttled_graph_waits_for_quota_reset(start_simulator: StartSimulator) -> None:
    fault = {
        "method": "POST",
        "path": GRAPH_PATH,
        "status": 429,
        "headers": {"x-ms-user-quota-remaining": "0", "x-ms-user-quota-resets-after": "00:00:02"},
        "body": {"error": {"code": "RateLimiting", "message": "Please try again later."}},
        "times": 1,
    }
    sweep = Sweep(start_simulator(faults=[fault]))
    assert sweep.sleeps == [2.0]
    assert sweep.inventory.notices == ()
    assert sweep.stats.snapshot()["resource_graph"].throttled == 1
    assert len(sweep.inventory.workspaces) >= 8


def test_graph_retries_of_a_throttled_query_count_as_retries(
    start_simulator: StartSimulator,
) -> None:
    throttled = {
        "method": "POST",
        "path": GRAPH_PATH,
        "status": 429,
        "headers": {"x-ms-user-quota-remaining": "0", "x-ms-user-quota-resets-after": "00:00:01"},
        "body": {"error": {"code": "RateLimiting", "message": "Please try again later."}},
        "times": 2,
    }
    sim = start_simulator(faults=[throttled])
    sweep = Sweep(sim)
    # The workspace query was throttled twice and answered on its third attempt; the attached
    # query went through at once. Without Retry-After the SDK does not retry: the loop does.
    assert sweep.sleeps == [1.0, 1.0]
    graph = sweep.stats.snapshot()["resource_graph"]
    assert (graph.requests, graph.throttled, graph.retries) == (4, 2, 2)
    assert sim.request_counts()["resourcegraph.resources"] == 4
    assert sweep.inventory.notices == ()


def test_graph_denied_falls_back_to_arm_listing(start_simulator: StartSimulator) -> None:
    denied = {
        "path": GRAPH_PATH,
        "status": 403,
        "body": {
            "error": {"code": "AuthorizationFailed", "message": "no access to Resource Graph"}
        },
    }
    sim = start_simulator(faults=[denied])
    sweep = Sweep(sim)
    full = Sweep(start_simulator()).inventory
    assert [ws.id for ws in sweep.inventory.workspaces] == [ws.id for ws in full.workspaces]
    assert {n.code for n in sweep.inventory.notices} == {"AuthorizationFailed"}
    assert sim.request_counts()["arm.list"] >= len(sweep.inventory.subscriptions)
    # Same facts as through Resource Graph, apart from the notices.
    a = json.loads(dump_inventory(sweep.inventory))
    b = json.loads(dump_inventory(full))
    assert a["workspaces"] == b["workspaces"]
    assert a["errors"] == b["errors"]


def test_malformed_attached_payload_is_unknown(
    start_simulator: StartSimulator, sample_tenant_data: dict[str, Any]
) -> None:
    sim = start_simulator(
        faults=[
            {"path": GRAPH_PATH, "status": 403, "body": {"error": {"code": "Forbidden"}}},
            {"method": "GET", "path": "/Microsoft.Storage/storageAccounts/", "raw_body": "{oops"},
        ]
    )
    inv = Sweep(sim).inventory
    storage = [ws.attached[AttachedRole.STORAGE_ACCOUNT] for ws in inv.workspaces]
    assert all(ref is not None and ref.state is LookupState.UNKNOWN for ref in storage)
    assert {e.code for e in inv.errors} >= {"MalformedResponse"}


def test_computes_throttled_out_of_retries_are_unknown(start_simulator: StartSimulator) -> None:
    throttle = {
        "method": "GET",
        "path": "/computes$",
        "status": 429,
        "headers": {"Retry-After": "0"},
        "body": {"error": {"code": "TooManyRequests", "message": "slow down"}},
    }
    sweep = Sweep(start_simulator(faults=[throttle]))
    assert all(ws.computes is None for ws in sweep.inventory.workspaces)
    errors = [e for e in sweep.inventory.errors if e.source == "computes"]
    assert len(errors) == len(sweep.inventory.workspaces)
    assert all(e.status_code == 429 for e in errors)
    arm = sweep.stats.snapshot()["arm"]
    assert arm.retries >= len(errors) * 3
    assert arm.throttled >= len(errors) * 4


def test_scope_limits_subscriptions(sample_simulator: Simulator) -> None:
    full = Sweep(sample_simulator).inventory
    first = full.subscriptions[0].subscription_id
    sweep = Sweep(sample_simulator, ScopeSettings(subscriptions=(first, "not-a-visible-sub")))
    inv = sweep.inventory
    assert {ws.resource.subscription_id.lower() for ws in inv.workspaces} == {first.lower()}
    assert any(e.code == "SubscriptionNotFound" for e in inv.errors)


def test_secrets_in_payloads_never_reach_the_inventory(
    start_simulator: StartSimulator, sample_tenant_data: dict[str, Any]
) -> None:
    leaked = "InstrumentationKey=0000aaaa-bbbb-cccc-dddd-eeeeffff0000"
    resources = [dict(r) for r in sample_tenant_data["resources"]]
    for resource in resources:
        if resource["type"].lower() == "microsoft.insights/components":
            resource["properties"] = {
                **resource["properties"],
                "InstrumentationKey": "0000aaaa-bbbb-cccc-dddd-eeeeffff0000",
                "ConnectionString": leaked,
            }
    text = dump_inventory(Sweep(start_simulator(resources=resources)).inventory)
    assert "0000aaaa-bbbb-cccc-dddd-eeeeffff0000" not in text
    assert "[redacted]" in text


def test_notices_reach_report_json_and_html(start_simulator: StartSimulator, tmp_path: Any) -> None:
    from auditor.clock import FixedClock
    from auditor.pipeline import prepare_rules, run_audit, write_outputs
    from auditor.report.schema import validate_report

    denied = {"path": GRAPH_PATH, "status": 403, "body": {"error": {"code": "AuthorizationFailed"}}}
    settings = settings_for(start_simulator(faults=[denied]))
    result = run_audit(settings, prepare_rules(settings, source="t"), FixedClock(NOW))
    write_outputs(result, tmp_path)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    validate_report(report)
    # Both Resource Graph queries were denied; ARM listing and GETs collected the same data.
    assert [n["code"] for n in report["notices"]] == ["AuthorizationFailed"] * 2
    assert [e["scope"].rsplit("/", 1)[1] for e in report["errors"]] == ["kv-claims-ops-weu"]
    assert "Notices (2)" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_management_group_scope_limits_workspaces(sample_simulator: Simulator) -> None:
    prod = "74110aca-ce31-4926-b6b5-dae1e3359925"
    sweep = Sweep(sample_simulator, ScopeSettings(management_groups=("mg-larkspur-ml-prod",)))
    inv = sweep.inventory
    assert inv.workspaces
    assert {ws.resource.subscription_id for ws in inv.workspaces} == {prod}
    assert inv.scope.management_groups == ("mg-larkspur-ml-prod",)
    assert inv.scope.subscriptions == ()


def test_truncated_graph_result_is_never_a_silent_subset(start_simulator: StartSimulator) -> None:
    truncated = {
        "method": "POST",
        "path": GRAPH_PATH,
        "status": 200,
        "body": {"totalRecords": 50, "count": 1, "resultTruncated": "true", "data": []},
    }
    sweep = Sweep(start_simulator(faults=[truncated]))
    assert {n.code for n in sweep.inventory.notices} == {"MalformedResponse"}
    assert len(sweep.inventory.workspaces) >= 8  # listed through ARM instead


def test_malformed_attached_reference_is_unknown_not_absent(
    start_simulator: StartSimulator, sample_tenant_data: dict[str, Any]
) -> None:
    resources = [dict(r) for r in sample_tenant_data["resources"]]
    target = next(r for r in resources if r["name"] == "mlw-fraud-prod-weu")
    target["properties"] = {**target["properties"], "keyVault": {"unexpected": "object"}}
    inv = Sweep(start_simulator(resources=resources)).inventory
    ref = next(ws for ws in inv.workspaces if ws.name == "mlw-fraud-prod-weu").attached[
        AttachedRole.KEY_VAULT
    ]
    assert ref is not None and ref.state is LookupState.UNKNOWN
    assert ref.reason is not None and "not a string" in ref.reason
    malformed = [e for e in inv.errors if e.code == "MalformedResponse" and e.scope == target["id"]]
    assert len(malformed) == 1
