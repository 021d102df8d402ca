"""Every citizen understood (#12): the catalogues are complete, the language is detected and kept, and the
assistant's replies reach the citizen in their language through the gateway.

The engine is the test double of ``conftest``, but what it answers is made by the real actions (run with
rasa-sdk's dispatcher and turned into Rasa's REST replies the way Rasa's output channel does it) and by the
domain's responses, so the German texts, their descriptions and their buttons are the real ones."""

from __future__ import annotations

import asyncio
import inspect
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.funding import ActionFunding
from actions.search_offers import ActionSearchOffers
from actions.small_talk import ActionSmallTalk
from bot import i18n as languages
from bot.main import create_app
from core import i18n
from core.config import Settings
from core.i18n_sources import source_messages
from tests.bot.conftest import FakeEngine, RecordingNotifier

ROOT = Path(__file__).resolve().parents[2]
OTHER = ["en", "tr", "ar", "uk", "ru"]
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
SCRIPT = {"ar": re.compile(r"[\u0600-\u06ff]"), "uk": CYRILLIC, "ru": CYRILLIC}
UKRAINIAN_ONLY, RUSSIAN_ONLY = re.compile(r"[іїєґІЇЄҐ]"), re.compile(r"[ыэъёЫЭЪЁ]")


@pytest.fixture(autouse=True)
def _actions_read_the_test_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    from core.config import get_settings

    monkeypatch.setenv("BILDUNGSLOTSE_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


# --- the catalogues ------------------------------------------------------------------------------------------


def test_every_german_text_has_a_translation_in_every_language() -> None:
    sources = source_messages()
    assert len(sources) > 150, "the extraction found too little: is locale/babel.cfg still right?"
    problems = []
    for language in OTHER:
        catalogue = i18n.catalogue(language)
        for msgid, files in sources.items():
            translated = catalogue.get(msgid)
            if not translated:
                problems.append(f"{language}: no translation for {msgid[:70]!r} ({files[0]})")
            elif i18n.fields(translated) != i18n.fields(msgid):
                problems.append(f"{language}: fields {i18n.fields(translated)} instead of {i18n.fields(msgid)} in {msgid[:50]!r}")
            elif len(msgid.split()) > 3 and translated == msgid:
                problems.append(f"{language}: left in German: {msgid[:70]!r}")
        stale = set(catalogue) - set(sources)
        problems += [f"{language}: {m[:70]!r} is no longer in the sources (pybabel update)" for m in sorted(stale)]
    assert not problems, "\n".join(problems[:40])


def test_every_offered_language_has_a_catalogue() -> None:
    offered = languages.supported(Settings().languages)
    assert offered == ["de", *OTHER]
    assert all(i18n.available(code) for code in offered)


def test_non_latin_catalogues_are_in_their_script_and_ukrainian_is_not_russian() -> None:
    for language, script in SCRIPT.items():
        texts = list(i18n.catalogue(language).values())
        written = [t for t in texts if script.search(t)]
        assert len(written) > 0.9 * len(texts), language
    ukrainian, russian = (" ".join(i18n.catalogue(code).values()) for code in ("uk", "ru"))
    assert not RUSSIAN_ONLY.search(ukrainian) and not UKRAINIAN_ONLY.search(russian)
    assert len(UKRAINIAN_ONLY.findall(ukrainian)) > 500 and len(RUSSIAN_ONLY.findall(russian)) > 200


# --- composing and translating -------------------------------------------------------------------------------


def test_a_composed_text_renders_in_german_as_before_and_in_other_languages() -> None:
    where = i18n.t("in der Nähe von {place}", place="Melle")
    node = i18n.join(
        i18n.t("Im Umkreis von {km} km habe ich nichts gefunden, aber weiter weg.", km=20),
        i18n.t("Ich habe {total} passende Angebote zu „{topic}“ {where} gefunden:", total=2, topic="Deutschkurs", where=where),
        sep=" ",
    )
    assert i18n.render(node) == (
        "Im Umkreis von 20 km habe ich nichts gefunden, aber weiter weg. "
        "Ich habe 2 passende Angebote zu „Deutschkurs“ in der Nähe von Melle gefunden:"
    )
    assert (
        i18n.render(node, "en")
        == "I found nothing within 20 km, but further away. I found 2 matching offers for “Deutschkurs” near Melle:"
    )
    missing: list[str] = []
    assert i18n.render(i18n.t("Gibt es nicht {x}", x=1), "en", missing) == "Gibt es nicht 1" and missing == ["Gibt es nicht {x}"]


def test_fixed_texts_joined_by_an_action_are_translated_sentence_by_sentence() -> None:
    from actions.out_of_scope import out_of_scope_answer

    german = out_of_scope_answer("Wann fährt der Bus nach Melle?")
    english = i18n.translate(german, "en")
    assert english.startswith("Unfortunately, I cannot help with that. You can find bus and train timetables at VOS")
    assert english.endswith("or connecting you with a counsellor.")
    two = i18n.translate("Der Zuschuss gilt für den ganzen Kurs.\n\nDas waren alle passenden Angebote.", "tr")
    assert two == "Katkı kursun tamamı için geçerlidir.\n\nUygun tekliflerin hepsi bunlardı."
    missing: list[str] = []
    assert i18n.translate("Echo: irgendwas", "en", missing) == "Echo: irgendwas" and missing == ["Echo: irgendwas"]


# --- detection -----------------------------------------------------------------------------------------------

AMBIGUOUS = [
    "pekip in belm",  # read 0.70 Turkish by lingua; an offer and a place are German enough
    "ja",
    "ok",
    "danke",
    "Melle",
    "Bohmte",
    "Quakenbrück",
    "49324",
    "Kita",
    "PEKiP",
    "hallo",
    "hi",
    "yes",
    "no",
    "Deutschkurs",
]
CLEAR = {
    "en": "I am looking for a German course for my son",
    "tr": "Oğlum için bir Almanca kursu arıyorum",
    "ar": "أبحث عن دورة لغة ألمانية لابني",
    "uk": "Я шукаю курс німецької мови для мого сина",
    "ru": "Я ищу курс немецкого языка для моего сына",
}


@pytest.mark.parametrize("text", AMBIGUOUS)
def test_short_or_unclear_words_never_switch_from_german(text: str) -> None:
    assert languages.detect_switch(text, current="de", languages=["de", *OTHER]) is None


@pytest.mark.parametrize("language", OTHER)
def test_a_clear_sentence_switches_and_german_words_do_not_switch_back(language: str) -> None:
    offered = ["de", *OTHER]
    assert languages.detect_switch(CLEAR[language], current="de", languages=offered) == language
    for text in ("Deutschkurs in Melle", "ja", "49324", "Bildungsgutschein"):
        assert languages.detect_switch(text, current=language, languages=offered) is None, text
    sentence = "Ich suche einen Deutschkurs in Melle für meinen Sohn"
    assert languages.detect_switch(sentence, current=language, languages=offered) == "de"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I need a german course in Osnabrück", "en"),  # read 0.81 German with the place name
        ("Is there a playgroup in Georgsmarienhütte?", "en"),
        ("Bad Essen'de Almanca kursu arıyorum", "tr"),
    ],
)
def test_the_place_named_does_not_decide_the_language(text: str, language: str) -> None:
    assert languages.detect_switch(text, current="de", languages=["de", *OTHER]) == language


