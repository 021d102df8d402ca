"""The county's education monitoring: anonymous records of searches, handovers and feedback, the figures made
from them (small numbers protected, see ``monitoring.suppression``), the CSV export and the retention of records."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import and_, case, delete, func, literal, select
from sqlalchemy.orm import Session

from catalogue.models import CATEGORIES, TARGET_GROUPS, Municipality, Office
from catalogue.places import nearest_office
from core.db import utcnow
from monitoring.anonymise import age_band, language_code, normalise_topic
from monitoring.models import Feedback, FigureMonth, SearchEvent
from monitoring.suppression import THRESHOLD, Cell, LinkedProtected, Node, guarded, protect_linked

GROUPS = ("month", "category", "municipality", "target_group", "language", "office")
COUNTS = ("searches", "unmet", "widened", "led_to_handover", "handovers")
FEEDBACK = ("helpful_yes", "helpful_no", "ratings")
FEEDBACK_GROUPS = ("month", "category", "office")  # feedback knows no municipality, target group or language
NESTED = ("searches", "unmet", "widened", "led_to_handover")  # counted at the municipality's responsible office
RETENTION_MONTHS = 24
COMMENT_DAYS = 30
TOP_TOPICS = 20
COLUMN = {"category": "category", "municipality": "municipality", "target_group": "target_group",
          "language": "language", "office": "office_id"}  # fmt: skip


@lru_cache(maxsize=1)
def labels() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((Path(__file__).resolve().parent / "data" / "labels.yml").read_text("utf-8"))
    return data


# ------------------------------------------------------------------ recording


def _municipality(session: Session, name: object) -> Municipality | None:
    if not name:
        return None
    return session.scalars(select(Municipality).where(Municipality.name == str(name)[:80])).first()


def record_search(
    *, session: Session, record: Mapping[str, Any], channel: str | None, language: str | None, day: dt.date | None = None
) -> int:
    """Store the anonymous record the search action sent along; returns its id (kept in the conversation, so a
    later handover can mark it). Only known values are kept: a category, target group or municipality that is
    not one of the county's is dropped, the topic is normalised (``monitoring.anonymise``)."""
    place = _municipality(session, record.get("municipality"))
    category, group = record.get("category"), record.get("target_group")
    event = SearchEvent(
        day=day or dt.date.today(),
        kind="search",
        topic=normalise_topic(str(record.get("topic") or "")),
        category=category if category in CATEGORIES else None,
        municipality=place.name if place else None,
        office_id=nearest_office(session=session, municipality=place)[0].id if place else None,
        target_group=group if group in TARGET_GROUPS else None,
        age_band=age_band(record.get("age")),
        language=language_code(language),
        channel=str(channel)[:20] if channel else None,
        results=max(0, int(record.get("results") or 0)),
        widened=bool(record.get("widened")),
    )
    session.add(event)
    session.flush()
    return event.id


def record_handover(
    *,
    session: Session,
    office_id: str,
    municipality: str | None,
    channel: str | None,
    language: str | None,
    search_id: int | None,
    day: dt.date | None = None,
) -> None:
    """One handover to an office; the conversation's last search (if any) is marked as having led to it."""
    search = session.get(SearchEvent, search_id) if search_id else None
    if search is not None and search.kind == "search":
        search.handover = True
    else:
        search = None
    place = _municipality(session, municipality)
    session.add(
        SearchEvent(
            day=day or dt.date.today(),
            kind="handover",
            topic=search.topic if search else None,
            category=search.category if search else None,
            municipality=place.name if place else None,
            office_id=office_id,
            target_group=search.target_group if search else None,
            age_band=search.age_band if search else None,
            language=language_code(language),
            channel=str(channel)[:20] if channel else None,
            results=0,
        )
    )


