"""Questions the assistant cannot answer: say so kindly, name the county service that can, and offer
what the assistant can do instead."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker

from actions.base import MessagesAction
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


def out_of_scope_answer(text: str) -> str:
    t = fold(text)
    referral = next((answer for pattern, answer in REFERRALS if re.search(pattern, t)), None)
    first = N_("Dabei kann ich leider nicht helfen.")
    return " ".join(part for part in (first, referral, CAN_DO) if part)


class ActionOutOfScope(MessagesAction):
    def name(self) -> str:
        return "action_out_of_scope"

    def respond(self, tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        text = str((tracker.latest_message or {}).get("text") or "")
        return [{"text": out_of_scope_answer(text), "buttons": BUTTONS}], {}
