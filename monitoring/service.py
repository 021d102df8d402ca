"""Recording searches and summing them up for the county's education monitoring."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalogue.text import fold
from monitoring.models import SearchEvent


def record_search(
    *,
    session: Session,
    topic: str | None,
    category: str | None,
    municipality: str | None,
    target_group: str | None,
    results: int,
    day: dt.date | None = None,
) -> None:
    """Store one search; the topic is folded and cut so that it stays a topic, not a message."""
    session.add(
        SearchEvent(
            day=day or dt.date.today(),
            topic=" ".join(fold(topic).split())[:60] if topic else None,
            category=category,
            municipality=municipality,
            target_group=target_group,
            results=results,
        )
    )


def demand_figures(*, session: Session, since: dt.date | None = None) -> dict[str, Any]:
    """Searches per category and municipality, and the topics most often not found."""
    cond = [SearchEvent.day >= since] if since else []
    per_category = session.execute(select(SearchEvent.category, func.count()).where(*cond).group_by(SearchEvent.category)).all()
    per_place = session.execute(
        select(SearchEvent.municipality, func.count()).where(*cond).group_by(SearchEvent.municipality)
    ).all()
    unmet = session.execute(
        select(SearchEvent.topic, SearchEvent.municipality, func.count().label("n"))
        .where(SearchEvent.results == 0, *cond)
        .group_by(SearchEvent.topic, SearchEvent.municipality)
        .order_by(func.count().desc())
        .limit(50)
    ).all()
    return {
        "searches_per_category": {c or "unbekannt": n for c, n in per_category},
        "searches_per_municipality": {m or "unbekannt": n for m, n in per_place},
        "unmet_demand": [{"topic": t, "municipality": m, "searches": n} for t, m, n in unmet],
    }
