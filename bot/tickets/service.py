"""Handover: routing to the nearest suitable Bildungsbüro, tickets and the relay of messages."""

from __future__ import annotations

import datetime as dt
import math
import re
import secrets
import statistics
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from bot.conversations import service as conversations
from bot.conversations.models import Conversation, Message
from bot.counsellors.models import Counsellor
from bot.counsellors.service import LANGUAGE_NAMES, get_by_username
from bot.tickets import reads
from bot.tickets.models import Ticket, TicketEvent
from catalogue.models import Office
from catalogue.places import BERLIN, closure_on, is_open, nearest_offices, next_opening, resolve_place
from catalogue.text import fold
from core.db import utcnow
from core.i18n import N_

OPEN_STATUSES = ("waiting", "active")
_LANG_CODES = {name.lower(): code for code, name in LANGUAGE_NAMES.items()}
# A phone number as citizens type it: "05461 1234", "0151 23456789", "+49 541 501-0", "(0541) 12 34 56",
# "0049 541 …". Candidates start with 0, "(0" or "+"; dots never belong (they make dates), and a candidate that
# continues a date, a range ("2027-01-11", "2026/2027") or another group of digits (an IBAN) is none. See :func:`phone_number`.
_PHONE = re.compile(r"(?<![\w+])(?<!\d[-/. ])(?:\+|\(?0)[\d ()/-]{4,28}\d(?!\d)")
_PHONE_SEP = re.compile(r"[ ()/-]+")
_DATE_LIKE = re.compile(r"\d{1,2}[-/ ]\d{1,2}[-/ ](?:\d{2}|\d{4})")
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


CALLBACK_PROMPT = N_("Für den Rückruf schreiben Sie hier bitte Ihre Telefonnummer und wann Sie gut erreichbar sind.")


def summary_from(messages: list[Message], request: dict[str, Any]) -> dict[str, Any]:
    """What the counsellor needs first: what was searched, which offers were shown, why handed over.
    Without the citizen's consent nothing from before the handover: only the office's own routing facts."""
    # A call back wished ("Rückruf bitte") is part of the request itself, not of the chat before it.
    callback = bool(request.get("callback"))
    if not request.get("consent"):
        return {
            "reason": "Die Bürgerin / der Bürger möchte den bisherigen Chat nicht teilen",
            "offers_shown": [],
            "callback": callback,
        }
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
        "callback": callback,
    }


def open_ticket(
    *, session: Session, conversation: Conversation, request: dict[str, Any], now: dt.datetime | None = None
) -> tuple[Ticket, Message]:
    """Create the ticket (or return the open one) and tell the citizen what happens next."""
    existing = active_ticket(session=session, conversation_id=conversation.id)
    if existing:
        office = session.get_one(Office, existing.office_id)
        # Citizen notices are German sentences from marked templates; the gateway says them in the citizen's language.
        text = N_("Ihre Anfrage liegt schon beim {office}. Schreiben Sie einfach hier weiter.").format(office=office.name)
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
    ticket.title = shorten(str(ticket.summary.get("topic") or ""), TITLE_CHARS) or None  # empty without consent
    ticket.queued_at = utcnow()
    session.add(ticket)
    session.flush()
    record(session=session, ticket=ticket, kind="created", to_office=ticket.office_id)
    if request.get("callback"):
        record(session=session, ticket=ticket, kind="callback_requested", detail="Rückruf im Chat gewünscht")
    if request.get("contact"):  # written during the handover form ("meine Nummer ist …")
        capture_callback(ticket, str(request["contact"])[:200])
    text = citizen_notice(found, now=now, expectation=expectation(session=session, office=found.office, now=now),
                          callback=bool(request.get("callback")))  # fmt: skip
    if request.get("callback") and not (ticket.callback_phone or ticket.callback_email):
        text += " " + CALLBACK_PROMPT
    message = conversations.append(
        session=session,
        conversation=conversation,
        sender="system",
        text=text,
        extra={"handover": handover_info(ticket, found.office)},
    )
    return ticket, message


