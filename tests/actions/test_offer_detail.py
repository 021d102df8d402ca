"""Follow-ups about shown offers and what the search reads from a message (no engine)."""

from __future__ import annotations

import pytest

from actions.offer_detail import ActionOfferDetail
from actions.offer_facts import Card, aspects, which
from actions.search_offers import ActionSearchOffers, read_message
from tests.actions.conftest import make_tracker, run_action

CARDS = [Card("a", "Deutschkurs A1", "Melle"), Card("b", "PEKiP", "Bohmte"), Card("c", "Elterncafé", "Melle")]


def test_which_card_is_meant() -> None:
    assert which("wann beginnt der dritte?", CARDS) == 2
    assert which("das erste bitte", CARDS) == 0
    assert which("und der letzte", CARDS) == 2
    assert which("der in bohmte, wo genau?", CARDS) == 1
    assert which("der in melle", CARDS) is None  # two in Melle: ask back
    assert which("wann beginnt der fünfte", CARDS) is None
    assert which("wo ist das", CARDS[:1]) == 0


def test_what_is_asked() -> None:
    assert aspects("wann beginnt der dritte?") == ["when"]
    assert aspects("wo genau ist das?") == ["place"]
    assert aspects("welche nummer kann ich anrufen?") == ["contact"]
    assert aspects("wie melde ich mich da an?") == ["register"]
    assert "age" in aspects("passt das für meinen sechsjährigen?")
    assert aspects("erzähl mehr") == ["overview"]
    # found by talking to the engine: each of these asked back "Welches der Angebote meinen Sie?"
    assert aspects("welches niveau hat der kurs") == ["level"]
    assert aspects("kann ich da einfach hingehen") == ["register"]
    assert aspects("was muss ich für den zweiten zahlen") == ["price"]
    assert aspects("wie lang geht der kurs") == ["when"]
    assert aspects("ist der erste kostenlos") == ["price"]  # "los" in "kostenlos" is no question about the start


def test_level_is_read_from_what_the_offer_says() -> None:
    from types import SimpleNamespace

    from actions.offer_facts import _level

    def offer(title: str, description: str = "", keywords: list[str] | None = None) -> object:
        return SimpleNamespace(title=title, description=description, keywords=keywords or [])

    assert _level(offer("Deutsch B1 am Abend", "Vorbereitung auf B2"), None, "") == "Niveau: B1, B2."  # type: ignore[arg-type]
    assert _level(offer("Englisch", "für Anfänger ohne Vorkenntnisse"), None, "") == (  # type: ignore[arg-type]
        "Das Angebot ist für Anfängerinnen und Anfänger."
    )
    assert _level(offer("PEKiP"), None, "") == "Ein Niveau nennt der Anbieter nicht."  # type: ignore[arg-type]


def _shown(database_url: str) -> list[dict[str, str]]:
    messages, slots = run_action(ActionSearchOffers(), make_tracker({"topic": "PEKiP", "municipality": "Bohmte"}))
    assert messages and slots["shown_offers"]
    return list(slots["shown_offers"])


def test_follow_up_answers_from_the_offer_data(database_url: str) -> None:
    shown = _shown(database_url)
    tracker = make_tracker({"shown_offers": shown}, intent="ask_offer_detail", text="wann beginnt das erste?")
    [reply], _ = run_action(ActionOfferDetail(), tracker)
    assert shown[0]["title"] in reply["text"] and ("Beginn" in reply["text"] or "Starttermin" in reply["text"])
    tracker = make_tracker(
        {"shown_offers": shown}, intent="ask_offer_detail", text="passt das erste für mein baby mit 10 monaten?"
    )
    [reply], slots_after = run_action(ActionOfferDetail(), tracker)
    assert "Das passt." in reply["text"]
    assert slots_after["offer_in_focus"] == 1
    focused = {"shown_offers": shown, "offer_in_focus": 1}
    tracker = make_tracker(focused, intent="ask_offer_detail", text="welche nummer kann ich anrufen?")
    [reply], _ = run_action(ActionOfferDetail(), tracker)
    assert shown[0]["title"] in reply["text"]  # the card asked about last
    assert "Telefon" in reply["text"] or "steht nicht in meinen Daten" in reply["text"]  # honest about gaps


