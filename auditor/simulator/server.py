"""The HTTPS server: TLS with a throw-away CA, threads, and the public Simulator class."""

from __future__ import annotations

import contextlib
import logging
import secrets
import shutil
import socket
import ssl
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

import trustme

from auditor.simulator.responses import Reply
from auditor.simulator.service import RecordedRequest, Service
from auditor.simulator.tenant import Tenant

logger = logging.getLogger(__name__)

CERT_NAMES = ("127.0.0.1", "localhost", "*.vault.localhost")
IDLE_TIMEOUT_SECONDS = 30.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], service: Service) -> None:
        super().__init__(address, _Handler)
        self.service = service
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def nodelay(self) -> list[bool]:
        """For each open client connection, whether Nagle's algorithm is off on it."""
        with self._open_lock:
            sockets = list(self._open)
        flags = []
        for sock in sockets:
            with contextlib.suppress(OSError):  # closed meanwhile
                flags.append(bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)))
        return flags

    def close_connections(self) -> None:
        """Cut kept-alive client connections so that their handler threads end."""
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):  # already closed by the peer
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that reject the certificate or drop the connection are normal in tests.
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT_SECONDS
    # Nagle's algorithm holds a small write back until the previous one is acknowledged, and the
    # client delays that ACK (40 ms on Linux): every answer sent in two writes stalled that long.
    # Answers are one write now; TCP_NODELAY keeps any other write (send_error) from stalling.
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        # The listening socket defers the TLS handshake so the accept loop never blocks on it.
        self.request.do_handshake()

    def send_response(self, code: int, message: str | None = None) -> None:
        # Like the base class, minus its "Server: BaseHTTP/..." header, which Azure never sends.
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s - %s", self.address_string(), format % args)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        body = self._read_body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        reply = self.server.service.answer(self.command, self.path, headers, body)
        self.log_request(reply.status)
        self.wfile.write(self._head(reply) + reply.body)

    def _head(self, reply: Reply) -> bytes:
        """Status line and headers, as ``send_response``/``send_header`` would write them."""
        phrase = self.responses.get(reply.status, ("",))[0]
        lines = [f"{self.protocol_version} {reply.status} {phrase}"]
        lines.append(f"Date: {self.date_time_string()}")
        for name, value in reply.headers.items():
            lines.append(f"{name}: {value}")
            if name.lower() == "connection" and value.lower() == "close":
                self.close_connection = True
        lines.append(f"Content-Length: {len(reply.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "strict")

    do_GET = _serve
    do_POST = _serve
    do_PUT = _serve
    do_PATCH = _serve
    do_DELETE = _serve


class Simulator:
    """A local HTTPS server that answers like Azure for one tenant.

    Use as a context manager, or call ``start()``/``stop()``. Each start makes a new CA, server
    certificate, bearer token and (with ``port=0``) port.
    """

    def __init__(
        self,
        tenant: Tenant,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        state_dir: Path | None = None,
    ) -> None:
        """Configure the simulator; nothing listens until ``start()``.

        Args:
            tenant: The tenant to serve.
            host: Address to bind.
            port: Port to bind; 0 lets the OS choose.
            state_dir: Where to write ``ca.pem``; a temporary directory (removed on stop) if None.
        """
        self.tenant = tenant
        self.tenant_id = tenant.tenant_id
        self._host = host
        self._port = port
        self._state_dir = state_dir
        self._temp_dir: Path | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._service: Service | None = None
        self._ca_file: Path | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        """Create the CA and certificate, bind, and serve in a background thread.

        Raises:
            RuntimeError: The simulator is already running.
        """
        if self._server is not None:
            raise RuntimeError("the simulator is already running")
        ca = trustme.CA()
        cert = ca.issue_cert(*CERT_NAMES)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(context)
        directory = self._state_dir
        if directory is None:
            directory = self._temp_dir = Path(tempfile.mkdtemp(prefix="azure-sim-"))
        directory.mkdir(parents=True, exist_ok=True)
        self._ca_file = directory / "ca.pem"
        ca.cert_pem.write_to_path(str(self._ca_file))
        self._service = Service(self.tenant, secrets.token_urlsafe(32))
        server = _Server((self._host, self._port), self._service)
        server.socket = context.wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        logger.info("Azure simulator for tenant %s on %s", self.tenant_id, self.endpoint)

    def stop(self) -> None:
        """Stop serving, close client connections and remove the temporary directory."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None

    def __enter__(self) -> Simulator:
        """Start and return the simulator."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the simulator."""
        self.stop()

    # -- what clients need ----------------------------------------------------------------------

    def _running(self) -> tuple[_Server, Service]:
        if self._server is None or self._service is None:
            raise RuntimeError("the simulator is not running; call start() first")
        return self._server, self._service

    @property
    def endpoint(self) -> str:
        """Base URL, e.g. ``https://127.0.0.1:51234``."""
        server, _ = self._running()
        host, port = server.server_address[:2]
        return f"https://{host!s}:{port}"

    @property
    def ca_file(self) -> Path:
        """PEM file of the CA that signed the server certificate."""
        self._running()
        assert self._ca_file is not None
        return self._ca_file

    @property
    def token(self) -> str:
        """The bearer token the simulator accepts."""
        return self._running()[1].token

    # -- what tests inspect ---------------------------------------------------------------------

    def request_counts(self) -> dict[str, int]:
        """Requests so far by route name; faulted answers also count under ``faults``."""
        return self._running()[1].request_counts()

    def requests(self) -> list[RecordedRequest]:
        """Every request so far, oldest first."""
        return self._running()[1].requests()

    def reset_requests(self) -> None:
        """Forget recorded requests, counts and query executions (quota and fault budgets, and
        kept query results, are kept)."""
        self._running()[1].reset_requests()

    def query_executions(self) -> int:
        """Resource Graph queries run since start or reset; pages served from a kept result
        do not count."""
        return self._running()[1].query_results.executions

    def connections_without_nagle(self) -> list[bool]:
        """For each open client connection, whether TCP_NODELAY is set on the accepted socket."""
        return self._running()[0].nodelay()
