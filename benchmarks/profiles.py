"""Profiles service benchmarks on a real Kafka and a real MongoDB-wire database.

The service runs as `trellis-profiles serve` in its own OS process (a
ReplicaSet of one, later of two), as in production; this process only drives it.

- import: N synthetic employees through the running service's ImportProfiles
  RPC (the path `trellis-profiles import` takes), against a bare `insert_many`
  of the same number of documents of a stored profile's size (target: the
  import reaches at least 0.3x the baseline's rows/s);
- get: GetProfile under concurrent load (32 clients over several channels,
  fixed duration), against a bare grpc.aio server answering the same bytes
  with a reply of the same size and no interceptors (target: at least 0.3x the
  echo's req/s, p99 at most 5x p50); then the same load spread round-robin over
  two replicas (separate processes) next to one;
- search: SearchProfiles by three common skills over the imported people
  (target: p99 under 50 ms), against `find_one` by `_id` on the same collection.

Infrastructure: TRELLIS_KAFKA_BOOTSTRAP / TRELLIS_MONGODB_URI when both are
set; otherwise the embedded stack (deploy/local/stack.sh), started and stopped
again if it was not running. Everything lives under a fresh database and a
fresh topic prefix, both removed at the end.

Knobs: TRELLIS_BENCH_PEOPLE (10000), TRELLIS_BENCH_LOAD_SECONDS (10),
TRELLIS_BENCH_IMPORT_ONLY (set: the import and its baseline only, e.g. for
100,000 people),
TRELLIS_BENCH_SEARCHES (200). Import and search also stop at a time budget,
TRELLIS_BENCH_IMPORT_BUDGET_S (600) and TRELLIS_BENCH_SEARCH_BUDGET_S (45), and
say so; the later benchmarks then run over the people imported. Targets are
information only: timings on a shared 2-core machine are too noisy to fail a
build on.

`python -m benchmarks.profiles` runs these benchmarks alone; with
`--load-generator` it is the load generator child (config on stdin, result on
stdout), so the GetProfile clients do not share the server's event loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import random
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import bson
import grpc
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from trellis.profiles.v1 import profiles_pb2 as pb
from trellis.profiles.v1 import profiles_pb2_grpc as rpc
from trellis_profiles.adapters.taxonomy_files import load_default_taxonomy
from trellis_profiles.app.synthetic_org import generate_organisation
from trellis_profiles.config import ProfilesSettings
from trellis_profiles.entrypoints.import_client import import_via_service
from trellis_shared.contracts.bidding import AWARD_TOPIC
from trellis_shared.contracts.mentorship import MATCH_TOPIC
from trellis_shared.contracts.postings import APPLICATION_TOPIC, OPPORTUNITY_TOPIC
from trellis_shared.contracts.profiles import PROFILE_SNAPSHOT_TOPIC, PROFILE_TOPIC
from trellis_shared.grpc.tokens import Principal, TokenCodec
from trellis_shared.kafka.topics import (
    TopicSpec,
    dead_letter_topic,
    delete_topics,
    ensure_topics,
    load_manifest,
)
from trellis_shared.settings import embedded_kafka_bootstrap, embedded_mongodb_uri
from trellis_shared.testing.infrastructure import STACK_SCRIPT, unique_suffix
from trellis_shared.testing.replicas import ROUND_ROBIN, ReplicaSet, service_replicas

REPO_ROOT = Path(__file__).resolve().parents[1]
TOPICS_MANIFEST = REPO_ROOT / "deploy" / "topics.toml"
SECRET = "profiles-benchmark-secret-long-enough-for-hs256"
CODEC = TokenCodec(SECRET)
SERVICE_CALLER = Principal("bench-load", frozenset({"service"}))
# What the profiles service produces and consumes (the test harness's list).
SERVICE_TOPICS = (
    PROFILE_SNAPSHOT_TOPIC,
    PROFILE_TOPIC,
    AWARD_TOPIC,
    APPLICATION_TOPIC,
    OPPORTUNITY_TOPIC,
    MATCH_TOPIC,
)
GET_PROFILE_METHOD = "/trellis.profiles.v1.ProfileService/GetProfile"
ECHO_SERVICE = "bench.Echo"
ECHO_METHOD = f"/{ECHO_SERVICE}/Echo"
LOAD_GENERATOR_FLAG = "--load-generator"
LOAD_CHANNELS = 4
LOAD_CLIENTS = 32
LOAD_WARMUP_S = 3.0  # long enough for the service to have read the sampled people once
REPLICA_WARMUP_S = 5.0
SAMPLED_PEOPLE = 500
SEARCH_MIN_LEVEL = 2
SEARCH_PAGE_SIZE = 20
IMPORT_CHUNK = 1000  # rows per import_via_service call: the budget is checked this often
BASELINE_BATCH = 1000  # documents per bare insert_many
OUTBOX_WAIT_S = 600.0  # the relay publishes one event at a time
# Targets of the scale-out issue (information only: the machine is shared and noisy).
IMPORT_TARGET = 0.3  # import rows/s over bare insert_many docs/s, at least
GET_THROUGHPUT_TARGET = 0.3  # GetProfile req/s over echo req/s, at least
GET_TAIL_TARGET = 5.0  # GetProfile p99 over its p50, at most
SEARCH_P99_TARGET_MS = 50.0


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of values already sorted ascending."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass(frozen=True)
class Latencies:
    p50_ms: float
    p99_ms: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Latencies:
        ordered = sorted(seconds)
        return cls(percentile(ordered, 0.50) * 1000, percentile(ordered, 0.99) * 1000)

    def __str__(self) -> str:
        return f"p50 {self.p50_ms:7.2f} ms  p99 {self.p99_ms:7.2f} ms"


# --------------------------------------------------------------------------
# Infrastructure: where Kafka and the database are, started if need be
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoints:
    kafka_bootstrap: str
    mongodb_uri: str
    origin: str


def stack(command: str, *, quiet: bool = False) -> int:
    result = subprocess.run(
        ["bash", str(STACK_SCRIPT), command], capture_output=quiet, check=False, text=True
    )
    return result.returncode


@contextmanager
def infrastructure() -> Iterator[Endpoints]:
    """External servers from the environment, else the embedded stack (stopped if we started it)."""
    kafka = os.environ.get("TRELLIS_KAFKA_BOOTSTRAP")
    mongo = os.environ.get("TRELLIS_MONGODB_URI")
    if kafka and mongo:
        yield Endpoints(kafka, mongo, "environment")
        return
    started_here = stack("status", quiet=True) != 0
    try:
        # Inside the try: a half-started stack (Kafka up, FerretDB not) is stopped too.
        if started_here and stack("up") != 0:
            raise RuntimeError(f"`{STACK_SCRIPT} up` failed (see its output above)")
        yield Endpoints(
            kafka or embedded_kafka_bootstrap(),
            mongo or embedded_mongodb_uri(),
            "embedded stack, started here" if started_here else "embedded stack, already running",
        )
    finally:
        if started_here:
            stack("down")


def run_on_stack(name: str, run: Callable[[Endpoints], Coroutine[Any, Any, None]]) -> int:
    """Run a benchmark on the stack; 0 when it ran, 1 (with the traceback) when it could not."""
    quiet_library_logs()
    try:
        with infrastructure() as endpoints:
            asyncio.run(run(endpoints))
    except Exception as error:
        traceback.print_exc()
        print(f"[trellis] bench: {name} failed: {error!r}", file=sys.stderr)
        return 1
    return 0


def service_topic_specs(prefix: str, names: Sequence[str] = SERVICE_TOPICS) -> list[TopicSpec]:
    """The topics under `prefix`, with the manifest's partitions and policies."""
    declared = {spec.name: spec for spec in load_manifest(TOPICS_MANIFEST)}
    specs = []
    for name in names:
        spec = declared.get(name, TopicSpec(name=name))
        specs.append(
            TopicSpec(
                name=prefix + name,
                partitions=spec.partitions,
                retention_ms=spec.retention_ms,
                compacted=spec.compacted,
                configs=spec.configs,
            )
        )
        specs.append(TopicSpec(name=dead_letter_topic(prefix + name), partitions=1))
    return specs