def record_helpful(
    *,
    session: Session,
    conversation_id: str,
    seq: int,
    helpful: bool,
    category: str | None,
    office_id: str | None,
    day: dt.date | None = None,
) -> None:
    """👍/👎 for one answer with offers; a second vote for the same answer replaces the first."""
    row = session.scalars(select(Feedback).where(Feedback.conversation_id == conversation_id, Feedback.seq == seq)).first()
    if row is None:
        row = Feedback(day=day or dt.date.today(), kind="helpful", conversation_id=conversation_id, seq=seq)
        session.add(row)
    row.helpful = helpful
    row.category = category if category in CATEGORIES else None
    row.office_id = office_id


def record_rating(
    *,
    session: Session,
    conversation_id: str,
    ticket_id: str,
    office_id: str,
    rating: int,
    comment: str | None,
    day: dt.date | None = None,
) -> None:
    """1–5 after a closed handover, with an optional comment for the office; a second one replaces the first."""
    row = session.scalars(
        select(Feedback).where(Feedback.conversation_id == conversation_id, Feedback.ticket_id == ticket_id)
    ).first()
    if row is None:
        row = Feedback(day=day or dt.date.today(), kind="rating", conversation_id=conversation_id, ticket_id=ticket_id)
        session.add(row)
    row.rating, row.office_id, row.comment = rating, office_id, (comment or None)


def forget_feedback(*, session: Session, conversation_id: str) -> int:
    """The conversation is deleted: its feedback keeps only the anonymous count (no comment, no link)."""
    rows = list(session.scalars(select(Feedback).where(Feedback.conversation_id == conversation_id)))
    for row in rows:
        row.comment = row.conversation_id = row.ticket_id = None
        row.seq = None
    return len(rows)


def expire_feedback(*, session: Session, now: dt.datetime | None = None) -> int:
    """Comments and links older than 30 days are emptied (the vote or rating stays, anonymous)."""
    cutoff = (now or utcnow()) - dt.timedelta(days=COMMENT_DAYS)
    rows = list(
        session.scalars(
            select(Feedback).where(
                Feedback.created_at < cutoff, (Feedback.conversation_id.is_not(None)) | (Feedback.comment.is_not(None))
            )
        )
    )
    for row in rows:
        row.comment = row.conversation_id = row.ticket_id = None
        row.seq = None
    return len(rows)


def office_comments(*, session: Session, office_id: str, limit: int = 100) -> list[dict[str, Any]]:
    """The comments of the last 30 days for one office, newest first (only that office sees them)."""
    rows = session.scalars(
        select(Feedback)
        .where(Feedback.office_id == office_id, Feedback.comment.is_not(None))
        .order_by(Feedback.created_at.desc())
        .limit(limit)
    )
    return [{"day": r.day.isoformat(), "rating": r.rating, "comment": r.comment} for r in rows]


