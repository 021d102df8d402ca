"""Who pays: a concise answer for the funding the citizen names, or an overview."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker

from actions.base import MessagesAction, turns
from catalogue.models import Offer
from catalogue.query import offer_words, parse
from catalogue.text import fold
from core.db import read_scope
from core.i18n import N_

DATA = Path(__file__).resolve().parent / "data" / "funding.yml"
# Words that make a cost question a funding question ("wer bezahlt", "Förderung", "Zuschuss").
FUNDING_WORDS = r"\b(wer (bezahlt|zahlt|uebernimmt)|foerder\w*|zuschuss\w*|gutschein\w*|bafoeg|uebernimmt)\b"
OFFICE_BUTTON = {"title": N_("Mein Bildungsbüro"), "payload": "/ask_office"}


@cache
def _data() -> dict[str, Any]:
    return dict(yaml.safe_load(DATA.read_text(encoding="utf-8")))


def _programme_buttons() -> list[dict[str, str]]:
    shown = ("bildungsgutschein", "aufstiegs_bafoeg", "but", "bamf")
    names = {key: _data()["programmes"][key]["name"] for key in shown}
    return [{"title": names[k], "payload": f'/ask_funding{{"topic": "{names[k]}"}}'} for k in shown]


def programmes_named(text: str) -> list[str]:
    t = fold(text)
    return [key for key, p in _data()["programmes"].items() if re.search(p["cues"], t)]


def aspect_asked(text: str) -> str | None:
    t = fold(text)
    return next((name for name, cue in _data()["aspects"].items() if re.search(cue, t)), None)


@dataclass
class FundingAnswer:
    text: str
    buttons: list[dict[str, str]]
    programme: str | None  # what the conversation is about now, for the next follow-up


def funding_answer(text: str, *, previous: str | None = None, offered: tuple[str, ...] = ()) -> FundingAnswer:
    """The answer for the programme the citizen names, or a follow-up on the one talked about before.

    "muss ich das zurückzahlen?" names no programme: it asks about the last one (``previous``). "wer bezahlt das?"
    right after a search asks about the programmes of the offers shown (``offered``). A question that names
    none of these gets the overview with the programmes as buttons."""
    data = _data()
    named = programmes_named(text)
    aspect = aspect_asked(text)
    if not named and previous is None and offered:
        named = list(offered)
    key = named[0] if named else previous
    if key is None:
        return FundingAnswer(data["overview"], _programme_buttons(), None)
    programme = data["programmes"][key]
    follow_ups = programme.get("follow_ups") or {}
    if aspect and aspect in follow_ups:
        return FundingAnswer(follow_ups[aspect], _follow_up_buttons(key, without=aspect), key)
    if not named and previous:
        # A follow-up we have no text for: say so and offer what we can answer, rather than repeat.
        prompt = data["follow_up_prompt"].format(name=programme["name"])
        return FundingAnswer(prompt, [*_follow_up_buttons(key, without=None), OFFICE_BUTTON], key)
    texts = [data["programmes"][k]["answer"] for k in named[:2]]
    return FundingAnswer("\n\n".join(texts), _follow_up_buttons(key, without=None), key)


def funding_name(key: str) -> str:
    """The citizen's word for a catalogue funding key ("bamf" → "Integrationskurs / Berufssprachkurs")."""
    programme = _data()["programmes"].get(key)
    return str(programme["name"] if programme else _data()["names"].get(key, key))


def _offers_of(cards: list[dict[str, Any]]) -> list[Offer | None]:
    """The offers of the cards shown (None for one that is gone since)."""
    with read_scope() as session:
        return [session.get(Offer, str(c.get("id"))) for c in cards]


def programmes_offered(cards: list[dict[str, Any]]) -> tuple[str, ...]:
    """The programmes that can pay for the offers shown, the most frequent first (only those with an answer)."""
    offers = _offers_of(cards)
    counts: dict[str, int] = {}
    for offer in offers:
        for key in (offer.funding or []) if offer else []:
            if key in _data()["programmes"]:
                counts[key] = counts.get(key, 0) + 1
    return tuple(sorted(counts, key=lambda k: -counts[k]))


def _follow_up_buttons(key: str, *, without: str | None) -> list[dict[str, str]]:
    labels = _data()["follow_up_buttons"]
    available = _data()["programmes"][key].get("follow_ups") or {}
    return [{"title": label, "payload": label} for aspect, label in labels.items() if aspect != without and aspect in available][
        :2
    ] or [OFFICE_BUTTON]


_PRICE_QUESTION = re.compile(r"\b(was kostet|kosten|wie teuer|preis|gebuehr|kostenlos|umsonst)\b")


def prices_of_shown(cards: list[dict[str, Any]]) -> str | None:
    """ "Was kostet das?" right after a search asks about the offers just shown, not about funding in general."""
    offers = _offers_of(cards)
    lines = []
    for number, offer in enumerate(offers, start=1):
        if offer is None:
            continue
        price = (
            N_("kostenlos")
            if offer.cost_eur == 0
            else (f"{offer.cost_eur:.2f} €".replace(".", ",") if offer.cost_eur else N_("Preis nicht angegeben"))
        )
        # Lines from marked templates, so that the gateway can say them in the citizen's language.
        if offer.funding:
            line = N_("{number}. {title}: {price} (Förderung möglich: {programmes})")
        else:
            line = N_("{number}. {title}: {price}")
        programmes = ", ".join(map(funding_name, offer.funding or []))
        lines.append(line.format(number=number, title=offer.title, price=price, programmes=programmes))
    return "\n".join(lines) if lines else None


def explained_in(turn: list[dict[str, Any]]) -> str | None:
    """The programme the assistant explained in this turn (it set ``funding_topic``), or None."""
    return next(
        (str(e["value"]) for e in turn if e.get("event") == "slot" and e.get("name") == "funding_topic" and e.get("value")), None
    )


def just_explained(tracker: Tracker) -> str | None:
    """The programme the assistant explained in its last turn (before the citizen's current message), or None."""
    previous = turns(tracker)[1:2]
    return explained_in(previous[0]) if previous else None


def follow_up_in_context(tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """The funding answer when the message asks about the programme just explained, else None.

    Right after the BAMF answer, "und wo beantrage ich das" is a question about the BAMF however the engine read it
    (clarification, out of scope): the aspect words and the turn before decide. A message that names an offer is a
    search and stays one."""
    text = str((tracker.latest_message or {}).get("text") or "")
    if not aspect_asked(text) or not just_explained(tracker):
        return None
    if any(e.get("entity") == "topic" for e in (tracker.latest_message or {}).get("entities", [])):
        return None
    if offer_words(parse(text).topic_words):
        return None
    return ActionFunding().respond(tracker)


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
                closing = N_("Wer Kosten übernehmen kann, erkläre ich gern.")
                text = "\n".join((N_("Die Angebote von eben kosten:"), prices, closing))
                return [{"text": text, "buttons": _programme_buttons()[:3]}], {}
        previous: str | None = tracker.get_slot("funding_topic")
        offered: tuple[str, ...] = ()
        if shown and not just_explained(tracker):
            # After a search, "wer bezahlt das?" asks about the offers just shown, not the programme of long ago.
            previous, offered = None, programmes_offered(shown)
        answer = funding_answer(" ".join([said, *topics]), previous=previous, offered=offered)
        return [{"text": answer.text, "buttons": answer.buttons}], {"funding_topic": answer.programme}
