"""Search quality on the labelled query set (tests/search_queries.yml) against the sample catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from catalogue.service import SearchQuery, search

QUERIES = Path(__file__).resolve().parents[1] / "search_queries.yml"
SLACK_KM = 10.0  # the first result may be this much farther than the nearest strong fitting match
STRONG = 0.6  # relevance (share of the best match) of a match that a person would call as good


@dataclass
class Quality:
    queries: int = 0
    precision_at_3: float = 0.0
    first_right: float = 0.0
    failures: list[str] = field(default_factory=list)


def _fits(hit, case: dict) -> bool:  # type: ignore[no-untyped-def]
    offer = hit.offer
    if offer.category != case["category"]:
        return False
    return not case.get("sector") or offer.sector == case["sector"]


def evaluate(session: Session) -> Quality:
    cases = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"]
    quality = Quality(queries=len(cases))
    precision = first = 0.0
    for case in cases:
        result = search(session=session, query=SearchQuery(q=case["q"], municipality=case.get("near"), limit=20))
        strong = [h for h in result.hits if _fits(h, case) and h.relevance >= STRONG and h.distance_km is not None]
        nearest = min((h.distance_km for h in strong), default=None)
        hits = result.hits[:3]
        right = [_fits(h, case) for h in hits]
        precision += sum(right) / 3
        # "In the right place": no fitting match among the top 20 is clearly nearer than the first result.
        top_ok = (
            bool(hits)
            and right[0]
            and (nearest is None or hits[0].offer.online or (hits[0].distance_km or 0) <= nearest + SLACK_KM)
        )
        first += top_ok
        if not top_ok:
            got = f"{hits[0].offer.category}/{hits[0].offer.title[:40]}" if hits else "nichts"
            quality.failures.append(f"{case['q']!r} near {case.get('near')}: expected {case['category']}, got {got}")
    quality.precision_at_3 = precision / len(cases)
    quality.first_right = first / len(cases)
    return quality
