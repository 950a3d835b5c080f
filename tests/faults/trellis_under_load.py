"""Trellis as the fault suite runs it: two replicas each of profiles and postings
(separate processes, the services' own `serve`), and a load of commands that
people and hiring managers send through them while processes die.

Clients behave as real ones do: a call that fails for a reason that may pass
(unreachable, deadline, a replica dying mid-call) is sent again with the same
request, until it is answered; a refusal (the seats are gone) is an answer.
What was answered is written down, for the checker to compare with what the
system did.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import grpc
from private_stack import PrivateStack

from trellis.postings.v1 import postings_pb2 as pb
from trellis.postings.v1 import postings_pb2_grpc as postings_rpc
from trellis.profiles.v1 import profiles_pb2 as ppb
from trellis.profiles.v1 import profiles_pb2_grpc as profiles_rpc
from trellis_shared.grpc.tokens import Principal, TokenCodec
from trellis_shared.testing.replicas import ReplicaSet, service_replicas

log = logging.getLogger(__name__)
SECRET = "fault-suite-secret-that-is-long-enough-for-hs256"
CODEC = TokenCodec(SECRET, ttl=timedelta(hours=4))
PROFILES_DB = "faults_profiles"
POSTINGS_DB = "faults_postings"
# Worth sending again: the call may not have reached a live replica, or its answer
# was lost. The same request id makes the second send safe.
PASSING = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.ABORTED,
        grpc.StatusCode.CANCELLED,
    }
)
Reply = TypeVar("Reply")


def as_(subject: str, *roles: str) -> tuple[tuple[str, str], ...]:
    return CODEC.metadata(Principal(subject, frozenset(roles or ("employee",))))


HR = as_("hr-1", "employee", "hr_admin")
HIRING = as_("hm", "employee", "manager")


@dataclass
class Trellis:
    profiles: ReplicaSet
    postings: ReplicaSet
    profiles_channel: grpc.aio.Channel
    postings_channel: grpc.aio.Channel

    @property
    def replica_sets(self) -> dict[str, ReplicaSet]:
        return {"profiles": self.profiles, "postings": self.postings}

    def people(self) -> profiles_rpc.ProfileServiceStub:
        return profiles_rpc.ProfileServiceStub(self.profiles_channel)

    def opportunities(self) -> postings_rpc.OpportunityServiceStub:
        return postings_rpc.OpportunityServiceStub(self.postings_channel)

    def applications(self) -> postings_rpc.ApplicationServiceStub:
        return postings_rpc.ApplicationServiceStub(self.postings_channel)

    async def stop(self) -> None:
        await self.profiles_channel.close()
        await self.postings_channel.close()
        await self.postings.stop()
        await self.profiles.stop()


async def start_trellis(
    stack: PrivateStack, log_dir: Path, *, crash_points: str, seed: int
) -> Trellis:
    faults = {"TRELLIS_CRASH_POINTS": crash_points, "TRELLIS_CRASH_SEED": str(seed)}
    common = {
        "kafka_bootstrap": stack.kafka_bootstrap,
        "mongodb_uri": stack.mongodb_uri,
        "auth_secret": SECRET,
        "topic_prefix": "",
        "log_dir": log_dir,
    }
    profiles = service_replicas(
        "profiles",
        database=PROFILES_DB,
        consumer_group="faults-profiles",
        settings=faults,
        **common,  # type: ignore[arg-type]
    )
    await profiles.start()
    postings = service_replicas(
        "postings",
        database=POSTINGS_DB,
        consumer_group="faults-postings",
        # pick_first over both profiles replicas: the next one when one dies.
        settings={**faults, "TRELLIS_PROFILES_ADDR": profiles.target},
        **common,  # type: ignore[arg-type]
    )
    await postings.start()
    return Trellis(
        profiles, postings, profiles.round_robin_channel(), postings.round_robin_channel()
    )


async def until_answered(call: Callable[[], Awaitable[Reply]]) -> Reply | grpc.aio.AioRpcError:
    """The reply, or the refusal; failures that may pass are sent again."""
    delay = 0.2
    while True:
        try:
            return await call()
        except grpc.aio.AioRpcError as error:
            if error.code() not in PASSING:
                return error
        await asyncio.sleep(delay)
        delay = min(delay * 2, 3.0)


@dataclass
class Answered:
    """What the system told the clients it did: the checker's reference."""

    submitted: dict[str, tuple[str, str]] = field(default_factory=dict)  # app -> person, job
    accepted: dict[str, tuple[str, str]] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)  # app -> why
    jobs: dict[str, int] = field(default_factory=dict)  # job -> seats

    def line(self) -> str:
        return (
            f"{len(self.submitted)} applications, {len(self.accepted)} acceptances, "
            f"{len(self.refused)} refusals"
        )


