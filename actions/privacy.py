"""Data-protection questions get an answer to what was asked ("geht das ans Jobcenter?"), not the delete prompt;
the texts live in ``actions/data/privacy.yml``."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker

from actions.base import MessagesAction, last_bot_text, latest_text
from actions.funding import follow_up_in_context
from catalogue.text import fold
from core.i18n import N_

DATA = Path(__file__).resolve().parent / "data" / "privacy.yml"
DELETE_BUTTON = {"title": N_("Verlauf löschen"), "payload": "/delete_data"}


@cache
def _texts() -> dict[str, Any]:
    return dict(yaml.safe_load(DATA.read_text(encoding="utf-8")))


def delete_wished(text: str) -> bool:
    """A wish to delete the chat in words the engine may not have read as one (cues in privacy.yml)."""
    t = fold(text)
    return all(re.search(cue, t) for cue in _texts()["delete_wish"]["cues"])


def about_data(text: str) -> bool:
    t = fold(text)
    return any(re.search(cue, t) for cue in _texts()["about_data"]["cues"])


def privacy_answer(text: str, previous: str | None = None) -> str:
    data = _texts()
    t = fold(text)
    picked = [a["text"] for a in data["answers"] if any(re.search(cue, t) for cue in a["cues"])][:2]
    body = " ".join(picked) if picked else data["general"]
    if previous and previous.startswith(body):  # asked again: the short form, never the same words twice
        body = data["answers"][0]["text"] if body != data["answers"][0]["text"] else data["answers"][2]["text"]
    return f"{body} {data['delete_hint']}"


class ActionPrivacy(MessagesAction):
    def name(self) -> str:
        return "action_privacy"

    def respond(self, tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        if not about_data(latest_text(tracker)):
            funding = follow_up_in_context(tracker)
            if funding is not None:
                return funding
        text = privacy_answer(latest_text(tracker), last_bot_text(tracker))
        return [{"text": text, "buttons": [DELETE_BUTTON]}], {}
