"""Handover: routing to the nearest suitable Bildungsbüro, tickets and the relay of messages."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversations import service as conversations
from bot.conversations.models import Conversation, Message
from bot.counsellors.models import Counsellor
from bot.counsellors.service import LANGUAGE_NAMES
from bot.tickets.models import Ticket
from catalogue.models import Office
from catalogue.places import BERLIN, is_open, nearest_offices, next_opening, resolve_place
from catalogue.text import fold
from core.db import utcnow

OPEN_STATUSES = ("waiting", "active")
_LANG_CODES = {name.lower(): code for code, name in LANGUAGE_NAMES.items()}
_PHONE = re.compile(r"(?<!\d)(\+?\d[\d /-]{6,18}\d)(?!\d)")
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}\b")


class TicketError(Exception):
    """A request on a ticket that cannot be done; status is the HTTP code, the message German."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Route:
    office: Office
    distance_km: float
    # Why the nearest office was skipped (no counsellor with the wished language/gender), if it was.
    fallback_from: Office | None = None


def language_code(language: str | None) -> str | None:
    if not language or language.lower() in {"egal", "deutsch"}:
        return None
    return _LANG_CODES.get(language.lower(), language.lower()[:2])


def route(*, session: Session, municipality: str, language: str | None = None, gender: str | None = None) -> Route | None:
    """Nearest office; if a language or gender is wished that it cannot offer, the nearest that can."""
    place = resolve_place(session=session, text=municipality)
    if place is None:
        return None
    ranked = nearest_offices(session=session, municipality=place.municipality)
    code = language_code(language)
    wanted_gender = gender if gender in {"w", "m"} else None
    if not code and not wanted_gender:
        return Route(*ranked[0])
    for office, distance in ranked:
        staff = session.scalars(select(Counsellor).where(Counsellor.office_id == office.id)).all()
        if any((not code or code in c.languages) and (not wanted_gender or c.gender == wanted_gender) for c in staff):
            return Route(office, distance, None if office.id == ranked[0][0].id else ranked[0][0])
    return Route(*ranked[0])  # nobody fits anywhere: the nearest office will find a way


def active_ticket(*, session: Session, conversation_id: str) -> Ticket | None:
    return session.scalar(
        select(Ticket)
        .where(Ticket.conversation_id == conversation_id, Ticket.status.in_(OPEN_STATUSES))
        .order_by(Ticket.created_at.desc())
    )


def handover_info(ticket: Ticket, office: Office) -> dict[str, Any]:
    return {"ticket_id": ticket.id, "status": ticket.status, "office": {"id": office.id, "name": office.name}}


def summary_from(messages: list[Message], request: dict[str, Any]) -> dict[str, Any]:
    """What the counsellor needs first: what was searched, which offers were shown, why handed over.
    Without the citizen's consent nothing from before the handover: only the office's own routing facts."""
    if not request.get("consent"):
        return {"reason": "Die Bürgerin / der Bürger möchte den bisherigen Chat nicht teilen", "offers_shown": []}
    shown = [
        {"id": o.get("id"), "title": o.get("title"), "municipality": o.get("municipality")}
        for m in messages
        for o in (m.extra or {}).get("offers", [])
    ][-6:]
    return {
        "topic": request.get("topic"),
        "municipality": request.get("municipality"),
        "reason": request.get("reason") or "Wunsch nach persönlicher Beratung",
        "offers_shown": shown,
    }


def open_ticket(
    *, session: Session, conversation: Conversation, request: dict[str, Any], now: dt.datetime | None = None
) -> tuple[Ticket, Message]:
    """Create the ticket (or return the open one) and tell the citizen what happens next."""
    existing = active_ticket(session=session, conversation_id=conversation.id)
    if existing:
        office = session.get_one(Office, existing.office_id)
        text = f"Ihre Anfrage liegt schon beim {office.name}. Schreiben Sie einfach hier weiter."
        extra = {"handover": handover_info(existing, office)}
        return existing, conversations.append(session=session, conversation=conversation, sender="system", text=text, extra=extra)
    municipality = str(request.get("municipality") or "")
    found = route(session=session, municipality=municipality, language=request.get("language"), gender=request.get("gender"))
    if found is None:
        raise TicketError(422, "Für die Weitergabe brauche ich Ihre Gemeinde im Landkreis Osnabrück.")
    history = conversations.messages_after(session=session, conversation_id=conversation.id)
    consent = bool(request.get("consent"))
    ticket = Ticket(
        id=secrets.token_hex(8),
        office_id=found.office.id,
        channel=conversation.channel,
        conversation_id=conversation.id,
        municipality=resolve_place(session=session, text=municipality).municipality.name,  # type: ignore[union-attr]
        language=language_code(request.get("language")),
        gender=request.get("gender") if request.get("gender") in {"w", "m", "d"} else None,
        consent=consent,
        summary=summary_from(history, request),
        first_seq=conversation.next_seq,
    )
    session.add(ticket)
    session.flush()
    text = citizen_notice(found, now=now)
    message = conversations.append(
        session=session,
        conversation=conversation,
        sender="system",
        text=text,
        extra={"handover": handover_info(ticket, found.office)},
    )
    return ticket, message


