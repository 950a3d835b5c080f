"""Turn public taxonomy exports (ESCO, O*NET) into Trellis skills.

Pure functions over text or an already-open stream; reading files is the
adapter's job. Operators download these exports themselves (Trellis ships none
of their content), so the shape is recognised from the header row, and every
row that cannot become a skill is reported with its line number and the reason
instead of vanishing: an operator must be able to see what did not come in.

Supported shapes:

* ``esco`` - the ESCO skills export (``skills_en.csv``). Id is ``esco-`` plus
  the last path segment of ``conceptUri``; name is ``preferredLabel``; aliases
  are the newline-separated ``altLabels``; the category comes from
  ``skillType`` through ``ESCO_CATEGORIES``.
* ``onet-skills`` - O*NET's element-rating files (``Skills.txt``; Knowledge,
  Abilities and Work Activities share the shape). One skill per Element ID, id
  ``onet-`` plus the Element ID slugged; category from the Element ID's branch
  of the O*NET content model through ``ONET_ELEMENT_CATEGORIES``.
* ``onet-technology`` - O*NET ``Technology Skills``. One skill per Example,
  id ``onet-tech-`` plus the Example slugged; category is the Commodity Title.

O*NET ships tab-separated ``.txt`` files and ESCO comma-separated CSV; the
delimiter is sniffed from the header line.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal, TextIO

from trellis_profiles.domain.taxonomy import Skill, is_valid_skill_id, normalise_skill_text

PublicTaxonomyFormat = Literal["esco", "onet-skills", "onet-technology"]

# The columns each shape must have; other columns are allowed and ignored, so
# newer releases that add columns still import.
REQUIRED_COLUMNS: dict[PublicTaxonomyFormat, tuple[str, ...]] = {
    "esco": ("conceptUri", "preferredLabel", "skillType"),
    "onet-skills": ("O*NET-SOC Code", "Element ID", "Element Name"),
    "onet-technology": ("O*NET-SOC Code", "Example", "Commodity Title"),
}

ESCO_SKILL_CONCEPT_TYPE = "KnowledgeSkillCompetence"
ESCO_CATEGORIES = {
    "skill/competence": "esco: skills and competences",
    "knowledge": "esco: knowledge",
}
ESCO_UNCATEGORISED = "esco: uncategorised"

# Element IDs are positions in the O*NET content model; the leading branch says
# what kind of element it is, so a Knowledge.txt import is not labelled "skills".
ONET_ELEMENT_CATEGORIES = {
    "2.a": "onet: skills",  # basic skills
    "2.b": "onet: skills",  # cross-functional skills
    "2.c": "onet: knowledge",
    "1.a": "onet: abilities",
    "1.c": "onet: work styles",
    "4.a": "onet: work activities",
}
ONET_OTHER_ELEMENTS = "onet: other"
ONET_TECHNOLOGY_UNCATEGORISED = "onet: technology"

_HEADER_LINE = 1
# Symbols that carry meaning in technology names, spelled out so that C, C++
# and C# do not all slug to "c".
_SYMBOL_WORDS = {"+": " plus ", "#": " sharp ", "&": " and ", "@": " at "}
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reason: str


@dataclass(frozen=True)
class ImportResult:
    skills: list[Skill]
    rejected: list[RejectedRow]


@dataclass(frozen=True)
class _Record:
    """One data row, its cells keyed by normalised column name."""

    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(_column_key(column), "").strip()


_RowOutcome = Skill | str  # a skill, or the reason the row was rejected


def detect_format(header_line: str) -> PublicTaxonomyFormat:
    """Which public export a header row belongs to, whichever delimiter it uses."""
    columns = {_column_key(column) for column in _split_header(header_line)}
    for shape, required in REQUIRED_COLUMNS.items():
        if all(_column_key(column) in columns for column in required):
            return shape
    expected = "; ".join(
        f"{shape}: {', '.join(required)}" for shape, required in REQUIRED_COLUMNS.items()
    )
    raise ValueError(f"unrecognised taxonomy export header; expected columns for {expected}")


def import_public_taxonomy(source: str | TextIO) -> ImportResult:
    """Skills from an ESCO or O*NET export, given as text or an open text stream."""
    stream = io.StringIO(source) if isinstance(source, str) else source
    header_line = stream.readline().removeprefix("\ufeff")
    shape = detect_format(header_line)
    records = _records(stream, _split_header(header_line), _delimiter_of(header_line))
    return _collect(records, _ROW_CONVERTERS[shape])


def _esco_skill(record: _Record) -> _RowOutcome:
    name = record.get("preferredLabel")
    concept_uri = record.get("conceptUri")
    if not name:
        return "missing preferredLabel"
    if not concept_uri:
        return "missing conceptUri"
    concept_type = record.get("conceptType")
    if concept_type and concept_type != ESCO_SKILL_CONCEPT_TYPE:
        return f"conceptType {concept_type!r} is not a skill"
    # No stripping of a trailing slash: ".../skill/" names the scheme, not a concept.
    concept_id = concept_uri.rsplit("/", 1)[-1].lower()
    if not is_valid_skill_id(concept_id):
        return f"conceptUri {concept_uri!r} does not end in an identifier"
    return Skill(
        id=f"esco-{concept_id}",
        name=name,
        category=ESCO_CATEGORIES.get(record.get("skillType").casefold(), ESCO_UNCATEGORISED),
        aliases=_distinct_aliases(name, record.get("altLabels").splitlines()),
        source="esco",
    )


def _onet_element_skill(record: _Record) -> _RowOutcome:
    element_id = record.get("Element ID")
    name = record.get("Element Name")
    if not element_id:
        return "missing Element ID"
    if not name:
        return "missing Element Name"
    slug = _slug(element_id)
    if not slug:
        return f"Element ID {element_id!r} has no letters or digits"
    branch = ".".join(element_id.casefold().split(".")[:2])
    return Skill(
        id=f"onet-{slug}",
        name=name,
        category=ONET_ELEMENT_CATEGORIES.get(branch, ONET_OTHER_ELEMENTS),
        source="onet",
    )


def _onet_technology_skill(record: _Record) -> _RowOutcome:
    example = record.get("Example")
    if not example:
        return "missing Example"
    slug = _slug(example)
    if not slug:
        return f"Example {example!r} has no letters or digits"
    return Skill(
        id=f"onet-tech-{slug}",
        name=example,
        category=record.get("Commodity Title") or ONET_TECHNOLOGY_UNCATEGORISED,
        source="onet",
    )


_ROW_CONVERTERS: dict[PublicTaxonomyFormat, Callable[[_Record], _RowOutcome]] = {
    "esco": _esco_skill,
    "onet-skills": _onet_element_skill,
    "onet-technology": _onet_technology_skill,
}


def _collect(
    records: Iterable[_Record | RejectedRow], to_skill: Callable[[_Record], _RowOutcome]
) -> ImportResult:
    skills: dict[str, Skill] = {}
    first_seen_on: dict[str, int] = {}
    rejected: list[RejectedRow] = []
    for record in records:
        if isinstance(record, RejectedRow):
            rejected.append(record)
            continue
        outcome = to_skill(record)
        if isinstance(outcome, str):
            rejected.append(RejectedRow(record.line, outcome))
            continue
        earlier = skills.get(outcome.id)
        if earlier is None:
            skills[outcome.id] = outcome
            first_seen_on[outcome.id] = record.line
        elif normalise_skill_text(earlier.name) != normalise_skill_text(outcome.name):
            # O*NET repeats each element once per occupation and scale, so a
            # repeat of the same name is expected; a different name is not.
            rejected.append(
                RejectedRow(
                    record.line,
                    f"id {outcome.id!r} already used for {earlier.name!r} "
                    f"on line {first_seen_on[outcome.id]}",
                )
            )
    return ImportResult(skills=list(skills.values()), rejected=rejected)


def _records(stream: TextIO, header: list[str], delimiter: str) -> Iterator[_Record | RejectedRow]:
    # O*NET's tab-separated files are unquoted, so a stray quote in a name must
    # stay literal; ESCO's CSV quotes fields that hold commas or newlines.
    if delimiter == "\t":
        reader = csv.reader(stream, delimiter=delimiter, quoting=csv.QUOTE_NONE)
    else:
        reader = csv.reader(stream, delimiter=delimiter)
    keys = [_column_key(column) for column in header]
    lines_read = 0
    while True:
        # Quoted fields may span lines, so a row starts on the line after the
        # previous row ended, which is what gets reported.
        line = _HEADER_LINE + lines_read + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ValueError(f"line {line}: unreadable CSV ({error})") from error
        lines_read = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(keys):
            yield RejectedRow(line, f"expected {len(keys)} fields, found {len(cells)}")
            continue
        yield _Record(line, dict(zip(keys, cells, strict=True)))


def _delimiter_of(header_line: str) -> str:
    return "\t" if "\t" in header_line else ","


def _split_header(header_line: str) -> list[str]:
    header_line = header_line.removeprefix("\ufeff").rstrip("\r\n")
    return next(csv.reader([header_line], delimiter=_delimiter_of(header_line)), [])


def _column_key(column: str) -> str:
    return column.strip().casefold()


def _distinct_aliases(name: str, candidates: Iterable[str]) -> tuple[str, ...]:
    """Trimmed aliases without blanks, repeats, or restatements of the name."""
    kept: dict[str, str] = {normalise_skill_text(name): name}
    for candidate in candidates:
        alias = candidate.strip()
        if alias:
            kept.setdefault(normalise_skill_text(alias), alias)
    return tuple(list(kept.values())[1:])


def _slug(text: str) -> str:
    for symbol, word in _SYMBOL_WORDS.items():
        text = text.replace(symbol, word)
    # Fold accents to ASCII so "Señor" and "Senor" slug alike.
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
