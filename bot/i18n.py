"""The citizen's language in the gateway: detecting it from a message, and saying our replies in it.

Detection uses lingua (models inside the wheel) restricted to ``BILDUNGSLOTSE_LANGUAGES``. German is the default
and wins whenever a message is not clearly in another language: "ja", "ok", "danke", a place name or a number
never switch. A conversation switches when the citizen clearly writes another language:
- Arabic or Cyrillic script: the script decides (Russian and Ukrainian apart by lingua, a close call keeps the
  current one of the two);
- Latin script: two or more words with high confidence, or one word lingua is all but sure of ("merhaba");
- back to German only on a clear German sentence (four or more words), so that a topic and a place such as
  "Deutschkurs in Melle" in an English conversation keep it English.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from catalogue import query
from core import i18n

NON_LATIN = {"ar", "ru", "uk"}
_WORD = re.compile(r"[^\W\d_]{2,}")
# Native names, for choosing a language (/sprache in Telegram, the widget's menu).
NATIVE_NAMES = {"de": "Deutsch", "en": "English", "tr": "Türkçe", "ar": "العربية", "uk": "Українська", "ru": "Русский"}


def supported(setting: str) -> list[str]:
    """The languages of the ``languages`` setting that we can detect (German always first)."""
    codes = [c.strip().lower() for c in setting.split(",") if c.strip()]
    out = [i18n.SOURCE]
    for code in codes:
        if code not in out and _language(code) is not None:
            out.append(code)
    return out


def _language(code: str) -> Language | None:
    try:
        return Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
    except (AttributeError, ValueError):
        return None


@cache
def _detector(codes: tuple[str, ...]) -> LanguageDetector:
    languages = [lang for lang in (_language(c) for c in codes) if lang is not None]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def confidences(text: str, codes: tuple[str, ...]) -> list[tuple[str, float]]:
    """(code, confidence) for each language, best first."""
    if len(codes) < 2:
        return [(codes[0], 1.0)] if codes else []
    values = _detector(codes).compute_language_confidence_values(text)
    return [(v.language.iso_code_639_1.name.lower(), float(v.value)) for v in values]


@lru_cache(maxsize=256)
def _without_place(text: str) -> str:
    """The message without the place it names: "I need a german course in Osnabrück" read 0.81 German, without
    "Osnabrück" it reads English. Cached: the gateway asks ``detect_switch`` and ``writes_in`` of the same message."""
    place = query.parse(text).place_text
    return re.sub(re.escape(place), " ", text, flags=re.IGNORECASE) if place else text


def detect_switch(text: str, *, current: str, languages: list[str]) -> str | None:
    """The language to switch the conversation to after this message, or None to keep ``current``."""
    if text.lstrip().startswith("/"):
        return None
    text = _without_place(text)
    words = _WORD.findall(text)
    if not words or text.lstrip().startswith("/") or len(languages) < 2:
        return None
    ranked = confidences(text, tuple(languages))
    if not ranked:
        return None
    top, confidence = ranked[0]
    if top == current:
        return None
    if top in NON_LATIN:
        if current in NON_LATIN and current != "ar" and top != "ar" and confidence < 0.9:
            return None  # Russian or Ukrainian: a close call keeps the one the citizen has been writing
        return top if confidence >= 0.6 else None
    if top == i18n.SOURCE:
        return top if len(words) >= 4 and confidence >= 0.9 else None
    if len(words) >= 4:
        return top if confidence >= 0.7 else None
    if len(words) >= 2:
        # Two or three words are mostly an offer and a place ("pekip in belm" reads 0.70 Turkish): only a clear call.
        return top if confidence >= 0.85 else None
    return top if confidence >= 0.95 else None


def writes_in(text: str, *, language: str, languages: list[str]) -> bool:
    """True when the message is clearly written in ``language`` (so that it is worth reading by its meaning)."""
    if language == i18n.SOURCE or text.lstrip().startswith("/"):
        return False
    text = _without_place(text)
    words = _WORD.findall(text)
    if not words:
        return False
    ranked = confidences(text, tuple(languages))
    if not ranked or ranked[0][0] != language:
        return False
    confidence = ranked[0][1]
    return confidence >= 0.6 if language in NON_LATIN else (len(words) >= 2 and confidence >= 0.6) or confidence >= 0.95


def say(
    text: str | None, extra: dict[str, Any], *, language: str, i18n_node: i18n.Node = None
) -> tuple[str | None, dict[str, Any]]:
    """One of our messages (text and button titles) in ``language``; ``i18n_node`` describes a composed text.

    ``extra["language"]`` is the language the text is really in: German if a part had no translation."""
    extra = dict(extra)
    missing: list[str] = []
    german = i18n.render(i18n_node) if i18n_node is not None else text
    if i18n_node is not None:
        text = i18n.render(i18n_node, language, missing)
    elif text:
        text = i18n.translate(text, language, missing)
    if german and text != german:
        extra["text_de"] = german  # what the assistant said in German: for comparisons and the counsellors
    if extra.get("buttons"):
        extra["buttons"] = [
            {**b, "title": i18n.translate(str(b.get("title") or ""), language, missing)} for b in extra["buttons"]
        ]
    # The language the text is in: German when nothing of it could be said in the language (a provider's own
    # sentences inside a translated answer stay as they are and do not make it German).
    extra["language"] = i18n.SOURCE if missing and text == german else language
    if extra["language"] != language:
        extra["conversation_language"] = language  # our labels around it (Telegram's offer cards) still in it
    return text, extra
