"""Helpers for the simulator tests: a static credential, SDK client factories, a small tenant."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from azure.core.credentials import AccessToken
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.resource.subscriptions import SubscriptionClient
from azure.mgmt.resourcegraph import ResourceGraphClient

from auditor.simulator import Simulator, parse_tenant

TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
SUB_A = "11111111-1111-4111-8111-111111111111"
SUB_B = "22222222-2222-4222-8222-222222222222"
SUB_C = "33333333-3333-4333-8333-333333333333"
OBJECT_ID = "44444444-4444-4444-8444-444444444444"
ML = "Microsoft.MachineLearningServices/workspaces"
WS_ID = f"/subscriptions/{SUB_A}/resourceGroups/rg-ml/providers/{ML}/ws1"
DENIED_WS_ID = f"/subscriptions/{SUB_A}/resourceGroups/rg-ml/providers/{ML}/ws-secret"


class StaticCredential:
    """A credential that always hands out the same bearer token."""

    def __init__(self, token: str) -> None:
        self.token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(self.token, int(time.time()) + 3600)


def arm_id(sub: str, rg: str, provider_type: str, name: str) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{provider_type}/{name}"


def resource(rid: str, type_: str, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": rid, "name": rid.rsplit("/", 1)[1], "type": type_}
    doc.update({"location": "eastus", **extra})
    return doc


def small_tenant() -> dict[str, Any]:
    """Three subscriptions, one ML workspace with its four attachments and computes, decoys."""
    rg = f"/subscriptions/{SUB_A}/resourceGroups/rg-ml/providers"
    storage = f"{rg}/Microsoft.Storage/storageAccounts/stws1"
    vault = f"{rg}/Microsoft.KeyVault/vaults/kvws1"
    registry = f"{rg}/Microsoft.ContainerRegistry/registries/acrws1"
    insights = f"{rg}/Microsoft.Insights/components/aiws1"
    workspace_props = {
        # Casing as real workspaces store it: lowercase group keyword, odd provider casing.
        "storageAccount": storage.replace("resourceGroups", "resourcegroups"),
        "keyVault": vault.replace("Microsoft.KeyVault", "Microsoft.Keyvault"),
        "containerRegistry": registry.upper(),
        "applicationInsights": insights.replace("Microsoft.Insights", "microsoft.insights"),
        "publicNetworkAccess": "Enabled",
    }
    resources = [
        resource(WS_ID, ML, kind="Default", properties=workspace_props, sku={"name": "Basic"}),
        resource(storage, "Microsoft.Storage/storageAccounts", kind="StorageV2", properties={}),
        resource(vault, "Microsoft.KeyVault/vaults", properties={"enableRbacAuthorization": True}),
        resource(registry, "Microsoft.ContainerRegistry/registries", properties={}),
        resource(insights, "microsoft.insights/components", kind="web", properties={}),
        # Decoys: same types, not attached to any workspace.
        resource(
            f"{rg}/Microsoft.Storage/storageAccounts/unattached",
            "Microsoft.Storage/storageAccounts",
        ),
        resource(
            arm_id(SUB_B, "rg-b", "Microsoft.KeyVault/vaults", "kv-b"), "Microsoft.KeyVault/vaults"
        ),
        resource(DENIED_WS_ID, ML, properties={"storageAccount": storage}),
        resource(
            arm_id(SUB_C, "rg-c", "Microsoft.Storage/storageAccounts", "st-c"),
            "Microsoft.Storage/storageAccounts",
        ),
    ]
    resources += [
        resource(
            f"{WS_ID}/computes/cpu{i}", f"{ML}/computes", properties={"computeType": "AmlCompute"}
        )
        for i in range(3)
    ]
    resources.append(resource(f"{DENIED_WS_ID}/computes/hidden", f"{ML}/computes"))
    return {
        "tenant_id": TENANT_ID,
        "principal": {"object_id": OBJECT_ID, "display_name": "auditor-test"},
        "subscriptions": [
            {"subscriptionId": SUB_A, "displayName": "ML prod", "state": "Enabled",
             "managementGroups": ["mg-ml", "mg-root"]},
            {"subscriptionId": SUB_B, "displayName": "Shared", "state": "Enabled",
             "managementGroups": ["mg-root"]},
            {"subscriptionId": SUB_C, "displayName": "Legacy", "state": "Disabled"},
        ],
        "resources": resources,
        "access": {"denied": [DENIED_WS_ID]},
        "resource_graph": {"quota": 1000, "window_seconds": 60, "default_page_size": 100},
        "arm": {"page_size": 2},
    }  # fmt: skip


@contextmanager
def running(data: dict[str, Any]) -> Iterator[Simulator]:
    """Start a simulator for tenant data (deep-copied) and stop it afterwards."""
    sim = Simulator(parse_tenant(copy.deepcopy(data), source="test"))
    with sim:
        yield sim


def credential(sim: Simulator) -> StaticCredential:
    return StaticCredential(sim.token)


def arm_client(sim: Simulator, cred: Any = None, **kwargs: Any) -> ResourceManagementClient:
    return ResourceManagementClient(
        cred or credential(sim), SUB_A, base_url=sim.endpoint,
        connection_verify=str(sim.ca_file), **kwargs,
    )  # fmt: skip


def graph_client(sim: Simulator, **kwargs: Any) -> ResourceGraphClient:
    return ResourceGraphClient(
        credential(sim), base_url=sim.endpoint, connection_verify=str(sim.ca_file), **kwargs
    )


def subscription_client(sim: Simulator) -> SubscriptionClient:
    return SubscriptionClient(
        credential(sim), base_url=sim.endpoint, connection_verify=str(sim.ca_file)
    )
