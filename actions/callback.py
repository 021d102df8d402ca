"""Whether a message asks for a call back; the cues are data (``actions/data/callback.yml``)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

import yaml

from catalogue.text import fold

DATA = Path(__file__).resolve().parent / "data" / "callback.yml"


@cache
def _pattern(where: str) -> re.Pattern[str]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return re.compile("|".join(f"(?:{cue})" for cue in raw[where]["cues"]))


def wants_call_back(text: str, *, where: Literal["handover", "search"]) -> bool:
    return bool(_pattern(where).search(fold(text)))
