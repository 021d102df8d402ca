"""Through the gateway API against the real engine and action server."""

import httpx
import pytest

pytestmark = pytest.mark.engine


def start(gateway: str) -> str:
    r = httpx.post(f"{gateway}/api/v1/conversations")
    assert r.status_code == 201
    return str(r.json()["conversation_id"])


def say(gateway: str, cid: str, text: str) -> list[dict]:
    r = httpx.post(f"{gateway}/api/v1/conversations/{cid}/messages", json={"text": text}, timeout=60)
    assert r.status_code == 200, r.text
    return list(r.json()["messages"])


def test_greeting_and_german_course_in_melle(stack: dict[str, str]) -> None:
    gateway = stack["gateway"]
    cid = start(gateway)
    greeting = say(gateway, cid, "Hallo")
    assert greeting and greeting[0]["sender"] == "bot" and "Hallo" in greeting[0]["text"]
    replies = say(gateway, cid, "Ich suche einen Deutschkurs in Melle")
    offers = [o for m in replies for o in m["offers"]]
    assert offers, replies
    assert any(o["category"] == "sprache" for o in offers)
    assert "Melle" in replies[0]["text"]


def test_topic_then_place_is_asked(stack: dict[str, str]) -> None:
    gateway = stack["gateway"]
    cid = start(gateway)
    asked = say(gateway, cid, "ich brauche einen Deutschkurs")
    assert "Gemeinde" in asked[0]["text"]
    found = say(gateway, cid, "Quakenbrück")
    assert any(o["category"] == "sprache" for m in found for o in m["offers"]), found


def test_delete_in_chat_removes_conversation(stack: dict[str, str]) -> None:
    gateway = stack["gateway"]
    cid = start(gateway)
    asked = say(gateway, cid, "bitte lösche meine Daten")
    assert "löschen" in asked[0]["text"]
    r = httpx.post(f"{gateway}/api/v1/conversations/{cid}/messages", json={"payload": "/affirm"}, timeout=60)
    assert "gelöscht" in r.json()["messages"][0]["text"]
    assert httpx.get(f"{gateway}/api/v1/conversations/{cid}/messages").status_code == 404
