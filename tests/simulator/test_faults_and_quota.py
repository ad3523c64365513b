"""Fault rules and Resource Graph throttling, as the real SDK clients experience them."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from azure.core.exceptions import DecodeError, HttpResponseError
from azure.core.pipeline import PipelineResponse
from azure.core.rest import HttpRequest, HttpResponse
from azure.mgmt.resourcegraph.models import QueryRequest

from auditor.simulator import Simulator
from tests.simulator.simkit import (
    SUB_A,
    SUB_B,
    SUB_C,
    arm_client,
    arm_id,
    graph_client,
    running,
    small_tenant,
)

pytestmark = pytest.mark.sim
API = "2025-06-01"
KV_B = arm_id(SUB_B, "rg-b", "Microsoft.KeyVault/vaults", "kv-b")
ST_C = arm_id(SUB_C, "rg-c", "Microsoft.Storage/storageAccounts", "st-c")
INSIGHTS = arm_id(SUB_A, "rg-ml", "Microsoft.Insights/components", "aiws1")
REGISTRY = arm_id(SUB_A, "rg-ml", "Microsoft.ContainerRegistry/registries", "acrws1")


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    data = small_tenant()
    data["faults"] = [
        {"method": "get", "path": "/vaults/KV-B$", "status": 500, "times": 1,
         "body": {"error": {"code": "InternalServerError", "message": "boom"}}},
        {"path": "/storageAccounts/st-c$", "raw_body": "{not json"},
        {"path": "/components/aiws1$", "delay_seconds": 0.3, "headers": {"x-test": "delayed"}},
        {"method": "POST", "path": "^/providers/Microsoft.ResourceGraph/resources$", "status": 429,
         "times": 1, "headers": {"x-ms-user-quota-remaining": "0",
                                 "x-ms-user-quota-resets-after": "00:00:01"},
         "body": {"error": {"code": "RateLimiting", "message": "Too many requests"}}},
        {"path": "/registries/acrws1$", "status": 418},
    ]  # fmt: skip
    with running(data) as simulator:
        yield simulator


def test_fault_with_times_one_then_normal_service(sim: Simulator) -> None:
    sim.reset_requests()
    # GET 500 is retried by azure-core at once; the second attempt gets the real document.
    generic = arm_client(sim).resources.get_by_id(KV_B, api_version=API)
    assert generic.name == "kv-b"
    counts = sim.request_counts()
    assert counts["arm.get"] == 2
    assert counts["faults"] == 1
    assert [r.status for r in sim.requests()] == [500, 200]


def test_malformed_raw_body_surfaces_as_decode_error(sim: Simulator) -> None:
    with pytest.raises(DecodeError):
        arm_client(sim).resources.get_by_id(ST_C, api_version=API)
    request = HttpRequest("GET", f"{ST_C}?api-version={API}")
    raw = arm_client(sim).send_request(request, stream=True)
    assert raw.status_code == 200
    assert raw.read() == b"{not json"


def test_delay_only_fault_then_normal_answer(sim: Simulator) -> None:
    started = time.monotonic()
    response = arm_client(sim).send_request(HttpRequest("GET", f"{INSIGHTS}?api-version={API}"))
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200
    assert response.json()["name"] == "aiws1"
    assert response.headers["x-test"] == "delayed"


def test_unlimited_fault_keeps_firing(sim: Simulator) -> None:
    sim.reset_requests()
    client = arm_client(sim)
    statuses = [
        client.send_request(HttpRequest("GET", f"{REGISTRY}?api-version={API}")).status_code
        for _ in range(3)
    ]
    assert statuses == [418, 418, 418]
    assert sim.request_counts()["faults"] == 3


def test_resource_graph_429_without_retry_after_is_not_retried(sim: Simulator) -> None:
    sim.reset_requests()
    client = graph_client(sim)
    with pytest.raises(HttpResponseError) as info:
        client.resources(QueryRequest(query="resources | take 1"))
    assert info.value.status_code == 429
    assert info.value.error is not None
    assert info.value.error.code == "RateLimiting"
    assert isinstance(info.value.response, HttpResponse)
    headers = info.value.response.headers
    assert "Retry-After" not in headers
    assert headers["x-ms-user-quota-remaining"] == "0"
    assert sim.request_counts() == {"resourcegraph.resources": 1, "faults": 1}
    # times: 1 is used up, so the next query is served.
    assert client.resources(QueryRequest(query="resources | take 1")).count == 1


def test_quota_window_throttles_and_resets() -> None:
    data = small_tenant()
    data["resource_graph"] = {"quota": 2, "window_seconds": 0.5}
    with running(data) as sim:
        seen: list[tuple[int, str, str]] = []

        def hook(response: PipelineResponse[HttpRequest, HttpResponse]) -> None:
            http = response.http_response
            headers = http.headers
            seen.append(
                (
                    http.status_code,
                    headers["x-ms-user-quota-remaining"],
                    headers["x-ms-user-quota-resets-after"],
                )
            )

        client = graph_client(sim)
        request = QueryRequest(query="resources | take 1")
        client.resources(request, raw_response_hook=hook)
        client.resources(request, raw_response_hook=hook)
        with pytest.raises(HttpResponseError) as info:
            client.resources(request, raw_response_hook=hook)
        assert info.value.status_code == 429
        assert info.value.error is not None
        assert info.value.error.code == "RateLimiting"
        assert isinstance(info.value.response, HttpResponse)
        assert "Retry-After" not in info.value.response.headers
        assert [(s, r) for s, r, _ in seen] == [(200, "1"), (200, "0"), (429, "0")]
        assert {after for _, _, after in seen} == {"00:00:01"}
        time.sleep(0.55)
        assert client.resources(request).count == 1
        assert sim.request_counts()["resourcegraph.resources"] == 4
