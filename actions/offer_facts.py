"""Answers about the offers of the last reply: which card is meant ("der dritte", "der in Bohmte") and what
the catalogue says about it (start, place, contact, registration, price, age, times, childcare, access).
What the data does not hold is said plainly, with who can tell."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from catalogue.models import Offer
from catalogue.query import parse
from catalogue.service import next_start
from catalogue.text import fold

ORDINALS = {
    "erst": 0, "1.": 0, "zweit": 1, "2.": 1, "dritt": 2, "3.": 2, "viert": 3, "4.": 3, "fuenft": 4, "5.": 4,
}  # fmt: skip
_ORDINAL = re.compile(r"\b(erst|zweit|dritt|viert|fuenft)(e|er|es|en|em)?\b|\b([1-5])\.(?=\s)")
_LAST = re.compile(r"\bletzte[nmrs]?\b")
ASPECTS: list[tuple[str, re.Pattern[str]]] = [
    ("contact", re.compile(r"nummer|telefon|anruf|kontakt|e-?mail|erreich")),
    ("register", re.compile(r"anmeld|melde ich|registr|buchen|link|platz|plaetze")),
    ("price", re.compile(r"kost|preis|teuer|gebuehr|bezahl|kostenlos|umsonst")),
    ("age", re.compile(r"alter|jahr|jaehrig|geeignet|passt|baby|kind|sohn|tochter|mitmachen")),
    ("childcare", re.compile(r"kinderbetreuung|betreuung")),
    ("access", re.compile(r"barriere|rollstuhl|aufzug|stufen")),
    ("place", re.compile(r"\bwo\b|adresse|ort\b|hinkomm|strasse|online oder")),
    ("when", re.compile(r"wann|beginn|start|faengt|los|termin|uhr|tag|dauer|wie lange|wie oft")),
]
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
    """Two or three short sentences from the offer's own data, one per aspect asked."""
    today = today or dt.date.today()
    parts: list[str] = []
    for aspect in asked:
        parts.append(_ANSWERS[aspect](offer, today, text))
    return f"„{offer.title}“ ({offer.provider.name}): " + " ".join(parts)


def _when(offer: Offer, today: dt.date, _: str) -> str:
    start = next_start(offer, today)
    out = f"Nächster Beginn: {_date(start)}." if start else "Einen Starttermin nennt der Anbieter nicht."
    if offer.schedule:
        out += f" Zeiten: {offer.schedule}."
    if offer.duration_hours:
        out += f" Umfang: {offer.duration_hours:g} Stunden."
    return out


def _place(offer: Offer, _: dt.date, __: str) -> str:
    if offer.online:
        return "Das Angebot findet online statt."
    where = ", ".join(
        p for p in (offer.address, f"{offer.postcode or ''} {offer.municipality.name if offer.municipality else ''}".strip()) if p
    )
    return f"Ort: {where}." if where else "Die genaue Adresse steht nicht in meinen Daten – der Anbieter nennt sie Ihnen."


def _contact(offer: Offer, _: dt.date, __: str) -> str:
    ways = [w for w in (f"Telefon {offer.contact_phone}" if offer.contact_phone else "",
                        f"E-Mail {offer.contact_email}" if offer.contact_email else "") if w]  # fmt: skip
    if ways:
        return "Kontakt: " + ", ".join(ways) + "."
    return "Eine Telefonnummer oder E-Mail-Adresse steht nicht in meinen Daten" + (
        f"; mehr auf {offer.url}." if offer.url else "."
    )


def _register(offer: Offer, today: dt.date, text: str) -> str:
    if offer.url:
        out = f"Anmelden können Sie sich über die Seite des Anbieters: {offer.url}"
    elif offer.contact_phone or offer.contact_email:
        out = "Bitte melden Sie sich direkt beim Anbieter an. " + _contact(offer, today, text)
    else:
        out = "Wie die Anmeldung geht, steht nicht in meinen Daten – Ihr Bildungsbüro hilft gern weiter."
    return out.rstrip(".") + "."


def _price(offer: Offer, _: dt.date, __: str) -> str:
    if offer.cost_eur == 0:
        out = "Das Angebot ist kostenlos."
    elif offer.cost_eur is not None:
        out = f"Es kostet {offer.cost_eur:.2f} €".replace(".", ",") + "."
    else:
        out = "Den Preis nennt der Anbieter nicht."
    if offer.funding:
        out += " Mögliche Förderung: " + ", ".join(offer.funding) + "."
    return out


def _age(offer: Offer, _: dt.date, text: str) -> str:
    if offer.age_min is None and offer.age_max is None:
        span = "Eine Altersgrenze nennt der Anbieter nicht."
    elif offer.age_max is None:
        span = f"Es ist ab {offer.age_min} Jahren."
    elif offer.age_min is None or offer.age_min == 0:
        span = f"Es ist für Kinder bis {offer.age_max} Jahre." if offer.age_max < 18 else f"Es ist bis {offer.age_max} Jahre."
    else:
        span = f"Es ist für {offer.age_min} bis {offer.age_max} Jahre."
    parsed = parse(text)
    if parsed.age_min is not None:
        lo, hi = offer.age_min or 0, offer.age_max if offer.age_max is not None else 200
        fits = lo <= parsed.age_min <= hi
        span += " Das passt." if fits else " Für dieses Alter passt es leider nicht."
    return span


def _childcare(offer: Offer, _: dt.date, __: str) -> str:
    return "Während des Kurses gibt es eine Kinderbetreuung." if offer.childcare else "Eine Kinderbetreuung ist nicht angegeben."


def _access(offer: Offer, _: dt.date, __: str) -> str:
    return (
        f"Barrierefreiheit: {offer.accessibility}"
        if offer.accessibility
        else "Zur Barrierefreiheit steht nichts in meinen Daten."
    )


def _overview(offer: Offer, today: dt.date, text: str) -> str:
    description = (offer.description or "").strip()
    short = description[:220].rsplit(" ", 1)[0] + " …" if len(description) > 220 else description
    return " ".join(p for p in (short, _when(offer, today, text), _place(offer, today, text), _price(offer, today, text)) if p)


_ANSWERS = {
    "when": _when, "place": _place, "contact": _contact, "register": _register, "price": _price, "age": _age,
    "childcare": _childcare, "access": _access, "overview": _overview,
}  # fmt: skip
