"""Editing an office's data in the inbox: opening hours, closures, phone, e-mail, address. Every change is logged
(who, when, each field before and after). The assistant and the handover notices read the same rows, so a change
counts from the next answer on."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.counsellors.models import Counsellor
from bot.offices.models import OfficeChange
from bot.tickets.service import phone_number
from catalogue.models import Office, OfficeClosure, OfficeHours
from core.db import utcnow

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}")
MAX_CLOSURE_DAYS = 366
CHANGES_SHOWN = 20


class OfficeError(Exception):
    """A request on an office's data that cannot be done; status is the HTTP code, the message German."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Hours:
    weekday: int  # ISO: 1 = Monday
    opens: str  # "HH:MM"
    closes: str


@dataclass(frozen=True)
class Closure:
    first_day: dt.date
    last_day: dt.date
    label: str | None


def get_for(*, session: Session, counsellor: Counsellor, office_id: str) -> Office:
    """The office, if the counsellor may see and edit it: the own one; an admin any."""
    office = session.get(Office, office_id.strip()[:40])
    if office is None:
        raise OfficeError(404, "Dieses Bildungsbüro gibt es nicht.")
    if not counsellor.is_admin and office.id != counsellor.office_id:
        raise OfficeError(403, "Die Daten eines anderen Bildungsbüros kann nur die Kreisverwaltung ändern.")
    return office


def _time(value: str, weekday: int) -> dt.time:
    match = _TIME.fullmatch(value.strip())
    if not match:
        raise OfficeError(422, f"{WEEKDAYS[weekday - 1]}: „{value[:10]}“ ist keine Uhrzeit (SS:MM, z. B. 09:00).")
    return dt.time(int(match[1]), int(match[2]))


def check_hours(hours: list[Hours]) -> list[tuple[int, dt.time, dt.time]]:
    """Opening intervals, each opening before it closes, none overlapping another of the same day."""
    spans = []
    for h in hours:
        if not 1 <= h.weekday <= 7:
            raise OfficeError(422, "Wochentag: 1 (Montag) bis 7 (Sonntag).")
        opens, closes = _time(h.opens, h.weekday), _time(h.closes, h.weekday)
        if opens >= closes:
            raise OfficeError(422, f"{WEEKDAYS[h.weekday - 1]}: {opens:%H:%M} muss vor {closes:%H:%M} liegen.")
        spans.append((h.weekday, opens, closes))
    spans.sort()
    for (day, _, closes), (next_day, opens, _) in itertools.pairwise(spans):
        if day == next_day and opens < closes:
            raise OfficeError(422, f"{WEEKDAYS[day - 1]}: Zwei Öffnungszeiten überschneiden sich.")
    return spans


def check_closures(closures: list[Closure]) -> list[Closure]:
    out = []
    for c in closures:
        if c.last_day < c.first_day:
            raise OfficeError(422, f"Schließzeit {c.first_day:%d.%m.%Y}: Das Ende liegt vor dem Anfang.")
        if (c.last_day - c.first_day).days >= MAX_CLOSURE_DAYS:
            raise OfficeError(422, "Eine Schließzeit dauert höchstens ein Jahr.")
        label = " ".join((c.label or "").split()) or None
        out.append(Closure(c.first_day, c.last_day, label))
    return sorted(out, key=lambda c: (c.first_day, c.last_day))


def check_contact(*, email: str | None, phone: str | None, address: str | None) -> tuple[str | None, str | None, str | None]:
    email = (email or "").strip() or None
    phone = " ".join((phone or "").split()) or None
    address = " ".join((address or "").split()) or None
    if email and not _EMAIL.fullmatch(email):
        raise OfficeError(422, f"„{email[:60]}“ ist keine E-Mail-Adresse.")
    if phone and phone_number(phone) != phone:
        raise OfficeError(422, f"„{phone[:40]}“ ist keine Telefonnummer (z. B. 0541 501-1234 oder +49 541 501-1234).")
    return email, phone, address


def _hours_view(spans: list[tuple[int, dt.time, dt.time]]) -> list[str]:
    return [f"{WEEKDAYS[d - 1][:2]} {o:%H:%M}–{c:%H:%M}" for d, o, c in spans]


def _closures_view(closures: list[Closure]) -> list[str]:
    return [f"{c.first_day:%d.%m.%Y}–{c.last_day:%d.%m.%Y}" + (f" ({c.label})" if c.label else "") for c in closures]


def update(
    *,
    session: Session,
    counsellor: Counsellor,
    office: Office,
    email: str | None,
    phone: str | None,
    address: str | None,
    hours: list[Hours],
    closures: list[Closure],
) -> OfficeChange | None:
    """Replace the office's contact data, hours and closures; log what changed (None: nothing did)."""
    email, phone, address = check_contact(email=email, phone=phone, address=address)
    spans = check_hours(hours)
    checked = check_closures(closures)
    before = {
        "email": office.email,
        "phone": office.phone,
        "address": office.address,
        "hours": _hours_view(sorted((h.weekday, h.opens, h.closes) for h in office.hours)),
        "closures": _closures_view([Closure(c.first_day, c.last_day, c.label) for c in office.closures]),
    }
    after = {"email": email, "phone": phone, "address": address, "hours": _hours_view(spans),
             "closures": _closures_view(checked)}  # fmt: skip
    changes = {k: {"before": before[k], "after": after[k]} for k in before if before[k] != after[k]}
    if not changes:
        return None
    office.email, office.phone, office.address = email, phone, address
    if "hours" in changes:
        office.hours = [OfficeHours(weekday=d, opens=o, closes=c) for d, o, c in spans]
    if "closures" in changes:
        office.closures = [OfficeClosure(first_day=c.first_day, last_day=c.last_day, label=c.label) for c in checked]
    office.edited_at = utcnow()
    change = OfficeChange(office_id=office.id, at=office.edited_at, actor_id=counsellor.id, actor=counsellor.username,
                          changes=changes)  # fmt: skip
    session.add(change)
    session.flush()
    return change


def changes(*, session: Session, office: Office, limit: int = CHANGES_SHOWN) -> list[OfficeChange]:
    """The latest changes first."""
    return list(
        session.scalars(
            select(OfficeChange).where(OfficeChange.office_id == office.id).order_by(OfficeChange.id.desc()).limit(limit)
        )
    )


def as_dict(office: Office) -> dict[str, Any]:
    return {
        "email": office.email,
        "phone": office.phone,
        "address": office.address,
        "hours": [{"weekday": h.weekday, "opens": f"{h.opens:%H:%M}", "closes": f"{h.closes:%H:%M}"} for h in office.hours],
        "closures": [{"first_day": c.first_day, "last_day": c.last_day, "label": c.label} for c in office.closures],
    }
