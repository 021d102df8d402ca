"""Handover to a person: the form that asks place, language, gender and consent, and the request
that the gateway turns into a ticket for the nearest suitable Bildungsbüro."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

from rapidfuzz import fuzz, process
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import BlockingAction, MessagesAction
from actions.offer_search import TOPIC_BUTTONS
from catalogue.places import resolve_place
from catalogue.text import fold
from core.db import read_scope

LANGUAGES = ("Deutsch", "Englisch", "Türkisch", "Arabisch", "Russisch", "Ukrainisch", "Polnisch", "Farsi", "Kurdisch")
_NO_PREFERENCE = {"egal", "nein", "keine", "kein", "ist egal", "ist mir egal", "deutsch", "nee", "egal deutsch"}
_WOMAN = {"w", "frau", "weiblich", "beraterin", "einer frau", "eine frau", "lieber eine frau"}
_MAN = {"m", "mann", "maennlich", "berater", "einem mann", "ein mann", "lieber einen mann"}


_CANCEL = re.compile(
    r"\b(abbrechen|abbruch|stopp?|doch nicht|lass(t)? (es|mal)|vergiss es|will nicht mehr|nicht mehr noetig|beenden)\b"
)
_QUESTION = re.compile(r"\?\s*$|^(was|wie|wann|wer|wo|warum|wieso|kann|muss|kostet|dauert|gibt es)\b")
FORM_SLOTS = ("handover_place", "counsellor_language", "counsellor_gender", "handover_consent")
CANCELLED = "In Ordnung, ich gebe nichts weiter. Wobei kann ich Ihnen sonst helfen?"
# Questions citizens ask in the middle of the form; answered, then the form asks its question again.
FORM_FAQ: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"zu hat|geschlossen|nicht (da|offen)|wochenende|abends|feiertag"),
        "Ist das Büro gerade geschlossen, kommt Ihre Anfrage trotzdem an; die Beratung meldet sich ab der nächsten "
        "Öffnungszeit. Sie können hier auch eine Telefonnummer oder E-Mail-Adresse für einen Rückruf hinterlassen.",
    ),
    (re.compile(r"kost|bezahl|geld|gebuehr"), "Die Beratung der Bildungsbüros ist kostenlos."),
    (
        re.compile(r"wie lange|wann (meldet|antwortet)|dauer"),
        "Meist antwortet die Beratung noch am selben Tag, spätestens am nächsten Öffnungstag.",
    ),
    (
        re.compile(r"wer (ist|sind|berat)|was (ist|macht) (das|ein) bildungsbuero"),
        "Die Bildungsbüros des Landkreises beraten unabhängig und kostenlos zu Bildung, Weiterbildung und Familie.",
    ),
)


def form_faq(text: str) -> str | None:
    t = fold(text)
    if not _QUESTION.search(t.strip()):
        return None
    return next((answer for pattern, answer in FORM_FAQ if pattern.search(t)), None)


def _text_or_entity(tracker: Tracker, value: Any, entity: str) -> str:
    for e in (tracker.latest_message or {}).get("entities", []):
        if e.get("entity") == entity:
            return str(e.get("value"))
    return str(value or "")


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


class ValidateHandoverForm(BlockingAction):
    """Validation of the form's slots (FormValidationAction semantics, written out for clarity)."""

    def name(self) -> str:
        return "validate_handover_form"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        requested = tracker.get_slot("requested_slot")
        said = str((tracker.latest_message or {}).get("text") or "")
        if _CANCEL.search(fold(said)):
            # "abbrechen" at any step: the form ends, and action_handover sees the cancellation and sends nothing.
            return [
                *(SlotSet(name, None) for name in FORM_SLOTS),
                SlotSet("handover_cancelled", True),
                SlotSet("requested_slot", None),
            ]
        answer = form_faq(said)
        if answer and requested:
            dispatcher.utter_message(text=answer)
            return [SlotSet(requested, None)]  # the question is asked again, the answer was no slot value
        place = tracker.get_slot("handover_place")
        if place is None and (tracker.get_slot("municipality") or tracker.get_slot("postcode")):
            place = tracker.get_slot("municipality") or tracker.get_slot("postcode")
        if place is not None:
            with read_scope() as session:
                found = resolve_place(session=session, text=str(place))
                name = found.municipality.name if found else None
            if name is None and requested == "handover_place":
                dispatcher.utter_message(text=f"„{str(place)[:60]}“ kenne ich im Landkreis Osnabrück nicht.")
            events.append(SlotSet("handover_place", name))
        if requested == "counsellor_language" or tracker.get_slot("counsellor_language") is not None:
            raw = _text_or_entity(tracker, tracker.get_slot("counsellor_language"), "language")
            if requested == "counsellor_language" or raw:
                language = canonical_language(raw)
                if language is None and requested == "counsellor_language":
                    dispatcher.utter_message(text="Diese Sprache kenne ich nicht – wählen Sie bitte eine der Schaltflächen.")
                events.append(SlotSet("counsellor_language", language))
        if requested == "counsellor_gender" or tracker.get_slot("counsellor_gender") is not None:
            raw = _text_or_entity(tracker, tracker.get_slot("counsellor_gender"), "counsellor_gender")
            if requested == "counsellor_gender" or raw:
                events.append(SlotSet("counsellor_gender", canonical_gender(raw)))
        return events