def test_detection_keeps_to_the_setting() -> None:
    assert languages.detect_switch(CLEAR["en"], current="de", languages=["de", "tr"]) in (None, "tr") != "en"
    assert languages.detect_switch(CLEAR["en"], current="de", languages=["de"]) is None
    assert languages.supported("de,en,xx, TR") == ["de", "en", "tr"]


# --- through the gateway -------------------------------------------------------------------------------------


def _tracker(
    *, intent: str, text: str, slots: dict[str, Any] | None = None, entities: list[dict[str, Any]] | None = None
) -> Tracker:
    latest = {"intent": {"name": intent, "confidence": 1.0}, "entities": entities or [], "text": text, "intent_ranking": []}
    return Tracker("c1", slots or {}, latest, [], False, None, {}, "")


def _rest(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """rasa-sdk messages as Rasa's REST channel sends them: text (with buttons), then the custom part apart."""
    out: list[dict[str, Any]] = []
    for m in messages:
        if m.get("text") or m.get("buttons"):
            out.append({"text": m.get("text"), **({"buttons": m["buttons"]} if m.get("buttons") else {})})
        if m.get("custom"):
            out.append({"custom": m["custom"]})
    return out


def _run(action: Action, tracker: Tracker) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, tracker, {})
    if inspect.isawaitable(result):
        asyncio.run(result)  # type: ignore[arg-type]
    return _rest(dispatcher.messages)


