"""Where taxonomy text comes from: the packaged default and operator-supplied exports.

The only file reading for the taxonomy; parsing and validation live in the
domain and app layers.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from trellis_profiles.app.taxonomy_import import ImportResult, import_public_taxonomy
from trellis_profiles.domain.taxonomy import Taxonomy, parse_taxonomy_csv

_PACKAGE = "trellis_profiles"
_DEFAULT_TAXONOMY = ("data", "taxonomy.csv")


def load_default_taxonomy() -> Taxonomy:
    """The curated taxonomy shipped inside the package (works from a wheel too)."""
    resource = files(_PACKAGE)
    for part in _DEFAULT_TAXONOMY:
        resource = resource.joinpath(part)
    return Taxonomy(parse_taxonomy_csv(resource.read_text(encoding="utf-8")))


def read_public_taxonomy(path: Path) -> ImportResult:
    """Import an ESCO or O*NET export the operator downloaded."""
    # utf-8-sig: exports saved by spreadsheet tools often start with a BOM.
    # newline="": the CSV reader must see the newlines inside ESCO's quoted labels.
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return import_public_taxonomy(stream)
