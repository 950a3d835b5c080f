"""The explainable match score: each part, the verdicts and the configuration."""

from __future__ import annotations

from dataclasses import astuple, replace
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trellis_postings.domain.fit.facts import KINDS
from trellis_postings.domain.fit.points import apportion
from trellis_postings.domain.fit.score import (
    CandidateFacts,
    MatchExplanation,
    OpportunityFacts,
    RequiredSkill,
    explain_fit,
    fit_verdict,
)
from trellis_postings.domain.fit.text import matching_role, title_words
from trellis_postings.domain.scoring_config import (
    DEFAULT_SCORING,
    ScoringConfig,
    scoring_config_from_mapping,
)

pytestmark = pytest.mark.unit

CONFIG = DEFAULT_SCORING


def opportunity(**changes: Any) -> OpportunityFacts:
    base = OpportunityFacts(
        opportunity_id="o-1",
        kind="gig",
        title="Senior Data Engineer",
        department="Data",
        location="Berlin",
        remote=False,
        share_pct=20,
        starts_on=date(2026, 12, 1),
        ends_on=date(2027, 2, 1),
        ladder="ic",
        level_min=3,
        level_max=4,
        required_skills=(
            RequiredSkill("python", 3, must_have=True),
            RequiredSkill("sql", 2),
        ),
    )
    return replace(base, **changes)


def candidate(**changes: Any) -> CandidateFacts:
    base = CandidateFacts(
        employee_id="e-1",
        skills={"python": 4, "sql": 2},
        skills_to_develop=frozenset(),
        target_roles=("data engineer",),
        ladder="ic",
        ladder_preference=None,
        level=3,
        department="Sales",
        location="berlin",
        share_free_pct=20,
        available_from=None,
        available_to=None,
        open_to_relocation=False,
        open_to_secondment=True,
        open_to_gigs=True,
    )
    return replace(base, **changes)


def explain(
    person: CandidateFacts | None = None, posting: OpportunityFacts | None = None
) -> MatchExplanation:
    return explain_fit(person or candidate(), posting or opportunity(), CONFIG)


def line_total(explanation: MatchExplanation) -> float:
    total = sum(s.points for s in explanation.skills) + sum(
        c.points for c in explanation.components
    )
    return round(total, 1)


def max_total(explanation: MatchExplanation) -> float:
    total = sum(s.max_points for s in explanation.skills)
    total += sum(c.max_points for c in explanation.components)
    return round(total, 1)


# --- a perfect match and the arithmetic -------------------------------------------


def test_a_perfect_match_scores_100_and_is_a_strong_match() -> None:
    found = explain()
    assert found.score == 100.0
    assert found.verdict == "strong match"
    assert found.missing_must_haves == ()
    assert found.config_version == CONFIG.version
    assert line_total(found) == found.score


def test_the_maxima_of_all_lines_add_up_to_100() -> None:
    three_skills = opportunity(
        required_skills=tuple(RequiredSkill(s, 2) for s in ("a", "b", "c")),
    )
    found = explain(posting=three_skills)
    # 55 points over three equal skills: 18.4 + 18.3 + 18.3, not 3 x 18.3.
    assert [s.max_points for s in found.skills] == [18.4, 18.3, 18.3]
    assert max_total(found) == 100.0


def test_apportion_is_exact_and_proportional() -> None:
    assert apportion(550, [2.0, 1.0, 1.0]) == (275, 138, 137)
    assert sum(apportion(1000, [0.1] * 7)) == 1000
    assert apportion(10, [1.0, 0.0]) == (10, 0)
    with pytest.raises(ValueError, match="nothing"):
        apportion(10, [0.0])


# --- skills ---------------------------------------------------------------------


def test_a_skill_at_or_above_the_minimum_earns_full_credit() -> None:
    found = explain(candidate(skills={"python": 5, "sql": 2}))
    python = found.skills[0]
    assert python.met
    assert python.points == python.max_points
    assert (python.employee_level, python.required_level) == (5, 3)


