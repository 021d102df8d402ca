"""Call backs (issue #14): their own list, done with a note, in the ticket history without contact data; and the
history records every action on a ticket (claim, reply, close, call back) without message text."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.bot.test_handover import login, staff, start_handover  # noqa: F401  (staff is a fixture)

PHONE = "05472 987654"


def _ticket_with_phone(client: TestClient) -> tuple[str, str]:
    cid, notice = start_handover(client)
    ticket_id = notice["handover"]["ticket_id"]
    r = client.post(f"/api/v1/conversations/{cid}/messages", json={"text": f"Bitte rufen Sie mich an: {PHONE}"})
    assert r.status_code == 200, r.text
    return cid, ticket_id


def test_call_back_list_done_with_note_and_reopened(client: TestClient, staff) -> None:  # noqa: F811
    _, ticket_id = _ticket_with_phone(client)
    bohmte = login(client, "bohmte-t")
    listed = client.get("/api/v1/tickets", params={"callback": True}, headers=bohmte).json()
    mine = next(t for t in listed if t["id"] == ticket_id)
    assert mine["callback_phone"] == PHONE and mine["callback_wished"] and mine["callback_done_at"] is None
    assert "callback_note" not in mine  # the note is in the detail only

    r = client.post(f"/api/v1/tickets/{ticket_id}/callback", json={"done": True, "note": "Erreicht, Termin Di"}, headers=bohmte)
    assert r.status_code == 200, r.text
    detail = r.json()
    assert detail["callback_done_by"] == "bohmte-t" and detail["callback_done_at"]
    assert detail["callback_note"] == "Erreicht, Termin Di"
    kinds = [(e["kind"], e["actor"], e["detail"]) for e in detail["history"]]
    assert ("callback_requested", None, "Kontaktdaten: Telefon") in kinds
    assert kinds[-1] == ("callback_done", "bohmte-t", "mit Notiz")
    assert all(PHONE not in repr(e) and "Termin" not in repr(e) for e in detail["history"])  # no contact data, no note

    again = client.post(f"/api/v1/tickets/{ticket_id}/callback", json={"done": True}, headers=bohmte)
    assert again.status_code == 409 and "schon erledigt" in again.json()["detail"]
    reopened = client.post(f"/api/v1/tickets/{ticket_id}/callback", json={"done": False}, headers=bohmte).json()
    assert reopened["callback_done_at"] is None and reopened["history"][-1]["kind"] == "callback_reopened"
    assert reopened["callback_note"] == "Erreicht, Termin Di"  # the note stays for colleagues
    still_open = client.post(f"/api/v1/tickets/{ticket_id}/callback", json={"done": False}, headers=bohmte)
    assert still_open.status_code == 409 and "noch offen" in still_open.json()["detail"]


def test_call_back_authorisation_and_bad_bodies(client: TestClient, staff) -> None:  # noqa: F811
    _, ticket_id = _ticket_with_phone(client)
    melle, admin, bohmte = login(client, "melle-t"), login(client, "admin-t"), login(client, "bohmte-t")
    assert client.post(f"/api/v1/tickets/{ticket_id}/callback", json={"done": True}, headers=melle).status_code == 403
    assert PHONE not in client.get("/api/v1/tickets", headers=melle).text  # contact data only for the office
    missing = client.post("/api/v1/tickets/0000000000000000/callback", json={"done": True}, headers=bohmte)
    assert missing.status_code == 404 and "gibt es nicht" in missing.json()["detail"]
    for body in ({}, {"done": "vielleicht"}, {"done": True, "note": "x" * 2001}):
        r = client.post(f"/api/v1/tickets/{ticket_id}/callback", json=body, headers=bohmte)
        assert r.status_code == 422 and "ungültig" in r.json()["detail"], body
    assert client.post(f"/api/v1/tickets/{ticket_id}/callback", json={"done": True}, headers=admin).status_code == 200
    # Without contact data or a wish, there is nothing to call back.
    _, notice = start_handover(client)
    plain = notice["handover"]["ticket_id"]
    r = client.post(f"/api/v1/tickets/{plain}/callback", json={"done": True}, headers=bohmte)
    assert r.status_code == 409 and "kein Rückruf" in r.json()["detail"]


def test_call_back_wished_in_the_chat_is_in_the_history(client: TestClient, staff) -> None:  # noqa: F811
    _, notice = start_handover(client, callback=True)
    ticket_id = notice["handover"]["ticket_id"]
    detail = client.get(f"/api/v1/tickets/{ticket_id}", headers=login(client, "bohmte-t")).json()
    assert detail["callback_wished"] and detail["history"][1]["kind"] == "callback_requested"
    assert detail["history"][1]["detail"] == "Rückruf im Chat gewünscht"


def test_contact_data_written_during_the_handover_form_reach_the_ticket(client: TestClient, staff) -> None:  # noqa: F811
    # Even without consent to share the chat: the number was given for the call back itself.
    _, notice = start_handover(client, callback=True, consent=False, contact=PHONE)
    ticket_id = notice["handover"]["ticket_id"]
    detail = client.get(f"/api/v1/tickets/{ticket_id}", headers=login(client, "bohmte-t")).json()
    assert detail["callback_phone"] == PHONE and detail["callback_wished"]
    assert "Telefonnummer" not in notice["text"]  # not asked for a number the citizen already gave
    assert [e["detail"] for e in detail["history"] if e["kind"] == "callback_requested"][-1] == "Kontaktdaten: Telefon"


def test_new_contact_data_reopen_a_done_call_back(client: TestClient, staff) -> None:  # noqa: F811
    cid, ticket_id = _ticket_with_phone(client)
    bohmte = login(client, "bohmte-t")
    client.post(f"/api/v1/tickets/{ticket_id}/callback", json={"done": True}, headers=bohmte)
    client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "Oder per Mail: neu.xy@example.org"})
    detail = client.get(f"/api/v1/tickets/{ticket_id}", headers=bohmte).json()
    assert detail["callback_done_at"] is None and detail["callback_email"] == "neu.xy@example.org"
    assert detail["history"][-1]["detail"] == "Kontaktdaten: E-Mail (neu, Rückruf wieder offen)"


@pytest.mark.parametrize("close_first", [False, True])
def test_every_action_is_in_the_history_without_text(client: TestClient, staff, close_first: bool) -> None:  # noqa: F811
    """Who did what when: claim, each reply (never its text), close; a call back also after closing."""
    _, ticket_id = _ticket_with_phone(client)
    bohmte = login(client, "bohmte-t")
    secret = "Antworttext-Marker 4711"
    client.post(f"/api/v1/tickets/{ticket_id}/claim", headers=bohmte)
    client.post(f"/api/v1/tickets/{ticket_id}/messages", json={"text": secret}, headers=bohmte)
    client.post(f"/api/v1/tickets/{ticket_id}/messages", json={"text": secret + " 2"}, headers=bohmte)
    steps = [("close", {"note": "fertig"}), ("callback", {"done": True})]
    for path, body in reversed(steps) if not close_first else steps:
        assert client.post(f"/api/v1/tickets/{ticket_id}/{path}", json=body, headers=bohmte).status_code == 200
    history = client.get(f"/api/v1/tickets/{ticket_id}", headers=bohmte).json()["history"]
    kinds = [e["kind"] for e in history]
    tail = ["closed", "callback_done"] if close_first else ["callback_done", "closed"]
    assert kinds == ["created", "callback_requested", "claimed", "replied", "replied", *tail]
    assert all(e["actor"] == "bohmte-t" for e in history[2:]) and all(e["at"] for e in history)
    assert secret not in repr(history) and "fertig" not in repr(history)
