"""Search actions without an engine: rasa-sdk's CollectingDispatcher and hand-built trackers."""

from __future__ import annotations

from actions.more_offers import ActionMoreOffers
from actions.offer_search import refinement_from_text
from actions.search_offers import ActionSearchOffers
from monitoring.models import SearchEvent
from tests.actions.conftest import make_tracker, run_action


def offers_of(messages) -> list[dict]:
    return [o for m in messages for o in (m.get("custom") or {}).get("offers", [])]


def test_search_returns_offers_as_custom_payload() -> None:
    messages, slots = run_action(ActionSearchOffers(), make_tracker({"topic": "Deutschkurs", "municipality": "Melle"}))
    custom = messages[0]["custom"]
    assert "Melle" in custom["text"]
    assert custom["offers"][0]["id"] == "test-t1" and custom["offers"][0]["category"] == "sprache"
    assert len(custom["offers"]) <= 3
    assert slots["search_page"] == 0


def test_missing_topic_is_asked_with_buttons() -> None:
    messages, _ = run_action(ActionSearchOffers(), make_tracker({"municipality": "Melle"}))
    assert "Was für ein Angebot" in messages[0]["text"] and messages[0]["buttons"]


def test_missing_place_is_asked() -> None:
    messages, _ = run_action(ActionSearchOffers(), make_tracker({"topic": "Deutschkurs"}))
    assert "Gemeinde" in messages[0]["text"] and not offers_of(messages)


def test_postcode_is_a_place() -> None:
    messages, _ = run_action(ActionSearchOffers(), make_tracker({"topic": "PEKiP", "postcode": "49163"}))
    assert offers_of(messages)[0]["municipality"] == "Bohmte"


def test_unknown_place_is_explained_and_cleared() -> None:
    messages, slots = run_action(ActionSearchOffers(), make_tracker({"topic": "Deutschkurs", "municipality": "Atlantis"}))
    assert "Atlantis" in messages[0]["text"]
    assert slots["municipality"] is None


def test_zero_results_widen_then_offer_counsellor(session) -> None:
    before = session.query(SearchEvent).count()
    messages, _ = run_action(ActionSearchOffers(), make_tracker({"topic": "Tiefseetauchen", "municipality": "Melle"}))
    reply = messages[0]["custom"]
    assert "nicht im ganzen Landkreis" in reply["text"]
    assert reply["buttons"][0]["payload"] == "/request_counsellor"
    # The anonymous record travels back to the gateway; the action server itself writes nothing.
    assert reply["search_record"] == {
        "topic": "Tiefseetauchen", "category": None, "municipality": "Melle", "target_group": None, "age": None,
        "results": 0, "widened": True,
    }  # fmt: skip
    session.expire_all()
    assert session.query(SearchEvent).count() == before


def test_far_offer_found_by_widening() -> None:
    # The only forklift course is in Osnabrück, more than 20 km from Quakenbrück
    messages, _ = run_action(ActionSearchOffers(), make_tracker({"topic": "Staplerschein", "municipality": "Quakenbrück"}))
    assert "Umkreis" in messages[0]["custom"]["text"]
    assert offers_of(messages)[0]["id"] == "test-t4"


def test_refinements_are_read_from_words() -> None:
    current = {"municipality": "Melle"}
    assert refinement_from_text("gibt es das auch kostenlos?", current, [120.0]).slots == {"free": True}
    assert refinement_from_text("zu teuer, was günstigeres?", current, [120.0, 0.0]).slots == {"max_cost": 119.99}
    assert refinement_from_text("lieber online", current, []).slots == {"online": "ja"}
    assert refinement_from_text("geht das auch in einer anderen Gemeinde", current, []).slots == {"exclude_municipality": "Melle"}
    assert refinement_from_text("Bohmte", current, []).slots == {}


def test_refinement_free_keeps_topic_and_place() -> None:
    tracker = make_tracker({"topic": "Deutsch", "municipality": "Melle"}, intent="inform", text="kostenlos bitte")
    messages, slots = run_action(ActionSearchOffers(), tracker)
    assert slots["free"] is True
    assert {o["cost_eur"] for o in offers_of(messages)} == {0}


def test_refinement_online() -> None:
    tracker = make_tracker({"topic": "Deutschkurs", "municipality": "Melle"}, intent="inform", text="lieber online")
    messages, _ = run_action(ActionSearchOffers(), tracker)
    assert [o["online"] for o in offers_of(messages)] == [True]


