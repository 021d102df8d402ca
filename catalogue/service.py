"""Searching the catalogue: the one function behind the chat actions, the API and the CLI.

Matching uses the inverted index (``offer_terms``) in the database; query terms are expanded with
compound parts, synonyms and fuzzy matches against the index vocabulary, weighted by IDF. Ranking
combines that relevance with distance, so that an exact match in the citizen's town comes first.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import and_, case, exists, false, func, literal_column, or_, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from catalogue import semantic
from catalogue.models import Offer, OfferTag, OfferTerm, OfferTermSet
from catalogue.places import NotFoundError, Place, haversine_km, place_or_raise
from catalogue.text import expand, fold, terms
from catalogue.versioned import PerCatalogueVersion

ONLINE_DISTANCE_KM = 10.0  # how far away an online offer "feels" when ranked against venues
DISTANCE_SCALE_KM = 20.0  # at this distance a match counts half
FUZZY_CUTOFF = 82
COMMON_SHARE = 0.10  # derived query terms found in more offers than this are dropped …
COMMON_MIN_ROWS = 500  # … once they are common enough to cost scanning time
MIN_RELEVANCE = 0.25  # below this share of the best match a hit is noise ("Elternkurs" for "Deutschkurs")
MAX_CANDIDATES = 2000
# The candidate query first reads only the offers whose score × distance factor can reach this share of the
# best score, then lower shares, until MAX_CANDIDATES offers clear the bar (see _lexical_candidates).
CANDIDATE_LEVELS = (0.7, 0.58, 0.48, 0.4, 0.33, 0.26, 0.2, 0.1, 0.0)
SMALL_CATALOGUE = 4 * MAX_CANDIDATES  # up to this many offers one query over all matches costs less
MAX_LISTED_SETS = 500  # matching term sets the bars may name; with more, all matches are scored per offer
MAX_SET_QUERIES = 50  # without a place, sets read one by one before the bars take over (filters left few offers)
RADIUS_STEPS_KM = (1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 30.0, 50.0, 80.0, 130.0, 200.0)


@dataclass
class SearchQuery:
    q: str = ""
    municipality: str | None = None
    postcode: str | None = None
    radius_km: float | None = None
    category: str | None = None
    sector: str | None = None
    target_group: str | None = None
    language: str | None = None
    age: int | None = None
    free: bool | None = None
    max_cost_eur: float | None = None
    starting_within_days: int | None = None
    online: bool | None = None  # None: both; True: only online; False: only with a venue
    exclude_municipality: str | None = None
    childcare: bool | None = None  # True: only offers with childcare during the course
    accessible: bool | None = None  # True: only offers that describe their accessibility
    weekdays: tuple[int, ...] = ()  # ISO weekdays wanted; offers meeting on none of them are dropped
    times_of_day: tuple[str, ...] = ()  # morgens … abends; offers starting at another time are dropped
    prefer_target_groups: tuple[str, ...] = ()  # ranking boost, not a filter ("für meinen Sohn")
    # The citizen's own sentence (place removed) for the semantic match; the parser's topic words lose what
    # a sentence means ("wer passt auf meine Kleine auf"). Empty: the topic words are used.
    meaning: str = ""
    limit: int = 10
    offset: int = 0


@dataclass
class Hit:
    offer: Offer
    score: float
    relevance: float
    distance_km: float | None
    next_start: dt.date | None


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    place: Place | None = None
    matched_terms: dict[str, float] = field(default_factory=dict)


# --- vocabulary cache ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Vocabulary:
    """Document frequencies of all index terms."""

    df: dict[str, int]
    terms: list[str]
    total: int


def _load_vocabulary(session: Session) -> _Vocabulary:
    df = {t: n for t, n in session.execute(select(OfferTerm.term, func.count()).group_by(OfferTerm.term))}
    return _Vocabulary(df=df, terms=list(df), total=session.scalar(select(func.count()).select_from(Offer)) or 0)


_VOCABULARY = PerCatalogueVersion(_load_vocabulary)


# --- dates ---------------------------------------------------------------------------------------


def next_start(offer: Offer, today: dt.date) -> dt.date | None:
    """The next date a person can join: the course start, or the next meeting of a regular group."""
    if offer.end_date and offer.end_date < today:
        return None
    if offer.start_date and offer.start_date >= today:
        return offer.start_date
    if offer.weekdays:
        for days in range(7):
            day = today + dt.timedelta(days=days)
            if day.isoweekday() in offer.weekdays:
                return day if not offer.end_date or day <= offer.end_date else None
    return None


# --- search --------------------------------------------------------------------------------------


def query_weights(session: Session, text: str) -> dict[str, float]:
    """Index terms for a search text, each weighted by how it was found (exact/part/synonym/typo) and IDF."""
    vocab = _VOCABULARY.get(session)
    typed = terms(text, drop_fillers=True)
    expanded = expand(typed)
    weights: dict[str, float] = {}
    meant: set[str] = set()  # the citizen's own words, or what their typo or unknown compound stands for

    def put(term: str, w: float, own: bool) -> None:
        weights[term] = max(weights.get(term, 0.0), w)
        if own:
            meant.add(term)

    for term, w in expanded.items():
        own = term in typed
        if term in vocab.df:
            put(term, w, own)
            continue
        # An unknown compound often starts with a known one ("erziehungsberatung|sstelle").
        prefix = next((term[:n] for n in range(len(term) - 1, 5, -1) if term[:n] in vocab.df), None)
        if prefix:
            put(prefix, w * 0.9, own)
        elif len(term) >= 4 and vocab.terms:
            for match, score, _ in process.extract(term, vocab.terms, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=3):
                put(match, w * 0.8 * score / 100, own)
    n = max(vocab.total, 1)
    # Derived terms (parts, synonyms) found in a large share of all offers ("kurs", "bildung") cost the
    # most to scan and say the least; what the citizen typed is always kept.
    kept = {t: w for t, w in weights.items() if t in meant or vocab.df[t] <= max(COMMON_SHARE * n, COMMON_MIN_ROWS)}
    return {t: w * math.log(1 + n / vocab.df[t]) for t, w in kept.items()}


def _filters(query: SearchQuery, place: Place | None, today: dt.date) -> list:  # type: ignore[type-arg]
    conds = [or_(Offer.end_date.is_(None), Offer.end_date >= today)]
    if query.category:
        conds.append(Offer.category == query.category)
    if query.sector:
        conds.append(Offer.sector == query.sector)
    if query.target_group:
        conds.append(
            exists().where(OfferTag.offer_id == Offer.id, OfferTag.kind == "target_group", OfferTag.value == query.target_group)
        )
    if query.language:
        conds.append(
            exists().where(OfferTag.offer_id == Offer.id, OfferTag.kind == "language", OfferTag.value == query.language.lower())
        )
    if query.age is not None:
        conds.append(or_(Offer.age_min.is_(None), Offer.age_min <= query.age))
        conds.append(or_(Offer.age_max.is_(None), Offer.age_max >= query.age))
    if query.free:
        conds.append(Offer.cost_eur == 0)
    if query.max_cost_eur is not None:
        conds.append(or_(Offer.cost_eur.is_(None), Offer.cost_eur <= query.max_cost_eur))
    if query.starting_within_days is not None:
        until = today + dt.timedelta(days=query.starting_within_days)
        conds.append(or_(Offer.weekdays.is_not(None), and_(Offer.start_date.is_not(None), Offer.start_date <= until)))
    if query.childcare:
        conds.append(Offer.childcare.is_(True))
    if query.accessible:
        conds.append(Offer.accessibility.is_not(None))
    if query.online is True:
        conds.append(Offer.online.is_(True))
    elif query.online is False:
        conds.append(Offer.online.is_(False))
    if place and query.radius_km:
        m = place.municipality
        dlat = query.radius_km / 111.0
        dlon = query.radius_km / (111.0 * math.cos(math.radians(m.lat)))
        in_box = and_(Offer.lat.between(m.lat - dlat, m.lat + dlat), Offer.lon.between(m.lon - dlon, m.lon + dlon))
        conds.append(or_(Offer.online.is_(True), in_box))
    return conds


def _sql_distance_factor(place: Place) -> Any:
    """The ranking's distance factor 1 / (1 + km / DISTANCE_SCALE_KM) as SQL, with the flat-earth distance
    (within 0.1 % of haversine across the county), so that the database picks the candidates the ranking wants."""
    m = place.municipality
    dy = (Offer.lat - m.lat) * 111.195
    dx = (Offer.lon - m.lon) * (111.195 * math.cos(math.radians(m.lat)))
    km = func.sqrt(dx * dx + dy * dy)
    return case(
        (Offer.online.is_(True), 1.0 / (1.0 + ONLINE_DISTANCE_KM / DISTANCE_SCALE_KM)),
        (or_(Offer.lat.is_(None), Offer.lon.is_(None)), 1.0),
        else_=1.0 / (1.0 + km / DISTANCE_SCALE_KM),
    )


def _lexical_candidates(
    session: Session, *, weights: dict[str, float], conds: list[Any], place: Place | None
) -> tuple[list[Any], float]:
    """The MAX_CANDIDATES offers with the best score × distance factor (score alone without a place), as rows
    (id, lat, lon, online, text_key, score, score × factor), and the best score of any offer that passes ``conds``.

    Scores are sums over term sets (``offer_term_sets``, one row per distinct set, not per offer), so the
    database scores each set once. A large catalogue's common terms ("deutschkurs") match hundreds of
    thousands of offers; reading all of them cost ~2 s at 1 000 000 offers. So the query reads at first only
    the offers that can reach a share (CANDIDATE_LEVELS) of the best score: the sets at least that strong, and
    of each set the venues within the distance where its factor still allows it (index terms_key, online, lat, lon).
    Every offer left out ranks below that bar; once MAX_CANDIDATES offers clear it, they are the top ones.
    Online offers all have the same distance factor (without a place, all offers have), so the best of them
    are read set by set in score order instead: reading all 90 000 online matches to sort them cost 240 ms.

    SQLite scores per offer (``_offer_candidates``): at 200 000 offers the term sets gained nothing there even
    with fresh statistics (42 labelled queries, warm, p50/p95 119/357 ms against 149/297), and without them (a
    grown catalogue nobody ran ANALYZE on) its planner made them 6× slower (1 017/1 398 ms)."""
    if session.get_bind().dialect.name != "postgresql":
        return _offer_candidates(session, weights=weights, conds=conds, place=place)
    qw = case(*((OfferTermSet.term == t, w) for t, w in weights.items()), else_=0.0)
    sets = (
        select(OfferTermSet.terms_key, func.sum(OfferTermSet.weight * qw).label("score"))
        .where(OfferTermSet.term.in_(list(weights)))
        .group_by(OfferTermSet.terms_key)
        .subquery()
    )
    levels: tuple[float, ...] = (0.0,)
    listed: dict[str, float] = {}
    if _VOCABULARY.get(session).total > SMALL_CATALOGUE:
        top = session.execute(select(sets.c.terms_key, sets.c.score).order_by(sets.c.score.desc()).limit(MAX_LISTED_SETS + 1))
        listed = {key: float(score) for key, score in top}
        if len(listed) > MAX_LISTED_SETS:
            # The matches do not collapse into few sets (texts that each offer has alone): the bars would name
            # too many sets per query (a CASE of 2 000 sets cost seconds), so all matches are scored per offer.
            return _offer_candidates(session, weights=weights, conds=conds, place=place)
        levels = CANDIDATE_LEVELS
    passes = exists().where(Offer.terms_key == sets.c.terms_key, *conds)
    best = session.scalar(select(func.max(sets.c.score)).where(passes))
    if not best:
        return [], 0.0
    factor = _sql_distance_factor(place) if place else 1.0
    rank = (sets.c.score * factor).label("rank")
    light = (Offer.id, Offer.lat, Offer.lon, Offer.online, Offer.text_key, sets.c.score, rank)
    stmt = select(*light).join(sets, sets.c.terms_key == Offer.terms_key).where(*conds).order_by(rank.desc())
    apart: list[Any] = []
    venues: list[Any] = []
    found: list[Any] = []
    if levels != (0.0,) and place is None:
        # Without a place an offer ranks by its set's score alone: the best sets' offers, read set by set.
        ranked = sorted(listed, key=listed.__getitem__, reverse=True)[:MAX_SET_QUERIES]
        found = _set_by_set(session, stmt=stmt, keys=ranked)
        if len(found) >= MAX_CANDIDATES:
            return found, float(best)
    elif levels != (0.0,):
        # Online offers have one distance factor, so the same holds for them; the bars below are for venues.
        online = stmt.where(Offer.online.is_(True))
        apart = _set_by_set(session, stmt=online, keys=_online_keys(session, listed=listed))
        venues = [Offer.online.is_(False)]
    for level in levels:
        bar = float(best) * level
        if bar:
            # The strong sets' scores as a CASE, not a join with the scored sets: joined, PostgreSQL looped over
            # the sets and ran the whole index OR once per set (77 ms instead of 8, EXPLAIN ANALYZE).
            strong = {key: score for key, score in listed.items() if score >= bar}
            score = case(strong, value=Offer.terms_key, else_=0.0)
            query = (
                select(Offer.id, Offer.lat, Offer.lon, Offer.online, Offer.text_key, score, (score * factor).label("rank"))
                .where(*conds, *venues, _could_reach(strong, bar, place))
                .order_by(literal_column("rank").desc())
            )
        else:
            query = stmt.where(*venues)
        found = list(session.execute(query.limit(MAX_CANDIDATES)))
        if apart:
            found = sorted(found + apart, key=lambda r: r[6], reverse=True)[:MAX_CANDIDATES]
        if not bar or (len(found) == MAX_CANDIDATES and found[-1][6] >= bar):
            break
    return found, float(best)


def _offer_candidates(
    session: Session, *, weights: dict[str, float], conds: list[Any], place: Place | None
) -> tuple[list[Any], float]:
    """``_lexical_candidates`` by one query over the postings of every matching offer (``offer_terms``)."""
    # CASE rather than a VALUES join: SQLite cannot alias the columns of a VALUES subquery.
    qw = case(*((OfferTerm.term == t, w) for t, w in weights.items()), else_=0.0)
    score = func.sum(OfferTerm.weight * qw).label("score")
    rank = score * _sql_distance_factor(place) if place else score
    light = (Offer.id, Offer.lat, Offer.lon, Offer.online, Offer.text_key)
    stmt = (
        select(*light, score, rank.label("rank"), func.max(score).over().label("best"))
        .join(OfferTerm, OfferTerm.offer_id == Offer.id)
        .where(OfferTerm.term.in_(list(weights)), *conds)
        .group_by(*light)
        .order_by(rank.desc())
        .limit(MAX_CANDIDATES)
    )
    found = list(session.execute(stmt))
    return [r[:7] for r in found], float(found[0][7] or 0.0) if found else 0.0


def _online_keys(session: Session, *, listed: dict[str, float]) -> list[str]:
    """The listed sets that have online offers, best first."""
    keys = session.scalars(select(Offer.terms_key).where(Offer.terms_key.in_(list(listed)), Offer.online.is_(True)).distinct())
    return sorted((key for key in keys if key), key=listed.__getitem__, reverse=True)


def _set_by_set(session: Session, *, stmt: Any, keys: list[str]) -> list[Any]:
    """``stmt``'s rows for the sets ``keys`` (best first), set by set, until MAX_CANDIDATES: for offers whose rank
    is their set's score times one factor, these are the best, and every offer not read ranks no higher."""
    found: list[Any] = []
    for key in keys:
        found += session.execute(stmt.where(Offer.terms_key == key).limit(MAX_CANDIDATES - len(found)))
        if len(found) >= MAX_CANDIDATES:
            break
    return found


