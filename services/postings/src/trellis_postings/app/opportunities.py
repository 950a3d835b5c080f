"""Posting use cases: create, edit, publish, close, cancel, read and search."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from trellis_postings.app.changes import Changes, Clock
from trellis_postings.app.ports import ProfileDirectory, SearchCriteria, Stored
from trellis_postings.domain import access, lifecycle
from trellis_postings.domain.opportunity import (
    Details,
    Kind,
    Opportunity,
    check_deadline,
    check_kind_rules,
)
from trellis_shared.errors import FailedPrecondition, FieldViolation, InvalidArgument
from trellis_shared.events import EventPayload
from trellis_shared.grpc.tokens import Principal

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Page:
    items: list[Stored]
    next_page_token: str


class Opportunities:
    def __init__(
        self,
        changes: Changes,
        directory: ProfileDirectory,
        clock: Clock,
    ) -> None:
        self._changes = changes
        self._directory = directory
        self._clock = clock

    async def _validate(self, kind: Kind, details: Details, *, new_deadline: bool) -> None:
        problems = check_kind_rules(kind, details)
        if new_deadline:
            problems += check_deadline(details, self._clock())
        unknown = await self._directory.unknown_skills(
            [s.skill_id for s in details.required_skills]
        )
        for index, skill in enumerate(details.required_skills):
            if skill.skill_id in unknown:
                problems.append(
                    (
                        f"details.required_skills.{index}.skill_id",
                        f"unknown skill {skill.skill_id!r}",
                    )
                )
        if problems:
            raise InvalidArgument(
                "invalid opportunity",
                [
                    FieldViolation(f if f.startswith("details.") else f"details.{f}", d)
                    for f, d in problems
                ],
            )

    async def create(
        self, viewer: Principal, kind: Kind, details: Details, *, publish: bool
    ) -> Stored:
        access.may_post(viewer, details.hiring_manager_id)
        await self._validate(kind, details, new_deadline=True)
        now = self._clock()
        opportunity = Opportunity(
            opportunity_id=f"opp-{uuid.uuid4().hex[:16]}",
            kind=kind,
            details=details,
            created_by=viewer.subject,
            created_at=now,
        )
        events = lifecycle.publish(opportunity, now) if publish else []
        return await self._changes.create(opportunity, events)

    async def edit(
        self, viewer: Principal, opportunity_id: str, details: Details, expected_version: int
    ) -> Stored:
        current = await self._changes.load(opportunity_id)
        access.require_manager(viewer, current.opportunity)
        if details.hiring_manager_id != current.opportunity.details.hiring_manager_id:
            access.may_post(viewer, details.hiring_manager_id)
        deadline_changed = details.deadline != current.opportunity.details.deadline
        await self._validate(current.opportunity.kind, details, new_deadline=deadline_changed)
        return await self._changes.apply(
            opportunity_id,
            lambda o: lifecycle.edit(o, details),
            expected_version=expected_version,
        )

    async def publish(self, viewer: Principal, opportunity_id: str) -> Stored:
        await self._require_manager(viewer, opportunity_id)
        return await self._changes.apply(
            opportunity_id, lambda o: lifecycle.publish(o, self._clock())
        )

    async def close(self, viewer: Principal, opportunity_id: str, reason: str) -> Stored:
        await self._require_manager(viewer, opportunity_id)
        return await self._changes.apply(
            opportunity_id,
            lambda o: lifecycle.close(o, self._clock(), reason or "closed by the hiring manager"),
        )

    async def cancel(self, viewer: Principal, opportunity_id: str, reason: str) -> Stored:
        await self._require_manager(viewer, opportunity_id)
        return await self._changes.apply(
            opportunity_id,
            lambda o: lifecycle.cancel(o, self._clock(), reason or "cancelled"),
        )

    async def get(self, viewer: Principal, opportunity_id: str) -> Stored:
        stored = await self._changes.load(opportunity_id)
        access.require_visible(viewer, stored.opportunity)
        return stored

    async def search(
        self, viewer: Principal, criteria: SearchCriteria, page_token: str, page_size: int
    ) -> Page:
        size = max(1, min(page_size or 20, MAX_PAGE_SIZE))
        if criteria.statuses - {"open", "closed", "filled"} and not access.is_privileged(viewer):
            # Drafts and cancelled postings: only one's own.
            criteria = replace(criteria, hiring_manager_id=viewer.subject)
        found = await self._changes.repository.search(criteria, page_token, size + 1)
        items = found[:size]
        token = items[-1].opportunity.opportunity_id if len(found) > size else ""
        return Page(items, token)

    async def _require_manager(self, viewer: Principal, opportunity_id: str) -> None:
        stored = await self._changes.load(opportunity_id)
        access.require_manager(viewer, stored.opportunity)

    async def hold_award_seat(
        self, viewer: Principal, opportunity_id: str, holder: str, employee_id: str
    ) -> Stored:
        """A stretch seat for a bidding award, held before the award is announced:
        one conditional write of the posting, so of two rounds that award its last
        seat, one holds it and the other learns it is gone."""
        access.require_service(viewer, "hold seats for awards")

        def hold(opportunity: Opportunity) -> list[EventPayload]:
            if opportunity.kind is not Kind.STRETCH:
                raise FailedPrecondition(f"{opportunity_id} is not a stretch assignment")
            return lifecycle.take_seat(opportunity, holder, employee_id, self._clock())

        return await self._changes.apply(opportunity_id, hold)

    async def release_award_seat(
        self, viewer: Principal, opportunity_id: str, holder: str
    ) -> Stored:
        """The award the seat was held for was withdrawn before it was announced."""
        access.require_service(viewer, "release seats held for awards")
        return await self._changes.apply(
            opportunity_id, lambda o: lifecycle.give_up_seat(o, holder)
        )
