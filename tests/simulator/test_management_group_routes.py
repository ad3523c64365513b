"""Management Groups API (descendants) through the real SDK pipeline, and its tenant-file checks."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from azure.core.rest import HttpRequest

from auditor.simulator import Simulator, TenantError, parse_tenant
from tests.simulator.simkit import (
    OBJECT_ID,
    SUB_A,
    SUB_B,
    SUB_C,
    TENANT_ID,
    arm_client,
    running,
    small_tenant,
)

pytestmark = pytest.mark.sim

MG = "/providers/Microsoft.Management/managementGroups"
API = "2020-05-01"
GROUP_TYPE = "Microsoft.Management/managementGroups"
SUBSCRIPTION_TYPE = "Microsoft.Management/managementGroups/subscriptions"


def tenant_with_groups() -> dict[str, Any]:
    """The small tenant (SUB_A in mg-ml in mg-root, SUB_B in mg-root, SUB_C in the root group)
    plus a fourth subscription in mg-hidden, a denied group under mg-root."""
    data = small_tenant()
    data["subscriptions"].append(
        {
            "subscriptionId": "55555555-5555-4555-8555-555555555555",
            "displayName": "Hidden",
            "state": "Enabled",
            "managementGroups": ["mg-hidden", "mg-root", TENANT_ID],
        }
    )
    data["access"]["denied"].append(f"{MG}/mg-hidden")
    return data


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    with running(tenant_with_groups()) as simulator:
        yield simulator


def descendants(sim: Simulator, group: str) -> tuple[list[dict[str, Any]], int]:
    """Every entry of a descendants listing, following nextLink; and the number of pages."""
    client = arm_client(sim)
    url: str | None = f"{MG}/{group}/descendants?api-version={API}"
    entries: list[dict[str, Any]] = []
    pages = 0
    while url:
        response = client.send_request(HttpRequest("GET", url))
        response.raise_for_status()
        page = response.json()
        entries += page["value"]
        pages += 1
        url = page.get("nextLink")
    return entries, pages


def test_descendants_entries_have_the_documented_shape(sim: Simulator) -> None:
    entries, _ = descendants(sim, "mg-root")
    group = next(e for e in entries if e["type"] == GROUP_TYPE)
    # Key order and nesting as in the GetDescendants example of the API specification.
    assert group == {
        "name": "mg-ml",
        "type": GROUP_TYPE,
        "id": f"{MG}/mg-ml",
        "properties": {"displayName": "mg-ml", "parent": {"id": f"{MG}/mg-root"}},
    }
    subscription = next(e for e in entries if e["name"] == SUB_B)
    assert subscription == {
        "name": SUB_B,
        "type": SUBSCRIPTION_TYPE,
        "id": f"/subscriptions/{SUB_B}",
        "properties": {"displayName": "Shared", "parent": {"id": f"{MG}/mg-root"}},
    }


def test_descendants_reach_every_depth_and_page_with_next_links(sim: Simulator) -> None:
    entries, pages = descendants(sim, TENANT_ID)
    names = [(e["type"], e["name"]) for e in entries]
    # The root group holds mg-root and SUB_C (which lists no group); mg-root holds mg-ml and SUB_B;
    # mg-ml holds SUB_A. The denied mg-hidden and its subscription are left out.
    assert names == [
        (GROUP_TYPE, "mg-root"),
        (SUBSCRIPTION_TYPE, SUB_C),
        (GROUP_TYPE, "mg-ml"),
        (SUBSCRIPTION_TYPE, SUB_B),
        (SUBSCRIPTION_TYPE, SUB_A),
    ]
    assert pages == 3  # arm.page_size is 2
    sub_c = next(e for e in entries if e["name"] == SUB_C)
    assert sub_c["properties"]["parent"]["id"] == f"{MG}/{TENANT_ID}"


def test_group_names_match_in_any_casing(sim: Simulator) -> None:
    entries, _ = descendants(sim, "MG-ML")
    assert [e["name"] for e in entries] == [SUB_A]


def test_unknown_group_is_404(sim: Simulator) -> None:
    response = arm_client(sim).send_request(
        HttpRequest("GET", f"{MG}/mg-nope/descendants?api-version={API}")
    )
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "NotFound",
        "message": f"'{MG}/mg-nope' not found",
    }


def test_descendants_need_an_api_version(sim: Simulator) -> None:
    response = arm_client(sim).send_request(HttpRequest("GET", f"{MG}/mg-ml/descendants"))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "MissingApiVersionParameter"


def test_denied_group_is_403_with_the_descendants_action(sim: Simulator) -> None:
    response = arm_client(sim).send_request(
        HttpRequest("GET", f"{MG}/mg-hidden/descendants?api-version={API}")
    )
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "AuthorizationFailed"
    assert f"'{GROUP_TYPE}/descendants/read' over scope '{MG}/mg-hidden'" in error["message"]
    assert OBJECT_ID in error["message"]
    [request] = [r for r in sim.requests() if r.path.endswith("/mg-hidden/descendants")]
    assert request.route == "managementgroups.descendants"


def test_a_denied_subscription_is_left_out() -> None:
    data = tenant_with_groups()
    data["access"]["denied"].append(f"/subscriptions/{SUB_B}")
    with running(data) as simulator:
        entries, _ = descendants(simulator, "mg-root")
    assert [e["name"] for e in entries] == ["mg-ml", SUB_A]


def _error(data: dict[str, Any]) -> str:
    with pytest.raises(TenantError) as info:
        parse_tenant(data, source="bad.yaml")
    return str(info.value)


def test_groups_derive_from_the_subscriptions_lists() -> None:
    tenant = parse_tenant(tenant_with_groups(), source="t")
    parents = {g.name: g.parent for g in tenant.management_groups}
    assert parents == {
        TENANT_ID: None,
        "mg-ml": "mg-root",
        "mg-root": TENANT_ID,
        "mg-hidden": "mg-root",
    }


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        (
            ["mg-ml", "mg-other"],
            "bad.yaml: subscriptions[3].managementGroups[0]: 'mg-ml' sits in 'mg-other' here but "
            "in 'mg-root' at subscriptions[0].managementGroups[0]",
        ),
        (
            [TENANT_ID, "mg-x"],
            "bad.yaml: subscriptions[3].managementGroups[0]: the root group can only be listed "
            "last",
        ),
        (
            ["mg-x", "MG-X"],
            "bad.yaml: subscriptions[3].managementGroups[1]: 'MG-X' is listed twice",
        ),
        (["mg x"], "bad.yaml: subscriptions[3].managementGroups[0]: 'mg x' is not a management"),
    ],
)
def test_groups_that_do_not_form_one_tree_are_rejected(groups: list[str], expected: str) -> None:
    data = tenant_with_groups()
    data["subscriptions"][3]["managementGroups"] = groups
    data["access"]["denied"].pop()
    assert _error(data).startswith(expected)


def test_denied_group_must_exist() -> None:
    data = copy.deepcopy(small_tenant())
    data["access"]["denied"].append(f"{MG}/mg-typo")
    assert _error(data) == (
        "bad.yaml: access.denied[1]: no subscription lists management group 'mg-typo'"
    )


def test_denied_entry_must_be_a_subscription_scope_or_a_group() -> None:
    data = copy.deepcopy(small_tenant())
    data["access"]["denied"].append("/providers/Microsoft.Storage/storageAccounts/x")
    assert _error(data).startswith("bad.yaml: access.denied[1]: ")
    data["access"]["denied"][1] = f"{MG}/mg-ml/extra"
    assert _error(data).startswith("bad.yaml: access.denied[1]: ")
