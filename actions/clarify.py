"""When the engine is unsure: offer the two most likely readings; after two misses, a person."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Tracker

from actions.base import MessagesAction
from actions.offer_search import COUNSELLOR_BUTTON

READINGS = {
    "search_offers": "Ich suche ein Angebot",
    "inform": "Das gehört zu meiner Suche",
    "more_offers": "Weitere Angebote zeigen",
    "ask_funding": "Wer bezahlt das?",
    "ask_office": "Mein Bildungsbüro",
    "request_counsellor": "Mit einem Menschen sprechen",
    "help": "Was kannst du?",
    "delete_data": "Meine Daten löschen",
    "restart": "Neu anfangen",
    "bot_challenge": "Bist du ein Mensch?",
    "greet": "Hallo sagen",
    "goodbye": "Tschüss sagen",
    "thank": "Danke sagen",
}


def misses_in_a_row(tracker: Tracker) -> int:
    """How many of the citizen's latest messages in a row the engine did not understand."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if (event.get("parse_data") or {}).get("intent", {}).get("name") != "nlu_fallback":
                break
            count += 1
    return count


def readings(tracker: Tracker) -> list[dict[str, str]]:
    message = tracker.latest_message or {}
    text = str(message.get("text") or "")[:60]
    buttons: list[dict[str, str]] = []
    for ranked in message.get("intent_ranking", []):
        name = ranked.get("name")
        if name in READINGS and len(buttons) < 2:
            payload = f"/{name}"
            if name in {"search_offers", "inform"} and text and not text.startswith("/"):
                payload += json.dumps({"topic": text}, ensure_ascii=False)
            buttons.append({"title": READINGS[name], "payload": payload})
    return buttons


class ActionClarify(MessagesAction):
    def name(self) -> str:
        return "action_clarify"

    def respond(self, tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        if misses_in_a_row(tracker) >= 2:
            text = (
                "Ich verstehe Sie leider nicht richtig. Möchten Sie mit einer Beraterin oder einem Berater "
                "Ihres Bildungsbüros sprechen? Sie können es auch mit anderen Worten noch einmal versuchen."
            )
            return [{"text": text, "buttons": [COUNSELLOR_BUTTON]}], {
                "handover_reason": "Der Assistent hat mehrfach nicht verstanden"
            }
        buttons = readings(tracker)
        text = "Ich bin nicht sicher, ob ich Sie richtig verstehe. Meinen Sie eines davon?"
        if not buttons:
            text = "Das habe ich leider nicht verstanden. Können Sie es anders formulieren?"
        return [{"text": text, "buttons": buttons}], {}