def citizen_notice(
    found: Route, *, now: dt.datetime | None = None, expectation: str | None = None, callback: bool = False
) -> str:
    """What the citizen reads at the handover: who has the request, what to expect (``expectation``: see
    :func:`expectation`) and, when the office is closed, when it opens again and that it can call back."""
    office = found.office
    parts = []
    if found.fallback_from:
        parts.append(
            N_("Im {other} gibt es dafür gerade niemanden; ich verbinde Sie deshalb mit dem {office}.").format(
                other=found.fallback_from.name, office=office.name
            )
        )
    if is_open(office, now):
        parts.append(
            N_(
                "Ich habe Ihre Anfrage an das {office} weitergegeben. Eine Beraterin oder ein Berater meldet sich hier im Chat."
            ).format(office=office.name)
        )
        if expectation:
            parts.append(expectation)
        if callback:  # the citizen already asked to be called back: do not ask for a number again
            parts.append(N_("Sie können schon jetzt Ihr Anliegen schreiben."))
        else:
            parts.append(
                N_(
                    "Sie können schon jetzt Ihr Anliegen schreiben – gern auch eine Telefonnummer oder E-Mail-Adresse, "
                    "wenn Sie lieber zurückgerufen oder angeschrieben werden möchten (freiwillig)."
                )
            )
    else:
        when = reopens(office, now)
        parts.append(closed_now(office, now))
        parts.append(N_("Ihre Anfrage ist gespeichert; Sie bekommen hier eine Antwort {when}.").format(when=when))
        parts.append(N_("Sie können schon jetzt Ihr Anliegen schreiben."))
        if not callback:
            parts.append(CALLBACK_OFFER)
    return " ".join(parts)


CALLBACK_OFFER = N_(
    "Möchten Sie lieber angerufen werden? Dann schreiben Sie hier Ihre Telefonnummer (oder E-Mail-Adresse) – "
    "das Büro meldet sich, sobald es wieder geöffnet ist (freiwillig)."
)


def closed_now(office: Office, now: dt.datetime | None = None) -> str:
    """ "Das … ist gerade geschlossen", with the reason when it is a closure (a holiday)."""
    day = (now or dt.datetime.now(BERLIN)).astimezone(BERLIN).date()
    closure = closure_on(office, day)
    if closure and closure.label:
        return N_("Das {office} ist gerade geschlossen ({reason}).").format(office=office.name, reason=closure.label)
    return N_("Das {office} ist gerade geschlossen.").format(office=office.name)


def reopens(office: Office, now: dt.datetime | None = None) -> str:
    opening = next_opening(office, now)
    if opening is None:
        return N_("sobald das Büro wieder geöffnet ist")
    return N_("ab {day} {time} Uhr").format(day=_weekday(opening), time=f"{opening:%H:%M}")


# --- what the waiting citizen can expect ---------------------------------------------------------------------------

EXPECTATION_DAYS = 30
EXPECTATION_MIN_TICKETS = 5  # fewer first replies than that say nothing about the usual waiting time


def median_first_reply_minutes(*, session: Session, office: Office, now: dt.datetime | None = None) -> float | None:
    """The office's median minutes from the request to the first reply over the last 30 days, counting only
    requests made while it was open (a request of the night waits for the morning, which says nothing about how
    fast the office answers); None with fewer than five such requests."""
    now = now or dt.datetime.now(dt.UTC)
    since = now - dt.timedelta(days=EXPECTATION_DAYS)
    rows = session.execute(
        select(Ticket.created_at, Ticket.first_reply_at).where(
            Ticket.office_id == office.id, Ticket.created_at >= since, Ticket.first_reply_at.is_not(None)
        )
    ).all()
    minutes = [
        (_utc(replied) - _utc(created)).total_seconds() / 60
        for created, replied in rows
        if replied is not None and is_open(office, _utc(created))
    ]
    if len(minutes) < EXPECTATION_MIN_TICKETS:
        return None
    return max(statistics.median(minutes), 0.0)


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def waiting_count(*, session: Session, office_id: str) -> int:
    return len(list(session.scalars(select(Ticket.id).where(Ticket.office_id == office_id, Ticket.status == "waiting"))))


def usual_reply_time(minutes: float) -> str:
    """ "innerhalb von 10 Minuten": rounded up to five minutes, beyond an hour to whole hours."""
    if minutes <= 55:
        return N_("innerhalb von {minutes} Minuten").format(minutes=max(5, math.ceil(minutes / 5) * 5))
    hours = math.ceil(minutes / 60)
    return N_("innerhalb einer Stunde") if hours == 1 else N_("innerhalb von {hours} Stunden").format(hours=hours)


EXPECTATION_UNKNOWN = N_("Wie lange es gerade dauert, kann ich nicht sicher sagen; Sie lesen die Antwort hier im Chat.")


