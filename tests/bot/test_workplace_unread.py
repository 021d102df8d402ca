"""Unread markers (issue #14): each counsellor has their own "read up to seq" per ticket; the list and the detail
carry the caller's unread count, POST /tickets/{id}/read moves it; other offices get 403 as on every ticket
route; deleting the conversation removes the markers."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.counsellors.service import create, get_by_username
from core.db import read_scope, session_scope
from tests.bot.test_handover import PASSWORD, login, staff, start_handover  # noqa: F401  (staff is a fixture)

COLLEAGUE = "bohmte-t2"


def _colleague(database_url: str) -> None:
    with session_scope(database_url) as session:
        if get_by_username(session=session, username=COLLEAGUE) is None:
            create(session=session, office_id="bohmte", username=COLLEAGUE, password=PASSWORD)


def _listed(client: TestClient, headers: dict[str, str], ticket_id: str) -> dict:
    return next(t for t in client.get("/api/v1/tickets", headers=headers).json() if t["id"] == ticket_id)


def _citizen_says(client: TestClient, cid: str, text: str) -> None:
    r = client.post(f"/api/v1/conversations/{cid}/messages", json={"text": text})
    assert r.status_code == 200, r.text


def test_each_counsellor_has_own_markers(client: TestClient, staff, database_url: str) -> None:  # noqa: F811
    _colleague(database_url)
    cid, notice = start_handover(client)  # with consent: the citizen's question before the handover is visible
    ticket_id = notice["handover"]["ticket_id"]
    one, two = login(client, "bohmte-t"), login(client, COLLEAGUE)
    detail = client.get(f"/api/v1/tickets/{ticket_id}", headers=one).json()
    citizen = [m for m in detail["transcript"] if m["sender"] == "user"]
    assert len(citizen) == 2  # the question and the handover button (the fake engine's chat)
    assert detail["unread"] == 2 and detail["read_seq"] == 0  # reading the detail alone marks nothing
    first = _listed(client, one, ticket_id)
    assert first["unread"] == 2 and first["read_seq"] == 0
    assert _listed(client, two, ticket_id)["unread"] == 2
    last = max(m["seq"] for m in detail["transcript"])
    r = client.post(f"/api/v1/tickets/{ticket_id}/read", json={"seq": last}, headers=one)
    assert r.status_code == 200, r.text
    assert r.json() == {"ticket_id": ticket_id, "read_seq": last, "unread": 0}
    assert _listed(client, one, ticket_id)["unread"] == 0
    assert _listed(client, two, ticket_id)["unread"] == 2  # the colleague has not read it

    # Two new citizen messages: unread for both; a counsellor's own reply is never unread.
    _citizen_says(client, cid, "Gibt es den Kurs auch abends?")
    _citizen_says(client, cid, "Und was kostet er?")
    assert client.post(f"/api/v1/tickets/{ticket_id}/claim", headers=one).status_code == 200
    assert client.post(f"/api/v1/tickets/{ticket_id}/messages", json={"text": "Ja, dienstags."}, headers=one).status_code == 200
    mine = _listed(client, one, ticket_id)
    assert mine["unread"] == 2 and mine["read_seq"] == last
    assert _listed(client, two, ticket_id)["unread"] == 4
    detail = client.get(f"/api/v1/tickets/{ticket_id}", headers=two).json()
    assert detail["unread"] == 4 and detail["read_seq"] == 0

    # Read up to the first new message only, then an older tab sends a smaller seq: the marker does not go back.
    first_new = next(m["seq"] for m in detail["transcript"] if m["text"] == "Gibt es den Kurs auch abends?")
    assert client.post(f"/api/v1/tickets/{ticket_id}/read", json={"seq": first_new}, headers=one).json()["unread"] == 1
    stale = client.post(f"/api/v1/tickets/{ticket_id}/read", json={"seq": 1}, headers=one).json()
    assert stale["read_seq"] == first_new and stale["unread"] == 1
    # Beyond the end: stored as the last message, so that the next citizen message counts again.
    end = client.post(f"/api/v1/tickets/{ticket_id}/read", json={"seq": 10**6}, headers=one).json()
    assert end["unread"] == 0 and end["read_seq"] == max(m["seq"] for m in detail["transcript"])
    _citizen_says(client, cid, "Danke!")
    assert _listed(client, one, ticket_id)["unread"] == 1
    assert _listed(client, two, ticket_id)["unread"] == 5


def test_without_consent_only_messages_since_the_handover_count(client: TestClient, staff) -> None:  # noqa: F811
    cid, notice = start_handover(client, consent=False)
    ticket_id = notice["handover"]["ticket_id"]
    bohmte = login(client, "bohmte-t")
    assert _listed(client, bohmte, ticket_id)["unread"] == 0  # the earlier question is not shown, so not unread
    _citizen_says(client, cid, "Hallo, sind Sie da?")
    assert _listed(client, bohmte, ticket_id)["unread"] == 1


def test_other_office_unknown_ticket_and_bad_bodies(client: TestClient, staff) -> None:  # noqa: F811
    _, notice = start_handover(client)
    ticket_id = notice["handover"]["ticket_id"]
    melle, admin, bohmte = login(client, "melle-t"), login(client, "admin-t"), login(client, "bohmte-t")
    r = client.post(f"/api/v1/tickets/{ticket_id}/read", json={"seq": 1}, headers=melle)
    assert r.status_code == 403 and "anderen Bildungsbüro" in r.json()["detail"]  # as claim, reply, close …
    assert ticket_id not in [t["id"] for t in client.get("/api/v1/tickets", headers=melle).json()]
    missing = client.post("/api/v1/tickets/0000000000000000/read", json={"seq": 1}, headers=bohmte)
    assert missing.status_code == 404 and "gibt es nicht" in missing.json()["detail"]
    assert client.post(f"/api/v1/tickets/{ticket_id}/read", json={"seq": 1}).status_code == 401
    for body in ({}, {"seq": -1}, {"seq": "alles"}, {"seq": 2**31}, {"seq": None}):
        r = client.post(f"/api/v1/tickets/{ticket_id}/read", json=body, headers=bohmte)
        assert r.status_code == 422 and "ungültig" in r.json()["detail"], body
    # The admin's marker is the admin's own: the office's counsellor still has the ticket unread.
    assert client.post(f"/api/v1/tickets/{ticket_id}/read", json={"seq": 99}, headers=admin).json()["unread"] == 0
    assert _listed(client, bohmte, ticket_id)["unread"] == 2


def test_deleting_the_conversation_removes_the_markers(client: TestClient, staff, database_url: str) -> None:  # noqa: F811
    from bot.tickets.models import TicketRead

    _colleague(database_url)
    cid, notice = start_handover(client)
    ticket_id = notice["handover"]["ticket_id"]
    for username in ("bohmte-t", COLLEAGUE):
        assert (
            client.post(f"/api/v1/tickets/{ticket_id}/read", json={"seq": 2}, headers=login(client, username)).status_code == 200
        )
    with read_scope(database_url) as session:
        assert len(list(session.scalars(select(TicketRead).where(TicketRead.ticket_id == ticket_id)))) == 2
    assert client.delete(f"/api/v1/conversations/{cid}").status_code == 204
    with read_scope(database_url) as session:
        assert list(session.scalars(select(TicketRead).where(TicketRead.ticket_id == ticket_id))) == []
    gone = _listed(client, login(client, "bohmte-t"), ticket_id)
    assert gone["conversation_deleted"] and gone["unread"] == 0 and gone["read_seq"] == 0


def test_counts_are_the_same_in_chunks(client: TestClient, staff, monkeypatch) -> None:  # noqa: F811
    """Long lists are counted 500 tickets per query (SQLite's limit of parameters); a chunk of one gives the same."""
    from bot.tickets import reads

    for _ in range(3):
        start_handover(client)
    bohmte = login(client, "bohmte-t")
    whole = {t["id"]: t["unread"] for t in client.get("/api/v1/tickets", headers=bohmte).json()}
    monkeypatch.setattr(reads, "CHUNK", 1)
    chunked = {t["id"]: t["unread"] for t in client.get("/api/v1/tickets", headers=bohmte).json()}
    assert chunked == whole and sum(whole.values()) >= 6
