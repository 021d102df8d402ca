"""``GET /api/v1/labels``: the chat widget's own texts (buttons, hints, notices) in the citizen's language (#12).

The German texts are data, ``web/widget/labels.json`` (key -> German text): the widget bundles them as its
defaults, so it shows German at once and without this route; the catalogues translate them like every other
text (``locale/babel.cfg`` extracts the file). The widget asks once per page with the browser's languages and
then for the conversation's language when that changes.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from bot import i18n as languages
from bot.deps import SettingsDep
from core import i18n

router = APIRouter(prefix="/api/v1", tags=["Chat"])
LABELS_FILE = i18n.ROOT / "web" / "widget" / "labels.json"
# Public and the same for everyone with the same query: browsers and proxies may keep it a few minutes.
CACHE = "public, max-age=300"


class Labels(BaseModel):
    """The widget's texts in one language; ``{fields}`` in a text are filled in by the widget."""

    language: str = Field(description="the language of the texts (BCP 47), one of `offered`")
    dir: Literal["ltr", "rtl"] = Field(description="writing direction of the language")
    offered: list[str] = Field(description="the reply languages offered (BILDUNGSLOTSE_LANGUAGES), German first")
    labels: dict[str, str] = Field(description="key -> text; a text without translation stays German")


@cache
def german() -> dict[str, str]:
    with LABELS_FILE.open(encoding="utf-8") as handle:
        data = json.load(handle)
    return {str(k): str(v) for k, v in data.items()}


def translated(language: str) -> dict[str, str]:
    return {key: i18n.gettext(text, language) or text for key, text in german().items()}


def choose(preferences: str, offered: list[str]) -> str:
    """The first offered language of a preference list ("tr-TR,tr,de"; primary subtags count), else German."""
    for tag in preferences.split(","):
        code = tag.split(";", 1)[0].strip().split("-", 1)[0].split("_", 1)[0].lower()
        if code in offered:
            return code
    return i18n.SOURCE


@router.get("/labels", response_model=Labels)
def labels(
    settings: SettingsDep,
    response: Response,
    lang: Annotated[
        str,
        Query(
            max_length=200,
            pattern=r"^[A-Za-z0-9,;=._\- *]*$",
            description="preferred languages, most wanted first (the browser's `navigator.languages` joined "
            "with commas, or the conversation's language); the first offered one is used, German otherwise",
        ),
    ] = "",
) -> Labels:
    """The chat widget's texts in the first offered language of ``lang``. Public and cached (5 minutes): they
    contain nothing about a conversation. The widget sends the chosen ``language`` when it starts a conversation."""
    offered = languages.supported(settings.languages)
    language = choose(lang, offered)
    response.headers["Cache-Control"] = CACHE
    direction: Literal["ltr", "rtl"] = "rtl" if language in i18n.RTL else "ltr"
    return Labels(language=language, dir=direction, offered=offered, labels=translated(language))
