"""Understanding a message in another language: its meaning, for the German engine, as a structured message.

The engine's NLU is German. A message the citizen clearly writes in the conversation's other language
("I am looking for a German course in Melle") is compared by meaning with a few German example sentences per
intent (``locale/intents.yml``), using the multilingual embedding model of the search
(``catalogue.semantic.embedder()``, cross-lingual); for a search also with the catalogue topics there. The engine
then gets ``/search_offers{"topic": "Deutschkurs", "municipality": "Melle"}`` instead of the words it cannot
read; the citizen's own words stay in the history. When no intent is close enough, the message goes to the
engine as it is (which then asks back, in the citizen's language).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import yaml

from catalogue.places import resolve_place
from core.db import read_scope
from core.i18n import LOCALE_DIR

DATA = LOCALE_DIR / "intents.yml"
# Cosine similarity of e5 vectors (measured on tests/data/multilingual_messages.yml, see the test): below it the
# nearest German example is no longer the same request.
MIN_INTENT = 0.81
MIN_TOPIC = 0.80
SEARCH = "search_offers"
# Intents that take no topic: a message closer to a topic phrase than to their examples is a search.
TOPIC_OVERRIDES = frozenset({"request_counsellor", "out_of_scope", "help"})
# Place names: Latin, or Cyrillic as Ukrainian and Russian write them ("в Оснабрюці"; transliterated by catalogue.places).
_PLACE_WORD = re.compile(r"[A-Za-zÄÖÜäöüß\u0400-\u04ff][A-Za-zÄÖÜäöüß\u0400-\u04ff.-]{2,}")
_POSTCODE = re.compile(r"\b\d{5}\b")


@dataclass(frozen=True)
class Reading:
    intent: str
    score: float
    entities: dict[str, str]

    @property
    def message(self) -> str:
        """The structured engine message, as the buttons send it."""
        return f"/{self.intent}" + (json.dumps(self.entities, ensure_ascii=False) if self.entities else "")


@cache
def _data() -> dict[str, Any]:
    return dict(yaml.safe_load(DATA.read_text(encoding="utf-8")))


@cache
def _examples() -> tuple[list[str], np.ndarray]:
    from catalogue.semantic import embedder

    labels, texts = [], []
    for intent, sentences in _data()["intents"].items():
        for sentence in sentences:
            labels.append(str(intent))
            texts.append(str(sentence))
    return labels, embedder().passages(texts)


@cache
def _topics() -> tuple[list[str], np.ndarray]:
    """(topic, phrase vector) per phrase: a topic is as close as its closest phrase."""
    from catalogue.semantic import embedder

    names, phrases = [], []
    for topic, said in _data()["topics"].items():
        for phrase in said:
            names.append(str(topic))
            phrases.append(str(phrase))
    return names, embedder().passages(phrases)


def read(text: str, *, database_url: str | None = None) -> Reading | None:
    """The intent (and for a search its topic and place) of a message in another language, or None."""
    from catalogue.semantic import embedder

    vector = embedder().query(text)
    labels, examples = _examples()
    scores = examples @ vector
    best = int(np.argmax(scores))
    score = float(scores[best])
    if score < MIN_INTENT:
        return None
    intent = labels[best]
    # The closest phrase decides the topic (measured better than the mean of a topic's best two or three phrases,
    # and better than leaving the place name out of the sentence).
    names, topics = _topics()
    topic_scores = topics @ vector
    top = int(np.argmax(topic_scores))
    topic_score = float(topic_scores[top])
    if intent in TOPIC_OVERRIDES and topic_score >= MIN_TOPIC and topic_score > score:
        # "репетитор по математике" came out nearest to "Kann mich jemand persönlich beraten?" (0.82) but nearer
        # still to the topic phrase "репетитор" (a tutor is a person, too): naming an offer is a search.
        intent, score = SEARCH, topic_score
    entities: dict[str, str] = {}
    if intent == SEARCH:
        if topic_score >= MIN_TOPIC:
            entities["topic"] = names[top]
        entities.update(_place(text, database_url))
    return Reading(intent, score, entities)


def _place(text: str, database_url: str | None) -> dict[str, str]:
    """A municipality or postcode written in the message (Latin, or Cyrillic; Arabic script is not transliterated)."""
    postcode = _POSTCODE.search(text)
    if postcode:
        return {"postcode": postcode.group(0)}
    words = [w.strip(".-") for w in _PLACE_WORD.findall(text)]
    candidates = [" ".join(words[i : i + 2]) for i in range(len(words) - 1)] + words
    with read_scope(database_url) as session:
        for candidate in candidates:
            if not candidate[:1].isupper() or candidate not in text:
                continue  # "course", "near": place names are written with a capital
            place = resolve_place(session=session, text=candidate)
            if place is not None:
                return {"municipality": place.municipality.name}
    return {}
