"""Search quality on the labelled query set (tests/search_queries.yml) against the sample catalogue.

Each query's full text goes through the parser the API and the dialogue use
(``catalogue.service.query_from_text``), with ``near`` (or ``postcode``) as the place the citizen gave,
and then through ``search``. A hit is right when its category (and sector) match and every constraint
label of the query holds for it (``title_any``, ``age``, ``childcare``, ``online``, ``free``, ``evening``,
``weekend``, ``target_group``).

Re-measure: ``.venv/bin/python -m tests.catalogue.search_quality [--failures] [--kind KIND]``.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.models import Offer
from catalogue.service import query_from_text, search

QUERIES = Path(__file__).resolve().parents[1] / "search_queries.yml"
UNMET = Path(__file__).resolve().parents[1] / "search_queries_unmet.yml"
HELD_OUT = Path(__file__).resolve().parents[1] / "search_queries_heldout.yml"
SLACK_KM = 10.0  # the first result may be this much farther than the nearest strong fitting match
STRONG = 0.6  # relevance (share of the best match) of a match that a person would call as good
LIMIT = 20
KINDS = ("plain", "typo", "paraphrase", "age", "target", "time_feature", "refine")
CONSTRAINTS = ("title_any", "age", "childcare", "online", "free", "evening", "weekend", "target_group")
KEYS = {"q", "near", "postcode", "category", "sector", "kind", "base", "reason", *CONSTRAINTS}
EVENING_FROM_HOUR = 17
_START = re.compile(r"(?<!\d)(\d{1,2})(?:[:.](\d{2}))?\s*(?:[–-]|uhr)", re.IGNORECASE)
_WEEKEND_WORDS = ("samstag", "sonntag", "wochenende")


@dataclass
class Score:
    queries: int = 0
    precision_sum: float = 0.0
    first_sum: float = 0.0

    @property
    def precision_at_3(self) -> float:
        return self.precision_sum / self.queries if self.queries else 0.0

    @property
    def first_right(self) -> float:
        return self.first_sum / self.queries if self.queries else 0.0


@dataclass
class Quality:
    queries: int = 0
    precision_at_3: float = 0.0
    first_right: float = 0.0
    per_kind: dict[str, Score] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def table(self) -> str:
        rows = [f"{'kind':<14}{'queries':>8}{'P@3':>8}{'first':>8}"]
        for kind in KINDS:
            s = self.per_kind.get(kind)
            if s and s.queries:
                rows.append(f"{kind:<14}{s.queries:>8}{s.precision_at_3:>8.3f}{s.first_right:>8.3f}")
        rows.append(f"{'all':<14}{self.queries:>8}{self.precision_at_3:>8.3f}{self.first_right:>8.3f}")
        return "\n".join(rows)


def load_cases(path: Path = QUERIES) -> list[dict[str, Any]]:
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]
    for case in cases:
        unknown = set(case) - KEYS
        if unknown:
            raise ValueError(f"{case.get('q')!r}: unknown labels {sorted(unknown)}")
        if case.get("kind", "plain") not in KINDS:
            raise ValueError(f"{case['q']!r}: unknown kind {case['kind']!r}")
    return cases


def _categories(case: dict[str, Any]) -> set[str]:
    value = case["category"]
    return {value} if isinstance(value, str) else set(value)


def start_hour(schedule: str | None) -> int | None:
    """The hour an offer starts, read from its schedule text ("dienstags 18:00–19:30 Uhr")."""
    found = _START.search(schedule or "")
    return int(found.group(1)) if found else None


def is_evening(offer: Offer) -> bool:
    hour = start_hour(offer.schedule)
    if hour is not None:
        return hour >= EVENING_FROM_HOUR
    return "abend" in f"{offer.title} {offer.schedule or ''}".lower()


def is_weekend(offer: Offer) -> bool:
    if set(offer.weekdays or ()) & {6, 7}:
        return True
    return any(w in f"{offer.title} {offer.schedule or ''}".lower() for w in _WEEKEND_WORDS)


def fits(offer: Offer, case: dict[str, Any]) -> bool:
    """The offer is a right answer to the case: category (and sector) match and every given label holds."""
    if offer.category not in _categories(case):
        return False
    if case.get("sector") and offer.sector != case["sector"]:
        return False
    if case.get("title_any"):
        text = " ".join([offer.title, *(offer.keywords or [])]).lower()
        if not any(s in text for s in case["title_any"]):
            return False
    age = case.get("age")
    if age is not None and not (
        (offer.age_min is None or offer.age_min <= age) and (offer.age_max is None or age <= offer.age_max)
    ):
        return False
    if case.get("childcare") and not offer.childcare:
        return False
    if "online" in case and bool(offer.online) != case["online"]:
        return False
    if case.get("free") and offer.cost_eur != 0:
        return False
    if case.get("evening") and not is_evening(offer):
        return False
    if case.get("weekend") and not is_weekend(offer):
        return False
    return not case.get("target_group") or case["target_group"] in (offer.target_groups or [])


def right_offers(offers: Iterable[Offer], case: dict[str, Any]) -> list[Offer]:
    return [o for o in offers if fits(o, case)]


def _describe(case: dict[str, Any]) -> str:
    expected = "|".join(sorted(_categories(case))) + (f"/{case['sector']}" if case.get("sector") else "")
    labels = ", ".join(f"{k}={case[k]}" for k in CONSTRAINTS if k in case)
    return expected + (f" [{labels}]" if labels else "")


def evaluate(session: Session, cases: Sequence[dict[str, Any]] | None = None) -> Quality:
    cases = list(cases) if cases is not None else load_cases()
    offers = list(session.scalars(select(Offer)).unique())
    quality = Quality(queries=len(cases))
    total = Score()
    for case in cases:
        query = query_from_text(
            session=session, text=case["q"], municipality=case.get("near"), postcode=case.get("postcode"), limit=LIMIT
        )
        result = search(session=session, query=query)
        available = len(right_offers(offers, case))
        strong = [h for h in result.hits if fits(h.offer, case) and h.relevance >= STRONG and h.distance_km is not None]
        nearest = min((h.distance_km for h in strong), default=None)
        hits = result.hits[:3]
        right = [fits(h.offer, case) for h in hits]
        # P@3 counts against the right offers the catalogue has (a query with one right offer can reach 1.0).
        precision = sum(right) / max(1, min(3, available))
        # "In the right place": no strong fitting match among the top 20 is clearly nearer than the first result.
        top_ok = (
            bool(hits)
            and right[0]
            and (nearest is None or hits[0].offer.online or (hits[0].distance_km or 0) <= nearest + SLACK_KM)
        )
        kind = case.get("kind", "plain")
        for score in (total, quality.per_kind.setdefault(kind, Score())):
            score.queries += 1
            score.precision_sum += precision
            score.first_sum += top_ok
        if not top_ok:
            got = "; ".join(
                f"{'+' if r else '-'}{h.offer.category}/{h.offer.title[:45]}"
                f" ({'online' if h.offer.online else f'{h.distance_km:.0f} km' if h.distance_km is not None else '?'})"
                for h, r in zip(hits, right, strict=True)
            )
            place = case.get("near") or case.get("postcode") or "-"
            parsed = (
                f"q={query.q!r}"
                + "".join(
                    f" {k}={getattr(query, k)}"
                    for k in ("age", "free", "online", "childcare", "times_of_day", "weekdays", "prefer_target_groups")
                    if getattr(query, k) not in (None, ())
                )
                + (f" need={result.need}" if result.need else "")
            )
            quality.failures.append(
                f"[{kind}] {case['q']!r} near {place}: expected {_describe(case)} ({available} in catalogue);"
                f" parsed {parsed}; got {got or 'nichts'}"
            )
    quality.precision_at_3 = total.precision_at_3
    quality.first_right = total.first_right
    return quality


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.catalogue.search_quality",
        description="Measure search quality on the labelled query set: precision@3 and first-result-right,"
        " overall and per kind of query, through the real query parser and search.",
    )
    parser.add_argument("--database-url", help="catalogue database to measure (default: a fresh SQLite sample catalogue)")
    parser.add_argument("--queries", type=Path, default=QUERIES, help=f"labelled query set (default: {QUERIES})")
    parser.add_argument("--kind", choices=KINDS, action="append", help="only queries of this kind (repeatable)")
    parser.add_argument("--failures", action="store_true", help="print the queries whose first result is wrong")
    args = parser.parse_args(argv)

    from core.db import session_scope

    cases = [c for c in load_cases(args.queries) if not args.kind or c.get("kind", "plain") in args.kind]
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url
        if url is None:
            from cli.main import setup_database

            url = f"sqlite:///{Path(tmp) / 'sample.db'}"
            setup_database(url, sample=True)
        with session_scope(url) as session:
            quality = evaluate(session, cases)
    if args.failures:
        print("\n".join(quality.failures) + "\n")
    print(quality.table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
