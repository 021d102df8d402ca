"""Import of offers from JSON, CSV and schema.org Course JSON-LD, idempotent by (source, source_id).

Every row is validated first; valid rows are then upserted in one transaction, so the catalogue is
never half-written. With ``strict`` a single bad row rejects the whole file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from tqdm import tqdm

from catalogue.index import index_offer
from catalogue.models import CATEGORIES, FUNDING, PROVIDER_TYPES, SECTORS, TARGET_GROUPS, Offer, Provider
from catalogue.places import resolve_place, resolve_postcode

LIST_SEP = "|"


@dataclass
class RejectedRow:
    line: int
    source_id: str | None
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    applied: bool = True


class InvalidRow(ValueError):
    pass


# --- reading the three formats -------------------------------------------------------------------


def read_rows(path: Path) -> tuple[str | None, list[tuple[int, dict[str, Any]]]]:
    """(default source, [(line number, raw row)]) for a CSV, JSON or JSON-LD file."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        return None, list(_csv_rows(text))
    doc = json.loads(text)
    if _is_jsonld(doc):
        return "jsonld", [(line, _from_jsonld(obj)) for line, obj in _json_items(text, doc, jsonld=True)]
    source = doc.get("source") if isinstance(doc, dict) else None
    return source, list(_json_items(text, doc, jsonld=False))


