"""Open postings laid out for scoring many at once.

Each posting gets a slot: a row in numpy columns (kind, place and ladder codes,
dates, level range and time share codes, ...) plus entries in the inverted
lists of its skills and title words. An update rewrites its row and entries, a
removal frees the slot for the next posting: both cost a few list operations,
never a rebuild. When more than half the slots are free the store compacts
itself (amortised, like the arrays).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np

from trellis_postings.domain.fit.facts import KINDS, OpportunityFacts
from trellis_postings.domain.fit.parts import DATED_KINDS
from trellis_postings.domain.fit.points import apportion
from trellis_postings.domain.fit.text import title_words
from trellis_postings.domain.recommend.codes import (
    NO_LADDER,
    REMOTE_PLACE,
    Names,
    Representatives,
    level_key,
    time_key,
)
from trellis_postings.domain.recommend.inverted_lists import SkillPostings, WordPostings
from trellis_postings.domain.recommend.table import GrowableTable

KIND_CODES = {kind: code for code, kind in enumerate(KINDS)}
# Compact once this many slots are free and they are more than half of all.
COMPACT_AFTER_FREE = 1024
# A skill line's maximum depends on the skills' share of the 100 points, a config
# setting. The store keeps entry maxima for this many shares (most recent), so a
# config change costs one pass over the entries, not one per query.
MAX_SKILL_BUDGETS = 4
# Day numbers beyond any date: a date that is not set passes its check.
LATEST, EARLIEST = 10**9, -(10**9)

SLOT_COLUMNS = {
    "alive": np.bool_,
    "kind": np.int64,
    "place": np.int64,  # Names code, REMOTE_PLACE for remote postings
    "ladder": np.int64,  # Names code, NO_LADDER when open to either
    "level_profile": np.int64,
    "time_profile": np.int64,
    # Dates as day numbers, ready for fit.parts.dates_fit / dates_overlap.
    "fit_start": np.int64,
    "fit_end": np.int64,
    "overlap_start": np.int64,
    "overlap_end": np.int64,
    "must_have_count": np.int64,
    "skill_count": np.int64,
}


class OpportunityStore:
    def __init__(self, skill_budgets: Iterable[int] = ()) -> None:
        self._budgets: list[int] = list(dict.fromkeys(skill_budgets))[-MAX_SKILL_BUDGETS:]
        self.slots = GrowableTable(SLOT_COLUMNS)
        self.facts: list[OpportunityFacts | None] = []
        self.slot_of: dict[str, int] = {}
        self.skills: dict[str, SkillPostings] = {}
        self.words: dict[str, WordPostings] = {}
        self._free: list[int] = []
        self.places = Names()
        self.ladders = Names()
        self.levels: Representatives[tuple[int | None, int | None]] = Representatives()
        self.times: Representatives[tuple[str, int]] = Representatives()

    def __len__(self) -> int:
        return len(self.slot_of)

    @property
    def span(self) -> int:
        """Slots in use or free: the length of every per-slot array."""
        return self.slots.size

    def upsert(self, facts: OpportunityFacts) -> None:
        slot = self.slot_of.get(facts.opportunity_id)
        if slot is not None:
            self._unlink(slot)
            self.slots.write(slot, self._row(facts))
        elif self._free:
            slot = self._free.pop()
            self.slots.write(slot, self._row(facts))
        else:
            slot = self.slots.append(self._row(facts))
            self.facts.append(None)
        self.slot_of[facts.opportunity_id] = slot
        self.facts[slot] = facts
        self._link(slot, facts)

    def remove(self, opportunity_id: str) -> bool:
        slot = self.slot_of.pop(opportunity_id, None)
        if slot is None:
            return False
        self._unlink(slot)
        self.slots["alive"][slot] = False
        self.facts[slot] = None
        self._free.append(slot)
        if len(self._free) >= COMPACT_AFTER_FREE and 2 * len(self._free) > self.span:
            self._compact()
        return True

    def keep_skill_budget(self, skills_tenths: int) -> None:
        """Make sure every skill entry knows its maximum for this skills budget."""
        if skills_tenths in self._budgets:
            # Least recently used goes first: the usual config is never the one dropped.
            self._budgets.remove(skills_tenths)
            self._budgets.append(skills_tenths)
            return
        if len(self._budgets) >= MAX_SKILL_BUDGETS:
            oldest = self._budgets.pop(0)
            for postings in self.skills.values():
                postings.forget_budget(oldest)
        by_slot: dict[int, tuple[int, ...]] = {}  # each posting split once
        for postings in self.skills.values():
            values = []
            for slot, rank in zip(
                postings.column("slot").tolist(), postings.column("rank").tolist(), strict=True
            ):
                maxima = by_slot.get(slot)
                if maxima is None:
                    maxima = by_slot[slot] = self._maxima(slot, skills_tenths)
                values.append(maxima[rank])
            postings.keep_budget(skills_tenths, np.array(values, dtype=np.float64))
        self._budgets.append(skills_tenths)

    def _maxima(self, slot: int, skills_tenths: int) -> tuple[int, ...]:
        facts = self.facts[slot]
        assert facts is not None, "inverted lists only hold live slots"
        return apportion(skills_tenths, [s.weight for s in facts.required_skills])

    def _row(self, facts: OpportunityFacts) -> dict[str, int | float | bool]:
        start, end = _day(facts.starts_on), _day(facts.ends_on)
        dated = facts.kind in DATED_KINDS
        return {
            "alive": True,
            "kind": KIND_CODES[facts.kind],
            "place": REMOTE_PLACE if facts.remote else self.places.code(facts.location),
            "ladder": NO_LADDER if facts.ladder is None else self.ladders.code(facts.ladder),
            "level_profile": self.levels.code(level_key(facts), facts),
            "time_profile": self.times.code(time_key(facts), facts),
            # Undated kinds always "fit"; overlap is only asked when they do not.
            "fit_start": start if dated and start is not None else LATEST,
            "fit_end": end if dated and end is not None else EARLIEST,
            "overlap_start": EARLIEST if start is None else start,
            "overlap_end": LATEST if end is None else end,
            "must_have_count": sum(s.must_have for s in facts.required_skills),
            "skill_count": len(facts.required_skills),
        }

    def _link(self, slot: int, facts: OpportunityFacts) -> None:
        for rank, skill in enumerate(facts.required_skills):
            postings = self.skills.get(skill.skill_id)
            if postings is None:
                postings = self.skills[skill.skill_id] = SkillPostings(self._budgets)
            maxima = {b: self._maxima(slot, b)[rank] for b in self._budgets}
            postings.add(slot, skill.min_level, skill.must_have, rank, maxima)
        for word in title_words(facts.title):
            words = self.words.get(word)
            if words is None:
                words = self.words[word] = WordPostings()
            words.add(slot)

    def _unlink(self, slot: int) -> None:
        facts = self.facts[slot]
        assert facts is not None, "only a live slot is unlinked"
        for skill in facts.required_skills:
            postings = self.skills[skill.skill_id]
            postings.remove(slot)
            if not len(postings):
                del self.skills[skill.skill_id]
        for word in title_words(facts.title):
            words = self.words[word]
            words.remove(slot)
            if not len(words):
                del self.words[word]

    def _compact(self) -> None:
        alive = self.slots["alive"].copy()
        new_slot = np.cumsum(alive) - 1
        tables = [p.table for p in self.skills.values()] + [w.table for w in self.words.values()]
        for table in tables:
            column = table["slot"]
            column[:] = new_slot[column]
        self.slots.keep(alive)
        live = [f for f in self.facts if f is not None]
        self.facts = list(live)
        self.slot_of = {f.opportunity_id: slot for slot, f in enumerate(live)}
        self._free = []


def _day(day: date | None) -> int | None:
    return None if day is None else day.toordinal()
