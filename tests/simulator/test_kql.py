"""The KQL subset, run directly against the `resources` table built from a tenant."""

from __future__ import annotations

from typing import Any

import pytest

from auditor.collect.queries import LIST_ATTACHED_RESOURCES, LIST_WORKSPACES, RESOURCE_COLUMNS
from auditor.simulator import parse_tenant
from auditor.simulator.catalog import GRAPH_COLUMNS, Catalog
from auditor.simulator.kql import KqlError, Table, run_query
from tests.simulator.simkit import SUB_A, SUB_B, SUB_C, TENANT_ID, WS_ID, small_tenant

ALL_SUBS = {SUB_A.lower(), SUB_B.lower(), SUB_C.lower()}


@pytest.fixture(scope="module")
def table() -> Table:
    catalog = Catalog(parse_tenant(small_tenant(), source="t"))
    return Table(GRAPH_COLUMNS, tuple(catalog.graph_rows(ALL_SUBS)))


def run(table: Table, query: str) -> Table:
    return run_query(query, {"resources": table})


def names(result: Table) -> list[Any]:
    return [row["name"] for row in result.rows]


def test_resources_table_has_resource_graph_columns(table: Table) -> None:
    ws = next(r for r in table.rows if r["id"] == WS_ID)
    assert ws["type"] == "microsoft.machinelearningservices/workspaces"
    assert ws["tenantId"] == TENANT_ID
    assert ws["resourceGroup"] == "rg-ml"
    assert ws["subscriptionId"] == SUB_A
    assert ws["managedBy"] == ""
    assert ws["plan"] is None
    assert ws["extendedLocation"] is None
    assert ws["kind"] == "Default"


def test_computes_and_denied_resources_are_not_in_the_table(table: Table) -> None:
    types = {r["type"] for r in table.rows}
    assert "microsoft.machinelearningservices/workspaces/computes" not in types
    assert "ws-secret" not in names(table)


def test_list_workspaces_query(table: Table) -> None:
    result = run(table, LIST_WORKSPACES)
    assert list(result.columns) == [c.strip() for c in RESOURCE_COLUMNS.split(",")]
    assert [r["id"] for r in result.rows] == [WS_ID]


def test_list_attached_resources_matches_case_insensitively(table: Table) -> None:
    result = run(table, LIST_ATTACHED_RESOURCES)
    # The workspace writes `resourcegroups`, `Microsoft.Keyvault`, an upper-cased registry id and
    # `microsoft.insights`; all four attachments are found, the decoys are not.
    assert sorted(names(result)) == ["acrws1", "aiws1", "kvws1", "stws1"]
    assert list(result.columns) == [c.strip() for c in RESOURCE_COLUMNS.split(",")]
    assert [r["id"] for r in result.rows] == sorted(str(r["id"]) for r in result.rows)


def test_where_comparisons_are_case_sensitive_or_not_as_in_kql(table: Table) -> None:
    assert names(run(table, "resources | where name == 'WS1'")) == []
    assert names(run(table, "resources | where name =~ 'WS1'")) == ["ws1"]
    assert "ws1" not in names(run(table, "resources | where name !~ 'WS1'"))
    assert "ws1" in names(run(table, "resources | where name != 'WS1'"))
    assert names(run(table, "resources | where name in ('KVWS1', 'kv-b')")) == ["kv-b"]
    assert names(run(table, "resources | where name in~ ('KVWS1', 'kv-b')")) == ["kvws1", "kv-b"]
    assert "kvws1" not in names(run(table, "Resources | where name !in~ ('KVWS1')"))


def test_property_access_and_null_safety(table: Table) -> None:
    query = """resources
    | where properties.enableRbacAuthorization == true and isnull(properties.missing.deeper)
    | project name, rbac = tobool(properties['enableRbacAuthorization']), gone = properties.nope"""
    result = run(table, query)
    assert result.rows == ({"name": "kvws1", "rbac": True, "gone": None},)


def test_functions(table: Table) -> None:
    query = """resources | where name == 'ws1'
    | project u = toupper(name), s = tostring(sku), e = tostring(properties.none),
              n = toint('42'), a = array_length(pack_array(1, 'x', true)), l = strlen(name),
              c = coalesce(properties.none, '', 'fallback'), ie = isempty(''),
              ine = isnotempty(kind),
              nn = isnotnull(sku), neg = not(name == 'ws1'), lt = 1 < 2, ge = 'a' >= 'b'"""
    assert run(table, query).rows == (
        {
            "u": "WS1", "s": '{"name":"Basic"}', "e": "", "n": 42, "a": 3, "l": 3,
            "c": "fallback", "ie": True, "ine": True, "nn": True, "neg": False, "lt": True,
            "ge": False,
        },
    )  # fmt: skip


