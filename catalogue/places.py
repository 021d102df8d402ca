"""Municipalities and Bildungsbüros: resolving what people type to a place, distances, nearest office."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np
import yaml
from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.models import Municipality, MunicipalityAlias, MunicipalityPostcode, Office, OfficeClosure
from catalogue.text import DATA, fold

BERLIN = ZoneInfo("Europe/Berlin")
_PLACE_PREFIX = re.compile(
    r"^(?:ich\s+)?(?:wohne\s+|lebe\s+|bin\s+aus\s+|komme\s+aus\s+)?"
    r"(?:in\s+der\s+naehe\s+von\s+|naehe\s+|nahe\s+|bei\s+|in\s+|aus\s+|um\s+)?"
)


class NotFoundError(LookupError):
    """A requested place, office or offer does not exist; the message is German and safe to show."""


@dataclass(frozen=True)
class Place:
    """A resolved location: a municipality, and for a shared postcode the others it could be."""

    municipality: Municipality
    postcode: str | None = None
    alternatives: tuple[str, ...] = ()


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    return float(distances_km(lat1, lon1, np.asarray(lat2), np.asarray(lon2)))


def distances_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distances in kilometres from one point to many (NaN where coordinates are missing)."""
    rlat1, rlat2 = math.radians(lat), np.radians(lats)
    dlat, dlon = rlat2 - rlat1, np.radians(lons - lon)
    a = np.sin(dlat / 2) ** 2 + math.cos(rlat1) * np.cos(rlat2) * np.sin(dlon / 2) ** 2
    return 6371.0088 * 2 * np.arcsin(np.sqrt(a))


