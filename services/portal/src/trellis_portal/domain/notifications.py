"""Who hears about which event, and what they read. Pure rules, no I/O.

Events carry ids, rarely titles or names; the consumer looks those up first
(`wanted` says what to look up) and passes them in as `Known`. Whatever it could
not find falls back to the id, so a notification never waits on a lookup.

Confidentiality: application events carry `hidden_from` (the applicant's
managers until disclosure). Nobody in it is ever notified about the event, and
this is enforced once, after every rule, so a rule written later cannot leak.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from trellis_shared.contracts.bidding import AssignmentAwarded, RoundCleared
from trellis_shared.contracts.mentorship import (
    MatchAccepted,
    MatchDeclined,
    MatchProposed,
    MatchRequested,
    MentorshipActivated,
    MentorshipEnded,
)
from trellis_shared.contracts.postings import (
    ApplicationDisclosed,
    ApplicationStatusChanged,
    ApplicationSubmitted,
    InterestInterviewDeclined,
    InterestInterviewRequested,
    InterestInterviewScheduled,
    PostedOpportunity,
    ReleaseApproved,
    ReleaseRequested,
)
from trellis_shared.events import EventPayload

# Kinds, as the browser receives them (data-notification on a toast).
APPLICATION = "application"
RELEASE = "release"
RECOMMENDATION = "recommendation"
INTERVIEW = "interview"
MENTORSHIP = "mentorship"
BIDDING = "bidding"

# New-opportunity tips go to people whose match has this verdict (postings'
# "strong match", see services/postings/SCORING.md), to at most this many people
# per posting, so a broad posting does not flood the company.
RECOMMEND_VERDICTS = frozenset({"strong match"})
MAX_RECOMMENDED = 20
# Kinds a person can act on after a tip (stretch assignments go through rounds).
RECOMMENDABLE_KINDS = frozenset({"job", "gig", "secondment", "interest_interview"})

# Status moves only the applicant makes; the rest are the hiring side's.
APPLICANT_MOVES = frozenset({"withdrawn", "accepted", "declined"})
_STATUS_WORDS = {
    "in_review": "is in review",
    "shortlisted": "is shortlisted",
    "interviewing": "moved to interviews",
    "offered": "has an offer for you",
    "rejected": "was not successful",
    "withdrawn": "was withdrawn",
    "accepted": "was accepted",
    "declined": "was declined",
}


@dataclass(frozen=True)
class Notice:
    """One notification for one person."""

    person: str
    kind: str
    title: str
    body: str
    link: str


@dataclass(frozen=True)
class Wanted:
    """What the consumer should look up before applying the rules."""

    opportunity_id: str | None = None
    people: tuple[str, ...] = ()


@dataclass(frozen=True)
class Known:
    """What the consumer found: opportunity title and display names by id."""

    opportunity_title: str = ""
    names: Mapping[str, str] = field(default_factory=dict)

    def title_or(self, fallback: str) -> str:
        return self.opportunity_title or fallback

    def name(self, employee_id: str) -> str:
        return self.names.get(employee_id) or employee_id


@dataclass(frozen=True)
class FitCandidate:
    """A person postings ranks for a new posting, with its verdict."""

    employee_id: str
    score: float
    verdict: str


def wanted(payload: EventPayload) -> Wanted:
    match payload:
        case ApplicationSubmitted() | ReleaseRequested():
            return Wanted(payload.opportunity_id, (payload.employee_id,))
        case ApplicationStatusChanged() if payload.status in APPLICANT_MOVES:
            return Wanted(payload.opportunity_id, (payload.employee_id,))
        case ApplicationStatusChanged() | ApplicationDisclosed() | ReleaseApproved():
            return Wanted(payload.opportunity_id)
        case InterestInterviewRequested():
            return Wanted(payload.opportunity_id, (payload.employee_id,))
        case InterestInterviewScheduled() | InterestInterviewDeclined():
            return Wanted(payload.opportunity_id)
        case (
            MatchProposed()
            | MatchRequested()
            | MatchAccepted()
            | MatchDeclined()
            | MentorshipActivated()
            | MentorshipEnded()
        ):
            return Wanted(None, (payload.mentor_id, payload.mentee_id))
    return Wanted()


def notices_for(payload: EventPayload, known: Known = Known()) -> list[Notice]:
    """Everyone an event concerns, without anyone it is hidden from, once each."""
    notices = _rules(payload, known)
    hidden = set(getattr(payload, "hidden_from", ()) or ())
    once: dict[str, Notice] = {}
    for notice in notices:
        if notice.person and notice.person not in hidden:
            once.setdefault(notice.person, notice)
    return list(once.values())


def _rules(payload: EventPayload, known: Known) -> list[Notice]:
    match payload:
        case ApplicationSubmitted():
            return _submitted(payload, known)
        case ApplicationStatusChanged():
            return _status_changed(payload, known)
        case ApplicationDisclosed():
            return _disclosed(payload, known)
        case ReleaseRequested():
            return _release_requested(payload, known)
        case ReleaseApproved():
            return _release_approved(payload, known)
        case InterestInterviewRequested() | InterestInterviewScheduled():
            return _interview(payload, known)
        case InterestInterviewDeclined():
            return _interview_declined(payload, known)
        case MatchProposed() | MatchRequested() | MatchAccepted() | MatchDeclined():
            return _match(payload, known)
        case MentorshipActivated() | MentorshipEnded():
            return _mentorship(payload, known)
        case AssignmentAwarded() | RoundCleared():
            return _bidding(payload)
    return []


def _submitted(event: ApplicationSubmitted, known: Known) -> list[Notice]:
    title = known.title_or(event.opportunity_id)
    return [
        Notice(
            event.hiring_manager_id,
            APPLICATION,
            f"New application for {title}",
            f"{known.name(event.employee_id)} applied.",
            "/manage",
        )
    ]


def _status_changed(event: ApplicationStatusChanged, known: Known) -> list[Notice]:
    title = known.title_or(event.opportunity_id)
    words = _STATUS_WORDS.get(event.status, f"is now {event.status.replace('_', ' ')}")
    if event.status in APPLICANT_MOVES:
        # The applicant made this move; the hiring side needs to know.
        return [
            Notice(
                event.hiring_manager_id,
                APPLICATION,
                f"{known.name(event.employee_id)}'s application for {title} {words}",
                f"It was {event.previous_status.replace('_', ' ')} before.",
                "/manage",
            )
        ]
    return [
        Notice(
            event.employee_id,
            APPLICATION,
            f"Your application for {title} {words}",
            "See where it stands in your applications.",
            "/applications",
        )
    ]


def _disclosed(event: ApplicationDisclosed, known: Known) -> list[Notice]:
    # Only the applicant: the managers learn of it where it matters (release
    # requests), not through a notification that would single them out.
    title = known.title_or(event.opportunity_id)
    return [
        Notice(
            event.employee_id,
            APPLICATION,
            f"Your application for {title} is now visible to your managers",
            f"Confidentiality ended {event.disclosure_point.replace('_', ' ')}, as agreed.",
            "/applications",
        )
    ]


def _release_requested(event: ReleaseRequested, known: Known) -> list[Notice]:
    # A release follows an acceptance, and acceptance comes after the offer, the
    # latest disclosure point: by now the application is no secret from the manager.
    title = known.title_or(event.opportunity_id)
    return [
        Notice(
            event.manager_id,
            RELEASE,
            f"{known.name(event.employee_id)} asks you to release {event.share_pct}% for {title}",
            f"It approves itself on {event.due_at.date().isoformat()} unless you act first.",
            "/team/releases",
        )
    ]


def _release_approved(event: ReleaseApproved, known: Known) -> list[Notice]:
    title = known.title_or(event.opportunity_id)
    how = "automatically" if event.approved_by == "auto" else "by your manager"
    return [
        Notice(
            event.employee_id,
            RELEASE,
            f"Your time for {title} was released",
            f"Released {how}.",
            "/applications",
        )
    ]


def _interview(
    event: InterestInterviewRequested | InterestInterviewScheduled, known: Known
) -> list[Notice]:
    title = known.title_or(event.opportunity_id)
    if isinstance(event, InterestInterviewRequested):
        return [
            Notice(
                event.host_id,
                INTERVIEW,
                f"{known.name(event.employee_id)} asks for an interest interview: {title}",
                "Offer a slot or decline.",
                "/manage",
            )
        ]
    return [
        Notice(
            event.employee_id,
            INTERVIEW,
            f"Interest interview scheduled: {title}",
            f"At {event.slot.isoformat(timespec='minutes')}.",
            f"/opportunities/{event.opportunity_id}",
        )
    ]


def _interview_declined(event: InterestInterviewDeclined, known: Known) -> list[Notice]:
    title = known.title_or(event.opportunity_id)
    return [
        Notice(
            event.employee_id,
            INTERVIEW,
            f"Interest interview declined: {title}",
            event.reason or "The host gave no reason.",
            f"/opportunities/{event.opportunity_id}",
        )
    ]


def _match(
    event: MatchProposed | MatchRequested | MatchAccepted | MatchDeclined, known: Known
) -> list[Notice]:
    mentor, mentee = event.mentor_id, event.mentee_id
    if isinstance(event, MatchProposed):
        return [
            Notice(
                mentee,
                MENTORSHIP,
                f"Proposed mentor: {known.name(mentor)}",
                "Accept or decline the proposal.",
                "/mentorship",
            ),
            Notice(
                mentor,
                MENTORSHIP,
                f"Proposed mentee: {known.name(mentee)}",
                "Accept or decline the proposal.",
                "/mentorship",
            ),
        ]
    if isinstance(event, MatchRequested):
        return [
            Notice(
                mentor,
                MENTORSHIP,
                f"{known.name(mentee)} asks you to be their mentor",
                "Accept or decline the request.",
                "/mentorship",
            )
        ]
    other, actor = (mentee, mentor) if event.side == "mentor" else (mentor, mentee)
    verb = "accepted" if isinstance(event, MatchAccepted) else "declined"
    return [
        Notice(
            other,
            MENTORSHIP,
            f"{known.name(actor)} {verb} the mentorship",
            "See your mentorship for what comes next.",
            "/mentorship",
        )
    ]


def _mentorship(event: MentorshipActivated | MentorshipEnded, known: Known) -> list[Notice]:
    mentor, mentee = event.mentor_id, event.mentee_id
    if isinstance(event, MentorshipActivated):
        return [
            Notice(
                person,
                MENTORSHIP,
                f"Your mentorship with {known.name(partner)} has started",
                f"It runs until {event.ends_on.isoformat()}.",
                "/mentorship",
            )
            for person, partner in ((mentee, mentor), (mentor, mentee))
        ]
    return [
        Notice(
            person,
            MENTORSHIP,
            f"Your mentorship with {known.name(partner)} has ended",
            f"Ended on {event.ended_on.isoformat()}.",
            "/mentorship",
        )
        for person, partner in ((mentee, mentor), (mentor, mentee))
        if person != event.ended_by
    ]


def _bidding(event: AssignmentAwarded | RoundCleared) -> list[Notice]:
    if isinstance(event, AssignmentAwarded):
        return [
            Notice(
                event.employee_id,
                BIDDING,
                f"You won {event.title or event.assignment_id}",
                f"{event.share_pct}% from {event.starts_on.isoformat()} "
                f"to {event.ends_on.isoformat()}.",
                "/bidding",
            )
        ]
    # Without named bidders only the winners hear (through their awards).
    return [
        Notice(
            bidder,
            BIDDING,
            "Your bidding round result is ready",
            "See what you won and why.",
            "/bidding",
        )
        for bidder in event.employee_ids
    ]


def recommendation_notices(
    opportunity: PostedOpportunity,
    candidates: Iterable[FitCandidate],
    *,
    verdicts: frozenset[str] = RECOMMEND_VERDICTS,
    limit: int = MAX_RECOMMENDED,
) -> list[Notice]:
    """Tips about a new posting for the people it fits best (never its manager)."""
    if opportunity.kind not in RECOMMENDABLE_KINDS or opportunity.status != "open":
        return []
    chosen = sorted(
        (
            c
            for c in candidates
            if c.verdict in verdicts and c.employee_id != opportunity.hiring_manager_id
        ),
        key=lambda c: -c.score,
    )
    notices: list[Notice] = []
    for candidate in _unique(chosen)[:limit]:
        notices.append(
            Notice(
                candidate.employee_id,
                RECOMMENDATION,
                f"New {opportunity.kind.replace('_', ' ')} for you: {opportunity.title}",
                f"A {candidate.verdict} ({candidate.score:.0f} of 100).",
                f"/opportunities/{opportunity.opportunity_id}",
            )
        )
    return notices


def _unique(candidates: Sequence[FitCandidate]) -> list[FitCandidate]:
    seen: set[str] = set()
    unique = []
    for candidate in candidates:
        if candidate.employee_id not in seen:
            seen.add(candidate.employee_id)
            unique.append(candidate)
    return unique
