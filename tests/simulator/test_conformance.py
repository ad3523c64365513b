"""Real Azure payloads (recordings and spec examples) come back verbatim through the real SDK.

The payloads live outside the project in ``../shared/azure-examples`` (see its SOURCES.md); the
tests skip when that directory is absent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, cast

import pytest
from azure.core.rest import HttpRequest
from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

from auditor.ids import parse_arm_id
from auditor.simulator import Simulator
from tests.azure_examples import load_documents
from tests.simulator.simkit import arm_client, graph_client, running

pytestmark = pytest.mark.sim

API = "2025-06-01"


DOCUMENTS = load_documents()


def compact(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    subscriptions = sorted({parse_arm_id(d["id"]).subscription_id for d in DOCUMENTS})
    data = {
        "tenant_id": "00000000-0000-0000-0000-000000000003",
        "subscriptions": [
            {"subscriptionId": s, "displayName": f"sub {i}", "state": "Enabled"}
            for i, s in enumerate(subscriptions)
        ],
        "resources": DOCUMENTS,
        "resource_graph": {"quota": 1000},
        "arm": {"page_size": 1000},
    }
    with running(data) as simulator:
        yield simulator


def test_examples_cover_every_attached_type() -> None:
    types = {parse_arm_id(d["id"]).type.lower() for d in DOCUMENTS}
    assert {
        "microsoft.machinelearningservices/workspaces",
        "microsoft.machinelearningservices/workspaces/computes",
        "microsoft.storage/storageaccounts",
        "microsoft.keyvault/vaults",
        "microsoft.containerregistry/registries",
        "microsoft.insights/components",
    } <= types


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: str(d["name"]))
def test_get_serves_the_document_byte_for_byte(sim: Simulator, doc: dict[str, Any]) -> None:
    client = arm_client(sim)
    raw = client.send_request(HttpRequest("GET", f"{doc['id']}?api-version={API}"), stream=True)
    assert raw.status_code == 200
    body = raw.read()
    assert body == compact(doc)
    assert list(json.loads(body)) == list(doc)  # key order kept
    if not isinstance(doc.get("tags", {}), dict):
        return  # the App Insights spec example has "tags": "", which the SDK's model rejects
    generic = client.resources.get_by_id(doc["id"], api_version=API)
    assert generic.id == doc["id"]
    assert generic.properties == doc.get("properties")
    assert generic.tags == doc.get("tags")


def test_lists_serve_the_documents_verbatim(sim: Simulator) -> None:
    client = arm_client(sim)
    for doc in DOCUMENTS:
        arm = parse_arm_id(doc["id"])
        if len(arm.types) != 1:
            continue
        url = f"/subscriptions/{arm.subscription_id}/providers/{arm.type}?api-version=1"
        value = client.send_request(HttpRequest("GET", url)).json()["value"]
        assert doc in value
        assert compact(doc) in {compact(v) for v in value}


def test_compute_lists_serve_the_recorded_computes(sim: Simulator) -> None:
    client = arm_client(sim)
    computes = [d for d in DOCUMENTS if d["type"].lower().endswith("/workspaces/computes")]
    known = {d["id"].lower() for d in DOCUMENTS}
    parents = {d["id"].rsplit("/computes/", 1)[0] for d in computes}
    workspaces = [w for w in parents if w.lower() in known]
    assert workspaces
    for workspace in workspaces:
        expected = [d for d in computes if d["id"].startswith(workspace + "/")]
        url = f"{workspace}/computes?api-version=2024-04-01"
        response = client.send_request(HttpRequest("GET", url))
        assert response.status_code == 200
        assert response.json()["value"] == expected
    # A compute example whose workspace is not in the examples: its list is a 404, as in Azure.
    for workspace in parents - set(workspaces):
        url = f"{workspace}/computes?api-version=2024-04-01"
        response = client.send_request(HttpRequest("GET", url))
        assert response.json()["error"]["code"] in ("ResourceNotFound", "ResourceGroupNotFound")


def test_resource_graph_rows_carry_the_documents(sim: Simulator) -> None:
    documents = {d["id"]: d for d in DOCUMENTS if "/computes/" not in d["id"].lower()}
    options = QueryRequestOptions(top=1000)
    result = graph_client(sim).resources(QueryRequest(query="resources", options=options))
    assert result.total_records == len(documents)
    # The SDK types ``data`` as one JSON object; the default objectArray answer is a list of them.
    for row in cast(list[dict[str, Any]], result.data):
        doc = documents[row["id"]]
        assert row["type"] == doc["type"].lower()
        assert row["properties"] == doc.get("properties")
        assert row["sku"] == doc.get("sku")
        assert row["identity"] == doc.get("identity")
        assert row["kind"] == (doc.get("kind") or "")
