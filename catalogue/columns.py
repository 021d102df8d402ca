"""The offers' searchable fields as numpy columns, one snapshot per database and catalogue version.

Ranking a large catalogue in SQL meant reading every matching offer per query: "Deutschkurs" matches a fifth of
all offers, and scoring 40 000 of 200 000 offers per query cost SQLite 150–380 ms (PostgreSQL 110–300 ms at
1 000 000 with pruned candidate queries). The database still answers which term sets match and how well
(``offer_term_sets``, a few hundred rows); the filters, distances and the fused ranking of every matching offer
then run over these columns in a few milliseconds, exactly rather than over a capped list of candidates.

A snapshot costs about 90 bytes per offer with its id (90 MB of arrays at 1 000 000 offers, measured by
``tests.bench.search_bench``) in each searching process; it is reloaded when an import bumps the catalogue
version (``catalogue.versioned``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from catalogue.versioned import PerCatalogueVersion

NO_DAY = np.iinfo(np.int32).max  # an open end date
TIMES_OF_DAY = ("morgens", "vormittags", "mittags", "nachmittags", "abends")
TAG_KINDS = ("target_group", "language")
_START = re.compile(r"\b(\d{1,2})[:.](\d{2})\b")
_EPOCH = dt.date(1970, 1, 1)


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


def day_number(day: dt.date) -> int:
    return (day - _EPOCH).days


def weekday_bits(days: Iterable[int]) -> int:
    """ISO weekdays as a bit mask (Monday = bit 0)."""
    bits = 0
    for day in days:
        if 1 <= day <= 7:
            bits |= 1 << (day - 1)
    return bits


class Codes:
    """Strings as small integers (category, sector, municipality, term set, text), -1 for none."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def encode(self, values: Sequence[str | None], dtype: type) -> np.ndarray:
        """The codes of a column of values, new values coded as they come (a dict lookup in C per value:
        a Python call per value cost 4.5 of 18 s for 1 000 000 offers)."""
        for value in dict.fromkeys(values):
            if value is not None:
                self.index.setdefault(value, len(self.index))
        lookup: dict[str | None, int] = {None: -1}
        lookup.update(self.index)
        return np.fromiter(map(lookup.__getitem__, values), dtype=dtype, count=len(values))

    def get(self, value: str | None) -> int | None:
        """The code of a value the snapshot knows; None for a value no offer has."""
        return None if value is None else self.index.get(value)


