"""Titles, places and ladders compared the way people read them.

A target role matches a posting title when every word of the role appears in
the title: "data engineer" matches "Senior Data Engineer, Payments". Seniority
words are left out on both sides because the level is scored on its own, and a
few unambiguous abbreviations are spelled out. No synonyms are guessed
("developer" vs "engineer"): they differ in practice more often than not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+[+#]*")

_ABBREVIATIONS = {
    "mgr": "manager",
    "eng": "engineer",
    "engr": "engineer",
    "dev": "developer",
    "assoc": "associate",
}
# Seniority is the level's business, and filler words carry no role.
_IGNORED = frozenset(
    {"senior", "sr", "snr", "junior", "jr", "jnr", "ii", "iii", "iv"}
    | {"a", "an", "and", "of", "the", "for", "in", "on", "at", "to", "with"}
)


@lru_cache(maxsize=4096)
def title_words(text: str) -> frozenset[str]:
    """The words of a title or role that decide whether they match (cached: titles repeat)."""
    words = (_ABBREVIATIONS.get(w, w) for w in _WORD.findall(text.casefold()))
    return frozenset(w for w in words if w not in _IGNORED)


def matching_role(title: str, target_roles: Iterable[str]) -> str | None:
    """The first target role whose words all appear in the title, if any."""
    words = title_words(title)
    for role in target_roles:
        wanted = title_words(role)
        if wanted and wanted <= words:
            return role
    return None


def place_key(text: str) -> str:
    """Locations and ladders compare case- and spacing-insensitively."""
    return " ".join(text.casefold().split())
