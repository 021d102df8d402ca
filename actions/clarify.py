"""When the engine is unsure, or no rule fits what was said: one clarification, then listen.

It is also the RulePolicy's core fallback. It always reverts the citizen's message (``UserUtteranceReverted``),
so that the dialogue is back where it was and the next prediction is ``action_listen``: without that, the
policy finds no rule again and calls the fallback again, up to ten times in one reply.
"""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import UserUtteranceReverted

from actions.base import MessagesAction, turns
from actions.funding import explained_in, follow_up_in_context
from actions.offer_search import COUNSELLOR_BUTTON, TOPIC_BUTTONS
from core.i18n import N_

READINGS = {
    "search_offers": N_("Ich suche ein Angebot"),
    "inform": N_("Das gehört zu meiner Suche"),
    "more_offers": N_("Weitere Angebote zeigen"),
    "ask_funding": N_("Wer bezahlt das?"),
    "ask_office": N_("Mein Bildungsbüro"),
    "request_counsellor": N_("Mit einem Menschen sprechen"),
    "help": N_("Was kannst du?"),
    "delete_data": N_("Meine Daten löschen"),
    "restart": N_("Neu anfangen"),
}
SHORT_ANSWERS = {"affirm", "deny", "thank", "greet"}  # clear words that only lack a question to answer
HUMAN = {"title": N_("Mit einem Menschen sprechen"), "payload": "/request_counsellor"}
ASK_AGAIN = [
    N_("Das habe ich leider nicht verstanden. Worum geht es Ihnen? Zum Beispiel:"),
    N_("Ich bin nicht sicher, ob ich Sie richtig verstehe. Meinen Sie eines davon?"),
]
OFFER_HUMAN = [
    N_(
        "Ich verstehe Sie leider nicht richtig. Möchten Sie mit einer Beraterin oder einem Berater "
        "Ihres Bildungsbüros sprechen? Sie können es auch mit anderen Worten noch einmal versuchen."
    ),
    N_(
        "Leider verstehe ich das noch immer nicht. Eine Beraterin oder ein Berater Ihres Bildungsbüros hilft Ihnen "
        "gern persönlich weiter – oder Sie schreiben mir ein Stichwort wie „Deutschkurs“ oder „Nachhilfe“."
    ),
]


def misses_in_a_row(tracker: Tracker) -> int:
    """How many of the citizen's latest messages in a row were answered by a clarification (this one included).

    A clarification that answered in context (a funding follow-up: it set ``funding_topic``) was no miss."""
    count = 1
    for turn in turns(tracker)[1:]:
        actions = (e.get("name") for e in turn if e.get("event") == "action")
        answered_by = next((name for name in actions if name not in {"action_listen", None}), None)
        if answered_by != "action_clarify" or explained_in(turn):
            break
        count += 1
    return count


def readings(tracker: Tracker) -> list[dict[str, str]]:
    """The likely meanings the engine saw, as buttons (never "say hello" for a string of letters)."""
    message = tracker.latest_message or {}
    text = str(message.get("text") or "")[:60]
    buttons: list[dict[str, str]] = []
    for ranked in message.get("intent_ranking", []):
        name = ranked.get("name")
        if name in READINGS and name != "request_counsellor" and len(buttons) < 2 and (ranked.get("confidence") or 0) > 0.1:
            payload = f"/{name}"
            if name in {"search_offers", "inform"} and text and not text.startswith("/"):
                payload += json.dumps({"topic": text}, ensure_ascii=False)
            buttons.append({"title": READINGS[name], "payload": payload})
    return buttons


def _intent(tracker: Tracker) -> tuple[str, float]:
    message = tracker.latest_message or {}
    name = str((message.get("intent") or {}).get("name") or "")
    confidence = (message.get("intent") or {}).get("confidence")
    if confidence is None:
        confidence = next((r.get("confidence") for r in message.get("intent_ranking", []) if r.get("name") == name), 0.0)
    return name, float(confidence or 0.0)


class ActionClarify(MessagesAction):
    def name(self) -> str:
        return "action_clarify"

    def respond(self, tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        funding = follow_up_in_context(tracker)
        if funding is not None:
            return funding
        misses = misses_in_a_row(tracker)
        intent, confidence = _intent(tracker)
        if misses >= 2:
            text = OFFER_HUMAN[misses % 2]
            return [{"text": text, "buttons": [COUNSELLOR_BUTTON, *TOPIC_BUTTONS[:3]]}], {
                "handover_reason": "Der Assistent hat mehrfach nicht verstanden"
            }
        if intent in SHORT_ANSWERS and confidence >= 0.8:
            # "ja", "ok", "danke" with nothing to answer: say what is possible instead of guessing.
            text = N_("Gern! Wobei kann ich Ihnen helfen? Sie können mir einfach schreiben, was Sie suchen, oder antippen:")
            return [{"text": text, "buttons": [*TOPIC_BUTTONS, HUMAN]}], {}
        buttons = readings(tracker)
        text = ASK_AGAIN[1] if buttons else ASK_AGAIN[0]
        return [{"text": text, "buttons": [*buttons, *TOPIC_BUTTONS[: 4 - len(buttons)], HUMAN]}], {}

    def run_blocking(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        if means_search(tracker):
            # Unsure only between "inform" and "search_offers", which lead to the same search: just search.
            from actions.search_offers import ActionSearchOffers

            return ActionSearchOffers().run_blocking(dispatcher, tracker, domain)
        slots = super().run_blocking(dispatcher, tracker, domain)
        return [UserUtteranceReverted(), *slots]  # slots after the revert, or it would undo them


SEARCH_READINGS = {"inform", "search_offers"}
SEARCH_ENTITIES = {"topic", "municipality", "postcode", "age", "target_group", "language"}


def means_search(tracker: Tracker) -> bool:
    message = tracker.latest_message or {}
    ranking = [r.get("name") for r in message.get("intent_ranking", []) if r.get("name") != "nlu_fallback"][:2]
    entities = {e.get("entity") for e in message.get("entities", [])}
    return bool(ranking) and set(ranking) <= SEARCH_READINGS and bool(entities & SEARCH_ENTITIES)