def expectation(*, session: Session, office: Office, now: dt.datetime | None = None) -> str:
    """ "Im Moment warten 3 Personen; in der Regel antworten wir innerhalb von 10 Minuten." from the office's queue
    and its real median first-reply time (see :func:`median_first_reply_minutes`); without enough tickets an honest
    sentence without a number."""
    waiting = waiting_count(session=session, office_id=office.id)
    median = median_first_reply_minutes(session=session, office=office, now=now)
    if median is None:
        queue = N_("Im Moment wartet niemand außer Ihnen.") if waiting <= 1 else N_("Im Moment warten {count} Personen.")
        return queue.format(count=waiting) + " " + EXPECTATION_UNKNOWN
    usual = (
        N_("Im Moment wartet niemand außer Ihnen; in der Regel antworten wir {time}.")
        if waiting <= 1
        else N_("Im Moment warten {count} Personen; in der Regel antworten wir {time}.")
    )
    return usual.format(count=waiting, time=usual_reply_time(median))


def _weekday(when: dt.datetime) -> str:
    days = (N_("Montag"), N_("Dienstag"), N_("Mittwoch"), N_("Donnerstag"), N_("Freitag"), N_("Samstag"), N_("Sonntag"))
    local = when.astimezone(BERLIN)
    today = dt.datetime.now(BERLIN).date()
    if local.date() == today:
        return N_("heute")
    return days[local.weekday()] + f", {local:%d.%m.}"


def _valid_phone(raw: str) -> bool:
    if _DATE_LIKE.fullmatch(raw):
        return False
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+") or digits.startswith("00"):
        international = digits.removeprefix("00") if not raw.startswith("+") else digits
        if international.startswith("49"):  # Germany: area code without its 0 (or with "(0)"), then the number
            national = international[2:].removeprefix("0")
            return national[:1] in "123456789" and 6 <= len(national) <= 11
        return international[:1] in "123456789" and 8 <= len(international) <= 15
    national = digits[1:]  # after the trunk prefix 0; German national numbers have at most 11 digits
    return national[:1] in "123456789" and 6 <= len(national) <= 11


def phone_number(text: str) -> str | None:
    """The first real phone number in ``text`` as written, or None. Dates, years and ranges of years are not
    numbers; a number followed by other digits ("0541 123456 2027") is cut back to the longest valid prefix."""
    for match in _PHONE.finditer(_EMAIL.sub(" ", text)):
        raw = match.group(0)
        cuts = [m.start() for m in _PHONE_SEP.finditer(raw)] + [len(raw)]
        for end in reversed(cuts):
            candidate = raw[:end].rstrip(" (/-")
            if candidate.count("(") == candidate.count(")") and _valid_phone(candidate):
                return candidate[:40]
    return None


TITLE_CHARS, PREVIEW_CHARS = 70, 140
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_GREETING = re.compile(
    r"^\W*(hallo|hi|hey|moin|servus|guten (morgen|tag|abend)|sehr geehrte[rs]?( damen und herren)?|liebe[rs]?( team)?)\W*$"
)


def shorten(text: str, limit: int) -> str:
    """One line, at most ``limit`` characters, cut at a word boundary with an ellipsis."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


def concern_of(text: str) -> str | None:
    """The citizen's first sentence that says something (not a bare greeting, not only a phone number or e-mail
    address), shortened for a ticket title."""
    for sentence in _SENTENCE_END.split(_EMAIL.sub(" ", text)):
        stripped = sentence.strip()
        number = phone_number(stripped)
        rest = stripped.replace(number, " ") if number else stripped
        if not re.search(r"[^\W\d_]{3,}", rest) or _GREETING.search(fold(rest)):
            continue
        return shorten(stripped, TITLE_CHARS)
    return None


def note_message(ticket: Ticket, *, sender: str, text: str | None, at: dt.datetime | None = None) -> None:
    """Keep the triage fields current: the last message's preview and, until there is one, the concern."""
    if not text:
        return
    ticket.preview = shorten(text, PREVIEW_CHARS)
    ticket.preview_sender = sender
    ticket.last_message_at = at or utcnow()
    if sender == "user" and not ticket.title:
        ticket.title = concern_of(text)


def note_citizen_message(ticket: Ticket, text: str) -> None:
    """A message of the citizen during the handover: call-back details, preview, concern."""
    capture_callback(ticket, text)
    note_message(ticket, sender="user", text=text)


