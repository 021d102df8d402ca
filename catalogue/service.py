"""Searching the catalogue: the one function behind the chat actions, the API and the CLI.

Query terms are expanded with compound parts, synonyms and fuzzy matches against the index vocabulary,
weighted by IDF; the database scores the offers' term sets, and the ranking (filters, meaning, distance)
runs over a snapshot of the offers' columns (``catalogue.columns``), so that an exact match in the
citizen's town comes first.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from catalogue import needs, semantic
from catalogue.columns import TIMES_OF_DAY, OfferColumns, day_number, offer_columns, weekday_bits
from catalogue.models import Offer, OfferTermSet
from catalogue.places import NotFoundError, Place, distances_km, place_or_raise
from catalogue.text import SYNONYM_WEIGHT, expand, fold, terms
from catalogue.versioned import PerCatalogueVersion

ONLINE_DISTANCE_KM = 10.0  # how far away an online offer "feels" when ranked against venues
DISTANCE_SCALE_KM = 20.0  # at this distance a match counts half
FUZZY_CUTOFF = 82
COMMON_SHARE = 0.10  # derived query terms found in more offers than this are dropped …
COMMON_MIN_ROWS = 500  # … once they are common enough to cost scanning time
log = logging.getLogger(__name__)
TOPICAL_WEIGHT = 2.5  # keywords (index.FIELD_WEIGHTS) and up
ADULT_AGE = 16  # an age below this in a query is a child's, and a course for adults with the child is for parents
MIN_RELEVANCE = 0.25  # below this share of the best match a hit is noise ("Elternkurs" for "Deutschkurs")


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
    need: str | None = None  # the id of the need recognised in the citizen's words (catalogue.needs)


# --- vocabulary cache ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Vocabulary:
    """Document frequencies of all index terms."""

    df: dict[str, int]
    terms: list[str]
    total: int
    # Terms of some offer's title or keywords: what offers are about, not merely mention.
    topical: frozenset[str] = frozenset()
    topical_terms: tuple[str, ...] = ()


def _load_vocabulary(session: Session) -> _Vocabulary:
    """Each term's document frequency: over the term sets, each counted as often as offers have it."""
    per_set = (
        select(Offer.terms_key, func.count().label("offers"))
        .where(Offer.terms_key.is_not(None))
        .group_by(Offer.terms_key)
        .subquery()
    )
    counted = (
        select(OfferTermSet.term, func.sum(per_set.c.offers))
        .join(per_set, per_set.c.terms_key == OfferTermSet.terms_key)
        .group_by(OfferTermSet.term)
    )
    df = {t: int(n) for t, n in session.execute(counted)}
    topical = frozenset(session.scalars(select(OfferTermSet.term).where(OfferTermSet.weight >= TOPICAL_WEIGHT).distinct()))
    return _Vocabulary(
        df=df,
        terms=list(df),
        total=session.scalar(select(func.count()).select_from(Offer)) or 0,
        topical=topical,
        topical_terms=tuple(sorted(topical)),
    )


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


