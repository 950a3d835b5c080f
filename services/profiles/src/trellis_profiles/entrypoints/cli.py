"""`trellis-profiles serve | import FILE | generate-org N | demo-org`."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from pathlib import Path

import grpc

from trellis_profiles.adapters.taxonomy_files import load_default_taxonomy
from trellis_profiles.app.org_import import ImportReport
from trellis_profiles.app.synthetic_org import generate_organisation
from trellis_profiles.bootstrap import build_app
from trellis_profiles.config import ProfilesSettings
from trellis_profiles.entrypoints.import_client import (
    BATCH,
    BATCH_TIMEOUT_S,
    import_via_service,
)
from trellis_shared.errors import DependencyUnreachable
from trellis_shared.grpc.tokens import TokenCodec
from trellis_shared.logging import configure_logging
from trellis_shared.service_runtime import run_service
from trellis_shared.startup import exit_unreachable
from trellis_shared.telemetry import configure_telemetry

log = logging.getLogger("trellis_profiles")


async def serve(settings: ProfilesSettings) -> None:
    app = build_app(settings)
    await run_service(
        settings,
        name="profiles",
        mongo=app.mongo,
        broker=app.broker,
        grpc=app.grpc,
        relay=app.relay,
        prepare=app.repository.ensure_indexes,
        ready_details={"skills_in_taxonomy": len(app.taxonomy)},
        readers=[app.snapshots],
    )


class ProgressBar:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._started = time.monotonic()
        self._drawn = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._drawn < 0.1:
            return
        self._drawn = now
        width = 30
        filled = int(width * done / total) if total else width
        rate = done / max(now - self._started, 1e-9)
        sys.stderr.write(
            f"\r{self._label} [{'#' * filled}{'.' * (width - filled)}] "
            f"{done}/{total} rows ({rate:,.0f} rows/s)"
        )
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


async def import_file(settings: ProfilesSettings, text: str, fmt: str) -> ImportReport:
    address = settings.profiles_client_addr
    try:
        return await import_via_service(
            address,
            TokenCodec(settings.auth_secret),
            load_default_taxonomy(),
            text,
            fmt,
            ProgressBar("import"),
        )
    except grpc.aio.AioRpcError as error:
        if error.code() is grpc.StatusCode.DEADLINE_EXCEEDED:
            raise SystemExit(
                f"[trellis] import: the profiles service at {address} took longer than "
                f"{BATCH_TIMEOUT_S}s for one batch of {BATCH}; see its log for the slow step"
            ) from None
        if error.code() is grpc.StatusCode.UNAVAILABLE:
            raise SystemExit(
                f"[trellis] import: the profiles service does not answer at {address} "
                "(TRELLIS_PROFILES_CLIENT_ADDR); start it with `trellis-profiles serve` "
                "or `make run`"
            ) from None
        raise


def print_report(report: ImportReport, seconds: float) -> None:
    print(
        f"[trellis] import: {report.rows} rows, {report.created_or_changed} created or "
        f"changed, {report.unchanged} unchanged, {len(report.rejected)} rejected "
        f"in {seconds:.1f}s"
    )
    for rejection in report.rejected:
        who = f" ({rejection.employee_id})" if rejection.employee_id else ""
        print(f"  line {rejection.line}{who}: {rejection.reason}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="trellis-profiles")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the gRPC service, outbox relay and consumers")
    importer = commands.add_parser("import", help="import an organisation (CSV or JSON)")
    importer.add_argument("file", type=Path)
    importer.add_argument("--format", choices=["csv", "json"])
    generator = commands.add_parser("generate-org", help="print a synthetic organisation (JSON)")
    generator.add_argument("size", type=int)
    generator.add_argument("--seed", type=int, default=7)
    commands.add_parser("demo-org", help="import the demo organisation (idempotent)")
    args = parser.parse_args(argv)
    settings = ProfilesSettings()
    configure_logging("profiles", settings.log_level)
    configure_telemetry("trellis-profiles")
    try:
        if args.command == "serve":
            asyncio.run(serve(settings))
        elif args.command == "generate-org":
            records = generate_organisation(args.size, load_default_taxonomy(), args.seed)
            json.dump({"people": records}, sys.stdout, indent=1)
        else:
            if args.command == "import":
                fmt = args.format or ("json" if args.file.suffix == ".json" else "csv")
                text = args.file.read_text()
            else:
                fmt = "json"
                text = json.dumps(
                    generate_organisation(settings.profiles_demo_size, load_default_taxonomy())
                )
            started = time.monotonic()
            report = asyncio.run(import_file(settings, text, fmt))
            print_report(report, time.monotonic() - started)
    except DependencyUnreachable as error:
        exit_unreachable(error)


if __name__ == "__main__":
    main()
