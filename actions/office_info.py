"""Tells the citizen the nearest Bildungsbüro, its opening hours and whether it is open now."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import BlockingAction
from catalogue.places import (
    BERLIN,
    NotFoundError,
    closures_text,
    format_hours,
    is_open,
    nearest_office,
    next_opening,
    place_or_raise,
)
from core.db import read_scope


def office_text(municipality: str | None, postcode: str | None, *, now: dt.datetime | None = None) -> str | None:
    """The office, its hours, closures of the next weeks, whether it is open and how to reach it: read from the
    database each time, so what an office edits in the inbox counts from the next answer."""
    with read_scope() as session:
        place = place_or_raise(session=session, municipality=municipality, postcode=postcode)
        if place is None:
            return None
        office, distance = nearest_office(session=session, municipality=place.municipality)
        parts = [
            f"Für {place.municipality.name} ist das {office.name} zuständig ({distance:.0f} km entfernt).",
            f"Öffnungszeiten: {format_hours(office) or 'nach Vereinbarung'}.",
        ]
        closed = closures_text(office, today=(now or dt.datetime.now(BERLIN)).astimezone(BERLIN).date())
        if closed:
            parts.append(closed[0].upper() + closed[1:] + ".")
        if is_open(office, now):
            parts.append("Es ist gerade geöffnet.")
        else:
            opening = next_opening(office, now)
            when = f" Wieder geöffnet ab {opening.astimezone(BERLIN):%d.%m. %H:%M} Uhr." if opening else ""
            parts.append("Es ist gerade geschlossen." + when)
        contact = [f"Telefon {office.phone}" if office.phone else "", f"E-Mail {office.email}" if office.email else ""]
        if any(contact):
            parts.append("Erreichbar: " + ", ".join(c for c in contact if c) + ".")
        if office.address:
            parts.append(f"Adresse: {office.address}.")
        return " ".join(parts)


OFFICE_ASKED = "Gern nenne ich Ihnen Ihr Bildungsbüro."


def office_answer(municipality: str | None, postcode: str | None) -> str:
    try:
        text = office_text(municipality, postcode)
    except NotFoundError as exc:
        return f"{exc} Nennen Sie mir bitte Ihre Gemeinde oder Postleitzahl."
    return text or f"{OFFICE_ASKED} In welcher Gemeinde wohnen Sie?"


class ActionOfficeInfo(BlockingAction):
    def name(self) -> str:
        return "action_office_info"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=office_answer(tracker.get_slot("municipality"), tracker.get_slot("postcode")))
        return []
