from __future__ import annotations

import asyncio
import inspect
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.clarify import ActionClarify
from actions.funding import ActionFunding
from actions.office_info import ActionOfficeInfo
from tests.actions.conftest import make_tracker, run_action


def test_office_info_names_nearest_office_and_hours() -> None:
    messages, _ = run_action(ActionOfficeInfo(), make_tracker({"municipality": "Quakenbrück"}, intent="ask_office"))
    text = messages[0]["text"]
    assert "Bildungsbüro Nord (Bersenbrück)" in text and "Öffnungszeiten" in text
    assert "geöffnet" in text or "geschlossen" in text


def test_office_info_asks_for_place() -> None:
    messages, _ = run_action(ActionOfficeInfo(), make_tracker({}, intent="ask_office"))
    assert "Gemeinde" in messages[0]["text"]


def test_funding_specific_answers() -> None:
    for text, expected in [
        ("wie bekomme ich einen Bildungsgutschein", "vor Kursbeginn"),
        ("wer bezahlt meinen deutschkurs", "BAMF"),
        ("who pays for my german course", "BAMF"),
        ("gibt es Meister-Bafög für den Techniker", "Aufstiegs-BAföG"),
        ("bildungsprämie", "2021"),
        ("bezahlt das BuT die Nachhilfe", "Bildung und Teilhabe"),
        ("bin arbeitslos, wer zahlt mir nen staplerschein?", "Bildungsgutschein"),
    ]:
        messages, slots = run_action(ActionFunding(), make_tracker({}, intent="ask_funding", text=text))
        assert expected in messages[0]["text"], text
        assert len(messages[0]["text"]) < 420, text  # two or three sentences, not a leaflet
        assert slots["funding_topic"], text


def test_funding_follow_ups_answer_the_question_about_the_programme_before() -> None:
    def ask(text: str, topic: str | None) -> tuple[str, str | None]:
        messages, slots = run_action(ActionFunding(), make_tracker({"funding_topic": topic}, intent="ask_funding", text=text))
        return messages[0]["text"], slots.get("funding_topic")

    first, topic = ask("wer bezahlt meinen deutschkurs", None)
    assert topic == "bamf"
    repay, topic = ask("muss ich das zurückzahlen?", topic)
    assert "kein Darlehen" in repay and topic == "bamf"
    where, _ = ask("wo muss ich hin?", topic)
    assert "Ausländerbehörde" in where
    assert len({first, repay, where}) == 3
    loan, _ = ask("muss ich das zurückzahlen?", "aufstiegs_bafoeg")
    assert "Darlehensteil" in loan
    unknown, topic = ask("und was ist mit der steuer?", "bildungsgutschein")
    assert "Bildungsgutschein" in unknown and unknown != first and topic == "bildungsgutschein"


def test_funding_overview_with_buttons() -> None:
    messages, slots = run_action(ActionFunding(), make_tracker({}, intent="ask_funding", text="wer bezahlt das"))
    assert "BAMF" in messages[0]["text"] and len(messages[0]["buttons"]) == 4
    assert slots["funding_topic"] is None