@dataclass
class OfferColumns:
    """One row per offer, in the same order in every array."""

    ids: np.ndarray  # bytes (UTF-8 ids), for the page and ties
    set_of: np.ndarray  # int32 code of the offer's term set, -1 without terms
    text_of: np.ndarray  # int32 code of the offer's text (offer_vectors key), -1 without
    lat: np.ndarray  # float64, NaN without coordinates
    lon: np.ndarray
    online: np.ndarray  # bool
    start_day: np.ndarray  # int32 days since 1970, NO_DAY without a start date
    end_day: np.ndarray  # int32, NO_DAY without an end date
    category: np.ndarray  # int16 codes
    sector: np.ndarray
    municipality: np.ndarray
    age_min: np.ndarray  # int16, -1 without
    age_max: np.ndarray  # int16, 32767 without
    cost: np.ndarray  # float64, NaN unknown
    has_weekdays: np.ndarray  # bool: a regular group (weekdays given, even an empty list)
    weekdays: np.ndarray  # uint8 bits, 0 unknown
    starts: np.ndarray  # int8 index into TIMES_OF_DAY, -1 unknown
    childcare: np.ndarray  # bool
    accessible: np.ndarray  # bool: describes its accessibility
    codes: dict[str, Codes]  # "category", "sector", "municipality", "set", "text"
    tags: dict[tuple[str, str], np.ndarray]  # (kind, value) → bool column
    _matrix_rows: tuple[dict[str, int], np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays (the code tables of strings come on top: a few kB)."""
        arrays = [v for v in vars(self).values() if isinstance(v, np.ndarray)]
        return sum(a.nbytes for a in arrays) + sum(a.nbytes for a in self.tags.values())

    def rows_in(self, rows: dict[str, int]) -> np.ndarray:
        """Each offer's row in a matrix keyed by text (``semantic.match``'s rows), -1 without one; worked out
        once per matrix, as both are reloaded together when the catalogue changes."""
        cached = self._matrix_rows
        if cached is None or cached[0] is not rows:
            keys = list(self.codes["text"].index)  # in code order
            per_code = np.fromiter((rows.get(k, -1) for k in keys), dtype=np.int64, count=len(keys))
            cached = (rows, np.append(per_code, -1)[self.text_of])  # text code -1 → row -1
            self._matrix_rows = cached
        return cached[1]

    def tagged(self, kind: str, value: str) -> np.ndarray:
        found = self.tags.get((kind, value))
        return found if found is not None else np.zeros(len(self), dtype=bool)


# Plain values straight from the driver (dates and JSON as text, converted here by the column, not per value by
# SQLAlchemy): 200 000 offers loaded in 7.4 s through ORM-typed rows. Target groups and languages come from the
# offers' own lists (as offer_tags has them): reading the 2.8 million tag rows of 1 000 000 offers cost 5.4 s.
_SELECT = (
    "SELECT id, terms_key, text_key, lat, lon, online, CAST(start_date AS TEXT), CAST(end_date AS TEXT), category, "
    "sector, municipality_ags, age_min, age_max, cost_eur, CAST(weekdays AS TEXT), schedule, childcare, "
    "accessibility IS NOT NULL, CAST(target_groups AS TEXT), CAST(languages AS TEXT) FROM offers"
)


def load_columns(session: Session) -> OfferColumns:
    """All offers' searchable fields, read in one pass."""
    codes = {name: Codes() for name in ("category", "sector", "municipality", "set", "text")}
    rows = session.connection().exec_driver_sql(_SELECT).all()
    n = len(rows)
    (
        ids,
        sets,
        texts,
        lat,
        lon,
        online,
        start,
        end,
        category,
        sector,
        ags,
        amin,
        amax,
        cost,
        days,
        schedule,
        care,
        access,
        groups,
        languages,
    ) = zip(*rows, strict=True) if rows else ((),) * 20

    def per_distinct(values: Sequence[str | None], convert: Callable[[str | None], int], dtype: type) -> np.ndarray:
        """``convert`` once per distinct value (schedules and weekday lists repeat), then looked up per offer."""
        lookup = {value: convert(value) for value in dict.fromkeys(values)}
        return np.fromiter(map(lookup.__getitem__, values), dtype=dtype, count=n)

    def start_code(text: str | None) -> int:
        found = time_of_day(text)
        return TIMES_OF_DAY.index(found) if found else -1

    def coded(name: str, values: Sequence[str | None], dtype: type) -> np.ndarray:
        return codes[name].encode(values, dtype)

    def numbers(values: Iterable[object], missing: float, dtype: type) -> np.ndarray:
        column = np.array(values, dtype=np.float64).reshape(n)  # None → NaN
        return np.where(np.isnan(column), missing, column).astype(dtype)

    def day_numbers(values: Iterable[str | None]) -> np.ndarray:
        column = np.array([None if v is None else v[:10] for v in values], dtype="datetime64[D]").reshape(n)
        return np.where(np.isnat(column), NO_DAY, column.astype(np.int64)).astype(np.int32)

    encoded = [i.encode("utf-8") for i in ids]
    cols = OfferColumns(
        ids=np.array(encoded, dtype=f"S{max((len(i) for i in encoded), default=1)}"),
        set_of=coded("set", sets, np.int32),
        text_of=coded("text", texts, np.int32),
        lat=numbers(lat, math.nan, np.float64),
        lon=numbers(lon, math.nan, np.float64),
        online=np.array(online, dtype=bool).reshape(n),
        start_day=day_numbers(start),
        end_day=day_numbers(end),
        category=coded("category", category, np.int16),
        sector=coded("sector", sector, np.int16),
        municipality=coded("municipality", ags, np.int16),
        age_min=numbers(amin, -1, np.int16),
        age_max=numbers(amax, 32767, np.int16),
        cost=numbers(cost, math.nan, np.float64),
        has_weekdays=per_distinct(days, lambda text: text is not None and json.loads(text) is not None, bool),
        weekdays=per_distinct(days, lambda text: weekday_bits(json.loads(text or "null") or ()), np.uint8),
        starts=per_distinct(schedule, start_code, np.int8),
        childcare=np.array(care, dtype=bool).reshape(n),
        accessible=np.array(access, dtype=bool).reshape(n),
        codes=codes,
        tags={},
    )
    for kind, lists, fold in (("target_group", groups, False), ("language", languages, True)):
        _tag_columns(cols.tags, kind, lists, fold)
    return cols


def _tag_columns(tags: dict[tuple[str, str], np.ndarray], kind: str, lists: Sequence[str | None], fold: bool) -> None:
    """One bool column per value of a list field (JSON text), as ``catalogue.index.row_tags`` tags offers."""
    distinct = Codes()
    coded = distinct.encode(lists, np.int32)
    holders: dict[str, list[int]] = {}
    for text, code in distinct.index.items():
        for value in json.loads(text or "null") or ():
            holders.setdefault(value.lower() if fold else value, []).append(code)
    for value, codes in holders.items():
        tags[(kind, value)] = np.isin(coded, codes)


_COLUMNS = PerCatalogueVersion(load_columns)


def offer_columns(session: Session) -> OfferColumns:
    """The snapshot of the session's catalogue as of its current version."""
    return _COLUMNS.get(session)