class Load:
    def __init__(self, trellis: Trellis, people: int, jobs: int, seats: int) -> None:
        self._trellis = trellis
        self.people = [f"p{n:03d}" for n in range(people)]
        self._job_count = jobs
        self._seats = seats
        self.answered = Answered()

    async def prepare(self) -> None:
        """The organisation and the jobs, before any fault."""
        people = self._trellis.people()
        for employee_id, manager in [("ceo", ""), ("hm", "ceo"), ("m1", "ceo")] + [
            (p, "m1") for p in self.people
        ]:
            reply = await until_answered(
                lambda e=employee_id, m=manager: people.UpsertProfile(
                    ppb.UpsertProfileRequest(
                        employee_id=e,
                        org=ppb.OrgData(
                            name=e.upper(), email=f"{e}@example.com", level=3, manager_id=m
                        ),
                    ),
                    metadata=HR,
                )
            )
            assert not isinstance(reply, grpc.aio.AioRpcError), reply
        opportunities = self._trellis.opportunities()
        deadline = (datetime.now(UTC) + timedelta(days=10)).isoformat()
        for n in range(self._job_count):
            created = await until_answered(
                lambda n=n: opportunities.CreateOpportunity(
                    pb.CreateOpportunityRequest(
                        kind="job",
                        details=pb.OpportunityDetails(
                            title=f"Fault-tolerant job {n}",
                            hiring_manager_id="hm",
                            seats=self._seats,
                            deadline=deadline,
                        ),
                        publish=True,
                    ),
                    metadata=HIRING,
                )
            )
            assert not isinstance(created, grpc.aio.AioRpcError), created
            self.answered.jobs[created.opportunity.opportunity_id] = self._seats

    async def run(self, over_s: float) -> None:
        """Every person applies, is offered the job and accepts, through the faults;
        people arrive one after another over `over_s` seconds, so the load lasts
        as long as the faults do."""
        jobs = sorted(self.answered.jobs)
        gap = over_s / max(1, len(self.people))

        async def journey(n: int, person: str) -> None:
            await asyncio.sleep(n * gap)
            await self._journey(person, jobs[n % len(jobs)])

        await asyncio.gather(*(journey(n, p) for n, p in enumerate(self.people)))

    async def _journey(self, person: str, job: str) -> None:
        applications = self._trellis.applications()
        submitted = await until_answered(
            lambda: applications.SubmitApplication(
                pb.SubmitApplicationRequest(opportunity_id=job, request_id=f"fault-{person}"),
                metadata=as_(person),
            )
        )
        if isinstance(submitted, grpc.aio.AioRpcError):  # e.g. its seats are all taken
            assert submitted.code() is grpc.StatusCode.FAILED_PRECONDITION, submitted.details()
            self.answered.refused[f"{person} to {job}"] = str(submitted.details())
            return
        application_id = submitted.application.application_id
        self.answered.submitted[application_id] = (person, job)
        for status, caller in (("shortlisted", HIRING), ("offered", HIRING)):
            if not await self._move(application_id, status, caller):
                return
        if await self._move(application_id, "accepted", as_(person)):
            self.answered.accepted[application_id] = (person, job)

    async def _move(
        self, application_id: str, status: str, caller: tuple[tuple[str, str], ...]
    ) -> bool:
        applications = self._trellis.applications()
        moved = await until_answered(
            lambda: applications.MoveApplication(
                pb.MoveApplicationRequest(application_id=application_id, status=status),
                metadata=caller,
            )
        )
        if not isinstance(moved, grpc.aio.AioRpcError):
            return True
        # Refused: perhaps because an earlier send landed and only its answer was lost.
        now = await until_answered(
            lambda: applications.GetApplication(
                pb.GetApplicationRequest(application_id=application_id), metadata=HIRING
            )
        )
        assert not isinstance(now, grpc.aio.AioRpcError), now.details()
        if now.application.status == status:
            return True
        self.answered.refused[application_id] = f"{status}: {moved.details()}"
        return False