def citizen_notice(found: Route, *, now: dt.datetime | None = None) -> str:
    office = found.office
    parts = []
    if found.fallback_from:
        parts.append(
            f"Im {found.fallback_from.name} gibt es dafür gerade niemanden; ich verbinde Sie deshalb mit dem {office.name}."
        )
    if is_open(office, now):
        parts.append(
            f"Ich habe Ihre Anfrage an das {office.name} weitergegeben. "
            "Gleich meldet sich eine Beraterin oder ein Berater hier im Chat."
        )
    else:
        opening = next_opening(office, now)
        when = f"ab {_weekday(opening)} {opening:%H:%M} Uhr" if opening else "am nächsten Werktag"
        parts.append(f"Das {office.name} ist gerade geschlossen. Ihre Anfrage ist gespeichert; Sie bekommen eine Antwort {when}.")
    parts.append(
        "Sie können schon jetzt Ihr Anliegen schreiben – gern auch eine Telefonnummer oder E-Mail-Adresse, "
        "wenn Sie lieber zurückgerufen oder angeschrieben werden möchten (freiwillig)."
    )
    return " ".join(parts)


def _weekday(when: dt.datetime) -> str:
    days = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
    local = when.astimezone(BERLIN)
    today = dt.datetime.now(BERLIN).date()
    if local.date() == today:
        return "heute"
    return days[local.weekday()] + f", {local:%d.%m.}"


def capture_callback(ticket: Ticket, text: str) -> None:
    """Keep a phone number or e-mail address the citizen left for a call back (validated by shape)."""
    email = _EMAIL.search(text)
    if email:
        ticket.callback_email = email.group(0)[:200]
    phone = _PHONE.search(_EMAIL.sub(" ", text))
    if phone and 7 <= len(re.sub(r"\D", "", phone.group(1))) <= 15:
        ticket.callback_phone = phone.group(1).strip()[:40]


# --- counsellor side ------------------------------------------------------------------------------


def visible_to(counsellor: Counsellor, ticket: Ticket) -> bool:
    return counsellor.is_admin or ticket.office_id == counsellor.office_id


def list_for(*, session: Session, counsellor: Counsellor, status: str | None = None) -> list[Ticket]:
    stmt = select(Ticket).order_by(Ticket.created_at)
    if not counsellor.is_admin:
        stmt = stmt.where(Ticket.office_id == counsellor.office_id)
    if status:
        stmt = stmt.where(Ticket.status == status)
    return list(session.scalars(stmt))


def get_for(*, session: Session, counsellor: Counsellor, ticket_id: str) -> Ticket:
    ticket = session.get(Ticket, ticket_id[:32])
    if ticket is None:
        raise TicketError(404, "Dieses Ticket gibt es nicht.")
    if not visible_to(counsellor, ticket):
        raise TicketError(403, "Dieses Ticket gehört zu einem anderen Bildungsbüro.")
    return ticket


def transcript(*, session: Session, ticket: Ticket) -> list[Message]:
    """With consent the whole conversation, without it only what was written since the handover."""
    if ticket.conversation_id is None:
        return []
    after = 0 if ticket.consent else ticket.first_seq - 1
    return conversations.messages_after(session=session, conversation_id=ticket.conversation_id, after=after)


def _conversation_or_gone(session: Session, ticket: Ticket) -> Conversation:
    conversation = session.get(Conversation, ticket.conversation_id) if ticket.conversation_id else None
    if conversation is None:
        raise TicketError(410, "Die Bürgerin oder der Bürger hat dieses Gespräch gelöscht; eine Antwort ist nicht mehr möglich.")
    return conversation


def _status_message(session: Session, ticket: Ticket, text: str) -> Message:
    office = session.get_one(Office, ticket.office_id)
    conversation = _conversation_or_gone(session, ticket)
    return conversations.append(
        session=session,
        conversation=conversation,
        sender="system",
        text=text,
        extra={"handover": handover_info(ticket, office)},
    )


WAITING_LINES = (
    "Ihre Nachricht ist beim {office} angekommen. Eine Beraterin oder ein Berater antwortet hier, sobald jemand frei ist. "
    "Mit „abbrechen“ ziehen Sie die Anfrage zurück.",
    "Auch das habe ich an das {office} weitergegeben.",
)
WITHDRAWN = "Ihre Anfrage an das {office} ist zurückgezogen. Ab jetzt antworte wieder ich – wobei kann ich helfen?"
_WITHDRAW = re.compile(r"^\W*(abbrechen|anfrage (zurueckziehen|abbrechen)|doch nicht|stopp?|nicht mehr noetig)\W*$")