def _domain_response(name: str) -> list[dict[str, Any]]:
    for path in (ROOT / "domain").glob("*.yml"):
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
        if name in responses:
            return [dict(responses[name][0])]
    raise LookupError(name)


class ActionsEngine(FakeEngine):
    """Answers a few payloads with what the real actions and domain responses say."""

    async def send(self, conversation_id: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        self.received.append((conversation_id, text))
        if text == "/greet":
            return await asyncio.to_thread(_run, ActionSmallTalk(), _tracker(intent="greet", text=text))
        if text == "/search_offers":  # a topic, no place yet: the assistant asks where
            slots = {"topic": "Deutschkurs"}
            return await asyncio.to_thread(_run, ActionSearchOffers(), _tracker(intent="search_offers", text=text, slots=slots))
        if text == "/search_offers_in_melle":
            slots = {"topic": "Deutschkurs", "municipality": "Melle"}
            return await asyncio.to_thread(_run, ActionSearchOffers(), _tracker(intent="search_offers", text="", slots=slots))
        if text == "/ask_funding":
            tracker = _tracker(intent="ask_funding", text="Was ist ein Bildungsgutschein?")
            return await asyncio.to_thread(_run, ActionFunding(), tracker)
        if text == "/request_counsellor":
            return _domain_response("utter_ask_handover_place")
        if text == "/consent":
            return _domain_response("utter_ask_handover_consent")
        return await super().send(conversation_id, text)


@pytest.fixture
def actions_client(settings: Settings, notifier: RecordingNotifier) -> TestClient:
    return TestClient(create_app(settings, engine=ActionsEngine(), notifier=notifier))


def _say(client: TestClient, cid: str, payload: str) -> list[dict[str, Any]]:
    r = client.post(f"/api/v1/conversations/{cid}/messages", json={"payload": payload})
    assert r.status_code == 200, r.text
    return list(r.json()["messages"])


def _in(language: str, german: str) -> str:
    return i18n.catalogue(language)[german]


def _check_said(message: dict[str, Any], language: str) -> None:
    assert message["language"] == language
    if language in SCRIPT:
        assert SCRIPT[language].search(message["text"]), message["text"]


@pytest.mark.parametrize("language", OTHER)
def test_replies_in_the_citizens_language(actions_client: TestClient, language: str) -> None:
    client = actions_client
    r = client.post("/api/v1/conversations", json={"language": language})
    assert r.status_code == 201
    cid = r.json()["conversation_id"]
    welcome = r.json()["messages"][0]
    assert welcome["text"] == _in(language, i18n.N_(WELCOME)) and welcome["language"] == language
    first = welcome["buttons"][0]
    assert first == {"title": _in(language, "Deutschkurs"), "payload": '/search_offers{"topic": "Deutschkurs"}'}  # engine's words

    greeting = _say(client, cid, "/greet")[0]
    assert greeting["text"] == _in(
        language, yaml.safe_load((ROOT / "actions/data/small_talk.yml").read_text())["greet"][0]["text"]
    )
    _check_said(greeting, language)

    # The question for the place is composed ("Gern suche ich nach „Deutschkurs“ …"): its text and its description
    # come as two REST replies, and the gateway says it as one message.
    (asked,) = _say(client, cid, "/search_offers")
    template = _in(language, "Gern suche ich nach „{topic}“. In welcher Gemeinde wohnen Sie? (Name oder Postleitzahl)")
    assert asked["text"] == template.format(topic="Deutschkurs")
    _check_said(asked, language)

    found = [m for m in _say(client, cid, "/search_offers_in_melle") if m["offers"]]
    assert found, "the test catalogue has German courses near Melle"
    reply = found[0]
    _check_said(reply, language)
    assert "„" not in reply["text"] and "Angebote" not in reply["text"], reply["text"]
    assert "Deutschkurs" in reply["text"] and "Melle" in reply["text"]  # the citizen's topic and the place stay
    titles = {b["title"] for b in reply["buttons"]}
    assert titles <= {_in(language, t) for t in ("Weitere Angebote", "Nur kostenlose", *AGES)}, titles
    assert reply["offers"][0]["title"]  # the provider's data as written

    funding = _say(client, cid, "/ask_funding")[0]
    programme = yaml.safe_load((ROOT / "actions/data/funding.yml").read_text())["programmes"]["bildungsgutschein"]
    assert funding["text"] == _in(language, programme["answer"])
    assert "https://www.arbeitsagentur.de" in funding["text"]
    assert {b["title"] for b in funding["buttons"]} <= {
        _in(language, "Muss ich das zurückzahlen?"),
        _in(language, "Wie beantrage ich das?"),
    }
    assert {b["payload"] for b in funding["buttons"]} <= {"Muss ich das zurückzahlen?", "Wie beantrage ich das?"}

    place = _say(client, cid, "/request_counsellor")[0]
    assert place["text"] == _in(language, _domain_response("utter_ask_handover_place")[0]["text"])
    consent = _say(client, cid, "/consent")[0]
    assert [b["title"] for b in consent["buttons"]] == [_in(language, "Ja, weitergeben"), _in(language, "Nein")]
    assert [b["payload"] for b in consent["buttons"]] == ["/affirm", "/deny"]
    _check_said(consent, language)


WELCOME = (
    "Hallo! Ich bin der Bildungslotse des Landkreises Osnabrück – ein digitaler Assistent. "
    "Ich finde Kurse und Angebote in Ihrer Nähe: von der Krabbelgruppe über Nachhilfe und "
    "Deutschkurse bis zur Weiterbildung, erkläre, wer die Kosten übernimmt, und verbinde Sie "
    "auf Wunsch mit einer Beraterin oder einem Berater Ihres Bildungsbüros.\n"
    "Datenschutz: Ich speichere nur diesen Chatverlauf, höchstens 30 Tage lang, ohne Namen. "
    "Mit „Verlauf löschen“ ist er sofort gelöscht."
)
AGES = ("unter 1 Jahr", "1–2 Jahre", "3–5 Jahre", "6–10 Jahre", "11–17 Jahre")


def test_english_search_reply_word_for_word(actions_client: TestClient) -> None:
    cid = actions_client.post("/api/v1/conversations", json={"language": "en"}).json()["conversation_id"]
    (asked,) = _say(actions_client, cid, "/search_offers")
    assert asked["text"] == "I will gladly look for “Deutschkurs”. Which municipality do you live in? (Name or postcode)"
    reply = next(m for m in _say(actions_client, cid, "/search_offers_in_melle") if m["offers"])
    assert re.fullmatch(
        r"I found \d+ matching offers for “Deutschkurs” near Melle( – here are the \d best)?:.*", reply["text"]
    ), reply
    german = next(m for m in _say(actions_client, _new(actions_client), "/search_offers_in_melle") if m["offers"])
    assert re.fullmatch(r"Ich habe \d+ passende Angebote zu „Deutschkurs“ in der Nähe von Melle gefunden.*", german["text"])
    assert german["language"] == "de"


def _new(client: TestClient, **body: Any) -> str:
    r = client.post("/api/v1/conversations", json=body or None)
    assert r.status_code == 201
    return str(r.json()["conversation_id"])


def test_a_clear_message_switches_the_conversation_and_the_citizens_words_stay(actions_client: TestClient) -> None:
    cid = _new(actions_client)
    r = actions_client.post(f"/api/v1/conversations/{cid}/messages", json={"text": CLEAR["tr"]})
    assert r.status_code == 200
    history = actions_client.get(f"/api/v1/conversations/{cid}/messages").json()["messages"]
    mine = next(m for m in history if m["sender"] == "user")
    assert mine["text"] == CLEAR["tr"] and mine["language"] == "tr"
    greeting = _say(actions_client, cid, "/greet")[0]
    assert greeting["language"] == "tr" and greeting["text"].startswith("Merhaba")
    # A button's title in Turkish, its German payload: no switch back to German.
    _say(actions_client, cid, "/ask_funding")
    r = actions_client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "ja"})
    assert _say(actions_client, cid, "/greet")[0]["language"] == "tr"