def test_order_by_defaults_to_descending_and_take_limits(table: Table) -> None:
    desc = names(
        run(table, "resources | where type =~ 'microsoft.storage/storageaccounts' | order by name")
    )
    assert desc == sorted(desc, reverse=True)
    assert names(run(table, "resources | sort by name asc | take 2")) == sorted(names(table))[:2]
    assert len(run(table, "resources | limit 3").rows) == 3


def test_project_away_extend_distinct(table: Table) -> None:
    result = run(table, "resources | extend t = type | project-away id, name | distinct t")
    assert result.columns == ("t",)
    assert len(result.rows) == len({r["type"] for r in table.rows})
    extended = run(table, "resources | take 1 | extend a = 1, b = a")
    assert extended.columns[-2:] == ("a", "b")
    assert extended.rows[0]["b"] == 1


def test_mv_expand_and_join_suffix(table: Table) -> None:
    query = """resources | where name == 'ws1'
    | mv-expand k = pack_array(tolower(tostring(properties.keyVault)), 'none')
    | extend k = tostring(k)
    | join kind=leftouter (resources | project k = tolower(id), name) on k
    | project k, name, name1, k1"""
    result = run(table, query)
    assert [r["name1"] for r in result.rows] == ["kvws1", None]
    assert result.rows[0]["k"] == result.rows[0]["k1"]


def test_join_kinds(table: Table) -> None:
    left = "resources | where type =~ 'microsoft.storage/storageaccounts' | project k = 'x', name"
    right = "(resources | take 2 | project k = 'x', other = name)"
    inner = run(table, f"{left} | join kind=inner {right} on k")
    unique = run(table, f"{left} | join {right} on k")
    count = len(run(table, left).rows)
    assert len(inner.rows) == count * 2
    assert len(unique.rows) == 2  # innerunique keeps one left row per key


def test_summarize_count_names_columns_like_resource_graph(table: Table) -> None:
    result = run(table, "resources | summarize count() by tostring(properties.publicNetworkAccess)")
    assert result.columns == ("properties_publicNetworkAccess", "count_")
    assert {"properties_publicNetworkAccess": "Enabled", "count_": 1} in result.rows
    assert run(table, "resources | where name == 'none' | count").rows == ({"Count": 0},)


@pytest.mark.parametrize(
    ("query", "code", "token"),
    [
        ("resources | parse id with x", "InvalidQueryLanguage", "parse"),
        ("resources | where name contains 'a'", "InvalidQueryLanguage", "contains"),
        ("resources | where name = 'a'", "ParserFailure", "="),
        ("resources | where name == 'a", "ParserFailure", "'"),
        ("resources | project", "ParserFailure", ""),
        ("resources | frobnicate", "ParserFailure", "frobnicate"),
        ("resources | extend x = strcat(name)", "UnknownFunction", "strcat"),
        ("resources | where nmae == 'a'", "SemanticError", "nmae"),
        ("resourcecontainers | take 1", "DisallowedLogicalTableName", "resourcecontainers"),
        ("resources | join kind=fullouter (resources) on id", "InvalidQueryLanguage", "fullouter"),
        ("resources | summarize dcount(id)", "InvalidQueryLanguage", "dcount"),
        ("resources | where tolower() == 'a'", "ParserFailure", "tolower"),
    ],
)
def test_unsupported_or_invalid_queries_fail_with_a_code(query: str, code: str, token: str) -> None:
    with pytest.raises(KqlError) as info:
        run_query(query, {"resources": Table(GRAPH_COLUMNS, ())})
    detail = info.value.detail()
    assert (detail["code"], detail["token"]) == (code, token)
    assert isinstance(detail["message"], str) and detail["message"]


def test_error_position_is_reported() -> None:
    with pytest.raises(KqlError) as info:
        run_query("resources\n| where nmae == 1", {"resources": Table(GRAPH_COLUMNS, ())})
    assert (info.value.line, info.value.column) == (2, 8)