def _could_reach(scores: dict[str, float], bar: float, place: Place | None) -> Any:
    """The venues of the sets in ``scores`` (each scoring at least ``bar``) whose score × distance factor can
    reach ``bar`` (online offers are read apart): those without coordinates, and of each set the venues within
    20 km × (score / bar − 1), in boxes of a few radii (RADIUS_STEPS_KM)."""
    strong = list(scores)
    if place is None or not strong:
        return Offer.terms_key.in_(strong) if strong else false()
    branches = [and_(Offer.online.is_(False), Offer.terms_key.in_(strong), or_(Offer.lat.is_(None), Offer.lon.is_(None)))]
    by_radius: dict[float | None, list[str]] = {}
    for key in strong:
        needed = DISTANCE_SCALE_KM * (scores[key] / bar - 1.0)
        by_radius.setdefault(next((r for r in RADIUS_STEPS_KM if r >= needed), None), []).append(key)
    m = place.municipality
    for radius, keys in by_radius.items():
        venue = and_(Offer.online.is_(False), Offer.terms_key.in_(keys))
        if radius is not None:
            # The same flat-earth km as _sql_distance_factor: a venue outside the box is farther than radius.
            dlat = radius / 111.195
            dlon = radius / (111.195 * math.cos(math.radians(m.lat)))
            venue = and_(venue, Offer.lat.between(m.lat - dlat, m.lat + dlat), Offer.lon.between(m.lon - dlon, m.lon + dlon))
        branches.append(venue)
    return or_(*branches)


