"""Open postings laid out for scoring many at once.

Each posting gets a slot: a row in numpy columns (kind, location code, dates,
level range, ...) plus entries in the inverted lists of its skills and title
words. An update rewrites its row and entries, a removal frees the slot for the
next posting: both cost a few list operations, never a rebuild. When more than
half the slots are free the store compacts itself (amortised, like the arrays).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np

from trellis_postings.domain.fit_facts import KINDS, OpportunityFacts
from trellis_postings.domain.fit_points import apportion
from trellis_postings.domain.fit_text import place_key, title_words
from trellis_postings.domain.recommend_postings import SkillPostings, WordPostings
from trellis_postings.domain.recommend_table import GrowableTable

KIND_CODES = {kind: code for code, kind in enumerate(KINDS)}
NO_LADDER = -1
UNKNOWN = -2  # a place or ladder no open posting names: matches nothing
# Compact once this many slots are free and they are more than half of all.
COMPACT_AFTER_FREE = 1024
# A skill line's maximum depends on the skills' share of the 100 points, a config
# setting. The store keeps entry maxima for this many shares (most recent), so a
# config change costs one pass over the entries, not one per query.
MAX_SKILL_BUDGETS = 4

SLOT_COLUMNS = {
    "alive": np.bool_,
    "kind": np.int64,
    "location": np.int64,
    "remote": np.bool_,
    "share_pct": np.float64,
    "has_start": np.bool_,
    "start": np.int64,
    "has_end": np.bool_,
    "end": np.int64,
    "ladder": np.int64,
    "has_level_min": np.bool_,
    "level_min": np.int64,
    "has_level_max": np.bool_,
    "level_max": np.int64,
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
        self._locations: dict[str, int] = {}
        self._ladders: dict[str, int] = {}

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

    def location_code(self, location: str) -> int:
        return self._locations.get(place_key(location), UNKNOWN)

    def ladder_code(self, ladder: str) -> int:
        return self._ladders.get(place_key(ladder), UNKNOWN)

    def keep_skill_budget(self, skills_tenths: int) -> None:
        """Make sure every skill entry knows its maximum for this skills budget."""
        if skills_tenths in self._budgets:
            return
        if len(self._budgets) >= MAX_SKILL_BUDGETS:
            oldest = self._budgets.pop(0)
            for postings in self.skills.values():
                postings.forget_budget(oldest)
        by_slot = {
            slot: self._maxima(slot, skills_tenths)
            for slot, f in enumerate(self.facts)
            if f is not None
        }
        for postings in self.skills.values():
            slots = postings.column("slot").tolist()
            ranks = postings.column("rank").tolist()
            values = [by_slot[s][r] for s, r in zip(slots, ranks, strict=True)]
            postings.keep_budget(skills_tenths, np.array(values, dtype=np.float64))
        self._budgets.append(skills_tenths)

    def _maxima(self, slot: int, skills_tenths: int) -> tuple[int, ...]:
        facts = self.facts[slot]
        assert facts is not None, "inverted lists only hold live slots"
        return apportion(skills_tenths, [s.weight for s in facts.required_skills])

    def _row(self, facts: OpportunityFacts) -> dict[str, int | float | bool]:
        return {
            "alive": True,
            "kind": KIND_CODES[facts.kind],
            "location": _intern(self._locations, place_key(facts.location)),
            "remote": facts.remote,
            "share_pct": facts.share_pct,
            "has_start": facts.starts_on is not None,
            "start": _day(facts.starts_on),
            "has_end": facts.ends_on is not None,
            "end": _day(facts.ends_on),
            "ladder": NO_LADDER
            if facts.ladder is None
            else _intern(self._ladders, place_key(facts.ladder)),
            "has_level_min": facts.level_min is not None,
            "level_min": facts.level_min or 0,
            "has_level_max": facts.level_max is not None,
            "level_max": facts.level_max or 0,
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


def _intern(codes: dict[str, int], key: str) -> int:
    code = codes.get(key)
    if code is None:
        code = codes[key] = len(codes)
    return code


def _day(day: date | None) -> int:
    return 0 if day is None else day.toordinal()
