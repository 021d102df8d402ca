"""Restart (overrides Rasa's default action): forget slots and say so in German."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted
from rasa_sdk.executor import CollectingDispatcher

from core.i18n import N_


class ActionRestart(Action):
    def name(self) -> str:
        return "action_restart"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=N_("Alles klar, wir fangen von vorne an. Was suchen Sie?"))
        return [Restarted()]