# ------------------------------------------------------------------ figures


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period(*, start: dt.date | None, end: dt.date | None, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Whole months (the smallest period anyone can see): by default the last twelve, this one included."""
    last = month_end(end or today or dt.date.today())
    first = month_start(start) if start else add_months(month_start(last), -11)
    return first, last


def _count_columns(model: type[SearchEvent] | type[FigureMonth]) -> list[Any]:
    weight: Any = FigureMonth.n if model is FigureMonth else literal(1)
    unmet = FigureMonth.unmet if model is FigureMonth else SearchEvent.results == 0
    search = model.kind == "search"
    return [
        func.sum(case((search, weight), else_=0)),
        func.sum(case((and_(search, unmet), weight), else_=0)),
        func.sum(case((and_(search, model.widened), weight), else_=0)),
        func.sum(case((and_(search, model.handover), weight), else_=0)),
        func.sum(case((model.kind == "handover", weight), else_=0)),
    ]


def _feedback_columns(model: type[Feedback] | type[FigureMonth]) -> list[Any]:
    weight: Any = FigureMonth.n if model is FigureMonth else literal(1)
    helpful = and_(model.kind == "helpful", model.helpful.is_(True))
    unhelpful = and_(model.kind == "helpful", model.helpful.is_(False))
    rated = model.kind == "rating"
    return [
        func.sum(case((helpful, weight), else_=0)),
        func.sum(case((unhelpful, weight), else_=0)),
        func.sum(case((rated, weight), else_=0)),
        func.sum(case((rated, model.rating * weight), else_=0)),
    ]


def _grouped(
    session: Session,
    models: Sequence[Any],
    columns: Any,
    names: Sequence[str],
    *,
    group_by: str | None,
    first: dt.date,
    last: dt.date,
    office_id: str | None,
    category: str | None,
    where: Sequence[Any] = (),
) -> dict[Hashable, Counter[str]]:
    """Sums per group key over the raw rows and the monthly sums (``group_by`` None: one group, key None)."""
    out: dict[Hashable, Counter[str]] = defaultdict(Counter)
    for model in models:
        date = model.month if model is FigureMonth else model.day
        key = date if group_by == "month" else getattr(model, COLUMN[group_by]) if group_by else literal(None)
        conditions = [date >= first, date <= last, *(w(model) for w in where)]
        if office_id:
            conditions.append(model.office_id == office_id)
        if category:
            conditions.append(model.category == category)
        query = select(key, *columns(model)).where(*conditions).group_by(key)
        for found, *values in session.execute(query):
            if group_by == "month":
                found = month_start(found)
            out[found].update({name: int(v or 0) for name, v in zip(names, values, strict=True)})
    return out


def _label(group_by: str, key: Hashable, offices: Mapping[str, str]) -> str:
    texts = labels()
    if key is None:
        return str(texts["unknown"])
    if group_by == "month":
        assert isinstance(key, dt.date)
        return f"{texts['months'][key.month - 1]} {key.year}"
    table = {"category": texts["categories"], "target_group": texts["target_groups"], "language": texts["languages"],
             "office": offices}.get(group_by, {})  # fmt: skip
    return str(table.get(key, key))


def _keys(
    session: Session, group_by: str, first: dt.date, last: dt.date, office_id: str | None, seen: set[Hashable]
) -> list[Hashable]:
    """Every row of the table, zero or not (a missing row would tell as much as a zero): the months of the
    period, the county's categories, municipalities, target groups, offices, the languages offered."""
    keys: list[Hashable]
    if group_by == "month":
        keys, month = [], first
        while month <= last:
            keys.append(month)
            month = add_months(month, 1)
    elif group_by == "category":
        keys = list(CATEGORIES)
    elif group_by == "target_group":
        keys = list(TARGET_GROUPS)
    elif group_by == "language":
        keys = list(labels()["languages"])
    elif group_by == "municipality":
        keys = [m for m, o in responsible_offices(session=session).items() if not office_id or o == office_id]
    else:
        keys = [o.id for o in session.scalars(select(Office).order_by(Office.id)) if not office_id or o.id == office_id]
    return keys + sorted((k for k in seen if k not in keys), key=lambda k: (k is None, str(k)))


def responsible_offices(*, session: Session) -> dict[str, str]:
    """Municipality name -> id of its responsible (nearest) office, in the order of the municipalities' names."""
    municipalities = session.scalars(select(Municipality).order_by(Municipality.name))
    return {m.name: nearest_office(session=session, municipality=m)[0].id for m in municipalities}


def figures(
    *,
    session: Session,
    group_by: str,
    first: dt.date,
    last: dt.date,
    office_id: str | None = None,
    category: str | None = None,
    waits: Mapping[str, Sequence[float]] | None = None,
) -> dict[str, Any]:
    """The table of one grouping for a period (whole months), protected as ``monitoring.suppression`` says.

    ``office_id``: only that office's figures (searches from its municipalities, its handovers and feedback).
    ``waits``: minutes until the first reply of the period's handovers, per office (from the tickets)."""
    if group_by not in GROUPS:
        raise ValueError(group_by)
    offices = {o.id: o.name for o in session.scalars(select(Office))}
    scope: dict[str, Any] = {"first": first, "last": last, "office_id": office_id, "category": category}
    protected, raw_feedback = _protected(session, **scope)
    keys = list(protected["searches"].views[group_by])
    with_feedback = group_by in FEEDBACK_GROUPS
    columns = list(COUNTS) + (list(FEEDBACK) if with_feedback else [])
    rows: list[dict[str, Any]] = [
        {"key": k.isoformat() if isinstance(k, dt.date) else k, "label": _label(group_by, k, offices)} for k in keys
    ]
    total: dict[str, Any] = {"key": None, "label": labels()["total"]}
    for name in columns:
        for row, k in zip(rows, keys, strict=True):
            row[name] = protected[name].views[group_by][k]
        total[name] = protected[name].total
    feedback = raw_feedback[group_by] if with_feedback else {}
    if with_feedback:
        everything = Counter[str]()
        for k in keys:
            row, c = rows[keys.index(k)], feedback[k]
            row["rating_mean"] = guarded(c["rating_sum"] / c["ratings"], c["ratings"]) if c["ratings"] else None
            everything.update(c)
        ratings = everything["ratings"]
        total["rating_mean"] = guarded(everything["rating_sum"] / ratings, ratings) if ratings else None
    if group_by == "municipality":
        _per_inhabitants(session, rows, total)
    if group_by == "office":
        _waiting(rows, total, waits or {})
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "group_by": group_by,
        "office": office_id,
        "category": category,
        "threshold": THRESHOLD,
        "columns": [c for c in labels()["columns"] if c in total],
        "column_labels": {c: labels()["columns"][c] for c in labels()["columns"] if c in total},
        "group_label": labels()["group_by"][group_by],
        "rows": rows,
        "total": total,
        "unmet_topics": unmet_topics(session=session, first=first, last=last, office_id=office_id),
        "satisfaction": _satisfaction(session, protected, **scope),
    }


