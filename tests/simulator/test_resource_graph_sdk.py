"""Resource Graph through the real ResourceGraphClient: scoping, paging, formats, errors."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, cast

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions, QueryResponse

from auditor.collect.queries import LIST_ATTACHED_RESOURCES, LIST_WORKSPACES
from auditor.simulator import Simulator
from tests.simulator.simkit import SUB_A, SUB_B, SUB_C, WS_ID, graph_client, running, small_tenant

pytestmark = pytest.mark.sim


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    """Twenty-five extra storage accounts so that paging needs several pages."""
    data = small_tenant()
    rg = f"/subscriptions/{SUB_B}/resourceGroups/rg-many/providers/Microsoft.Storage"
    data["resources"] += [
        {"id": f"{rg}/storageAccounts/many{i:02d}", "name": f"many{i:02d}",
         "type": "Microsoft.Storage/storageAccounts", "location": "westeurope"}
        for i in range(25)
    ]  # fmt: skip
    data["resource_graph"]["default_page_size"] = 10
    with running(data) as simulator:
        yield simulator


def rows(page: QueryResponse) -> list[dict[str, Any]]:
    """The objectArray rows of an answer."""
    # The SDK types ``data`` as one JSON object; an objectArray answer is a list of them.
    return cast(list[dict[str, Any]], page.data)


def table(page: QueryResponse) -> Mapping[str, Any]:
    """The table-format data of an answer (``columns`` and ``rows``)."""
    return page.data


def query(
    sim: Simulator, kql: str, headers: list[dict[str, str]] | None = None, **options: Any
) -> QueryResponse:
    subscriptions = options.pop("subscriptions", None)
    management_groups = options.pop("management_groups", None)

    def hook(response: Any) -> None:
        if headers is not None:
            headers.append(dict(response.http_response.headers))

    request = QueryRequest(
        query=kql,
        subscriptions=subscriptions,
        management_groups=management_groups,
        options=QueryRequestOptions(**options) if options else None,
    )
    return graph_client(sim).resources(request, raw_response_hook=hook)


def test_paging_with_skip_token_and_quota_headers(sim: Simulator) -> None:
    sim.reset_requests()
    kql = "resources | where type =~ 'microsoft.storage/storageaccounts' | project id, name"
    headers: list[dict[str, str]] = []
    first = query(sim, kql, headers, subscriptions=[SUB_B])
    names = [row["name"] for row in rows(first)]
    pages = [first]
    while pages[-1].skip_token:
        nxt = query(sim, kql, headers, subscriptions=[SUB_B], skip_token=pages[-1].skip_token)
        pages.append(nxt)
        names += [row["name"] for row in rows(nxt)]
    assert names == [f"many{i:02d}" for i in range(25)]
    assert [p.count for p in pages] == [10, 10, 5]
    assert {p.total_records for p in pages} == {25}
    assert {p.result_truncated for p in pages} == {"false"}
    remaining = [int(h["x-ms-user-quota-remaining"]) for h in headers]
    assert remaining == [999, 998, 997]
    assert all(h["x-ms-user-quota-resets-after"].count(":") == 2 for h in headers)
    assert sim.request_counts()["resourcegraph.resources"] == 3


def test_top_and_skip(sim: Simulator) -> None:
    kql = "resources | where resourceGroup == 'rg-many' | project id, name | order by name asc"
    page = query(sim, kql, top=3, skip=4)
    assert [r["name"] for r in rows(page)] == ["many04", "many05", "many06"]
    assert page.skip_token


def test_result_without_id_is_truncated_instead_of_paged(sim: Simulator) -> None:
    page = query(sim, "resources | project name", top=2)
    assert page.result_truncated == "true"
    assert page.skip_token is None
    assert page.count == 2


def test_table_format(sim: Simulator) -> None:
    page = query(sim, f"resources | where id =~ '{WS_ID}'", result_format="table")
    columns = [c["name"] for c in table(page)["columns"]]
    assert columns[:4] == ["id", "name", "type", "tenantId"]
    assert columns[-1] == "extendedLocation"
    types = {c["name"]: c["type"] for c in table(page)["columns"]}
    assert types["properties"] == "object"
    assert types["name"] == "string"
    [row] = table(page)["rows"]
    assert row[0] == WS_ID
    assert row[2] == "microsoft.machinelearningservices/workspaces"


def test_scope_by_subscription_and_management_group(sim: Simulator) -> None:
    kql = "resources | distinct subscriptionId"
    assert {r["subscriptionId"] for r in rows(query(sim, kql))} == {SUB_A, SUB_B, SUB_C}
    only_c = query(sim, kql, subscriptions=[SUB_C.upper()])
    assert [r["subscriptionId"] for r in rows(only_c)] == [SUB_C]
    ml_group = query(sim, kql, management_groups=["MG-ML"])
    assert [r["subscriptionId"] for r in rows(ml_group)] == [SUB_A]
    root = query(sim, kql, management_groups=["mg-root"])
    assert {r["subscriptionId"] for r in rows(root)} == {SUB_A, SUB_B}


def test_computes_and_denied_resources_are_not_indexed(sim: Simulator) -> None:
    kql = "resources | where type =~ 'microsoft.machinelearningservices/workspaces/computes'"
    assert query(sim, kql).total_records == 0
    assert query(sim, "resources | where name == 'ws-secret'").total_records == 0


def test_auditor_queries_end_to_end(sim: Simulator) -> None:
    workspaces = query(sim, LIST_WORKSPACES, result_format="objectArray")
    assert [r["id"] for r in rows(workspaces)] == [WS_ID]
    attached = query(sim, LIST_ATTACHED_RESOURCES)
    assert sorted(r["name"] for r in rows(attached)) == ["acrws1", "aiws1", "kvws1", "stws1"]


def test_unsupported_kql_answers_400_with_the_envelope(sim: Simulator) -> None:
    headers: list[dict[str, str]] = []
    with pytest.raises(HttpResponseError) as info:
        query(sim, "resources | summarize make_set(name)", headers)
    error = info.value
    assert error.status_code == 400
    assert error.error is not None
    assert error.error.code == "BadRequest"
    assert str(error.error.message).startswith("Please provide below info when asking for support:")
    assert error.response is not None
    body = json.loads(error.response.text())
    details = body["error"]["details"]
    assert details[0]["code"] == "InvalidQuery"
    assert details[1]["code"] == "InvalidQueryLanguage"
    assert details[1]["token"] == "make_set"
    assert "x-ms-user-quota-remaining" in headers[0]


def test_syntax_error_is_a_parser_failure(sim: Simulator) -> None:
    with pytest.raises(HttpResponseError) as info:
        query(sim, "resources | where")
    assert info.value.response is not None
    body = json.loads(info.value.response.text())
    assert body["error"]["details"][1]["code"] == "ParserFailure"


def test_foreign_skip_token_is_rejected(sim: Simulator) -> None:
    first = query(sim, "resources | project id", top=1)
    with pytest.raises(HttpResponseError) as info:
        query(sim, "resources | project id, name", top=1, skip_token=first.skip_token)
    assert info.value.status_code == 400
