"""Einfache Sprache (#12 item 5): every text the assistant says reads plainly from the plain-German catalogue,
and the citizen switches it on and off through the gateway (widget API and Telegram).

Measured per text, as said in plain mode with sample values in its ``{fields}``:
- at most 9 words per sentence on average and no sentence over 15 words;
- German Flesch reading ease (Amstad: 180 − words per sentence − 58.5 × syllables per word, textstat "de") of at
  least 70, for texts of 5 words or more (on a button title of one or two words one syllable moves the score by
  60 points: the formula is made for running text);
- links, e-mail addresses and commands are measured as one short word ("Link"), as a reader skips over them;
  a line (a list item, a label) ends a sentence like a full stop.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import textstat
from fastapi.testclient import TestClient

from bot import plain
from bot.main import create_app
from bot.telegram.handlers import COMMANDS, HELP, LANGUAGE_SET
from core import i18n
from core.config import Settings
from core.i18n_sources import source_messages
from tests.bot.conftest import FakeEngine, RecordingNotifier
from tests.bot.fake_telegram import FakeTelegram
from tests.bot.test_telegram import (  # noqa: F401 - fixtures
    callback_update,
    fake,
    message_update,
    new_chat,
    post,
    tg,
    tg_settings,
    wait_sent,
)

MAX_AVERAGE, MAX_SENTENCE, MIN_FLESCH, FLESCH_FROM_WORDS = 9.0, 15, 70.0, 5
# What the fields hold in real answers (numbers as digits, our own words plain).
SAMPLES: dict[str, Any] = {
    "address": "Am Markt 1, 49324 Melle", "age": 3, "amount": 120, "count": 2, "date": "10.01.2027", "day": "Montag",
    "details": "Rampe am Eingang", "email": "info@example.de", "expect": "Sie bekommen bald eine Antwort.", "first": 1,
    "high": 6, "hours": 20, "km": 5, "last": 5, "levels": "A1, A2", "low": 3, "minutes": 30,
    "name": "Bildungs-Gutschein", "number": 1,
    "office": "Bildungsbüro Ost (Melle)", "other": "Bildungsbüro Nord (Bersenbrück)", "others": "Gesmold",
    "phone": "05422 123", "place": "Melle", "price": "kostenlos", "programmes": "Bildungs-Gutschein", "provider": "VHS",
    "reason": "Feiertag", "schedule": "montags 9 Uhr", "shown": 5, "time": "9:00", "title": "Deutschkurs A1",
    "topic": "Deutschkurs", "total": 12, "url": "https://www.example.de", "ways": "Telefon 05422 123",
    "when": "ab Montag 9:00", "where": "in Melle",
}  # fmt: skip
LINK = re.compile(r"(https?://|www\.)[^\s]*[^\s.,;:!?)“”\"]|[\w.+-]+@[\w-]+\.[\w.]+[a-z]|(?<![\w/])/[a-z_]{2,}\b")
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+|(?<=:)\s+(?=[A-ZÄÖÜ„])")
WORD = re.compile(r"\w")


def said_plainly(msgid: str) -> str:
    """The text as the assistant says it in Einfache Sprache, its fields filled with sample values."""
    return i18n.render(i18n.t(msgid, **{name: SAMPLES[name] for name in i18n.fields(msgid)}), i18n.PLAIN)


def prepared(text: str) -> str:
    """Links as one word, list marks dropped, every line a sentence."""
    text = LINK.sub("Link", text).replace("•", " ")
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return "\n".join(line if line[-1] in ".!?…:" else line + "." for line in lines)


def sentences(text: str) -> list[list[str]]:
    words = [[w for w in part.split() if WORD.search(w)] for part in SENTENCE_END.split(prepared(text))]
    return [w for w in words if w]


def measure(text: str) -> tuple[float, int, float | None]:
    """(average words per sentence, words of the longest sentence, Flesch reading ease or None when too short)."""
    lengths = [len(s) for s in sentences(text)] or [0]
    textstat.set_lang("de")
    flesch = textstat.flesch_reading_ease(prepared(text)) if sum(lengths) >= FLESCH_FROM_WORDS else None
    return sum(lengths) / len(lengths), max(lengths), flesch


def plain_enough(text: str) -> bool:
    average, longest, flesch = measure(text)
    return average <= MAX_AVERAGE and longest <= MAX_SENTENCE and (flesch is None or flesch >= MIN_FLESCH)


def test_every_text_reads_plainly_in_einfache_sprache() -> None:
    sources = source_messages()
    failing = []
    for number, msgid in enumerate(sorted(sources), start=1):
        text = said_plainly(msgid)
        average, longest, flesch = measure(text)
        if not plain_enough(text):
            score = "–" if flesch is None else f"{flesch:.0f}"
            failing.append(
                f"#{number} ({sources[msgid][0]}) {average:.1f} words/sentence, longest {longest}, Flesch {score}: {text[:90]!r}"
            )
    assert not failing, f"{len(failing)} of {len(sources)} texts are not plain enough:\n" + "\n".join(failing)


def test_the_plain_catalogue_keeps_fields_links_and_only_current_texts() -> None:
    sources = source_messages()
    catalogue = i18n.read_catalogue(i18n.PLAIN)
    assert len(catalogue) > 100, "the plain catalogue (locale/de_simple) is missing or nearly empty"
    problems = []
    for msgid, variant in catalogue.items():
        if msgid not in sources:
            problems.append(f"no longer in the sources: {msgid[:70]!r}")
            continue
        if i18n.fields(variant) != i18n.fields(msgid):
            problems.append(f"fields {sorted(i18n.fields(variant))} instead of {sorted(i18n.fields(msgid))}: {msgid[:60]!r}")
        links = {m.group(0) for m in LINK.finditer(msgid)} - {m.group(0) for m in LINK.finditer(variant)}
        if links:
            problems.append(f"lost {sorted(links)}: {msgid[:60]!r}")
    assert not problems, "\n".join(problems)


def test_the_measure_tells_plain_from_hard_german() -> None:
    hard = (
        "Die Übernahme der Kursgebühren durch das Jobcenter setzt grundsätzlich eine vorherige Antragstellung "
        "einschließlich der Vorlage eines Kostenvoranschlags des Bildungsträgers voraus."
    )
    _, longest, flesch = measure(hard)
    assert longest == 20 and flesch is not None and flesch < 30 and not plain_enough(hard)
    easy = "Das Jobcenter kann den Kurs bezahlen. Fragen Sie vorher dort. Bringen Sie das Angebot vom Kurs mit."
    assert measure(easy)[:2] == (pytest.approx(17 / 3), 7) and plain_enough(easy)
    assert sentences("Mehr auf https://www.arbeitsagentur.de/bildung. Oder /hilfe") == [
        ["Mehr", "auf", "Link."],
        ["Oder", "Link."],
    ]


def test_plain_variants_are_the_einfache_sprache_texts() -> None:
    welcome = i18n.translate(plain.SWITCHED_ON, i18n.PLAIN)
    assert welcome == plain.SWITCHED_ON  # already plain: said as it is
    for msgid in (HELP, "Weiterbildung"):
        assert i18n.gettext(msgid, i18n.PLAIN) not in (None, msgid), msgid
    assert i18n.speaking("de", True) == i18n.PLAIN and i18n.speaking("tr", True) == "tr" == i18n.speaking("tr", False)


def test_an_answer_joined_from_texts_is_said_plainly_sentence_by_sentence() -> None:
    german = (
        "Für Bohmte ist das Bildungsbüro Bohmte zuständig (0 km entfernt). Öffnungszeiten: Mo 09:00–12:00. "
        "Es ist gerade geschlossen. Wieder geöffnet ab 02.12. 09:00 Uhr. Erreichbar: Telefon 05471 123, "
        "E-Mail bohmte@example.de. Adresse: Bremer Str. 4, 49163 Bohmte."
    )
    missing: list[str] = []
    said = i18n.translate(german, i18n.PLAIN, missing)
    # Texts that are plain already ("Erreichbar: …") are known as they are: no template swallows them.
    assert said == (
        "Für Bohmte ist das Bildungsbüro Bohmte da. Es ist 0 km weit weg. Öffnungs-Zeiten: Mo 09:00–12:00. "
        "Es ist jetzt zu. Wieder offen ab 02.12. 09:00 Uhr. Erreichbar: Telefon 05471 123, "
        "E-Mail bohmte@example.de. Adresse: Bremer Str. 4, 49163 Bohmte."
    )
    assert missing == []


# --- switching through the gateway ---------------------------------------------------------------------------

FUNDING = "Zu den Kosten und zur Förderung kann ich Ihnen gern etwas sagen. Worum geht es Ihnen?"


class PlainEngine(FakeEngine):
    """Answers with one fixed text and one composed text of the real sources."""

    async def send(self, conversation_id: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        self.received.append((conversation_id, text))
        composed = i18n.t("Im Umkreis von {km} km habe ich nichts gefunden, aber weiter weg.", km=20)
        return [{"text": "Weiterbildung"}, {"text": i18n.render(composed)}, {"custom": {"i18n": composed}}]


@pytest.fixture
def plain_engine() -> PlainEngine:
    return PlainEngine()


@pytest.fixture
def widget(settings: Settings, plain_engine: PlainEngine, notifier: RecordingNotifier) -> TestClient:
    return TestClient(create_app(settings, engine=plain_engine, notifier=notifier))


def _send(client: TestClient, cid: str, text: str) -> list[dict[str, Any]]:
    r = client.post(f"/api/v1/conversations/{cid}/messages", json={"text": text})
    assert r.status_code == 200, r.text
    return list(r.json()["messages"])


def _plain(msgid: str) -> str:
    variant = i18n.gettext(msgid, i18n.PLAIN)
    assert variant and variant != msgid, f"no plain variant of {msgid[:60]!r}"
    return variant


def test_typed_wish_switches_without_the_engine_and_replies_follow(widget: TestClient, plain_engine: PlainEngine) -> None:
    r = widget.post("/api/v1/conversations", json={})
    cid = r.json()["conversation_id"]
    (switched,) = _send(widget, cid, "Können Sie einfacher schreiben?")
    assert switched["text"] == plain.SWITCHED_ON and switched["language"] == "de" and not switched["handover"]
    assert plain_engine.received == []  # not read as a wish for a counsellor (it started the handover form)
    fixed, composed = _send(widget, cid, "Ich suche eine Weiterbildung")
    assert fixed["text"] == _plain("Weiterbildung") and fixed["language"] == "de"
    template = _plain("Im Umkreis von {km} km habe ich nichts gefunden, aber weiter weg.")
    assert composed["text"] == template.format(km=20)
    (off,) = _send(widget, cid, "normale sprache bite")  # a typo
    assert off["text"] == plain.SWITCHED_OFF and len(plain_engine.received) == 1
    assert _send(widget, cid, "Weiterbildung")[0]["text"] == "Weiterbildung"
    history = widget.get(f"/api/v1/conversations/{cid}/messages").json()["messages"]
    assert "Können Sie einfacher schreiben?" in [m["text"] for m in history if m["sender"] == "user"]


@pytest.mark.parametrize(
    "text",
    ["einfacher bitte", "einfache Sprache", "leichter bitte", "ich verstehe das nicht, bitte einfacher", "Einfache Sprahce"],
)
def test_wishes_for_einfache_sprache_are_recognised(text: str) -> None:
    assert plain.cue(text) is True


@pytest.mark.parametrize("text", ["normale Sprache", "wieder normal bitte", "keine einfache Sprache mehr"])
def test_wishes_for_normal_language_are_recognised(text: str) -> None:
    assert plain.cue(text) is False


@pytest.mark.parametrize(
    "text", ["Deutschkurs in einfacher Sprache", "Ich suche einen einfachen Kurs", "ja", "Deutsch bitte", "Nachhilfe in Mathe"]
)
def test_searches_and_answers_are_no_switch(text: str) -> None:
    assert plain.cue(text) is None


def test_post_and_patch_set_plain(widget: TestClient) -> None:
    r = widget.post("/api/v1/conversations", json={"plain": True})
    assert r.status_code == 201
    cid = r.json()["conversation_id"]
    assert r.json()["messages"][0]["text"] == _plain(WELCOME)
    r = widget.patch(f"/api/v1/conversations/{cid}", json={"plain": False})
    assert r.status_code == 200 and r.json() == {"conversation_id": cid, "language": "de", "plain": False}
    assert _send(widget, cid, "Weiterbildung")[0]["text"] == "Weiterbildung"
    r = widget.patch(f"/api/v1/conversations/{cid}", json={"plain": True, "language": "en"})
    assert r.json() == {"conversation_id": cid, "language": "en", "plain": True}
    assert _send(widget, cid, "/weiterbildung")[0]["text"] == i18n.gettext("Weiterbildung", "en")  # no effect in English
    assert widget.patch(f"/api/v1/conversations/{cid}", json={"language": "de"}).json()["plain"] is True
    assert _send(widget, cid, "/weiterbildung")[0]["text"] == _plain("Weiterbildung")
    for body in ({}, {"plain": "vielleicht"}, {"plain": True, "x": 1}):
        r = widget.patch(f"/api/v1/conversations/{cid}", json=body)
        assert r.status_code == 422, body
    assert "language" in widget.patch(f"/api/v1/conversations/{cid}", json={}).json()["detail"]
    assert widget.patch("/api/v1/conversations/nope", json={"plain": True}).status_code == 404


WELCOME = (
    "Hallo! Ich bin der Bildungslotse des Landkreises Osnabrück – ein digitaler Assistent. "
    "Ich finde Kurse und Angebote in Ihrer Nähe: von der Krabbelgruppe über Nachhilfe und "
    "Deutschkurse bis zur Weiterbildung, erkläre, wer die Kosten übernimmt, und verbinde Sie "
    "auf Wunsch mit einer Beraterin oder einem Berater Ihres Bildungsbüros.\n"
    "Datenschutz: Ich speichere nur diesen Chatverlauf, höchstens 30 Tage lang, ohne Namen. "
    "Mit „Verlauf löschen“ ist er sofort gelöscht."
)


def _sent_times(fake: FakeTelegram, chat: int, needle: str, times: int) -> None:  # noqa: F811
    fake.wait_for(lambda: sum(needle in p["text"] for p in fake.sent(chat)) >= times or None)


def test_telegram_einfach_toggles_and_typed_wishes_work(tg: TestClient, fake: FakeTelegram, engine: FakeEngine) -> None:  # noqa: F811
    assert ("einfach", "Einfache Sprache an oder aus") in COMMANDS
    chat = new_chat()
    post(tg, message_update(chat, "/einfach"))
    _sent_times(fake, chat, plain.SWITCHED_ON, 1)
    post(tg, message_update(chat, "/hilfe"))
    wait_sent(fake, chat, _plain(HELP)[:60])
    post(tg, message_update(chat, "/einfach"))
    _sent_times(fake, chat, plain.SWITCHED_OFF, 1)
    before = len(engine.received)
    post(tg, message_update(chat, "einfacher bitte"))
    _sent_times(fake, chat, plain.SWITCHED_ON, 2)
    assert len(engine.received) == before  # answered by the gateway
    post(tg, callback_update(chat, "l:en"))
    wait_sent(fake, chat, i18n.translate(LANGUAGE_SET, "en"))
    post(tg, message_update(chat, "/einfach"))  # in another language it says so and changes nothing
    wait_sent(fake, chat, i18n.translate(plain.ONLY_GERMAN, "en"))
    post(tg, callback_update(chat, "l:de"))
    wait_sent(fake, chat, LANGUAGE_SET)
    post(tg, message_update(chat, "/einfach"))
    _sent_times(fake, chat, plain.SWITCHED_OFF, 2)
