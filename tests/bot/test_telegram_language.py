"""/sprache in Telegram: the citizen chooses a language; our fixed texts, the stored replies and the offer cards'
labels follow it (against the local fake Bot API of test_telegram)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot import i18n as languages
from bot.telegram.handlers import CHOOSE_LANGUAGE, HELP, LANGUAGE_SET
from core import i18n
from tests.bot.conftest import FakeEngine
from tests.bot.fake_telegram import FakeTelegram
from tests.bot.test_telegram import (  # noqa: F401 - fixtures
    callback_update,
    fake,
    keyboard,
    message_update,
    new_chat,
    post,
    tg,
    tg_settings,
    wait_sent,
)


def test_sprache_sets_the_chats_language(tg: TestClient, fake: FakeTelegram, engine: FakeEngine) -> None:  # noqa: F811
    chat = new_chat()
    post(tg, message_update(chat, "/sprache"))
    choice = wait_sent(fake, chat, CHOOSE_LANGUAGE)
    buttons = keyboard(choice)
    assert [b["text"] for b in buttons] == [languages.NATIVE_NAMES[c] for c in ("de", "en", "tr", "ar", "uk", "ru")]
    assert [b["callback_data"] for b in buttons] == ["l:de", "l:en", "l:tr", "l:ar", "l:uk", "l:ru"]

    post(tg, callback_update(chat, "l:tr"))
    assert wait_sent(fake, chat, i18n.translate(LANGUAGE_SET, "tr"))["text"].startswith("Tamam, bundan sonra size Türkçe")
    post(tg, message_update(chat, "/hilfe"))
    wait_sent(fake, chat, "Bildungslotse şöyle çalışır")
    assert i18n.translate(HELP, "tr").startswith("Bildungslotse şöyle çalışır")

    # A stored reply: the echo stays as the engine said it, the offer card's labels are Turkish, its data not.
    post(tg, message_update(chat, "Almanca kursu arıyorum"))
    card = wait_sent(fake, chat, "Yer:")
    assert card["text"] == "<b>Deutschkurs</b>\nVHS\nYer: Melle (1,2 km uzaklıkta)\nBaşlangıç: 10.01.2027\nÜcret: ücretsiz"

    post(tg, message_update(chat, "/sprache"))
    post(tg, callback_update(chat, "l:de"))
    wait_sent(fake, chat, "Gut, ich antworte Ihnen ab jetzt auf Deutsch.")


def test_an_unknown_language_button_is_stale(tg: TestClient, fake: FakeTelegram) -> None:  # noqa: F811
    chat = new_chat()
    post(tg, callback_update(chat, "l:xx"))
    wait_sent(fake, chat, "Diese Auswahl ist nicht mehr aktuell")


def test_the_command_menu_is_set_for_every_language(tg: TestClient, fake: FakeTelegram) -> None:  # noqa: F811
    import json

    menus = {}
    for call in fake.calls_of("setMyCommands"):
        commands = call.params["commands"]
        menus[call.params.get("language_code")] = json.loads(commands) if isinstance(commands, str) else commands
    assert {"tr", "ar", "uk", "ru", "en"} <= set(menus) and None in menus
    assert {c["command"]: c["description"] for c in menus["tr"]}["sprache"] == "Dil seçin"
    assert {c["command"]: c["description"] for c in menus[None]}["hilfe"] == "Was der Bildungslotse kann"