# Lexical relevance weighs this much in the fused score, the semantic similarity the rest. Measured on the
# labelled set (python -m tests.catalogue.search_quality, all P@3/first, semantic.SHARPNESS 3, meaning from a
# 0.035 lead): 0.55 → 0.778/0.774, 0.45 → 0.783/0.790, 0.35 → 0.786/0.816; words still matter (typos, names)
# but no longer outvote meaning.
LEXICAL_SHARE = 0.35


def fuse(*, lexical: float | None, semantic: float) -> float:
    """One relevance from both signals (each 0..1, relative to the query's best match).

    A linear blend keeps both readable: an exact word match with a fitting meaning scores highest, a
    lexical match with an unrelated meaning (Spanish "für Anfänger" for "Computerkurs für Anfänger")
    drops behind, and a match in meaning alone can still reach the results when no word is shared.
    With no known query word, meaning is all there is.
    """
    if lexical is None:
        return semantic
    return LEXICAL_SHARE * lexical + (1 - LEXICAL_SHARE) * semantic


def search(*, session: Session, query: SearchQuery, today: dt.date | None = None) -> SearchResult:
    """Offers for a query, best first. Raises NotFoundError for an unknown place."""
    today = today or dt.date.today()
    place = place_or_raise(session=session, municipality=query.municipality, postcode=query.postcode)
    exclude = None
    if query.exclude_municipality:
        ex = place_or_raise(session=session, municipality=query.exclude_municipality)
        exclude = ex.municipality.ags if ex else None
    conds = _filters(query, place, today)
    if exclude:
        conds.append(or_(Offer.municipality_ags.is_(None), Offer.municipality_ags != exclude))

    weights = query_weights(session, query.q) if query.q.strip() else {}
    said = (query.meaning or query.q).strip()
    meaning = semantic.match(session=session, text=said) if said and semantic.enabled() else None
    if meaning is not None and not weights and not meaning.confident:
        meaning = None  # a faint lead in meaning with no word to go by is noise ("ich möchte eine Pizza bestellen")
    if query.q.strip() and not weights and meaning is None:
        return SearchResult(0, [], place, {})
    # Rank on light rows (id, score, coordinates); load whole offers only for the requested page.
    light = (Offer.id, Offer.lat, Offer.lon, Offer.online, Offer.text_key)
    rows: dict[str, tuple[float | None, float | None, bool, str | None, float]] = {}
    best_raw = 0.0
    if weights:
        if session.get_bind().dialect.name == "postgresql":
            # JIT compiling cost 120 ms of this 260 ms query at 1 000 000 offers (EXPLAIN ANALYZE) and
            # never pays off for it; SET LOCAL ends with the request's transaction.
            session.execute(sql_text("SET LOCAL jit = off"))
        found, best_raw = _lexical_candidates(session, weights=weights, conds=conds, place=place)
        for r in found:
            rows[r[0]] = (r[1], r[2], r[3], r[4], float(r[5] or 0.0))
    elif not query.q.strip() and meaning is None:
        rows = {r[0]: (r[1], r[2], r[3], r[4], 1.0) for r in session.execute(select(*light).where(*conds).limit(MAX_CANDIDATES))}
    if meaning is not None and meaning.candidates:
        # Offers whose text is among the closest in meaning join the lexical candidates ("Hilfe bei den
        # Hausaufgaben" finds "Lernförderung" with no word in common).
        near = select(*light).where(Offer.text_key.in_(meaning.candidates), *conds).limit(MAX_CANDIDATES)
        for oid, lat, lon, online, key in session.execute(near):
            rows.setdefault(oid, (lat, lon, online, key, 0.0))
    if not rows:
        return SearchResult(0, [], place, weights)
    # Relevance is relative to the best match, so a weak match stays weak however near it is.
    best = best_raw or max(r[4] for r in rows.values()) or 1.0
    ranked: list[tuple[float, float, str, float, float | None]] = []
    for oid, (lat, lon, online, key, raw) in rows.items():
        lexical = raw / best
        relevance = lexical
        if meaning is not None:
            relevance = fuse(lexical=lexical if weights else None, semantic=meaning.relevance(key))
        # Meaning reorders and adds, it does not remove: a fair word match stays a result however far its
        # text is from the sentence ("Ausbildungsmesse" for "Praktikum" in Melle, where nothing else is near).
        if relevance < MIN_RELEVANCE and (not weights or lexical < MIN_RELEVANCE):
            continue
        distance = None
        if place and lat is not None and lon is not None:
            distance = haversine_km(place.municipality.lat, place.municipality.lon, lat, lon)
            if query.radius_km and distance > query.radius_km:
                continue
        felt = ONLINE_DISTANCE_KM if online else distance
        factor = 1.0 if felt is None or place is None else 1.0 / (1.0 + felt / DISTANCE_SCALE_KM)
        ranked.append((-round(relevance * factor, 6), distance if distance is not None else 999.0, oid, relevance, distance))
    if query.weekdays or query.times_of_day or query.prefer_target_groups:
        ranked = _when_and_whom(session, query, ranked)
    ranked.sort()
    page = ranked[query.offset : query.offset + query.limit]
    offers = {o.id: o for o in session.scalars(select(Offer).where(Offer.id.in_([r[2] for r in page])))}
    hits = [Hit(offers[oid], -neg, rel, dist, next_start(offers[oid], today)) for neg, _, oid, rel, dist in page]
    return SearchResult(len(ranked), hits, place, weights)


