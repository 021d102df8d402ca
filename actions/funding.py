"""Who pays: a concise answer for the funding the citizen names, or an overview."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker

from actions.base import MessagesAction
from catalogue.text import fold

FUNDING: dict[str, tuple[str, str]] = {
    "bildungsgutschein": (
        r"bildungsgutschein|gutschein|azav|arbeitsagentur|agentur fuer arbeit|jobcenter|arbeitsamt",
        "Bildungsgutschein: Die Agentur für Arbeit oder das Jobcenter übernimmt die Kosten einer beruflichen "
        "Weiterbildung, wenn Sie arbeitslos sind oder es zu werden drohen und die Weiterbildung Ihre Chancen "
        "verbessert. Der Kurs und der Träger müssen nach AZAV zugelassen sein. Wichtig: erst beraten lassen und "
        "den Gutschein vor Kursbeginn bekommen. Mehr: https://www.arbeitsagentur.de/karriere-und-weiterbildung/"
        "foerderung-berufliche-weiterbildung",
    ),
    "aufstiegs_bafoeg": (
        r"aufstiegs ?-?bafoeg|meister ?-?bafoeg|afbg|bafoeg",
        "Aufstiegs-BAföG: für Fortbildungen zum Meister, Fachwirt, Techniker, zur Erzieherin und ähnliche "
        "Abschlüsse – unabhängig von Alter und Einkommen. Lehrgangs- und Prüfungskosten werden zur Hälfte als "
        "Zuschuss gezahlt, den Rest gibt es als günstiges Darlehen; bei bestandener Prüfung wird ein Teil "
        "erlassen. Mehr: https://www.aufstiegs-bafoeg.de",
    ),
    "but": (
        r"bildung und teilhabe|\bbut\b|bildungspaket|teilhabe|lernfoerderung",
        "Bildung und Teilhabe: Kinder und Jugendliche aus Familien mit Bürgergeld, Sozialhilfe, Wohngeld, "
        "Kinderzuschlag oder Asylbewerberleistungen bekommen z. B. Lernförderung (Nachhilfe), Zuschüsse zu "
        "Ausflügen und Klassenfahrten, Mittagessen und Schulbedarf. Den Antrag stellen Sie beim Landkreis "
        "Osnabrück bzw. beim Jobcenter (MaßArbeit). Mehr: https://www.bildungspaket.bmas.de",
    ),
    "bildungspraemie": (
        r"bildungspraemie|praemiengutschein",
        "Die Bildungsprämie des Bundes gibt es nicht mehr – das Programm ist Ende 2021 ausgelaufen. Für "
        "berufliche Weiterbildung kommen heute eher der Bildungsgutschein, das Aufstiegs-BAföG oder die "
        "Förderung über Ihren Arbeitgeber (Qualifizierungschancengesetz) in Frage. Ihr Bildungsbüro berät "
        "Sie kostenlos.",
    ),
    "landkreis": (
        r"landkreis|zuschuss|kreis ?-?zuschuss|familienbildung",
        "Der Landkreis Osnabrück fördert Kurse der Familienbildung; viele Eltern-Kind-Angebote sind deshalb "
        "günstig oder kostenlos. Bei den einzelnen Angeboten steht, ob ein Zuschuss möglich ist. Ob Ihnen "
        "darüber hinaus eine Förderung zusteht, klärt Ihr Bildungsbüro mit Ihnen kostenlos.",
    ),
    "bamf": (
        r"integrationskurs|bamf|berufssprachkurs|deutschkurs",
        "Integrationskurse und Berufssprachkurse: Das Bundesamt für Migration und Flüchtlinge (BAMF) "
        "übernimmt die Kosten ganz oder größtenteils; wer Bürgergeld bekommt oder zur Teilnahme verpflichtet "
        "ist, zahlt in der Regel nichts. Den Antrag stellen Sie beim BAMF, bei der Ausländerbehörde oder über "
        "das Jobcenter. Mehr: https://www.bamf.de",
    ),
}
OVERVIEW = (
    "Wer die Kosten übernimmt, hängt von Ihrer Lage ab: Bildungsgutschein (Agentur für Arbeit/Jobcenter) für "
    "berufliche Weiterbildung, Aufstiegs-BAföG für Meister, Fachwirt und Techniker, Bildung und Teilhabe für "
    "Kinder aus Familien mit Sozialleistungen, das BAMF für Integrations- und Berufssprachkurse, und "
    "Zuschüsse des Landkreises für Familienbildung. Die Bildungsprämie gibt es seit Ende 2021 nicht mehr. "
    "Worüber möchten Sie mehr wissen?"
)
OVERVIEW_BUTTONS = [
    {"title": "Bildungsgutschein", "payload": '/ask_funding{"topic": "Bildungsgutschein"}'},
    {"title": "Aufstiegs-BAföG", "payload": '/ask_funding{"topic": "Aufstiegs-BAföG"}'},
    {"title": "Bildung und Teilhabe", "payload": '/ask_funding{"topic": "Bildung und Teilhabe"}'},
    {"title": "Integrationskurs", "payload": '/ask_funding{"topic": "Integrationskurs"}'},
]
OFFICE_BUTTON = {"title": "Mein Bildungsbüro", "payload": "/ask_office"}


def funding_answer(text: str) -> tuple[str, list[dict[str, str]]]:
    t = fold(text)
    answers = [answer for pattern, answer in FUNDING.values() if re.search(pattern, t)]
    if not answers:
        return OVERVIEW, OVERVIEW_BUTTONS
    return "\n\n".join(answers[:2]), [OFFICE_BUTTON]


class ActionFunding(MessagesAction):
    def name(self) -> str:
        return "action_funding"

    def respond(self, tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        message = tracker.latest_message or {}
        topics = [str(e.get("value")) for e in message.get("entities", []) if e.get("entity") == "topic"]
        text, buttons = funding_answer(" ".join([str(message.get("text") or ""), *topics]))
        return [{"text": text, "buttons": buttons}], {}
