"""Bounded in time: capped waits, a collection deadline, loops detected, total failure is failed."""

import socket
from typing import Any

import pytest

from auditor.clock import SystemClock
from auditor.inventory.model import AttachedRole, LookupState
from auditor.pipeline import prepare_rules, run_audit
from auditor.report.model import RunStatus
from tests.conftest import StartSimulator, settings_for
from tests.faults.kit import GRAPH_DENIED, GRAPH_PATH, audit, resource_id

pytestmark = pytest.mark.sim

WORKSPACE = "mlw-fraud-prod-weu"
THROTTLED = {"error": {"code": "SubscriptionRequestsThrottled", "message": "try later"}}


def test_long_retry_after_is_not_waited_for(
    start_simulator: StartSimulator, sample_tenant_data: dict[str, Any]
) -> None:
    storage = resource_id(sample_tenant_data, "stfraudprodweu01")
    slow = {
        "method": "GET",
        "path": f"^{storage}$",
        "status": 429,
        "headers": {"Retry-After": "100"},
        "body": THROTTLED,
    }
    found = audit(start_simulator(faults=[GRAPH_DENIED, slow]), timeout_seconds=10)
    assert found.seconds < 20
    ws = next(w for w in found.result.inventory.workspaces if w.name == WORKSPACE)
    ref = ws.attached[AttachedRole.STORAGE_ACCOUNT]
    assert ref is not None and ref.state is LookupState.UNKNOWN
    assert "100" in (ref.reason or "") and "throttled" in (ref.reason or "")
    assert found.result.run.status is RunStatus.PARTIAL


def test_short_retry_after_is_waited_for_within_the_cap(
    start_simulator: StartSimulator, sample_tenant_data: dict[str, Any]
) -> None:
    storage = resource_id(sample_tenant_data, "stfraudprodweu01")
    once = {
        "method": "GET",
        "path": f"^{storage}$",
        "status": 429,
        "headers": {"Retry-After": "1"},
        "body": THROTTLED,
        "times": 1,
    }
    sim = start_simulator(faults=[GRAPH_DENIED, once])
    found = audit(sim, max_retry_wait_seconds=2)
    ws = next(w for w in found.result.inventory.workspaces if w.name == WORKSPACE)
    ref = ws.attached[AttachedRole.STORAGE_ACCOUNT]
    assert ref is not None and ref.state is LookupState.FOUND
    assert 1 <= found.seconds < 20


def test_looping_next_link_is_detected(
    start_simulator: StartSimulator, sample_tenant_data: dict[str, Any]
) -> None:
    computes = resource_id(sample_tenant_data, WORKSPACE) + "/computes"
    loop = {
        "path": f"^{computes}$",
        "body": {"value": [], "nextLink": f"https://${{host}}{computes}?$skiptoken=same"},
    }
    sim = start_simulator(faults=[loop])
    found = audit(sim)
    assert found.seconds < 20
    ws = next(w for w in found.result.inventory.workspaces if w.name == WORKSPACE)
    assert ws.computes is None and "loop" in (ws.computes_error or "")
    assert sum(1 for r in sim.requests() if r.path == computes) == 2


def test_listing_longer_than_the_page_cap_is_unknown_not_cut(
    start_simulator: StartSimulator, sample_tenant_data: dict[str, Any]
) -> None:
    sim = start_simulator(arm={"page_size": 1})
    found = audit(sim, max_pages=2)
    ws = next(w for w in found.result.inventory.workspaces if w.name == WORKSPACE)
    assert ws.computes is None and "more than 2 pages" in (ws.computes_error or "")
    # A workspace with two computes or fewer still fits.
    small = next(w for w in found.result.inventory.workspaces if w.name == "mlw-forecast-prod-weu")
    assert small.computes is not None


@pytest.mark.parametrize(
    "page",
    [
        {"totalRecords": 50, "count": 1, "data": [{"id": "/x"}], "$skipToken": "same"},
        {"totalRecords": 0, "count": 1, "data": [{"id": "/x"}], "$skipToken": "next"},
    ],
    ids=["token-repeats", "more-rows-than-total"],
)
def test_looping_skip_token_is_detected(
    page: dict[str, Any], start_simulator: StartSimulator
) -> None:
    clean = audit(start_simulator()).result
    sim = start_simulator(faults=[{"path": GRAPH_PATH, "body": page}])
    found = audit(sim)
    assert found.seconds < 20
    assert sim.request_counts()["resourcegraph.resources"] <= 4
    assert {n.code for n in found.result.inventory.notices} == {"MalformedResponse"}
    assert len(found.result.inventory.workspaces) == len(clean.inventory.workspaces)


def test_collection_deadline_leaves_the_rest_unknown(start_simulator: StartSimulator) -> None:
    slow_computes = {"path": "/computes$", "delay_seconds": 0.6}
    sim = start_simulator(faults=[slow_computes])
    found = audit(sim, deadline_seconds=1.5, max_workers=1)
    assert found.seconds < 10
    result = found.result
    assert result.run.status is RunStatus.PARTIAL
    unlisted = [w for w in result.inventory.workspaces if w.computes is None]
    assert unlisted and all("deadline" in (w.computes_error or "") for w in unlisted)
    assert "DeadlineExceeded" in found.error_codes()
    # One error for all skipped listings, not one per workspace.
    assert sum(1 for e in result.inventory.errors if e.code == "DeadlineExceeded") <= 2


@pytest.mark.parametrize(
    "fault",
    [
        {"path": ".", "status": 401, "body": {"error": {"code": "InvalidAuthenticationToken"}}},
        {"path": ".", "status": 429, "headers": {"Retry-After": "0.2"}, "body": THROTTLED},
        {"path": ".", "status": 429, "body": THROTTLED},
        {"path": ".", "status": 503, "body": {"error": {"code": "ServiceUnavailable"}}},
        {"path": ".", "raw_body": "<html>proxy error</html>"},
    ],
    ids=["401", "429-retry-after", "429-bare", "503", "html"],
)
def test_total_failure_is_a_failed_run(
    fault: dict[str, Any], start_simulator: StartSimulator
) -> None:
    # Resource Graph's quota headers ask for 5 s; a 1 s cap refuses that wait instead of sleeping.
    found = audit(start_simulator(faults=[fault]), max_retry_wait_seconds=1)
    assert found.seconds < 15
    assert found.result.inventory.workspaces == ()
    assert found.result.run.status is RunStatus.FAILED


def test_unreachable_endpoint_is_a_failed_run(start_simulator: StartSimulator) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    sim = start_simulator()
    settings = settings_for(sim)
    endpoint = f"https://127.0.0.1:{port}"
    cloud = settings.cloud.model_copy(
        update={
            "resource_manager": endpoint,
            "log_analytics": endpoint,
            "microsoft_graph": endpoint,
        }
    )
    settings = settings.model_copy(update={"cloud": cloud})
    result = run_audit(settings, prepare_rules(settings, source="test"), SystemClock())
    assert result.run.status is RunStatus.FAILED
    assert {e.code for e in result.inventory.errors} == {"NetworkError"}
