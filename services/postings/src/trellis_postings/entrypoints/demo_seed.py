"""`trellis-postings demo`: post the demo opportunities through the running service.

Like every tool it goes through the service's gRPC API (one writer per database,
ADR 0005), as hr_admin. Idempotent: a demo title that is already posted is skipped.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import grpc

from trellis.postings.v1 import postings_pb2 as ppb
from trellis.postings.v1 import postings_pb2_grpc as prpc
from trellis.profiles.v1 import profiles_pb2 as fpb
from trellis.profiles.v1 import profiles_pb2_grpc as frpc
from trellis_postings.app.demo_postings import DemoManager, demo_postings
from trellis_shared.grpc.messages import to_message
from trellis_shared.grpc.tokens import Principal, TokenCodec

SEEDER = Principal("demo-seed", frozenset({"hr_admin", "service"}))
PAGE = 100


async def _people(
    stub: Any,
    metadata: tuple[tuple[str, str], ...],  # an aio stub (typed as sync)
) -> list[fpb.Profile]:
    people: list[fpb.Profile] = []
    token = ""
    while True:
        reply = await stub.SearchProfiles(
            fpb.SearchProfilesRequest(page_size=PAGE, page_token=token), metadata=metadata
        )
        people.extend(reply.profiles)
        token = reply.next_page_token
        if not token:
            return people


def managers_of(people: list[fpb.Profile]) -> list[DemoManager]:
    skills_by_department: dict[str, Counter[str]] = {}
    for person in people:
        counter = skills_by_department.setdefault(person.org.department, Counter())
        counter.update(s.skill_id for s in person.skills)
    managers = [p for p in people if p.org.ladder == "manager" and p.org.department != "Executive"]
    chosen: dict[str, DemoManager] = {}
    for person in sorted(managers, key=lambda p: p.employee_id):
        department = person.org.department
        chosen.setdefault(
            department,
            DemoManager(
                person.employee_id,
                department,
                person.org.location,
                skills_by_department.get(department, Counter()),
            ),
        )
    return list(chosen.values())


async def seed(postings_addr: str, profiles_addr: str, codec: TokenCodec, today: date) -> int:
    metadata = codec.metadata(SEEDER)
    async with (
        grpc.aio.insecure_channel(profiles_addr) as profiles_channel,
        grpc.aio.insecure_channel(postings_addr) as postings_channel,
    ):
        people = await _people(frpc.ProfileServiceStub(profiles_channel), metadata)
        postings = prpc.OpportunityServiceStub(postings_channel)
        existing = await postings.SearchOpportunities(
            ppb.SearchOpportunitiesRequest(page_size=100), metadata=metadata
        )
        titles = {o.details.title for o in existing.opportunities}
        created = 0
        for kind, details in demo_postings(managers_of(people), today):
            if details.title in titles:
                continue
            await postings.CreateOpportunity(
                ppb.CreateOpportunityRequest(
                    kind=kind.value,
                    details=to_message(details.model_dump(mode="json"), ppb.OpportunityDetails()),
                    publish=True,
                ),
                metadata=metadata,
            )
            created += 1
        return created
