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
from core.i18n import N_


def office_text(municipality: str | None, postcode: str | None, *, now: dt.datetime | None = None) -> str | None:
    """The office, its hours, closures of the next weeks, whether it is open and how to reach it: read from the
    database each time, so what an office edits in the inbox counts from the next answer."""
    with read_scope() as session:
        place = place_or_raise(session=session, municipality=municipality, postcode=postcode)
        if place is None:
            return None
        office, distance = nearest_office(session=session, municipality=place.municipality)
        # Sentences from marked templates: the gateway recognises them and says them in the citizen's language.
        parts = [
            N_("Für {place} ist das {office} zuständig ({km} km entfernt).").format(
                place=place.municipality.name, office=office.name, km=f"{distance:.0f}"
            ),
            N_("Öffnungszeiten: {hours}.").format(hours=format_hours(office) or N_("nach Vereinbarung")),
        ]
        closed = closures_text(office, today=(now or dt.datetime.now(BERLIN)).astimezone(BERLIN).date())
        if closed:
            parts.append(closed[0].upper() + closed[1:] + ".")
        if is_open(office, now):
            parts.append(N_("Es ist gerade geöffnet."))
        else:
            opening = next_opening(office, now)
            parts.append(N_("Es ist gerade geschlossen."))
            if opening:
                parts.append(N_("Wieder geöffnet ab {when} Uhr.").format(when=f"{opening.astimezone(BERLIN):%d.%m. %H:%M}"))
        contact = [
            N_("Telefon {phone}").format(phone=office.phone) if office.phone else "",
            N_("E-Mail {email}").format(email=office.email) if office.email else "",
        ]
        if any(contact):
            parts.append(N_("Erreichbar: {ways}.").format(ways=", ".join(c for c in contact if c)))
        if office.address:
            parts.append(N_("Adresse: {address}.").format(address=office.address))
        return " ".join(parts)


OFFICE_ASKED = N_("Gern nenne ich Ihnen Ihr Bildungsbüro.")


def office_answer(municipality: str | None, postcode: str | None) -> str:
    try:
        text = office_text(municipality, postcode)
    except NotFoundError as exc:
        return f"{exc} " + N_("Nennen Sie mir bitte Ihre Gemeinde oder Postleitzahl.")
    return text or OFFICE_ASKED + " " + N_("In welcher Gemeinde wohnen Sie?")


class ActionOfficeInfo(BlockingAction):
    def name(self) -> str:
        return "action_office_info"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=office_answer(tracker.get_slot("municipality"), tracker.get_slot("postcode")))
        return []