@asynccontextmanager
async def bench_topics(
    bootstrap: str, prefix: str, names: Sequence[str] = SERVICE_TOPICS
) -> AsyncIterator[None]:
    specs = service_topic_specs(prefix, names)
    try:
        await ensure_topics(bootstrap, specs)
        yield
    finally:
        await delete_topics(bootstrap, [spec.name for spec in specs])


# --------------------------------------------------------------------------
# The service, in this process, as `trellis-profiles serve` starts it
# --------------------------------------------------------------------------


@dataclass
class RunningService:
    settings: ProfilesSettings
    replicas: ReplicaSet
    mongo: AsyncMongoClient[Any]
    stub: rpc.ProfileServiceAsyncStub

    @property
    def address(self) -> str:
        return self.replicas.addresses[0]

    @property
    def database(self) -> AsyncDatabase[Any]:
        return self.mongo[self.settings.profiles_database]

    @property
    def profiles(self) -> AsyncCollection[dict[str, Any]]:
        return self.database["profiles"]


def bench_settings(endpoints: Endpoints, suffix: str) -> ProfilesSettings:
    return ProfilesSettings(
        kafka_bootstrap=endpoints.kafka_bootstrap,
        mongodb_uri=endpoints.mongodb_uri,
        auth_secret=SECRET,
        profiles_addr="127.0.0.1:0",
        profiles_database=f"bench_{suffix}_profiles",
        profiles_consumer_group=f"bench-profiles-{suffix}",
        topic_prefix=f"bench.{suffix}.",
    )


