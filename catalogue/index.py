"""Builds the search terms of offers (their term sets in ``offer_term_sets``), their filter tags and text keys."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Table, delete, exists, insert, select
from sqlalchemy.orm import Session
from tqdm import tqdm

from catalogue import semantic
from catalogue.models import Offer, OfferTag, OfferTermSet, OfferVector
from catalogue.text import split_compound, terms

# Words a category or sector stands for, so that "Weiterbildung Pflege" finds its offers.
CATEGORY_WORDS = {
    "familienbildung": "Familienbildung Familie Eltern",
    "fruehe_bildung": "frühe Bildung Kinderbetreuung",
    "schule": "Schule Schüler",
    "berufsorientierung": "Berufsorientierung Beruf Ausbildung",
    "weiterbildung": "Weiterbildung Fortbildung Qualifizierung",
    "sprache": "Sprache Sprachkurs",
    "grundbildung": "Grundbildung",
    "beratung": "Beratung",
}
SECTOR_WORDS = {
    "gesundheit": "Gesundheit Pflege",
    "lebensmittel": "Lebensmittel Ernährung",
    "logistik": "Logistik Transport",
    "maschinenbau": "Maschinenbau Metall Technik",
    "sonstige": "",
}
# Where a word stands decides how much it says about the offer.
FIELD_WEIGHTS = (("title", 3.0), ("keywords", 2.5), ("category", 1.5), ("description", 1.0), ("provider", 0.5))
PART_FACTOR = 0.6
TAGS = cast(Table, OfferTag.__table__)
TERM_SETS = cast(Table, OfferTermSet.__table__)


def offer_terms(offer: Offer, provider_name: str) -> dict[str, float]:
    return row_terms(
        {
            "title": offer.title,
            "keywords": offer.keywords,
            "category": offer.category,
            "sector": offer.sector,
            "description": offer.description,
        },
        provider_name,
    )


def row_terms(row: Mapping[str, Any], provider_name: str) -> dict[str, float]:
    """The weighted terms of an offer given as a row (title, keywords, category, sector, description)."""
    weighted = _weighted_terms(
        row["title"],
        " ".join(row.get("keywords") or []),
        CATEGORY_WORDS.get(row["category"], "") + " " + SECTOR_WORDS.get(row.get("sector") or "", ""),
        row.get("description") or "",
        provider_name,
    )
    return dict(weighted)


# A catalogue repeats the same course (title, description, provider) in many places and on many dates: the
# terms are computed once per distinct text, which made them 1/4 of an import's time (10 000 offers).
@lru_cache(maxsize=20_000)
def _weighted_terms(*texts: str) -> tuple[tuple[str, float], ...]:
    weights: dict[str, float] = {}
    for text, (_, weight) in zip(texts, FIELD_WEIGHTS, strict=True):
        for term, parts in _field_terms(text):
            weights[term] = max(weights.get(term, 0.0), weight)
            for part in parts:
                weights[part] = max(weights.get(part, 0.0), weight * PART_FACTOR)
    return tuple(weights.items())


@lru_cache(maxsize=100_000)
def _field_terms(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The terms of one field's text with their compound parts (terms over 80 characters are left out)."""
    return tuple((term, split_compound(term)) for term in terms(text) if len(term) <= 80)


def terms_key(weights: Mapping[str, float]) -> str:
    """The key of an offer's term set (``Offer.terms_key``): equal terms with equal weights, equal key."""
    text = "\n".join(f"{term}\t{weight!r}" for term, weight in sorted(weights.items()))
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def row_tags(row: Mapping[str, Any]) -> set[tuple[str, str]]:
    """The filter tags (kind, value) of an offer given as a row."""
    tags = {("target_group", g) for g in row.get("target_groups") or []}
    tags |= {("language", lang.lower()) for lang in row.get("languages") or []}
    tags |= {("funding", f) for f in row.get("funding") or []}
    return tags


def row_text_key(row: Mapping[str, Any]) -> str:
    """The hash of the text the offer is embedded by (its vector is made by ``embed_missing``)."""
    return semantic.text_key(embed_text(row["title"], row.get("keywords"), row["category"]))


