"""What of a search may be kept for the figures: a short folded topic without personal data, coarse attributes.

The topic comes from the citizen's words (the NLU's ``topic`` entity, or the sentence itself when the entity says
little), so it may carry a name, a phone number, an e-mail or an address. :func:`normalise_topic` removes them:

- e-mail addresses and web addresses;
- every number of three or more digits, with its separators (phone numbers, postcodes, house numbers); one- and
  two-digit numbers and level codes (A1, B2) stay, they describe the offer;
- street addresses (a word ending in -straße, -weg, -platz … and the house number after it);
- names: the words after "ich heiße", "mein Name ist", "ich bin", "Frau", "Herr" (two words after an
  introduction, one after a title), a known first name (``data/first_names.txt``) and the capitalised word after
  it (the surname), and the words "Tel", "Telefon", "Handy", "Mail", "E-Mail" that announce contact data;

then folds (lower case, umlauts to ae/oe/ue) and keeps at most six words and 60 characters, cut at a word.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from catalogue.text import fold

MAX_CHARS = 60
MAX_WORDS = 6
DATA = Path(__file__).resolve().parent / "data"

_EMAIL = re.compile(r"[^\s@]+@[^\s@]+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# three digits or more, possibly with a leading + and separators in between ("0541 / 12 34-56", "+49 176 1234")
_LONG_NUMBER = re.compile(r"\+?\d(?:[\s/().-]*\d){2,}")
# "Hauptstraße 12", "Lange Str. 3", "Bahnhofstr."; other street words only with a house number ("Am Ring 5a",
# "Marktplatz 3"), so that "Kitaplatz" stays
_STREET = re.compile(
    r"\b\w*(?:straße|strasse|str\.)(?:\s*\d+\s*[a-zA-Z]?\b)?"
    r"|\b\w*(?:weg|allee|platz|gasse|ring|damm|ufer|chaussee|stieg|pfad)\s*\d+\s*[a-zA-Z]?\b",
    re.IGNORECASE,
)
# the cue in any case; after "ich heiße" / "mein Name ist" two words, after "ich bin" one and a capitalised one
_INTRO = re.compile(r"\b(?i:ich\s+hei(?:ß|ss)e|mein\s+name\s+ist|mein\s+name|name\s*:)\s+[\w-]+(?:\s+[\w-]+)?")
_I_AM = re.compile(r"\b(?i:ich\s+bin)\s+[\w-]+(?:\s+[A-ZÄÖÜ][\w-]*)?")
_TITLE = re.compile(r"\b(?:frau|herrn?|hr\.|fr\.|dr\.)\s+\S+", re.IGNORECASE)
_CONTACT_WORDS = {"tel", "telefon", "telefonnummer", "handy", "handynummer", "mobil", "nummer", "mail", "email",
                  "e-mail", "adresse", "anschrift", "erreichbar", "unter"}  # fmt: skip
_TOKEN = re.compile(r"[\w-]+")


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    names: set[str] = set()
    for line in (DATA / "first_names.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            names.update(fold(word) for word in line.split())
    return frozenset(names)


def _drop_names(text: str) -> list[str]:
    """The words of ``text`` (as written) without known first names and the capitalised word after each."""
    names = first_names()
    out: list[str] = []
    skip_capitalised = False
    for word in _TOKEN.findall(text):
        if skip_capitalised and word[:1].isupper():
            skip_capitalised = False
            continue
        skip_capitalised = False
        if fold(word) in names:
            skip_capitalised = True
            continue
        out.append(word)
    return out


def _keep(word: str) -> bool:
    if not word or word in _CONTACT_WORDS:
        return False
    return len(word) <= 2 if word.isdigit() else True


def normalise_topic(text: str | None) -> str | None:
    """The topic as it may be stored: folded, at most six words and 60 characters, no personal data."""
    if not text:
        return None
    text = _EMAIL.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _STREET.sub(" ", text)
    text = _LONG_NUMBER.sub(" ", text)
    text = _INTRO.sub(" ", text)
    text = _I_AM.sub(" ", text)
    text = _TITLE.sub(" ", text)
    words = [w for w in (fold(w).strip("-") for w in _drop_names(text)) if _keep(w)]
    kept: list[str] = []
    for word in words[:MAX_WORDS]:
        if len(" ".join([*kept, word])) > MAX_CHARS:
            break
        kept.append(word)
    return " ".join(kept) or None


AGE_BANDS = ((2, "0-2"), (5, "3-5"), (9, "6-9"), (15, "10-15"), (17, "16-17"), (26, "18-26"), (49, "27-49"), (64, "50-64"))


def age_band(age: object) -> str | None:
    """The band of an age in years (Krippe, Kita, Grundschule, … ); None when there is no plausible age."""
    try:
        years = int(float(str(age)))
    except (TypeError, ValueError):
        return None
    if years < 0 or years > 120:
        return None
    return next((band for upper, band in AGE_BANDS if years <= upper), "65+")


_LANGUAGE = re.compile(r"[a-z]{2,3}")


def language_code(value: object) -> str | None:
    """A conversation language as a short code ("de", "tr"; "de-simple" -> "de"), else None."""
    code = str(value or "").strip().lower().split("-")[0].split("_")[0]
    return code if _LANGUAGE.fullmatch(code) else None
