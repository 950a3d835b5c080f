import io
from pathlib import Path

import pytest

from trellis_profiles.adapters.taxonomy_files import load_default_taxonomy, read_public_taxonomy
from trellis_profiles.app.taxonomy_import import (
    ImportResult,
    RejectedRow,
    detect_format,
    import_public_taxonomy,
)
from trellis_profiles.domain.taxonomy import Skill, Taxonomy

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).parent / "fixtures"
ESCO_URI = "http://data.europa.eu/esco/skill/"


def by_id(result: ImportResult) -> dict[str, Skill]:
    return {skill.id: skill for skill in result.skills}


# --- recognising the shape ------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "shape"),
    [
        (
            "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,"
            "status,modifiedDate,scopeNote,definition,inScheme,description",
            "esco",
        ),
        ("\ufeffconceptUri,preferredLabel,skillType\r\n", "esco"),
        ("O*NET-SOC Code\tElement ID\tElement Name\tScale ID\tData Value\tN\n", "onet-skills"),
        ("O*NET-SOC Code,Element ID,Element Name,Scale ID,Data Value", "onet-skills"),
        (
            "O*NET-SOC Code\tExample\tCommodity Code\tCommodity Title\tHot Technology\tIn Demand",
            "onet-technology",
        ),
        ('"O*NET-SOC Code","Example","Commodity Code","Commodity Title"', "onet-technology"),
    ],
)
def test_detect_format(header: str, shape: str) -> None:
    assert detect_format(header) == shape


@pytest.mark.parametrize(
    "header",
    [
        "id,name,category,aliases",
        "conceptType,conceptUri,preferredLabel,altLabels,iscoGroup",  # ESCO occupations
        "",
    ],
)
def test_unknown_header_names_the_expected_columns(header: str) -> None:
    with pytest.raises(ValueError, match="unrecognised") as caught:
        detect_format(header)
    message = str(caught.value)
    for column in ["conceptUri", "preferredLabel", "Element ID", "Example", "Commodity Title"]:
        assert column in message


def test_importing_an_unknown_shape_fails_loudly() -> None:
    with pytest.raises(ValueError, match="unrecognised"):
        import_public_taxonomy("id,name,category,aliases\npython,Python,Languages,\n")


# --- ESCO -------------------------------------------------------------------------


def test_esco_export() -> None:
    result = read_public_taxonomy(FIXTURES / "esco_skills_sample.csv")

    skills = by_id(result)
    assert list(skills) == [
        "esco-3f6c1a52-0d1e-4b8a-9c21-7a5e2b9d4c01",
        "esco-8a0b7e44-51c2-4f7d-b1e9-2c6d3f8a9b02",
        "esco-c2d9e0f1-7a3b-4c5d-8e6f-1a2b3c4d5e03",
        "esco-d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f04",
        "esco-e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a05",
    ]
    budgets = skills["esco-3f6c1a52-0d1e-4b8a-9c21-7a5e2b9d4c01"]
    assert budgets == Skill(
        id="esco-3f6c1a52-0d1e-4b8a-9c21-7a5e2b9d4c01",
        name="manage budgets",
        category="esco: skills and competences",
        aliases=("plan budgets", "control budgets", "budget oversight"),
        source="esco",
    )
    python = skills["esco-8a0b7e44-51c2-4f7d-b1e9-2c6d3f8a9b02"]
    assert python.category == "esco: knowledge"
    # Repeats and restatements of the name are not kept as aliases.
    assert skills["esco-d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f04"].aliases == ("map making",)
    assert skills["esco-e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a05"].category == "esco: uncategorised"


def test_esco_rejected_rows_carry_the_line_they_start_on() -> None:
    # Quoted labels span several lines, so these are file lines, not row counts.
    result = read_public_taxonomy(FIXTURES / "esco_skills_sample.csv")
    assert result.rejected == [
        RejectedRow(line=9, reason="missing preferredLabel"),
        RejectedRow(line=13, reason="missing conceptUri"),
        RejectedRow(line=15, reason="expected 13 fields, found 4"),
    ]


def test_esco_rows_that_are_not_skills_are_rejected() -> None:
    text = (
        "conceptType,conceptUri,skillType,preferredLabel,altLabels\n"
        f"Occupation,{ESCO_URI}0001,,data scientist,\n"
        f"KnowledgeSkillCompetence,{ESCO_URI},knowledge,no identifier,\n"
        f"KnowledgeSkillCompetence,{ESCO_URI}0002,knowledge,kept,\n"
        f"KnowledgeSkillCompetence,{ESCO_URI}0002,knowledge,kept,\n"
        f"KnowledgeSkillCompetence,{ESCO_URI}0002,knowledge,same uri other label,\n"
    )
    result = import_public_taxonomy(text)
    assert [skill.id for skill in result.skills] == ["esco-0002"]
    assert result.rejected == [
        RejectedRow(2, "conceptType 'Occupation' is not a skill"),
        RejectedRow(3, f"conceptUri '{ESCO_URI}' does not end in an identifier"),
        RejectedRow(6, "id 'esco-0002' already used for 'kept' on line 4"),
    ]