def _protected(
    session: Session, *, first: dt.date, last: dt.date, office_id: str | None, category: str | None
) -> tuple[dict[str, LinkedProtected], dict[str, dict[Hashable, Counter[str]]]]:
    """Every view of the filter, each measure protected over all of them together (``protect_linked``): the
    table of one ``group_by`` must be the same whichever grouping was asked for, or the views could be combined.
    Returns the protected measures and the raw feedback per grouping (for the rating means)."""
    scope: dict[str, Any] = {"first": first, "last": last, "office_id": office_id, "category": category}
    counts = {g: _grouped(session, (SearchEvent, FigureMonth), _count_columns, COUNTS, group_by=g,
                          where=[lambda m: m.kind.in_(("search", "handover"))], **scope) for g in GROUPS}  # fmt: skip
    feedback = {g: _grouped(session, (Feedback, FigureMonth), _feedback_columns, (*FEEDBACK, "rating_sum"),
                            group_by=g, where=[lambda m: m.kind.in_(("helpful", "rating"))], **scope)
                for g in (*FEEDBACK_GROUPS, None)}  # fmt: skip
    keys: dict[str, list[Hashable]] = {}
    for g in GROUPS:
        seen = {k for k, c in counts[g].items() if any(c.values())}
        if g in FEEDBACK_GROUPS:
            seen |= {k for k, c in feedback[g].items() if any(c.values())}
        keys[g] = _keys(session, g, first, last, office_id, seen)
    responsible: dict[Hashable, Hashable] = {k: v for k, v in responsible_offices(session=session).items()}
    out: dict[str, LinkedProtected] = {}
    for name in (*COUNTS, *FEEDBACK):
        source, groups = (feedback, FEEDBACK_GROUPS) if name in FEEDBACK else (counts, GROUPS)
        views = {g: {k: source[g][k][name] for k in keys[g]} for g in groups}
        if name == "ratings":
            views["rating_counts"] = _rating_counts(session, **scope)
        nested = {"municipality": ("office", responsible)} if name in NESTED else {}
        zeros: list[Node] = [("category", k) for k in keys["category"] if category and k != category]
        out[name] = protect_linked(sum(views["category"].values()), views, nested, zeros)
    return out, {g: feedback[g] for g in FEEDBACK_GROUPS}