def replica_set(settings: ProfilesSettings, log_dir: Path) -> ReplicaSet:
    return service_replicas(
        "profiles",
        kafka_bootstrap=settings.kafka_bootstrap,
        mongodb_uri=settings.mongodb_uri,
        auth_secret=settings.auth_secret,
        topic_prefix=settings.topic_prefix,
        database=settings.profiles_database,
        consumer_group=settings.profiles_consumer_group,
        log_dir=log_dir,
        count=1,
        ready_timeout_s=600,  # a replica loads every profile before it serves
    )


@asynccontextmanager
async def running_service(
    settings: ProfilesSettings, log_dir: Path
) -> AsyncIterator[RunningService]:
    """`trellis-profiles serve` in its own process; stopped and the database dropped after."""
    replicas = replica_set(settings, log_dir / "first")
    mongo: AsyncMongoClient[Any] = AsyncMongoClient(settings.mongodb_uri)
    try:
        await replicas.start()
        async with grpc.aio.insecure_channel(replicas.addresses[0]) as channel:
            yield RunningService(settings, replicas, mongo, rpc.ProfileServiceStub(channel))
    finally:
        await replicas.stop()
        await mongo.drop_database(settings.profiles_database)
        await mongo.close()


@asynccontextmanager
async def second_replica(service: RunningService, log_dir: Path) -> AsyncIterator[str]:
    """Another replica on the same database and topics; yields a round-robin target of both."""
    replicas = replica_set(service.settings, log_dir / "second")
    try:
        await replicas.start()
        yield "ipv4:" + ",".join([service.address, *replicas.addresses])
    finally:
        await replicas.stop()


# --------------------------------------------------------------------------
# 1. Import
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChunkTiming:
    rows: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.rows / self.seconds


@dataclass(frozen=True)
class ImportFigures:
    requested: int
    budget_s: float
    chunks: list[ChunkTiming]
    changed: int
    rejected: int
    import_s: float

    @property
    def imported(self) -> int:
        return sum(chunk.rows for chunk in self.chunks)


@dataclass(frozen=True)
class OutboxState:
    drained_after_s: float | None  # None: still pending when the wait ended
    pending_profiles: int


async def timed_import(
    service: RunningService, records: Sequence[dict[str, Any]], budget_s: float
) -> ImportFigures:
    """Import in chunks, in file order (managers first), until done or over budget.

    Chunks let a slow database stop the run at the budget instead of running for an
    hour, and show how the per-row cost moves as the collection grows.
    """
    taxonomy = load_default_taxonomy()
    chunks: list[ChunkTiming] = []
    changed = rejected = 0
    started = time.perf_counter()
    for first in range(0, len(records), IMPORT_CHUNK):
        if time.perf_counter() - started > budget_s:
            break
        chunk = records[first : first + IMPORT_CHUNK]
        chunk_started = time.perf_counter()
        report = await import_via_service(
            service.address, CODEC, taxonomy, json.dumps(chunk), "json"
        )
        chunks.append(ChunkTiming(len(chunk), time.perf_counter() - chunk_started))
        changed += report.created_or_changed
        rejected += len(report.rejected)
    elapsed = time.perf_counter() - started
    return ImportFigures(len(records), budget_s, chunks, changed, rejected, elapsed)