# --- O*NET skills ---------------------------------------------------------------


def test_onet_skills_export_is_deduplicated_by_element() -> None:
    result = read_public_taxonomy(FIXTURES / "onet_skills_sample.txt")
    assert result.skills == [
        Skill("onet-2-a-1-a", "Reading Comprehension", "onet: skills", source="onet"),
        Skill("onet-2-a-2-a", "Critical Thinking", "onet: skills", source="onet"),
        Skill("onet-2-b-3-e", "Programming", "onet: skills", source="onet"),
        Skill("onet-2-c-4-a", "Mathematics", "onet: knowledge", source="onet"),
    ]
    assert result.rejected == [
        RejectedRow(7, "missing Element Name"),
        RejectedRow(8, "id 'onet-2-b-3-e' already used for 'Programming' on line 5"),
    ]


def test_onet_tab_files_keep_quotes_literally() -> None:
    text = 'O*NET-SOC Code\tElement ID\tElement Name\n1\t2.B.9.z\t"Quoted" skill\n'
    result = import_public_taxonomy(text)
    assert [skill.name for skill in result.skills] == ['"Quoted" skill']
    assert result.rejected == []


# --- O*NET technology skills ------------------------------------------------------


def test_onet_technology_export() -> None:
    result = read_public_taxonomy(FIXTURES / "onet_technology_sample.csv")
    development = "Object or component oriented development software"
    assert result.skills == [
        Skill("onet-tech-microsoft-excel", "Microsoft Excel", "Spreadsheet software", (), "onet"),
        Skill("onet-tech-python", "Python", development, (), "onet"),
        Skill("onet-tech-c-plus-plus", "C++", development, (), "onet"),
        Skill("onet-tech-c-sharp", "C#", development, (), "onet"),
        Skill("onet-tech-oracle-hyperion", "Oracle Hyperion", "onet: technology", (), "onet"),
    ]
    assert result.rejected == [
        RejectedRow(7, "missing Example"),
        RejectedRow(9, "id 'onet-tech-c-plus-plus' already used for 'C++' on line 4"),
    ]


def test_accepts_an_open_stream_as_well_as_text() -> None:
    text = "O*NET-SOC Code\tExample\tCommodity Title\n1\tTableau\tAnalytics software\n"
    from_stream = import_public_taxonomy(io.StringIO(text))
    assert from_stream == import_public_taxonomy(text)
    assert [skill.id for skill in from_stream.skills] == ["onet-tech-tableau"]


def test_blank_lines_are_not_rows() -> None:
    text = "O*NET-SOC Code,Example,Commodity Title\n\n1,Tableau,Analytics software\n\n"
    result = import_public_taxonomy(text)
    assert len(result.skills) == 1
    assert result.rejected == []


# --- into the taxonomy -------------------------------------------------------------


def test_imported_skills_merge_into_the_default_taxonomy() -> None:
    default = load_default_taxonomy()
    imported = read_public_taxonomy(FIXTURES / "onet_technology_sample.csv").skills
    merged, report = default.merged_with(imported)

    # Excel, Python, C++ and C# are already ours, so only Oracle Hyperion comes in.
    assert report.added == 1
    assert report.skipped_existing == []
    assert report.conflicts == [
        "onet-tech-microsoft-excel: 'Microsoft Excel' already refers to 'excel'; skill not added",
        "onet-tech-python: 'Python' already refers to 'python'; skill not added",
        "onet-tech-c-plus-plus: 'C++' already refers to 'cpp'; skill not added",
        "onet-tech-c-sharp: 'C#' already refers to 'csharp'; skill not added",
    ]
    assert isinstance(merged, Taxonomy)
    hyperion = merged.resolve("oracle hyperion")
    assert hyperion is not None
    assert hyperion.source == "onet"


def test_esco_aliases_that_clash_are_dropped_on_merge() -> None:
    default = load_default_taxonomy()
    imported = read_public_taxonomy(FIXTURES / "esco_skills_sample.csv").skills
    merged, report = default.merged_with(imported)

    python_id = "esco-8a0b7e44-51c2-4f7d-b1e9-2c6d3f8a9b02"
    assert f"{python_id}: alias 'Python' already refers to 'python'; alias dropped" in (
        report.conflicts
    )
    assert report.added == 5
    imported_python = merged.get(python_id)
    assert imported_python is not None
    assert imported_python.aliases == ("python programming",)
    resolved = merged.resolve("Python")
    assert resolved is not None
    assert resolved.id == "python"