_START = re.compile(r"\b(\d{1,2})[:.](\d{2})\b")
# "Deutschkurs für Mütter": offers for the named group first (1.15, 1.35, 1.6 measured: target P@3 0.48, 0.52, 0.56).
TARGET_BOOST = 1.6


def time_of_day(schedule: str | None) -> str | None:
    """The part of the day an offer starts in, read from its schedule text ("dienstags 18:00–19:30 Uhr")."""
    found = _START.search(schedule or "")
    if not found:
        return None
    hour = int(found.group(1))
    if hour < 9:
        return "morgens"
    if hour < 12:
        return "vormittags"
    if hour < 14:
        return "mittags"
    if hour < 17:
        return "nachmittags"
    return "abends"


def _when_and_whom(session: Session, query: SearchQuery, ranked: list[Any]) -> list[Any]:
    """Weekday and time-of-day wishes drop offers known to meet at other times (unknown times stay);
    target groups only lift the offers meant for them."""
    ids = [r[2] for r in ranked]
    rows = session.execute(select(Offer.id, Offer.weekdays, Offer.schedule).where(Offer.id.in_(ids))).all() if ids else []
    when = {oid: (set(days or ()), time_of_day(schedule)) for oid, days, schedule in rows}
    meant: set[str] = set()
    if query.prefer_target_groups and ids:
        meant = set(
            session.scalars(
                select(OfferTag.offer_id).where(
                    OfferTag.kind == "target_group", OfferTag.value.in_(query.prefer_target_groups), OfferTag.offer_id.in_(ids)
                )
            )
        )
    out = []
    for neg, dist_key, oid, rel, dist in ranked:
        days, start = when.get(oid, (set(), None))
        if query.weekdays and days and not days & set(query.weekdays):
            continue
        if query.times_of_day and start and start not in query.times_of_day:
            continue
        if oid in meant:
            neg = round(neg * TARGET_BOOST, 6)
        out.append((neg, dist_key, oid, rel, dist))
    return out


