"""The HTTP `/metrics` endpoint Prometheus scrapes, on a port of its own.

A port of its own rather than a route on a service's API: the gRPC services
have no HTTP server, and the portal's is public, while metrics are for the
cluster's scraper only. prometheus_client serves it from a daemon thread, so a
scrape never waits for the event loop (and a busy loop never fails a scrape).
"""

from __future__ import annotations

import logging
import threading
from wsgiref.simple_server import WSGIServer

from prometheus_client import REGISTRY, start_http_server

log = logging.getLogger(__name__)

# One port per service, so that every service runs on one machine side by side
# (`make run`); the gRPC port's last digit, in the 9450s (none of DESIGN.md's).
DEFAULT_PORTS = {
    "skeleton writer": 9450,
    "profiles": 9451,
    "postings": 9452,
    "mentorship": 9453,
    "bidding": 9454,
    "careers": 9455,
    "insights": 9456,
    "portal": 9457,
}


def metrics_port(configured: int | None, service: str) -> int:
    """The port to serve on: TRELLIS_METRICS_PORT, else the service's default; 0 is off."""
    return configured if configured is not None else DEFAULT_PORTS.get(service, 0)


class MetricsEndpoint:
    def __init__(self, host: str, port: int) -> None:
        self._host = host
        self._port = port
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Serve `/metrics`; False (logged as an error) when the port is taken.

        A service whose metrics port is taken keeps serving its users: the
        scraper reports the target down, and the log says why.
        """
        try:
            self._server, self._thread = start_http_server(
                self._port, addr=self._host, registry=REGISTRY
            )
        except OSError as exc:
            log.error(
                "metrics endpoint not started (TRELLIS_METRICS_PORT)",
                extra={"port": self._port, "error": repr(exc)},
            )
            return False
        log.info("metrics endpoint serving", extra={"port": self._port, "path": "/metrics"})
        return True

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
