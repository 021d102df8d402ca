"""Issue #14, passing on: transfer to another office, assignment to a colleague, the ticket's history, live events
for both offices, the citizen told in their channel; authorisation and bad input."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.counsellors.service import create, get_by_username
from bot.telegram.chats import conversation_id_for
from bot.tickets.models import Ticket, TicketEvent
from core.config import Settings
from core.db import read_scope, session_scope
from tests.bot.fake_telegram import FakeTelegram
from tests.bot.live_server import live_server
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

COLLEAGUE = "bohmte-kollegin"


@pytest.fixture(scope="module")
def colleague(database_url: str, staff) -> str:  # noqa: F811
    with session_scope(database_url) as session:
        if get_by_username(session=session, username=COLLEAGUE) is None:
            create(session=session, office_id="bohmte", username=COLLEAGUE, password=PASSWORD, languages=["de", "tr"])
    return COLLEAGUE


def ticket_of(notice: dict) -> str:
    return str(notice["handover"]["ticket_id"])


# --- transfer ---------------------------------------------------------------------------------------------------


def test_transfer_to_another_office(client: TestClient, staff, notifier) -> None:  # noqa: F811
    cid, notice = start_handover(client)
    ticket_id = ticket_of(notice)
    bohmte, melle = login(client, "bohmte-t"), login(client, "melle-t")
    assert client.post(f"/api/v1/tickets/{ticket_id}/claim", headers=bohmte).status_code == 200
    reason = "Wohnt eigentlich näher an Melle und möchte dort einen Abendkurs."
    r = client.post(f"/api/v1/tickets/{ticket_id}/transfer", json={"office_id": "melle", "reason": reason}, headers=bohmte)
    assert r.status_code == 200, r.text
    moved = r.json()
    assert moved["office_id"] == "melle" and moved["status"] == "waiting" and moved["assignee"] is None
    assert moved["transferred_from"] == "bohmte" and moved["transfer_reason"] == reason
    assert "transcript" not in moved

    # The sending office no longer sees it; the receiving office has it in its queue, with the reason.
    assert client.get(f"/api/v1/tickets/{ticket_id}", headers=bohmte).status_code == 403
    assert ticket_id not in [t["id"] for t in client.get("/api/v1/tickets", headers=bohmte).json()]
    queue = client.get("/api/v1/tickets?status=waiting", headers=melle).json()
    listed = next(t for t in queue if t["id"] == ticket_id)
    assert listed["transfer_reason"] == reason and listed["waiting_minutes"] < 1  # waits in Melle since the transfer
    detail = client.get(f"/api/v1/tickets/{ticket_id}", headers=melle).json()
    assert [h["kind"] for h in detail["history"]] == ["created", "claimed", "transferred"]
    moved_entry = detail["history"][-1]
    assert moved_entry["actor"] == "bohmte-t" and moved_entry["from_office"] == "bohmte"
    assert moved_entry["to_office"] == "melle" and moved_entry["reason"] == reason
    assert "Ich suche einen Deutschkurs" not in json.dumps(detail["history"], ensure_ascii=False)  # no message text

    # The citizen is told, in German, in the chat; the reason stays internal.
    last = client.get(f"/api/v1/conversations/{cid}/messages").json()["messages"][-1]
    assert last["sender"] == "system" and "Bildungsbüro Ost (Melle)" in last["text"] and reason not in last["text"]
    assert last["handover"]["office"]["id"] == "melle" and last["handover"]["status"] == "waiting"
    # Melle is told as for a new ticket.
    assert notifier.sent[-1]["office_id"] == "melle" and notifier.sent[-1]["ticket_id"] == ticket_id

    # Melle answers: the claim goes to Melle's counsellor.
    r = client.post(f"/api/v1/tickets/{ticket_id}/messages", json={"text": "Guten Tag aus Melle"}, headers=melle)
    assert r.status_code == 200 and r.json()["assignee"] == "melle-t" and r.json()["status"] == "active"


def test_admin_transfers_any_ticket(client: TestClient, staff) -> None:  # noqa: F811
    _, notice = start_handover(client)
    admin = login(client, "admin-t")  # an admin of the Melle office
    r = client.post(
        f"/api/v1/tickets/{ticket_of(notice)}/transfer", json={"office_id": "bramsche", "reason": "Arabisch"}, headers=admin
    )
    assert r.status_code == 200 and r.json()["office_id"] == "bramsche"
    assert client.get(f"/api/v1/tickets/{ticket_of(notice)}", headers=admin).status_code == 200


def test_transfer_of_a_telegram_ticket_tells_the_citizen_there(
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
    r = tg.post(
        f"/api/v1/tickets/{ticket_id}/transfer",
        json={"office_id": "georgsmarienhuette", "reason": "intern: Süden"},
        headers=login(tg, counsellor),
    )
    assert r.status_code == 200, r.text
    told = wait_sent(fake, chat, "Bildungsbüro Süd (Georgsmarienhütte)")
    assert "intern" not in told["text"]


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"office_id": "atlantis", "reason": "x"}, 404, "Bildungsbüro gibt es nicht"),
        ({"office_id": "bohmte", "reason": "x"}, 422, "schon beim"),
        ({"office_id": "melle", "reason": "   "}, 422, "Grund"),
        ({"office_id": "melle", "reason": ""}, 422, "ungültig"),
        ({"office_id": "melle"}, 422, "ungültig"),
        ({"reason": "x"}, 422, "ungültig"),
        ({"office_id": "melle", "reason": "x" * 1001}, 422, "ungültig"),
        ({"office_id": "m" * 41, "reason": "x"}, 422, "ungültig"),
        ({"office_id": 5, "reason": ["x"]}, 422, "ungültig"),
        (None, 422, "ungültig"),
    ],
)
def test_transfer_refusals(client: TestClient, staff, body, status: int, detail: str) -> None:  # noqa: F811
    _, notice = start_handover(client)
    r = client.post(f"/api/v1/tickets/{ticket_of(notice)}/transfer", json=body, headers=login(client, "bohmte-t"))
    assert r.status_code == status, r.text
    assert detail in r.json()["detail"]
    with read_scope(client.app.state.settings.database_url) as session:
        assert session.get_one(Ticket, ticket_of(notice)).office_id == "bohmte"  # nothing moved


def test_transfer_authorisation_and_state(client: TestClient, staff) -> None:  # noqa: F811
    _, notice = start_handover(client)
    ticket_id = ticket_of(notice)
    body = {"office_id": "melle", "reason": "passt besser"}
    assert client.post(f"/api/v1/tickets/{ticket_id}/transfer", json=body).status_code == 401
    r = client.post(f"/api/v1/tickets/{ticket_id}/transfer", json=body, headers=login(client, "melle-t"))
    assert r.status_code == 403 and "anderen Bildungsbüro" in r.json()["detail"]
    r = client.post("/api/v1/tickets/unbekannt/transfer", json=body, headers=login(client, "bohmte-t"))
    assert r.status_code == 404 and "Ticket gibt es nicht" in r.json()["detail"]
    bohmte = login(client, "bohmte-t")
    assert client.post(f"/api/v1/tickets/{ticket_id}/close", json={}, headers=bohmte).status_code == 200
    r = client.post(f"/api/v1/tickets/{ticket_id}/transfer", json=body, headers=bohmte)
    assert r.status_code == 409 and "abgeschlossen" in r.json()["detail"]


# --- assign -----------------------------------------------------------------------------------------------------


def test_assign_to_a_colleague(client: TestClient, staff, colleague: str) -> None:  # noqa: F811
    cid, notice = start_handover(client)
    ticket_id = ticket_of(notice)
    bohmte = login(client, "bohmte-t")
    r = client.post(f"/api/v1/tickets/{ticket_id}/assign", json={"username": colleague}, headers=bohmte)
    assert r.status_code == 200, r.text
    detail = r.json()
    assert detail["status"] == "active" and detail["assignee"] == colleague
    assert detail["history"][-1] | {"at": None} == {
        "at": None, "kind": "assigned", "actor": "bohmte-t", "from_office": None, "to_office": None,
        "assignee": colleague, "reason": None, "detail": None,
    }  # fmt: skip
    # A waiting ticket: the citizen hears that a counsellor writes now.
    last = client.get(f"/api/v1/conversations/{cid}/messages").json()["messages"][-1]
    assert "Sie schreiben jetzt mit" in last["text"] and last["handover"]["status"] == "active"

    # Back to the first counsellor: an active ticket changes hands without a notice to the citizen.
    mine = login(client, colleague)
    r = client.post(f"/api/v1/tickets/{ticket_id}/assign", json={"username": "bohmte-t"}, headers=mine)
    assert r.status_code == 200 and r.json()["assignee"] == "bohmte-t"
    assert client.get(f"/api/v1/conversations/{cid}/messages").json()["messages"][-1]["seq"] == last["seq"]
    r = client.post(f"/api/v1/tickets/{ticket_id}/assign", json={"username": "bohmte-t"}, headers=mine)
    assert r.status_code == 409 and "schon bei bohmte-t" in r.json()["detail"]


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"username": "melle-t"}, 422, "gehört nicht zum Bildungsbüro Wittlager Land"),
        ({"username": "niemand-hier"}, 404, "Benutzerkonto gibt es nicht"),
        ({"username": ""}, 422, "ungültig"),
        ({"username": "x" * 81}, 422, "ungültig"),
        ({}, 422, "ungültig"),
    ],
)
def test_assign_refusals(client: TestClient, staff, body, status: int, detail: str) -> None:  # noqa: F811
    _, notice = start_handover(client)
    r = client.post(f"/api/v1/tickets/{ticket_of(notice)}/assign", json=body, headers=login(client, "bohmte-t"))
    assert r.status_code == status, r.text
    assert detail in r.json()["detail"]


def test_assign_authorisation(client: TestClient, staff, colleague: str) -> None:  # noqa: F811
    _, notice = start_handover(client)
    ticket_id = ticket_of(notice)
    body = {"username": colleague}
    r = client.post(f"/api/v1/tickets/{ticket_id}/assign", json=body, headers=login(client, "melle-t"))
    assert r.status_code == 403
    assert client.post("/api/v1/tickets/unbekannt/assign", json=body, headers=login(client, "bohmte-t")).status_code == 404
    admin = login(client, "admin-t")
    assert client.post(f"/api/v1/tickets/{ticket_id}/assign", json=body, headers=admin).status_code == 200
    bohmte = login(client, "bohmte-t")
    assert client.post(f"/api/v1/tickets/{ticket_id}/close", json={}, headers=bohmte).status_code == 200
    assert client.post(f"/api/v1/tickets/{ticket_id}/assign", json=body, headers=bohmte).status_code == 409


# --- live events, deletion --------------------------------------------------------------------------------------


def test_transfer_is_pushed_to_both_offices(client: TestClient, staff) -> None:  # noqa: F811
    _, notice = start_handover(client)
    ticket_id = ticket_of(notice)
    tokens = {
        name: login(client, user)
        for name, user in (("bohmte", "bohmte-t"), ("melle", "melle-t"), ("gmh", "georgsmarienhuette-t"))
    }

    async def run(base: str) -> dict[str, list[str]]:
        heard: dict[str, list[str]] = {name: [] for name in tokens}
        async with httpx.AsyncClient(base_url=base, timeout=10) as http:

            async def listen(name: str) -> None:
                async with http.stream("GET", "/api/v1/tickets/stream", headers=tokens[name]) as response:
                    async for line in response.aiter_lines():
                        if line.startswith("data: "):
                            heard[name].append(json.loads(line[6:])["ticket_id"])

            tasks = [asyncio.create_task(listen(name)) for name in tokens]
            await asyncio.sleep(0.5)
            body = {"office_id": "melle", "reason": "näher"}
            r = await http.post(f"/api/v1/tickets/{ticket_id}/transfer", json=body, headers=tokens["bohmte"])
            assert r.status_code == 200
            await asyncio.sleep(0.5)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return heard

    with live_server(client.app) as base:
        heard = asyncio.run(run(base))
    assert heard == {"bohmte": [ticket_id], "melle": [ticket_id], "gmh": []}


def test_deletion_wipes_transfer_reasons(client: TestClient, staff) -> None:  # noqa: F811
    cid, notice = start_handover(client)
    ticket_id = ticket_of(notice)
    client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "Frau Marker-Xy braucht Hilfe beim Antrag"})
    reason = "Frau Marker-Xy zieht nach Melle"
    body = {"office_id": "melle", "reason": reason}
    assert client.post(f"/api/v1/tickets/{ticket_id}/transfer", json=body, headers=login(client, "bohmte-t")).status_code == 200
    assert client.delete(f"/api/v1/conversations/{cid}").status_code == 204
    with read_scope(client.app.state.settings.database_url) as session:
        ticket = session.get_one(Ticket, ticket_id)
        assert ticket.transfer_reason is None and ticket.title is None and ticket.preview is None
        events = session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
        ).all()  # PostgreSQL returns updated rows in another order without it
        assert [e.kind for e in events] == ["created", "transferred", "deleted"]
        assert all(e.reason is None for e in events)
    detail = client.get(f"/api/v1/tickets/{ticket_id}", headers=login(client, "melle-t")).json()
    assert "Marker-Xy" not in json.dumps(detail, ensure_ascii=False)