def test_below_the_minimum_credit_is_proportional() -> None:
    posting = opportunity(required_skills=(RequiredSkill("python", 4),))
    found = explain(candidate(skills={"python": 1}), posting)
    line = found.skills[0]
    assert not line.met
    assert line.max_points == 55.0
    assert line.points == 13.8  # 55 x 1/4 = 13.75, rounded half up


def test_a_missing_skill_earns_nothing() -> None:
    found = explain(candidate(skills={"python": 4}))
    sql = found.skills[1]
    assert (sql.employee_level, sql.points, sql.met) == (0, 0.0, False)


def test_weights_share_the_skill_points() -> None:
    posting = opportunity(
        required_skills=(RequiredSkill("python", 3, weight=3.0), RequiredSkill("sql", 2)),
    )
    found = explain(posting=posting)
    assert [s.max_points for s in found.skills] == [41.3, 13.7]
    assert [s.weight for s in found.skills] == [3.0, 1.0]


def test_missing_must_haves_list_absent_and_too_low_skills_only() -> None:
    posting = opportunity(
        required_skills=(
            RequiredSkill("python", 3, must_have=True),
            RequiredSkill("go", 2, must_have=True),
            RequiredSkill("sql", 5),  # nice to have: never "missing"
        ),
    )
    found = explain(candidate(skills={"python": 2, "sql": 1}), posting)
    assert found.missing_must_haves == ("python", "go")
    assert "missing must-haves: python, go" in found.lines()


def test_each_missing_must_have_multiplies_the_total() -> None:
    one_gap = explain(candidate(skills={"python": 2, "sql": 2}))
    penalty = one_gap.component("must_have_penalty")
    assert penalty is not None
    assert penalty.points < 0
    before = one_gap.score - penalty.points
    assert one_gap.score == pytest.approx(before * 0.7, abs=0.05)
    assert line_total(one_gap) == one_gap.score

    two_musts = opportunity(
        required_skills=(
            RequiredSkill("python", 3, must_have=True),
            RequiredSkill("go", 2, must_have=True),
        )
    )
    two_gaps = explain(candidate(skills={}), two_musts)
    penalty = two_gaps.component("must_have_penalty")
    assert penalty is not None
    assert two_gaps.score == 22.1  # 45.0 x 0.7 x 0.7 = 22.05, rounded half up
    assert penalty.points == -22.9


def test_a_posting_without_skills_counts_half_the_skill_points() -> None:
    found = explain(posting=opportunity(required_skills=()))
    skills = found.component("skills")
    assert skills is not None
    assert (skills.points, skills.max_points) == (27.5, 55.0)
    assert found.score == 72.5
    assert max_total(found) == 100.0


# --- stretch ---------------------------------------------------------------------


def test_a_skill_the_person_wants_to_grow_is_a_stretch_with_a_bonus() -> None:
    posting = opportunity(
        required_skills=(RequiredSkill("python", 3), RequiredSkill("kubernetes", 4)),
    )
    person = candidate(
        skills={"python": 3, "kubernetes": 2}, skills_to_develop=frozenset({"kubernetes"})
    )
    found = explain(person, posting)
    assert found.stretch_skills == ("kubernetes",)
    kubernetes = found.skills[1]
    assert kubernetes.stretch
    assert kubernetes.points == 13.8  # 27.5 x 2/4 = 13.75
    bonus = found.component("stretch")
    assert bonus is not None
    assert bonus.points == 6.8  # half of the 13.7 missed, the line rounded as a whole
    assert bonus.max_points == 0.0
    assert "kubernetes" in bonus.reason
    assert line_total(found) == found.score


def test_skills_met_or_not_wanted_are_no_stretch() -> None:
    person = candidate(skills={"python": 4}, skills_to_develop=frozenset({"python", "go"}))
    found = explain(person)  # python met, go not required, sql missing but not wanted
    assert found.stretch_skills == ()
    assert found.component("stretch") is None