def test_patch_switches_the_language(actions_client: TestClient) -> None:
    cid = _new(actions_client)
    assert _say(actions_client, cid, "/greet")[0]["language"] == "de"
    r = actions_client.patch(f"/api/v1/conversations/{cid}", json={"language": "uk"})
    assert r.status_code == 200 and r.json() == {"conversation_id": cid, "language": "uk", "plain": False}
    greeting = _say(actions_client, cid, "/greet")[0]
    assert greeting["language"] == "uk" and SCRIPT["uk"].search(greeting["text"])
    assert actions_client.patch(f"/api/v1/conversations/{cid}", json={"language": "de"}).status_code == 200
    assert _say(actions_client, cid, "/greet")[0]["language"] == "de"


def test_bad_languages_are_refused_in_german(actions_client: TestClient) -> None:
    cid = _new(actions_client)
    for body in ({"language": "xx"}, {"language": "fr"}):
        r = actions_client.patch(f"/api/v1/conversations/{cid}", json=body)
        assert r.status_code == 422 and "Sprache" in r.json()["detail"]
        r = actions_client.post("/api/v1/conversations", json=body)
        assert r.status_code == 422 and "Sprache" in r.json()["detail"]
    assert actions_client.patch(f"/api/v1/conversations/{cid}", json={"language": "en", "x": 1}).status_code == 422
    assert actions_client.patch("/api/v1/conversations/nope", json={"language": "en"}).status_code == 404
    assert actions_client.post("/api/v1/conversations").status_code == 201  # the body stays optional