def while_waiting(*, session: Session, ticket: Ticket, text: str) -> Message | None:
    """A waiting citizen who writes hears something: that it arrived (in alternating words, never the same twice in a
    row), or, for "abbrechen", that the request is withdrawn. Once a counsellor answers, the assistant keeps quiet."""
    if ticket.status != "waiting":
        return None
    office = session.get_one(Office, ticket.office_id)
    if _WITHDRAW.search(fold(text)):
        ticket.status, ticket.closed_at = "closed", utcnow()
        ticket.close_note = None
        ticket.summary = {**(ticket.summary or {}), "reason": "Von der Bürgerin / dem Bürger zurückgezogen"}
        return _status_message(session, ticket, WITHDRAWN.format(office=office.name))
    previous = session.scalars(
        select(Message.text)
        .where(Message.conversation_id == ticket.conversation_id, Message.sender == "system")
        .order_by(Message.seq.desc())
        .limit(1)
    ).first()
    first = WAITING_LINES[0].format(office=office.name)
    return _status_message(session, ticket, WAITING_LINES[1].format(office=office.name) if previous == first else first)


def claim(*, session: Session, counsellor: Counsellor, ticket: Ticket) -> Message:
    if ticket.status != "waiting":
        raise TicketError(
            409,
            "Dieses Ticket ist nicht mehr offen." if ticket.status == "closed" else "Das Ticket wird schon bearbeitet.",
        )
    _conversation_or_gone(session, ticket)
    ticket.status, ticket.claimed_by, ticket.claimed_at = "active", counsellor.id, utcnow()
    office = session.get_one(Office, ticket.office_id)
    return _status_message(session, ticket, f"Sie schreiben jetzt mit einer Beraterin oder einem Berater vom {office.name}.")


def reply(*, session: Session, counsellor: Counsellor, ticket: Ticket, text: str) -> Message:
    _conversation_or_gone(session, ticket)  # a deleted conversation is the clearer reason
    if ticket.status == "closed":
        raise TicketError(409, "Das Ticket ist geschlossen.")
    conversation = _conversation_or_gone(session, ticket)
    if ticket.status == "waiting":
        claim(session=session, counsellor=counsellor, ticket=ticket)
    ticket.first_reply_at = ticket.first_reply_at or utcnow()
    office = session.get_one(Office, ticket.office_id)
    return conversations.append(
        session=session,
        conversation=conversation,
        sender="counsellor",
        text=text,
        extra={"handover": handover_info(ticket, office)},
    )


def close(*, session: Session, counsellor: Counsellor, ticket: Ticket, note: str | None) -> Message | None:
    if ticket.status == "closed":
        raise TicketError(409, "Das Ticket ist schon geschlossen.")
    ticket.status, ticket.closed_at, ticket.close_note = "closed", utcnow(), (note or None)
    if ticket.conversation_id is None or session.get(Conversation, ticket.conversation_id) is None:
        return None
    return _status_message(
        session,
        ticket,
        "Die Beratung ist beendet. Ab jetzt antworte wieder ich, der digitale Bildungslotse. Wobei kann ich helfen?",
    )


def forget_conversation(*, session: Session, conversation_id: str) -> list[tuple[str, str]]:
    """The citizen deleted the conversation: remove every free text and personal detail from its tickets (the
    counsellor's note included: it may quote the citizen), close them. Returns (office id, ticket id) pairs."""
    touched = []
    for ticket in session.scalars(select(Ticket).where(Ticket.conversation_id == conversation_id)):
        touched.append((ticket.office_id, ticket.id))
        ticket.conversation_id = None
        ticket.summary = {"reason": "Gespräch von der Bürgerin / dem Bürger gelöscht"}
        ticket.callback_email = ticket.callback_phone = None
        ticket.municipality = None
        ticket.close_note = None
        if ticket.status != "closed":
            ticket.status, ticket.closed_at = "closed", utcnow()
    return touched


def waiting_figures(*, session: Session) -> list[dict[str, Any]]:
    """Per office: open tickets and median minutes until the first reply (for the county admin)."""
    out = []
    for office in session.scalars(select(Office).order_by(Office.id)):
        tickets = list(session.scalars(select(Ticket).where(Ticket.office_id == office.id)))
        waits = sorted(
            (t.first_reply_at - t.created_at).total_seconds() / 60 for t in tickets if t.first_reply_at and t.created_at
        )
        out.append(
            {
                "office": office.id,
                "waiting": sum(t.status == "waiting" for t in tickets),
                "active": sum(t.status == "active" for t in tickets),
                "closed": sum(t.status == "closed" for t in tickets),
                "median_minutes_to_first_reply": round(waits[len(waits) // 2], 1) if waits else None,
            }
        )
    return out