def test_a_missing_skill_to_develop_is_a_stretch_too() -> None:
    person = candidate(skills={"python": 4}, skills_to_develop=frozenset({"sql"}))
    found = explain(person)
    assert found.stretch_skills == ("sql",)
    bonus = found.component("stretch")
    assert bonus is not None
    assert bonus.points > 0


# --- aspiration ---------------------------------------------------------------------


def test_titles_match_target_roles_word_by_word() -> None:
    assert matching_role("Senior Data-Engineer, Payments", ["data engineer"]) == "data engineer"
    assert matching_role("Sr. Software Eng.", ["software engineer"]) == "software engineer"
    assert matching_role("Data Scientist", ["data engineer"]) is None
    assert matching_role("Anything", ["senior"]) is None  # only ignored words: never a match
    assert title_words("C++ developer") == frozenset({"c++", "developer"})


def test_aspiration_title_ladder_and_level() -> None:
    full = explain()
    assert (full.aspiration.points, full.aspiration.max_points) == (20.0, 20.0)
    other_role = explain(candidate(target_roles=("designer",)))
    assert other_role.aspiration.points == 12.0
    assert "not one of your target roles" in other_role.aspiration.reason
    prefers_manager = explain(candidate(ladder_preference="Manager"))
    assert prefers_manager.aspiration.points == 16.0
    no_ladder = explain(candidate(ladder_preference="manager"), opportunity(ladder=None))
    assert no_ladder.aspiration.points == 20.0


@pytest.mark.parametrize(
    ("level", "points", "words"),
    [
        (3, 20.0, "is in"),
        (4, 20.0, "is in"),
        (2, 20.0, "step up"),  # a promotion earns full level points by default
        (5, 16.0, "step down"),
        (1, 12.0, "far from"),
        (7, 12.0, "far from"),
    ],
)
def test_level_in_range_or_a_step_away(level: int, points: float, words: str) -> None:
    found = explain(candidate(level=level))
    assert found.aspiration.points == points
    assert words in found.aspiration.reason


def test_an_open_level_range_fits_everyone() -> None:
    found = explain(candidate(level=9), opportunity(level_min=None, level_max=None))
    assert found.aspiration.points == 20.0


# --- availability -----------------------------------------------------------------


def test_a_gig_needs_willingness_and_free_time() -> None:
    assert explain().availability.points == 15.0
    unwilling = explain(candidate(open_to_gigs=False))
    assert unwilling.availability.points == 5.0
    assert "not open to gigs" in unwilling.availability.reason
    half_the_time = explain(candidate(share_free_pct=10))
    assert half_the_time.availability.points == 10.0  # 10 x 10/20 + 5 for dates


def test_a_stretch_assignment_needs_free_time_but_no_gig_willingness() -> None:
    posting = opportunity(kind="stretch", share_pct=40)
    assert (
        explain(candidate(open_to_gigs=False, share_free_pct=40), posting).availability.points
        == 15.0
    )
    assert explain(candidate(share_free_pct=0), posting).availability.points == 5.0


def test_a_secondment_needs_willingness_and_a_job_needs_neither() -> None:
    secondment = opportunity(kind="secondment", share_pct=100)
    assert explain(candidate(share_free_pct=0), secondment).availability.points == 15.0
    assert explain(candidate(open_to_secondment=False), secondment).availability.points == 5.0
    job = opportunity(kind="job", share_pct=100)
    found = explain(candidate(share_free_pct=0, available_to=date(2026, 1, 1)), job)
    assert found.availability.points == 15.0
    assert "dates do not decide a job" in found.availability.reason


