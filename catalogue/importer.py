"""Import of offers from JSON, CSV and schema.org Course JSON-LD, idempotent by (source, source_id).

Every row is validated first; valid rows are then upserted in one transaction, so the catalogue is
never half-written. A problem in one row (bad weekday, date, number, URL, missing field …) rejects that
row with its line number and a German reason, never the file; with ``strict`` a single bad row rejects
the whole file. Only a file that cannot be read as a whole (not UTF-8, broken JSON) raises
``ImportFileError``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session
from tqdm import tqdm

from catalogue.index import (
    bulk_insert,
    drop_unused_term_sets,
    embed_missing,
    row_tags,
    row_terms,
    row_text_key,
    terms_key,
    write_index,
)
from catalogue.models import CATEGORIES, FUNDING, PROVIDER_TYPES, SECTORS, TARGET_GROUPS, Offer, Provider
from catalogue.places import Place, resolve_place, resolve_postcode
from core.db import utcnow

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
    ignored_columns: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per phase (check, terms, offers, …)
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # this process's CPU time per phase

    def lap(self, phase: str, since: tuple[float, float]) -> tuple[float, float]:
        """Adds the wall and CPU time since ``since`` (an earlier lap or ``clock()``) to ``phase``."""
        now = clock()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now[0] - since[0]
        self.cpu_seconds[phase] = self.cpu_seconds.get(phase, 0.0) + now[1] - since[1]
        return now

    @property
    def valid(self) -> int:
        return self.created + self.updated + self.unchanged


def clock() -> tuple[float, float]:
    """(wall, CPU) seconds now, for ``ImportReport.lap``."""
    return time.perf_counter(), time.process_time()


class InvalidRow(ValueError):
    """One row cannot be imported; the message is the German reason shown to the user."""


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, JSON syntax, no list of offers); German message."""


@dataclass
class Unreadable:
    """A row that could not even be turned into fields (CSV row with extra cells, odd JSON-LD object)."""

    reason: str
    source_id: str | None = None


# The columns a CSV file may have (lists separated by "|"); anything else is reported as ignored.
CSV_COLUMNS = (
    "source_id", "source", "title", "description", "category", "sector", "keywords", "provider_name", "provider_type",
    "venue_address", "venue_postcode", "venue_municipality", "venue_lat", "venue_lon", "online", "target_groups",
    "age_min", "age_max", "languages", "start_date", "end_date", "weekdays", "schedule", "duration_hours", "cost_eur",
    "funding", "accessibility", "childcare", "contact_email", "contact_phone", "url", "updated_at",
)  # fmt: skip
CSV_LISTS = ("keywords", "target_groups", "languages", "funding", "weekdays")


# --- reading the three formats -------------------------------------------------------------------


@dataclass
class ParsedFile:
    source: str | None  # the file's own source name (JSON "source", "jsonld" for JSON-LD), if any
    rows: list[tuple[int, Any]]  # (line number, raw row or Unreadable)
    ignored_columns: list[str] = field(default_factory=list)  # CSV columns with unknown names


def read_file(path: Path) -> ParsedFile:
    """The rows of a CSV, JSON or JSON-LD file (by suffix: .csv is CSV, anything else JSON)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ImportFileError(f"keine UTF-8-Datei (Zeile {line}); bitte als UTF-8 speichern") from None
    return rows_from_text(text, kind="csv" if path.suffix.lower() == ".csv" else "json")


def rows_from_text(text: str, *, kind: str) -> ParsedFile:
    """The rows of a file's text; ``kind`` is "csv" or "json" (JSON-LD is recognised by its keys)."""
    if kind == "csv":
        ignored: list[str] = []
        rows = _csv_rows(text, ignored)
        return ParsedFile(None, rows, ignored)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"kein gültiges JSON in Zeile {exc.lineno}, Spalte {exc.colno} ({exc.msg})") from None
    if _is_jsonld(doc):
        return ParsedFile("jsonld", [(line, _jsonld_row(obj)) for line, obj in _json_items(text, doc, jsonld=True)])
    source = doc.get("source") if isinstance(doc, dict) and isinstance(doc.get("source"), str) else None
    return ParsedFile(source, list(_json_items(text, doc, jsonld=False)))


