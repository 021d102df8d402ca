"""Answers about the offers of the last reply: which card is meant ("der dritte", "der in Bohmte") and what
the catalogue says about it (start, place, contact, registration, price, age, level, times, childcare,
access).
What the data does not hold is said plainly, with who can tell."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from actions.funding import funding_name
from catalogue.models import Offer
from catalogue.query import parse
from catalogue.service import next_start
from catalogue.text import fold
from core.i18n import N_

ORDINALS = {
    "erst": 0, "1.": 0, "zweit": 1, "2.": 1, "dritt": 2, "3.": 2, "viert": 3, "4.": 3, "fuenft": 4, "5.": 4,
}  # fmt: skip
_ORDINAL = re.compile(r"\b(erst|zweit|dritt|viert|fuenft)(e|er|es|en|em)?\b|\b([1-5])\.(?=\s)")
_LAST = re.compile(r"\bletzte[nmrs]?\b")
ASPECTS: list[tuple[str, re.Pattern[str]]] = [
    ("contact", re.compile(r"nummer|telefon|anruf|kontakt|e-?mail|erreich")),
    ("register", re.compile(r"anmeld|melde ich|registr|buchen|link|platz|plaetze|hingeh|einfach hin|vorbei")),
    ("price", re.compile(r"kost|preis|teuer|gebuehr|bezahl|\bzahl(e|en|t|st)?\b|umsonst")),
    ("age", re.compile(r"alter|jahr|jaehrig|geeignet|passt|baby|kind|sohn|tochter|mitmachen")),
    ("level", re.compile(r"niveau|level|anfaenger|fortgeschritten|vorkenntnis|sprachstufe|\b[abc][12]\b")),
    ("childcare", re.compile(r"kinderbetreuung|betreuung")),
    ("access", re.compile(r"barriere|rollstuhl|aufzug|stufen")),
    ("place", re.compile(r"\bwo\b|adresse|ort\b|hinkomm|strasse|online oder")),
    ("when", re.compile(r"wann|beginn|start|faengt|\blos\b|termin|uhr|tag|dauer|wie lange?\b|wie oft")),
]
# Language levels as offers name them in title, keywords or description ("Deutsch B1", "A1–A2").
_LEVEL_CODE = re.compile(r"\b([ABC][12])\b")
_BEGINNERS = re.compile(r"anfänger|einsteiger|grundkurs|ohne vorkenntnisse", re.IGNORECASE)
WEEKDAY_NAMES = ["montags", "dienstags", "mittwochs", "donnerstags", "freitags", "samstags", "sonntags"]


@dataclass
class Card:
    """One shown offer card as the gateway stored it (id, title, place)."""

    id: str
    title: str
    municipality: str


def which(text: str, cards: list[Card]) -> int | None:
    """The index of the card a follow-up means; None when it names none (the caller asks back if needed)."""
    t = fold(text)
    if len(cards) == 1:
        return 0
    if _LAST.search(t):
        return len(cards) - 1
    found = _ORDINAL.search(t + " ")
    if found:
        index = ORDINALS[found.group(1)] if found.group(1) else int(found.group(3)) - 1
        return index if index < len(cards) else None
    places = [i for i, c in enumerate(cards) if c.municipality and fold(c.municipality) in t]
    if len(places) == 1:
        return places[0]
    return None


def aspects(text: str) -> list[str]:
    t = fold(text)
    found = [name for name, pattern in ASPECTS if pattern.search(t)]
    return found or ["overview"]


def _date(day: dt.date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()].removesuffix('s').capitalize()}, {day:%d.%m.%Y}"


def answer(offer: Offer, asked: list[str], *, text: str = "", today: dt.date | None = None) -> str:
    """Two or three short sentences from the offer's own data, one per aspect asked. The sentences come from
    marked templates, so that the gateway can say them in the citizen's language; the data stays as it is."""
    today = today or dt.date.today()
    parts: list[str] = []
    for aspect in asked:
        parts.append(_ANSWERS[aspect](offer, today, text))
    return N_("„{title}“ ({provider}):").format(title=offer.title, provider=offer.provider.name) + " " + " ".join(parts)


def _when(offer: Offer, today: dt.date, _: str) -> str:
    start = next_start(offer, today)
    parts = [
        N_("Nächster Beginn: {date}.").format(date=_date(start)) if start else N_("Einen Starttermin nennt der Anbieter nicht.")
    ]
    if offer.schedule:
        parts.append(N_("Zeiten: {schedule}.").format(schedule=offer.schedule))
    if offer.duration_hours:
        parts.append(N_("Umfang: {hours} Stunden.").format(hours=f"{offer.duration_hours:g}"))
    return " ".join(parts)