@pytest.mark.parametrize(
    ("free_from", "free_to", "points"),
    [
        (None, None, 15.0),
        (date(2026, 11, 1), date(2027, 3, 1), 15.0),  # the whole gig fits
        (date(2027, 1, 1), None, 12.5),  # only partly
        (None, date(2026, 12, 15), 12.5),
        (date(2027, 3, 1), None, 10.0),  # entirely outside
    ],
)
def test_dates_within_the_availability_window(
    free_from: date | None, free_to: date | None, points: float
) -> None:
    found = explain(candidate(available_from=free_from, available_to=free_to))
    assert found.availability.points == points


# --- location ---------------------------------------------------------------------


def test_location_same_place_remote_relocation_or_elsewhere() -> None:
    assert explain().location.points == 10.0  # "berlin" and "Berlin" are one place
    elsewhere = opportunity(location="Lisbon")
    assert explain(posting=elsewhere).location.points == 0.0
    assert explain(candidate(open_to_relocation=True), elsewhere).location.points == 5.0
    remote = explain(posting=replace(elsewhere, remote=True)).location
    assert (remote.points, remote.reason) == (10.0, "remote")


# --- verdicts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "missing", "stretch", "verdict"),
    [
        (75.0, (), (), "strong match"),
        (74.9, (), (), "worth applying"),
        (90.0, ("go",), ("go",), "worth applying"),  # one gap the person wants to grow
        (90.0, ("go",), (), "stretch"),  # a gap they do not want to grow
        (90.0, ("go", "sql"), ("go", "sql"), "stretch"),  # two gaps
        (55.0, (), (), "worth applying"),
        (54.9, (), (), "stretch"),
        (35.0, ("go",), (), "stretch"),
        (34.9, (), (), "long shot"),
    ],
)
def test_verdict_thresholds(
    score: float, missing: tuple[str, ...], stretch: tuple[str, ...], verdict: str
) -> None:
    assert fit_verdict(score, missing, stretch, CONFIG) == verdict


def test_lines_read_as_an_explanation() -> None:
    person = candidate(skills={"python": 2}, skills_to_develop=frozenset({"sql"}))
    lines = explain(person).lines()
    assert lines[0].startswith(f"{explain(person).score:.1f} of 100: ")
    assert "(scoring 2026-11-1)" in lines[0]
    text = "\n".join(lines)
    for expected in (
        "python: level 2, needs 3 (must-have",
        "sql: not held",
        "aspiration:",
        "availability:",
        "location:",
        "stretch bonus:",
        "must-have gaps:",
    ):
        assert expected in text


# --- every explanation adds up -------------------------------------------------------

SKILL_IDS = ("python", "sql", "go", "k8s", "excel")


@st.composite
def postings(draw: st.DrawFn) -> OpportunityFacts:
    skills = draw(
        st.lists(
            st.builds(
                RequiredSkill,
                skill_id=st.sampled_from(SKILL_IDS),
                min_level=st.integers(1, 5),
                weight=st.floats(0.1, 10),
                must_have=st.booleans(),
            ),
            max_size=5,
            unique_by=lambda s: s.skill_id,
        )
    )
    low = draw(st.none() | st.integers(1, 6))
    return opportunity(
        kind=draw(st.sampled_from(KINDS)),
        share_pct=draw(st.integers(0, 100)),
        remote=draw(st.booleans()),
        level_min=low,
        level_max=draw(st.none() | st.integers(low or 1, 8)),
        ladder=draw(st.sampled_from([None, "ic", "manager"])),
        required_skills=tuple(skills),
    )


@st.composite
def people(draw: st.DrawFn) -> CandidateFacts:
    return candidate(
        skills=draw(st.dictionaries(st.sampled_from(SKILL_IDS), st.integers(1, 5))),
        skills_to_develop=frozenset(draw(st.lists(st.sampled_from(SKILL_IDS)))),
        level=draw(st.integers(1, 8)),
        share_free_pct=draw(st.integers(0, 100)),
        open_to_gigs=draw(st.booleans()),
        open_to_relocation=draw(st.booleans()),
        available_from=draw(st.none() | st.dates(date(2026, 10, 1), date(2027, 3, 1))),
    )