async def wait_for_outbox(
    profiles: AsyncCollection[dict[str, Any]], timeout_s: float
) -> OutboxState:
    """Wait until the relay has put every event on Kafka; polled slowly (it may be a scan)."""
    started = time.perf_counter()
    pending: dict[str, Any] = {"outbox_pending": {"$gt": 0}}
    while await profiles.find_one(pending, {"_id": 1}) is not None:
        if time.perf_counter() - started > timeout_s:
            return OutboxState(None, await profiles.count_documents(pending))
        await asyncio.sleep(1.0)
    return OutboxState(time.perf_counter() - started, 0)


async def stored_profile_template(profiles: AsyncCollection[dict[str, Any]]) -> dict[str, Any]:
    """A stored profile document without its id: the size a bare insert should write."""
    document = await profiles.find_one({"state.org.ladder": "individual_contributor"})
    if document is None:
        raise RuntimeError("no imported profile found to size the baseline document")
    document.pop("_id")
    return document


async def bare_insert_seconds(
    database: AsyncDatabase[Any], template: dict[str, Any], count: int
) -> float:
    scratch = database["bench_scratch"]
    try:
        started = time.perf_counter()
        for first in range(0, count, BASELINE_BATCH):
            last = min(count, first + BASELINE_BATCH)
            await scratch.insert_many(
                [{**template, "_id": f"scratch-{n:07d}"} for n in range(first, last)],
                ordered=False,
            )
        return time.perf_counter() - started
    finally:
        await scratch.drop()


def report_import(figures: ImportFigures, outbox: OutboxState) -> None:
    stopped = (
        f"; stopped at the {figures.budget_s:.0f} s budget, {figures.requested:,} requested"
        if figures.imported < figures.requested
        else ""
    )
    print(
        f"import     {figures.imported:,} people via ImportProfiles in {figures.import_s:7.1f} s = "
        f"{figures.imported / figures.import_s:8,.0f} rows/s   ({figures.changed:,} written, "
        f"{figures.rejected} rejected{stopped})"
    )
    first, last = figures.chunks[0], figures.chunks[-1]
    print(
        f"           per {IMPORT_CHUNK}-row chunk: first {first.per_second:,.0f} rows/s, "
        f"last {last.per_second:,.0f} rows/s ({len(figures.chunks)} chunks)"
    )
    if outbox.drained_after_s is not None:
        drained_s = outbox.drained_after_s
        print(f"           outbox: every event on Kafka {drained_s:.1f} s after the import")
    else:
        print(
            f"           outbox: NOT drained "
            f"{0 if os.environ.get('TRELLIS_BENCH_IMPORT_ONLY') else OUTBOX_WAIT_S:.0f} s "
            "after the import; "
            f"{outbox.pending_profiles:,} profiles still hold unpublished events"
        )


def report_bare_inserts(figures: ImportFigures, baseline_s: float, document_bytes: int) -> None:
    ratio = baseline_s / figures.import_s
    print(
        f"           baseline {figures.imported:,} bare insert_many ({BASELINE_BATCH} a call) of "
        f"{document_bytes:,} B in {baseline_s:7.1f} s = {figures.imported / baseline_s:8,.0f} "
        f"docs/s   ratio import/baseline {ratio:5.2f}x (target >= {IMPORT_TARGET}x, information)"
    )


async def bench_import(
    service: RunningService, records: Sequence[dict[str, Any]]
) -> Sequence[dict[str, Any]]:
    """Import (as much as the budget allows) and return the people now in the service."""
    budget_s = float(env_int("TRELLIS_BENCH_IMPORT_BUDGET_S", 600))
    figures = await timed_import(service, records, budget_s)
    # Waited for, so the relay's publishing does not compete with what is measured next.
    wait_s = 0.0 if os.environ.get("TRELLIS_BENCH_IMPORT_ONLY") else OUTBOX_WAIT_S
    outbox = await wait_for_outbox(service.profiles, wait_s)
    report_import(figures, outbox)
    template = await stored_profile_template(service.profiles)
    baseline_s = await bare_insert_seconds(service.database, template, figures.imported)
    report_bare_inserts(figures, baseline_s, len(bson.encode(template)))
    return records[: figures.imported]


# --------------------------------------------------------------------------
# 2. GetProfile under concurrent load (the load comes from a child process)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadShape:
    channels: int
    clients: int
    warmup_s: float
    duration_s: float


@dataclass(frozen=True)
class LoadResult:
    requests: int
    errors: int
    duration_s: float
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.duration_s


