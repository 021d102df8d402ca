"""Einfache Sprache switched on or off by what the citizen types ("einfacher bitte", "normale Sprache").

The gateway recognises these before the engine (``bot.relay``), so that "Können Sie einfacher schreiben?" is
not read as a wish for a counsellor. The phrases are data (``bot/data/plain_cues.yml``); matching is folded and
typo-tolerant (rapidfuzz). The plain texts themselves are a catalogue like a language (``core.i18n.PLAIN``).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from catalogue.text import fold
from core.i18n import N_

CUES = Path(__file__).resolve().parent / "data" / "plain_cues.yml"
CUTOFF = 85
_WORD = re.compile(r"[a-z0-9]+")

SWITCHED_ON = N_(
    "Gut. Ich schreibe jetzt in Einfacher Sprache. Sie möchten wieder normale Sprache? Dann schreiben Sie: normale Sprache."
)
SWITCHED_OFF = N_(
    "Gut. Ich schreibe jetzt wieder in normaler Sprache. Sie möchten Einfache Sprache? Dann schreiben Sie: einfache Sprache."
)
ONLY_GERMAN = N_("Einfache Sprache gibt es nur auf Deutsch. Mit /sprache können Sie Deutsch wählen.")


@cache
def _cues() -> dict[str, Any]:
    data = yaml.safe_load(CUES.read_text(encoding="utf-8")) or {}
    return {
        "on": [fold(c) for c in data.get("on") or []],
        "off": [fold(c) for c in data.get("off") or []],
        "fillers": [fold(c) for c in data.get("fillers") or []],
        "phrases": [_WORD.findall(fold(p)) for p in data.get("phrases") or []],
    }


def _same(word: str, other: str) -> bool:
    """Typo-tolerant for longer words; short words ("ab", "du") only exactly."""
    return word == other or (min(len(word), len(other)) >= 4 and fuzz.ratio(word, other) >= CUTOFF)


def _without_fillers(words: list[str]) -> list[str]:
    cues = _cues()
    for phrase in sorted(cues["phrases"], key=len, reverse=True):
        n = len(phrase)
        i = 0
        while i + n <= len(words):
            if all(_same(w, p) for w, p in zip(words[i : i + n], phrase, strict=True)):
                words = words[:i] + words[i + n :]
            else:
                i += 1
    return [w for w in words if not any(_same(w, f) for f in cues["fillers"])]


def cue(text: str) -> bool | None:
    """True: the citizen asks for Einfache Sprache; False: for normal language again; None: no such wish."""
    words = _WORD.findall(fold(text))
    if not words or len(words) > 12:
        return None
    rest = " ".join(_without_fillers(words))
    if not rest:
        return None
    cues = _cues()
    best: tuple[float, bool] | None = None
    for wanted, phrases in ((False, cues["off"]), (True, cues["on"])):
        match = process.extractOne(rest, phrases, scorer=fuzz.ratio, score_cutoff=CUTOFF)
        if match and (best is None or match[1] > best[0]):
            best = (match[1], wanted)
    return None if best is None else best[1]