def capture_callback(ticket: Ticket, text: str) -> None:
    """Keep a phone number or e-mail address the citizen left for a call back (validated by shape). The first real
    phone number stays: a later date or year never overwrites it. The history notes that contact data came (which
    kind, never the data); a call back marked done is open again when new contact data arrive."""
    had_phone, had_email = ticket.callback_phone, ticket.callback_email
    email = _EMAIL.search(text)
    if email:
        ticket.callback_email = email.group(0)[:200]
    if ticket.callback_phone is None:
        ticket.callback_phone = phone_number(text)
    kinds = [k for k, before, after in (("Telefon", had_phone, ticket.callback_phone),
                                        ("E-Mail", had_email, ticket.callback_email)) if after and after != before]  # fmt: skip
    session = object_session(ticket)
    if kinds and session is not None:
        reopened = ticket.callback_done_at is not None
        ticket.callback_done_at = ticket.callback_done_by = None
        detail = "Kontaktdaten: " + ", ".join(kinds) + (" (neu, Rückruf wieder offen)" if reopened else "")
        record(session=session, ticket=ticket, kind="callback_requested", detail=detail)


# --- history ---------------------------------------------------------------------------------------


def record(
    *,
    session: Session,
    ticket: Ticket,
    kind: str,
    actor: Counsellor | None = None,
    from_office: str | None = None,
    to_office: str | None = None,
    assignee: str | None = None,
    reason: str | None = None,
    detail: str | None = None,
) -> TicketEvent:
    """One line of the ticket's history (no message text). ``reason`` is a counsellor's own words (wiped with the
    conversation), ``detail`` what the system says about the action (which kind of contact data, a note made)."""
    event = TicketEvent(
        ticket_id=ticket.id,
        at=utcnow(),
        kind=kind,
        actor_id=actor.id if actor else None,
        actor=actor.username if actor else None,
        from_office=from_office,
        to_office=to_office,
        assignee=assignee,
        reason=reason,
        detail=detail,
    )
    session.add(event)
    return event


def history(*, session: Session, ticket: Ticket) -> list[TicketEvent]:
    return list(session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)))


# --- counsellor side ------------------------------------------------------------------------------


def visible_to(counsellor: Counsellor, ticket: Ticket) -> bool:
    return counsellor.is_admin or ticket.office_id == counsellor.office_id


def list_for(
    *,
    session: Session,
    counsellor: Counsellor,
    status: str | None = None,
    channel: str | None = None,
    callback: bool | None = None,
) -> list[Ticket]:
    """The tickets the counsellor may see; ``callback`` True: only those with a call back wished (False: without)."""
    stmt = select(Ticket).order_by(Ticket.created_at)
    if not counsellor.is_admin:
        stmt = stmt.where(Ticket.office_id == counsellor.office_id)
    if status:
        stmt = stmt.where(Ticket.status == status)
    if channel:
        stmt = stmt.where(Ticket.channel == channel)
    tickets = list(session.scalars(stmt))
    if callback is not None:
        tickets = [t for t in tickets if callback_wished(t) == callback]
    return tickets


def callback_wished(ticket: Ticket) -> bool:
    """A call back asked for ("Rückruf bitte") or made possible (a phone number or e-mail address left)."""
    return bool(ticket.callback_phone or ticket.callback_email or (ticket.summary or {}).get("callback"))


def usernames(*, session: Session) -> dict[int, str]:
    return {row.id: row.username for row in session.execute(select(Counsellor.id, Counsellor.username))}


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
    N_("Ihre Nachricht ist beim {office} angekommen. {expect} Mit „abbrechen“ ziehen Sie die Anfrage zurück."),
    N_("Auch das habe ich an das {office} weitergegeben."),
)
WITHDRAWN = N_("Ihre Anfrage an das {office} ist zurückgezogen. Ab jetzt antworte wieder ich – wobei kann ich helfen?")
_WITHDRAW = re.compile(r"^\W*(abbrechen|anfrage (zurueckziehen|abbrechen)|doch nicht|stopp?|nicht mehr noetig)\W*$")


def waiting_status(*, session: Session, ticket: Ticket, office: Office, now: dt.datetime | None = None) -> str:
    """The waiting line's middle: the queue and the usual time when open; when closed, the next opening and (unless
    the citizen left contact data) the call back offer."""
    if is_open(office, now):
        return expectation(session=session, office=office, now=now)
    answer = N_("Sie bekommen hier eine Antwort {when}.").format(when=reopens(office, now))
    text = f"{closed_now(office, now)} {answer}"
    return text if ticket.callback_phone or ticket.callback_email else f"{text} {CALLBACK_OFFER}"