def test_engine_down_notice_in_the_conversations_language(settings: Settings, notifier: RecordingNotifier) -> None:
    engine = FakeEngine()
    client = TestClient(create_app(settings, engine=engine, notifier=notifier))
    cid = _new(client, language="ar")
    engine.down = True
    (notice,) = _say(client, cid, "/greet")
    assert notice["sender"] == "system" and notice["language"] == "ar"
    assert notice["text"] == _in("ar", "Entschuldigung, ich bin gerade nicht erreichbar. Ihre Nachricht ist gespeichert – "
                                 "bitte versuchen Sie es in ein paar Minuten noch einmal.")  # fmt: skip


def test_what_has_no_translation_stays_german_and_says_so(client: TestClient) -> None:
    cid = _new(client, language="en")
    r = client.post(f"/api/v1/conversations/{cid}/messages", json={"payload": "/anything"})
    echo = r.json()["messages"][0]
    assert echo["text"] == "Echo: /anything" and echo["language"] == "de"
    assert echo["buttons"] == [{"title": "Mehr", "payload": "/more_offers"}]


def test_a_text_made_from_a_template_is_recognised_and_its_known_values_translated() -> None:
    from actions.funding import funding_answer

    prompt = funding_answer("muss ich das in raten zahlen", previous="bildungsgutschein").text
    assert prompt == "Möchten Sie mehr zu Bildungsgutschein wissen?"
    assert i18n.translate(prompt, "en") == "Would you like to know more about Education voucher (Bildungsgutschein)?"
    assert i18n.translate(prompt, "ru") == "Рассказать подробнее про тему «Образовательный ваучер (Bildungsgutschein)»?"
    joined = i18n.translate("Dabei kann ich leider nicht helfen. Ort: Bad Essen", "tr")
    assert joined == "Maalesef bu konuda yardımcı olamıyorum. Yer: Bad Essen"
    titled = i18n.translate("„Deutschkurs A1“ (VHS): Das Angebot ist kostenlos.", "en")
    assert titled == "“Deutschkurs A1” (VHS): The offer is free of charge."  # the provider's title as written