def _per_inhabitants(session: Session, rows: list[dict[str, Any]], total: dict[str, Any]) -> None:
    population = dict(session.execute(select(Municipality.name, Municipality.population)).all())
    for row in [*rows, total]:
        inhabitants = population.get(row["key"]) if row is not total else sum(
            population.get(r["key"], 0) for r in rows
        )  # fmt: skip
        row["population"] = inhabitants
        searches = row["searches"]
        if not inhabitants:
            row["searches_per_1000"] = None
        elif isinstance(searches, str):
            row["searches_per_1000"] = searches  # a rate would give the suppressed count back
        else:
            row["searches_per_1000"] = round(searches / inhabitants * 1000, 2)


def _waiting(rows: list[dict[str, Any]], total: dict[str, Any], waits: Mapping[str, Sequence[float]]) -> None:
    everything: list[float] = []
    for row in rows:
        minutes = list(waits.get(row["key"], ()))
        everything += minutes
        row["median_wait_minutes"] = guarded(statistics.median(minutes), len(minutes)) if minutes else None
    total["median_wait_minutes"] = guarded(statistics.median(everything), len(everything)) if everything else None


def _satisfaction(session: Session, protected: Mapping[str, LinkedProtected], **scope: Any) -> dict[str, Any]:
    """The period's 👍/👎 and ratings: the same totals as the tables (linked, never shown in one place and hidden
    in another), the rating counts 1–5 protected as one more view of the ratings."""
    c = _grouped(session, (Feedback, FigureMonth), _feedback_columns, (*FEEDBACK, "rating_sum"), group_by=None,
                 where=[lambda m: m.kind.in_(("helpful", "rating"))], **scope)[None]  # fmt: skip
    out: dict[str, Any] = {name: protected[name].total for name in FEEDBACK}
    out["rating_mean"] = guarded(c["rating_sum"] / c["ratings"], c["ratings"]) if c["ratings"] else None
    out["rating_counts"] = {str(k): cell for k, cell in protected["ratings"].views["rating_counts"].items()}
    return out


def _rating_counts(
    session: Session, *, first: dt.date, last: dt.date, office_id: str | None, category: str | None
) -> dict[Hashable, int]:
    """How often each of 1–5 was given (a view of the ratings: they add up to their number)."""
    counts: Counter[int] = Counter()
    models: tuple[Any, ...] = (Feedback, FigureMonth)
    for model in models:
        date = model.month if model is FigureMonth else model.day
        weight: Any = func.sum(FigureMonth.n) if model is FigureMonth else func.count()
        conditions = [model.kind == "rating", model.rating.is_not(None), date >= first, date <= last]
        if office_id:
            conditions.append(model.office_id == office_id)
        if category:
            conditions.append(model.category == category)
        for value, n in session.execute(select(model.rating, weight).where(*conditions).group_by(model.rating)):
            counts[int(value)] += int(n)
    return {str(value): counts[value] for value in range(1, 6)}


def unmet_topics(
    *, session: Session, first: dt.date, last: dt.date, office_id: str | None = None, limit: int = TOP_TOPICS
) -> list[dict[str, Any]]:
    """Topics searched and found nowhere in the county, most often first. Only topics searched at least 5 times
    are listed: a rare topic could point to the one person who asked."""
    found: Counter[str] = Counter()
    models: tuple[Any, ...] = (SearchEvent, FigureMonth)
    for model in models:
        date = model.month if model is FigureMonth else model.day
        unmet = FigureMonth.unmet if model is FigureMonth else SearchEvent.results == 0
        weight: Any = func.sum(FigureMonth.n) if model is FigureMonth else func.count()
        conditions = [model.kind == "search", unmet, model.topic.is_not(None), date >= first, date <= last]
        if office_id:
            conditions.append(model.office_id == office_id)
        for topic, n in session.execute(select(model.topic, weight).where(*conditions).group_by(model.topic)):
            found[topic] += int(n)
    ranked = sorted(((t, n) for t, n in found.items() if n >= THRESHOLD), key=lambda tn: (-tn[1], tn[0]))
    return [{"topic": t, "searches": n} for t, n in ranked[:limit]]