def while_waiting(*, session: Session, ticket: Ticket, text: str, now: dt.datetime | None = None) -> Message | None:
    """A waiting citizen who writes hears something: that it arrived (in alternating words, never the same twice in a
    row), or, for "abbrechen", that the request is withdrawn. Once a counsellor answers, the assistant keeps quiet."""
    if ticket.status != "waiting":
        return None
    office = session.get_one(Office, ticket.office_id)
    if _WITHDRAW.search(fold(text)):
        ticket.status, ticket.closed_at = "closed", utcnow()
        ticket.close_note = None
        ticket.summary = {**(ticket.summary or {}), "reason": "Von der Bürgerin / dem Bürger zurückgezogen"}
        record(session=session, ticket=ticket, kind="withdrawn")
        return _status_message(session, ticket, WITHDRAWN.format(office=office.name))
    last = session.execute(
        select(Message.text, Message.extra)
        .where(Message.conversation_id == ticket.conversation_id, Message.sender == "system")
        .order_by(Message.seq.desc())
        .limit(1)
    ).first()
    # What it said in German (a translated notice keeps its German text), to compare with the German line.
    previous = ((last.extra or {}).get("text_de") or last.text) if last else None
    status = waiting_status(session=session, ticket=ticket, office=office, now=now)
    first = WAITING_LINES[0].format(office=office.name, expect=status)
    return _status_message(session, ticket, WAITING_LINES[1].format(office=office.name) if previous == first else first)


def claim(*, session: Session, counsellor: Counsellor, ticket: Ticket) -> Message:
    if ticket.status != "waiting":
        raise TicketError(
            409,
            "Dieses Ticket ist nicht mehr offen." if ticket.status == "closed" else "Das Ticket wird schon bearbeitet.",
        )
    _conversation_or_gone(session, ticket)
    ticket.status, ticket.claimed_by, ticket.claimed_at = "active", counsellor.id, utcnow()
    record(session=session, ticket=ticket, kind="claimed", actor=counsellor)
    return _claim_notice(session, ticket)


CLAIMED = N_("Sie schreiben jetzt mit einer Beraterin oder einem Berater vom {office}.")


def _claim_notice(session: Session, ticket: Ticket) -> Message:
    office = session.get_one(Office, ticket.office_id)
    return _status_message(session, ticket, CLAIMED.format(office=office.name))


def reply(*, session: Session, counsellor: Counsellor, ticket: Ticket, text: str) -> list[Message]:
    """The counsellor's answer; a waiting ticket is claimed with it, and then the citizen gets the claim notice
    first (on every channel), then the answer."""
    _conversation_or_gone(session, ticket)  # a deleted conversation is the clearer reason
    if ticket.status == "closed":
        raise TicketError(409, "Das Ticket ist geschlossen.")
    conversation = _conversation_or_gone(session, ticket)
    out = [claim(session=session, counsellor=counsellor, ticket=ticket)] if ticket.status == "waiting" else []
    ticket.first_reply_at = ticket.first_reply_at or utcnow()
    office = session.get_one(Office, ticket.office_id)
    message = conversations.append(
        session=session,
        conversation=conversation,
        sender="counsellor",
        text=text,
        extra={"handover": handover_info(ticket, office)},
    )
    note_message(ticket, sender="counsellor", text=text)
    record(session=session, ticket=ticket, kind="replied", actor=counsellor)  # never the text
    return [*out, message]


def close(*, session: Session, counsellor: Counsellor, ticket: Ticket, note: str | None) -> Message | None:
    if ticket.status == "closed":
        raise TicketError(409, "Das Ticket ist schon geschlossen.")
    ticket.status, ticket.closed_at, ticket.close_note = "closed", utcnow(), (note or None)
    record(session=session, ticket=ticket, kind="closed", actor=counsellor)
    if ticket.conversation_id is None or session.get(Conversation, ticket.conversation_id) is None:
        return None
    return _status_message(
        session,
        ticket,
        N_("Die Beratung ist beendet. Ab jetzt antworte wieder ich, der digitale Bildungslotse. Wobei kann ich helfen?"),
    )


def transfer_notice(target: Office, *, now: dt.datetime | None = None) -> str:
    parts = [
        N_(
            "Ihre Anfrage ist jetzt beim {office}: Dort kann man Ihnen besser weiterhelfen. "
            "Ihre Nachrichten an die Beratung gehen mit dorthin."
        ).format(office=target.name)
    ]
    if is_open(target, now):
        parts.append(N_("Eine Beraterin oder ein Berater von dort meldet sich hier im Chat."))
    else:
        when = reopens(target, now)
        parts.append(N_("Das Büro ist gerade geschlossen; Sie bekommen hier eine Antwort {when}.").format(when=when))
    return " ".join(parts)


