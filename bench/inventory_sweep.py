"""Benchmark: the inventory sweep's request count and time as the tenant grows.

Prints, for tenants of increasing size served by the simulator, the HTTP requests per API, the
wall time and the peak Python memory of the collection. Resource Graph requests must stay flat
(two queries, paged at 1,000 rows) while workspaces grow; only computes lists grow per workspace.

Run: ``make bench`` (or ``.venv/bin/python bench/inventory_sweep.py [sizes...]``).
"""

import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from auditor.azure_sdk.clients import ClientFactory
from auditor.azure_sdk.stats import RequestStats
from auditor.collect.context import CollectContext
from auditor.collect.inventory import collect_inventory
from auditor.config import ScopeSettings
from auditor.simulator import Simulator, parse_tenant
from auditor.simulator_config import simulator_settings

SUBSCRIPTIONS = [f"00000000-0000-4000-8000-{i:012d}" for i in range(5)]
ATTACHED = {
    "storageAccount": ("Microsoft.Storage/storageAccounts", "st"),
    "keyVault": ("Microsoft.KeyVault/vaults", "kv"),
    "containerRegistry": ("Microsoft.ContainerRegistry/registries", "cr"),
    "applicationInsights": ("Microsoft.Insights/components", "appi"),
}


def synthetic_tenant(workspaces: int) -> dict[str, Any]:
    """Workspaces spread over five subscriptions, each with four attached resources, 2 computes."""
    resources: list[dict[str, Any]] = []
    for n in range(workspaces):
        sub = SUBSCRIPTIONS[n % len(SUBSCRIPTIONS)]
        rg = f"/subscriptions/{sub}/resourceGroups/rg-{n:05d}"
        props: dict[str, Any] = {"publicNetworkAccess": "Disabled"}
        for prop, (rtype, prefix) in ATTACHED.items():
            rid = f"{rg}/providers/{rtype}/{prefix}{n:05d}"
            props[prop] = rid
            resources.append(
                {
                    "id": rid,
                    "name": f"{prefix}{n:05d}",
                    "type": rtype,
                    "location": "westeurope",
                    "properties": {"publicNetworkAccess": "Disabled"},
                }
            )
        ws_id = f"{rg}/providers/Microsoft.MachineLearningServices/workspaces/mlw{n:05d}"
        resources.append(
            {
                "id": ws_id,
                "name": f"mlw{n:05d}",
                "type": "Microsoft.MachineLearningServices/workspaces",
                "location": "westeurope",
                "properties": props,
            }
        )
        resources.extend(
            {
                "id": f"{ws_id}/computes/c{c}",
                "name": f"c{c}",
                "type": "Microsoft.MachineLearningServices/workspaces/computes",
                "properties": {"computeType": "AmlCompute", "disableLocalAuth": True},
            }
            for c in range(2)
        )
    return {
        "tenant_id": "00000000-0000-4000-8000-00000000aaaa",
        "subscriptions": [
            {"subscriptionId": s, "displayName": f"bench {i}", "state": "Enabled"}
            for i, s in enumerate(SUBSCRIPTIONS)
        ],
        "resources": resources,
        "resource_graph": {"quota": 1000},
    }


def measure(workspaces: int) -> None:
    tenant = parse_tenant(synthetic_tenant(workspaces), source=f"bench-{workspaces}")
    with tempfile.TemporaryDirectory() as state, Simulator(tenant, state_dir=Path(state)) as sim:
        stats = RequestStats()
        settings = simulator_settings(sim.endpoint, sim.ca_file, sim.token)
        ctx = CollectContext(clients=ClientFactory.from_settings(settings, stats))
        tracemalloc.start()
        start = time.perf_counter()
        inventory = collect_inventory(ctx, ScopeSettings(), cloud="custom", now=datetime.now(UTC))
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    counts = stats.snapshot()
    graph = counts["resource_graph"].requests
    arm = counts["arm"].requests
    print(
        f"{workspaces:>6} workspaces {len(inventory.resources):>6} attached | "
        f"resource_graph {graph:>3} requests | arm {arm:>5} requests | "
        f"{elapsed:6.2f} s | peak {peak / 2**20:6.1f} MiB | errors {len(inventory.errors)}"
    )


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10, 100, 500]
    for size in sizes:
        measure(size)


if __name__ == "__main__":
    main()