def _csv_rows(text: str, ignored: list[str]) -> list[tuple[int, Any]]:
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","  # German spreadsheets save with ";"
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    out: list[tuple[int, Any]] = []
    try:
        columns = [c.strip() for c in reader.fieldnames or []]
        ignored += [c for c in columns if c and c not in CSV_COLUMNS]
        for row in reader:
            out.append((reader.line_num, _csv_row(row)))
    except csv.Error as exc:
        raise ImportFileError(f"CSV nicht lesbar in Zeile {reader.line_num}: {exc}") from None
    return out


def _csv_row(row: dict[str | None, Any]) -> dict[str, Any] | Unreadable:
    flat: dict[str, Any] = {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k}
    if row.get(None):  # DictReader puts cells beyond the header under None
        return Unreadable(f"{len(row[None])} Zelle(n) mehr als Spalten in der Kopfzeile", flat.get("source_id") or None)
    for key in CSV_LISTS:
        if key in flat:
            flat[key] = [x.strip() for x in (flat[key] or "").split(LIST_SEP) if x.strip()]
    flat["provider"] = {"name": flat.pop("provider_name", ""), "type": flat.pop("provider_type", "")}
    venue_keys = ("address", "postcode", "municipality", "lat", "lon")
    venue = {k: flat.pop(f"venue_{k}", "") for k in venue_keys}
    flat["venue"] = venue if any(venue.values()) else None
    return flat


def _json_items(text: str, doc: Any, *, jsonld: bool) -> Iterator[tuple[int, dict[str, Any]]]:
    """Items of the offers array with the line each starts on, for error messages."""
    if isinstance(doc, dict):
        key = "@graph" if jsonld and "@graph" in doc else "offers"
        if not jsonld or key == "@graph":
            m = re.search(rf'"{re.escape(key)}"\s*:\s*\[', text)
            if not m or not isinstance(doc.get(key), list):
                raise ImportFileError(f'Die Datei enthält keine Liste "{key}".')
            yield from _array_items(text, m.end())
            return
        yield 1, doc  # a single JSON-LD object
        return
    if not isinstance(doc, list):
        raise ImportFileError('Die Datei enthält weder ein Objekt mit "offers" noch eine Liste von Angeboten.')
    yield from _array_items(text, text.index("[") + 1)


def _array_items(text: str, pos: int) -> Iterator[tuple[int, dict[str, Any]]]:
    decoder = json.JSONDecoder()
    line, counted = 1, 0  # count newlines incrementally: a 100 000-row file must not be rescanned per row
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            return
        obj, end = decoder.raw_decode(text, pos)
        line += text.count("\n", counted, pos)
        counted = pos
        yield line, obj
        pos = end


def _is_jsonld(doc: Any) -> bool:
    probe = doc[0] if isinstance(doc, list) and doc else doc
    return isinstance(probe, dict) and ("@context" in probe or "@graph" in probe or "@type" in probe)


def _jsonld_row(obj: Any) -> dict[str, Any] | Unreadable:
    if not isinstance(obj, dict):
        return Unreadable("kein JSON-LD-Objekt")
    try:
        return _from_jsonld(obj)
    except (AttributeError, TypeError, ValueError) as exc:
        code = obj.get("courseCode") or obj.get("identifier") or obj.get("@id")
        return Unreadable(f"JSON-LD-Objekt hat eine unerwartete Form ({exc})", str(code) if code else None)


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


TRUE = {"true", "1", "ja", "yes", "wahr", "x"}
FALSE = {"false", "0", "nein", "no", "falsch", ""}
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _short(value: Any) -> str:
    return repr(str(value)[:30])


