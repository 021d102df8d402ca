"""Questions the assistant cannot answer: say so kindly, name the county service that can, and offer
what the assistant can do instead.

The engine's out-of-scope reading is not the last word: a message that names an offer of the catalogue
("ICH BRAUCHE EINEN STAPLERSCHEIN IN WALLENHORST!!!") or states a need the Bildungsbüros know ("ich sitze den
ganzen Tag allein mit meiner Kleinen zuhause") is searched, and a wish to delete the chat ("loesch alles
was ich geschrieben hab") gets the delete prompt — unless a county service is the right address ("Führerschein"
goes to the Straßenverkehrsamt)."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import MessagesAction, latest_text
from actions.funding import follow_up_in_context
from actions.privacy import delete_wished
from actions.search_offers import REFINEMENT_SLOTS
from catalogue.needs import topic_of
from catalogue.query import offer_words, parse
from catalogue.text import fold
from core.i18n import N_

# (pattern on the folded message, where to turn instead)
REFERRALS = (
    (r"muell|abfall|tonne|sperrmuell|wertstoff|awigo",
     N_("Für Müllabfuhr und Abfallkalender ist die AWIGO (Abfallwirtschaft im Landkreis Osnabrück) zuständig: www.awigo.de")),
    (r"kfz|zulassung|nummernschild|kennzeichen|auto|fahrzeug|motorrad|fuehrerschein",
     N_("Kfz-Zulassung und Führerscheine: Straßenverkehrsamt des Landkreises Osnabrück, www.landkreis-osnabrueck.de")),
    (r"ausweis|reisepass|pass\b|meldebescheinigung|ummelden|anmelden wohnung|buergerbuero",
     N_("Ausweise, Pässe und Meldesachen erledigt das Bürgerbüro Ihrer Stadt oder Gemeinde.")),
    (r"wohngeld|buergergeld|sozialhilfe|hartz|grundsicherung",
     N_("Für Bürgergeld ist das Jobcenter (MaßArbeit) zuständig, für Wohngeld die Wohngeldstelle Ihrer Gemeinde.")),
    (r"bus|bahn|fahrplan|zug\b|ticket",
     N_("Fahrpläne für Bus und Bahn finden Sie bei der VOS (Verkehrsgemeinschaft Osnabrück): www.vos.info")),
    (r"arzt|termin beim|krank|corona|impf",
     N_("Bei Gesundheitsfragen hilft der ärztliche Bereitschaftsdienst unter 116 117, im Notfall die 112.")),
)  # fmt: skip
CAN_DO = N_(
    "Ich helfe bei Bildungs- und Familienangeboten im Landkreis Osnabrück: Kurse suchen, Kosten und "
    "Förderung erklären, Ihr Bildungsbüro nennen oder Sie mit einer Beraterin oder einem Berater verbinden."
)
BUTTONS = [
    {"title": N_("Angebot suchen"), "payload": "/search_offers"},
    {"title": N_("Wer bezahlt?"), "payload": "/ask_funding"},
    {"title": N_("Mit einem Menschen sprechen"), "payload": "/request_counsellor"},
]


def referral(text: str) -> str | None:
    """The county service for what the message names ("Führerschein" → Straßenverkehrsamt), or None."""
    t = fold(text)
    return next((answer for pattern, answer in REFERRALS if re.search(pattern, t)), None)


def out_of_scope_answer(text: str) -> str:
    first = N_("Dabei kann ich leider nicht helfen.")
    return " ".join(part for part in (first, referral(text), CAN_DO) if part)


def rescued_search(text: str) -> dict[str, Any] | None:
    """The slots of a new search when the message names an offer and no county service is meant; else None."""
    if referral(text) is not None:
        return None
    parsed = parse(text)
    # An offer's name, or the need a story states ("unser Baby schreit jede Nacht stundenlang": Schreibaby-Beratung).
    topic = " ".join(offer_words(parsed.topic_words)) or topic_of(parsed.meaning)
    if not topic:
        return None
    slots: dict[str, Any] = {name: None for name in REFINEMENT_SLOTS}
    slots["topic"] = topic
    if parsed.place_text or parsed.postcode:  # else a place said earlier stays
        slots.update(municipality=parsed.place_text, postcode=parsed.postcode)
    return slots


class ActionOutOfScope(MessagesAction):
    def name(self) -> str:
        return "action_out_of_scope"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        text = latest_text(tracker)
        if delete_wished(text):
            return [FollowupAction("utter_ask_delete")]
        search = rescued_search(text)
        if search is not None:
            return [*(SlotSet(k, v) for k, v in search.items()), FollowupAction("action_search_offers")]
        return super().run_blocking(dispatcher, tracker, domain)

    def respond(self, tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        text = str((tracker.latest_message or {}).get("text") or "")
        funding = None if referral(text) is not None else follow_up_in_context(tracker)
        if funding is not None:
            return funding
        return [{"text": out_of_scope_answer(text), "buttons": BUTTONS}], {}
