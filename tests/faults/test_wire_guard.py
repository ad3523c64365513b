"""The bearer token never leaves the configured endpoints, and the auditor never writes.

A loopback listener on 127.0.0.2 with a certificate the auditor trusts stands for any host on the
internet: planted references, links and redirects point at it, and it must receive nothing.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from azure.core.rest import HttpRequest

from auditor.azure_sdk.clients import ClientFactory
from auditor.azure_sdk.policies import EndpointNotAllowedError
from auditor.azure_sdk.stats import RequestStats
from auditor.findings import Status
from auditor.inventory.model import AttachedRole, LookupState
from auditor.report.model import RunStatus
from tests.conftest import StartSimulator, settings_for
from tests.faults.kit import audit, resource_id, resources_with
from tests.faults.listener import RecordingListener

pytestmark = pytest.mark.sim

WORKSPACE = "mlw-fraud-prod-weu"
ROLE_TYPES = {
    AttachedRole.STORAGE_ACCOUNT: "Microsoft.Storage/storageAccounts",
    AttachedRole.KEY_VAULT: "Microsoft.KeyVault/vaults",
    AttachedRole.CONTAINER_REGISTRY: "Microsoft.ContainerRegistry/registries",
    AttachedRole.APPLICATION_INSIGHTS: "Microsoft.Insights/components",
}


@pytest.fixture
def listener(tmp_path: Path) -> Iterator[RecordingListener]:
    with RecordingListener(tmp_path) as running:
        yield running


def _planted_forms(origin: str, type_: str) -> list[str]:
    host = origin.removeprefix("https://")
    return [
        f"{origin}/a/b/{type_}/x",
        f"//{host}/subscriptions/s/resourceGroups/rg/providers/{type_}/x",
        f"https:/{host}/subscriptions/s/resourceGroups/rg/providers/{type_}/x",
        f"\\\\{host}\\subscriptions\\s\\resourceGroups\\rg\\providers\\{type_}\\x",
        f"/subscriptions/s/resourceGroups/rg/providers/{type_}/x?x={origin}",
        f"/subscriptions/s/resourceGroups/../../..//{host}/providers/{type_}/x",
    ]


@pytest.mark.parametrize("role", list(AttachedRole), ids=lambda r: r.value)
def test_planted_attached_references_are_never_requested(
    role: AttachedRole,
    listener: RecordingListener,
    start_simulator: StartSimulator,
    sample_tenant_data: dict[str, Any],
) -> None:
    forms = _planted_forms(listener.origin, ROLE_TYPES[role])
    # One workspace per form would need more workspaces than the sample has: plant them in turn.
    for planted in forms:

        def plant(doc: dict[str, Any], value: str = planted) -> None:
            doc["properties"][role.workspace_property] = value

        sim = start_simulator(resources=resources_with(sample_tenant_data, {WORKSPACE: plant}))
        result = audit(sim, ca_file=listener.trust_bundle(sim.ca_file)).result
        assert listener.received == [], planted
        ws = next(w for w in result.inventory.workspaces if w.name == WORKSPACE)
        ref = ws.attached[role]
        assert ref is not None and ref.state is LookupState.UNKNOWN, planted
        assert ref.reason is not None and "not requested" in ref.reason
        assert any(
            e.scope == ws.id and e.code == "MalformedResponse" for e in result.inventory.errors
        )
        assert result.run.status is RunStatus.PARTIAL
        assert all(r.path.startswith(("/subscriptions", "/providers")) for r in sim.requests())


def test_reference_of_the_wrong_type_is_not_judged_as_that_role(
    start_simulator: StartSimulator, sample_tenant_data: dict[str, Any]
) -> None:
    # The storage reference names the workspace's key vault: reading it as a storage account would
    # judge the vault's properties under storage rules.
    vault = resource_id(sample_tenant_data, "kv-fraud-prod-weu-01")

    def plant(doc: dict[str, Any]) -> None:
        doc["properties"]["storageAccount"] = vault

    sim = start_simulator(resources=resources_with(sample_tenant_data, {WORKSPACE: plant}))
    found = audit(sim)
    ws = next(w for w in found.result.inventory.workspaces if w.name == WORKSPACE)
    ref = ws.attached[AttachedRole.STORAGE_ACCOUNT]
    assert ref is not None and ref.state is LookupState.UNKNOWN
    as_storage = [
        f for f in found.findings("AML-NET-010") if f.resource_id.lower() == vault.lower()
    ]
    assert [f.status for f in as_storage] == [Status.UNKNOWN]
    assert found.status_of("AML-NET-020", WORKSPACE) is not Status.PASS


def test_next_link_to_another_host_is_not_followed(
    listener: RecordingListener, start_simulator: StartSimulator, sample_tenant_data: dict[str, Any]
) -> None:
    computes = resource_id(sample_tenant_data, WORKSPACE) + "/computes"
    fault = {
        "path": f"^{computes}$",
        "body": {"value": [], "nextLink": f"{listener.origin}{computes}?$skiptoken=2"},
    }
    sim = start_simulator(faults=[fault])
    result = audit(sim, ca_file=listener.trust_bundle(sim.ca_file)).result
    assert listener.received == []
    ws = next(w for w in result.inventory.workspaces if w.name == WORKSPACE)
    assert ws.computes is None and "another host" in (ws.computes_error or "")
    assert result.run.status is RunStatus.PARTIAL


def test_redirect_to_another_host_is_not_followed(
    listener: RecordingListener, start_simulator: StartSimulator, sample_tenant_data: dict[str, Any]
) -> None:
    computes = resource_id(sample_tenant_data, WORKSPACE) + "/computes"
    fault = {
        "path": f"^{computes}$",
        "status": 307,
        "headers": {"Location": f"{listener.origin}{computes}"},
        "body": {},
    }
    sim = start_simulator(faults=[fault])
    result = audit(sim, ca_file=listener.trust_bundle(sim.ca_file)).result
    assert listener.received == []
    ws = next(w for w in result.inventory.workspaces if w.name == WORKSPACE)
    assert ws.computes is None
    assert any(e.status_code == 307 for e in result.inventory.errors)


def test_guard_refuses_other_hosts_plain_http_and_writes(
    listener: RecordingListener, start_simulator: StartSimulator
) -> None:
    sim = start_simulator()
    settings = settings_for(sim)
    settings = settings.model_copy(
        update={
            "cloud": settings.cloud.model_copy(
                update={"ca_file": listener.trust_bundle(sim.ca_file)}
            )
        }
    )
    client = ClientFactory.from_settings(settings, RequestStats()).resource_manager()
    plain = sim.endpoint.replace("https://", "http://")
    refused = [
        HttpRequest("GET", f"{listener.origin}/subscriptions?api-version=2022-12-01"),
        HttpRequest("GET", f"{plain}/subscriptions?api-version=2022-12-01"),
        HttpRequest(
            "GET", f"https://user:pw@{sim.endpoint.removeprefix('https://')}/subscriptions"
        ),
        HttpRequest("PUT", "/subscriptions/s/resourceGroups/rg?api-version=2021-04-01", json={}),
        HttpRequest("DELETE", "/subscriptions/s/resourceGroups/rg?api-version=2021-04-01"),
        HttpRequest("POST", "/subscriptions/s/providers/Microsoft.Storage/register?api-version=1"),
    ]
    sim.reset_requests()
    for request in refused:
        with pytest.raises(EndpointNotAllowedError):
            client.send_request(request)
    assert listener.received == []
    assert sim.requests() == []
    allowed = client.send_request(HttpRequest("GET", "/subscriptions?api-version=2022-12-01"))
    assert allowed.status_code == 200