def to_csv(table: Mapping[str, Any]) -> str:
    """The table for Excel: UTF-8 with BOM, ``;``, German headers and decimal commas; the unmet topics and the
    satisfaction (👍/👎, ratings 1–5) below."""
    texts = labels()
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    columns = list(table["columns"])
    writer.writerow([texts["group_by"][table["group_by"]], *(texts["columns"][c] for c in columns)])
    for row in [*table["rows"], table["total"]]:
        writer.writerow([row["label"], *(_csv_cell(row.get(c)) for c in columns)])
    writer.writerow([])
    writer.writerow([f"Zeitraum {table['from']} bis {table['to']}; " + "; ".join(
        f"{marker}: {meaning}" for marker, meaning in texts["markers"].items())])  # fmt: skip
    writer.writerow([])
    writer.writerow(["Themen ohne Angebot im Landkreis (ab 5 Suchen)", texts["columns"]["searches"]])
    for topic in table["unmet_topics"]:
        writer.writerow([topic["topic"], topic["searches"]])
    satisfaction = table.get("satisfaction")
    if satisfaction:
        writer.writerow([])
        writer.writerow(["Zufriedenheit im Zeitraum", "Anzahl"])
        for name in ("helpful_yes", "helpful_no", "ratings", "rating_mean"):
            writer.writerow([texts["columns"][name], _csv_cell(satisfaction.get(name))])
        for value, cell in (satisfaction.get("rating_counts") or {}).items():
            writer.writerow([f"Bewertung {value}", _csv_cell(cell)])
    return out.getvalue()


def _csv_cell(value: Cell | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return str(value)


# ------------------------------------------------------------------ retention


def retention_cutoff(today: dt.date | None = None) -> dt.date:
    """Records from before this day (the first of the month 24 months ago) are kept only as monthly sums."""
    return add_months(month_start(today or dt.date.today()), -RETENTION_MONTHS)


def aggregate_old(*, session: Session, today: dt.date | None = None) -> dict[str, int]:
    """Records from before :func:`retention_cutoff` are summed per month into ``figure_months`` and deleted.
    Returns how many raw rows went and how many monthly rows came."""
    cutoff = retention_cutoff(today)
    sums: Counter[tuple[Any, ...]] = Counter()
    search_keys = (SearchEvent.kind, SearchEvent.topic, SearchEvent.category, SearchEvent.municipality,
                   SearchEvent.office_id, SearchEvent.target_group, SearchEvent.age_band, SearchEvent.language,
                   SearchEvent.channel, SearchEvent.results == 0, SearchEvent.widened, SearchEvent.handover)  # fmt: skip
    searches: Any = select(SearchEvent.day, *search_keys, func.count()).where(SearchEvent.day < cutoff)
    for day, *attributes, n in session.execute(searches.group_by(SearchEvent.day, *search_keys)):
        sums[(month_start(day), *attributes, None, None)] += n
    feedback_keys = (Feedback.kind, Feedback.category, Feedback.office_id, Feedback.helpful, Feedback.rating)
    votes: Any = select(Feedback.day, *feedback_keys, func.count()).where(Feedback.day < cutoff)
    for day, kind, category, office, helpful, rating, n in session.execute(votes.group_by(Feedback.day, *feedback_keys)):
        sums[(month_start(day), kind, None, category, None, office, None, None, None, None, False, False, False,
              helpful, rating)] += n  # fmt: skip
    names = ("month", "kind", "topic", "category", "municipality", "office_id", "target_group", "age_band",
             "language", "channel", "unmet", "widened", "handover", "helpful", "rating")  # fmt: skip
    for key, n in sums.items():
        values = dict(zip(names, key, strict=True))
        values.update(unmet=bool(values["unmet"]), widened=bool(values["widened"]), handover=bool(values["handover"]))
        session.add(FigureMonth(**values, n=n))
    gone = session.execute(delete(SearchEvent).where(SearchEvent.day < cutoff)).rowcount  # type: ignore[attr-defined]
    gone += session.execute(delete(Feedback).where(Feedback.day < cutoff)).rowcount  # type: ignore[attr-defined]
    return {"deleted": int(gone or 0), "months": len(sums)}