def transfer(*, session: Session, counsellor: Counsellor, ticket: Ticket, office_id: str, reason: str) -> Message:
    """Pass the ticket to another office: it waits in that office's queue again, with the reason for the receiving
    counsellors; the citizen is told in their channel."""
    if ticket.status == "closed":
        raise TicketError(409, "Ein abgeschlossenes Ticket kann nicht weitergegeben werden.")
    target = session.get(Office, office_id.strip()[:40])
    if target is None:
        raise TicketError(404, "Dieses Bildungsbüro gibt es nicht.")
    if target.id == ticket.office_id:
        raise TicketError(422, f"Das Ticket ist schon beim {target.name}.")
    reason = reason.strip()
    if not reason:
        raise TicketError(422, "Bitte schreiben Sie einen Grund für die Weitergabe dazu.")
    _conversation_or_gone(session, ticket)
    source = ticket.office_id
    ticket.office_id, ticket.status, ticket.claimed_by, ticket.claimed_at = target.id, "waiting", None, None
    ticket.queued_at, ticket.transferred_from, ticket.transfer_reason = utcnow(), source, reason
    record(session=session, ticket=ticket, kind="transferred", actor=counsellor, from_office=source, to_office=target.id,
           reason=reason)  # fmt: skip
    return _status_message(session, ticket, transfer_notice(target))


def assign(*, session: Session, counsellor: Counsellor, ticket: Ticket, username: str) -> Message | None:
    """Hand the ticket to a colleague of the same office; a waiting ticket is claimed for them (the citizen hears
    that a counsellor writes now), an active one changes hands without a notice."""
    if ticket.status == "closed":
        raise TicketError(409, "Ein abgeschlossenes Ticket kann niemandem mehr zugewiesen werden.")
    colleague = get_by_username(session=session, username=username.strip()[:80])
    if colleague is None:
        raise TicketError(404, "Dieses Benutzerkonto gibt es nicht.")
    office = session.get_one(Office, ticket.office_id)
    if colleague.office_id != ticket.office_id:
        raise TicketError(
            422, f"{colleague.username} gehört nicht zum {office.name}. Geben Sie das Ticket stattdessen an das Büro weiter."
        )
    if ticket.status == "active" and ticket.claimed_by == colleague.id:
        raise TicketError(409, f"Das Ticket ist schon bei {colleague.username}.")
    waiting = ticket.status == "waiting"
    if waiting:
        _conversation_or_gone(session, ticket)
    ticket.status, ticket.claimed_by, ticket.claimed_at = "active", colleague.id, utcnow()
    record(session=session, ticket=ticket, kind="assigned", actor=counsellor, assignee=colleague.username)
    return _claim_notice(session, ticket) if waiting else None


def mark_callback(*, session: Session, counsellor: Counsellor, ticket: Ticket, done: bool, note: str | None) -> None:
    """The call back is done (with an optional note for colleagues) or open again. The history notes who and when,
    never the note."""
    if not callback_wished(ticket):
        raise TicketError(409, "Für dieses Ticket ist kein Rückruf gewünscht.")
    note = (note or "").strip() or None
    if done:
        if ticket.callback_done_at is not None:
            raise TicketError(409, f"Der Rückruf ist schon erledigt (von {ticket.callback_done_by}).")
        ticket.callback_done_at, ticket.callback_done_by = utcnow(), counsellor.username
        ticket.callback_note = note or ticket.callback_note
        record(session=session, ticket=ticket, kind="callback_done", actor=counsellor,
               detail="mit Notiz" if note else None)  # fmt: skip
        return
    if ticket.callback_done_at is None:
        raise TicketError(409, "Der Rückruf ist noch offen.")
    ticket.callback_done_at = ticket.callback_done_by = None
    if note:
        ticket.callback_note = note
    record(session=session, ticket=ticket, kind="callback_reopened", actor=counsellor)


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
        ticket.close_note = ticket.callback_note = None
        ticket.title = ticket.preview = ticket.preview_sender = ticket.transfer_reason = None
        for event in session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)):
            event.reason = None  # a transfer's reason may quote the citizen
        if ticket.status != "closed":
            ticket.status, ticket.closed_at = "closed", utcnow()
        record(session=session, ticket=ticket, kind="deleted")
    reads.forget(session=session, ticket_ids=[ticket_id for _, ticket_id in touched])  # the unread markers
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
