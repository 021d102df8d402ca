from catalogue.service import SearchQuery, search
from core.db import session_scope
from tests.catalogue.search_quality import evaluate


def test_labelled_queries_reach_quality_bar(sample_database_url: str) -> None:
    with session_scope(sample_database_url) as session:
        quality = evaluate(session)
    assert quality.queries >= 80
    summary = f"P@3 {quality.precision_at_3:.3f}, first right {quality.first_right:.3f}\n" + "\n".join(quality.failures)
    assert quality.precision_at_3 >= 0.9, summary
    assert quality.first_right >= 0.8, summary


def test_same_town_exact_match_before_far_fuzzy_match(sample_database_url: str) -> None:
    with session_scope(sample_database_url) as session:
        result = search(session=session, query=SearchQuery(q="Deutschkurs", municipality="Quakenbrück", limit=3))
        first = result.hits[0]
        assert first.offer.category == "sprache"
        assert first.offer.online or first.distance_km < 10
