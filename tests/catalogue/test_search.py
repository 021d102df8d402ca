import datetime as dt

import numpy as np
import pytest

from catalogue.places import NotFoundError
from catalogue.service import SearchQuery, search

TODAY = dt.date(2026, 11, 27)


def ids(result) -> list[str]:
    return [h.offer.source_id for h in result.hits]


def run(session, **kw):
    return search(session=session, query=SearchQuery(**kw), today=TODAY)


def test_exact_topic_in_town_comes_first(session) -> None:
    result = run(session, q="Deutschkurs", municipality="Melle")
    assert ids(result)[0] == "t1"
    assert result.hits[0].distance_km is not None and result.hits[0].distance_km < 1


def test_near_quakenbrueck_prefers_local_course(session) -> None:
    assert ids(run(session, q="deutschkurs", municipality="Quakenbrueck"))[0] == "t2"


def test_ended_offers_are_not_shown(session) -> None:
    assert "t8" not in ids(run(session, q="Deutschkurs", limit=50))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Kurs Deutsch", "t1"),
        ("deutschkur", "t1"),  # typo
        ("Staplerschein", "t4"),
        ("gabelstapler fuehrerschein", "t4"),
        ("pekip", "t3"),
        ("Nachhilfe", "t5"),
        ("Kurs für Eltern", "t7"),
        ("Elternkurse", "t7"),
    ],
)
def test_german_matching(session, q: str, expected: str) -> None:
    assert expected in ids(run(session, q=q, municipality="Melle", limit=3))


def test_online_offers_included_and_marked(session) -> None:
    result = run(session, q="Deutschkurs", municipality="Melle", limit=10)
    online = [h for h in result.hits if h.offer.online]
    assert online and online[0].distance_km is None
    only_online = run(session, q="Deutschkurs", online=True)
    assert ids(only_online) == ["t6"]


def test_filters(session) -> None:
    assert ids(run(session, q="", category="familienbildung", municipality="Bohmte"))[0] == "t3"
    assert set(ids(run(session, q="Deutsch", free=True, limit=20))) == {"t1"}
    assert ids(run(session, q="", target_group="kinder", age=8)) == ["t5"]
    assert ids(run(session, q="", sector="logistik")) == ["t4"]
    assert "t1" in ids(run(session, q="Deutsch", language="deutsch"))
    assert "t3" not in ids(run(session, q="PEKiP", age=30))


def test_radius_excludes_far_venues_but_keeps_online(session) -> None:
    result = run(session, q="Deutschkurs", municipality="Melle", radius_km=10, limit=20)
    assert {"t1", "t6"} <= set(ids(result))
    assert not {"t2", "t4"} & set(ids(result))


def test_starting_within_days(session) -> None:
    # t3 and t5 meet weekly: always startable; courses start in 2099
    assert set(ids(run(session, q="", starting_within_days=14, limit=20))) == {"t3", "t5"}


def test_paging_is_stable(session) -> None:
    first = ids(run(session, q="Deutsch", municipality="Melle", limit=2))
    second = ids(run(session, q="Deutsch", municipality="Melle", limit=2, offset=2))
    assert len(first) == 2 and not set(first) & set(second)


@pytest.mark.parametrize("q", ["", "'; DROP TABLE offers; --", "<script>alert(1)</script>", "😀", "x" * 200])
def test_odd_queries_do_not_crash(session, q: str) -> None:
    run(session, q=q)
    assert ids(run(session, q="Staplerschein"))  # nothing was harmed


def test_unknown_place_raises_german_error(session) -> None:
    with pytest.raises(NotFoundError):
        run(session, q="Deutschkurs", municipality="Atlantis")


# --- the query parser applied to the search (API, CLI and chat use query_from_text) ---------------


def test_words_become_filters(session) -> None:  # type: ignore[no-untyped-def]
    from catalogue.service import query_from_text

    q = query_from_text(session=session, text="brauch nen deutschkurs mit kinderbetreuung in melle")
    assert (q.q, q.municipality, q.childcare) == ("deutschkurs", "Melle", True)
    assert [h.offer.source_id for h in search(session=session, query=q).hits] == ["t1"]  # the only one with childcare
    q = query_from_text(session=session, text="pekip für mein baby 10 monate dienstags in bohmte")
    assert (q.q, q.age, q.weekdays) == ("pekip", 0, (2,))
    assert search(session=session, query=q).hits[0].offer.source_id == "t3"
    q = query_from_text(session=session, text="pekip mittwochs in bohmte")
    assert q.weekdays == (3,)
    assert "t3" not in [h.offer.source_id for h in search(session=session, query=q).hits]  # it meets on Tuesdays