def test_a_narrowing_that_finds_nothing_keeps_the_offers_just_shown() -> None:
    # PEKiP in Bohmte was shown; "und online?" finds nothing online: say so, keep the list and the earlier wishes.
    shown = [{"id": "test-t3", "title": "PEKiP-Gruppe für Babys im ersten Lebensjahr", "municipality": "Bohmte"}]
    slots = {"topic": "PEKiP", "municipality": "Bohmte", "shown_offers": shown}
    messages, changed = run_action(ActionSearchOffers(), make_tracker(slots, intent="inform", text="und online?"))
    [reply] = messages
    assert reply["custom"]["text"].startswith("Mit diesem Wunsch finde ich zu „PEKiP“ leider nichts.")
    assert "online" not in changed and "shown_offers" not in changed and not offers_of(messages)
    assert reply["custom"]["search_record"]["results"] == 0  # still counted as not found
    # The first search finding nothing still says so as before.
    first, _ = run_action(ActionSearchOffers(), make_tracker({"topic": "PEKiP", "municipality": "Bohmte", "online": "ja"}))
    assert "auch nicht im ganzen Landkreis" in first[0]["custom"]["text"]


def test_button_refinement_entity() -> None:
    tracker = make_tracker(
        {"topic": "Deutsch", "municipality": "Melle"},
        intent="inform",
        text='/inform{"refine": "kostenlos"}',
        entities=[{"entity": "refine", "value": "kostenlos"}],
    )
    _, slots = run_action(ActionSearchOffers(), tracker)
    assert slots["free"] is True


def test_new_search_drops_old_refinements() -> None:
    tracker = make_tracker(
        {"topic": "PEKiP", "municipality": "Bohmte", "free": True, "online": "ja"},
        intent="search_offers",
        entities=[{"entity": "topic", "value": "PEKiP"}],
    )
    messages, slots = run_action(ActionSearchOffers(), tracker)
    assert slots["free"] is None and slots["online"] is None
    assert offers_of(messages)[0]["id"] == "test-t3"


def test_paging_continues_after_first_page() -> None:
    slots = {"topic": "Deutsch", "municipality": "Melle", "radius": None}
    first, _ = run_action(ActionSearchOffers(), make_tracker(slots))
    more, more_slots = run_action(ActionMoreOffers(), make_tracker({**slots, "search_page": 0}, intent="more_offers"))
    first_ids = {o["id"] for o in offers_of(first)}
    assert first_ids
    if offers_of(more):
        assert not first_ids & {o["id"] for o in offers_of(more)} and more_slots["search_page"] == 1
    else:
        assert "alle" in more[0]["text"]


def test_more_without_search_asks_for_topic() -> None:
    messages, _ = run_action(ActionMoreOffers(), make_tracker({}, intent="more_offers"))
    assert "Stichwort" in messages[0]["text"]


def test_a_wish_to_be_called_starts_the_handover_instead_of_a_search() -> None:
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    from actions.callback import wants_call_back

    for wish in ["kann mich jemand anrufen wegen anerkennung", "Rückruf wegen Umschulung", "ruft mich bitte zurück"]:
        assert wants_call_back(wish, where="search"), wish
        assert wants_call_back(wish, where="handover"), wish
    for search in ["welche nummer kann ich anrufen?", "deutschkurs mit telefon-sprechstunde", "termin für den pekip kurs"]:
        assert not wants_call_back(search, where="search"), search
    assert wants_call_back("einen termin bitte", where="handover")
    tracker = make_tracker({}, intent="search_offers", text="mein abschluss ist aus syrien, kann mich jemand anrufen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionSearchOffers().run(dispatcher, tracker, {}))
    assert {"event": "followup", "name": "handover_form", "timestamp": None} in events
    assert any(e.get("name") == "callback_wished" and e.get("value") is True for e in events)
    assert len(dispatcher.messages) == 1 and not dispatcher.messages[0]["custom"]  # no offer cards


def test_an_age_the_engine_read_that_finds_nothing_keeps_the_offers_shown() -> None:
    """ "16" after homework help for primary school children: the offer shown stays, the age is taken back (found by
    the randomised run: "7" after a course for adults answered "nothing in the whole county" twice)."""
    events = [
        {"event": "slot", "name": "age", "value": None},
        {"event": "user", "text": "16", "parse_data": {"intent": {"name": "inform"}}},
        {"event": "slot", "name": "age", "value": "16"},
    ]
    slots = {"topic": "Hausaufgabenhilfe", "municipality": "Bohmte", "age": "16", "shown_offers": [{"id": "test-t5"}]}
    tracker = make_tracker(slots, intent="inform", text="16", entities=[{"entity": "age", "value": "16"}], events=events)
    messages, changed = run_action(ActionSearchOffers(), tracker)
    assert messages[0]["custom"]["text"].startswith("Mit diesem Wunsch"), messages
    assert "age" in changed and changed["age"] is None


def test_the_last_words_of_a_reply_with_offers_count_for_never_twice() -> None:
    from actions.base import last_bot_text

    tracker = make_tracker(events=[{"event": "bot", "text": None, "data": {"custom": {"text": "Ich habe 3 passende Angebote"}}}])
    assert last_bot_text(tracker) == "Ich habe 3 passende Angebote"