def _place(offer: Offer, _: dt.date, __: str) -> str:
    if offer.online:
        return N_("Das Angebot findet online statt.")
    where = ", ".join(
        p for p in (offer.address, f"{offer.postcode or ''} {offer.municipality.name if offer.municipality else ''}".strip()) if p
    )
    if where:
        return N_("Ort: {where}.").format(where=where)
    return N_("Die genaue Adresse steht nicht in meinen Daten – der Anbieter nennt sie Ihnen.")


def _contact(offer: Offer, _: dt.date, __: str) -> str:
    ways = [w for w in (N_("Telefon {phone}").format(phone=offer.contact_phone) if offer.contact_phone else "",
                        N_("E-Mail {email}").format(email=offer.contact_email) if offer.contact_email else "") if w]  # fmt: skip
    if ways:
        return N_("Kontakt: {ways}.").format(ways=", ".join(ways))
    if offer.url:
        return N_("Eine Telefonnummer oder E-Mail-Adresse steht nicht in meinen Daten; mehr auf {url}.").format(url=offer.url)
    return N_("Eine Telefonnummer oder E-Mail-Adresse steht nicht in meinen Daten.")


def _register(offer: Offer, today: dt.date, text: str) -> str:
    if offer.url:
        return N_("Anmelden können Sie sich über die Seite des Anbieters: {url}.").format(url=offer.url.rstrip("."))
    if offer.contact_phone or offer.contact_email:
        out = N_("Bitte melden Sie sich direkt beim Anbieter an.") + " " + _contact(offer, today, text)
    else:
        out = N_("Wie die Anmeldung geht, steht nicht in meinen Daten – Ihr Bildungsbüro hilft gern weiter.")
    return out.rstrip(".") + "."


def _price(offer: Offer, _: dt.date, __: str) -> str:
    if offer.cost_eur == 0:
        out = N_("Das Angebot ist kostenlos.")
    elif offer.cost_eur is not None:
        out = N_("Es kostet {amount} €.").format(amount=f"{offer.cost_eur:.2f}".replace(".", ","))
    else:
        out = N_("Den Preis nennt der Anbieter nicht.")
    if offer.funding:
        out += " " + N_("Mögliche Förderung: {programmes}.").format(programmes=", ".join(map(funding_name, offer.funding)))
    return out


def _age(offer: Offer, _: dt.date, text: str) -> str:
    if offer.age_min is None and offer.age_max is None:
        span = N_("Eine Altersgrenze nennt der Anbieter nicht.")
    elif offer.age_max is None:
        span = N_("Es ist ab {age} Jahren.").format(age=offer.age_min)
    elif offer.age_min is None or offer.age_min == 0:
        up_to = N_("Es ist für Kinder bis {age} Jahre.") if offer.age_max < 18 else N_("Es ist bis {age} Jahre.")
        span = up_to.format(age=offer.age_max)
    else:
        span = N_("Es ist für {low} bis {high} Jahre.").format(low=offer.age_min, high=offer.age_max)
    parsed = parse(text)
    if parsed.age_min is not None:
        lo, hi = offer.age_min or 0, offer.age_max if offer.age_max is not None else 200
        fits = lo <= parsed.age_min <= hi
        span += " " + (N_("Das passt.") if fits else N_("Für dieses Alter passt es leider nicht."))
    return span


def _level(offer: Offer, _: dt.date, __: str) -> str:
    said = " ".join((offer.title, " ".join(offer.keywords or []), offer.description or ""))
    codes = sorted(set(_LEVEL_CODE.findall(said)))
    if codes:
        return N_("Niveau: {levels}.").format(levels=", ".join(codes))
    if _BEGINNERS.search(said):
        return N_("Das Angebot ist für Anfängerinnen und Anfänger.")
    return N_("Ein Niveau nennt der Anbieter nicht.")


def _childcare(offer: Offer, _: dt.date, __: str) -> str:
    if offer.childcare:
        return N_("Während des Kurses gibt es eine Kinderbetreuung.")
    return N_("Eine Kinderbetreuung ist nicht angegeben.")


def _access(offer: Offer, _: dt.date, __: str) -> str:
    if offer.accessibility:
        return N_("Barrierefreiheit: {details}").format(details=offer.accessibility)
    return N_("Zur Barrierefreiheit steht nichts in meinen Daten.")


def _overview(offer: Offer, today: dt.date, text: str) -> str:
    description = (offer.description or "").strip()
    short = description[:220].rsplit(" ", 1)[0] + " …" if len(description) > 220 else description
    return " ".join(p for p in (short, _when(offer, today, text), _place(offer, today, text), _price(offer, today, text)) if p)


_ANSWERS = {
    "when": _when, "place": _place, "contact": _contact, "register": _register, "price": _price, "age": _age,
    "level": _level, "childcare": _childcare, "access": _access, "overview": _overview,
}  # fmt: skip
