"""Loads the county's reference data (municipalities, aliases, Bildungsbüros) from ``catalogue/data``."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.orm import Session

from catalogue.models import Municipality, MunicipalityAlias, MunicipalityPostcode, Office, OfficeHours
from catalogue.places import alias_key, alias_keys_for
from catalogue.text import DATA

_DAYS = {"mo": 1, "di": 2, "mi": 3, "do": 4, "fr": 5, "sa": 6, "so": 7}
_SPAN = re.compile(r"^(?P<days>[A-Za-z,\-]+)\s+(?P<opens>\d{1,2}:\d{2})-(?P<closes>\d{1,2}:\d{2})$")


def parse_opening_hours(text: str) -> list[tuple[int, dt.time, dt.time]]:
    """ "Mo-Do 09:00-12:00; Di,Do 14:00-17:00" -> [(weekday, opens, closes), ...]."""
    spans: list[tuple[int, dt.time, dt.time]] = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        m = _SPAN.match(part)
        if not m:
            raise ValueError(f"unreadable opening hours: {part!r}")
        days: list[int] = []
        for chunk in m["days"].lower().split(","):
            if "-" in chunk:
                first, last = (_DAYS[d] for d in chunk.split("-"))
                days.extend(range(first, last + 1))
            else:
                days.append(_DAYS[chunk])
        opens, closes = (dt.time.fromisoformat(m[k].zfill(5)) for k in ("opens", "closes"))
        spans.extend((d, opens, closes) for d in days)
    return spans


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load_reference_data(*, session: Session, data_dir: Path = DATA) -> dict[str, int]:
    """Replace municipalities and offices with the files' content; safe to run again."""
    by_name: dict[str, Municipality] = {}
    for row in _rows(data_dir / "municipalities.csv"):
        m = session.get(Municipality, row["ags"]) or Municipality(ags=row["ags"])
        m.name, m.type = row["name"], row["type"]
        m.samtgemeinde = row["samtgemeinde"] or None
        m.lat, m.lon, m.population = float(row["lat"]), float(row["lon"]), int(row["population"])
        m.postcodes = [MunicipalityPostcode(postcode=p) for p in row["postcodes"].split()]
        session.add(m)
        by_name[m.name] = m
    session.flush()

    session.execute(delete(MunicipalityAlias))
    aliases: dict[str, str] = {}
    for m in by_name.values():
        for key in alias_keys_for(m.name):
            aliases.setdefault(key, m.ags)
    for row in _rows(data_dir / "municipality_aliases.csv"):
        target = by_name[row["municipality"]]
        key = alias_key(row["alias"])
        aliases.setdefault(key, target.ags)
        aliases.setdefault(key.replace(" ", ""), target.ags)
    session.add_all(MunicipalityAlias(alias=k, ags=v) for k, v in aliases.items())

    for row in _rows(data_dir / "offices.csv"):
        office = session.get(Office, row["id"]) or Office(id=row["id"])
        office.name = row["name"]
        office.municipality_ags = by_name[row["municipality"]].ags
        office.lat, office.lon = float(row["lat"]), float(row["lon"])
        if office.edited_at is None:  # hours edited in the inbox win over the file
            office.hours = [OfficeHours(weekday=d, opens=o, closes=c) for d, o, c in parse_opening_hours(row["opening_hours"])]
        session.add(office)
    session.flush()
    return {"municipalities": len(by_name), "aliases": len(aliases), "offices": len(_rows(data_dir / "offices.csv"))}