def test_clarify_offers_the_readings_then_topics_and_a_person() -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "ask_funding", "confidence": 0.35},
        {"name": "search_offers", "confidence": 0.3},
        {"name": "greet", "confidence": 0.2},
    ]
    tracker = make_tracker(intent="nlu_fallback", text="kurs kosten", ranking=ranking,
                           events=[{"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}}])  # fmt: skip
    messages, _ = run_action(ActionClarify(), tracker)
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[:2] == ["/ask_funding", '/search_offers{"topic": "kurs kosten"}']
    assert payloads[-1] == "/request_counsellor" and "/greet" not in payloads
    assert len(payloads) == len(set(payloads)) == 5


def test_clarify_reverts_the_message_so_the_engine_listens_again() -> None:
    """As the core fallback it must not be predicted again and again (the ten-bubbles loop)."""
    tracker = make_tracker(intent="affirm", text="asdfgh", ranking=[{"name": "affirm", "confidence": 0.86}],
                           events=[{"event": "user", "parse_data": {"intent": {"name": "affirm"}}}])  # fmt: skip
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionClarify().run(dispatcher, tracker, {}))
    assert events[0]["event"] == "rewind"  # UserUtteranceReverted
    assert len(dispatcher.messages) == 1 and "helfen" in dispatcher.messages[0]["text"]


def test_clarify_offers_counsellor_after_two_misses_and_varies_its_words() -> None:
    miss = {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}}
    clarified = {"event": "action", "name": "action_clarify"}
    second = make_tracker(intent="nlu_fallback", text="???", events=[miss, clarified, {"event": "bot"}, miss])
    third = make_tracker(intent="nlu_fallback", text="???", events=[miss, clarified, miss, clarified, miss])
    [two], _ = run_action(ActionClarify(), second)
    [three], _ = run_action(ActionClarify(), third)
    assert two["buttons"][0]["payload"] == three["buttons"][0]["payload"] == "/request_counsellor"
    assert two["text"] != three["text"]  # never the identical reply twice in a row
    answered = make_tracker(intent="nlu_fallback", text="???", events=[miss, {"event": "action", "name": "utter_x"}, miss])
    [first], _ = run_action(ActionClarify(), answered)
    assert first["buttons"][-1]["payload"] == "/request_counsellor" and "Beraterin" not in first["text"]


def test_out_of_scope_refers_to_the_right_service() -> None:
    from actions.out_of_scope import ActionOutOfScope

    for text, expected in [
        ("wann kommt die müllabfuhr", "AWIGO"),
        ("wo beantrage ich einen neuen personalausweis", "Bürgerbüro"),
        ("auto ummelden", "Straßenverkehrsamt"),
        ("wie wird das wetter morgen", "Dabei kann ich leider nicht helfen."),
    ]:
        messages, _ = run_action(ActionOutOfScope(), make_tracker({}, intent="out_of_scope", text=text))
        assert expected in messages[0]["text"], text
        assert "Bildungs- und Familienangeboten" in messages[0]["text"]


def with_slot_set(tracker: Tracker, slot: str, value: Any) -> Tracker:
    """The tracker as the form sees it after a mapping filled ``slot`` in this turn."""
    tracker.events.append({"event": "user", "text": str(value)})
    tracker.events.append({"event": "slot", "name": slot, "value": value})
    return tracker


def test_handover_form_can_be_cancelled_and_answers_questions() -> None:
    from actions.handover import ActionHandover, ValidateHandoverForm

    asking = {"requested_slot": "counsellor_language", "handover_place": "Bohmte"}
    cancel = make_tracker(asking, intent="deny", text="ach nee, abbrechen bitte")
    _, slots = run_action(ValidateHandoverForm(), cancel)
    assert slots["requested_slot"] is None and slots["handover_cancelled"] is True and slots["handover_place"] is None
    [reply], reset = run_action(ActionHandover(), make_tracker({"handover_cancelled": True}, intent="deny"))
    assert "gebe nichts weiter" in reply["text"] and "action" not in reply  # no ticket request
    assert reset["handover_cancelled"] is None
    question = make_tracker({"requested_slot": "handover_place"}, intent="inform", text="was passiert wenn das büro zu hat?")
    [answer], slots = run_action(ValidateHandoverForm(), question)
    assert "nächsten Öffnungszeit" in answer["text"] and slots == {"handover_place": None}


def test_handover_form_validates_its_slots_as_a_form_validation_action() -> None:
    from rasa_sdk.forms import FormValidationAction

    from actions.handover import ValidateHandoverForm

    assert isinstance(ValidateHandoverForm(), FormValidationAction)
    place = make_tracker({"requested_slot": "handover_place", "handover_place": "bramsch"}, intent="inform", text="bramsch")
    messages, slots = run_action(ValidateHandoverForm(), with_slot_set(place, "handover_place", "bramsch"))
    assert slots["handover_place"] == "Bramsche" and not messages
    unknown = make_tracker({"requested_slot": "handover_place", "handover_place": "Hamburg"}, intent="inform", text="Hamburg")
    messages, slots = run_action(ValidateHandoverForm(), with_slot_set(unknown, "handover_place", "Hamburg"))
    assert "kenne ich im Landkreis Osnabrück nicht" in messages[0]["text"] and slots["handover_place"] is None
    asked = {"requested_slot": "counsellor_language", "counsellor_language": "türkich"}
    language = make_tracker(asked, intent="inform", text="türkich")
    _, slots = run_action(ValidateHandoverForm(), with_slot_set(language, "counsellor_language", "türkich"))
    assert slots["counsellor_language"] == "Türkisch"


def test_a_call_back_wish_reaches_the_ticket_request() -> None:
    from actions.handover import ActionHandover, ValidateHandoverForm

    start = make_tracker({}, intent="request_counsellor", text="ich hätte gern einen Rückruf")
    _, slots = run_action(ValidateHandoverForm(), start)
    assert slots["callback_wished"] is True
    plain = make_tracker({}, intent="request_counsellor", text="ich will mit einem menschen sprechen")
    _, slots = run_action(ValidateHandoverForm(), plain)
    assert "callback_wished" not in slots
    done = {"handover_place": "Melle", "counsellor_language": "egal", "counsellor_gender": "egal", "handover_consent": True}
    [request], reset = run_action(ActionHandover(), make_tracker({**done, "callback_wished": True}, intent="affirm"))
    assert request["custom"]["handover_request"]["callback"] is True and reset["callback_wished"] is None


def test_a_phone_number_during_the_form_is_kept_for_the_ticket_and_the_question_comes_again() -> None:
    from actions.handover import ActionHandover, ValidateHandoverForm

    # As the answer to the consent question, or instead of a place: no answer, no place, no search.
    for asked, said in (("handover_consent", "meine nummer ist 0541 501-1234"), ("handover_place", "0541 123456")):
        tracker = make_tracker({"requested_slot": asked}, intent="inform", text=said)
        messages, slots = run_action(ValidateHandoverForm(), tracker)
        assert [m["text"] for m in messages] == ["Danke – Ihre Kontaktdaten gebe ich mit Ihrer Anfrage an die Beratung weiter."]
        assert slots[asked] is None and slots["callback_wished"] is True  # asked again, not rejected
        assert slots["callback_contact"] in ("0541 501-1234", "0541 123456")
    done = {"handover_place": "Melle", "counsellor_language": "egal", "counsellor_gender": "egal", "handover_consent": False}
    tracker = make_tracker({**done, "callback_wished": True, "callback_contact": "max@web.de"}, intent="deny")
    [request], reset = run_action(ActionHandover(), tracker)
    assert request["custom"]["handover_request"]["contact"] == "max@web.de" and reset["callback_contact"] is None


def test_the_conversation_language_reaches_the_form_for_the_language_question() -> None:
    from actions.handover import ValidateHandoverForm

    tracker = make_tracker({"requested_slot": "handover_place"}, intent="request_counsellor", text="danışman istiyorum")
    tracker.latest_message["metadata"] = {"language": "tr"}
    _, slots = run_action(ValidateHandoverForm(), tracker)
    assert slots["citizen_language"] == "tr"  # utter_ask_counsellor_language then offers Türkisch first


def test_unsure_between_inform_and_search_still_searches() -> None:
    """ "deutschkurs bohmte": DIET hesitates between inform and search_offers (same action): no clarification."""
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "inform", "confidence": 0.44},
               {"name": "search_offers", "confidence": 0.43}]  # fmt: skip
    entities = [{"entity": "topic", "value": "Deutschkurs"}, {"entity": "municipality", "value": "Bohmte"}]
    tracker = make_tracker({"topic": "Deutschkurs", "municipality": "Bohmte"}, intent="nlu_fallback",
                           text="deutschkurs bohmte", ranking=ranking, entities=entities)  # fmt: skip
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionClarify().run(dispatcher, tracker, {}))
    assert dispatcher.messages[0]["custom"]["offers"]
    assert all(e["event"] != "rewind" for e in events)  # the entities' slots stay


