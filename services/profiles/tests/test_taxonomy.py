import csv
import io
from collections import defaultdict
from importlib.resources import files

import pytest

from trellis_profiles.adapters.taxonomy_files import load_default_taxonomy
from trellis_profiles.domain.taxonomy import (
    MergeReport,
    Skill,
    Taxonomy,
    normalise_skill_text,
    parse_taxonomy_csv,
)

pytestmark = pytest.mark.unit

DEFAULT = load_default_taxonomy()


def small_taxonomy() -> Taxonomy:
    return Taxonomy(
        [
            Skill("javascript", "JavaScript", "Languages", ("js", "ecmascript")),
            Skill("java", "Java", "Languages"),
            Skill("json", "JSON", "Data formats"),
            Skill("kotlin", "Kotlin", "Languages", ("kotlin for java developers",)),
            Skill("nodejs", "Node.js", "Frameworks", ("node",)),
            Skill("django", "Django", "Frameworks", ("python web framework",)),
            Skill("flask", "Flask", "Frameworks", ("python microframework",)),
            Skill("numpy", "NumPy", "Libraries"),
            Skill("python", "Python", "Languages"),
        ]
    )


# --- the curated default taxonomy -------------------------------------------------


def test_default_taxonomy_is_large_and_broad() -> None:
    assert 300 <= len(DEFAULT) <= 400
    assert len(DEFAULT.categories()) >= 15


def test_default_taxonomy_skills_are_ours() -> None:
    assert {skill.source for skill in DEFAULT.skills()} == {"trellis"}


def test_no_default_spelling_means_two_skills() -> None:
    # Read the raw file rather than rely on Taxonomy's own check, so a clash is
    # reported with every skill involved, not just the first one found.
    text = files("trellis_profiles").joinpath("data").joinpath("taxonomy.csv").read_text("utf-8")
    owners: dict[str, set[str]] = defaultdict(set)
    for row in csv.DictReader(io.StringIO(text)):
        spellings = [row["id"], row["name"], *row["aliases"].split("|")]
        for spelling in filter(None, spellings):
            owners[normalise_skill_text(spelling)].add(row["id"])
    clashes = {spelling: ids for spelling, ids in owners.items() if len(ids) > 1}
    assert clashes == {}


@pytest.mark.parametrize(
    ("typed", "skill_id"),
    [
        ("k8s", "kubernetes"),
        ("kube", "kubernetes"),
        ("JS", "javascript"),
        ("postgres", "postgresql"),
        ("ML", "machine-learning"),
        ("UX design", "user-experience-design"),
        ("golang", "go"),
        ("stakeholder-management", "stakeholder-management"),
        ("Front_End  Development", "frontend-development"),
        ("ci/cd", "ci-cd"),
        ("Node.js", "nodejs"),
        (".NET", "dotnet"),
        ("FP&A", "financial-planning-and-analysis"),
    ],
)
def test_common_spellings_resolve(typed: str, skill_id: str) -> None:
    skill = DEFAULT.resolve(typed)
    assert skill is not None
    assert skill.id == skill_id


@pytest.mark.parametrize("typed", ["Kubernetes ", "kubernetes", "KUBERNETES", "\tkubernetes\n"])
def test_resolution_ignores_case_and_surrounding_whitespace(typed: str) -> None:
    skill = DEFAULT.resolve(typed)
    assert skill is not None
    assert skill.id == "kubernetes"


def test_c_family_languages_stay_distinct() -> None:
    resolved = {typed: DEFAULT.resolve(typed) for typed in ["C", "C#", "C++", "F#", "c sharp"]}
    ids = {typed: skill.id if skill else None for typed, skill in resolved.items()}
    assert ids == {"C": "c", "C#": "csharp", "C++": "cpp", "F#": "fsharp", "c sharp": "csharp"}


