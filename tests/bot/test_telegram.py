"""The Telegram channel end to end against a local fake Bot API (never the internet), plus its pure formatting."""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text

from bot.counsellors.service import create as create_counsellor
from bot.counsellors.service import get_by_username
from bot.main import create_app
from bot.telegram.chats import conversation_id_for
from bot.telegram.delivery import Delivery
from bot.telegram.format import MAX_CHARS, button_data, format_offer, render, split_text, utf16_len
from bot.telegram.handlers import DELETED, STALE_BUTTON
from bot.telegram.models import TelegramChat
from core.config import Settings
from core.db import session_scope
from tests.bot.conftest import OFFER, FakeEngine, RecordingNotifier
from tests.bot.fake_telegram import BAD_GATEWAY, TOO_MANY, FakeTelegram

SECRET = "webhook-geheimnis_42"
PASSWORD = "ein-langes-testpasswort"
_ids = itertools.count(int(time.time()) % 100_000 * 100)


# --- fixtures and helpers ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture
def tg_settings(settings: Settings, fake: FakeTelegram) -> Settings:
    return settings.model_copy(
        update={
            "telegram_token": fake.token,
            "telegram_webhook_secret": SECRET,
            "telegram_api_base": fake.base_url,
            "public_url": "https://bildungslotse.example",
        }
    )


@pytest.fixture
def tg(tg_settings: Settings, engine: FakeEngine, notifier: RecordingNotifier) -> Iterator[TestClient]:
    with TestClient(create_app(tg_settings, engine=engine, notifier=notifier)) as client:
        yield client


@pytest.fixture(scope="module")
def counsellor(database_url: str) -> str:
    with session_scope(database_url) as session:
        if get_by_username(session=session, username="bohmte-telegram") is None:
            create_counsellor(session=session, office_id="bohmte", username="bohmte-telegram", password=PASSWORD)
    return "bohmte-telegram"


def new_chat() -> int:
    return 5_000_000_000 + next(_ids)  # beyond 32 bits, like real chat ids


def user(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Erika"}


def message_update(chat_id: int, text_: str, chat_type: str = "private") -> dict[str, Any]:
    n = next(_ids)
    message: dict[str, Any] = {
        "message_id": n,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": chat_type, "first_name": "Erika"},
        "from": user(chat_id),
        "text": text_,
    }
    if text_.startswith("/"):  # Telegram marks the command word as an entity
        word = text_.split()[0].split("{")[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(word)}]
    return {"update_id": n, "message": message}


