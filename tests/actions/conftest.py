from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


@pytest.fixture(autouse=True)
def _use_test_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    from core.config import get_settings

    monkeypatch.setenv("BILDUNGSLOTSE_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def make_tracker(
    slots: dict[str, Any] | None = None,
    *,
    intent: str = "search_offers",
    text: str = "",
    entities: list[dict[str, Any]] | None = None,
    ranking: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
) -> Tracker:
    latest = {"intent": {"name": intent}, "entities": entities or [], "text": text, "intent_ranking": ranking or []}
    return Tracker("c1", slots or {}, latest, events or [], False, None, {}, "")


# The part of domain/handover.yml that form validation reads.
FORMS_DOMAIN = {
    "forms": {
        "handover_form": {"required_slots": ["handover_place", "counsellor_language", "counsellor_gender", "handover_consent"]}
    }
}


def run_action(action: Any, tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Messages as the engine would get them, and the slots the action set."""
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, FORMS_DOMAIN)
    if inspect.isawaitable(events):  # blocking actions run in a worker thread of the action server
        events = asyncio.run(events)
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
