"""The simulator's speed: no Nagle stall on answers, one run per paged Resource Graph query.

Timing on a shared machine is noisy, so each defect is pinned by its mechanism (the socket option,
the TLS records of one answer, a count of query executions); the one latency check is generous.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import statistics
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from auditor.simulator import Simulator
from auditor.simulator.kql import Table
from auditor.simulator.query_results import QueryResults
from tests.simulator.simkit import SUB_B, running, small_tenant

pytestmark = pytest.mark.sim

GRAPH = "/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01"
SUBSCRIPTIONS = "/subscriptions?api-version=2022-12-01"
TLS_APPLICATION_DATA = 23


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    """The small tenant plus forty storage accounts, so that queries take many pages."""
    data = small_tenant()
    rg = f"/subscriptions/{SUB_B}/resourceGroups/rg-many/providers/Microsoft.Storage"
    data["resources"] += [
        {"id": f"{rg}/storageAccounts/st{i:02d}", "name": f"st{i:02d}",
         "type": "Microsoft.Storage/storageAccounts", "location": "westeurope"}
        for i in range(40)
    ]  # fmt: skip
    data["resource_graph"] = {"quota": 100_000, "window_seconds": 1}
    with running(data) as simulator:
        yield simulator


class Connection:
    """One kept-alive HTTPS connection, as a client library would hold it."""

    def __init__(self, sim: Simulator) -> None:
        address = urlsplit(sim.endpoint)
        assert address.hostname is not None and address.port is not None
        context = ssl.create_default_context(cafile=str(sim.ca_file))
        self.conn = http.client.HTTPSConnection(address.hostname, address.port, context=context)
        self.auth = f"Bearer {sim.token}"

    def send(self, method: str, path: str, body: object = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        self.conn.request(method, path, body=data, headers={"Authorization": self.auth})
        response = self.conn.getresponse()
        return json.loads(response.read())


class RecordCountingClient:
    """A TLS client over a plain socket that sees the TLS records each answer arrives in."""

    def __init__(self, sim: Simulator) -> None:
        address = urlsplit(sim.endpoint)
        assert address.hostname is not None and address.port is not None
        self.token = sim.token
        self.sock = socket.create_connection((address.hostname, address.port), timeout=10)
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        context = ssl.create_default_context(cafile=str(sim.ca_file))
        self.tls = context.wrap_bio(self.incoming, self.outgoing, server_hostname="127.0.0.1")
        self.pending = b""
        while True:
            try:
                self.tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                self._flush()
                self.incoming.write(self._recv())
        self._flush()

    def _flush(self) -> None:
        data = self.outgoing.read()
        if data:
            self.sock.sendall(data)

    def _recv(self) -> bytes:
        data = self.sock.recv(65536)
        assert data, "the simulator closed the connection"
        return data

    def _next_record(self) -> tuple[int, bytes]:
        while len(self.pending) < 5 or len(self.pending) < 5 + int.from_bytes(self.pending[3:5]):
            self.pending += self._recv()
        size = 5 + int.from_bytes(self.pending[3:5])
        record, self.pending = self.pending[:size], self.pending[size:]
        return record[0], record

    def get(self, path: str) -> int:
        """Send a GET; the number of application-data records its whole answer came in."""
        request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {self.token}"
        self.tls.write(f"{request}\r\n\r\n".encode())
        self._flush()
        answer, records = b"", 0
        while not _complete(answer):
            kind, record = self._next_record()
            records += kind == TLS_APPLICATION_DATA
            self.incoming.write(record)
            try:
                while True:
                    answer += self.tls.read(65536)
            except ssl.SSLWantReadError:
                pass  # the record was consumed: a session ticket, or part of the answer
        return records

    def close(self) -> None:
        self.sock.close()


def _complete(answer: bytes) -> bool:
    head, found, body = answer.partition(b"\r\n\r\n")
    if not found:
        return False
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return len(body) >= length


def test_accepted_connections_have_nagle_off(sim: Simulator) -> None:
    connection = Connection(sim)
    connection.send("GET", SUBSCRIPTIONS)
    # While the client keeps its connection alive, the server holds the accepted socket open.
    assert sim.connections_without_nagle() == [True]
    connection.conn.close()


def test_an_answer_is_one_write(sim: Simulator) -> None:
    client = RecordCountingClient(sim)
    try:
        client.get(SUBSCRIPTIONS)  # the first answer may share its records with session tickets
        # Status line, headers and body written together arrive as one TLS record; written
        # apart they take two, and the second waited for the client's delayed ACK.
        assert client.get(SUBSCRIPTIONS) == 1
        assert client.get("/subscriptions/nope?api-version=2022-12-01") == 1
    finally:
        client.close()


def test_sequential_requests_do_not_stall(sim: Simulator) -> None:
    connection = Connection(sim)
    connection.send("GET", SUBSCRIPTIONS)
    times = []
    for _ in range(30):
        start = time.perf_counter()
        connection.send("GET", SUBSCRIPTIONS)
        times.append(time.perf_counter() - start)
    connection.conn.close()
    # A Nagle stall costs 40 ms or more per answer; an unstalled one takes about a millisecond.
    assert statistics.median(times) < 0.02


def _all_pages(connection: Connection, query: str, top: int) -> tuple[list[Any], int]:
    options: dict[str, Any] = {"$top": top}
    rows: list[Any] = []
    pages = 0
    while True:
        page = connection.send("POST", GRAPH, {"query": query, "options": options})
        rows += page["data"]
        pages += 1
        if "$skipToken" not in page:
            return rows, pages
        options["$skipToken"] = page["$skipToken"]


def test_a_paged_query_runs_once(sim: Simulator) -> None:
    connection = Connection(sim)
    query = "resources | project id, name | order by id asc"
    whole = connection.send("POST", GRAPH, {"query": query, "options": {"$top": 1000}})["data"]
    sim.reset_requests()
    rows, pages = _all_pages(connection, query, top=3)
    assert pages >= 10
    assert rows == whole
    assert sim.query_executions() == 1
    assert sim.request_counts()["resourcegraph.resources"] == pages


def test_a_page_whose_result_was_dropped_runs_the_query_again(sim: Simulator) -> None:
    connection = Connection(sim)
    query = "resources | project id | order by id asc"
    first = connection.send("POST", GRAPH, {"query": query, "options": {"$top": 5}})
    # Seventeen more paged queries push the first result out of the bounded store.
    for n in range(17):
        other = f"resources | where name != 'x{n}' | project id"
        page = connection.send("POST", GRAPH, {"query": other, "options": {"$top": 5}})
        assert "$skipToken" in page
    sim.reset_requests()
    options = {"$top": 5, "$skipToken": first["$skipToken"]}
    second = connection.send("POST", GRAPH, {"query": query, "options": options})
    whole = connection.send("POST", GRAPH, {"query": query, "options": {"$top": 1000}})["data"]
    assert first["data"] + second["data"] == whole[:10]
    assert sim.query_executions() == 2  # the dropped result, then the whole query


def _table(n: int) -> Table:
    return Table(("id",), tuple({"id": str(i)} for i in range(n)))


def test_kept_results_are_bounded_in_number_and_age() -> None:
    now = [0.0]
    results = QueryResults(max_results=2, max_age_seconds=10.0, clock=lambda: now[0])
    a = results.keep("listing-a", _table(1))
    b = results.keep("listing-b", _table(2))
    assert results.get(a, "listing-a") is not None
    c = results.keep("listing-c", _table(3))  # b is now the least recently used
    assert results.get(b, "listing-b") is None
    assert results.get(a, "listing-b") is None  # a result serves only its own listing
    assert len(results) == 2
    now[0] = 10.5
    assert results.get(a, "listing-a") is None
    assert results.get(c, "listing-c") is None
    assert len(results) == 0


def test_executions_count_queries_run_not_results_served() -> None:
    results = QueryResults()
    table = results.run(lambda: _table(4))
    results.get(results.keep("l", table), "l")
    assert results.executions == 1
    results.reset_executions()
    assert results.executions == 0