# --- normalisation ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("  Kubernetes  ", "kubernetes"),
        ("Machine\t  Learning", "machine learning"),
        ("user-experience_design", "user experience design"),
        ("CI / CD", "ci cd"),
        ("front\u2013end", "front end"),  # an en dash, as word processors write it
        ("C#", "c#"),
        ("C++", "c++"),
        (".NET", ".net"),
        ("Node.js", "node.js"),
        ("Stra\u00dfe", "strasse"),
        ("\uff2a\uff33", "js"),  # full-width letters
    ],
)
def test_normalise_skill_text(raw: str, normalised: str) -> None:
    assert normalise_skill_text(raw) == normalised


# --- resolving many ---------------------------------------------------------------


def test_resolve_many_reports_unknown_skills_in_order_without_repeats() -> None:
    texts = ["Python", "Basket weaving", "k8s", "basket  WEAVING", "Underwater welding", "python"]
    resolution = DEFAULT.resolve_many(texts)
    assert resolution.unknown == ["Basket weaving", "Underwater welding"]
    assert {text: skill.id for text, skill in resolution.resolved.items()} == {
        "Python": "python",
        "k8s": "kubernetes",
        "python": "python",
    }
    assert resolution.skill_ids() == ["python", "kubernetes"]


def test_unknown_ids_are_reported_in_order_without_repeats() -> None:
    ids = ["python", "cobol-2099", "kubernetes", "k8s", "cobol-2099"]
    # "k8s" is an alias, not an id: ids are matched exactly.
    assert DEFAULT.unknown_ids(ids) == ["cobol-2099", "k8s"]


def test_lookup_by_id() -> None:
    taxonomy = small_taxonomy()
    assert "java" in taxonomy
    assert "Java" not in taxonomy
    assert 42 not in taxonomy
    skill = taxonomy.get("java")
    assert skill is not None
    assert skill.name == "Java"
    assert taxonomy.get("cobol") is None
    assert len(taxonomy) == 9
    assert [skill.id for skill in taxonomy.skills()][:2] == ["javascript", "java"]
    assert taxonomy.categories() == ["Data formats", "Frameworks", "Languages", "Libraries"]


# --- autocomplete -------------------------------------------------------------


def test_suggest_ranks_name_prefix_then_alias_prefix_then_substring() -> None:
    # Python starts with "py"; Django and Flask only have aliases that do;
    # NumPy merely contains it. Alphabetical order alone would put Python last.
    assert [skill.id for skill in small_taxonomy().suggest("py")] == [
        "python",
        "django",
        "flask",
        "numpy",
    ]


def test_suggest_breaks_ties_by_name() -> None:
    # Three name prefixes, then three substrings (Django, an alias of Kotlin, Node.js).
    assert [skill.id for skill in small_taxonomy().suggest("j")] == [
        "java",
        "javascript",
        "json",
        "django",
        "kotlin",
        "nodejs",
    ]


def test_suggest_offers_an_exact_spelling_first() -> None:
    # "js" starts the name JSON, but it is exactly JavaScript's alias.
    assert [skill.id for skill in small_taxonomy().suggest("JS")] == [
        "javascript",
        "json",
        "nodejs",
    ]
    assert [skill.id for skill in small_taxonomy().suggest("java")] == [
        "java",
        "javascript",
        "kotlin",
    ]


def test_suggest_respects_the_limit_and_ignores_blank_input() -> None:
    taxonomy = small_taxonomy()
    assert len(taxonomy.suggest("j", limit=2)) == 2
    assert taxonomy.suggest("   ") == []
    assert taxonomy.suggest("j", limit=0) == []
    assert taxonomy.suggest("zzz") == []


def test_suggest_on_the_default_taxonomy() -> None:
    names = [skill.name for skill in DEFAULT.suggest("k8")]
    assert names == ["Kubernetes"]
    assert DEFAULT.suggest("java")[:2] == [DEFAULT.get("java"), DEFAULT.get("javascript")]


# --- invariants ---------------------------------------------------------------


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate skill id 'java'"):
        Taxonomy([Skill("java", "Java", "Languages"), Skill("java", "Java SE", "Languages")])