class ActionHandover(MessagesAction):
    def name(self) -> str:
        return "action_handover"

    def respond(self, tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        if tracker.get_slot("handover_cancelled"):
            reset = {name: None for name in FORM_SLOTS}
            return [{"text": CANCELLED, "buttons": TOPIC_BUTTONS[:4]}], {
                **reset,
                "handover_cancelled": None,
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
        }
        # The gateway creates the ticket: it has the transcript, the channel and the office's inbox.
        message = {"action": "handover", "handover_request": request}
        return [message], {"handover_consent": None, "handover_reason": None, "requested_slot": None}


class _Ask(MessagesAction, ABC):
    """One question of the handover form, with buttons for the usual answers."""

    @property
    @abstractmethod
    def slot(self) -> str: ...

    text = ""
    buttons: tuple[dict[str, str], ...] = ()

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def respond(self, tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        return [{"text": self.text, "buttons": list(self.buttons)}], {}


class AskPlace(_Ask):
    slot = "handover_place"
    text = (
        "Gern verbinde ich Sie mit einer Beraterin oder einem Berater Ihres Bildungsbüros. "
        "In welcher Gemeinde wohnen Sie? (Name oder Postleitzahl)"
    )


class AskLanguage(_Ask):
    slot = "counsellor_language"
    text = "Möchten Sie die Beratung in einer bestimmten Sprache?"
    buttons = (
        {"title": "egal / Deutsch", "payload": '/inform{"language": "egal"}'},
        *(
            {"title": lang, "payload": f'/inform{{"language": "{lang}"}}'}
            for lang in ("Englisch", "Türkisch", "Arabisch", "Russisch", "Ukrainisch")
        ),
    )


class AskGender(_Ask):
    slot = "counsellor_gender"
    text = "Möchten Sie lieber von einer Frau oder einem Mann beraten werden?"
    buttons = (
        {"title": "Frau", "payload": '/inform{"counsellor_gender": "w"}'},
        {"title": "Mann", "payload": '/inform{"counsellor_gender": "m"}'},
        {"title": "egal", "payload": '/inform{"counsellor_gender": "egal"}'},
    )


class AskConsent(_Ask):
    slot = "handover_consent"
    text = (
        "Darf ich unseren bisherigen Chat an die Beratung weitergeben? Dann müssen Sie nichts doppelt erzählen. "
        "Ohne Ihr Einverständnis sieht die Beratung nur, was Sie ab jetzt schreiben."
    )
    buttons = ({"title": "Ja, weitergeben", "payload": "/affirm"}, {"title": "Nein", "payload": "/deny"})
