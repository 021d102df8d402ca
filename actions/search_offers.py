"""Search for offers: a new search, or an answer/refinement that continues the last one."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.base import MessagesAction, latest_intent, latest_text
from actions.offer_search import refinement_from_text, run_search, slots_of

# Set by earlier refinements; a new search request starts without them.
REFINEMENT_SLOTS = ("free", "max_cost", "online", "exclude_municipality", "radius", "age_asked", "age")


class ActionSearchOffers(MessagesAction):
    def name(self) -> str:
        return "action_search_offers"

    def respond(self, tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        slots = slots_of(tracker)
        changes: dict[str, Any] = {}
        given = {e.get("entity") for e in (tracker.latest_message or {}).get("entities", [])}
        if latest_intent(tracker) == "search_offers" and "topic" in given:
            changes = {name: None for name in REFINEMENT_SLOTS if name not in given}
        refinement = refinement_from_text(latest_text(tracker), slots, slots.get("shown_costs") or [])
        changes.update(refinement.slots)
        slots.update(changes)
        outcome = run_search(slots, page=0, record=True)
        return outcome.messages, {**changes, **outcome.slots}