def test_follow_up_without_shown_offers_or_with_unclear_reference() -> None:
    [reply], _ = run_action(ActionOfferDetail(), make_tracker({}, intent="ask_offer_detail", text="wann beginnt der dritte"))
    assert "noch keine Angebote" in reply["text"]
    shown = [{"id": c.id, "title": c.title, "municipality": c.municipality} for c in CARDS]
    tracker = make_tracker({"shown_offers": shown}, intent="ask_offer_detail", text="erzähl mir mehr")
    [reply], _ = run_action(ActionOfferDetail(), tracker)
    assert reply["text"] == "Welches der Angebote meinen Sie?" and len(reply["buttons"]) == 3
    assert reply["buttons"][1]["payload"] == '/ask_offer_detail{"offer": 2}'


def test_unclear_reference_with_a_clear_question_answers_for_every_card(database_url: str) -> None:
    shown = _shown(database_url)
    [reply], _ = run_action(
        ActionOfferDetail(), make_tracker({"shown_offers": shown}, intent="ask_offer_detail", text="wo genau ist das?")
    )
    lines = reply["text"].splitlines()
    assert len(lines) == len(shown) and lines[0].startswith("1. ")


def test_message_words_count_beyond_the_entities() -> None:
    # a filler word taken for the topic is replaced by what the message asks for
    assert read_message("und nachhilfe bitte", {"topic": "und"}, new_search=False)["topic"] == "nachhilfe"
    # months and classes are ages, not the raw number the engine saw
    assert read_message("für mein baby, 10 monate", {"topic": "PEKiP", "age": 10.0}, new_search=False)["age"] == 0.0
    assert read_message("sie ist in der 3. klasse", {"topic": "Nachhilfe", "age": 3.0}, new_search=False)["age"] == 8.0
    # a number that is not five digits is no postcode
    assert read_message("für 2 personen", {"topic": "Kochkurs", "postcode": "2"}, new_search=False)["postcode"] is None
    kept = read_message("lieber abends und mit kinderbetreuung", {"topic": "Deutschkurs"}, new_search=False)["search_filters"]
    assert kept == {"times_of_day": ["abends"], "features": ["childcare"]}
    later = read_message("am wochenende", {"topic": "Deutschkurs", "search_filters": kept}, new_search=False)
    assert later["search_filters"] == {**kept, "weekdays": ["sa", "so"]}  # earlier wishes are kept


def test_results_come_first_for_family_searches() -> None:
    [message], _ = run_action(ActionSearchOffers(), make_tracker({"topic": "Eltern", "municipality": "Melle"}))
    assert message["custom"]["offers"], message  # never only "Wie alt ist Ihr Kind?"


def test_price_question_after_a_search_is_about_the_shown_offers(database_url: str) -> None:
    from actions.funding import ActionFunding

    shown = _shown(database_url)
    [reply], _ = run_action(ActionFunding(), make_tracker({"shown_offers": shown}, intent="ask_funding", text="was kostet das?"))
    assert reply["text"].startswith("Die Angebote von eben kosten:") and shown[0]["title"] in reply["text"]
    [general], _ = run_action(
        ActionFunding(), make_tracker({"shown_offers": shown}, intent="ask_funding", text="wer bezahlt das?")
    )
    # a funding question stays one: about the programmes of the offers shown (or the overview if they have none)
    assert not general["text"].startswith("Die Angebote von eben") and (
        "Landkreis" in general["text"] or "Bildungsgutschein" in general["text"]
    )


def test_same_offers_again_are_not_repeated_word_for_word(database_url: str) -> None:
    shown = _shown(database_url)
    slots = {"topic": "PEKiP", "municipality": "Bohmte", "shown_offers": shown}
    [again], _ = run_action(ActionSearchOffers(), make_tracker(slots, intent="inform", text="für mein baby 10 monate"))
    assert "dieselben" in (again.get("text") or again.get("custom", {}).get("text", ""))


