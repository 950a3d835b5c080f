"""The reply built field by field equals the one the JSON dump would give."""

from datetime import UTC, date, datetime

import pytest
from google.protobuf import json_format

from trellis.profiles.v1 import profiles_pb2 as pb
from trellis_profiles.domain.profile import (
    Aspirations,
    Availability,
    Commitment,
    Evidence,
    HistoryEntry,
    HistoryKind,
    Ladder,
    Mobility,
    OrgData,
    Profile,
    SkillEntry,
    SkillSource,
    Visibility,
)
from trellis_profiles.entrypoints.messages import profile_message
from trellis_shared.grpc.messages import without_none

pytestmark = pytest.mark.unit
AT = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)


def through_json(profile: Profile, version: int) -> pb.Profile:
    """The reference: pydantic's JSON mode, then protobuf's JSON parser."""
    # Internal bookkeeping, not part of the reply: the inbox and given-back promises.
    data = profile.model_dump(mode="json", exclude={"applied_events", "released"})
    data["skills"] = list(data["skills"].values())
    data["version"] = version
    for entry in data["history"]:
        entry.pop("source_event_id", None)
    return json_format.ParseDict(without_none(data), pb.Profile())


def rich_profile() -> Profile:
    return Profile(
        employee_id="alice",
        org=OrgData(
            name="Alice",
            email="alice@example.com",
            title="Engineer",
            level=5,
            ladder=Ladder.MANAGER,
            department="Data",
            location="Oslo",
            time_zone="Europe/Oslo",
            manager_id="mgr",
            role_started_on=date(2024, 2, 29),
        ),
        skills={
            "python": SkillEntry(
                skill_id="python",
                level=4,
                source=SkillSource.MANAGER_ENDORSED,
                assessed_by="mgr",
                assessed_at=AT,
                evidence=(Evidence(kind="gig", reference="g-1", title="ETL", at=AT),),
            ),
            "sql": SkillEntry(skill_id="sql", level=2, assessed_at=AT),
        },
        aspirations=Aspirations(
            target_roles=("Lead",),
            skills_to_develop=("kubernetes",),
            interests=("data", "teaching"),
            ladder_preference=Ladder.MANAGER,
        ),
        availability=Availability(
            share_free_pct=20, available_from=date(2026, 1, 1), available_to=date(2026, 6, 30)
        ),
        mobility=Mobility(
            open_to_gigs=True, offers_mentoring=True, mentor_capacity=2, mentor_topics=("python",)
        ),
        visibility=Visibility.MANAGERS,
        history=(
            HistoryEntry(
                kind=HistoryKind.GIG,
                reference="g-1",
                title="ETL",
                started_on=date(2025, 1, 1),
                status="completed",
                source_event_id="ev-1",
            ),
        ),
        commitments=(
            Commitment(
                reference="g-2",
                kind=HistoryKind.GIG,
                share_pct=10,
                starts_on=date(2026, 1, 1),
                ends_on=date(2026, 2, 1),
            ),
        ),
        applied_events=("ev-1",),
    )


@pytest.mark.parametrize(
    "profile",
    [rich_profile(), Profile(employee_id="bob", org=OrgData(name="Bob", email="b@example.com"))],
)
def test_the_reply_equals_the_json_route(profile: Profile) -> None:
    assert profile_message(profile, 7) == through_json(profile, 7)
