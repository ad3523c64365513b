"""A loopback HTTPS listener that records every request it receives.

It stands for an attacker's host: its certificate is trusted by the auditor (as any public
certificate would be in Azure), so a request that reaches it would carry the bearer token.
Tests assert that it never receives anything.
"""

from __future__ import annotations

import ssl
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

import trustme

HOST = "127.0.0.2"


@dataclass(frozen=True)
class Received:
    """One request the listener saw."""

    method: str
    path: str
    authorization: str | None


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _record(self) -> None:
        self.server.received.append(
            Received(self.command, self.path, self.headers.get("Authorization"))
        )
        body = b'{"value": []}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _record

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__((HOST, 0), _Handler)
        self.received: list[Received] = []


class RecordingListener:
    """``with RecordingListener(tmp) as listener: ...``; ``listener.received`` lists requests."""

    def __init__(self, state_dir: Path) -> None:
        """Prepare a CA and a certificate for 127.0.0.2 in ``state_dir``."""
        self._dir = state_dir
        self._ca = trustme.CA()
        self._server: _Server | None = None

    def __enter__(self) -> RecordingListener:
        """Listen on 127.0.0.2 with a certificate the auditor will trust."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._ca.issue_cert(HOST).configure_cert(context)
        server = _Server()
        server.socket = context.wrap_socket(server.socket, server_side=True)
        self._server = server
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def origin(self) -> str:
        """``https://127.0.0.2:<port>``."""
        assert self._server is not None
        return f"https://{HOST}:{self._server.server_address[1]}"

    @property
    def received(self) -> list[Received]:
        """Every request so far."""
        assert self._server is not None
        return list(self._server.received)

    def trust_bundle(self, simulator_ca: Path) -> Path:
        """A CA file trusting both the simulator and this listener, as Azure trusts public CAs."""
        bundle = self._dir / "bundle.pem"
        listener_ca = self._ca.cert_pem.bytes()
        bundle.write_bytes(simulator_ca.read_bytes() + b"\n" + listener_ca)
        return bundle
