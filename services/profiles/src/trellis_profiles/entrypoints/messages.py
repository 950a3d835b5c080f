"""Between profiles protobuf messages and domain models (generic helpers in shared)."""

from __future__ import annotations

from google.protobuf import json_format

from trellis.profiles.v1 import profiles_pb2 as pb
from trellis_profiles.domain.profile import Profile
from trellis_profiles.domain.taxonomy import Skill
from trellis_shared.grpc.messages import without_none


def profile_message(profile: Profile, version: int) -> pb.Profile:
    data = profile.model_dump(mode="json", exclude={"applied_events"})
    data["skills"] = list(data["skills"].values())
    data["version"] = version
    for entry in data["history"]:
        entry.pop("source_event_id", None)
    return json_format.ParseDict(without_none(data), pb.Profile())


def skill_message(skill: Skill) -> pb.Skill:
    return pb.Skill(
        id=skill.id, name=skill.name, category=skill.category, aliases=list(skill.aliases)
    )