@settings(max_examples=150, deadline=None)
@given(person=people(), posting=postings())
def test_lines_add_up_to_the_score_within_0_to_100(
    person: CandidateFacts, posting: OpportunityFacts
) -> None:
    found = explain(person, posting)
    assert 0.0 <= found.score <= 100.0
    assert line_total(found) == found.score
    assert max_total(found) == 100.0
    assert found.score == round(found.score, 1)
    for line in found.skills:
        assert 0.0 <= line.points <= line.max_points
    assert set(found.missing_must_haves) <= {
        s.skill_id for s in posting.required_skills if s.must_have
    }


# --- facts and configuration ------------------------------------------------------------


def test_facts_refuse_impossible_values() -> None:
    with pytest.raises(ValueError, match=r"1\.\.5"):
        RequiredSkill("python", 0)
    with pytest.raises(ValueError, match="weight"):
        RequiredSkill("python", 3, weight=0)
    with pytest.raises(ValueError, match="twice"):
        opportunity(required_skills=(RequiredSkill("a", 1), RequiredSkill("a", 2)))
    with pytest.raises(ValueError, match="kind"):
        opportunity(kind="internship")
    with pytest.raises(ValueError, match="level_min"):
        opportunity(level_min=5, level_max=4)
    with pytest.raises(ValueError, match="proficiency"):
        candidate(skills={"python": 6})


def test_the_default_config_is_valid_and_adds_up_to_100_points() -> None:
    budget = DEFAULT_SCORING.budget()
    parts = (budget.skills, budget.aspiration, budget.availability, budget.location)
    assert parts == (550, 200, 150, 100)
    # Weights are relative: any mix is scaled to exactly 100 points.
    scaled = ScoringConfig(version="x", skills_weight=3, ladder_weight=0).budget()
    assert sum(astuple(scaled)) == 1000
    assert scaled.ladder == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"skills_weight": -1.0}, "non-negative"),
        ({"skills_weight": float("nan")}, "finite"),
        (
            dict.fromkeys(
                (
                    "skills_weight",
                    "role_title_weight",
                    "ladder_weight",
                    "level_weight",
                    "time_share_weight",
                    "dates_weight",
                    "location_weight",
                ),
                0.0,
            ),
            "positive",
        ),
        ({"relocation_share": 1.5}, "0..1"),
        ({"must_have_penalty_factor": -0.1}, "0..1"),
        ({"strong_match_at": 101.0}, "0..100"),
        ({"stretch_at": 80.0}, "rise"),
        ({"version": " "}, "version"),
    ],
)
def test_config_validation(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        replace(DEFAULT_SCORING, **changes)


def test_config_from_a_mapping() -> None:
    loaded = scoring_config_from_mapping(
        {"version": "2026-12-1", "skills_weight": "60", "relocation_share": 0.25}
    )
    assert (loaded.version, loaded.skills_weight, loaded.relocation_share) == (
        "2026-12-1",
        60.0,
        0.25,
    )
    assert loaded.location_weight == DEFAULT_SCORING.location_weight
    assert scoring_config_from_mapping({}) == DEFAULT_SCORING
    assert scoring_config_from_mapping({"version": DEFAULT_SCORING.version}) == DEFAULT_SCORING
    explained = explain_fit(candidate(), opportunity(), loaded)
    assert explained.config_version == "2026-12-1"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"skils_weight": 3}, "unknown scoring settings: skils_weight"),
        ({"version": "v2", "skills_weight": True}, "must be a number"),
        ({"version": "v2", "skills_weight": "lots"}, "must be a number"),
        ({"version": "v2", "skills_weight": "inf"}, "finite"),
        ({"version": 2}, "string"),
        ({"skills_weight": 60}, "new version"),
        ({"version": "v2", "worth_applying_at": 140}, "0..100"),
    ],
)
def test_config_from_a_mapping_refuses_mistakes(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        scoring_config_from_mapping(overrides)
