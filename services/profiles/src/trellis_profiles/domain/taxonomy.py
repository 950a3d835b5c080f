"""The skills taxonomy: the shared vocabulary people describe what they can do in.

Pure domain, no I/O. People type skills in many spellings ("K8s", "kubernetes ",
"Kubernetes"), so every lookup goes through one normalisation, and the taxonomy
refuses to be built if any spelling would point at two different skills: an
ambiguous alias would silently attach someone's experience to the wrong skill.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

TRELLIS_SOURCE = "trellis"
TAXONOMY_CSV_HEADER = ("id", "name", "category", "aliases")
ALIAS_SEPARATOR = "|"

_SKILL_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Characters people use interchangeably between words: "front-end", "front_end",
# "CI/CD", and the Unicode hyphens and dashes word processors substitute.
_WORD_SEPARATORS = re.compile(r"[\s\-_/\u2010-\u2015\u2212]+")


@dataclass(frozen=True)
class Skill:
    id: str
    name: str
    category: str
    aliases: tuple[str, ...] = ()
    source: str = TRELLIS_SOURCE

    def spellings(self) -> tuple[str, ...]:
        """Every text that should resolve to this skill."""
        return (self.id, self.name, *self.aliases)


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving free-text skills: nothing is silently dropped."""

    resolved: dict[str, Skill]
    unknown: list[str]

    def skill_ids(self) -> list[str]:
        """Distinct resolved skill ids, in the order they were first mentioned."""
        return list(dict.fromkeys(skill.id for skill in self.resolved.values()))


@dataclass(frozen=True)
class MergeReport:
    added: int
    skipped_existing: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def normalise_skill_text(text: str) -> str:
    """The form skill texts are compared in.

    Case-folded, trimmed, with runs of whitespace and word separators collapsed
    to one space. Symbols such as `#`, `+` and `.` are kept on purpose: they are
    all that tells C# from C++ from C, or .NET and Node.js from plain words.
    """
    # NFKC first so full-width letters and non-breaking spaces compare equal.
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _WORD_SEPARATORS.sub(" ", folded).strip()


def is_valid_skill_id(text: str) -> bool:
    """Ids are lowercase slugs, so they are safe in URLs and stable in storage."""
    return _SKILL_ID.fullmatch(text) is not None


