"""The next page of the last search."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.base import MessagesAction
from actions.offer_search import run_search, slots_of
from core.i18n import N_


class ActionMoreOffers(MessagesAction):
    def name(self) -> str:
        return "action_more_offers"

    def respond(self, tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        slots = slots_of(tracker)
        if not slots.get("topic"):
            return [{"text": N_("Wonach soll ich suchen? Schreiben Sie mir ein Stichwort, z. B. „Deutschkurs“.")}], {}
        page = int(tracker.get_slot("search_page") or 0) + 1
        outcome = run_search(slots, page=page, record=False)
        return outcome.messages, outcome.slots
