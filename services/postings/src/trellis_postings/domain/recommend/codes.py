"""Small codes for the posting attributes that take few distinct values.

Level ranges, (kind, time share) pairs, places and ladders repeat across
thousands of postings. Each distinct value gets a code stored per slot, so a
query computes a part once per code (a table of a few dozen entries) and reads
it for every posting with one numpy gather. For level and time share the table
is filled by the fit.parts functions themselves, on one representative posting
per code: those parts then agree with `explain_fit` by construction.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

from trellis_postings.domain.fit.facts import OpportunityFacts
from trellis_postings.domain.fit.text import place_key

Key = TypeVar("Key", bound=Hashable)

REMOTE_PLACE = 0  # every remote posting shares one place code
NO_LADDER = 0  # a posting open to either ladder


class Representatives(Generic[Key]):
    """Codes for distinct keys, each with the first posting seen with that key.

    Codes are never reused: a representative stands for its key, so it stays
    valid after the posting itself closes (a table row per code is cheap).
    """

    __slots__ = ("_codes", "postings")

    def __init__(self) -> None:
        self._codes: dict[Key, int] = {}
        self.postings: list[OpportunityFacts] = []

    def code(self, key: Key, facts: OpportunityFacts) -> int:
        found = self._codes.get(key)
        if found is None:
            found = self._codes[key] = len(self.postings)
            self.postings.append(facts)
        return found


class Names:
    """Codes for places or ladders compared by `place_key`; 0 is reserved."""

    __slots__ = ("_codes",)

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}

    def __len__(self) -> int:
        """Codes in use, the reserved 0 included."""
        return len(self._codes) + 1

    def code(self, name: str) -> int:
        key = place_key(name)
        found = self._codes.get(key)
        if found is None:
            found = self._codes[key] = len(self._codes) + 1
        return found

    def known(self, name: str) -> int | None:
        return self._codes.get(place_key(name))


def level_key(facts: OpportunityFacts) -> tuple[int | None, int | None]:
    return (facts.level_min, facts.level_max)


def time_key(facts: OpportunityFacts) -> tuple[str, int]:
    return (facts.kind, facts.share_pct)