class LoadRecorder:
    """Latencies and errors of calls started inside the measured window only."""

    def __init__(self, measure_from: float) -> None:
        self.measure_from = measure_from
        self.latencies: list[float] = []
        self.errors = 0

    def record(self, started: float, ok: bool) -> None:
        if started < self.measure_from:
            return
        if ok:
            self.latencies.append(time.perf_counter() - started)
        else:
            self.errors += 1


async def client_loop(
    call: grpc.aio.UnaryUnaryMultiCallable[bytes, bytes],
    requests: Sequence[bytes],
    metadata: tuple[tuple[str, str], ...],
    first: int,
    stride: int,
    stop_at: float,
    recorder: LoadRecorder,
) -> None:
    index = first
    while (started := time.perf_counter()) < stop_at:
        try:
            await call(requests[index % len(requests)], metadata=metadata, timeout=10)
        except grpc.aio.AioRpcError:
            recorder.record(started, ok=False)
        else:
            recorder.record(started, ok=True)
        index += stride


async def generate_load(
    address: str,
    method: str,
    requests: Sequence[bytes],
    metadata: tuple[tuple[str, str], ...],
    shape: LoadShape,
) -> LoadResult:
    # A local subchannel pool per channel: otherwise gRPC shares one connection between them.
    options: list[tuple[str, Any]] = [("grpc.use_local_subchannel_pool", 1)]
    if address.startswith("ipv4:"):  # several replicas: spread the calls over them
        options += ROUND_ROBIN
    channels = [grpc.aio.insecure_channel(address, options=options) for _ in range(shape.channels)]
    try:
        for channel in channels:
            await channel.channel_ready()
        # No serializers: bytes go out and come back untouched, so the client costs the same
        # whichever server it loads.
        calls = [channel.unary_unary(method, None, None) for channel in channels]
        measure_from = time.perf_counter() + shape.warmup_s
        stop_at = measure_from + shape.duration_s
        recorder = LoadRecorder(measure_from)
        await asyncio.gather(
            *(
                client_loop(
                    calls[n % len(calls)], requests, metadata, n, shape.clients, stop_at, recorder
                )
                for n in range(shape.clients)
            )
        )
    finally:
        for channel in channels:
            await channel.close(None)
    latencies = Latencies.of(recorder.latencies)
    return LoadResult(
        requests=len(recorder.latencies),
        errors=recorder.errors,
        duration_s=shape.duration_s,
        p50_ms=latencies.p50_ms,
        p99_ms=latencies.p99_ms,
    )


def load_generator_main() -> int:
    """Child side: config as JSON on stdin, LoadResult as JSON on stdout."""
    config = json.loads(sys.stdin.read())
    result = asyncio.run(
        generate_load(
            config["address"],
            config["method"],
            [bytes.fromhex(r) for r in config["requests"]],
            tuple((k, v) for k, v in config["metadata"]),
            LoadShape(**config["shape"]),
        )
    )
    print(json.dumps(asdict(result)))
    return 0


async def load_from_child(
    address: str,
    method: str,
    requests: Sequence[bytes],
    metadata: tuple[tuple[str, str], ...],
    shape: LoadShape,
) -> LoadResult:
    """Run the load in a child process, so this event loop serves while the child calls."""
    config = {
        "address": address,
        "method": method,
        "requests": [r.hex() for r in requests],
        "metadata": [list(pair) for pair in metadata],
        "shape": asdict(shape),
    }
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.profiles",
        LOAD_GENERATOR_FLAG,
        cwd=REPO_ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        budget_s = shape.warmup_s + shape.duration_s + 60  # plus imports and connecting
        out, _ = await asyncio.wait_for(child.communicate(json.dumps(config).encode()), budget_s)
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
    if child.returncode != 0:
        raise RuntimeError(f"load generator exited with {child.returncode} (see stderr above)")
    return LoadResult(**json.loads(out))


def sized_echo_handler(reply: bytes) -> grpc.GenericRpcHandler[bytes, bytes]:
    """Answers every call with `reply`: the bytes of a GetProfile reply, none of its work."""

    async def echo(request: bytes, context: grpc.aio.ServicerContext[bytes, bytes]) -> bytes:
        return reply

    return grpc.method_handlers_generic_handler(
        ECHO_SERVICE, {"Echo": grpc.unary_unary_rpc_method_handler(echo)}
    )


