"""Base classes of our actions.

``BlockingAction``: the action's work blocks (database reads), so it runs in a worker thread and the action
server's event loop stays free for the other conversations. ``MessagesAction``: the one base for actions that
talk in chat messages built by plain functions."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from core.i18n import N_, join, t


class BlockingAction(Action, ABC):
    @abstractmethod
    def run_blocking(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        return await asyncio.to_thread(self.run_blocking, dispatcher, tracker, domain)


class MessagesAction(BlockingAction, ABC):
    """Subclasses implement :meth:`respond` as (messages, slot changes); this sends and sets them.

    A message with ``offers`` (or other structured parts) goes out as a custom payload, which the
    gateway turns into ``Message.offers``; plain text and buttons go out as ordinary messages. A composed text
    (``core.i18n.message``) keeps its text in the engine's history and sends its description along as a
    custom part ``{"i18n": …}``, which the gateway joins to the text again.
    """

    @abstractmethod
    def respond(self, tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]: ...

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        messages, slots = self.respond(tracker)
        _never_twice(messages, last_bot_text(tracker))
        for message in messages:
            if set(message) <= {"text", "buttons", "i18n"}:
                described = {"i18n": message["i18n"]} if message.get("i18n") else None
                dispatcher.utter_message(text=message.get("text"), buttons=message.get("buttons") or [], json_message=described)
            else:
                dispatcher.utter_message(json_message=message)
        return [SlotSet(name, value) for name, value in slots.items()]


# Other words for the questions the assistant may have to ask again: a citizen never gets the identical reply twice.
REPHRASED = {
    "Gern suche ich nach": N_("Dafür brauche ich noch Ihre Gemeinde oder Postleitzahl – zum Beispiel „Melle“ oder „49324“."),
    "Was für ein Angebot suchen Sie?": N_(
        "Schreiben Sie mir bitte ein Stichwort, zum Beispiel „Deutschkurs“ oder „Krabbelgruppe“ – oder tippen Sie auf ein Thema:"
    ),
    "Welches der Angebote meinen Sie?": N_("Bitte tippen Sie auf das Angebot, das Sie meinen:"),
}
AGAIN = N_("Noch einmal kurz:")


def last_bot_text(tracker: Tracker) -> str | None:
    """The assistant's last words before this turn (the text of its last message)."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            # A message with offers went out as a custom payload: its text is there, not in the event's text.
            custom = (event.get("data") or {}).get("custom") or {}
            return str(event.get("text") or (custom.get("text") if isinstance(custom, dict) else "") or "")
    return None


def turns(tracker: Tracker) -> list[list[dict[str, Any]]]:
    """The conversation in turns, newest first: each a citizen's message and what followed it until the next one.

    The first is the turn being answered now (the latest message); events before the first message are left out."""
    out: list[list[dict[str, Any]]] = []
    turn: list[dict[str, Any]] = []
    for event in reversed(tracker.events):
        turn.append(event)
        if event.get("event") == "user":
            out.append(turn[::-1])
            turn = []
    return out


def slot_before_this_turn(tracker: Tracker, name: str) -> Any:
    """The slot's value before the citizen's latest message (the engine's slot mappings run after it)."""
    for turn in turns(tracker)[1:]:
        for event in reversed(turn):
            if event.get("event") == "slot" and event.get("name") == name:
                return event.get("value")
    return None


def _never_twice(messages: list[dict[str, Any]], previous: str | None) -> None:
    if not messages or previous is None or messages[0].get("text") != previous:
        return
    text = str(messages[0]["text"])
    again = next((alt for start, alt in REPHRASED.items() if text.startswith(start)), None)
    if again and again != previous:
        messages[0]["text"] = again
        messages[0].pop("i18n", None)
        return
    messages[0]["text"] = AGAIN + " " + text
    if messages[0].get("i18n"):
        messages[0]["i18n"] = join(t(AGAIN), messages[0]["i18n"], sep=" ")


def latest_intent(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("intent", {}).get("name") or "")


def latest_text(tracker: Tracker) -> str:
    """The message text plus values of ``refine`` entities (set by buttons such as "Nur kostenlose")."""
    message = tracker.latest_message or {}
    refine = [str(e.get("value")) for e in message.get("entities", []) if e.get("entity") == "refine"]
    return " ".join([str(message.get("text") or ""), *refine])