class Taxonomy:
    """An immutable set of skills, looked up by id or by any of their spellings."""

    def __init__(self, skills: Iterable[Skill]) -> None:
        self._by_id: dict[str, Skill] = {}
        self._by_spelling: dict[str, Skill] = {}
        # Normalised (name, aliases) per id, kept so autocomplete does not
        # re-normalise the whole catalogue on every keystroke.
        self._searchable: dict[str, tuple[str, tuple[str, ...]]] = {}
        for skill in skills:
            self._add(skill)

    def get(self, skill_id: str) -> Skill | None:
        return self._by_id.get(skill_id)

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str) and item in self._by_id

    def __len__(self) -> int:
        return len(self._by_id)

    def skills(self) -> list[Skill]:
        """All skills, in the order they were given."""
        return list(self._by_id.values())

    def categories(self) -> list[str]:
        return sorted({skill.category for skill in self._by_id.values()}, key=str.casefold)

    def resolve(self, text: str) -> Skill | None:
        """The skill whose id, name or alias matches `text` once normalised."""
        return self._by_spelling.get(normalise_skill_text(text))

    def resolve_many(self, texts: Iterable[str]) -> Resolution:
        resolved: dict[str, Skill] = {}
        unknown: dict[str, str] = {}  # normalised -> first spelling seen, in input order
        for text in texts:
            skill = self.resolve(text)
            if skill is not None:
                resolved[text] = skill
            else:
                unknown.setdefault(normalise_skill_text(text), text)
        return Resolution(resolved=resolved, unknown=list(unknown.values()))

    def suggest(self, prefix: str, limit: int = 10) -> list[Skill]:
        """Autocomplete candidates for what someone has typed so far.

        Ranked: an exact spelling first (so "k8s" offers Kubernetes before
        anything merely starting with "k8s"), then names starting with the
        text, then aliases starting with it, then names or aliases containing
        it anywhere. Ties are broken by name, then id, so results are stable.
        """
        typed = normalise_skill_text(prefix)
        if not typed or limit <= 0:
            return []
        ranked: list[tuple[int, str, str, Skill]] = []
        for skill in self._by_id.values():
            rank = self._suggestion_rank(skill, typed)
            if rank is not None:
                ranked.append((rank, self._searchable[skill.id][0], skill.id, skill))
        ranked.sort(key=lambda entry: entry[:3])
        return [entry[3] for entry in ranked[:limit]]

    def unknown_ids(self, ids: Iterable[str]) -> list[str]:
        """Ids not in the taxonomy, de-duplicated, in the order given."""
        return list(dict.fromkeys(skill_id for skill_id in ids if skill_id not in self._by_id))

    def merged_with(self, skills: Iterable[Skill]) -> tuple[Taxonomy, MergeReport]:
        """A new taxonomy with imported skills added; this one is left untouched.

        Existing skills always win. An imported skill whose id is already taken
        is skipped; one whose name already means another skill is left out (it
        would be unreachable by name, and is most likely a duplicate); an alias
        that already means another skill is dropped from the imported skill
        while the skill itself is kept. Every such decision is in the report.
        """
        merged = Taxonomy(self.skills())
        added = 0
        skipped_existing: list[str] = []
        conflicts: list[str] = []
        for incoming in skills:
            if incoming.id in merged._by_id:
                skipped_existing.append(incoming.id)
                continue
            identity_clash = merged._first_clash(incoming.id, incoming.name)
            if identity_clash is not None:
                text, owner = identity_clash
                conflicts.append(
                    f"{incoming.id}: {text!r} already refers to {owner.id!r}; skill not added"
                )
                continue
            kept_aliases: list[str] = []
            for alias in incoming.aliases:
                alias_owner = merged._owner_of(alias)
                if alias_owner is None:
                    kept_aliases.append(alias)
                else:
                    conflicts.append(
                        f"{incoming.id}: alias {alias!r} already refers to "
                        f"{alias_owner.id!r}; alias dropped"
                    )
            merged._add(replace(incoming, aliases=tuple(kept_aliases)))
            added += 1
        report = MergeReport(added, skipped_existing=skipped_existing, conflicts=conflicts)
        return merged, report

    def _owner_of(self, text: str) -> Skill | None:
        return self._by_spelling.get(normalise_skill_text(text))

    def _first_clash(self, *texts: str) -> tuple[str, Skill] | None:
        for text in texts:
            owner = self._owner_of(text)
            if owner is not None:
                return text, owner
        return None

    def _add(self, skill: Skill) -> None:
        _require_well_formed(skill)
        if skill.id in self._by_id:
            raise ValueError(f"duplicate skill id {skill.id!r}")
        spellings = {normalise_skill_text(text): text for text in skill.spellings()}
        for normalised, text in spellings.items():
            owner = self._by_spelling.get(normalised)
            if owner is not None:
                raise ValueError(
                    f"{text!r} of skill {skill.id!r} already refers to skill {owner.id!r}"
                )
        self._by_id[skill.id] = skill
        for normalised in spellings:
            self._by_spelling[normalised] = skill
        self._searchable[skill.id] = (
            normalise_skill_text(skill.name),
            tuple(normalise_skill_text(alias) for alias in skill.aliases),
        )

    def _suggestion_rank(self, skill: Skill, typed: str) -> int | None:
        name, aliases = self._searchable[skill.id]
        if self._by_spelling.get(typed) is skill:
            return 0
        if name.startswith(typed):
            return 1
        if any(alias.startswith(typed) for alias in aliases):
            return 2
        if typed in name or any(typed in alias for alias in aliases):
            return 3
        return None


def _require_well_formed(skill: Skill) -> None:
    if not is_valid_skill_id(skill.id):
        raise ValueError(f"skill id {skill.id!r} is not a lowercase slug")
    if not normalise_skill_text(skill.name):
        raise ValueError(f"skill {skill.id!r} has no name")
    if not skill.category.strip():
        raise ValueError(f"skill {skill.id!r} has no category")
    if any(not normalise_skill_text(alias) for alias in skill.aliases):
        raise ValueError(f"skill {skill.id!r} has a blank alias")


def parse_taxonomy_csv(text: str) -> list[Skill]:
    """Skills from Trellis's own taxonomy CSV (`id,name,category,aliases`).

    This is our curated file, so it is parsed strictly: any malformed row is an
    error naming its line, rather than a skill quietly missing from the catalogue.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = next(reader, None)
    if header is None or tuple(column.strip() for column in header) != TAXONOMY_CSV_HEADER:
        raise ValueError(f"taxonomy CSV must start with the header {','.join(TAXONOMY_CSV_HEADER)}")
    skills: list[Skill] = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(TAXONOMY_CSV_HEADER):
            raise ValueError(
                f"line {reader.line_num}: expected {len(TAXONOMY_CSV_HEADER)} fields, "
                f"found {len(cells)}"
            )
        skill_id, name, category, aliases = (cell.strip() for cell in cells)
        if not (skill_id and name and category):
            raise ValueError(f"line {reader.line_num}: id, name and category are required")
        skills.append(Skill(skill_id, name, category, _split_aliases(aliases)))
    return skills


def _split_aliases(text: str) -> tuple[str, ...]:
    return tuple(alias.strip() for alias in text.split(ALIAS_SEPARATOR) if alias.strip())