def test_the_office_answer_is_said_sentence_by_sentence_with_its_data() -> None:
    german = (
        "Für Bohmte ist das Bildungsbüro Bohmte zuständig (0 km entfernt). Öffnungszeiten: Mo 09:00–12:00. "
        "Es ist gerade geschlossen. Wieder geöffnet ab 02.12. 09:00 Uhr. Erreichbar: Telefon 05471 123, "
        "E-Mail bohmte@example.de. Adresse: Bremer Str. 4, 49163 Bohmte."
    )
    assert i18n.translate(german, "en") == (
        "For Bohmte, the Bildungsbüro Bohmte is responsible (0 km away). Opening hours: Mo 09:00–12:00. "
        "It is closed right now. Open again from 02.12. 09:00. Contact: phone 05471 123, e-mail bohmte@example.de. "
        "Address: Bremer Str. 4, 49163 Bohmte."
    )


@pytest.mark.parametrize("language", ["tr", "ru"])
def test_handover_notices_in_the_citizens_language(client: TestClient, language: str) -> None:
    cid = _new(client, language=language)
    (notice,) = _say(client, cid, '/handover{"municipality": "Bohmte", "consent": true, "topic": "Deutschkurs"}')
    assert notice["sender"] == "system" and notice["handover"] and notice["language"] == language, notice
    office = notice["handover"]["office"]["name"]
    assert office in notice["text"] and not re.search(r"Anfrage|Mittwoch|Montag|Uhr|heute", notice["text"]), notice["text"]
    # While waiting: the long line first, then the short one (compared in German, said in the language).
    first = client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "Hallo?"}).json()["messages"][0]
    second = client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "Noch da?"}).json()["messages"][0]
    assert first["language"] == second["language"] == language
    assert second["text"] == _in(language, "Auch das habe ich an das {office} weitergegeben.").format(office=office)
    assert "abbrechen" in first["text"] and first["text"] != second["text"]


def test_an_offer_answer_is_said_in_the_language_and_the_providers_words_stay(session: Any) -> None:
    from sqlalchemy import select

    from actions.offer_facts import answer
    from catalogue.models import Offer

    offer = session.scalars(select(Offer).where(Offer.description.is_not(None), Offer.cost_eur > 0).limit(1)).one()
    german = answer(offer, ["price", "when", "place", "age", "childcare"])
    english = i18n.translate(german, "en")
    assert english.startswith(f"“{offer.title}” ({offer.provider.name}): ")
    assert not re.search(r"Nächster Beginn|Einen Starttermin|Ort:|Es kostet|Kinderbetreuung|Jahre", english), english
    overview = i18n.translate(answer(offer, ["overview"]), "tr")
    assert (offer.description or "")[:40] in overview  # the provider's description as written
    assert not re.search(r"Nächster Beginn|Einen Starttermin|Ort:|Es kostet", overview), overview
