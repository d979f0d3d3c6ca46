"""/healthz, /readyz and /metrics on their own port (no traffic Service reaches it)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

logger = logging.getLogger(__name__)


@dataclass
class HealthState:
    """What the consume loop tells the probes."""

    liveness_stale_seconds: float = 60.0
    clock: Callable[[], float] = time.monotonic
    running: bool = False
    stopping: bool = False
    last_poll: float | None = None
    assigned: set[tuple[str, int]] = field(default_factory=set)
    dependencies: dict[str, Callable[[], bool]] = field(default_factory=dict)

    def polled(self) -> None:
        self.last_poll = self.clock()

    def live(self) -> tuple[bool, str]:
        if not self.running:
            return False, "the consume loop is not running"
        if (
            self.last_poll is not None
            and self.clock() - self.last_poll > self.liveness_stale_seconds
        ):
            return False, f"no poll for more than {self.liveness_stale_seconds:g} s"
        return True, "ok"

    def ready(self) -> tuple[bool, str]:
        live, why = self.live()
        if not live:
            return False, why
        if self.stopping:
            return False, "shutting down"
        if self.last_poll is None:
            return False, "not polled yet"
        for name, check in self.dependencies.items():
            if not check():
                return False, f"{name} is unreachable"
        return True, "ok"


def _handler(state: HealthState, registry: CollectorRegistry) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._send(200, generate_latest(registry), CONTENT_TYPE_LATEST)
                return
            if path in ("/healthz", "/readyz"):
                ok, why = state.live() if path == "/healthz" else state.ready()
                body = {
                    "status": "ok" if ok else "unavailable",
                    "reason": why,
                    "partitions": len(state.assigned),
                }
                self._send(200 if ok else 503, json.dumps(body).encode(), "application/json")
                return
            self._send(404, b'{"status": "not found"}', "application/json")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Probes every few seconds are not worth a log line."""

    return Handler


class HealthServer:
    """The probes' and Prometheus' HTTP server, in a daemon thread."""

    def __init__(
        self, host: str, port: int, state: HealthState, registry: CollectorRegistry
    ) -> None:
        self._server = ThreadingHTTPServer((host, port), _handler(state, registry))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="health", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> HealthServer:
        self._thread.start()
        logger.info("health and metrics server started", extra={"port": self.port})
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
