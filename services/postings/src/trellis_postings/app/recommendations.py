"""Recommendations for an employee and ranked candidates for a posting.

Open postings live in an in-memory index, updated on every save this process
makes and on every opportunity event (so it learns what other replicas
changed: the event names the posting, which is re-read by `_id`), and people
come from the read model, so a recommendation reads no database and calls no
service.
"""

from __future__ import annotations

from dataclasses import dataclass

from trellis_postings.app.changes import Changes
from trellis_postings.app.ports import Person, ProfileDirectory, Stored
from trellis_postings.domain import access
from trellis_postings.domain.fit.explanation import MatchExplanation
from trellis_postings.domain.fit.facts import CandidateFacts, OpportunityFacts, RequiredSkill
from trellis_postings.domain.fit.score import explain_fit
from trellis_postings.domain.opportunity import Kind, Opportunity, Status
from trellis_postings.domain.recommend.index import OpportunityIndex, rank_candidates
from trellis_postings.domain.scoring_config import ScoringConfig
from trellis_shared.errors import NotFound, PermissionDenied
from trellis_shared.grpc.tokens import Principal

MAX_RESULTS = 100
# Interest interviews are offered to the curious, not matched on skills, but
# they are worth showing; everything open is recommendable.
RECOMMENDABLE_STATUSES = frozenset({Status.OPEN})


def opportunity_facts(opportunity: Opportunity) -> OpportunityFacts:
    details = opportunity.details
    return OpportunityFacts(
        opportunity_id=opportunity.opportunity_id,
        kind=opportunity.kind.value,
        title=details.title,
        department=details.department,
        location=details.location,
        remote=details.remote,
        share_pct=details.share_pct,
        starts_on=details.starts_on,
        ends_on=details.ends_on,
        ladder=details.ladder,
        level_min=details.level_min,
        level_max=details.level_max,
        required_skills=tuple(
            RequiredSkill(
                skill_id=s.skill_id, min_level=s.min_level, weight=s.weight, must_have=s.must_have
            )
            for s in details.required_skills
        ),
    )


@dataclass(frozen=True)
class Candidate:
    person: Person
    explanation: MatchExplanation


def may_find(viewer: Principal, person: Person) -> bool:
    """Profile visibility decides who turns up in a candidate search."""
    if access.is_privileged(viewer):
        return True
    if person.visibility == "everyone":
        return True
    return person.visibility == "managers" and viewer.has_role("manager")


class Recommendations:
    def __init__(
        self, changes: Changes, directory: ProfileDirectory, config: ScoringConfig
    ) -> None:
        self._changes = changes
        self._directory = directory
        self.config = config
        self.index = OpportunityIndex(config)
        self._open: dict[str, Stored] = {}
        # The newest version seen of every posting, so a late re-read of an
        # older version (an event racing this process's own save) changes nothing.
        self._versions: dict[str, int] = {}

    def track(self, stored: Stored) -> None:
        """Keep the index equal to the open postings (called after every save)."""
        opportunity = stored.opportunity
        if self._versions.get(opportunity.opportunity_id, 0) > stored.version:
            return
        self._versions[opportunity.opportunity_id] = stored.version
        if opportunity.status in RECOMMENDABLE_STATUSES:
            self.index.upsert(opportunity_facts(opportunity))
            self._open[opportunity.opportunity_id] = stored
        else:
            self.index.remove(opportunity.opportunity_id)
            self._open.pop(opportunity.opportunity_id, None)

    async def follow(self, opportunity_id: str) -> None:
        """An opportunity event named this posting: index what is stored now."""
        stored = await self._changes.repository.get(opportunity_id)
        if stored is not None:
            self.track(stored)

    async def load(self) -> int:
        for stored in await self._changes.repository.all_open():
            self.track(stored)
        return len(self.index)

    async def for_employee(
        self,
        viewer: Principal,
        employee_id: str,
        *,
        limit: int,
        kinds: frozenset[Kind] = frozenset(),
    ) -> list[tuple[Stored, MatchExplanation]]:
        if viewer.subject != employee_id and not access.is_privileged(viewer):
            raise PermissionDenied("recommendations are for the employee themself")
        person = await self._directory.person(employee_id)
        if person is None:
            raise NotFound(f"no profile for {employee_id} yet")
        found = self.index.recommend(
            person.facts,
            self.config,
            limit=max(1, min(limit or 20, MAX_RESULTS)),
            kinds=frozenset(k.value for k in kinds) or None,
        )
        # Served from memory: the index and its postings change together.
        return [(self._open[r.opportunity_id], r.explanation) for r in found]

    async def candidates(
        self, viewer: Principal, opportunity_id: str, limit: int
    ) -> list[Candidate]:
        stored = await self._changes.load(opportunity_id)
        # Services may rank too: the portal tells people about postings that
        # fit them (a tip goes to the person themself, and reveals nobody).
        if not access.is_privileged(viewer):
            access.require_manager(viewer, stored.opportunity)
        facts = opportunity_facts(stored.opportunity)
        findable = {
            p.facts.employee_id: p
            for p in self._directory.people()
            if may_find(viewer, p) and p.facts.employee_id != viewer.subject
        }
        ranked = rank_candidates(
            facts,
            (p.facts for p in findable.values()),
            self.config,
            max(1, min(limit or 20, MAX_RESULTS)),
        )
        return [
            Candidate(findable[employee_id], explanation) for employee_id, explanation in ranked
        ]

    async def score_pairs(
        self, viewer: Principal, pairs: list[tuple[str, str]]
    ) -> tuple[list[MatchExplanation], list[tuple[str, str]]]:
        """Scores of (opportunity, employee) pairs for other services and HR;
        pairs naming an unknown posting or person come back as missing."""
        if not access.is_privileged(viewer):
            raise PermissionDenied("fit scores in bulk are for services and hr_admin")
        facts: dict[str, OpportunityFacts | None] = {}
        scored: list[MatchExplanation] = []
        missing: list[tuple[str, str]] = []
        for opportunity_id, employee_id in pairs:
            if opportunity_id not in facts:
                facts[opportunity_id] = await self._facts_of(opportunity_id)
            posting = facts[opportunity_id]
            person = await self._directory.person(employee_id)
            if posting is None or person is None:
                missing.append((opportunity_id, employee_id))
                continue
            scored.append(explain_fit(person.facts, posting, self.config))
        return scored, missing

    async def _facts_of(self, opportunity_id: str) -> OpportunityFacts | None:
        known = self._open.get(opportunity_id)
        stored = known or await self._changes.repository.get(opportunity_id)
        return opportunity_facts(stored.opportunity) if stored else None

    async def explain(self, opportunity: Opportunity, employee_id: str) -> MatchExplanation | None:
        person = await self._directory.person(employee_id)
        if person is None:
            return None
        return explain_fit(person.facts, opportunity_facts(opportunity), self.config)

    def explain_known(
        self, opportunity: Opportunity, candidate: CandidateFacts
    ) -> MatchExplanation:
        return explain_fit(candidate, opportunity_facts(opportunity), self.config)