def test_small_talk_never_repeats_itself() -> None:
    from actions.small_talk import ActionSmallTalk

    [first], _ = run_action(ActionSmallTalk(), make_tracker(intent="thank", text="danke"))
    said = [{"event": "bot", "text": first["text"]}]
    [second], _ = run_action(ActionSmallTalk(), make_tracker(intent="thank", text="danke dir", events=said))
    assert first["text"] != second["text"] and "gern" in second["text"].lower()
    [helped], _ = run_action(ActionSmallTalk(), make_tracker(intent="help", text="was kannst du"))
    assert helped["buttons"]  # the help answer keeps its topic buttons


def test_an_answer_the_form_cannot_take_never_gets_the_identical_reply_twice() -> None:
    from actions.base import AGAIN
    from actions.forms import TAP_A_BUTTON
    from actions.handover import ValidateHandoverForm

    asked = {"requested_slot": "counsellor_gender", "counsellor_gender": "42"}
    first = with_slot_set(make_tracker(asked, intent="inform", text="42"), "counsellor_gender", "42")
    [lead], slots = run_action(ValidateHandoverForm(), first)
    assert lead["text"] == AGAIN and slots["counsellor_gender"] is None
    again = make_tracker(asked, intent="inform", text="43")
    again.events.extend(
        [
            {"event": "user", "text": "42"},
            {"event": "bot", "text": AGAIN},
            {"event": "bot", "text": "Möchten Sie lieber von einer Frau oder einem Mann beraten werden?"},
        ]
    )
    [lead], _ = run_action(ValidateHandoverForm(), with_slot_set(again, "counsellor_gender", "43"))
    assert lead["text"] == TAP_A_BUTTON
    taken = with_slot_set(make_tracker(asked, intent="inform", text="frau"), "counsellor_gender", "frau")
    messages, slots = run_action(ValidateHandoverForm(), taken)
    assert not messages and slots["counsellor_gender"] == "w"