@asynccontextmanager
async def echo_server(reply: bytes) -> AsyncIterator[str]:
    server = grpc.aio.server()  # no interceptors: the bare cost of a grpc.aio call
    server.add_generic_rpc_handlers([sized_echo_handler(reply)])
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        await server.stop(None)


def sampled_ids(records: Sequence[dict[str, Any]], count: int) -> list[str]:
    """Employees spread over the whole org (heads, managers, leaves), in a fixed order."""
    step = max(1, len(records) // count)
    return [str(r["employee_id"]) for r in records[::step]][:count]


def lookup_order(ids: Sequence[str], seed: int = 11) -> list[str]:
    """`ids` shuffled with a fixed seed, so even a short run touches the whole collection.

    In org order the first calls would all hit heads and managers, which were inserted
    first, and a database that scans in insertion order finds those fastest.
    """
    shuffled = list(ids)
    random.Random(seed).shuffle(shuffled)
    return shuffled


def mean_chain_length(records: Sequence[dict[str, Any]], ids: Sequence[str]) -> float:
    """Managers above each id: GetProfile looks up each one's manager link."""
    manager_of = {str(r["employee_id"]): str(r.get("manager_id") or "") for r in records}
    lengths = []
    for employee_id in ids:
        length, current = 0, manager_of.get(employee_id, "")
        while current:
            length, current = length + 1, manager_of.get(current, "")
        lengths.append(length)
    return sum(lengths) / len(lengths)


def report_load(name: str, result: LoadResult) -> None:
    errors = f"   {result.errors} ERRORS" if result.errors else ""
    print(
        f"           {name:<28} {result.per_second:8,.0f} req/s   "
        f"p50 {result.p50_ms:7.2f} ms  p99 {result.p99_ms:7.2f} ms{errors}"
    )


@dataclass(frozen=True)
class GetLoad:
    requests: list[bytes]
    metadata: tuple[tuple[str, str], ...]
    shape: LoadShape


async def bench_get_profile(service: RunningService, records: Sequence[dict[str, Any]]) -> GetLoad:
    ids = lookup_order(sampled_ids(records, SAMPLED_PEOPLE))
    metadata = CODEC.metadata(SERVICE_CALLER)
    requests = [pb.GetProfileRequest(employee_id=i).SerializeToString() for i in ids]
    sample = await service.stub.GetProfile(
        pb.GetProfileRequest(employee_id=ids[-1]), metadata=metadata
    )
    reply = sample.SerializeToString()
    shape = LoadShape(
        LOAD_CHANNELS, LOAD_CLIENTS, LOAD_WARMUP_S, env_int("TRELLIS_BENCH_LOAD_SECONDS", 10)
    )
    print(
        f"get        {shape.clients} clients over {shape.channels} channels for "
        f"{shape.duration_s:.0f} s each, after {shape.warmup_s:.0f} s warm-up; the clients run "
        f"in a child process on the same {os.cpu_count()} cores as the server"
    )
    profiles = await load_from_child(service.address, GET_PROFILE_METHOD, requests, metadata, shape)
    async with echo_server(reply) as echo_address:
        echo = await load_from_child(echo_address, ECHO_METHOD, requests, metadata, shape)
    report_load(f"GetProfile ({len(ids)} people)", profiles)
    report_load(f"baseline echo ({len(reply):,} B reply)", echo)
    print(
        "           ratio GetProfile/echo throughput "
        f"{profiles.per_second / echo.per_second:5.2f}x "
        f"(target >= {GET_THROUGHPUT_TARGET}x), GetProfile p99/p50 "
        f"{profiles.p99_ms / profiles.p50_ms:4.1f}x (target <= {GET_TAIL_TARGET:.0f}x), "
        f"GetProfile/echo p50 {profiles.p50_ms / echo.p50_ms:5.1f}x"
    )
    chain = mean_chain_length(records, ids)
    print(
        f"           a GetProfile is one find_one by _id; the reporting chain ({chain:.1f} "
        "managers on average here) comes from the in-memory people index"
    )
    return GetLoad(requests, metadata, shape)


async def bench_two_replicas(service: RunningService, load: GetLoad, log_dir: Path) -> None:
    """The same GetProfile load on one replica, then round-robin over two (2 processes).

    A longer warm-up than above, so the new replica has read the sampled people once
    (each replica keeps the profiles it reads in memory) before anything is measured.
    """
    shape = LoadShape(
        load.shape.channels, load.shape.clients, REPLICA_WARMUP_S, load.shape.duration_s
    )
    one = await load_from_child(
        service.address, GET_PROFILE_METHOD, load.requests, load.metadata, shape
    )
    started = time.perf_counter()
    async with second_replica(service, log_dir) as both:
        ready_s = time.perf_counter() - started
        two = await load_from_child(both, GET_PROFILE_METHOD, load.requests, load.metadata, shape)
    print(
        f"replicas   GetProfile, same load; the second replica (its own process) loaded "
        f"the people index and was ready in {ready_s:.1f} s"
    )
    report_load("1 replica", one)
    report_load("2 replicas (round-robin)", two)
    print(
        f"           2 replicas / 1: {two.per_second / one.per_second:4.2f}x throughput on "
        f"{os.cpu_count()} cores shared with the database, Kafka and the load generator"
    )


# --------------------------------------------------------------------------
# 3. Search by three skills
# --------------------------------------------------------------------------


def skills_by_frequency(records: Sequence[dict[str, Any]]) -> list[str]:
    counts = Counter(str(s["skill"]) for r in records for s in r["skills"])
    return [skill for skill, _ in counts.most_common()]


def skill_triples(ranked: Sequence[str]) -> list[tuple[str, str, str]]:
    """The three most common skills, then other mixes of the top nine (fewer matches)."""
    top = list(ranked[:9])
    if len(top) < 9:
        return [(top[0], top[1], top[2])]
    return [
        (top[0], top[1], top[2]),
        (top[3], top[4], top[5]),
        (top[6], top[7], top[8]),
        (top[0], top[4], top[8]),
    ]


def matching_people(records: Sequence[dict[str, Any]], triple: Sequence[str]) -> int:
    def has_all(record: dict[str, Any]) -> bool:
        levels = {str(s["skill"]): int(s["level"]) for s in record["skills"]}
        return all(levels.get(skill, 0) >= SEARCH_MIN_LEVEL for skill in triple)

    return sum(1 for r in records if has_all(r))


def search_request(triple: Sequence[str]) -> pb.SearchProfilesRequest:
    return pb.SearchProfilesRequest(
        skills=[pb.SkillRequirement(skill_id=s, min_level=SEARCH_MIN_LEVEL) for s in triple],
        page_size=SEARCH_PAGE_SIZE,
    )


async def first_pages(
    stub: rpc.ProfileServiceAsyncStub,
    triples: Sequence[tuple[str, str, str]],
    metadata: tuple[tuple[str, str], ...],
) -> list[pb.SearchProfilesReply]:
    """One untimed search per triple: warms up, and shows what a first page holds."""
    return [await stub.SearchProfiles(search_request(t), metadata=metadata) for t in triples]


async def timed_searches(
    stub: rpc.ProfileServiceAsyncStub,
    triples: Sequence[tuple[str, str, str]],
    metadata: tuple[tuple[str, str], ...],
    count: int,
    budget_s: float,
) -> list[float]:
    """Up to `count` searches, triples in turn; stops at the budget after one round at least."""
    requests = [search_request(t) for t in triples]
    seconds: list[float] = []
    deadline = time.perf_counter() + budget_s
    for n in range(count):
        if n >= len(requests) and time.perf_counter() > deadline:
            break
        started = time.perf_counter()
        await stub.SearchProfiles(requests[n % len(requests)], metadata=metadata)
        seconds.append(time.perf_counter() - started)
    return seconds


async def timed_find_ones(
    profiles: AsyncCollection[dict[str, Any]], ids: Sequence[str], count: int
) -> list[float]:
    seconds = []
    for n in range(count):
        started = time.perf_counter()
        await profiles.find_one({"_id": ids[n % len(ids)]})
        seconds.append(time.perf_counter() - started)
    return seconds


def report_first_pages(
    records: Sequence[dict[str, Any]],
    triples: Sequence[tuple[str, str, str]],
    pages: Sequence[pb.SearchProfilesReply],
) -> None:
    for triple, page in zip(triples, pages, strict=True):
        more = "more pages" if page.next_page_token else "no more pages"
        print(
            f"             {' + '.join(triple):<62} first page {len(page.profiles):>2} "
            f"({more}; {matching_people(records, triple):,} match in all)"
        )


async def bench_search(service: RunningService, records: Sequence[dict[str, Any]]) -> None:
    wanted = env_int("TRELLIS_BENCH_SEARCHES", 200)
    budget_s = float(env_int("TRELLIS_BENCH_SEARCH_BUDGET_S", 45))
    metadata = CODEC.metadata(SERVICE_CALLER)
    triples = skill_triples(skills_by_frequency(records))
    pages = await first_pages(service.stub, triples, metadata)
    seconds = await timed_searches(service.stub, triples, metadata, wanted, budget_s)
    searches = Latencies.of(seconds)
    ids = lookup_order(sampled_ids(records, SAMPLED_PEOPLE))
    await timed_find_ones(service.profiles, ids, 10)  # warm-up, untimed
    # As many lookups as searches, so both percentiles rest on the same number of samples.
    find_ones = Latencies.of(await timed_find_ones(service.profiles, ids, len(seconds)))
    stopped = f" (of {wanted}: {budget_s:.0f} s budget reached)" if len(seconds) < wanted else ""
    print(
        f"search     {len(seconds)} sequential searches{stopped} by 3 skills (min level "
        f"{SEARCH_MIN_LEVEL}, page size {SEARCH_PAGE_SIZE}) over {len(records):,} profiles, "
        f"{len(triples)} triples in turn: {searches}"
    )
    report_first_pages(records, triples, pages)
    print(
        f"           target p99 < {SEARCH_P99_TARGET_MS:.0f} ms: "
        f"{'met' if searches.p99_ms < SEARCH_P99_TARGET_MS else 'NOT met'}; "
        f"baseline {len(seconds)} find_one by _id: {find_ones}   ratio p50 "
        f"{searches.p50_ms / find_ones.p50_ms:5.1f}x, "
        f"p99 {searches.p99_ms / find_ones.p99_ms:5.1f}x"
    )


# --------------------------------------------------------------------------
# All three
# --------------------------------------------------------------------------


def quiet_library_logs() -> None:
    """Keep the figures readable: drop FastStream's and aiokafka's start/stop chatter.

    FastStream's loggers print INFO to stdout and reset their own level when the broker
    starts, so a filter (which survives that) does it; the service's own warnings stay.
    """
    for name in ("faststream", "faststream.access.kafka"):
        logging.getLogger(name).addFilter(lambda record: record.levelno >= logging.ERROR)
    logging.getLogger("aiokafka").setLevel(logging.ERROR)


class PhaseClock:
    """Wall time per phase, to show what dominates the run."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self._mark = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.phases[phase] = self.phases.get(phase, 0.0) + now - self._mark
        self._mark = now

    def summary(self) -> str:
        return ", ".join(f"{name} {seconds:.0f} s" for name, seconds in self.phases.items())


async def run_benchmarks(endpoints: Endpoints, clock: PhaseClock) -> None:
    suffix = unique_suffix()
    settings = bench_settings(endpoints, suffix)
    people = env_int("TRELLIS_BENCH_PEOPLE", 10_000)
    records = generate_organisation(people, load_default_taxonomy(), seed=7)
    print(
        f"           infrastructure: {endpoints.origin} (Kafka {endpoints.kafka_bootstrap}); "
        f"database {settings.profiles_database}, topic prefix {settings.topic_prefix}"
    )
    with tempfile.TemporaryDirectory(prefix="trellis-bench-profiles-") as logs:
        log_dir = Path(logs)
        async with (
            bench_topics(endpoints.kafka_bootstrap, settings.topic_prefix),
            running_service(settings, log_dir) as service,
        ):
            clock.lap("setup")
            imported = await bench_import(service, records)
            clock.lap("import")
            if os.environ.get("TRELLIS_BENCH_IMPORT_ONLY"):
                return
            load = await bench_get_profile(service, imported)
            clock.lap("get")
            await bench_search(service, imported)
            clock.lap("search")
            await bench_two_replicas(service, load, log_dir)
            clock.lap("replicas")
        clock.lap("cleanup")


def main() -> int:
    """Run the profiles benchmarks; 0 when they ran, 1 when they could not."""
    print("[trellis] bench: profiles (real Kafka + database)")
    quiet_library_logs()
    clock = PhaseClock()
    try:
        with infrastructure() as endpoints:
            asyncio.run(run_benchmarks(endpoints, clock))
    except Exception as error:
        traceback.print_exc()
        print(f"[trellis] bench: profiles failed: {error!r}", file=sys.stderr)
        return 1
    clock.lap("stack stop")
    print(f"           time spent: {clock.summary()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(load_generator_main() if LOAD_GENERATOR_FLAG in sys.argv[1:] else main())
