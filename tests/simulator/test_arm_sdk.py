"""ARM routes through the real SDK clients: subscriptions, GET by id, lists, computes, errors."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urljoin, urlparse

import pytest
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
)
from azure.core.rest import HttpRequest, HttpResponse
from azure.core.utils import case_insensitive_dict

from auditor.simulator import Simulator
from tests.simulator.simkit import (
    DENIED_WS_ID,
    ML,
    OBJECT_ID,
    SUB_A,
    SUB_B,
    SUB_C,
    TENANT_ID,
    WS_ID,
    StaticCredential,
    arm_client,
    subscription_client,
)

pytestmark = pytest.mark.sim
API = "2025-06-01"


def get_json(sim: Simulator, url: str) -> dict[str, Any]:
    response = arm_client(sim).send_request(HttpRequest("GET", url))
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def test_subscriptions_list_pages_through_next_links(fresh_counts: Simulator) -> None:
    subs = list(subscription_client(fresh_counts).subscriptions.list())
    assert [s.subscription_id for s in subs] == [SUB_A, SUB_B, SUB_C]
    assert subs[0].tenant_id == TENANT_ID
    assert subs[0].display_name == "ML prod"
    assert subs[2].state == "Disabled"
    assert subs[0].authorization_source == "RoleBased"
    # page_size is 2, so three subscriptions take two requests.
    assert fresh_counts.request_counts()["subscriptions.list"] == 2


def test_subscriptions_list_envelope(small_sim: Simulator) -> None:
    body = get_json(small_sim, "/subscriptions?api-version=2022-12-01")
    assert body["count"] == {"type": "Total", "value": 3}
    next_link = body["nextLink"]
    assert isinstance(next_link, str)
    assert next_link.startswith(f"{small_sim.endpoint}/subscriptions?api-version=2022-12-01&")
    first = body["value"][0]
    assert first["id"] == f"/subscriptions/{SUB_A}"
    assert first["managedByTenants"] == []
    assert set(first["subscriptionPolicies"]) == {"locationPlacementId", "quotaId", "spendingLimit"}


def test_get_by_id_returns_the_document_and_records_the_version(fresh_counts: Simulator) -> None:
    generic = arm_client(fresh_counts).resources.get_by_id(WS_ID, api_version=API)
    assert generic.id == WS_ID
    assert generic.properties is not None
    assert generic.properties["publicNetworkAccess"] == "Enabled"
    assert generic.sku is not None
    assert generic.sku.name == "Basic"
    [request] = fresh_counts.requests()
    assert (request.route, request.status, request.api_version) == ("arm.get", 200, API)


def test_get_by_id_is_case_insensitive_and_serves_stored_casing(small_sim: Simulator) -> None:
    generic = arm_client(small_sim).resources.get_by_id(WS_ID.lower(), api_version=API)
    assert generic.id == WS_ID


def test_ml_answers_carry_aml_headers(small_sim: Simulator) -> None:
    response = arm_client(small_sim).send_request(HttpRequest("GET", f"{WS_ID}?api-version={API}"))
    assert response.headers["x-aml-cluster"]
    assert response.headers["x-ms-response-type"] == "standard"
    assert float(response.headers["x-request-time"]) >= 0
    assert response.headers["x-ms-ratelimit-remaining-subscription-global-reads"] == "3749"
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["x-ms-request-id"] != response.headers["x-ms-correlation-request-id"]
    assert "Server" not in response.headers


@pytest.mark.parametrize(
    ("rid", "code", "message"),
    [
        (
            f"/subscriptions/{SUB_A}/resourceGroups/rg-ml/providers/{ML}/nope",
            "ResourceNotFound",
            f"The Resource '{ML}/nope' under resource group 'rg-ml' was not found.",
        ),
        (
            f"/subscriptions/{SUB_A}/resourceGroups/rg-none/providers/{ML}/ws1",
            "ResourceGroupNotFound",
            "Resource group 'rg-none' could not be found.",
        ),
        (
            f"/subscriptions/99999999-9999-4999-8999-999999999999/resourceGroups/rg/providers/{ML}/x",
            "SubscriptionNotFound",
            "The subscription '99999999-9999-4999-8999-999999999999' could not be found.",
        ),
    ],
)
def test_404_envelopes(small_sim: Simulator, rid: str, code: str, message: str) -> None:
    with pytest.raises(ResourceNotFoundError) as info:
        arm_client(small_sim).resources.get_by_id(rid, api_version=API)
    assert info.value.status_code == 404
    assert info.value.error is not None
    assert info.value.error.code == code
    assert str(info.value.error.message).startswith(message)


def test_denied_resource_answers_authorization_failed(small_sim: Simulator) -> None:
    with pytest.raises(HttpResponseError) as info:
        arm_client(small_sim).resources.get_by_id(DENIED_WS_ID, api_version=API)
    assert info.value.status_code == 403
    assert info.value.error is not None
    assert info.value.error.code == "AuthorizationFailed"
    assert info.value.error.message == (
        f"The client '{OBJECT_ID}' with object id '{OBJECT_ID}' does not have authorization to "
        f"perform action '{ML}/read' over scope '{DENIED_WS_ID}' or the scope is invalid. If "
        "access was recently granted, please refresh your credentials."
    )


def test_denied_scope_wins_over_existence(small_sim: Simulator) -> None:
    with pytest.raises(HttpResponseError) as info:
        arm_client(small_sim).resources.get_by_id(f"{DENIED_WS_ID}/computes/nope", api_version=API)
    assert info.value.status_code == 403
    assert info.value.error is not None
    assert f"'{ML}/computes/read'" in str(info.value.error.message)


def test_wrong_token_raises_client_authentication_error(small_sim: Simulator) -> None:
    client = arm_client(small_sim, StaticCredential("not-the-token"))
    with pytest.raises(ClientAuthenticationError) as info:
        client.resources.get_by_id(WS_ID, api_version=API)
    assert info.value.status_code == 401
    assert info.value.error is not None
    assert info.value.error.code == "InvalidAuthenticationToken"
    assert isinstance(info.value.response, HttpResponse)
    challenge = info.value.response.headers["WWW-Authenticate"]
    assert challenge.startswith(f'Bearer authorization_uri="https://login.windows.net/{TENANT_ID}"')
    assert 'error="invalid_token"' in challenge
    assert "claims" not in challenge


def test_missing_authorization_header(small_sim: Simulator) -> None:
    context = ssl.create_default_context(cafile=str(small_sim.ca_file))
    url = f"{small_sim.endpoint}{WS_ID}?api-version={API}"
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url, context=context, timeout=10)
    assert info.value.code == 401
    assert json.loads(info.value.read())["error"]["code"] == "AuthenticationFailed"
    assert info.value.headers["WWW-Authenticate"].startswith("Bearer authorization_uri=")


def next_request(next_link: str, api_version: str) -> HttpRequest:
    """Build the follow-up request exactly as the generated azure-mgmt pagers do."""
    parsed = urlparse(next_link)
    params = case_insensitive_dict(
        {key: [quote(v) for v in values] for key, values in parse_qs(parsed.query).items()}
    )
    params["api-version"] = api_version
    return HttpRequest("GET", urljoin(next_link, parsed.path), params=params)


def collect_pages(sim: Simulator, url: str) -> tuple[list[dict[str, object]], int]:
    """Follow next links like the SDK pager, which swaps in its own api-version."""
    client = arm_client(sim)
    items: list[dict[str, object]] = []
    pages = 0
    request = HttpRequest("GET", url)
    while True:
        body = client.send_request(request).json()
        pages += 1
        items += body["value"]
        link = body.get("nextLink")
        if not link:
            return items, pages
        assert link.startswith(f"{sim.endpoint}/subscriptions/")
        request = next_request(link, "2099-01-01")


def test_list_by_type_pages_and_hides_denied(fresh_counts: Simulator) -> None:
    url = f"/subscriptions/{SUB_A}/providers/{ML}?api-version={API}"
    items, pages = collect_pages(fresh_counts, url)
    assert [i["id"] for i in items] == [WS_ID]  # ws-secret is denied
    assert pages == 1
    storage = (
        f"/subscriptions/{SUB_A}/providers/Microsoft.Storage/storageAccounts?api-version={API}"
    )
    items, pages = collect_pages(fresh_counts, storage)
    assert [i["name"] for i in items] == ["stws1", "unattached"]
    assert pages == 1
    all_subs = [
        f"/subscriptions/{sub}/resourceGroups/rg-ml/providers/{ML}/ws1/computes?api-version={API}"
        for sub in (SUB_A,)
    ]
    items, pages = collect_pages(fresh_counts, all_subs[0])
    assert [i["name"] for i in items] == ["cpu0", "cpu1", "cpu2"]
    assert pages == 2  # page_size 2
    counts = fresh_counts.request_counts()
    assert counts["arm.list"] == 2
    assert counts["ml.computes.list"] == 2
    versions = [r.api_version for r in fresh_counts.requests() if r.route == "ml.computes.list"]
    assert versions == [API, "2099-01-01"]


def test_resource_group_list_and_unknown_group(small_sim: Simulator) -> None:
    url = f"/subscriptions/{SUB_A}/resourceGroups/RG-ML/providers/Microsoft.KeyVault/vaults"
    assert [v["name"] for v in get_json(small_sim, f"{url}?api-version=1")["value"]] == ["kvws1"]
    with pytest.raises(HttpResponseError) as info:
        get_json(small_sim, url.replace("RG-ML", "rg-gone") + "?api-version=1")
    assert info.value.status_code == 404
    assert info.value.error is not None
    assert info.value.error.code == "ResourceGroupNotFound"


def test_computes_list_matches_the_workspace_case_insensitively(small_sim: Simulator) -> None:
    client = arm_client(small_sim)
    request = HttpRequest("GET", f"{WS_ID.upper()}/computes?api-version={API}")
    body = client.send_request(request).json()
    assert [c["name"] for c in body["value"]] == ["cpu0", "cpu1"]
    assert "nextLink" in body


def test_computes_of_unknown_or_denied_workspace(small_sim: Simulator) -> None:
    client = arm_client(small_sim)
    missing = client.send_request(HttpRequest("GET", f"{WS_ID}x/computes?api-version={API}"))
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "ResourceNotFound"
    denied = client.send_request(HttpRequest("GET", f"{DENIED_WS_ID}/computes?api-version={API}"))
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "AuthorizationFailed"


def test_unmatched_and_missing_api_version(fresh_counts: Simulator) -> None:
    client = arm_client(fresh_counts)
    unknown = client.send_request(HttpRequest("GET", "/providers/Microsoft.Nothing?api-version=1"))
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "NotFound"
    no_version = client.send_request(HttpRequest("GET", WS_ID))
    assert no_version.status_code == 400
    assert no_version.json()["error"]["code"] == "MissingApiVersionParameter"
    counts = fresh_counts.request_counts()
    assert counts["unmatched"] == 1
    assert counts["arm.get"] == 1


def test_bad_skip_token_is_rejected(small_sim: Simulator) -> None:
    url = f"/subscriptions/{SUB_A}/providers/{ML}?api-version=1&$skipToken=bm9wZQ%3D%3D"
    response = arm_client(small_sim).send_request(HttpRequest("GET", url))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "InvalidSkipToken"


@pytest.mark.parametrize("key", ["$skiptoken", "%24skiptoken", "$skipToken", "%24SkipToken"])
def test_skip_token_spellings_and_escapes_are_accepted(small_sim: Simulator, key: str) -> None:
    base = f"/subscriptions/{SUB_A}/resourceGroups/rg-ml/providers/{ML}/ws1/computes"
    link = get_json(small_sim, f"{base}?api-version={API}")["nextLink"]
    assert isinstance(link, str)
    token = unquote(link.partition("$skiptoken=")[2])
    upper = quote(token, safe="")  # upper-case escapes, unlike the lower-case ones ARM sends
    second = get_json(small_sim, f"{base}?api-version=x&{key}={upper}")
    assert [c["name"] for c in second["value"]] == ["cpu2"]
    assert "nextLink" not in second