def alias_key(text: str) -> str:
    """Folded form of a place name for lookups: "GM-Hütte" -> "gm huette"; Cyrillic is transliterated first
    ("Бад-Ессен" -> "bad essen")."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(_latin(text))))


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@cache
def _cyrillic_letters() -> dict[str, str]:
    table = yaml.safe_load((DATA / "cyrillic_latin.yml").read_text(encoding="utf-8"))
    return {str(k): str(v or "") for k, v in table.items()}


def _latin(text: str) -> str:
    if not _CYRILLIC.search(text):
        return text
    letters = _cyrillic_letters()
    return "".join(letters.get(c, letters.get(c.lower(), c)) for c in text)


def alias_keys_for(name: str) -> set[str]:
    """The spellings generated from an official name; hand-made ones come from the aliases file."""
    key = alias_key(name)
    keys = {key, key.replace(" ", "")}
    keys.add(alias_key(name.lower().replace("ä", "a").replace("ö", "o").replace("ü", "u").replace("ß", "ss")))
    return keys


def get_municipality_by_name(*, session: Session, name: str) -> Municipality | None:
    return session.scalar(select(Municipality).where(Municipality.name == name))


def resolve_postcode(*, session: Session, postcode: str) -> Place | None:
    """A postcode shared by several municipalities resolves to the most populous one, every time."""
    rows = session.scalars(
        select(Municipality)
        .join(MunicipalityPostcode)
        .where(MunicipalityPostcode.postcode == postcode)
        .order_by(Municipality.population.desc(), Municipality.name)
    ).all()
    if not rows:
        return None
    return Place(rows[0], postcode, tuple(m.name for m in rows[1:]))


def resolve_place(*, session: Session, text: str) -> Place | None:
    """A municipality from a name, an alias, a typo of either, or a postcode; None if nothing fits."""
    key = _PLACE_PREFIX.sub("", alias_key(text)).strip()
    if not key:
        return None
    digits = re.fullmatch(r"\d{5}", key)
    if digits:
        return resolve_postcode(session=session, postcode=key)
    aliases = _alias_map(session)
    for candidate in (key, key.replace(" ", "")):
        if candidate in aliases:
            return Place(session.get_one(Municipality, aliases[candidate]))
    if len(key) < 4:
        return None
    keys = [key]
    if _CYRILLIC.search(text) and key[-1] in "aeiouy":
        keys.append(key[:-1])  # a case ending: "в Оснабрюці", "в Оснабрюке"
    for candidate in keys:
        match = process.extractOne(candidate, list(aliases), scorer=fuzz.ratio, score_cutoff=82)
        if match is not None:
            return Place(session.get_one(Municipality, aliases[match[0]]))
    return None


def place_named(*, session: Session, words: list[str]) -> tuple[Place, int, int] | None:
    """A municipality named by some of a query's words without a preposition ("Kita Melle", "Deutschkurs Bad
    Essen"), with where its words start and end; the last such name counts. Names only, no typo matching: a word
    of the topic that merely resembles a place stays a topic word."""
    aliases = _alias_map(session)
    for end in range(len(words), 0, -1):
        for start in range(max(0, end - 3), end):
            key = alias_key(" ".join(words[start:end])).replace(" ", "")
            if len(key) >= 4 and key in aliases:
                return Place(session.get_one(Municipality, aliases[key])), start, end
    return None


def _alias_map(session: Session) -> dict[str, str]:
    return {a: g for a, g in session.execute(select(MunicipalityAlias.alias, MunicipalityAlias.ags))}


def place_or_raise(*, session: Session, municipality: str | None = None, postcode: str | None = None) -> Place | None:
    """The place a request names, or None when it names none; unknown names raise NotFoundError."""
    if postcode:
        if not re.fullmatch(r"\d{5}", postcode):
            raise NotFoundError("Eine Postleitzahl hat fünf Ziffern.")
        place = resolve_postcode(session=session, postcode=postcode)
        if place is None:
            raise NotFoundError(f"Die Postleitzahl {postcode} liegt nicht im Landkreis Osnabrück.")
        return place
    if municipality:
        place = resolve_place(session=session, text=municipality)
        if place is None:
            raise NotFoundError(f"Den Ort „{municipality[:80]}“ kenne ich im Landkreis Osnabrück nicht.")
        return place
    return None


def list_offices(*, session: Session) -> list[Office]:
    return list(session.scalars(select(Office).order_by(Office.name)))


def nearest_offices(*, session: Session, municipality: Municipality) -> list[tuple[Office, float]]:
    """All offices, nearest first (straight-line distance from the municipality's centre)."""
    ranked = [(o, haversine_km(municipality.lat, municipality.lon, o.lat, o.lon)) for o in list_offices(session=session)]
    return sorted(ranked, key=lambda pair: (pair[1], pair[0].id))


def nearest_office(*, session: Session, municipality: Municipality) -> tuple[Office, float]:
    return nearest_offices(session=session, municipality=municipality)[0]


def closure_on(office: Office, day: dt.date) -> OfficeClosure | None:
    """The closure (holiday, training day …) that covers ``day``, if any."""
    return next((c for c in office.closures if c.first_day <= day <= c.last_day), None)


def is_open(office: Office, at: dt.datetime | None = None) -> bool:
    now = (at or dt.datetime.now(BERLIN)).astimezone(BERLIN)
    if closure_on(office, now.date()):
        return False
    return any(h.weekday == now.isoweekday() and h.opens <= now.time() < h.closes for h in office.hours)


OPENING_HORIZON_DAYS = 62  # closures (Christmas, summer) may span weeks


def next_opening(office: Office, at: dt.datetime | None = None) -> dt.datetime | None:
    """When the office next opens (now, if it is open), closures skipped."""
    now = (at or dt.datetime.now(BERLIN)).astimezone(BERLIN)
    if is_open(office, now):
        return now
    for days in range(0, OPENING_HORIZON_DAYS + 1):
        day = (now + dt.timedelta(days=days)).date()
        if closure_on(office, day):
            continue
        for h in sorted((h for h in office.hours if h.weekday == day.isoweekday()), key=lambda h: h.opens):
            start = dt.datetime.combine(day, h.opens, tzinfo=BERLIN)
            if start > now:
                return start
    return None


def closures_text(office: Office, *, today: dt.date | None = None, within_days: int = 30) -> str:
    """Closures from today until ``within_days`` ahead, in German: "geschlossen 23.12.–02.01. (Weihnachten)"."""
    today = today or dt.datetime.now(BERLIN).date()
    parts = []
    for c in office.closures:
        if c.last_day < today or c.first_day > today + dt.timedelta(days=within_days):
            continue
        span = f"{c.first_day:%d.%m.}" if c.first_day == c.last_day else f"{c.first_day:%d.%m.}–{c.last_day:%d.%m.}"
        parts.append(span + (f" ({c.label})" if c.label else ""))
    return ("geschlossen " + ", ".join(parts)) if parts else ""


WEEKDAYS_DE = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")


def format_hours(office: Office) -> str:
    """Opening hours as a German line per weekday: "Mo 09:00–12:00, 14:00–16:30"."""
    lines = []
    for day in range(1, 8):
        spans = [f"{h.opens:%H:%M}–{h.closes:%H:%M}" for h in office.hours if h.weekday == day]
        if spans:
            lines.append(f"{WEEKDAYS_DE[day - 1]} {', '.join(spans)}")
    return "; ".join(lines)