@pytest.mark.parametrize(
    "clashing",
    [
        Skill("ecmascript", "ECMAScript", "Languages"),  # name equals another's alias
        Skill("typescript", "TypeScript", "Languages", ("JS",)),  # alias equals an alias
        Skill("java-se", "Java SE", "Languages", ("  JAVA ",)),  # alias equals a name
        Skill("kotlin-for-java-developers", "Kotlin course", "Languages"),  # id equals an alias
    ],
)
def test_a_spelling_that_means_two_skills_is_rejected(clashing: Skill) -> None:
    with pytest.raises(ValueError, match="already refers to skill"):
        Taxonomy([*small_taxonomy().skills(), clashing])


def test_a_skill_may_repeat_its_own_name_as_an_alias() -> None:
    taxonomy = Taxonomy([Skill("sql", "SQL", "Languages", ("sql", "Structured Query Language"))])
    assert taxonomy.resolve("structured query language") == taxonomy.get("sql")


@pytest.mark.parametrize(
    ("malformed", "message"),
    [
        (Skill("Not A Slug", "Thing", "Misc"), "is not a lowercase slug"),
        (Skill("thing", "   ", "Misc"), "has no name"),
        (Skill("thing", "Thing", ""), "has no category"),
        (Skill("thing", "Thing", "Misc", ("ok", " ")), "has a blank alias"),
    ],
)
def test_malformed_skills_are_rejected(malformed: Skill, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Taxonomy([malformed])


# --- merging imported skills ----------------------------------------------------


def test_merge_adds_new_skills_and_reports_everything_it_did_not() -> None:
    base = small_taxonomy()
    imported = [
        Skill("esco-1", "manage budgets", "esco: skills", ("plan budgets",), source="esco"),
        Skill("java", "Java (imported)", "esco: knowledge", source="esco"),
        Skill("esco-2", "JavaScript", "esco: knowledge", source="esco"),
        Skill("esco-3", "server-side js", "esco: knowledge", ("node", "express"), source="esco"),
        Skill("esco-4", "Budget planning", "esco: skills", ("plan budgets",), source="esco"),
    ]
    merged, report = base.merged_with(imported)

    assert report == MergeReport(
        added=3,
        skipped_existing=["java"],
        conflicts=[
            "esco-2: 'JavaScript' already refers to 'javascript'; skill not added",
            "esco-3: alias 'node' already refers to 'nodejs'; alias dropped",
            "esco-4: alias 'plan budgets' already refers to 'esco-1'; alias dropped",
        ],
    )
    assert len(merged) == len(base) + 3
    server_side = merged.get("esco-3")
    assert server_side is not None
    assert server_side.aliases == ("express",)
    assert merged.resolve("node") == merged.get("nodejs")
    assert merged.resolve("plan budgets") == merged.get("esco-1")
    # The original is untouched.
    assert len(base) == 9
    assert "esco-1" not in base


# --- our CSV format ---------------------------------------------------------------


def test_parse_taxonomy_csv() -> None:
    text = (
        "\ufeffid,name,category,aliases\n"
        "kubernetes,Kubernetes,Cloud,k8s| kube |\n"
        "\n"
        'stakeholder-management,"Stakeholder Management",Leadership,\n'
    )
    assert parse_taxonomy_csv(text) == [
        Skill("kubernetes", "Kubernetes", "Cloud", ("k8s", "kube")),
        Skill("stakeholder-management", "Stakeholder Management", "Leadership"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "header"),
        ("id,name,category\nx,X,Y\n", "header"),
        ("id,name,category,aliases\nx,X,Y,\ny,Y\n", "line 3: expected 4 fields, found 2"),
        ("id,name,category,aliases\nx,,Y,\n", "line 2: id, name and category are required"),
    ],
)
def test_parse_taxonomy_csv_rejects_malformed_input(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_taxonomy_csv(text)