def embed_text(title: str, keywords: list[str] | None, category: str) -> str:
    """What an offer is embedded by: its name, keywords and category (descriptions cost 6× the time, measured)."""
    parts = (title.strip(), ", ".join(k for k in keywords or [] if k), CATEGORY_WORDS.get(category, ""))
    return ". ".join(p for p in parts if p)


def write_index(
    *,
    session: Session,
    entries: Sequence[tuple[str, Mapping[str, float], Iterable[tuple[str, str]]]],
    replace: Sequence[str] = (),
) -> None:
    """Write the term sets and tags of many offers ``(offer id, terms, tags)`` in bulk (the offers carry their
    set's ``terms_key``); the old tags of the offers in ``replace`` (updated offers) are deleted first.

    The rows are plain tuples sorted by the index key (neighbouring index pages are written together) and go
    to the driver directly: COPY on PostgreSQL (psycopg 3), one executemany of the driver elsewhere. The
    Core executemany with one dict per row cost most of an import's time. Terms are stored once per distinct
    set, not per offer: the per-offer postings (``offer_terms``, ~45 rows per offer) were the largest part of an
    import until the search stopped reading them (migration 0016)."""
    if replace:
        session.execute(delete(TAGS).where(TAGS.c.offer_id.in_(replace)))
    tag_rows = sorted((k, v, oid) for oid, _, tags in entries for k, v in tags)
    bulk_insert(session, TAGS, ("kind", "value", "offer_id"), tag_rows)
    write_term_sets(session=session, term_sets=[weights for _, weights, _ in entries])


def write_term_sets(*, session: Session, term_sets: Iterable[Mapping[str, float]]) -> None:
    """Store the term sets (``offer_term_sets``) that are not stored yet; the offers carry their keys."""
    wanted = {terms_key(weights): weights for weights in term_sets}
    if not wanted:
        return
    known: set[str] = set()
    keys = list(wanted)
    for start in range(0, len(keys), 500):  # bind parameters per statement stay few (SQLite)
        chunk = keys[start : start + 500]
        known.update(session.scalars(select(TERM_SETS.c.terms_key).where(TERM_SETS.c.terms_key.in_(chunk)).distinct()))
    rows = sorted((t, key, w) for key, weights in wanted.items() if key not in known for t, w in weights.items())
    bulk_insert(session, TERM_SETS, ("term", "terms_key", "weight"), rows)


def drop_unused_term_sets(*, session: Session, keys: Collection[str]) -> None:
    """Delete the term sets among ``keys`` that no offer has any more (their offers were updated)."""
    if not keys:
        return
    used = exists().where(Offer.terms_key == TERM_SETS.c.terms_key)
    session.execute(delete(TERM_SETS).where(TERM_SETS.c.terms_key.in_(list(keys)), ~used))


def bulk_insert(session: Session, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``, plain values: text, numbers) into ``table`` within
    the session's transaction, by the fastest way the driver has."""
    if not rows:
        return
    conn = session.connection()
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        driver = conn.connection.driver_connection  # psycopg.Connection, in the session's transaction
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    elif conn.dialect.paramstyle == "qmark":  # sqlite3
        conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * len(columns))})", rows)
    else:
        session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])


EMBED_BATCH = 64


def embed_missing(*, session: Session, progress: bool = False, model: semantic.Embedder | None = None) -> int:
    """Embed every distinct offer text that has no vector yet, in batches; returns how many were embedded."""
    known = set(session.scalars(select(OfferVector.key)))
    wanted: dict[str, str] = {}
    rows = select(Offer.text_key, Offer.title, Offer.keywords, Offer.category).where(Offer.text_key.is_not(None))
    for key, title, keywords, category in session.execute(rows.execution_options(yield_per=5000)):
        if key and key not in known and key not in wanted:
            wanted[key] = embed_text(title, keywords, category)
    if not wanted:
        return 0
    model = model or semantic.embedder()
    items = list(wanted.items())
    with tqdm(total=len(items), desc="Vektoren", unit="Text", disable=not progress) as bar:
        for start in range(0, len(items), EMBED_BATCH):
            chunk = items[start : start + EMBED_BATCH]
            vectors = model.passages([text for _, text in chunk])
            session.add_all(OfferVector(key=key, vector=semantic.to_blob(vectors[i])) for i, (key, _) in enumerate(chunk))
            session.flush()
            bar.update(len(chunk))
    return len(items)
