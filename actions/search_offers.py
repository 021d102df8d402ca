"""Search for offers: a new search, or an answer/refinement that continues the last one.

Everything the citizen says counts, whatever the engine's entities caught: the query parser
(``catalogue.query``) reads ages ("10 Monate", "3. Klasse"), times, days, level and wishes from the message,
and they are kept in the ``search_filters`` slot for the following searches of this topic."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import MessagesAction, last_bot_text, latest_intent, latest_text, slot_before_this_turn
from actions.callback import wants_call_back
from actions.funding import FUNDING_WORDS, funding_answer
from actions.offer_search import COUNSELLOR_BUTTON, refinement_from_text, run_search, slots_of
from actions.office_info import OFFICE_ASKED, office_answer
from catalogue.needs import topic_of
from catalogue.query import ParsedQuery, is_filler, merge, offer_words, parse
from catalogue.text import fold
from core.i18n import N_, message, t

# Set by earlier refinements; a new search request starts without them.
REFINEMENT_SLOTS = ("free", "max_cost", "online", "exclude_municipality", "radius", "age_asked", "age", "search_filters")
KEPT = ("times_of_day", "weekdays", "level", "features", "target_groups")
# Longer leftovers are a story, not a topic ("meine Nachbarin hat gesagt …"): then the topic is asked for.
MAX_OWN_TOPIC_WORDS = 3
SEARCH_INTENTS = {"search_offers", "nlu_fallback"}  # a fallback between inform and search is still a search


def _filters(parsed: ParsedQuery) -> dict[str, Any]:
    """The parts of a parsed message that narrow a search and are worth keeping."""
    found = parsed.filters()
    return {k: found[k] for k in KEPT if k in found}


def read_message(text: str, slots: dict[str, Any], *, new_search: bool, entity_values: tuple[str, ...] = ()) -> dict[str, Any]:
    """Slot changes from the words of one message (on top of the engine's entities)."""
    parsed = parse(text)
    changes: dict[str, Any] = {}
    topic = slots.get("topic")
    # What the parser calls the topic, less what the engine already took as a place, age or group.
    taken = {w for value in entity_values for w in fold(value).split()}
    own_words = [w for w in parsed.topic_words if fold(w) not in taken]
    story = len(own_words) > MAX_OWN_TOPIC_WORDS
    if story:
        own_words = offer_words(own_words)[:MAX_OWN_TOPIC_WORDS]  # a story: only what names an offer
    own_topic = " ".join(own_words) or None
    if topic and is_filler(str(topic)):
        # The engine took a filler word ("und", "bitte") for the topic: use what the message really asks for.
        changes["topic"] = own_topic
    elif not topic and own_topic and not is_filler(own_topic) and len(own_topic.split()) <= MAX_OWN_TOPIC_WORDS:
        changes["topic"] = own_topic  # "eltern kind gruppe fuerstenau": the engine missed the topic
    elif not topic and story and own_topic is None and (need_topic := topic_of(parsed.meaning)):
        # "unser Baby schreit jede Nacht stundenlang": no word names an offer, but the story states a need the
        # Bildungsbüros know; its name becomes the topic, shown to the citizen ("Schreibaby-Beratung").
        changes["topic"] = need_topic
    if parsed.age_min is not None and not _engine_age_fits(slots.get("age"), parsed):
        changes["age"] = float(parsed.age_min)  # "10 Monate" is 0, "3. Klasse" is 8: not 10 and not 3
    postcode = str(slots.get("postcode") or "")
    if postcode and not (postcode.isdigit() and len(postcode) == 5):
        changes["postcode"] = parsed.postcode  # only a five-digit number is a postcode
    old = ParsedQuery(**_filters_from_slot(slots.get("search_filters"))) if not new_search else ParsedQuery()
    kept = _filters(merge(old, parsed))
    if kept != (slots.get("search_filters") or {}):
        changes["search_filters"] = kept or None
    return changes


def _engine_age_fits(age: Any, parsed: ParsedQuery) -> bool:
    try:
        value = float(age)
    except (TypeError, ValueError):
        return False
    return (parsed.age_min or 0) <= value <= (parsed.age_max if parsed.age_max is not None else 200)


def _filters_from_slot(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        return {}
    out: dict[str, Any] = {k: list(value.get(k) or []) for k in ("times_of_day", "weekdays", "target_groups")}
    out["features"] = set(value.get("features") or [])
    if value.get("level"):
        out["level"] = str(value["level"])
    return out


TO_A_PERSON = N_("Gern – dafür verbinde ich Sie mit Ihrem Bildungsbüro, das Sie dann anruft.")


class ActionSearchOffers(MessagesAction):
    def name(self) -> str:
        return "action_search_offers"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        # The citizen wants to be called ("kann mich jemand anrufen wegen …", "Rückruf"): a person, not a list of offers.
        if wants_call_back(latest_text(tracker), where="search"):
            # The engine read a search ("… wegen Anerkennung"); the call back wish decides: the handover form starts,
            # with the topic kept as the ticket's concern.
            dispatcher.utter_message(text=TO_A_PERSON)
            return [SlotSet("callback_wished", True), FollowupAction("handover_form")]
        return super().run_blocking(dispatcher, tracker, domain)

    def respond(self, tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        slots = slots_of(tracker)
        changes: dict[str, Any] = {}
        given = {e.get("entity") for e in (tracker.latest_message or {}).get("entities", [])}
        new_search = latest_intent(tracker) in SEARCH_INTENTS and "topic" in given
        if new_search:
            changes = {name: None for name in REFINEMENT_SLOTS if name not in given}
            slots.update(changes)
        text = latest_text(tracker)
        entities = (tracker.latest_message or {}).get("entities", [])
        if (
            not slots.get("topic")
            and given & {"municipality", "postcode"}
            and (last_bot_text(tracker) or "").startswith(OFFICE_ASKED)
        ):
            # The answer to "In welcher Gemeinde wohnen Sie?" after a question for the Bildungsbüro.
            return [{"text": office_answer(slots.get("municipality"), slots.get("postcode"))}], {}
        if not text.startswith("/"):
            others = [e for e in entities if e.get("entity") != "topic"]  # what was taken as place, age, group …
            values = tuple(str(e.get("value") or "") for e in others) + tuple(str(e.get("text") or "") for e in others)
            topics = [str(e.get("value")) for e in entities if e.get("entity") == "topic" and not is_filler(str(e.get("value")))]
            if topics and is_filler(str(slots.get("topic") or "")):
                slots["topic"] = changes["topic"] = topics[0]  # "Deutschkurs" and "am" both tagged: not the filler
            changes.update(read_message(text, slots, new_search=new_search, entity_values=values))
            slots.update(changes)
        refinement = refinement_from_text(text, slots, slots.get("shown_costs") or [])
        changes.update(refinement.slots)
        shown_before = bool(slots.get("shown_offers"))
        slots.update(changes)
        outcome = run_search(slots, page=0, record=True)
        narrowed = {k for k, v in changes.items() if k in REFINEMENT_SLOTS and v not in (None, False, [], {})}
        # An age the engine took from the message ("7" as the answer to "Für welches Alter?") narrows as well.
        by_engine = {k for k in REFINEMENT_SLOTS if k in given and k not in changes and slots.get(k) not in (None, False, [], {})}
        if not new_search and shown_before and (narrowed or by_engine) and _found_nothing(outcome.messages):
            # "und online?" with nothing online: the offers just shown stay, and so do the wishes that found them.
            kept = t("Mit diesem Wunsch finde ich zu „{topic}“ leider nichts. Die Angebote von eben passen weiter.",
                     topic=slots.get("topic") or "")  # fmt: skip
            reverted = {k: v for k, v in changes.items() if k not in narrowed}
            reverted.update({k: slot_before_this_turn(tracker, k) for k in by_engine})
            reply = message(kept, buttons=[COUNSELLOR_BUTTON])
            reply["search_record"] = _record(outcome.messages)  # the figures still count what was not found
            return [reply], reverted
        if re.search(FUNDING_WORDS, fold(text)):
            # "gibt es Förderung für eine Weiterbildung zur Pflegefachkraft?": who pays first, then the offers.
            answer = funding_answer(text).text
            return [{"text": answer}, *outcome.messages], {**changes, **outcome.slots}
        return outcome.messages, {**changes, **outcome.slots}


def _record(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next((m["search_record"] for m in messages if m.get("search_record")), None)


def _found_nothing(messages: list[dict[str, Any]]) -> bool:
    record = _record(messages)
    return record is not None and record.get("results") == 0
