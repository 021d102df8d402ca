from collections import Counter

from sqlalchemy import select

from catalogue.models import Offer
from catalogue.service import SearchQuery, search
from core.db import session_scope
from tests.catalogue.search_quality import HELD_OUT, UNMET, evaluate, load_cases, right_offers

# Floors at the measured ranking, rounded down to 0.01 (.venv/bin/python -m tests.catalogue.search_quality):
# lexical only 0.694 / 0.686; with semantic ranking 0.727 / 0.727; with the target-group boost at 1.6 0.737 / 0.738;
# meaning weighs more (share 0.65, sharpness 3, faint leads count beside known words), fathers' words stay topic
# words and spaCy's stop words are fillers 0.780 / 0.808; a fair word match is kept 0.782 / 0.808.
# needs in citizens' words (catalogue/data/needs.yml, catalogue.needs): 0.873 / 0.891 (paraphrases 0.257 → 0.755).
# The meaning without the filter words, a child's age keeping the parents' courses, "mit 50" as an age and
# synonym-known words as known: 0.895 / 0.914.
# The aim for precision@3 (0.95) is not met: a quarter of the colloquial paraphrases still fail.
PRECISION_AT_3_FLOOR = 0.89
FIRST_RIGHT_FLOOR = 0.91
# The held-out set (written without sight of needs.yml or the labelled set): before the needs 0.407 / 0.400,
# with them 0.683 / 0.722, with the changes above 0.704 / 0.733. Its floor guards against tuning that only fits
# the labelled set.
HELD_OUT_PRECISION_AT_3_FLOOR = 0.70
HELD_OUT_FIRST_RIGHT_FLOOR = 0.73
# Least queries per kind the set must keep (issue #11 item 5).
MIN_PER_KIND = {"paraphrase": 60, "age": 40, "target": 30, "time_feature": 30, "refine": 30}


def test_query_set_is_large_and_varied() -> None:
    cases = load_cases()
    assert len(cases) >= 320
    kinds = Counter(c["kind"] for c in cases)
    for kind, least in MIN_PER_KIND.items():
        assert kinds[kind] >= least, kinds
    places = {c["near"] for c in cases if c.get("near")}
    assert len(places) == 35  # all 34 municipalities of the county and the city of Osnabrück
    assert any(c.get("postcode") for c in cases) and any(not c.get("near") and not c.get("postcode") for c in cases)
    texts = {(c["q"], c.get("near"), c.get("postcode")) for c in cases}
    for case in cases:
        if case["kind"] == "refine":
            assert (case["base"], case.get("near"), case.get("postcode")) in texts, case["q"]
    assert load_cases(UNMET)


def test_every_labelled_query_has_a_right_offer(sample_database_url: str) -> None:
    with session_scope(sample_database_url) as session:
        offers = list(session.scalars(select(Offer)).unique())
        without = [c["q"] for c in load_cases() if not right_offers(offers, c)]
        unmet = [c["q"] for c in load_cases(UNMET) if right_offers(offers, c)]
    assert not without, f"no right offer in the sample catalogue (move to search_queries_unmet.yml): {without}"
    assert not unmet, f"now met (move to search_queries.yml): {unmet}"


def test_labelled_queries_reach_quality_bar(sample_database_url: str) -> None:
    with session_scope(sample_database_url) as session:
        quality = evaluate(session)
    summary = quality.table() + "\n" + "\n".join(quality.failures)
    assert quality.precision_at_3 >= PRECISION_AT_3_FLOOR, summary
    assert quality.first_right >= FIRST_RIGHT_FLOOR, summary


def test_held_out_queries_reach_their_floor(sample_database_url: str) -> None:
    cases = load_cases(HELD_OUT)
    assert len(cases) >= 90
    with session_scope(sample_database_url) as session:
        offers = list(session.scalars(select(Offer)).unique())
        assert all(right_offers(offers, c) for c in cases)
        quality = evaluate(session, cases)
    summary = quality.table() + "\n" + "\n".join(quality.failures)
    assert quality.precision_at_3 >= HELD_OUT_PRECISION_AT_3_FLOOR, summary
    assert quality.first_right >= HELD_OUT_FIRST_RIGHT_FLOOR, summary


def test_same_town_exact_match_before_far_fuzzy_match(sample_database_url: str) -> None:
    with session_scope(sample_database_url) as session:
        result = search(session=session, query=SearchQuery(q="Deutschkurs", municipality="Quakenbrück", limit=3))
        first = result.hits[0]
        assert first.offer.category == "sprache"
        assert first.offer.online or first.distance_km < 10
