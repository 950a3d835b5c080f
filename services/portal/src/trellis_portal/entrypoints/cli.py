"""`trellis-portal serve`: the web application, its HTTP API and its event consumers."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from collections.abc import Iterator

import uvicorn

from trellis_portal.bootstrap import PortalApp, build_app
from trellis_portal.config import PortalSettings
from trellis_shared.errors import DependencyUnreachable
from trellis_shared.grpc.server import stop_on_signals
from trellis_shared.logging import configure_logging
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="trellis-portal")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the web application, HTTP API and event consumers")
    args = parser.parse_args(argv)
    settings = PortalSettings()
    configure_logging("portal", settings.log_level)
    configure_telemetry("trellis-portal")
    if args.command == "serve":
        try:
            asyncio.run(serve(settings))
        except DependencyUnreachable as error:
            exit_unreachable(error)


if __name__ == "__main__":
    main()
