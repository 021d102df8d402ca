"""The one base of our form validations: what every form of the assistant does besides checking its slots.

Rasa's ``FormValidationAction`` fills and checks slots; a citizen in the middle of a form also cancels
("abbrechen", "doch nicht"), asks a question ("was kostet das?") or answers with a detail the form did not
ask for yet. This base class handles the first two the same way for every form, before the subclass's
``extract_<slot>``/``validate_<slot>`` methods run:

- a cancellation empties the form's slots, sets the form's ``cancelled_slot`` and ends the loop, so the
  form's submit action can say "In Ordnung" instead of submitting;
- a question the subclass can answer (:meth:`answer_question`) is answered, and the slot that the
  ``from_text`` mapping filled with the question is emptied again, so the form asks its question again;
- an answer the form cannot take ("42" for Frau/Mann) gets a short lead-in before the question comes again, and a
  different one the next time: the form's questions are fixed responses, and a citizen never gets the identical
  reply twice in a row;
- a phone number or e-mail address written in between ("meine Nummer ist 0541 501-1234") is kept in the form's
  ``contact_slot`` (if it has one) and thanked for, and the question comes again: it is no answer, no place and no
  new search.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.base import AGAIN
from catalogue import nlp
from catalogue.text import fold
from core.i18n import N_

TAP_A_BUTTON = N_("Am einfachsten tippen Sie auf eine der Schaltflächen.")
CONTACT_NOTED = N_("Danke – Ihre Kontaktdaten gebe ich mit Ihrer Anfrage an die Beratung weiter.")
CANCEL = re.compile(
    r"\b(abbrechen|abbruch|stopp?|doch nicht|lass(t)? (es|mal)|vergiss es|will nicht mehr|nicht mehr noetig|beenden)\b"
)


class CitizenFormValidation(FormValidationAction, ABC):
    """Shared behaviour of the assistant's forms: cancel at every step, questions answered in between."""

    @property
    @abstractmethod
    def cancelled_slot(self) -> str:
        """The bool slot the form's submit action reads to tell a cancellation from a completed form."""

    # The text slot that keeps a phone number or e-mail address written during the form (None: not kept).
    contact_slot: str | None = None

    def answer_question(self, text: str) -> str | None:
        """The answer to a question asked in the middle of the form, or None if the text is no such question."""
        return None

    def contact_events(self, contact: str) -> list[EventType]:
        """What else a form does with contact details given in between (the handover form wishes a call back)."""
        return []

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        said = str((tracker.latest_message or {}).get("text") or "")
        if CANCEL.search(fold(said)):
            return [
                *(SlotSet(name, None) for name in self.domain_slots(domain)),
                SlotSet(self.cancelled_slot, True),
                SlotSet("requested_slot", None),
            ]
        requested = tracker.get_slot("requested_slot")
        if self.contact_slot and (contact := contact_details(said)):
            dispatcher.utter_message(text=CONTACT_NOTED)
            kept = " ".join(filter(None, (tracker.get_slot(self.contact_slot), contact)))[:200]
            events: list[EventType] = [SlotSet(self.contact_slot, kept), *self.contact_events(contact)]
            return [*events, SlotSet(requested, None)] if requested else events
        answer = self.answer_question(said)
        if answer and requested:
            dispatcher.utter_message(text=answer)
            return [SlotSet(requested, None)]
        events = await super().run(dispatcher, tracker, domain)
        filled = {e.get("name"): e.get("value") for e in events if e.get("event") == "slot"}
        if requested and filled.get(requested, tracker.get_slot(requested)) is None:
            # Not taken: say so differently from the last reply, then the form asks again.
            lead = TAP_A_BUTTON if AGAIN in _last_reply(tracker) else AGAIN
            dispatcher.utter_message(text=lead)
        return events

    @staticmethod
    def said(tracker: Tracker, entity: str, value: Any) -> str:
        """The entity the NLU found in this message, else the slot's value (the message text via from_text)."""
        for e in (tracker.latest_message or {}).get("entities", []):
            if e.get("entity") == entity:
                return str(e.get("value"))
        return str(value or "")


def _last_reply(tracker: Tracker) -> list[str]:
    """The texts of the assistant's messages since the citizen's message before this one."""
    texts: list[str] = []
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                break
        elif event.get("event") == "bot" and users == 1:
            texts.append(str(event.get("text") or ""))
    return texts


def contact_details(text: str) -> str | None:
    """The phone numbers and e-mail addresses in a message (found by spaCy's tokenizer and Matcher), or None."""
    found = [text[c.start : c.end] for c in nlp.claims(text) if c.label in ("phone", "email")]
    return " ".join(found) or None
