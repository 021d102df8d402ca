from __future__ import annotations

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
        ("wie bekomme ich einen Bildungsgutschein", "AZAV"),
        ("gibt es Meister-Bafög für den Techniker", "Aufstiegs-BAföG"),
        ("bildungsprämie beantragen", "Ende 2021"),
        ("bezahlt das BuT die Nachhilfe", "Bildung und Teilhabe"),
    ]:
        messages, _ = run_action(ActionFunding(), make_tracker({}, intent="ask_funding", text=text))
        assert expected in messages[0]["text"], text
        assert "https://" in messages[0]["text"] or "Bildungsbüro" in messages[0]["text"]


def test_funding_overview_with_buttons() -> None:
    messages, _ = run_action(ActionFunding(), make_tracker({}, intent="ask_funding", text="wer bezahlt das"))
    assert "Bildungsprämie" in messages[0]["text"] and len(messages[0]["buttons"]) == 4


def test_clarify_offers_two_readings() -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "ask_funding", "confidence": 0.35},
        {"name": "search_offers", "confidence": 0.3},
        {"name": "help", "confidence": 0.1},
    ]
    tracker = make_tracker(intent="nlu_fallback", text="kurs kosten", ranking=ranking,
                           events=[{"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}}])  # fmt: skip
    messages, _ = run_action(ActionClarify(), tracker)
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == ["/ask_funding", '/search_offers{"topic": "kurs kosten"}']


def test_clarify_offers_counsellor_after_two_misses() -> None:
    miss = {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}}
    tracker = make_tracker(intent="nlu_fallback", text="???", events=[miss, {"event": "bot"}, miss])
    messages, _ = run_action(ActionClarify(), tracker)
    assert messages[0]["buttons"][0]["payload"] == "/request_counsellor"


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
