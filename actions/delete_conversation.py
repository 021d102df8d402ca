"""Asks the gateway to delete the conversation everywhere (its DELETE does the work)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from core.i18n import N_

DELETED = N_("Ihr Chatverlauf ist gelöscht. Wenn Sie mir wieder schreiben, beginnt ein neues Gespräch.")


class ActionDeleteConversation(Action):
    def name(self) -> str:
        return "action_delete_conversation"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(json_message={"text": DELETED, "action": "delete_conversation"})
        return []