def test_privacy_questions_get_their_own_answer() -> None:
    from actions.privacy import privacy_answer

    assert "Jobcenter" in privacy_answer("geht das an das jobcenter?")
    assert "Namen nicht nennen" in privacy_answer("muss ich meinen namen sagen")
    assert "30 Tage" in privacy_answer("wie lange speichert ihr das")
    first = privacy_answer("is das hier anonym")
    assert privacy_answer("is das hier anonym", previous=first) != first  # asked again: other words
    assert "Daten löschen" in privacy_answer("datenschutz?")


def test_place_after_an_office_question_answers_the_office(database_url: str) -> None:
    tracker = make_tracker(
        {"postcode": "49124"}, intent="inform", text="49124", entities=[{"entity": "postcode", "value": "49124"}],
        events=[{"event": "bot", "text": "Gern nenne ich Ihnen Ihr Bildungsbüro. In welcher Gemeinde wohnen Sie?"}],
    )  # fmt: skip
    [reply], _ = run_action(ActionSearchOffers(), tracker)
    assert "Bildungsbüro" in reply["text"] and "zuständig" in reply["text"]


def test_same_question_is_never_asked_in_the_same_words() -> None:
    asked = "Gern suche ich nach „Nachhilfe“. In welcher Gemeinde wohnen Sie? (Name oder Postleitzahl)"
    tracker = make_tracker(
        {"topic": "Nachhilfe"}, intent="inform", text="mein sohn ist 8", events=[{"event": "bot", "text": asked}]
    )
    [reply], slots = run_action(ActionSearchOffers(), tracker)
    assert reply["text"] != asked and "Postleitzahl" in reply["text"]
    assert slots["age"] == 8.0  # and the age is kept


def test_a_long_story_yields_the_offer_it_names() -> None:
    story = ("hallo also ich weiss nicht ob ich hier richtig bin, meine nachbarin hat gesagt ich soll mal fragen. wir sind "
             "nach melle gezogen, ich würde gern einen deutschkurs machen, am besten vormittags")  # fmt: skip
    changes = read_message(story, {"municipality": "Melle"}, new_search=False, entity_values=("Melle", "melle"))
    assert changes["topic"] == "deutschkurs" and changes["search_filters"]["times_of_day"] == ["vormittags"]


@pytest.mark.parametrize(
    ("story", "topic"),
    [
        ("unser baby schreit jede nacht stundenlang und wir sind völlig fertig", "Schreibaby-Beratung"),
        ("ich sitze den ganzen tag allein zuhause mit meiner kleinen und kenne niemanden", "Krabbelgruppe"),
        # no need, or none sure enough to name: the chat asks what the citizen is looking for
        ("meine nachbarin meinte gestern beim bäcker ich solle hier nach dem wetterbericht fragen", None),
        ("mein hund bellt den ganzen tag und die nachbarn beschweren sich ständig bei uns", None),
    ],
)
def test_a_story_naming_no_offer_is_searched_by_the_need_it_states(story: str, topic: str | None) -> None:
    """No word of the story names an offer; the need it states gives the topic the chat shows and searches."""
    assert read_message(story, {}, new_search=False).get("topic") == topic


def test_a_filler_tagged_as_topic_next_to_the_real_one_is_ignored() -> None:
    entities = [{"entity": "municipality", "value": "Melle", "text": "melle"}, {"entity": "topic", "value": "Deutschkurs"},
                {"entity": "topic", "value": "am"}]  # fmt: skip
    text = "ich würde gern einen deutschkurs machen, am besten in melle"
    tracker = make_tracker({"topic": "am", "municipality": "Melle"}, text=text, entities=entities)
    [message], slots = run_action(ActionSearchOffers(), tracker)
    assert slots["topic"] == "Deutschkurs" and message["custom"]["offers"]
