"""Actions without an engine: rasa-sdk's CollectingDispatcher and a Tracker built by hand."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.office_info import ActionOfficeInfo
from actions.search_offers import ActionMoreOffers, ActionSearchOffers


@pytest.fixture(autouse=True)
def _use_test_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.config import get_settings

    monkeypatch.setenv("BILDUNGSLOTSE_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def tracker(**slots: Any) -> Tracker:
    return Tracker("c1", slots, {"intent": {"name": "search_offers"}, "entities": []}, [], False, None, {}, "")


def run(action: Any, **slots: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker(**slots), {})
    return dispatcher.messages, events


def test_search_returns_offers_as_custom_payload() -> None:
    messages, events = run(ActionSearchOffers(), topic="Deutschkurs", municipality="Melle")
    [message] = messages
    custom = message["custom"]
    assert "Melle" in custom["text"]
    assert custom["offers"][0]["category"] == "sprache"
    assert custom["offers"][0]["id"] == "test-t1"
    assert len(custom["offers"]) <= 3
    assert {"event": "slot", "timestamp": None, "name": "search_page", "value": 0} in events


def test_missing_topic_is_asked_with_buttons() -> None:
    messages, _ = run(ActionSearchOffers(), municipality="Melle")
    assert "Was für ein Angebot" in messages[0]["text"] and messages[0]["buttons"]


def test_missing_place_is_asked() -> None:
    messages, _ = run(ActionSearchOffers(), topic="Deutschkurs")
    assert "Gemeinde" in messages[0]["text"]


def test_unknown_place_is_explained_and_cleared() -> None:
    messages, events = run(ActionSearchOffers(), topic="Deutschkurs", municipality="Atlantis")
    assert "Atlantis" in messages[0]["text"]
    assert any(e.get("name") == "municipality" and e.get("value") is None for e in events)


def test_zero_results_are_said_honestly() -> None:
    messages, _ = run(ActionSearchOffers(), topic="Tiefseetauchen", municipality="Melle")
    assert "kein passendes Angebot" in messages[0]["text"]


def test_paging_continues_after_first_page() -> None:
    first, _ = run(ActionSearchOffers(), topic="Deutsch", municipality="Melle")
    more, _ = run(ActionMoreOffers(), topic="Deutsch", municipality="Melle", search_page=0)
    first_ids = {o["id"] for o in first[0]["custom"]["offers"]}
    if more[0].get("custom"):
        assert not first_ids & {o["id"] for o in more[0]["custom"]["offers"]}
    else:
        assert "alle" in more[0]["text"]


def test_office_info_names_nearest_office_and_hours() -> None:
    messages, _ = run(ActionOfficeInfo(), municipality="Quakenbrück")
    text = messages[0]["text"]
    assert (
        "Bildungsbüro Nord (Bersenbrück)" in text and "Öffnungszeiten" in text and "geöffnet" in text
    ) or "geschlossen" in text


def test_office_info_asks_for_place() -> None:
    messages, _ = run(ActionOfficeInfo())
    assert "Gemeinde" in messages[0]["text"]
