"""Consumed events from postings, bidding and mentorship, applied to profiles.

Each handler turns one contract into history, ledger and evidence changes on
the profiles it concerns, exactly once per profile (see Profiles.apply_event).
Work that was reserved when it was promised finds its reservation by the
promise's key and turns it into the commitment (domain/reservations.py).
Events about employees this service does not know are poison: retrying will
not make the employee appear, so they go to the dead-letter topic.
"""

from __future__ import annotations

from collections.abc import Callable

from trellis_profiles.app.use_cases import Profiles
from trellis_profiles.domain.profile import HistoryKind, Profile
from trellis_profiles.domain.work_history import finish_work, take_on_work
from trellis_shared.contracts.bidding import AssignmentAwarded
from trellis_shared.contracts.mentorship import MentorshipActivated, MentorshipCompleted
from trellis_shared.contracts.postings import ApplicationAccepted, WorkCompleted
from trellis_shared.contracts.promises import (
    application_promise,
    award_promise,
    mentorship_promise,
)
from trellis_shared.errors import NotFound
from trellis_shared.events import EventPayload
from trellis_shared.kafka.consumer import PoisonMessage

KIND_OF = {
    "job": HistoryKind.ROLE,
    "gig": HistoryKind.GIG,
    "secondment": HistoryKind.SECONDMENT,
    "stretch": HistoryKind.STRETCH,
}


async def handle_work_event(profiles: Profiles, event_id: str, payload: EventPayload) -> None:
    try:
        await _dispatch(profiles, event_id, payload)
    except NotFound as exc:
        raise PoisonMessage(str(exc)) from exc


async def _dispatch(profiles: Profiles, event_id: str, payload: EventPayload) -> None:
    if isinstance(payload, AssignmentAwarded):
        await profiles.apply_event(
            payload.employee_id,
            event_id,
            lambda p: take_on_work(
                p,
                kind=HistoryKind.STRETCH,
                reference=payload.assignment_id,
                title=payload.title,
                status="awarded",
                starts_on=payload.starts_on,
                ends_on=payload.ends_on,
                share_pct=payload.share_pct,
                event_id=event_id,
                promise_key=award_promise(
                    payload.round_id, payload.assignment_id, payload.employee_id
                ),
                today=profiles.today(),
            ),
        )
    elif isinstance(payload, ApplicationAccepted):
        kind = KIND_OF[payload.kind]
        await profiles.apply_event(
            payload.employee_id,
            event_id,
            lambda p: take_on_work(
                p,
                kind=kind,
                reference=payload.opportunity_id,
                title=payload.title,
                status="accepted",
                starts_on=payload.starts_on,
                ends_on=payload.ends_on,
                # A job move replaces the role rather than adding to it.
                share_pct=0 if kind is HistoryKind.ROLE else payload.share_pct,
                event_id=event_id,
                promise_key=application_promise(payload.application_id, payload.attempt),
                today=profiles.today(),
            ),
        )
    elif isinstance(payload, WorkCompleted):
        demonstrated = {s.skill_id: s.level for s in payload.skills_demonstrated}
        await profiles.apply_event(
            payload.employee_id,
            event_id,
            lambda p: finish_work(
                p,
                kind=KIND_OF[payload.kind],
                reference=payload.opportunity_id,
                title=payload.title,
                completed_on=payload.completed_on,
                demonstrated=profiles.known_skill_levels(demonstrated),
                event_id=event_id,
            ),
        )
    elif isinstance(payload, MentorshipActivated):
        await profiles.apply_event(
            payload.mentor_id,
            event_id,
            lambda p: take_on_work(
                p,
                kind=HistoryKind.MENTORSHIP,
                reference=payload.match_id,
                title=f"mentoring {payload.mentee_id}",
                status="active",
                starts_on=payload.starts_on,
                ends_on=payload.ends_on,
                share_pct=payload.mentor_share_pct,
                event_id=event_id,
                promise_key=mentorship_promise(payload.match_id),
                today=profiles.today(),
            ),
        )
        await profiles.apply_event(
            payload.mentee_id,
            event_id,
            lambda p: take_on_work(
                p,
                kind=HistoryKind.MENTORSHIP,
                reference=payload.match_id,
                title=f"mentored by {payload.mentor_id}",
                status="active",
                starts_on=payload.starts_on,
                ends_on=payload.ends_on,
                share_pct=0,
                event_id=event_id,
            ),
        )
    elif isinstance(payload, MentorshipCompleted):
        for employee_id, title in (
            (payload.mentor_id, f"mentoring {payload.mentee_id}"),
            (payload.mentee_id, f"mentored by {payload.mentor_id}"),
        ):
            await profiles.apply_event(
                employee_id, event_id, _finish_mentorship(payload, title, event_id)
            )


def _finish_mentorship(
    payload: MentorshipCompleted, title: str, event_id: str
) -> Callable[[Profile], Profile]:
    def change(profile: Profile) -> Profile:
        return finish_work(
            profile,
            kind=HistoryKind.MENTORSHIP,
            reference=payload.match_id,
            title=title,
            completed_on=payload.completed_on,
            demonstrated={},
            event_id=event_id,
        )

    return change
