"""Benchmark: the simulator's own cost per request and per Resource Graph page.

Two figures distort every other benchmark when they are wrong, so both are printed:

- latency: the median and 90th percentile of sequential requests on one kept-alive HTTPS
  connection (GET /subscriptions, and a one-row Resource Graph query);
- per-page cost: a Resource Graph query over a synthetic tenant paged at 1,000 rows, the time of
  its first page (which runs the query) and the mean time of the pages after it (which should not
  grow with the tenant), and how many times the simulator executed the KQL.

Run: ``make bench`` (or ``.venv/bin/python bench/simulator_speed.py [bundles...]``).
"""

import http.client
import json
import ssl
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from inventory_sweep import synthetic_tenant

from auditor.simulator import Simulator, load_tenant, parse_tenant, sample_tenant_path

GRAPH_PATH = "/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01"
PAGE_QUERY = "resources | project id, name, type, properties | order by id asc"


class Client:
    """One kept-alive HTTPS connection to a simulator."""

    def __init__(self, sim: Simulator) -> None:
        address = urlsplit(sim.endpoint)
        context = ssl.create_default_context(cafile=str(sim.ca_file))
        assert address.hostname is not None and address.port is not None
        self._conn = http.client.HTTPSConnection(address.hostname, address.port, context=context)
        self._auth = f"Bearer {sim.token}"

    def send(self, method: str, path: str, body: Any = None) -> tuple[float, Any]:
        """Seconds the request took, and its decoded JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": self._auth, "Content-Type": "application/json"}
        start = time.perf_counter()
        self._conn.request(method, path, body=data, headers=headers)
        raw = self._conn.getresponse().read()
        return time.perf_counter() - start, json.loads(raw)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f} ms"


def latency(repeats: int = 30) -> None:
    """Print the latency of small sequential requests against the sample tenant."""
    with Simulator(load_tenant(sample_tenant_path())) as sim:
        client = Client(sim)
        client.send("GET", "/subscriptions?api-version=2022-12-01")  # handshake, warm-up
        gets = [client.send("GET", "/subscriptions?api-version=2022-12-01")[0] for _ in range(30)]
        one_row = {"query": "resources | project id", "options": {"$top": 1}}
        posts = [client.send("POST", GRAPH_PATH, one_row)[0] for _ in range(repeats)]
        client.close()
    for what, times in (("GET /subscriptions", gets), ("POST Resource Graph, 1 row", posts)):
        p90 = statistics.quantiles(times, n=10)[-1]
        print(f"latency  {what:<28} median {_ms(statistics.median(times))}  p90 {_ms(p90)}")


def page_cost(bundles: int) -> None:
    """Print the cost of paging one Resource Graph query over ``bundles`` workspace bundles."""
    data = synthetic_tenant(bundles)
    data["resource_graph"] = {"quota": 100_000, "window_seconds": 1}
    tenant = parse_tenant(data, source=f"bench-{bundles}")
    with Simulator(tenant) as sim:
        client = Client(sim)
        options: dict[str, Any] = {"$top": 1000}
        times: list[float] = []
        rows = 0
        while True:
            elapsed, page = client.send(
                "POST", GRAPH_PATH, {"query": PAGE_QUERY, "options": options}
            )
            times.append(elapsed)
            rows += len(page["data"])
            token = page.get("$skipToken")
            if not token:
                break
            options["$skipToken"] = token
        executions = sim.query_executions()
        client.close()
    later = statistics.mean(times[1:]) if len(times) > 1 else 0.0
    print(
        f"paging   {bundles:>6} bundles {rows:>6} rows {len(times):>3} pages | "
        f"first {_ms(times[0])} | later pages mean {_ms(later)} | "
        f"total {sum(times):6.2f} s | KQL executions {executions}"
    )


def main() -> None:
    """Latency first, then paging over tenants of the sizes given (default 500, 2000, 5000)."""
    latency()
    for bundles in [int(a) for a in sys.argv[1:]] or [500, 2000, 5000]:
        page_cost(bundles)


if __name__ == "__main__":
    main()