def unknown_share(session: Session, text: str) -> float:
    """The share of a query's topic words the catalogue does not know (1.0 with no topic word at all)."""
    typed = terms(text, drop_fillers=True)
    if not typed:
        return 1.0
    vocab = _VOCABULARY.get(session)

    def known(term: str) -> bool:  # as typed, a synonym of it ("werdende" → Geburt), or a typo ("krabelgruppe")
        if term in vocab.topical or any(w >= SYNONYM_WEIGHT and t in vocab.topical for t, w in expand([term]).items()):
            return True
        return len(term) >= 4 and bool(
            process.extractOne(term, vocab.topical_terms, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        )

    return sum(not known(t) for t in typed) / len(typed)


def _passing(cols: OfferColumns, query: SearchQuery, today: dt.date, exclude: str | None) -> np.ndarray:
    """Which offers the query's filters let through (the radius is applied to the matches, see ``search``)."""
    ok = cols.end_day >= day_number(today)

    def coded(column: np.ndarray, name: str, value: str) -> np.ndarray:
        code = cols.codes[name].get(value)
        return column == code if code is not None else np.zeros(len(cols), dtype=bool)

    if query.category:
        ok &= coded(cols.category, "category", query.category)
    if query.sector:
        ok &= coded(cols.sector, "sector", query.sector)
    if query.target_group:
        ok &= cols.tagged("target_group", query.target_group)
    if query.language:
        ok &= cols.tagged("language", query.language.lower())
    if query.age is not None:
        age = min(max(query.age, 0), 32766)
        fits_age = (cols.age_min <= age) & (cols.age_max >= age)
        if age < ADULT_AGE:
            # A child's age ("Elternkurs, mein Sohn ist 13") does not rule out the courses for the parents.
            fits_age |= cols.tagged("target_group", "eltern") & (cols.age_min >= ADULT_AGE)
        ok &= fits_age
    if query.free:
        ok &= cols.cost == 0
    if query.max_cost_eur is not None:
        ok &= np.isnan(cols.cost) | (cols.cost <= query.max_cost_eur)
    if query.starting_within_days is not None:
        until = day_number(today + dt.timedelta(days=max(query.starting_within_days, 0)))
        ok &= cols.has_weekdays | (cols.start_day <= until)
    if query.childcare:
        ok &= cols.childcare
    if query.accessible:
        ok &= cols.accessible
    if query.online is True:
        ok &= cols.online
    elif query.online is False:
        ok &= ~cols.online
    if exclude:
        code = cols.codes["municipality"].get(exclude)
        if code is not None:
            ok &= cols.municipality != code
    return ok


def _set_scores(session: Session, cols: OfferColumns, weights: dict[str, float]) -> np.ndarray:
    """Each offer's lexical score: the database sums the weights per term set (one row per distinct set of
    terms, ``offer_term_sets``), the snapshot spreads them over the offers that have the set."""
    qw = case(*((OfferTermSet.term == t, w) for t, w in weights.items()), else_=0.0)
    stmt = (
        select(OfferTermSet.terms_key, func.sum(OfferTermSet.weight * qw))
        .where(OfferTermSet.term.in_(list(weights)))
        .group_by(OfferTermSet.terms_key)
    )
    codes = cols.codes["set"]
    per_set = np.zeros(len(codes.index) + 1)  # the last slot, code -1, stays 0: offers without terms
    for key, score in session.execute(stmt):
        code = codes.get(key)
        if code is not None:
            per_set[code] = float(score or 0.0)
    return per_set[cols.set_of]


# Lexical relevance weighs this much in the fused score, the semantic similarity the rest. Measured on the
# labelled set (python -m tests.catalogue.search_quality, all P@3/first, semantic.SHARPNESS 3, meaning from a
# 0.035 lead): 0.55 → 0.778/0.774, 0.45 → 0.783/0.790, 0.35 → 0.786/0.816; words still matter (typos, names)
# but no longer outvote meaning.
LEXICAL_SHARE = 0.35


def fuse(*, lexical: np.ndarray | None, semantic: np.ndarray) -> np.ndarray:
    """One relevance from both signals (each 0..1 per offer, relative to the query's best match).

    A linear blend keeps both readable: an exact word match with a fitting meaning scores highest, a
    lexical match with an unrelated meaning (Spanish "für Anfänger" for "Computerkurs für Anfänger")
    drops behind, and a match in meaning alone can still reach the results when no word is shared.
    With no known query word, meaning is all there is.
    """
    if lexical is None:
        return semantic
    return LEXICAL_SHARE * lexical + (1 - LEXICAL_SHARE) * semantic


def search(*, session: Session, query: SearchQuery, today: dt.date | None = None) -> SearchResult:
    """Offers for a query, best first. Raises NotFoundError for an unknown place.

    Every offer that matches a query word or is among the closest in meaning is ranked, over the columns of
    ``catalogue.columns`` rather than in SQL: see catalogue/README.md, "How a search ranks"."""
    today = today or dt.date.today()
    place = place_or_raise(session=session, municipality=query.municipality, postcode=query.postcode)
    exclude = None
    if query.exclude_municipality:
        ex = place_or_raise(session=session, municipality=query.exclude_municipality)
        exclude = ex.municipality.ags if ex else None

    weights = query_weights(session, query.q) if query.q.strip() else {}
    said = (query.meaning or query.q).strip()
    meaning = semantic.match(session=session, text=said) if said and semantic.enabled() else None
    # A need the Bildungsbüros know, described in words the catalogue does not use, is searched with the need's
    # words and meaning too, the more the fewer of the citizen's words the offers have ("Versetzung gefährdet"
    # → Nachhilfe, Lernförderung); a query in the catalogue's own words stays as it is (catalogue/README.md).
    need = needs.recognise(said) if said else None
    share = unknown_share(session, query.q) if need is not None else 0.0
    if share == 0:
        need = None
    need_id = need.need.id if need is not None else None
    if need is not None:
        for term, w in query_weights(session, need.need.search).items():
            weights[term] = max(weights.get(term, 0.0), w * NEED_WORD_SHARE * share)
        meaning = semantic.blend(meaning, semantic.match(session=session, text=need.need.search), share)
    if meaning is not None and not weights and not meaning.confident:
        meaning = None  # a faint lead in meaning with no word to go by is noise ("ich möchte eine Pizza bestellen")
    if query.q.strip() and not weights and meaning is None:
        return SearchResult(0, [], place, {}, need_id)
    cols = offer_columns(session)
    passing = _passing(cols, query, today, exclude)
    idx, raw = _matches(session, cols, query, passing, weights, meaning)
    idx, distance = _within_radius(cols, idx, place, query.radius_km)
    if not idx.size:
        return SearchResult(0, [], place, weights, need_id)
    # Relevance is relative to the best match (within the radius), so a weak match stays weak however near it is.
    raw = raw[idx]
    lexical = raw / (float(raw.max()) or 1.0)
    relevance = lexical
    if meaning is not None:
        semantic_relevance = meaning.relevances()[cols.rows_in(meaning.rows)[idx]]
        relevance = fuse(lexical=lexical if weights else None, semantic=semantic_relevance)
    # Meaning reorders and adds, it does not remove: a fair word match stays a result however far its
    # text is from the sentence ("Ausbildungsmesse" for "Praktikum" in Melle, where nothing else is near).
    keep = (relevance >= MIN_RELEVANCE) | (lexical >= MIN_RELEVANCE if weights else False)
    keep &= _meets_at_wished_times(cols, idx, query)
    score = np.round(relevance * _distance_factor(cols, idx, distance, place), 6)
    if need is not None:
        codes = [code for c in need.need.categories if (code := cols.codes["category"].get(c)) is not None]
        in_need = np.isin(cols.category[idx], codes)
        score = np.where(in_need, np.round(score * NEED_BOOST, 6), score)
    if query.prefer_target_groups:
        # Target groups only lift the offers meant for them.
        meant = np.zeros(idx.size, dtype=bool)
        for group in query.prefer_target_groups:
            meant |= cols.tagged("target_group", group)[idx]
        score = np.where(meant, np.round(score * TARGET_BOOST, 6), score)
    kept = np.flatnonzero(keep)
    page = _page(cols, kept, score, distance, idx, query.offset + query.limit)[query.offset :]
    ids = [cols.ids[idx[i]].decode("utf-8") for i in page]
    offers = {o.id: o for o in session.scalars(select(Offer).where(Offer.id.in_(ids)))}
    hits = [
        Hit(offers[oid], float(score[i]), float(relevance[i]), _km(distance[i]), next_start(offers[oid], today))
        for oid, i in zip(ids, page, strict=True)
        if oid in offers  # gone since the snapshot was taken (an import committing right now)
    ]
    return SearchResult(int(kept.size), hits, place, weights, need_id)


def _matches(
    session: Session,
    cols: OfferColumns,
    query: SearchQuery,
    passing: np.ndarray,
    weights: dict[str, float],
    meaning: semantic.SemanticMatch | None,
) -> tuple[np.ndarray, np.ndarray]:
    """The offers to rank (positions) and every offer's lexical score: those that pass the filters and match a
    query word or are among the closest in meaning; with neither words nor meaning, all that pass."""
    if weights:
        raw = _set_scores(session, cols, weights)
        matched = passing & (raw > 0)
    elif not query.q.strip() and meaning is None:
        raw = np.ones(len(cols))  # no words, no meaning: every offer that passes the filters, nearest first
        matched = passing
    else:
        raw = np.zeros(len(cols))
        matched = np.zeros(len(cols), dtype=bool)
    if meaning is not None and meaning.candidates:
        # Offers whose text is among the closest in meaning join the word matches ("Hilfe bei den
        # Hausaufgaben" finds "Lernförderung" with no word in common).
        near = np.zeros(len(meaning.rows) + 1, dtype=bool)  # per matrix row, and False for row -1 (no vector)
        near[[meaning.rows[key] for key in meaning.candidates if key in meaning.rows]] = True
        matched = matched | (passing & near[cols.rows_in(meaning.rows)])
    return np.flatnonzero(matched), raw


def _within_radius(
    cols: OfferColumns, idx: np.ndarray, place: Place | None, radius_km: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """The offers ``idx`` left by the radius, and their distances from the place (NaN: online, no place)."""
    if place is None:
        return idx, np.full(idx.size, np.nan)
    m = place.municipality
    distance = distances_km(m.lat, m.lon, cols.lat[idx], cols.lon[idx])
    if not radius_km:
        return idx, distance
    # Venues within the radius (none without coordinates) and online offers not placed beyond it.
    inside = (cols.online[idx] | (distance <= radius_km)) & ~(distance > radius_km)
    return idx[inside], distance[inside]


def _distance_factor(cols: OfferColumns, idx: np.ndarray, distance: np.ndarray, place: Place | None) -> np.ndarray:
    """1 / (1 + km / DISTANCE_SCALE_KM); online offers count as ONLINE_DISTANCE_KM away, unknown places as here."""
    if place is None:
        return np.ones(idx.size)
    felt = np.where(cols.online[idx], ONLINE_DISTANCE_KM, distance)
    return np.where(np.isnan(felt), 1.0, 1.0 / (1.0 + felt / DISTANCE_SCALE_KM))


def _meets_at_wished_times(cols: OfferColumns, idx: np.ndarray, query: SearchQuery) -> np.ndarray:
    """Weekday and time-of-day wishes drop the offers known to meet at other times (unknown times stay)."""
    ok = np.ones(idx.size, dtype=bool)
    if query.weekdays:
        days = cols.weekdays[idx]
        ok &= (days == 0) | ((days & weekday_bits(query.weekdays)) != 0)
    if query.times_of_day:
        wanted = [TIMES_OF_DAY.index(t) for t in query.times_of_day if t in TIMES_OF_DAY]
        starts = cols.starts[idx]
        ok &= (starts == -1) | np.isin(starts, wanted)
    return ok


def _km(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _page(cols: OfferColumns, kept: np.ndarray, score: np.ndarray, distance: np.ndarray, idx: np.ndarray, n: int) -> list[int]:
    """The first ``n`` of ``kept`` (positions in ``idx``): best score first, then nearest, then by id, so that
    equal offers keep their order from one request to the next."""
    if not kept.size or n <= 0:
        return []
    if kept.size > n:
        # Only the offers that can be among the first n are sorted: all with at least the n-th best score.
        nth = np.partition(-score[kept], n - 1)[n - 1]
        kept = kept[-score[kept] <= nth]
    near = np.where(np.isnan(distance[kept]), 999.0, distance[kept])
    order = np.lexsort((cols.ids[idx[kept]], near, -score[kept]))
    return [int(i) for i in kept[order[:n]]]


# "Deutschkurs für Mütter": offers for the named group first (1.15, 1.35, 1.6 measured: target P@3 0.48, 0.52, 0.56).
TARGET_BOOST = 1.6
# A recognised need (catalogue.needs): its words weigh this share of the citizen's own, its categories lift.
NEED_WORD_SHARE = 0.8
NEED_BOOST = 1.3


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
    from catalogue.places import place_named, resolve_place
    from catalogue.query import parse

    parsed = parse(text)
    topic = list(parsed.topic_words)
    municipality = None
    meaning = parsed.meaning  # without the words that became filters
    if parsed.place_text and not parsed.postcode:
        found = resolve_place(session=session, text=parsed.place_text)
        if found is not None:
            municipality = found.municipality.name
        else:
            topic.append(parsed.place_text)
            meaning = f"{meaning} {parsed.place_text}"
    elif not parsed.postcode and not explicit.get("municipality") and not explicit.get("postcode"):
        named = place_named(session=session, words=topic)
        if named is not None:
            place, start, end = named
            municipality = place.municipality.name
            named_words = r"\W+".join(map(re.escape, topic[start:end]))
            meaning = re.sub(rf"(?<!\w){named_words}(?!\w)", " ", meaning, flags=re.IGNORECASE)
            del topic[start:end]
    if parsed.level:
        topic.append("anfänger" if parsed.level == "anfaenger" else parsed.level)
    age = None
    if parsed.age_min is not None:
        age = parsed.age_min
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


def warm_up(url: str | None = None) -> None:
    """Load the catalogue's vocabulary, offer vectors and columns now (seconds for a large catalogue) rather than
    on a citizen's first search. A database not yet set up is no reason to fail a start: the first search loads."""
    from core.db import read_scope

    try:
        with read_scope(url) as session:
            _VOCABULARY.get(session)
            offer_columns(session)
            if semantic.enabled():
                semantic.match(session=session, text="Deutschkurs")
                needs.index()
    except Exception as exc:  # an optimisation; the search itself reports real errors
        log.warning("catalogue not loaded at start (%s); the first search loads it", type(exc).__name__)


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
