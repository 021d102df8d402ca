"""Greetings, thanks, goodbyes, help and "are you a bot?": the texts live in ``actions/data/small_talk.yml``,
and a repeated "danke" gets other words than the assistant's last reply."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker

from actions.base import MessagesAction, last_bot_text, latest_intent

DATA = Path(__file__).resolve().parent / "data" / "small_talk.yml"


@cache
def _answers() -> dict[str, list[dict[str, Any]]]:
    return dict(yaml.safe_load(DATA.read_text(encoding="utf-8")))


def small_talk(intent: str, previous: str | None) -> dict[str, Any]:
    variants = _answers().get(intent) or _answers()["help"]
    return dict(next((v for v in variants if v["text"] != previous), variants[0]))


class ActionSmallTalk(MessagesAction):
    def name(self) -> str:
        return "action_small_talk"

    def respond(self, tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        return [small_talk(latest_intent(tracker), last_bot_text(tracker))], {}
