"""The in-memory people index: search, chains and reports, without any I/O."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trellis_profiles.domain.people_index import PeopleIndex, Person, SearchCriteria
from trellis_profiles.domain.profile import Ladder, Visibility

pytestmark = pytest.mark.unit
ALL = set(Visibility)
PUBLIC = {Visibility.EVERYONE}


def person(employee_id: str, version: int = 1, **fields: object) -> Person:
    return Person(employee_id=employee_id, version=version, **fields)  # type: ignore[arg-type]


def ids(found: list[Person]) -> list[str]:
    return [p.employee_id for p in found]


def test_search_filters_by_every_skill_and_field_and_pages_by_id() -> None:
    index = PeopleIndex(
        [
            person("e3", levels={"python": 4, "sql": 2}, department="Data"),
            person("e1", levels={"python": 5, "sql": 3}, department="Data", location="Oslo"),
            person("e2", levels={"python": 1, "sql": 5}, department="Data"),
            person("e4", levels={"python": 3, "sql": 3}, department="Web"),
            person("e5", levels={"python": 3, "sql": 3}, ladder=Ladder.MANAGER),
        ]
    )
    wanted = SearchCriteria(min_levels={"python": 3, "sql": 2})
    assert ids(index.search(wanted, ALL, "", 10)) == ["e1", "e3", "e4", "e5"]
    assert ids(index.search(wanted, ALL, "", 2)) == ["e1", "e3"]
    assert ids(index.search(wanted, ALL, "e3", 2)) == ["e4", "e5"]
    data = SearchCriteria(min_levels={"python": 3}, department="Data")
    assert ids(index.search(data, ALL, "", 10)) == ["e1", "e3"]
    oslo = SearchCriteria(location="Oslo")
    assert ids(index.search(oslo, ALL, "", 10)) == ["e1"]
    managers = SearchCriteria(ladder=Ladder.MANAGER)
    assert ids(index.search(managers, ALL, "", 10)) == ["e5"]
    assert ids(index.search(SearchCriteria(min_levels={"cobol": 1}), ALL, "", 10)) == []
    assert ids(index.search(SearchCriteria(), ALL, "e2", 2)) == ["e3", "e4"]


def test_search_leaves_out_visibilities_the_viewer_may_not_find() -> None:
    index = PeopleIndex(
        [
            person("a", visibility=Visibility.EVERYONE),
            person("b", visibility=Visibility.MANAGERS),
            person("c", visibility=Visibility.HIDDEN),
        ]
    )
    assert ids(index.search(SearchCriteria(), PUBLIC, "", 10)) == ["a"]
    managers = {Visibility.EVERYONE, Visibility.MANAGERS}
    assert ids(index.search(SearchCriteria(), managers, "", 10)) == ["a", "b"]


def test_a_newer_version_replaces_everything_an_older_one_changes_nothing() -> None:
    index = PeopleIndex([person("a", 2, manager_id="m1", levels={"python": 4})])
    assert not index.put(person("a", 1, manager_id="m2", levels={"sql": 5}))
    assert not index.put(person("a", 2, manager_id="m2"))  # the same change twice
    assert index.manager_of("a") == "m1"
    assert index.put(person("a", 3, manager_id="m2", levels={"sql": 5}))
    assert index.direct_reports("m1") == []
    assert index.direct_reports("m2") == ["a"]
    assert ids(index.search(SearchCriteria(min_levels={"python": 1}), ALL, "", 10)) == []
    assert ids(index.search(SearchCriteria(min_levels={"sql": 5}), ALL, "", 10)) == ["a"]
    hidden = person("a", 4, manager_id="m2", visibility=Visibility.HIDDEN)
    assert index.put(hidden)
    assert index.search(SearchCriteria(), PUBLIC, "", 10) == []


def test_chains_reports_and_cycles() -> None:
    index = PeopleIndex(
        [
            person("ceo"),
            person("vp", manager_id="ceo"),
            person("m", manager_id="vp"),
            person("b", manager_id="m"),
            person("a", manager_id="m"),
            person("x", manager_id="y"),
            person("y", manager_id="x"),
        ]
    )
    assert index.chain("a") == ["m", "vp", "ceo"]
    assert index.chain("ceo") == []
    assert index.chain("x") == ["y", "x"]  # a cycle stops the walk
    assert index.chain("nobody") == []
    assert index.manager_of("ceo") == ""
    assert index.manager_of("nobody") is None
    assert index.direct_reports("m") == ["a", "b"]
    assert "a" in index
    assert "nobody" not in index
    assert len(index) == 7


people_strategy = st.lists(
    st.builds(
        Person,
        employee_id=st.sampled_from([f"e{n:02d}" for n in range(30)]),
        version=st.integers(1, 4),
        manager_id=st.sampled_from(["", "e00", "e01", "e02"]),
        department=st.sampled_from(["", "Data", "Web"]),
        visibility=st.sampled_from(list(Visibility)),
        levels=st.dictionaries(st.sampled_from(["python", "sql", "go"]), st.integers(1, 5)),
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(people_strategy, st.integers(0, 1000))
def test_paging_through_any_search_matches_a_plain_scan(people: list[Person], seed: int) -> None:
    index = PeopleIndex()
    latest: dict[str, Person] = {}
    for p in people:
        if index.put(p):
            latest[p.employee_id] = p
    rng = random.Random(seed)
    criteria = SearchCriteria(
        min_levels={s: rng.randint(1, 5) for s in rng.sample(["python", "sql", "go"], 2)},
        department=rng.choice(["", "Data"]),
    )
    visibilities = set(rng.sample(list(Visibility), rng.randint(1, 3)))
    expected = sorted(
        e for e, p in latest.items() if p.matches(criteria, visibilities)
    )  # the plain scan
    paged: list[str] = []
    after = ""
    while True:
        page = ids(index.search(criteria, visibilities, after, 3))
        paged += page
        if len(page) < 3:
            break
        after = page[-1]
    assert paged == expected
    reports = {m: sorted(e for e, p in latest.items() if p.manager_id == m) for m in ("e00", "e01")}
    assert {m: index.direct_reports(m) for m in reports} == reports
