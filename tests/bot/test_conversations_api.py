"""The chat API with a test double for the engine: contract, bad input, floods, engine down, deletion."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from bot.main import create_app
from core.config import InsecureConfigError, Settings
from tests.bot.conftest import FakeEngine


def new(client: TestClient) -> str:
    r = client.post("/api/v1/conversations")
    assert r.status_code == 201
    body = r.json()
    assert body["messages"][0]["sender"] == "bot" and "Bildungslotse" in body["messages"][0]["text"]
    assert "Datenschutz" in body["messages"][0]["text"]
    return str(body["conversation_id"])


def test_conversation_roundtrip_matches_contract(client: TestClient, engine: FakeEngine) -> None:
    cid = new(client)
    r = client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "Ich suche einen Deutschkurs in Melle"})
    assert r.status_code == 200
    messages = r.json()["messages"]
    assert [m["sender"] for m in messages] == ["bot", "bot"]
    assert messages[0]["buttons"] == [{"title": "Mehr", "payload": "/more_offers"}]
    offer = messages[1]["offers"][0]
    assert offer["category"] == "sprache" and offer["next_start"] == "2027-01-10"
    # the contract's fields, plus "undelivered" (our extension for counsellors)
    assert set(messages[0]) == {"seq", "sender", "text", "buttons", "offers", "handover", "created_at", "language", "undelivered"}
    history = client.get(f"/api/v1/conversations/{cid}/messages").json()["messages"]
    assert [m["seq"] for m in history] == [1, 2, 3, 4]
    assert history[1] == {**history[1], "sender": "user", "text": "Ich suche einen Deutschkurs in Melle"}
    after = client.get(f"/api/v1/conversations/{cid}/messages?after=2").json()["messages"]
    assert [m["seq"] for m in after] == [3, 4]
    assert engine.received == [(cid, "Ich suche einen Deutschkurs in Melle")]


def test_button_payload_shows_title(client: TestClient, engine: FakeEngine) -> None:
    cid = new(client)
    client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "hallo"})
    client.post(f"/api/v1/conversations/{cid}/messages", json={"payload": "/more_offers"})
    history = client.get(f"/api/v1/conversations/{cid}/messages").json()["messages"]
    assert history[-3]["text"] == "Mehr"
    assert engine.received[-1][1] == "/more_offers"


def test_engine_down_gives_german_message_and_keeps_user_text(client: TestClient, engine: FakeEngine) -> None:
    cid = new(client)
    engine.down = True
    r = client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "Hallo"})
    assert r.status_code == 200
    [message] = r.json()["messages"]
    assert message["sender"] == "system" and "nicht erreichbar" in message["text"]
    history = client.get(f"/api/v1/conversations/{cid}/messages").json()["messages"]
    assert history[1]["text"] == "Hallo"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"text": ""}, "leer"),
        ({"text": "   \n "}, "leer"),
        ({"text": "x" * 2001}, "zu lang"),
        ({"payload": "<script>"}, "Schaltfläche"),
        ({}, "ungültig"),
        ({"text": "a", "payload": "/greet"}, "ungültig"),
        ({"text": 5}, "ungültig"),
    ],
)
def test_bad_input_is_422_with_german_reason(client: TestClient, body: dict, reason: str) -> None:
    cid = new(client)
    r = client.post(f"/api/v1/conversations/{cid}/messages", json=body)
    assert r.status_code == 422 and reason in str(r.json()["detail"])
    assert len(client.get(f"/api/v1/conversations/{cid}/messages").json()["messages"]) == 1


@pytest.mark.parametrize("text_in", ["😀👍 Kita?", "<script>alert(1)</script>", "'; DROP TABLE messages; --", "Ä" * 2000])
def test_odd_but_valid_text_is_stored_verbatim(client: TestClient, text_in: str) -> None:
    cid = new(client)
    assert client.post(f"/api/v1/conversations/{cid}/messages", json={"text": text_in}).status_code == 200
    history = client.get(f"/api/v1/conversations/{cid}/messages").json()["messages"]
    assert history[1]["text"] == text_in


def test_malformed_json_is_422(client: TestClient) -> None:
    cid = new(client)
    r = client.post(f"/api/v1/conversations/{cid}/messages", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422


@pytest.mark.parametrize("cid", ["unknown", "x" * 300, "'; DROP TABLE conversations; --"])
def test_unknown_conversation_is_404(client: TestClient, cid: str) -> None:
    assert client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "hi"}).status_code == 404
    assert client.get(f"/api/v1/conversations/{cid}/messages").status_code == 404
    assert client.delete(f"/api/v1/conversations/{cid}").status_code == 404


def test_flood_from_one_client_is_limited(client: TestClient) -> None:
    cid = new(client)
    codes = [client.post(f"/api/v1/conversations/{cid}/messages", json={"text": f"m{i}"}).status_code for i in range(25)]
    assert codes[:20] == [200] * 20 and codes[-1] == 429
    stored = client.get(f"/api/v1/conversations/{cid}/messages").json()["messages"]
    assert len(stored) == 1 + 20 * 3  # welcome + (user, 2 replies) per accepted message


def test_delete_removes_everything(client: TestClient, tracker_url: str) -> None:
    cid = new(client)
    client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "hallo"})
    with create_engine(tracker_url).begin() as conn:
        conn.execute(text("INSERT INTO events (sender_id, data) VALUES (:s, '{}')"), {"s": cid})
    assert client.delete(f"/api/v1/conversations/{cid}").status_code == 204
    assert client.get(f"/api/v1/conversations/{cid}/messages").status_code == 404
    with create_engine(tracker_url).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": cid}).scalar() == 0


def test_delete_requested_in_chat(client: TestClient) -> None:
    cid = new(client)
    r = client.post(f"/api/v1/conversations/{cid}/messages", json={"payload": "/delete_confirmed"})
    assert r.status_code == 200 and r.json()["messages"][0]["text"] == "gelöscht"
    assert client.get(f"/api/v1/conversations/{cid}/messages").status_code == 404


def test_offers_and_offices_api(client: TestClient) -> None:
    r = client.get("/api/v1/offers", params={"q": "Deutschkurs", "municipality": "Melle"})
    assert r.status_code == 200 and r.json()["offers"][0]["id"] == "test-t1"
    detail = client.get("/api/v1/offers/test-t1").json()
    assert detail["funding"] == ["bamf"] and detail["source"] == "test"
    assert client.get("/api/v1/offers/nope").status_code == 404
    assert client.get("/api/v1/offers", params={"municipality": "Atlantis"}).status_code == 422
    assert client.get("/api/v1/offers", params={"category": "zauberei"}).status_code == 422
    assert client.get("/api/v1/offers", params={"limit": 1000}).status_code == 422
    assert len(client.get("/api/v1/offices").json()) == 5
    nearest = client.get("/api/v1/offices/nearest", params={"postcode": "49610"}).json()
    assert nearest["id"] == "bersenbrueck" and nearest["distance_km"] > 0
    assert client.get("/api/v1/offices/nearest").status_code == 422


def test_default_secret_refused_in_production() -> None:
    with pytest.raises(InsecureConfigError, match="SECRET_KEY"):
        create_app(Settings(environment="production"), engine=FakeEngine())
    with pytest.raises(InsecureConfigError, match="WIDGET_ORIGINS"):
        create_app(Settings(environment="production", secret_key="s" * 40), engine=FakeEngine())
    site = ["https://www.landkreis-osnabrueck.de"]
    create_app(Settings(environment="production", secret_key="s" * 40, widget_origins=site), engine=FakeEngine())


def test_retention_purges_old_conversations(client: TestClient, database_url: str) -> None:
    import datetime as dt

    from bot.conversations.models import Conversation
    from bot.privacy import purge_expired
    from core.db import session_scope

    old, fresh = new(client), new(client)
    with session_scope(database_url) as session:
        session.get(Conversation, old).last_activity = dt.datetime.now(dt.UTC) - dt.timedelta(days=31)
    assert purge_expired(state=client.app.state) >= 1
    assert client.get(f"/api/v1/conversations/{old}/messages").status_code == 404
    assert client.get(f"/api/v1/conversations/{fresh}/messages").status_code == 200


def test_request_bodies_are_bounded_while_read(client: TestClient) -> None:
    from tests.bot.live_server import live_server

    cid = new(client)
    big = {"text": "x" * 200_000}
    r = client.post(f"/api/v1/conversations/{cid}/messages", json=big)
    assert r.status_code == 413 and r.json()["detail"] == "Die Anfrage ist zu groß."

    def chunks():  # no Content-Length: the limit must hold while streaming
        yield b'{"text": "'
        for _ in range(100):
            yield b"y" * 10_000
        yield b'"}'

    with live_server(client.app) as base:
        r = httpx.post(
            f"{base}/api/v1/conversations/{cid}/messages", content=chunks(), headers={"Content-Type": "application/json"}
        )
    assert r.status_code == 413
    texts = [m["text"] for m in client.get(f"/api/v1/conversations/{cid}/messages").json()["messages"]]
    assert not any(t and t.startswith("y") for t in texts)  # nothing of it stored


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/api/v1/offices", "/", "/widget.js", "/api/v1/conversations/nope/messages"):
        r = client.get(path)
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["referrer-policy"], path
    page = client.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in client.get("/beratung/").headers["content-security-policy"]  # its own, stricter