WEEKDAY_NUMBERS = {"mo": 1, "di": 2, "mi": 3, "do": 4, "fr": 5, "sa": 6, "so": 7}


def iso_weekdays(codes: Iterable[str]) -> tuple[int, ...]:
    """ "mo" … "so" (the query parser's and the API's codes) as ISO weekday numbers."""
    return tuple(WEEKDAY_NUMBERS[d] for d in codes if d in WEEKDAY_NUMBERS)


def instruction_language(language: str | None) -> str | None:
    """ "auf Arabisch" asks for offers in that language; German (or "egal") is the default and no filter."""
    return None if not language or fold(language) in {"deutsch", "egal"} else language


def wishes(
    *,
    features: Iterable[str] = (),
    weekdays: Iterable[str] = (),
    times_of_day: Iterable[str] = (),
    target_groups: Iterable[str] = (),
) -> dict[str, Any]:
    """The SearchQuery fields for what a citizen wished (``catalogue.query``'s features, days, times and groups),
    one mapping for the API, the CLI and the chat."""
    f = set(features)
    return {
        "free": True if "free" in f else None,
        "online": True if "online" in f else (False if "onsite" in f else None),
        "childcare": True if "childcare" in f else None,
        "accessible": True if "accessible" in f else None,
        "weekdays": iso_weekdays(weekdays),
        "times_of_day": tuple(times_of_day),
        "prefer_target_groups": tuple(target_groups),
    }


