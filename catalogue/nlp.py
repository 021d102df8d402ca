"""spaCy for the query parser: its German tokenizer and rule ``Matcher`` find what must not be read as a search.

A citizen pastes an e-mail address, a web address or a phone number into the chat ("ruf mich an 0541 501-1234",
"siehe www.vhs-os.de"). Without this the parser's regular expressions made topic words of "www" and "de" and asked
what "0541" means. spaCy's blank German pipeline (no model, nothing downloaded) tokenizes such strings as one
token and marks e-mails and URLs (``like_email``, ``like_url``); the token patterns of phone numbers and ISO dates
are data (``data/token_patterns.yml``). The parser claims those characters before it reads anything else.

spaCy imports the registry library ``catalogue``, which is this project's package name too; see
``catalogue/__init__.py`` for how both work in one process.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import yaml

from catalogue.text import DATA

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher

PATTERNS_PATH = DATA / "token_patterns.yml"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claim:
    """Characters ``start:end`` of the text are a contact detail or a date, not part of a search."""

    start: int
    end: int
    label: str  # "email", "url", "phone", "date"


@cache
def _pipeline() -> tuple[Language, Matcher]:
    started = time.perf_counter()
    import spacy
    from spacy.matcher import Matcher

    nlp = spacy.blank("de")
    matcher = Matcher(nlp.vocab)
    raw: dict[str, list[list[dict[str, Any]]]] = yaml.safe_load(PATTERNS_PATH.read_text(encoding="utf-8"))
    for label, patterns in raw.items():
        matcher.add(label, patterns, greedy="LONGEST")
    log.info("spaCy tokenizer ready in %.2f s", time.perf_counter() - started)
    return nlp, matcher


def warm_up() -> None:
    """Load spaCy before the first citizen waits for it (about a second)."""
    _pipeline()


def stop_words() -> frozenset[str]:
    """spaCy's German stop words ("damit", "kaum", "tun"): words that say nothing about what is sought."""
    return frozenset(_pipeline()[0].Defaults.stop_words)


def claims(text: str) -> list[Claim]:
    """The contact details and dates in ``text``, in order, not overlapping."""
    if not text.strip():
        return []
    nlp, matcher = _pipeline()
    doc = nlp.make_doc(text)
    found = [Claim(t.idx, t.idx + len(t.text), "email" if t.like_email else "url") for t in doc if t.like_email or t.like_url]
    for match_id, start, end in matcher(doc):
        span = doc[start:end]
        found.append(Claim(span.start_char, span.end_char, nlp.vocab.strings[match_id]))
    out: list[Claim] = []
    for claim in sorted(found, key=lambda c: (c.start, -(c.end - c.start))):
        if not out or claim.start >= out[-1].end:
            out.append(claim)
    return out