def _csv_rows(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    for row in reader:
        flat: dict[str, Any] = {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k}
        for key in ("keywords", "target_groups", "languages", "funding", "weekdays"):
            if key in flat:
                flat[key] = [x.strip() for x in (flat[key] or "").split(LIST_SEP) if x.strip()]
        flat["provider"] = {"name": flat.pop("provider_name", ""), "type": flat.pop("provider_type", "")}
        venue_keys = ("address", "postcode", "municipality", "lat", "lon")
        venue = {k: flat.pop(f"venue_{k}", "") for k in venue_keys}
        flat["venue"] = venue if any(venue.values()) else None
        yield reader.line_num, flat


def _json_items(text: str, doc: Any, *, jsonld: bool) -> Iterator[tuple[int, dict[str, Any]]]:
    """Items of the offers array with the line each starts on, for error messages."""
    if isinstance(doc, dict):
        key = "@graph" if jsonld and "@graph" in doc else "offers"
        if not jsonld or key == "@graph":
            m = re.search(rf'"{re.escape(key)}"\s*:\s*\[', text)
            if not m:
                raise InvalidRow(f'Die Datei enthält keine Liste "{key}".')
            yield from _array_items(text, m.end())
            return
        yield 1, doc  # a single JSON-LD object
        return
    yield from _array_items(text, text.index("[") + 1)


def _array_items(text: str, pos: int) -> Iterator[tuple[int, dict[str, Any]]]:
    decoder = json.JSONDecoder()
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            return
        obj, end = decoder.raw_decode(text, pos)
        yield text.count("\n", 0, pos) + 1, obj
        pos = end


def _is_jsonld(doc: Any) -> bool:
    probe = doc[0] if isinstance(doc, list) and doc else doc
    return isinstance(probe, dict) and ("@context" in probe or "@graph" in probe or "@type" in probe)


def _from_jsonld(obj: dict[str, Any]) -> dict[str, Any]:
    """schema.org Course (with hasCourseInstance) or CourseInstance -> our row format."""
    course = obj
    instances = obj.get("hasCourseInstance") or []
    if isinstance(instances, dict):
        instances = [instances]
    instance = instances[0] if instances else (obj if obj.get("@type") == "CourseInstance" else {})
    provider = course.get("provider") or {}
    location = instance.get("location") or {}
    address = location.get("address") or {}
    if isinstance(address, str):
        address = {"streetAddress": address}
    geo = location.get("geo") or {}
    offers = course.get("offers") or instance.get("offers") or {}
    if isinstance(offers, list):
        offers = offers[0] if offers else {}
    mode = str(instance.get("courseMode", "")).lower()
    online = mode in {"online", "distance", "fernunterricht"} or location.get("@type") == "VirtualLocation"
    keywords = course.get("keywords") or []
    if isinstance(keywords, str):
        keywords = [k.strip() for k in keywords.split(",") if k.strip()]
    languages = course.get("inLanguage") or instance.get("inLanguage") or []
    if isinstance(languages, str):
        languages = [languages]
    return {
        "source_id": course.get("courseCode") or course.get("identifier") or course.get("@id"),
        "title": course.get("name"),
        "description": course.get("description") or "",
        "category": course.get("category") or course.get("educationalCredentialAwarded") or "",
        "sector": course.get("sector"),
        "keywords": keywords,
        "provider": {"name": provider.get("name", ""), "type": provider.get("additionalType", "bildungstraeger")},
        "venue": None
        if online
        else {
            "address": address.get("streetAddress"),
            "postcode": address.get("postalCode"),
            "municipality": address.get("addressLocality"),
            "lat": geo.get("latitude"),
            "lon": geo.get("longitude"),
        },
        "online": online,
        "target_groups": course.get("audience", {}).get("audienceType", "").split(",")
        if isinstance(course.get("audience"), dict)
        else [],
        "languages": [_LANG_CODES.get(x, x) for x in languages],
        "start_date": (instance.get("startDate") or "")[:10] or None,
        "end_date": (instance.get("endDate") or "")[:10] or None,
        "schedule": instance.get("courseSchedule", {}).get("description")
        if isinstance(instance.get("courseSchedule"), dict)
        else None,
        "cost_eur": offers.get("price"),
        "url": course.get("url"),
    }


_LANG_CODES = {
    "de": "Deutsch",
    "en": "Englisch",
    "tr": "Türkisch",
    "ar": "Arabisch",
    "ru": "Russisch",
    "uk": "Ukrainisch",
}


# --- validation ----------------------------------------------------------------------------------


def _date(value: Any, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InvalidRow(f"{name}: kein gültiges Datum ({str(value)[:30]!r}, erwartet JJJJ-MM-TT)") from None


def _number(value: Any, name: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        raise InvalidRow(f"{name}: keine Zahl ({str(value)[:30]!r})") from None
    if number < 0:
        raise InvalidRow(f"{name}: darf nicht negativ sein ({number:g})")
    return number


def _subset(values: Iterable[str], allowed: tuple[str, ...], name: str) -> list[str]:
    out = [str(v).strip() for v in values if str(v).strip()]
    bad = [v for v in out if v not in allowed]
    if bad:
        raise InvalidRow(f"{name}: unbekannte Werte {bad}")
    return out


def validate(raw: dict[str, Any], *, session: Session, source: str) -> dict[str, Any]:
    """A clean row ready to store, or InvalidRow with a German reason."""
    title = str(raw.get("title") or "").strip()
    if not title:
        raise InvalidRow("Titel fehlt")
    source_id = str(raw.get("source_id") or "").strip()
    if not source_id:
        raise InvalidRow("source_id fehlt")
    category = str(raw.get("category") or "").strip()
    if category not in CATEGORIES:
        raise InvalidRow(f"unbekannte Kategorie {category!r}")
    sector = (raw.get("sector") or None) if category == "weiterbildung" else None
    if category == "weiterbildung" and sector not in SECTORS:
        raise InvalidRow(f"Weiterbildung braucht eine Branche aus {list(SECTORS)}")
    provider = raw.get("provider") or {}
    if not str(provider.get("name") or "").strip():
        raise InvalidRow("Anbieter fehlt")
    ptype = provider.get("type") or "bildungstraeger"
    if ptype not in PROVIDER_TYPES:
        raise InvalidRow(f"unbekannte Anbieterart {ptype!r}")
    online = str(raw.get("online")).lower() in {"true", "1", "ja", "yes"}
    venue = raw.get("venue") or None
    municipality = None
    lat = lon = None
    if venue:
        place = None
        if venue.get("municipality"):
            place = resolve_place(session=session, text=str(venue["municipality"]))
            if place is None:
                raise InvalidRow(f"unbekannte Gemeinde {str(venue['municipality'])[:60]!r}")
        elif venue.get("postcode"):
            place = resolve_postcode(session=session, postcode=str(venue["postcode"]))
            if place is None:
                raise InvalidRow(f"Postleitzahl {venue['postcode']!r} liegt nicht im Landkreis")
        if place is None:
            raise InvalidRow("Veranstaltungsort ohne Gemeinde")
        municipality = place.municipality
        lat = _number(venue.get("lat"), "lat") or municipality.lat
        lon = _number(venue.get("lon"), "lon") or municipality.lon
    elif not online:
        raise InvalidRow("weder Veranstaltungsort noch online")
    start, end = _date(raw.get("start_date"), "start_date"), _date(raw.get("end_date"), "end_date")
    if start and end and end < start:
        raise InvalidRow("end_date liegt vor start_date")
    age_min, age_max = _number(raw.get("age_min"), "age_min"), _number(raw.get("age_max"), "age_max")
    if age_min is not None and age_max is not None and age_max < age_min:
        raise InvalidRow("age_max ist kleiner als age_min")
    weekdays = [int(d) for d in raw.get("weekdays") or []]
    if any(not 1 <= d <= 7 for d in weekdays):
        raise InvalidRow("weekdays: 1 (Montag) bis 7 (Sonntag)")
    url = raw.get("url") or None
    if url and not re.match(r"^https?://", str(url)):
        raise InvalidRow("url muss mit http:// oder https:// beginnen")
    return {
        "source": source,
        "source_id": source_id[:80],
        "title": title[:300],
        "description": str(raw.get("description") or "").strip(),
        "category": category,
        "sector": sector,
        "keywords": [str(k).strip() for k in raw.get("keywords") or [] if str(k).strip()],
        "provider": (str(provider["name"]).strip()[:200], ptype),
        "address": (venue or {}).get("address") or None,
        "postcode": str((venue or {}).get("postcode") or "") or None,
        "municipality_ags": municipality.ags if municipality else None,
        "lat": lat,
        "lon": lon,
        "online": online and not venue,
        "target_groups": _subset(raw.get("target_groups") or [], TARGET_GROUPS, "target_groups"),
        "age_min": int(age_min) if age_min is not None else None,
        "age_max": int(age_max) if age_max is not None else None,
        "languages": [str(x).strip() for x in raw.get("languages") or ["Deutsch"] if str(x).strip()],
        "start_date": start,
        "end_date": end,
        "weekdays": weekdays or None,
        "schedule": raw.get("schedule") or None,
        "duration_hours": _number(raw.get("duration_hours"), "duration_hours"),
        "cost_eur": _number(raw.get("cost_eur"), "cost_eur"),
        "funding": _subset(raw.get("funding") or [], FUNDING, "funding"),
        "accessibility": raw.get("accessibility") or None,
        "childcare": str(raw.get("childcare")).lower() in {"true", "1", "ja", "yes"},
        "contact_email": raw.get("contact_email") or None,
        "contact_phone": raw.get("contact_phone") or None,
        "url": url,
        "updated_at": _date(raw.get("updated_at"), "updated_at"),
    }


# --- storing -------------------------------------------------------------------------------------


def offer_id(source: str, source_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", f"{source}-{source_id}")[:120]


def import_file(
    *, session: Session, path: Path, source: str | None = None, strict: bool = False, progress: bool = False
) -> ImportReport:
    default_source, rows = read_rows(path)
    return import_rows(session=session, rows=rows, source=source or default_source or "import", strict=strict, progress=progress)


def import_rows(
    *,
    session: Session,
    rows: list[tuple[int, dict[str, Any]]],
    source: str,
    strict: bool = False,
    progress: bool = False,
) -> ImportReport:
    report = ImportReport()
    clean: list[dict[str, Any]] = []
    seen: set[str] = set()
    for line, raw in tqdm(rows, desc="Prüfen", unit="Zeile", disable=not progress):
        try:
            if not isinstance(raw, dict):
                raise InvalidRow("kein Objekt")
            row = validate(raw, session=session, source=str(raw.get("source") or source))
            if row["source_id"] in seen:
                raise InvalidRow(f"source_id {row['source_id']!r} kommt doppelt vor")
            seen.add(row["source_id"])
            clean.append(row)
        except InvalidRow as exc:
            report.rejected.append(RejectedRow(line, str(raw.get("source_id")) if isinstance(raw, dict) else None, str(exc)))
    if strict and report.rejected:
        report.applied = False
        return report
    providers = {(p.name): p for p in session.scalars(select(Provider))}
    for row in tqdm(clean, desc="Importieren", unit="Angebot", disable=not progress):
        name, ptype = row.pop("provider")
        provider = providers.get(name)
        if provider is None:
            provider = providers[name] = Provider(name=name, type=ptype)
            session.add(provider)
            session.flush()
        row["provider_id"] = provider.id
        oid = offer_id(row["source"], row["source_id"])
        existing = session.get(Offer, oid)
        if existing is None:
            offer = Offer(id=oid, **row)
            session.add(offer)
            index_offer(session=session, offer=offer, provider_name=name)
            report.created += 1
        elif any(getattr(existing, k) != v for k, v in row.items()):
            for k, v in row.items():
                setattr(existing, k, v)
            index_offer(session=session, offer=existing, provider_name=name)
            report.updated += 1
        else:
            report.unchanged += 1
    session.flush()
    if report.created or report.updated:
        from catalogue.service import bump_catalogue_version

        bump_catalogue_version(session=session)
    return report
