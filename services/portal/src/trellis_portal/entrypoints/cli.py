"""`trellis-portal serve`: the web application, its HTTP API and its event consumers."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import time
import urllib.request
from collections.abc import Iterator

import uvicorn

from trellis_portal.adapters.backends import build_backends
from trellis_portal.bootstrap import PortalApp, build_app
from trellis_portal.config import PortalSettings
from trellis_portal.features.signin import demo_personas
from trellis_shared.errors import DependencyUnreachable
from trellis_shared.grpc.server import stop_on_signals
from trellis_shared.grpc.tokens import TokenCodec
from trellis_shared.logging import configure_logging
from trellis_shared.metrics.runtime import serve_metrics
from trellis_shared.startup import check_kafka, check_mongodb, exit_unreachable
from trellis_shared.telemetry import configure_telemetry

log = logging.getLogger("trellis_portal")


class QuietServer(uvicorn.Server):
    """Leaves SIGTERM/SIGINT to our own handler, which stops consumers too."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def run_http(app: PortalApp, stop: asyncio.Event) -> None:
    """Serve HTTP until `stop` is set; then finish the requests in flight."""
    config = uvicorn.Config(
        app.http,
        host=app.settings.portal_host,
        port=app.settings.portal_port,
        log_config=None,  # our JSON logging is already configured
        proxy_headers=True,
        timeout_graceful_shutdown=5,
    )
    server = QuietServer(config)
    serving = asyncio.create_task(server.serve())
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({serving, stopped}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    await serving
    stopped.cancel()


async def serve(settings: PortalSettings) -> None:
    app = build_app(settings)
    try:
        await check_mongodb(app.mongo, settings.mongodb_uri, settings.dependency_timeout_s)
        await check_kafka(settings.kafka_bootstrap, settings.dependency_timeout_s)
        await app.prepare()
        await app.broker.start()
        stop = asyncio.Event()
        stop_on_signals(stop)
        tasks = [asyncio.create_task(work(stop)) for work in app.background]
        # On a port of its own like every service's, not on the public HTTP app.
        database = app.mongo[settings.portal_database]
        tasks.append(
            asyncio.create_task(
                serve_metrics(
                    settings, service="portal", database=database, broker=app.broker, stop=stop
                )
            )
        )
        log.info("portal ready", extra={"url": settings.portal_public_url})
        try:
            await run_http(app, stop)
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            await app.broker.stop()
    finally:
        await app.close()
        with contextlib.suppress(Exception):
            await app.mongo.close()


def wait_until_serving(settings: PortalSettings, timeout_s: float) -> bool:
    """Poll /healthz until the portal answers (for scripts that start it)."""
    url = settings.portal_public_url.rstrip("/") + "/healthz"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as reply:
            if reply.status == 200:
                return True
        time.sleep(0.5)
    return False


async def print_personas(settings: PortalSettings) -> None:
    backends = build_backends(settings, TokenCodec(settings.auth_secret))
    try:
        personas = await demo_personas(backends, settings.portal_hr_department)
    finally:
        await backends.close()
    for persona in personas:
        roles = ", ".join(persona.roles)
        print(f"    {persona.employee_id:<8} {persona.name:<24} {roles:<28} {persona.why}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="trellis-portal")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the web application, HTTP API and event consumers")
    wait = commands.add_parser("wait", help="wait until the portal answers on its public URL")
    wait.add_argument("--timeout", type=float, default=60.0)
    commands.add_parser("personas", help="list the demo people to sign in as (dev sign-in)")
    args = parser.parse_args(argv)
    settings = PortalSettings()
    if args.command == "wait":
        if not wait_until_serving(settings, args.timeout):
            print(
                f"the portal did not answer at {settings.portal_public_url} within {args.timeout} s"
            )
            raise SystemExit(1)
        return
    if args.command == "personas":
        asyncio.run(print_personas(settings))
        return
    configure_logging("portal", settings.log_level)
    configure_telemetry("trellis-portal")
    try:
        asyncio.run(serve(settings))
    except DependencyUnreachable as error:
        exit_unreachable(error)


if __name__ == "__main__":
    main()
