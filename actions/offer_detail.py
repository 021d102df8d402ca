"""A question about one of the offers of the last reply, answered from the catalogue's data."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.base import MessagesAction, latest_text
from actions.offer_facts import Card, answer, aspects, which
from catalogue.models import Offer
from core.db import read_scope
from core.i18n import N_


class ActionOfferDetail(MessagesAction):
    def name(self) -> str:
        return "action_offer_detail"

    def respond(self, tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        cards = [Card(**c) for c in (tracker.get_slot("shown_offers") or []) if isinstance(c, dict)]
        text = latest_text(tracker)
        if not cards:
            return [{"text": N_("Dazu habe ich Ihnen noch keine Angebote gezeigt. Was suchen Sie, und wo wohnen Sie?")}], {}
        entities = (tracker.latest_message or {}).get("entities", [])
        chosen = str(next((e.get("value") for e in entities if e.get("entity") == "offer"), ""))
        index = int(chosen) - 1 if chosen.isdigit() and 0 < int(chosen) <= len(cards) else which(text, cards)
        focus = tracker.get_slot("offer_in_focus")
        if index is None and isinstance(focus, int | float) and 0 < focus <= len(cards):
            index = int(focus) - 1  # "und die Telefonnummer?" is about the card asked about last
        asked = aspects(text)
        if index is None and asked != ["overview"]:
            return [{"text": _for_every_card(cards, asked, text)}], {}
        if index is None:
            buttons = [{"title": f"{i + 1}. {c.title[:40]}", "payload": f"/ask_offer_detail{{\"offer\": {i + 1}}}"}
                       for i, c in enumerate(cards)]  # fmt: skip
            return [{"text": N_("Welches der Angebote meinen Sie?"), "buttons": buttons}], {}
        with read_scope() as session:
            offer = session.get(Offer, cards[index].id)
            if offer is None:
                return [{"text": N_("Dieses Angebot gibt es leider nicht mehr im Katalog.")}], {}
            reply = answer(offer, asked, text=text)
        return [{"text": reply}], {"offer_in_focus": index + 1}


def _for_every_card(cards: list[Card], asked: list[str], text: str) -> str:
    """ "Wo genau ist das?" after several cards: one short answer per card rather than asking back."""
    with read_scope() as session:
        lines = []
        for number, card in enumerate(cards, start=1):
            offer = session.get(Offer, card.id)
            if offer is not None:
                lines.append(f"{number}. {answer(offer, asked, text=text)}")
    return "\n".join(lines) or N_("Diese Angebote gibt es leider nicht mehr im Katalog.")