def query_from_text(*, session: Session, text: str, **explicit: Any) -> SearchQuery:
    """A SearchQuery from a citizen's words (``catalogue.query.parse``); explicit values win over parsed ones.

    A place the parser found but the reference data does not know stays a topic word rather than failing."""
    from catalogue.places import resolve_place
    from catalogue.query import parse

    parsed = parse(text)
    topic = list(parsed.topic_words)
    municipality = None
    if parsed.place_text and not parsed.postcode:
        found = resolve_place(session=session, text=parsed.place_text)
        if found is not None:
            municipality = found.municipality.name
        else:
            topic.append(parsed.place_text)
    if parsed.level:
        topic.append("anfänger" if parsed.level == "anfaenger" else parsed.level)
    age = None
    if parsed.age_min is not None:
        age = parsed.age_min
    meaning = text
    for part in (parsed.place_text, parsed.postcode):
        if part and part not in topic:
            meaning = re.sub(re.escape(part), " ", meaning, flags=re.IGNORECASE)
    values: dict[str, Any] = {
        "q": " ".join(topic),
        "meaning": " ".join(meaning.split())[:300],
        "municipality": municipality,
        "postcode": parsed.postcode,
        "age": age,
        "language": instruction_language(parsed.language),
        **wishes(
            features=parsed.features,
            weekdays=parsed.weekdays,
            times_of_day=parsed.times_of_day,
            target_groups=parsed.target_groups,
        ),
    }
    values.update({k: v for k, v in explicit.items() if v is not None})
    return SearchQuery(**values)


def get_offer(*, session: Session, offer_id: str) -> Offer | None:
    return session.get(Offer, offer_id)


def get_offer_or_raise(*, session: Session, offer_id: str) -> Offer:
    offer = get_offer(session=session, offer_id=offer_id)
    if offer is None:
        raise NotFoundError("Dieses Angebot gibt es nicht (mehr).")
    return offer


def offer_summary(hit: Hit) -> dict[str, Any]:
    """The API contract's Offer for a hit (spec §6), JSON-ready."""
    o = hit.offer
    return {
        "id": o.id,
        "title": o.title,
        "category": o.category,
        "provider": o.provider.name,
        "municipality": o.municipality.name if o.municipality else "online",
        "distance_km": round(hit.distance_km, 1) if hit.distance_km is not None else None,
        "online": o.online,
        "next_start": hit.next_start.isoformat() if hit.next_start else None,
        "cost_eur": o.cost_eur,
        "url": o.url,
    }
