"""Turns events from the other services into notifications.

Runs under trellis_shared.kafka.consumer.subscribe_events: a payload that does
not fit its contract is dead-lettered, a failing write is retried, and the
store's document ids make redelivery harmless. Titles and names are looked up
as the portal service; a lookup the peer refuses leaves the id in the text
rather than holding the notification back. A peer that is down or slow
(UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED) fails the whole event, and
the consumer retries it until the peer is back: never parked for that.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import grpc
from grpc import aio

from trellis.postings.v1 import postings_pb2 as postings_pb
from trellis.profiles.v1 import profiles_pb2 as profiles_pb
from trellis_portal.adapters.backends import Backends
from trellis_portal.adapters.notification_store import NotificationStore
from trellis_portal.domain.notifications import (
    RECOMMENDABLE_KINDS,
    FitCandidate,
    Known,
    Notice,
    notices_for,
    recommendation_notices,
    wanted,
)
from trellis_shared.contracts import REGISTRY
from trellis_shared.contracts.bidding import AWARD_TOPIC, ROUND_TOPIC
from trellis_shared.contracts.mentorship import MATCH_TOPIC
from trellis_shared.contracts.postings import (
    APPLICATION_TOPIC,
    INTERVIEW_TOPIC,
    OPPORTUNITY_TOPIC,
    OpportunityPublished,
    PostedOpportunity,
)
from trellis_shared.events.envelope import Envelope
from trellis_shared.kafka.consumer import ConsumedRecord
from trellis_shared.kafka.failures import Failure, classify

log = logging.getLogger("trellis_portal.notifications")

NOTIFYING_TOPICS = (
    APPLICATION_TOPIC,
    OPPORTUNITY_TOPIC,
    INTERVIEW_TOPIC,
    MATCH_TOPIC,
    AWARD_TOPIC,
    ROUND_TOPIC,
)
# Postings ranks more people than we notify, so the verdict filter has room.
CANDIDATES_ASKED = 50
# Answers that a retry would only repeat (the posting went away, or its
# hiring manager may not search): the tips are skipped, not the event.
SETTLED_REFUSALS = frozenset(
    {
        grpc.StatusCode.NOT_FOUND,
        grpc.StatusCode.PERMISSION_DENIED,
        grpc.StatusCode.FAILED_PRECONDITION,
    }
)


class NotificationConsumer:
    def __init__(
        self, store: NotificationStore, backends: Backends, clock: Callable[[], datetime]
    ) -> None:
        self._store = store
        self._backends = backends
        self._clock = clock

    async def handle(self, envelope: Envelope, record: ConsumedRecord) -> None:
        payload = REGISTRY.parse(envelope)  # ValidationError → dead letter
        if payload is None:
            return
        want = wanted(payload)
        known = Known(
            opportunity_title=await self._title(want.opportunity_id),
            names={person: await self._name(person) for person in want.people},
        )
        notices = notices_for(payload, known)
        if isinstance(payload, OpportunityPublished):
            notices += await self._recommendations(payload.opportunity)
        added = await self._store.add(envelope.id, notices, self._clock())
        if added:
            log.info(
                "notifications added",
                extra={"event_id": envelope.id, "event_type": envelope.type, "count": added},
            )

    async def _title(self, opportunity_id: str | None) -> str:
        if not opportunity_id:
            return ""
        try:
            reply = await self._backends.postings.call(
                self._backends.opportunities().GetOpportunity,
                postings_pb.GetOpportunityRequest(opportunity_id=opportunity_id),
            )
        except aio.AioRpcError as error:
            if classify(error) is Failure.TRANSIENT:
                raise
            log.warning("no title for %s: %s", opportunity_id, error.code().name)
            return ""
        return str(reply.opportunity.details.title)

    async def _name(self, employee_id: str) -> str:
        try:
            reply = await self._backends.profiles.call(
                self._backends.profile_service().GetProfile,
                profiles_pb.GetProfileRequest(employee_id=employee_id),
            )
        except aio.AioRpcError as error:
            if classify(error) is Failure.TRANSIENT:
                raise
            log.warning("no name for %s: %s", employee_id, error.code().name)
            return ""
        return str(reply.profile.org.name)

    async def _recommendations(self, opportunity: PostedOpportunity) -> list[Notice]:
        if opportunity.kind not in RECOMMENDABLE_KINDS:
            return []
        # Asked as the portal service: a tip goes only to the person it fits,
        # so it reveals nobody to anyone, whatever their profile's visibility.
        try:
            reply = await self._backends.postings.call(
                self._backends.recommendations().FindCandidates,
                postings_pb.FindCandidatesRequest(
                    opportunity_id=opportunity.opportunity_id, limit=CANDIDATES_ASKED
                ),
            )
        except aio.AioRpcError as error:
            if error.code() not in SETTLED_REFUSALS:
                raise  # unavailable or slow: worth a retry
            log.warning("no tips for %s: %s", opportunity.opportunity_id, error.code().name)
            return []
        candidates = [
            FitCandidate(c.employee_id, c.match.score, c.match.verdict) for c in reply.candidates
        ]
        return recommendation_notices(opportunity, candidates)