def callback_update(chat_id: int, data: str) -> dict[str, Any]:
    n = next(_ids)
    message = {"message_id": n, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"}, "text": "…"}
    return {
        "update_id": n,
        "callback_query": {"id": f"cb{n}", "from": user(chat_id), "chat_instance": "ci", "data": data, "message": message},
    }


def post(client: TestClient, update: Any, secret: str | None = SECRET) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return client.post("/telegram/webhook", json=update, headers=headers).status_code


def keyboard(params: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for row in (params.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


def wait_sent(fake: FakeTelegram, chat_id: int, needle: str) -> dict[str, Any]:
    return fake.wait_for(lambda: next((p for p in fake.sent(chat_id) if needle in p["text"]), None))


def login(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


# --- the whole conversation ----------------------------------------------------------------------


def test_whole_conversation(
    tg: TestClient, fake: FakeTelegram, engine: FakeEngine, notifier: RecordingNotifier, counsellor: str, tg_settings: Settings
) -> None:
    chat = new_chat()
    cid = conversation_id_for(tg_settings.telegram_id_key, chat)

    # /start: welcome with privacy note and the topic buttons
    assert post(tg, message_update(chat, "/start")) == 200
    welcome = wait_sent(fake, chat, "Datenschutz")
    assert welcome["parse_mode"] == "HTML" and "30 Tage" in welcome["text"] and "/daten_loeschen" in welcome["text"]
    assert [b["text"] for b in keyboard(welcome)][:1] == ["Deutschkurs"]
    assert all(b["callback_data"].startswith("b:") and len(b["callback_data"]) <= 64 for b in keyboard(welcome))

    # a search: escaped echo with a button, then the offer card
    assert post(tg, message_update(chat, "Suche <b>Kurs</b> & mehr")) == 200
    echo = wait_sent(fake, chat, "Echo:")
    assert echo["text"] == "Echo: Suche &lt;b&gt;Kurs&lt;/b&gt; &amp; mehr"
    assert keyboard(echo) == [{"text": "Mehr", "callback_data": button_data("/more_offers")}]
    card = wait_sent(fake, chat, "<b>Deutschkurs</b>")
    assert card["text"] == "<b>Deutschkurs</b>\nVHS\nOrt: Melle (1,2 km entfernt)\nBeginn: 10.01.2027\nKosten: kostenlos"
    assert engine.received[-1] == (cid, "Suche <b>Kurs</b> & mehr") and str(chat) not in cid

    # a button press: relayed with its payload, shown with its title, the query answered
    assert post(tg, callback_update(chat, button_data("/more_offers"))) == 200
    fake.wait_for(lambda: engine.received[-1] == (cid, "/more_offers"))
    fake.wait_for(lambda: fake.calls_of("answerCallbackQuery"))
    history = tg.get(f"/api/v1/conversations/{cid}/messages").json()["messages"]
    assert any(m["sender"] == "user" and m["text"] == "Mehr" for m in history)
    # an unknown button is answered with a notice, nothing is relayed
    calls = len(engine.received)
    assert post(tg, callback_update(chat, "b:0000000000000000")) == 200
    fake.wait_for(lambda: any(c.params.get("text") == STALE_BUTTON for c in fake.calls_of("answerCallbackQuery")))
    assert len(engine.received) == calls

    # handover: the payload the engine answers with a ticket, typed as text (the widget's text field allows it too)
    assert post(tg, message_update(chat, '/handover{"municipality": "Bohmte", "consent": true}')) == 200
    notice = wait_sent(fake, chat, "Bildungsbüro Wittlager Land (Bohmte)")  # "weitergegeben" or, out of hours, "geschlossen"
    assert "Telefonnummer" in notice["text"]
    assert notifier.sent and notifier.sent[-1]["office_id"] == "bohmte"
    history = tg.get(f"/api/v1/conversations/{cid}/messages").json()["messages"]
    ticket_id = next(m["handover"]["ticket_id"] for m in history if m["handover"])

    headers = login(tg, counsellor)
    assert tg.post(f"/api/v1/tickets/{ticket_id}/claim", headers=headers).status_code == 200
    wait_sent(fake, chat, "Sie schreiben jetzt mit")
    r = tg.post(f"/api/v1/tickets/{ticket_id}/messages", json={"text": "Guten Tag, <i>gern</i>!"}, headers=headers)
    assert r.status_code == 200
    reply = wait_sent(fake, chat, "Guten Tag")
    assert reply["text"] == "<b>Beratung · Bildungsbüro Wittlager Land (Bohmte)</b>\nGuten Tag, &lt;i&gt;gern&lt;/i&gt;!"

    # the citizen answers: to the counsellor, not to the engine
    calls = len(engine.received)
    assert post(tg, message_update(chat, "Danke! Rufen Sie mich an: 0541 123456")) == 200
    detail = fake.wait_for(lambda: (d := tg.get(f"/api/v1/tickets/{ticket_id}", headers=headers).json())["callback_phone"] and d)
    assert len(engine.received) == calls and detail["channel"] == "telegram"
    assert str(chat) not in json.dumps(detail)  # the chat id is never shown to counsellors

    # rate limit: a 429 is waited out and the reply still arrives
    fake.failures.append(("sendMessage", 429, TOO_MANY))
    tg.post(f"/api/v1/tickets/{ticket_id}/messages", json={"text": "Zweite Antwort"}, headers=headers)
    wait_sent(fake, chat, "Zweite Antwort")
    assert any(c.status == 429 for c in fake.calls_of("sendMessage", chat))

    # the citizen blocked the bot: the message is marked undelivered for the counsellor
    fake.blocked.add(chat)
    try:
        tg.post(f"/api/v1/tickets/{ticket_id}/messages", json={"text": "Dritte Antwort"}, headers=headers)
        transcript = fake.wait_for(
            lambda: (t := tg.get(f"/api/v1/tickets/{ticket_id}", headers=headers).json()["transcript"])[-1]["undelivered"] and t
        )
    finally:
        fake.blocked.discard(chat)
    assert transcript[-1]["text"] == "Dritte Antwort"
    assert not any(m["undelivered"] for m in transcript[:-1])

    # /daten_loeschen asks first; "Ja, löschen" removes everything of this chat
    with create_engine(tg_settings.tracker_store_url).begin() as conn:
        conn.execute(text("INSERT INTO events (sender_id, data) VALUES (:s, '{}')"), {"s": cid})
    assert post(tg, message_update(chat, "/daten_loeschen")) == 200
    ask = wait_sent(fake, chat, "wirklich")
    assert [(b["text"], b["callback_data"]) for b in keyboard(ask)] == [("Ja, löschen", "d:ja"), ("Nein", "d:nein")]
    assert post(tg, callback_update(chat, "d:ja")) == 200
    fake.wait_for(lambda: any(c.params.get("text") == DELETED for c in fake.calls_of("editMessageText", chat)))
    assert tg.get(f"/api/v1/conversations/{cid}/messages").status_code == 404
    with session_scope(tg_settings.database_url) as session:
        assert session.get(TelegramChat, cid) is None
    with create_engine(tg_settings.tracker_store_url).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": cid}).scalar() == 0
    detail = tg.get(f"/api/v1/tickets/{ticket_id}", headers=headers).json()
    assert detail["conversation_deleted"] and detail["transcript"] == [] and detail["status"] == "closed"


def test_no_answer_keeps_data(tg: TestClient, fake: FakeTelegram, tg_settings: Settings) -> None:
    chat = new_chat()
    cid = conversation_id_for(tg_settings.telegram_id_key, chat)
    post(tg, message_update(chat, "Hallo"))
    wait_sent(fake, chat, "Echo: Hallo")
    post(tg, callback_update(chat, "d:nein"))
    fake.wait_for(lambda: fake.calls_of("editMessageText", chat))
    assert tg.get(f"/api/v1/conversations/{cid}/messages").status_code == 200


def test_engine_delete_action_removes_chat(tg: TestClient, fake: FakeTelegram, tg_settings: Settings) -> None:
    chat = new_chat()
    cid = conversation_id_for(tg_settings.telegram_id_key, chat)
    post(tg, message_update(chat, "/delete_confirmed"))
    wait_sent(fake, chat, "gelöscht")
    fake.wait_for(lambda: tg.get(f"/api/v1/conversations/{cid}/messages").status_code == 404)
    with session_scope(tg_settings.database_url) as session:
        assert session.scalar(select(TelegramChat).where(TelegramChat.conversation_id == cid)) is None


def test_commands_and_non_text(tg: TestClient, fake: FakeTelegram, engine: FakeEngine, tg_settings: Settings) -> None:
    chat = new_chat()
    cid = conversation_id_for(tg_settings.telegram_id_key, chat)
    post(tg, message_update(chat, "/hilfe"))
    assert "/berater" in wait_sent(fake, chat, "So funktioniert")["text"]
    post(tg, message_update(chat, "/berater"))
    fake.wait_for(lambda: (cid, "/request_counsellor") in engine.received)
    post(tg, message_update(chat, "/neu"))
    fake.wait_for(lambda: (cid, "/restart") in engine.received)
    sticker = message_update(chat, "x")
    del sticker["message"]["text"]
    sticker["message"]["sticker"] = {
        "file_id": "f", "file_unique_id": "u", "width": 1, "height": 1, "is_animated": False, "is_video": False, "type": "regular"
    }  # fmt: skip
    post(tg, sticker)
    wait_sent(fake, chat, "nur Textnachrichten")
    # group chats are ignored: a conversation is one person's
    group = -new_chat()
    post(tg, message_update(group, "Hallo zusammen", chat_type="group"))
    time.sleep(0.3)
    assert fake.sent(group) == []


def test_network_error_is_retried(tg: TestClient, fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Delivery, "backoff_s", 0.01)
    chat = new_chat()
    fake.failures.append(("sendMessage", 502, BAD_GATEWAY))
    post(tg, message_update(chat, "/hilfe"))
    wait_sent(fake, chat, "So funktioniert")
    assert [c.status for c in fake.calls_of("sendMessage", chat)] == [502, 200]


# --- the webhook's gate, and the bot switched off or polling -------------------------------------


def test_webhook_needs_the_secret_and_valid_json(tg: TestClient, fake: FakeTelegram) -> None:
    chat = new_chat()
    assert post(tg, message_update(chat, "/start"), secret=None) == 403
    assert post(tg, message_update(chat, "/start"), secret="falsch") == 403
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    for body in ["kein json", "[1, 2]", '{"foo": 1}', '{"update_id": "x", "message": 5}', "\xff"]:
        r = tg.post("/telegram/webhook", content=body.encode("latin-1"), headers=headers)
        assert r.status_code == 400, (body, r.text)
    assert tg.post("/telegram/webhook", content=b"x" * 1_000_001, headers=headers).status_code == 413
    time.sleep(0.2)
    assert fake.sent(chat) == []
    assert post(tg, message_update(chat, "/start")) == 200
    wait_sent(fake, chat, "Datenschutz")


def test_setup_registers_webhook_with_secret(tg: TestClient, fake: FakeTelegram) -> None:
    hook = fake.calls_of("setWebhook")[-1].params
    assert hook["url"] == "https://bildungslotse.example/telegram/webhook" and hook["secret_token"] == SECRET
    assert set(hook["allowed_updates"]) == {"message", "callback_query"}
    assert "telegram" in tg.app.state.deliveries


def test_bot_off_without_token(settings: Settings, engine: FakeEngine, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with TestClient(create_app(settings, engine=engine, notifier=RecordingNotifier())) as client:
        assert post(client, message_update(new_chat(), "/start")) == 404
        assert "telegram" not in client.app.state.deliveries
    assert [r.getMessage() for r in caplog.records if "Telegram channel off" in r.getMessage()] == [
        "Telegram channel off: no BILDUNGSLOTSE_TELEGRAM_TOKEN set."
    ]


def test_polling_without_public_url(settings: Settings, fake: FakeTelegram, engine: FakeEngine) -> None:
    local = settings.model_copy(update={"telegram_token": fake.token, "telegram_api_base": fake.base_url})
    chat = new_chat()
    fake.updates.append(message_update(chat, "/start"))
    try:
        with TestClient(create_app(local, engine=engine, notifier=RecordingNotifier())) as client:
            wait_sent(fake, chat, "Datenschutz")
            assert post(client, message_update(chat, "/start")) == 404  # no webhook route when polling
        assert fake.calls_of("deleteWebhook") and fake.calls_of("getUpdates")
    finally:
        fake.updates.clear()


def test_token_never_logged(tg: TestClient, fake: FakeTelegram, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    chat = new_chat()
    post(tg, message_update(chat, "/hilfe"))
    wait_sent(fake, chat, "So funktioniert")
    fake.wait_for(
        lambda: any("<telegram-token>/sendMessage" in r.getMessage() for r in caplog.records)
    )  # httpx logs after the answer
    assert not any(fake.token in r.getMessage() for r in caplog.records)


# --- pure functions ------------------------------------------------------------------------------


def test_offer_card_escapes_everything() -> None:
    offer = {**OFFER, "title": "<b>Kurs</b> & Co", "provider": "VHS <script>", "municipality": "Bad <Essen>"}
    card = format_offer(offer)
    assert card.startswith("<b>&lt;b&gt;Kurs&lt;/b&gt; &amp; Co</b>\nVHS &lt;script&gt;\nOrt: Bad &lt;Essen&gt;")
    online = format_offer({**OFFER, "online": True, "cost_eur": 45.5, "next_start": None, "distance_km": None})
    assert "Ort: online" in online and "Kosten: 45,50 €" in online and "Beginn" not in online
    assert "Kosten: 1.200 €" in format_offer({**OFFER, "cost_eur": 1200})


def test_offer_link_button_only_for_http() -> None:
    [part] = render("bot", None, {"offers": [{**OFFER, "url": "https://example.org/kurs?a=1&b=2"}]})
    assert part.keyboard is not None and part.keyboard.inline_keyboard[0][0].url == "https://example.org/kurs?a=1&b=2"
    assert part.keyboard.inline_keyboard[0][0].text == "Mehr erfahren"
    for bad in ["javascript:alert(1)", "ftp://x.org", "https://", "http://a b.de", None, 42]:
        [part] = render("bot", None, {"offers": [{**OFFER, "url": bad}]})
        assert part.keyboard is None, bad


def test_render_buttons_under_last_part_and_counsellor_header() -> None:
    parts = render("bot", "Hier:", {"offers": [OFFER], "buttons": [{"title": "Mehr <b>", "payload": "/more_offers"}]})
    assert [p.html.split("\n")[0] for p in parts] == ["Hier:", "<b>Deutschkurs</b>"]
    assert parts[0].keyboard is None and parts[1].keyboard is not None
    assert parts[1].keyboard.inline_keyboard[0][0].text == "Mehr <b>"  # button texts are plain, never parsed
    [only] = render("bot", None, {"buttons": [{"title": "Ja", "payload": "/affirm"}]})
    assert only.html == "Bitte wählen Sie:" and only.keyboard is not None
    office = {"handover": {"office": {"name": "Büro <A&B>"}}}
    [reply] = render("counsellor", "Hallo", office)
    assert reply.html == "<b>Beratung · Büro &lt;A&amp;B&gt;</b>\nHallo"
    assert render("bot", "   ", {}) == []


def test_split_at_4096_on_word_and_line_boundaries() -> None:
    words = " ".join(f"Wort{i}" for i in range(2000))  # ~ 15 000 characters
    chunks = split_text(words)
    assert len(chunks) >= 4 and all(utf16_len(c) <= MAX_CHARS for c in chunks)
    assert " ".join(chunks) == words  # nothing lost, no word cut
    lines = "\n".join("x" * 99 for _ in range(100))
    assert all(c.endswith("x" * 99) and len(c) <= MAX_CHARS for c in split_text(lines))
    assert split_text("a" * 5000) == ["a" * 4096, "a" * 904]  # no boundary at all: hard cut
    emoji = "😀" * 3000  # two UTF-16 units each, as Telegram counts
    assert [utf16_len(c) for c in split_text(emoji)] == [4096, 1904]
    long_reply = render("counsellor", "Satz. " * 1500, {"handover": {"office": {"name": "Bildungsbüro Melle"}}})
    assert len(long_reply) == 3 and all(utf16_len(p.html) <= MAX_CHARS + len("<b></b>") for p in long_reply)
    html_escaped = render("bot", "<" * 5000, {})
    assert [p.html.count("&lt;") for p in html_escaped] == [4096, 904]


def test_conversation_id_is_stable_keyed_and_opaque() -> None:
    a = conversation_id_for("s" * 32, 5_123_456_789)
    assert a == conversation_id_for("s" * 32, 5_123_456_789)
    assert a != conversation_id_for("s" * 32, 5_123_456_790)
    assert a != conversation_id_for("t" * 32, 5_123_456_789)
    assert a.startswith("tg-") and len(a) == 43 <= 64 and "5123456789" not in a
    assert len(button_data("/search_offers" + "{" + "x" * 400 + "}").encode()) <= 64
