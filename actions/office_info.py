"""Tells the citizen the nearest Bildungsbüro, its opening hours and whether it is open now."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import BlockingAction
from catalogue.places import NotFoundError, format_hours, is_open, nearest_office, place_or_raise
from core.db import read_scope


def office_text(municipality: str | None, postcode: str | None) -> str | None:
    with read_scope() as session:
        place = place_or_raise(session=session, municipality=municipality, postcode=postcode)
        if place is None:
            return None
        office, distance = nearest_office(session=session, municipality=place.municipality)
        state = "Es ist gerade geöffnet." if is_open(office) else "Es ist gerade geschlossen."
        return (
            f"Für {place.municipality.name} ist das {office.name} zuständig ({distance:.0f} km entfernt). "
            f"Öffnungszeiten: {format_hours(office)}. {state}"
        )


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