def test_unknown_place_text_stays_a_topic_word_and_explicit_values_win(session) -> None:  # type: ignore[no-untyped-def]
    from catalogue.service import query_from_text

    q = query_from_text(session=session, text="deutschkurs in atlantis")
    assert q.municipality is None and "atlantis" in q.q
    q = query_from_text(session=session, text="deutschkurs in melle", municipality="Bohmte", limit=3)
    assert (q.municipality, q.limit) == ("Bohmte", 3)


@pytest.mark.parametrize(
    ("text", "place", "topic"),
    [
        ("kita Melle", "Melle", "kita"),
        ("Quakenbrück deutschkurs", "Quakenbrück", "deutschkurs"),
        ("deutschkurs bad essen", "Bad Essen", "deutschkurs"),
        ("ich krieg die formulare vom amt nicht hin, Melle", "Melle", "krieg formulare amt"),
        ("gesund essen kochen", None, "gesund essen kochen"),  # "Essen" alone is food, not Bad Essen
        ("deutschkurs os", None, "deutschkurs os"),  # too short a name to take a bare word for it
        ("deutschkurs meller", None, "deutschkurs meller"),  # no typo matching for bare words
    ],
)
def test_a_place_named_without_preposition_is_the_place(session, text: str, place: str | None, topic: str) -> None:  # type: ignore[no-untyped-def]
    from catalogue.service import query_from_text

    q = query_from_text(session=session, text=text)
    assert (q.municipality, q.q) == (place, topic)
    if place:
        assert place.split()[-1].lower() not in q.meaning.lower()
    assert query_from_text(session=session, text=text, municipality="Bohmte").municipality == "Bohmte"


def test_time_of_day_is_read_from_the_schedule() -> None:
    from catalogue.columns import time_of_day

    assert time_of_day("dienstags 18:00–19:30 Uhr") == "abends"
    assert time_of_day("montags bis freitags 8:30–13:00 Uhr") == "morgens"
    assert time_of_day("jeden Donnerstag 14.30 Uhr") == "nachmittags"
    assert time_of_day("nach Vereinbarung") is None and time_of_day(None) is None


def _reference_passes(offer, query: SearchQuery, exclude: str | None) -> bool:  # type: ignore[no-untyped-def]
    """The filters as the API documents them, offer by offer (the search applies them to numpy columns)."""
    tags = {(t.kind, t.value) for t in offer.tags}
    until = TODAY + dt.timedelta(days=query.starting_within_days or 0)
    checks = [
        offer.end_date is None or offer.end_date >= TODAY,
        not query.category or offer.category == query.category,
        not query.sector or offer.sector == query.sector,
        not query.target_group or ("target_group", query.target_group) in tags,
        not query.language or ("language", query.language.lower()) in tags,
        query.age is None
        or ((offer.age_min is None or offer.age_min <= query.age) and (offer.age_max is None or offer.age_max >= query.age))
        # a child's age lets through the courses for their parents
        or (query.age < 16 and ("target_group", "eltern") in tags and offer.age_min is not None and offer.age_min >= 16),
        not query.free or offer.cost_eur == 0,
        query.max_cost_eur is None or offer.cost_eur is None or offer.cost_eur <= query.max_cost_eur,
        query.starting_within_days is None
        or offer.weekdays is not None
        or (offer.start_date is not None and offer.start_date <= until),
        not query.childcare or offer.childcare,
        not query.accessible or offer.accessibility is not None,
        query.online is None or offer.online is query.online,
        exclude is None or offer.municipality_ags != exclude,
    ]
    return all(checks)


def test_column_filters_let_through_what_the_documented_filters_do(sample_database_url) -> None:
    """300 random filter combinations over the sample catalogue: the numpy columns pass exactly the offers
    that the filters, checked offer by offer, pass."""
    import random

    from sqlalchemy import select

    from catalogue.columns import offer_columns
    from catalogue.models import Municipality, Offer
    from catalogue.service import _passing
    from core.db import session_scope

    rng = random.Random(5)
    with session_scope(sample_database_url) as s:
        offers = list(s.scalars(select(Offer)))
        cols = offer_columns(s)
        places = [m.ags for m in s.scalars(select(Municipality))]
        values = {
            "category": [*sorted({o.category for o in offers}), "gibt-es-nicht"],
            "sector": sorted({o.sector for o in offers if o.sector}),
            "target_group": sorted({t.value for o in offers for t in o.tags if t.kind == "target_group"}),
            "language": sorted({t.value.title() for o in offers for t in o.tags if t.kind == "language"}),
            "age": [0, 1, 3, 6, 10, 15, 17, 18, 25, 40, 60, 80],
            "free": [True],
            "max_cost_eur": [0.0, 20.0, 50.0, 150.0, 1000.0],
            "starting_within_days": [0, 7, 30, 90, 365],
            "childcare": [True],
            "accessible": [True],
            "online": [True, False],
        }
        by_id = {o.id: o for o in offers}
        passed_some = 0
        for _ in range(300):
            chosen = rng.sample(sorted(values), rng.randint(1, 3))
            query = SearchQuery(**{name: rng.choice(values[name]) for name in chosen})
            exclude = rng.choice(places) if rng.random() < 0.3 else None
            got = {cols.ids[i].decode() for i in np.flatnonzero(_passing(cols, query, TODAY, exclude))}
            assert got == {oid for oid, o in by_id.items() if _reference_passes(o, query, exclude)}, (query, exclude)
            passed_some += bool(got)
        assert passed_some > 150  # most combinations let offers through: the test compares something


