"""Searching the catalogue from the conversation: asks for what is missing, shows three offers a page."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from catalogue.places import NotFoundError
from catalogue.service import SearchQuery, offer_summary, search
from core.db import session_scope

PAGE_SIZE = 3
TOPIC_BUTTONS = [
    {"title": "Deutschkurs", "payload": '/inform{"topic": "Deutschkurs"}'},
    {"title": "Eltern-Kind-Gruppe", "payload": '/inform{"topic": "Eltern-Kind-Gruppe"}'},
    {"title": "Nachhilfe", "payload": '/inform{"topic": "Nachhilfe"}'},
    {"title": "Weiterbildung", "payload": '/inform{"topic": "Weiterbildung"}'},
]


def search_query(tracker: Tracker, page: int) -> SearchQuery:
    age = tracker.get_slot("age")
    return SearchQuery(
        q=tracker.get_slot("topic") or "",
        municipality=tracker.get_slot("municipality"),
        postcode=tracker.get_slot("postcode"),
        target_group=tracker.get_slot("target_group"),
        age=int(age) if age is not None else None,
        limit=PAGE_SIZE,
        offset=page * PAGE_SIZE,
    )


def run_search(dispatcher: CollectingDispatcher, tracker: Tracker, page: int) -> list[dict[str, Any]]:
    """Search and utter one page; returns the slot events to apply."""
    topic = tracker.get_slot("topic")
    if not topic:
        dispatcher.utter_message(text="Was für ein Angebot suchen Sie?", buttons=TOPIC_BUTTONS)
        return []
    if not tracker.get_slot("municipality") and not tracker.get_slot("postcode"):
        dispatcher.utter_message(
            text=f"Gern suche ich nach „{topic}“. In welcher Gemeinde wohnen Sie? (Name oder Postleitzahl)"
        )
        return []
    query = search_query(tracker, page)
    try:
        with session_scope() as session:
            result = search(session=session, query=query)
            offers = [offer_summary(h) for h in result.hits]
            place = result.place.municipality.name if result.place else None
    except NotFoundError as exc:
        dispatcher.utter_message(text=f"{exc} Bitte nennen Sie eine Gemeinde oder Postleitzahl im Landkreis.")
        return [SlotSet("municipality", None), SlotSet("postcode", None)]
    where = f" in der Nähe von {place}" if place else ""
    if not offers and page == 0:
        dispatcher.utter_message(
            text=f"Zu „{topic}“{where} habe ich leider kein passendes Angebot gefunden. "
            "Versuchen Sie ein anderes Stichwort, oder lassen Sie sich von Ihrem Bildungsbüro beraten."
        )
        return [SlotSet("search_page", 0)]
    if not offers:
        dispatcher.utter_message(text="Das waren alle passenden Angebote.")
        return []
    shown_to = query.offset + len(offers)
    if page == 0:
        text = f"Ich habe {result.total} passende Angebote zu „{topic}“{where} gefunden. Die besten {len(offers)}:"
    else:
        text = f"Angebote {query.offset + 1} bis {shown_to} von {result.total}:"
    buttons = [{"title": "Weitere Angebote", "payload": "/more_offers"}] if shown_to < result.total else []
    dispatcher.utter_message(json_message={"text": text, "offers": offers, "buttons": buttons})
    return [SlotSet("search_page", page)]


class ActionSearchOffers(Action):
    def name(self) -> str:
        return "action_search_offers"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        return run_search(dispatcher, tracker, page=0)


class ActionMoreOffers(Action):
    def name(self) -> str:
        return "action_more_offers"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        page = int(tracker.get_slot("search_page") or 0) + 1
        return run_search(dispatcher, tracker, page=page)
