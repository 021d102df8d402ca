"""Handover to a person: the form that asks place, language, gender and consent, and the request
that the gateway turns into a ticket for the nearest suitable Bildungsbüro."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from rapidfuzz import fuzz, process
from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import MessagesAction
from actions.callback import wants_call_back
from actions.forms import CitizenFormValidation
from actions.offer_search import TOPIC_BUTTONS
from catalogue.places import resolve_place
from catalogue.text import fold
from core.db import read_scope
from core.i18n import N_, render, t

LANGUAGES = ("Deutsch", "Englisch", "Türkisch", "Arabisch", "Russisch", "Ukrainisch", "Polnisch", "Farsi", "Kurdisch")
_NO_PREFERENCE = {"egal", "nein", "keine", "kein", "ist egal", "ist mir egal", "deutsch", "nee", "egal deutsch"}
_WOMAN = {"w", "frau", "weiblich", "beraterin", "einer frau", "eine frau", "lieber eine frau"}
_MAN = {"m", "mann", "maennlich", "berater", "einem mann", "ein mann", "lieber einen mann"}


_QUESTION = re.compile(r"\?\s*$|^(was|wie|wann|wer|wo|warum|wieso|kann|muss|kostet|dauert|gibt es)\b")
FORM_SLOTS = ("handover_place", "counsellor_language", "counsellor_gender", "handover_consent")
CANCELLED = N_("In Ordnung, ich gebe nichts weiter. Wobei kann ich Ihnen sonst helfen?")
# Questions citizens ask in the middle of the form; answered, then the form asks its question again.
FORM_FAQ: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"zu hat|geschlossen|nicht (da|offen)|wochenende|abends|feiertag"),
        N_(
            "Ist das Büro gerade geschlossen, kommt Ihre Anfrage trotzdem an; die Beratung meldet sich ab der nächsten "
            "Öffnungszeit. Sie können hier auch eine Telefonnummer oder E-Mail-Adresse für einen Rückruf hinterlassen."
        ),
    ),
    (re.compile(r"kost|bezahl|geld|gebuehr"), N_("Die Beratung der Bildungsbüros ist kostenlos.")),
    (
        re.compile(r"wie lange|wann (meldet|antwortet)|dauer"),
        N_("Meist antwortet die Beratung noch am selben Tag, spätestens am nächsten Öffnungstag."),
    ),
    (
        re.compile(r"wer (ist|sind|berat)|was (ist|macht) (das|ein) bildungsbuero"),
        N_("Die Bildungsbüros des Landkreises beraten unabhängig und kostenlos zu Bildung, Weiterbildung und Familie."),
    ),
)


def form_faq(text: str) -> str | None:
    t = fold(text)
    if not _QUESTION.search(t.strip()):
        return None
    return next((answer for pattern, answer in FORM_FAQ if pattern.search(t)), None)


def canonical_language(text: str) -> str | None:
    t = " ".join(fold(text).replace("/", " ").split())
    if not t:
        return None
    if t in _NO_PREFERENCE or t.startswith("egal"):
        return "egal"
    match = process.extractOne(t, {lang: fold(lang) for lang in LANGUAGES}, scorer=fuzz.partial_ratio, score_cutoff=85)
    return match[2] if match else None


def canonical_gender(text: str) -> str | None:
    t = " ".join(fold(text).split())
    if t in _WOMAN or "frau" in t.split():
        return "w"
    if t in _MAN or "mann" in t.split():
        return "m"
    if t.startswith("egal") or t in {"divers", "d", "nein", "keine", "ist egal", "ist mir egal"}:
        return "egal"
    return None


class ValidateHandoverForm(CitizenFormValidation):
    """The handover form's slots: a known place, a language and a gender we can route by."""

    cancelled_slot = "handover_cancelled"
    contact_slot = "callback_contact"

    def name(self) -> str:
        return "validate_handover_form"

    def contact_events(self, contact: str) -> list[EventType]:
        return [SlotSet("callback_wished", True)]

    def answer_question(self, text: str) -> str | None:
        return form_faq(text)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        # The conversation's language (sent by the gateway with each message): the language question offers it first.
        language = ((tracker.latest_message or {}).get("metadata") or {}).get("language")
        language_event = [SlotSet("citizen_language", language)] if language != tracker.get_slot("citizen_language") else []
        events = [*language_event, *await super().run(dispatcher, tracker, domain)]
        said = str((tracker.latest_message or {}).get("text") or "")
        # "Rückruf", "anrufen", "Termin": the citizen wants a call or an appointment, which the ticket shows.
        if wants_call_back(said, where="handover") and not tracker.get_slot("callback_wished"):
            events.append(SlotSet("callback_wished", True))
        return events

    async def extract_handover_place(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # A place said earlier in the conversation ("Deutschkurs in Melle") is the place of the handover too.
        if tracker.get_slot("handover_place") is None and (tracker.get_slot("municipality") or tracker.get_slot("postcode")):
            return {"handover_place": tracker.get_slot("municipality") or tracker.get_slot("postcode")}
        return {}

    async def validate_handover_place(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        name = await asyncio.to_thread(_municipality_name, str(value))
        if name is None and tracker.get_slot("requested_slot") == "handover_place":
            unknown = t("„{place}“ kenne ich im Landkreis Osnabrück nicht.", place=str(value)[:60])
            dispatcher.utter_message(text=render(unknown), json_message={"i18n": unknown})
        return {"handover_place": name}

    def validate_counsellor_language(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        language = canonical_language(self.said(tracker, "language", value))
        if language is None and tracker.get_slot("requested_slot") == "counsellor_language":
            dispatcher.utter_message(text=N_("Diese Sprache kenne ich nicht – wählen Sie bitte eine der Schaltflächen."))
        return {"counsellor_language": language}

    def validate_counsellor_gender(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"counsellor_gender": canonical_gender(self.said(tracker, "counsellor_gender", value))}


def _municipality_name(text: str) -> str | None:
    with read_scope() as session:
        found = resolve_place(session=session, text=text)
        return found.municipality.name if found else None


class ActionHandover(MessagesAction):
    def name(self) -> str:
        return "action_handover"

    def respond(self, tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        if tracker.get_slot("handover_cancelled"):
            reset = {name: None for name in FORM_SLOTS}
            return [{"text": CANCELLED, "buttons": TOPIC_BUTTONS[:4]}], {
                **reset,
                "handover_cancelled": None,
                "callback_wished": None,
                "callback_contact": None,
                "requested_slot": None,
            }
        language = tracker.get_slot("counsellor_language")
        gender = tracker.get_slot("counsellor_gender")
        request = {
            "municipality": tracker.get_slot("handover_place"),
            "language": None if language in (None, "egal") else language,
            "gender": gender if gender in ("w", "m") else None,
            "consent": bool(tracker.get_slot("handover_consent")),
            "topic": tracker.get_slot("topic"),
            "reason": tracker.get_slot("handover_reason") or "Wunsch nach persönlicher Beratung",
            "callback": bool(tracker.get_slot("callback_wished")),
            # Phone number or e-mail address written during the form: the ticket's call back contact.
            "contact": tracker.get_slot("callback_contact"),
        }
        # The gateway creates the ticket: it has the transcript, the channel and the office's inbox.
        message = {"action": "handover", "handover_request": request}
        reset = {"handover_consent": None, "handover_reason": None, "callback_wished": None, "callback_contact": None}
        return [message], {**reset, "requested_slot": None}