def _date(value: Any, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InvalidRow(f"{name}: kein gültiges Datum ({_short(value)}, erwartet JJJJ-MM-TT)") from None


def _number(value: Any, name: str, *, most: float | None = None) -> float | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise InvalidRow(f"{name}: keine Zahl ({value})")
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        raise InvalidRow(f"{name}: keine Zahl ({_short(value)})") from None
    if not math.isfinite(number):
        raise InvalidRow(f"{name}: keine endliche Zahl ({_short(value)})")
    if number < 0:
        raise InvalidRow(f"{name}: darf nicht negativ sein ({number:g})")
    if most is not None and number > most:
        raise InvalidRow(f"{name}: {number:g} ist zu groß (höchstens {most:g})")
    return number


def _bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise InvalidRow(f"{name}: {_short(value)} ist weder ja noch nein (erwartet true/false, ja/nein, 1/0)")


def _text(value: Any, name: str, *, most: int | None = None) -> str | None:
    """An optional text field; too long for its column is an error, not a silent cut."""
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise InvalidRow(f"{name}: Text erwartet, keine Liste oder kein Objekt")
    text = str(value).strip()
    if most is not None and len(text) > most:
        raise InvalidRow(f"{name}: zu lang ({len(text)} Zeichen, höchstens {most})")
    return text or None


def _list(value: Any, name: str) -> list[str]:
    """A list field: a JSON list, or text with items separated by "|"."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.split(LIST_SEP)
    if not isinstance(value, list) or any(isinstance(v, (dict, list)) for v in value):
        raise InvalidRow(f"{name}: Liste erwartet")
    return [str(v).strip() for v in value if str(v).strip()]


def _subset(values: Any, allowed: tuple[str, ...], name: str) -> list[str]:
    out = _list(values, name)
    bad = [v for v in out if v not in allowed]
    if bad:
        raise InvalidRow(f"{name}: unbekannte Werte {bad} (erlaubt: {', '.join(allowed)})")
    return out


def _weekdays(value: Any) -> list[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    days = []
    for item in _list(value, "weekdays"):
        if not re.fullmatch(r"[1-7]", item.removesuffix(".0")):
            raise InvalidRow(f"weekdays: {_short(item)} ist kein Wochentag (1 = Montag … 7 = Sonntag)")
        days.append(int(item.removesuffix(".0")))
    return days


def _place(text: str, *, session: Session, places: dict[str, Place | None]) -> Place | None:
    """resolve_place, remembered per import: a big file names the same few municipalities over and over."""
    if text not in places:
        places[text] = resolve_place(session=session, text=text)
    return places[text]


def validate(
    raw: dict[str, Any], *, session: Session, source: str, places: dict[str, Place | None] | None = None
) -> dict[str, Any]:
    """A clean row ready to store, or InvalidRow with a German reason."""
    places = {} if places is None else places
    title = _text(raw.get("title"), "title") or ""
    if not title:
        raise InvalidRow("Titel fehlt")
    source_id = _text(raw.get("source_id"), "source_id") or ""
    if not source_id:
        raise InvalidRow("source_id fehlt")
    if len(source) > 40:
        raise InvalidRow(f"source: zu lang ({len(source)} Zeichen, höchstens 40)")
    category = str(raw.get("category") or "").strip()
    if category not in CATEGORIES:
        raise InvalidRow(f"unbekannte Kategorie {category!r} (erlaubt: {', '.join(CATEGORIES)})")
    sector = (raw.get("sector") or None) if category == "weiterbildung" else None
    if category == "weiterbildung" and sector not in SECTORS:
        raise InvalidRow(f"Weiterbildung braucht eine Branche (sector) aus {', '.join(SECTORS)}")
    provider = raw.get("provider") or {}
    if isinstance(provider, str):
        provider = {"name": provider}
    if not isinstance(provider, dict):
        raise InvalidRow("provider: Objekt mit name (und type) erwartet")
    provider_name = _text(provider.get("name"), "provider.name", most=200)
    if not provider_name:
        raise InvalidRow("Anbieter fehlt")
    ptype = provider.get("type") or "bildungstraeger"
    if ptype not in PROVIDER_TYPES:
        raise InvalidRow(f"unbekannte Anbieterart {ptype!r} (erlaubt: {', '.join(PROVIDER_TYPES)})")
    online = _bool(raw.get("online"), "online")
    venue = raw.get("venue") or None
    if venue is not None and not isinstance(venue, dict):
        raise InvalidRow("venue: Objekt mit municipality oder postcode erwartet")
    municipality = None
    lat = lon = None
    postcode = None
    if venue:
        postcode = _text(venue.get("postcode"), "Postleitzahl")
        if postcode and not re.fullmatch(r"\d{5}", postcode):
            raise InvalidRow(f"Postleitzahl {postcode[:30]!r} hat nicht fünf Ziffern")
        place = None
        if venue.get("municipality"):
            place = _place(str(venue["municipality"]), session=session, places=places)
            if place is None:
                raise InvalidRow(f"unbekannte Gemeinde {str(venue['municipality'])[:60]!r}")
        elif postcode:
            place = resolve_postcode(session=session, postcode=postcode)
            if place is None:
                raise InvalidRow(f"Postleitzahl {postcode!r} liegt nicht im Landkreis")
        if place is None:
            raise InvalidRow("Veranstaltungsort ohne Gemeinde")
        municipality = place.municipality
        lat = _number(venue.get("lat"), "lat", most=90) or municipality.lat
        lon = _number(venue.get("lon"), "lon", most=180) or municipality.lon
    elif not online:
        raise InvalidRow("weder Veranstaltungsort noch online")
    start, end = _date(raw.get("start_date"), "start_date"), _date(raw.get("end_date"), "end_date")
    if start and end and end < start:
        raise InvalidRow("end_date liegt vor start_date")
    age_min, age_max = _number(raw.get("age_min"), "age_min", most=120), _number(raw.get("age_max"), "age_max", most=120)
    if age_min is not None and age_max is not None and age_max < age_min:
        raise InvalidRow("age_max ist kleiner als age_min")
    url = _text(raw.get("url"), "url", most=500)
    if url and not re.match(r"^https?://", url):
        raise InvalidRow("url muss mit http:// oder https:// beginnen")
    email = _text(raw.get("contact_email"), "contact_email", most=200)
    if email and not EMAIL.fullmatch(email):
        raise InvalidRow(f"contact_email: {email[:40]!r} ist keine E-Mail-Adresse")
    return {
        "source": source,
        "source_id": source_id[:80],
        "title": title[:300],
        "description": _text(raw.get("description"), "description") or "",
        "category": category,
        "sector": sector,
        "keywords": _list(raw.get("keywords"), "keywords"),
        "provider": (provider_name, ptype),
        "address": _text((venue or {}).get("address"), "Adresse", most=200),
        "postcode": postcode,
        "municipality_ags": municipality.ags if municipality else None,
        "lat": lat,
        "lon": lon,
        "online": online and not venue,
        "target_groups": _subset(raw.get("target_groups"), TARGET_GROUPS, "target_groups"),
        "age_min": int(age_min) if age_min is not None else None,
        "age_max": int(age_max) if age_max is not None else None,
        "languages": _list(raw.get("languages"), "languages") or ["Deutsch"],
        "start_date": start,
        "end_date": end,
        "weekdays": _weekdays(raw.get("weekdays")) or None,
        "schedule": _text(raw.get("schedule"), "schedule", most=200),
        "duration_hours": _number(raw.get("duration_hours"), "duration_hours"),
        "cost_eur": _number(raw.get("cost_eur"), "cost_eur"),
        "funding": _subset(raw.get("funding"), FUNDING, "funding"),
        "accessibility": _text(raw.get("accessibility"), "accessibility"),
        "childcare": _bool(raw.get("childcare"), "childcare"),
        "contact_email": email,
        "contact_phone": _text(raw.get("contact_phone"), "contact_phone", most=60),
        "url": url,
        "updated_at": _date(raw.get("updated_at"), "updated_at"),
    }


def report_lines(report: ImportReport) -> list[str]:
    """The German report of an import: one line per rejected row, ignored columns, then the summary."""
    lines = [f"Zeile {r.line}{f' ({r.source_id})' if r.source_id else ''}: {r.reason}" for r in report.rejected]
    if report.ignored_columns:
        lines.append("Unbekannte Spalten, ignoriert: " + ", ".join(report.ignored_columns))
    state = "angewendet" if report.applied else "NICHT angewendet (--strict: mindestens eine Zeile ist fehlerhaft)"
    lines.append(
        f"Import {state}: neu {report.created}, geändert {report.updated}, unverändert {report.unchanged}, "
        f"abgelehnt {len(report.rejected)}"
    )
    return lines


# --- storing -------------------------------------------------------------------------------------


def offer_id(source: str, source_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", f"{source}-{source_id}")[:120]


def import_file(
    *,
    session: Session,
    path: Path,
    source: str | None = None,
    strict: bool = False,
    progress: bool = False,
) -> ImportReport:
    """Import one file; raises ImportFileError only when the file as a whole is unreadable."""
    parsed = read_file(path)
    report = import_rows(
        session=session,
        rows=parsed.rows,
        source=source or parsed.source or "import",
        strict=strict,
        progress=progress,
    )
    report.ignored_columns = parsed.ignored_columns
    return report


def check_rows(
    *, session: Session, rows: list[tuple[int, Any]], source: str, progress: bool = False
) -> tuple[list[dict[str, Any]], list[RejectedRow]]:
    """(clean rows, rejected rows): every row validated, duplicates of a source_id rejected after the first."""
    clean: list[dict[str, Any]] = []
    rejected: list[RejectedRow] = []
    seen: set[tuple[str, str]] = set()
    places: dict[str, Place | None] = {}
    for line, raw in tqdm(rows, desc="Prüfen", unit="Zeile", disable=not progress):
        sid = None
        try:
            if isinstance(raw, Unreadable):
                sid = raw.source_id
                raise InvalidRow(raw.reason)
            if not isinstance(raw, dict):
                raise InvalidRow("kein Objekt")
            sid = str(raw["source_id"]) if raw.get("source_id") not in (None, "") else None
            row = validate(raw, session=session, source=str(raw.get("source") or source), places=places)
            key = (row["source"], row["source_id"])
            if key in seen:
                raise InvalidRow(f"source_id {row['source_id']!r} kommt doppelt vor")
            seen.add(key)
            clean.append(row)
        except InvalidRow as exc:
            rejected.append(RejectedRow(line, sid, str(exc)))
        except (TypeError, ValueError, AttributeError, KeyError) as exc:  # a value of a shape nobody foresaw
            rejected.append(RejectedRow(line, sid, f"Zeile nicht verarbeitbar ({type(exc).__name__}: {exc})"))
    return clean, rejected


def import_rows(
    *,
    session: Session,
    rows: list[tuple[int, Any]],
    source: str,
    strict: bool = False,
    progress: bool = False,
) -> ImportReport:
    """Validate and store ``rows`` in the session's transaction (the caller commits)."""
    report = ImportReport()
    one_import_at_a_time(session)
    mark = clock()
    clean, report.rejected = check_rows(session=session, rows=rows, source=source, progress=progress)
    report.lap("check", mark)
    if strict and report.rejected:
        report.applied = False
        return report
    session.flush()  # whatever the caller left pending, before the bulk statements bypass the unit of work
    with session.no_autoflush:
        providers = _provider_ids(session=session, clean=clean)
        _store(session=session, clean=clean, providers=providers, report=report, progress=progress)
    if report.created or report.updated:
        from catalogue.versioned import bump_catalogue_version

        mark = clock()
        embed_missing(session=session, progress=progress)
        mark = report.lap("vectors", mark)
        bump_catalogue_version(session=session)
        report.lap("version", mark)
    return report


# Offers per block: known offers are read, and new ones written, with one statement per table and block.
IMPORT_BLOCK = 2000
OFFER_TABLE = cast(Table, Offer.__table__)
_UPDATE_OFFER = (
    update(OFFER_TABLE)
    .where(OFFER_TABLE.c.id == bindparam("_id"))
    .values({c.key: bindparam(c.key) for c in OFFER_TABLE.columns if c.key not in ("id", "imported_at")})
)


IMPORT_LOCK = 0x42_4C_49_4D  # PostgreSQL advisory lock key of the catalogue import ("BLIM")


def one_import_at_a_time(session: Session) -> None:
    """Make a second import wait for the first one's commit (PostgreSQL; SQLite has one writer anyway).

    An import reads which offers, providers and term sets exist and then inserts the missing ones: two at
    once would both insert the same new term set (or provider), and the second would fail on its key at the
    first one's commit. The lock ends with the import's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK})


def _provider_ids(*, session: Session, clean: list[dict[str, Any]]) -> dict[str, int]:
    """Provider name -> id; providers the file names for the first time are created (type of their first row)."""
    ids: dict[str, int] = {name: pid for name, pid in session.execute(select(Provider.name, Provider.id))}
    new: dict[str, Provider] = {}
    for row in clean:
        name, ptype = row["provider"]
        if name not in ids and name not in new:
            new[name] = Provider(name=name, type=ptype)
    if new:
        session.add_all(new.values())
        session.flush()
        ids.update((name, p.id) for name, p in new.items())
    return ids


def _store(
    *,
    session: Session,
    clean: list[dict[str, Any]],
    providers: dict[str, int],
    report: ImportReport,
    progress: bool,
) -> None:
    """Insert new offers and update changed ones with their terms and tags, one block of rows at a time.

    Core bulk statements (executemany; insertmanyvalues on PostgreSQL) instead of one ORM object per offer and
    per term: the unit of work cost 4/5 of an import's CPU time (10 000 new offers on SQLite, measured)."""
    updated_ids: list[str] = []
    with tqdm(total=len(clean), desc="Importieren", unit="Angebot", disable=not progress) as bar:
        for start in range(0, len(clean), IMPORT_BLOCK):
            block = clean[start : start + IMPORT_BLOCK]
            mark = clock()
            ids = [offer_id(row["source"], row["source_id"]) for row in block]
            known = {r.id: r for r in session.execute(select(OFFER_TABLE).where(OFFER_TABLE.c.id.in_(ids)))}
            mark = report.lap("known", mark)
            created: list[dict[str, Any]] = []
            changed: list[dict[str, Any]] = []
            entries: list[tuple[str, dict[str, float], set[tuple[str, str]]]] = []
            for oid, raw in zip(ids, block, strict=True):
                row = dict(raw)
                name = row.pop("provider")[0]
                row["provider_id"] = providers[name]
                existing = known.get(oid)
                if existing is not None and all(existing._mapping[k] == v for k, v in row.items()):
                    report.unchanged += 1
                    continue
                row["text_key"] = row_text_key(row)
                weights = row_terms(row, name)
                row["terms_key"] = terms_key(weights)
                entries.append((oid, weights, row_tags(row)))
                if existing is None:
                    row["id"] = oid
                    created.append(row)
                else:
                    row["_id"] = oid
                    changed.append(row)
            mark = report.lap("terms", mark)
            if created:
                _insert_offers(session, created)
            if changed:
                session.execute(_UPDATE_OFFER, changed)
            mark = report.lap("offers", mark)
            replaced = [row["_id"] for row in changed]
            write_index(session=session, entries=entries, replace=replaced)
            # An updated offer may have left its old term set with no offer.
            old_sets = {known[oid].terms_key for oid in replaced} - {row["terms_key"] for row in changed} - {None}
            drop_unused_term_sets(session=session, keys=old_sets)
            report.lap("index", mark)
            report.created += len(created)
            report.updated += len(changed)
            updated_ids += replaced
            bar.update(len(block))
    _expire_offers(session, updated_ids)


def _insert_offers(session: Session, rows: list[dict[str, Any]]) -> None:
    """INSERT new offers: COPY on PostgreSQL (psycopg 3), with the values each column's type would bind (JSON,
    booleans, UTC timestamps) and ``imported_at`` set as its default would; Core executemany elsewhere."""
    conn = session.connection()
    if not (conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg"):
        session.execute(insert(OFFER_TABLE), rows)
        return
    now = utcnow()
    columns = [c.key for c in OFFER_TABLE.columns]
    binds = [c.type.dialect_impl(conn.dialect).bind_processor(conn.dialect) for c in OFFER_TABLE.columns]
    values = []
    for row in rows:
        row.setdefault("imported_at", now)
        values.append(tuple(row[k] if bind is None else bind(row[k]) for k, bind in zip(columns, binds, strict=True)))
    bulk_insert(session, OFFER_TABLE, columns, values)


def _expire_offers(session: Session, ids: list[str]) -> None:
    """Offers this session had loaded before the import must not keep their old values (or old terms)."""
    wanted = set(ids)
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Offer) and obj.id in wanted:
            session.expire(obj)
