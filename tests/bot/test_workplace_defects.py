"""Issue #14, defects: the claim notice on every channel, call-back numbers that are real numbers, logout and
password change that revoke tokens on the server (for every gateway)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.counsellors.models import RevokedToken
from bot.counsellors.service import create, get_by_username, issue_token, revoke_token
from bot.main import create_app
from bot.telegram.chats import conversation_id_for
from bot.tickets.models import Ticket
from bot.tickets.service import capture_callback, phone_number
from core.config import Settings
from core.db import read_scope, session_scope
from tests.bot.conftest import FakeEngine, RecordingNotifier
from tests.bot.fake_telegram import FakeTelegram
from tests.bot.test_handover import PASSWORD, login, staff, start_handover  # noqa: F401  (staff is a fixture)
from tests.bot.test_telegram import (  # noqa: F401  (fixtures)
    counsellor,
    fake,
    message_update,
    new_chat,
    post,
    tg,
    tg_settings,
    wait_sent,
)

# --- (a) the claim notice reaches every channel ---------------------------------------------------------------


def test_reply_to_waiting_ticket_tells_telegram_citizen_first(
    tg: TestClient,  # noqa: F811
    fake: FakeTelegram,  # noqa: F811
    counsellor: str,  # noqa: F811
    tg_settings: Settings,  # noqa: F811
) -> None:
    chat = new_chat()
    cid = conversation_id_for(tg_settings.telegram_id_key, chat)
    assert post(tg, message_update(chat, '/handover{"municipality": "Bohmte", "consent": true}')) == 200
    wait_sent(fake, chat, "Bildungsbüro Wittlager Land (Bohmte)")
    history = tg.get(f"/api/v1/conversations/{cid}/messages").json()["messages"]
    ticket_id = next(m["handover"]["ticket_id"] for m in history if m["handover"])

    # No claim first: the reply itself claims the ticket.
    headers = login(tg, counsellor)
    r = tg.post(f"/api/v1/tickets/{ticket_id}/messages", json={"text": "Guten Tag aus Bohmte"}, headers=headers)
    assert r.status_code == 200 and r.json()["status"] == "active"
    wait_sent(fake, chat, "Guten Tag aus Bohmte")
    texts = [p["text"] for p in fake.sent(chat)]
    notice = next(i for i, t in enumerate(texts) if "Sie schreiben jetzt mit" in t)
    answer = next(i for i, t in enumerate(texts) if "Guten Tag aus Bohmte" in t)
    assert notice < answer  # the notice first, then the answer
    assert sum("Sie schreiben jetzt mit" in t for t in texts) == 1


def test_reply_to_waiting_ticket_notice_on_the_web_too(client: TestClient, staff) -> None:  # noqa: F811
    cid, notice = start_handover(client)
    headers = login(client, "bohmte-t")
    r = client.post(f"/api/v1/tickets/{notice['handover']['ticket_id']}/messages", json={"text": "Hallo"}, headers=headers)
    assert r.status_code == 200
    after = client.get(f"/api/v1/conversations/{cid}/messages?after={notice['seq']}").json()["messages"]
    assert [(m["sender"], "Sie schreiben jetzt mit" in (m["text"] or "")) for m in after] == [
        ("system", True),
        ("counsellor", False),
    ]


# --- (b) call-back numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "05461 1234",
        "0151 23456789",
        "+49 541 501-0",
        "0541/123456",
        "(0541) 12 34 56",
        "+49 (0)541 12345",
        "0049 541 123456",
        "+90 532 123 45 67",
    ],
)
def test_real_numbers_are_taken(text: str) -> None:
    assert phone_number(f"Rufen Sie mich bitte an: {text}, danke!") == text


@pytest.mark.parametrize(
    "text",
    [
        "Der Kurs beginnt am 2027-01-11.",
        "zwischen 2026 2027",
        "im Schuljahr 2026/2027",
        "von 2026-2027",
        "am 01.02.2027 um 10 Uhr",
        "am 01-02-2027",
        "am 11/01/27",
        "Kurs 09:00-12:00",
        "PLZ 49074",
        "IBAN DE89 3704 0044 0532 0130 00",
        "0541 12",
        "Kundennummer 123456789",
    ],
)
def test_dates_years_and_other_digits_are_not(text: str) -> None:
    assert phone_number(text) is None


def test_number_followed_by_a_year_is_cut_back() -> None:
    assert phone_number("0541 123456 2027 passt mir") == "0541 123456"
    assert phone_number("Termin 2027-01-11, Nummer 0541 5566778") == "0541 5566778"


def test_first_real_number_stays() -> None:
    ticket = Ticket(id="t", office_id="bohmte", channel="web")
    capture_callback(ticket, "Bitte um Rückruf unter 05461 1234")
    capture_callback(ticket, "Geht es am 2027-01-11? Oder 2026 2027?")
    capture_callback(ticket, "Meine Frau hat 0151 23456789")
    assert ticket.callback_phone == "05461 1234"


def test_dates_do_not_overwrite_through_the_api(client: TestClient, staff) -> None:  # noqa: F811
    cid, notice = start_handover(client)
    for text in ["Bitte rufen Sie an: 05461 1234", "Kursbeginn 2027-01-11 wäre gut", "für 2026 2027"]:
        client.post(f"/api/v1/conversations/{cid}/messages", json={"text": text})
    detail = client.get(f"/api/v1/tickets/{notice['handover']['ticket_id']}", headers=login(client, "bohmte-t")).json()
    assert detail["callback_phone"] == "05461 1234" and detail["callback_wished"] is True


# --- (c) logout and password change revoke tokens ---------------------------------------------------------------


@pytest.fixture
def account(database_url: str, request: pytest.FixtureRequest) -> str:
    """A fresh account per test: these tests change passwords."""
    username = "revoke-" + request.node.name.split("[")[0].removeprefix("test_")[:40].replace("_", "-")
    with session_scope(database_url) as session:
        if get_by_username(session=session, username=username) is None:
            create(session=session, office_id="melle", username=username, password=PASSWORD)
    return username


def test_logout_revokes_the_token_on_every_gateway(settings: Settings, account: str) -> None:
    gateway_a = TestClient(create_app(settings, engine=FakeEngine(), notifier=RecordingNotifier()))
    gateway_b = TestClient(create_app(settings, engine=FakeEngine(), notifier=RecordingNotifier()))
    this_device, other_device = login(gateway_a, account), login(gateway_b, account)
    assert gateway_b.get("/api/v1/tickets", headers=this_device).status_code == 200

    assert gateway_a.post("/api/v1/auth/logout", headers=this_device).status_code == 204
    for gateway in (gateway_a, gateway_b):
        r = gateway.get("/api/v1/tickets", headers=this_device)
        assert r.status_code == 401 and "Anmeldung" in r.json()["detail"]
    assert gateway_b.post("/api/v1/auth/logout", headers=this_device).status_code == 401  # once is enough
    assert gateway_b.get("/api/v1/tickets", headers=other_device).status_code == 200  # the other device stays in
    assert gateway_a.post("/api/v1/auth/logout").status_code == 401


def test_password_change_revokes_every_older_token(client: TestClient, account: str) -> None:
    first, second = login(client, account), login(client, account)
    new_password = "ein-ganz-neues-passwort"
    r = client.post("/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": new_password}, headers=first)
    assert r.status_code == 200, r.text
    fresh = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert client.get("/api/v1/tickets", headers=fresh).status_code == 200
    for old in (first, second):
        assert client.get("/api/v1/tickets", headers=old).status_code == 401
    assert client.post("/api/v1/auth/token", data={"username": account, "password": PASSWORD}).status_code == 401
    assert login(client, account, new_password)


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"current_password": "falsch-falsch-falsch", "new_password": "ein-ganz-neues-passwort"}, 403, "bisherige"),
        ({"current_password": PASSWORD, "new_password": "kurz"}, 422, "mindestens 12"),
        ({"current_password": PASSWORD, "new_password": PASSWORD}, 422, "unterscheiden"),
        ({"current_password": PASSWORD}, 422, "ungültig"),
    ],
)
def test_password_change_refusals(client: TestClient, account: str, body: dict, status: int, detail: str) -> None:
    headers = login(client, account)
    r = client.post("/api/v1/auth/password", json=body, headers=headers)
    assert r.status_code == status and detail in r.json()["detail"]
    assert client.get("/api/v1/tickets", headers=headers).status_code == 200  # nothing changed


def test_denylist_forgets_expired_tokens(database_url: str, account: str, settings: Settings) -> None:
    with session_scope(database_url) as session:
        who = get_by_username(session=session, username=account)
        assert who is not None
        long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
        old = issue_token(who, secret=settings.jwt_key, now=long_ago)
        new = issue_token(who, secret=settings.jwt_key)
    with session_scope(database_url) as session:
        # an expired token is not a valid one: nothing to revoke
        assert revoke_token(session=session, token=old, secret=settings.jwt_key) is False
        assert revoke_token(session=session, token=new, secret=settings.jwt_key) is True
        assert revoke_token(session=session, token="kaputt", secret=settings.jwt_key) is False
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=9)  # past the new token's expiry
    with session_scope(database_url) as session:
        another = issue_token(who, secret=settings.jwt_key)
        revoke_token(session=session, token=another, secret=settings.jwt_key, now=later)
    with read_scope(database_url) as session:
        jtis = [json.loads(_payload(t))["jti"] for t in (new, another)]
        assert session.scalar(select(func.count()).select_from(RevokedToken).where(RevokedToken.jti == jtis[0])) == 0
        assert session.get(RevokedToken, jtis[1]) is not None


def _payload(token: str) -> str:
    import base64

    part = token.split(".")[1]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()


def test_token_without_version_or_id_is_refused(client: TestClient, account: str, settings: Settings) -> None:
    import jwt

    with read_scope(settings.database_url) as session:
        who = get_by_username(session=session, username=account)
        assert who is not None
        subject = str(who.id)
    exp = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    legacy = jwt.encode({"sub": subject, "exp": exp}, settings.jwt_key, algorithm="HS256")
    assert client.get("/api/v1/tickets", headers={"Authorization": f"Bearer {legacy}"}).status_code == 401