@pytest.mark.parametrize(
    ("q", "near"), [("Deutschkurs", "Melle"), ("Beratung", None), ("Kurs für Eltern", "Wallenhorst"), ("", "Bohmte")]
)
def test_pages_are_slices_of_one_ranking(sample_database_url, q: str, near: str | None) -> None:
    """Only the best few are sorted per page; paging through gives the full ranking's order, best score first,
    then the nearest, and every offer once."""
    from core.db import session_scope

    with session_scope(sample_database_url) as s:
        full = search(session=s, query=SearchQuery(q=q, municipality=near, limit=63), today=TODAY)
        paged = []
        for offset in range(0, 63, 7):
            page = search(session=s, query=SearchQuery(q=q, municipality=near, limit=7, offset=offset), today=TODAY)
            assert page.total == full.total
            paged += page.hits
    assert full.total > 20
    assert [h.offer.id for h in paged] == [h.offer.id for h in full.hits]
    keys = [(-h.score, h.distance_km if h.distance_km is not None else 999.0) for h in full.hits]
    assert keys == sorted(keys)


def test_an_import_reaches_the_next_search_without_a_restart(database_url) -> None:
    """The column snapshot belongs to a catalogue version: an import bumps it and the next search sees the offer."""
    from catalogue.importer import import_rows
    from core.db import session_scope

    row = {
        "source_id": "neu-1",
        "title": "Töpferkurs für Einsteiger",
        "category": "weiterbildung",
        "sector": "sonstige",
        "provider": {"name": "VHS"},
        "venue": {"municipality": "Melle"},
    }
    with session_scope(database_url) as s:
        assert "neu-1" not in ids(run(s, q="Töpferkurs"))
    with session_scope(database_url) as s:
        import_rows(session=s, rows=[(1, row)], source="nachtrag")
    try:
        with session_scope(database_url) as s:
            assert ids(run(s, q="Töpferkurs", municipality="Melle"))[0] == "neu-1"
    finally:
        from sqlalchemy import delete

        from catalogue.models import Offer
        from catalogue.versioned import bump_catalogue_version

        with session_scope(database_url) as s:
            s.execute(delete(Offer).where(Offer.source == "nachtrag"))
            bump_catalogue_version(session=s)


def test_a_childs_age_keeps_the_courses_for_parents(sample_database_url) -> None:
    """ "Elternkurs, Kind 13 Jahre": the age is the child's; the parents' courses (from 18) stay results."""
    from catalogue.service import query_from_text
    from core.db import read_scope

    with read_scope(sample_database_url) as s:
        q = query_from_text(session=s, text="elternkurs pubertät kind 13 jahre", municipality="Quakenbrück")
        assert q.age == 13
        top = search(session=s, query=q, today=TODAY).hits[:3]
        assert any("Pubertät" in h.offer.title and "eltern" in h.offer.target_groups for h in top)
        # only the parents' own courses pass besides the fitting ones: a parents' course with a child's age range
        # (Eltern-Kind-Turnen 1–3) stays out for a 5-year-old
        for hit in search(session=s, query=SearchQuery(q="turnen", age=5, limit=50), today=TODAY).hits:
            o = hit.offer
            assert ((o.age_min is None or o.age_min <= 5) and (o.age_max is None or o.age_max >= 5)) or (
                "eltern" in o.target_groups and (o.age_min or 0) >= 16
            )


def test_a_word_the_catalogue_has_a_synonym_for_is_no_unknown_word(sample_database_url) -> None:
    """ "werdende Eltern" is searched in the catalogue's words (Geburt) rather than as a need described."""
    from catalogue.service import unknown_share
    from core.db import read_scope

    with read_scope(sample_database_url) as s:
        assert unknown_share(s, "werdende") == 0.0
        assert unknown_share(s, "krabelgruppe") == 0.0  # a typo of a known word
        assert unknown_share(s, "versetzung gefährdet") == 1.0