def test_the_language_question_has_a_variant_for_every_offered_language() -> None:
    from pathlib import Path

    import yaml

    from core.config import Settings

    domain = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain" / "handover.yml").read_text(encoding="utf-8"))
    variants = domain["responses"]["utter_ask_counsellor_language"]
    conditioned = {c["value"] for v in variants for c in v.get("condition", []) if c["name"] == "citizen_language"}
    offered = {code.strip() for code in Settings().languages.split(",")} - {"de"}
    assert conditioned == offered
    assert any("condition" not in v for v in variants)  # German and everything else: the plain question


def test_out_of_scope_is_not_the_last_word() -> None:
    from actions.out_of_scope import ActionOutOfScope

    def events(text: str) -> list[dict[str, Any]]:
        dispatcher = CollectingDispatcher()
        done = ActionOutOfScope().run(dispatcher, make_tracker({}, intent="out_of_scope", text=text), {})
        return [*(asyncio.run(done) if inspect.isawaitable(done) else done), *({"said": m} for m in dispatcher.messages)]

    shouted = events("HALLOOOOOOOOOOOO!!!!!!!!! ICH BRAUCHE EINEN STAPLERSCHEIN IN WALLENHORST!!!!!!!!")
    slots = {e["name"]: e["value"] for e in shouted if e.get("event") == "slot"}
    assert slots["topic"] == "staplerschein" and slots["municipality"] == "wallenhorst" and slots["free"] is None
    assert shouted[-1] == {"event": "followup", "name": "action_search_offers", "timestamp": None}
    # A story that names no offer but states a need is searched for the need.
    story = events("ich sitze den ganzen tag allein zuhause mit meiner kleinen und kenne niemanden hier in bramsche")
    slots = {e["name"]: e["value"] for e in story if e.get("event") == "slot"}
    assert (slots["topic"], slots["municipality"]) == ("Krabbelgruppe", "bramsche")
    assert story[-1]["name"] == "action_search_offers"
    deleting = events("loesch alles was ich geschrieben hab")
    assert [e.get("name") for e in deleting] == ["utter_ask_delete"]
    # A county service is the right address, or nothing names an offer: the out-of-scope answer as before.
    for text in ("kann ich hier meinen führerschein machen", "wie wird das wetter morgen", "ich lösche gleich die app",
                 "mein hund bellt den ganzen tag und die nachbarn beschweren sich ständig bei uns"):  # fmt: skip
        [said] = [e["said"] for e in events(text) if "said" in e]
        assert said["text"].startswith("Dabei kann ich leider nicht helfen."), text


def _after_funding_answer(text: str, *, intent: str, topic: str | None = "bamf") -> Tracker:
    """The tracker one turn after the assistant explained ``topic`` (``funding_topic`` set in that turn)."""
    events = [
        {"event": "user", "text": "wer bezahlt meinen deutschkurs", "parse_data": {"intent": {"name": "ask_funding"}}},
        {"event": "action", "name": "action_funding"},
        {"event": "bot", "text": "Integrationskurse …"},
        {"event": "slot", "name": "funding_topic", "value": topic},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}},
    ]
    return make_tracker({"funding_topic": topic}, intent=intent, text=text, events=events)


def test_a_question_about_the_programme_just_explained_is_answered_however_the_engine_read_it() -> None:
    """ "und wo beantrage ich das" after the BAMF answer: the clarification and out of scope answer it."""
    from actions.out_of_scope import ActionOutOfScope

    for action, intent in [(ActionClarify(), "nlu_fallback"), (ActionOutOfScope(), "out_of_scope")]:
        messages, slots = run_action(action, _after_funding_answer("und wo beantrage ich das", intent=intent))
        assert "Ausländerbehörde" in messages[0]["text"] or "Antrag" in messages[0]["text"], (intent, messages)
        assert slots["funding_topic"] == "bamf"


