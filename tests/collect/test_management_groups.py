"""A management-group scope when Resource Graph fails: the Management Groups API, never wider.

Workspaces per subscription of the sample tenant (``docs/sample-tenant.md``): Production
(mg-larkspur-ml-prod < mg-larkspur-platform < mg-larkspur) holds workspaces 1-4, Dev/Test
(mg-larkspur-sandboxes < mg-larkspur) holds 5-7, and Research (no group: the root group) 8-9.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from auditor.clock import FixedClock
from auditor.config import ScopeSettings
from auditor.pipeline import prepare_rules, run_audit, write_outputs
from auditor.simulator import Simulator
from tests.collect.test_sweep import GRAPH_PATH, NOW, Sweep
from tests.conftest import StartSimulator, settings_for

pytestmark = pytest.mark.sim

PROD = "74110aca-ce31-4926-b6b5-dae1e3359925"
DEV = "e573260c-8872-4970-8727-3334143c3323"
RESEARCH = "31bd04ff-b474-457c-9ea6-8ca0d40609cd"
TENANT = "5d7268ae-d351-4995-8785-71f831f75ca5"
PROD_WORKSPACES = {
    "mlw-fraud-prod-weu",
    "mlw-forecast-prod-weu",
    "aih-genai-hub-weu",
    "aip-support-copilot",
}
DEV_WORKSPACES = {"mlw-churn-dev-eus2", "mlw-pricing-dev-eus2", "mlw-labeling-dev-eus2"}
MG = "/providers/Microsoft.Management/managementGroups"
GRAPH_DENIED = {
    "path": GRAPH_PATH,
    "status": 403,
    "body": {"error": {"code": "AuthorizationFailed", "message": "no access to Resource Graph"}},
}


def _denied_with(sample_tenant_data: dict[str, Any], *extra: str) -> dict[str, Any]:
    return {"denied": [*sample_tenant_data["access"]["denied"], *extra]}


def _audit(sim: Simulator, groups: tuple[str, ...], out: Path) -> dict[str, Any]:
    """A whole run over the groups; its report.json."""
    settings = settings_for(sim, scope=ScopeSettings(management_groups=groups))
    write_outputs(run_audit(settings, prepare_rules(settings, source="t"), FixedClock(NOW)), out)
    report: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return report


def _listed_subscriptions(sim: Simulator) -> set[str]:
    """Subscriptions whose workspaces were listed through ARM."""
    return {r.path.split("/")[2] for r in sim.requests() if r.route == "arm.list"}


def test_graph_denied_lists_only_the_groups_subscriptions(
    start_simulator: StartSimulator, tmp_path: Path
) -> None:
    sim = start_simulator(faults=[GRAPH_DENIED])
    report = _audit(sim, ("mg-larkspur-ml-prod",), tmp_path)
    assert {ws["name"] for ws in report["workspaces"]} == PROD_WORKSPACES
    assert _listed_subscriptions(sim) == {PROD}
    # Resource Graph's failure was covered by the fallback: a notice, not an error.
    assert report["run"]["status"] != "failed"
    assert {(n["source"], n["code"]) for n in report["notices"]} == {
        ("resource_graph", "AuthorizationFailed")
    }
    assert report["errors"] == []
    descendants = [r for r in sim.requests() if r.route == "managementgroups.descendants"]
    assert [(r.path, r.status, r.api_version) for r in descendants] == [
        (f"{MG}/mg-larkspur-ml-prod/descendants", 200, "2020-05-01")
    ]


def test_graph_denied_group_of_groups_covers_every_depth(start_simulator: StartSimulator) -> None:
    sim = start_simulator(faults=[GRAPH_DENIED], arm={"page_size": 1})
    inv = Sweep(sim, ScopeSettings(management_groups=("mg-larkspur",))).inventory
    assert {ws.name for ws in inv.workspaces} == PROD_WORKSPACES | DEV_WORKSPACES
    assert _listed_subscriptions(sim) == {PROD, DEV}
    assert inv.errors == ()


def test_graph_denied_root_group_covers_every_subscription(
    start_simulator: StartSimulator,
) -> None:
    sim = start_simulator(faults=[GRAPH_DENIED])
    inv = Sweep(sim, ScopeSettings(management_groups=(TENANT,))).inventory
    assert len(inv.workspaces) == 9
    assert _listed_subscriptions(sim) == {PROD, DEV, RESEARCH}


def test_graph_and_management_groups_denied_fail_the_run(
    start_simulator: StartSimulator, sample_tenant_data: dict[str, Any], tmp_path: Path
) -> None:
    access = _denied_with(sample_tenant_data, f"{MG}/mg-larkspur-ml-prod")
    sim = start_simulator(faults=[GRAPH_DENIED], access=access)
    report = _audit(sim, ("mg-larkspur-ml-prod",), tmp_path)
    assert report["run"]["status"] == "failed"
    assert report["workspaces"] == []
    assert _listed_subscriptions(sim) == set()  # never wider: no subscription was listed
    errors = {(e["source"], e["code"]): e for e in report["errors"]}
    assert set(errors) == {
        ("resource_graph", "AuthorizationFailed"),
        ("management_groups", "AuthorizationFailed"),
    }
    groups = errors["management_groups", "AuthorizationFailed"]
    assert groups["scope"] == f"{MG}/mg-larkspur-ml-prod"
    assert "Resource Graph failed (AuthorizationFailed)" in groups["message"]
    assert "descendants/read" in groups["message"]
    assert report["notices"] == []


def test_unknown_group_fails_the_run_without_listing(start_simulator: StartSimulator) -> None:
    sim = start_simulator(faults=[GRAPH_DENIED])
    inv = Sweep(sim, ScopeSettings(management_groups=("mg-nope",))).inventory
    assert inv.workspaces == ()
    assert {(e.source, e.status_code) for e in inv.errors} == {
        ("resource_graph", 403),
        ("management_groups", 404),
    }
    assert _listed_subscriptions(sim) == set()


def test_one_group_failing_keeps_the_others(start_simulator: StartSimulator) -> None:
    sim = start_simulator(faults=[GRAPH_DENIED])
    groups = ("mg-larkspur-sandboxes", "mg-nope")
    inv = Sweep(sim, ScopeSettings(management_groups=groups)).inventory
    assert {ws.name for ws in inv.workspaces} == DEV_WORKSPACES
    # Workspaces of mg-nope may be missing, so Resource Graph's failure is an error too.
    assert sorted(e.source for e in inv.errors) == ["management_groups", "resource_graph"]
    # The attached-resources query failed as well; GETs by id covered it.
    assert [n.source for n in inv.notices] == ["resource_graph"]


def test_invalid_group_name_is_never_requested(start_simulator: StartSimulator) -> None:
    sim = start_simulator(faults=[GRAPH_DENIED])
    inv = Sweep(sim, ScopeSettings(management_groups=("../subscriptions",))).inventory
    assert [e.code for e in inv.errors if e.source == "management_groups"] == [
        "InvalidManagementGroup"
    ]
    assert not [
        r for r in sim.requests() if r.route in ("managementgroups.descendants", "unmatched")
    ]
    assert inv.workspaces == ()


def test_malformed_descendants_answer_is_an_error(start_simulator: StartSimulator) -> None:
    malformed = {"path": "/descendants$", "body": {"value": [{"name": PROD}]}}
    sim = start_simulator(faults=[GRAPH_DENIED, malformed])
    inv = Sweep(sim, ScopeSettings(management_groups=("mg-larkspur-ml-prod",))).inventory
    assert inv.workspaces == ()
    assert [(e.source, e.code) for e in inv.errors if e.source == "management_groups"] == [
        ("management_groups", "MalformedResponse")
    ]
