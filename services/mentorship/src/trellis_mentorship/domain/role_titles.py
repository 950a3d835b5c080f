"""Role titles compared the way people read them.

"Sr. Software Engineer", "senior software-engineer" and "Senior  Software Engineer"
name the same role; the mentorship "has held the target role" factor would be
useless if spelling decided it. Only a few unambiguous abbreviations are
expanded: guessing synonyms ("developer" vs "engineer") would match roles that
differ in practice.
"""

from __future__ import annotations

import re

_NON_WORD = re.compile(r"[^\w]+")

_ABBREVIATIONS = {
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "jnr": "junior",
    "mgr": "manager",
    "eng": "engineer",
    "engr": "engineer",
    "dir": "director",
    "vp": "vice president",
    "assoc": "associate",
}


def normalise_role_title(title: str) -> str:
    """Lower-case words, punctuation dropped, common abbreviations spelled out."""
    words = _NON_WORD.sub(" ", title.casefold().replace("_", " ")).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)
