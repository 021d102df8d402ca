"""Who pays: a concise answer for the funding the citizen names, or an overview."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker

from actions.base import MessagesAction
from catalogue.models import Offer
from catalogue.text import fold
from core.db import read_scope

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
# Words that make a cost question a funding question ("wer bezahlt", "Förderung", "Zuschuss").
FUNDING_WORDS = r"\b(wer (bezahlt|zahlt|uebernimmt)|foerder\w*|zuschuss\w*|gutschein\w*|bafoeg|uebernimmt)\b"


def funding_answer(text: str) -> tuple[str, list[dict[str, str]]]:
    t = fold(text)
    answers = [answer for pattern, answer in FUNDING.values() if re.search(pattern, t)]
    if not answers:
        return OVERVIEW, OVERVIEW_BUTTONS
    return "\n\n".join(answers[:2]), [OFFICE_BUTTON]


_PRICE_QUESTION = re.compile(r"\b(was kostet|kosten|wie teuer|preis|gebuehr|kostenlos|umsonst)\b")


def prices_of_shown(cards: list[dict[str, Any]]) -> str | None:
    """ "Was kostet das?" right after a search asks about the offers just shown, not about funding in general."""
    with read_scope() as session:
        offers = [session.get(Offer, str(c.get("id"))) for c in cards]
    lines = []
    for number, offer in enumerate(offers, start=1):
        if offer is None:
            continue
        price = (
            "kostenlos"
            if offer.cost_eur == 0
            else (f"{offer.cost_eur:.2f} €".replace(".", ",") if offer.cost_eur else "Preis nicht angegeben")
        )
        funding = f" (Förderung möglich: {', '.join(offer.funding)})" if offer.funding else ""
        lines.append(f"{number}. {offer.title}: {price}{funding}")
    return "\n".join(lines) if lines else None


class ActionFunding(MessagesAction):
    def name(self) -> str:
        return "action_funding"

    def respond(self, tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        message = tracker.latest_message or {}
        said = str(message.get("text") or "")
        topics = [str(e.get("value")) for e in message.get("entities", []) if e.get("entity") == "topic"]
        shown = tracker.get_slot("shown_offers") or []
        if shown and not topics and _PRICE_QUESTION.search(fold(said)) and not re.search(FUNDING_WORDS, fold(said)):
            prices = prices_of_shown(shown)
            if prices:
                text = f"Die Angebote von eben kosten:\n{prices}\nWer Kosten übernehmen kann, erkläre ich gern."
                return [{"text": text, "buttons": OVERVIEW_BUTTONS[:2] + OVERVIEW_BUTTONS[3:]}], {}
        text, buttons = funding_answer(" ".join([said, *topics]))
        return [{"text": text, "buttons": buttons}], {}
