import datetime as dt

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


def test_time_of_day_is_read_from_the_schedule() -> None:
    from catalogue.service import time_of_day

    assert time_of_day("dienstags 18:00–19:30 Uhr") == "abends"
    assert time_of_day("montags bis freitags 8:30–13:00 Uhr") == "morgens"
    assert time_of_day("jeden Donnerstag 14.30 Uhr") == "nachmittags"
    assert time_of_day("nach Vereinbarung") is None and time_of_day(None) is None


def test_candidates_read_near_the_place_are_the_top_ones(sample_database_url, monkeypatch) -> None:
    """The candidate query that reads only the offers able to clear a share of the best score (bars and radii)
    picks offers of the same ranks (score × distance factor) as the query over all matches. A small
    MAX_CANDIDATES and no small-catalogue shortcut make the sample catalogue take the large catalogue's path."""
    from catalogue import service
    from catalogue.places import place_or_raise
    from core.db import session_scope

    monkeypatch.setattr(service, "MAX_CANDIDATES", 12)
    monkeypatch.setattr(service, "SMALL_CATALOGUE", 0)
    bars: list[float] = []
    could_reach = service._could_reach
    monkeypatch.setattr(service, "_could_reach", lambda scores, bar, place: bars.append(bar) or could_reach(scores, bar, place))
    early = 0
    levels = service.CANDIDATE_LEVELS
    cases = [
        ("Deutschkurs", "Melle"),
        ("Kurs für Eltern", "Wallenhorst"),
        ("Weiterbildung Pflege", "Bramsche"),
        ("Beratung", None),
        ("Sprachkurs Englisch", "Quakenbrück"),
        ("Computerkurs für Anfänger", "Bad Iburg"),
        ("Hausaufgabenhilfe", "Bohmte"),
    ]
    with session_scope(sample_database_url) as s:
        for q, near in cases:
            place = place_or_raise(session=s, municipality=near)
            conds = service._filters(SearchQuery(q=q, municipality=near), place, TODAY)
            weights = service.query_weights(s, q)
            bars.clear()
            got, best = service._lexical_candidates(s, weights=weights, conds=conds, place=place)
            early += len(bars) < len(levels) - 1  # a bar above 0 sufficed
            monkeypatch.setattr(service, "CANDIDATE_LEVELS", (0.0,))
            full, full_best = service._lexical_candidates(s, weights=weights, conds=conds, place=place)
            monkeypatch.setattr(service, "CANDIDATE_LEVELS", levels)
            assert best == pytest.approx(full_best), q
            # Rank by rank: offers tied at the last rank may be others.
            assert [round(r[6], 9) for r in got] == [round(r[6], 9) for r in full], q
    assert early  # the pruned path was taken, not only the query over all matches


def test_candidates_of_many_sets_are_scored_per_offer(sample_database_url, monkeypatch) -> None:
    """With more matching term sets than the bars may name, the candidates come from the postings per offer,
    with the same ranks and best score as from the scored sets."""
    from catalogue import service
    from catalogue.places import place_or_raise
    from core.db import session_scope

    monkeypatch.setattr(service, "MAX_CANDIDATES", 12)
    small, most = service.SMALL_CATALOGUE, service.MAX_LISTED_SETS
    with session_scope(sample_database_url) as s:
        for q, near in (("Deutschkurs", "Melle"), ("Beratung", None), ("Kurs für Eltern", "Wallenhorst")):
            place = place_or_raise(session=s, municipality=near)
            conds = service._filters(SearchQuery(q=q, municipality=near), place, TODAY)
            weights = service.query_weights(s, q)
            by_set, best = service._lexical_candidates(s, weights=weights, conds=conds, place=place)
            monkeypatch.setattr(service, "SMALL_CATALOGUE", 0)
            monkeypatch.setattr(service, "MAX_LISTED_SETS", 0)
            per_offer, offer_best = service._lexical_candidates(s, weights=weights, conds=conds, place=place)
            monkeypatch.setattr(service, "SMALL_CATALOGUE", small)
            monkeypatch.setattr(service, "MAX_LISTED_SETS", most)
            assert offer_best == pytest.approx(best), q
            assert [round(r[6], 9) for r in per_offer] == [round(r[6], 9) for r in by_set], q