def test_only_the_turn_right_after_a_funding_answer_counts() -> None:
    from actions.out_of_scope import ActionOutOfScope

    # A referral stays a referral, a search stays a search, no aspect is no follow-up.
    passport_question = _after_funding_answer("wo beantrage ich einen personalausweis", intent="out_of_scope")
    [passport], _ = run_action(ActionOutOfScope(), passport_question)
    assert "Bürgerbüro" in passport["text"]
    [weather], _ = run_action(ActionClarify(), _after_funding_answer("asdf", intent="nlu_fallback"))
    assert "BAMF" not in weather["text"] and weather["buttons"]
    # The overview set no programme: nothing to follow up on.
    [overview], _ = run_action(ActionClarify(), _after_funding_answer("wo beantrage ich das", intent="nlu_fallback", topic=None))
    assert "Antrag" not in overview["text"]
    # Two turns later the funding answer is no longer the context.
    later = _after_funding_answer("hallo", intent="greet")
    later.events.extend([{"event": "action", "name": "utter_greet"}, {"event": "user", "text": "wo beantrage ich das"}])
    later.latest_message["text"] = "wo beantrage ich das"
    [miss], _ = run_action(ActionClarify(), later)
    assert "Antrag" not in miss["text"]


def test_who_pays_after_a_search_answers_for_the_offers_shown() -> None:
    """ "wer bezahlt das?" after German courses: the BAMF answer, not the overview; names, never catalogue keys."""
    shown = [{"id": "test-t1"}, {"id": "test-t2"}]
    messages, slots = run_action(
        ActionFunding(), make_tracker({"shown_offers": shown}, intent="ask_funding", text="wer bezahlt das")
    )
    assert "BAMF" in messages[0]["text"] and slots["funding_topic"] == "bamf"
    unfunded = [{"id": "test-t2"}]
    messages, slots = run_action(
        ActionFunding(), make_tracker({"shown_offers": unfunded}, intent="ask_funding", text="wer bezahlt das")
    )
    assert slots["funding_topic"] is None and len(messages[0]["buttons"]) >= 4  # the overview
    prices, _ = run_action(ActionFunding(), make_tracker({"shown_offers": shown}, intent="ask_funding", text="was kostet das"))
    assert "Integrationskurs / Berufssprachkurs" in prices[0]["text"] and "bamf" not in prices[0]["text"]


def test_a_follow_up_on_the_programme_just_explained_wins_over_offers_shown_before() -> None:
    tracker = _after_funding_answer("muss ich das zurückzahlen", intent="ask_funding", topic="bildungsgutschein")
    tracker.slots["shown_offers"] = [{"id": "test-t1"}]
    messages, slots = run_action(ActionFunding(), tracker)
    assert slots["funding_topic"] == "bildungsgutschein" and "BAMF" not in messages[0]["text"]


def test_tutoring_is_paid_by_bildung_und_teilhabe() -> None:
    messages, slots = run_action(ActionFunding(), make_tracker({}, intent="ask_funding", text="wer zahlt die nachhilfe"))
    assert slots["funding_topic"] == "but" and "Teilhabe" in messages[0]["text"]


def test_after_a_funding_answer_how_long_is_about_the_programme_unless_data_is_named() -> None:
    from actions.privacy import ActionPrivacy

    [duration], slots = run_action(ActionPrivacy(), _after_funding_answer("wie lange dauert das", intent="ask_privacy"))
    assert "Unterrichtsstunden" in duration["text"] and slots["funding_topic"] == "bamf"
    [stored], _ = run_action(ActionPrivacy(), _after_funding_answer("wie lange speichert ihr meine daten", intent="ask_privacy"))
    assert "30 Tage" in stored["text"]


def test_a_clarification_that_answered_in_context_is_no_miss() -> None:
    from actions.clarify import misses_in_a_row

    tracker = _after_funding_answer("ok", intent="affirm")
    # the turn before "ok" was answered by action_clarify, but with a funding follow-up
    for event in tracker.events:
        if event.get("name") == "action_funding":
            event["name"] = "action_clarify"
    assert misses_in_a_row(tracker) == 1
    for event in tracker.events:
        if event.get("name") == "funding_topic":
            event["value"] = None
    assert misses_in_a_row(tracker) == 2
