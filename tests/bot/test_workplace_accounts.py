"""Accounts (issue #14): a county admin disables an account; its tokens are refused at once, its login with a
German message, its active tickets wait in the office's queue again; enabled, it logs in anew."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from bot.counsellors.service import create
from core.db import session_scope
from tests.bot.test_handover import PASSWORD, login, staff, start_handover  # noqa: F401  (staff is a fixture)


def _account(database_url: str, office: str = "bohmte") -> tuple[int, str]:
    username = f"konto-{uuid.uuid4().hex[:8]}"
    with session_scope(database_url) as session:
        account = create(session=session, office_id=office, username=username, password=PASSWORD)
        return account.id, username


def test_disabled_account_is_refused_at_once_and_enabled_again(client: TestClient, staff, database_url: str) -> None:  # noqa: F811
    account_id, username = _account(database_url)
    token = login(client, username)
    _, notice = start_handover(client)
    ticket_id = notice["handover"]["ticket_id"]
    assert client.post(f"/api/v1/tickets/{ticket_id}/claim", headers=token).status_code == 200
    admin = login(client, "admin-t")

    r = client.post(f"/api/v1/counsellors/{account_id}/disable", headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["disabled"] and r.json()["disabled_by"] == "admin-t"
    refused = client.get("/api/v1/tickets", headers=token)  # the token issued before: refused at once
    assert refused.status_code == 401 and "gesperrt" in refused.json()["detail"]
    login_refused = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert login_refused.status_code == 403 and "gesperrt" in login_refused.json()["detail"]
    wrong = client.post("/api/v1/auth/token", data={"username": username, "password": "falsch-falsch-falsch"})
    assert wrong.status_code == 401 and "gesperrt" not in wrong.json()["detail"]  # no hint without the password

    detail = client.get(f"/api/v1/tickets/{ticket_id}", headers=admin).json()
    assert detail["status"] == "waiting" and detail["assignee"] is None  # back in the office's queue
    assert detail["history"][-1] | {"at": None} == {
        "at": None, "kind": "released", "actor": "admin-t", "from_office": None, "to_office": None,
        "assignee": username, "reason": None, "detail": "Konto gesperrt",
    }  # fmt: skip
    listed = {a["username"]: a for a in client.get("/api/v1/counsellors", headers=admin).json()}
    assert listed[username]["disabled"] and not listed["admin-t"]["disabled"]

    again = client.post(f"/api/v1/counsellors/{account_id}/disable", headers=admin)
    assert again.status_code == 409 and "schon gesperrt" in again.json()["detail"]
    enabled = client.post(f"/api/v1/counsellors/{account_id}/enable", headers=admin)
    assert enabled.status_code == 200 and not enabled.json()["disabled"]
    assert client.get("/api/v1/tickets", headers=token).status_code == 401  # old tokens stay dead
    assert client.get("/api/v1/tickets", headers=login(client, username)).status_code == 200
    twice = client.post(f"/api/v1/counsellors/{account_id}/enable", headers=admin)
    assert twice.status_code == 409 and "nicht gesperrt" in twice.json()["detail"]


def test_only_admins_manage_accounts(client: TestClient, staff, database_url: str) -> None:  # noqa: F811
    account_id, _ = _account(database_url)
    bohmte, admin = login(client, "bohmte-t"), login(client, "admin-t")
    for method, path in (("GET", "/api/v1/counsellors"), ("POST", f"/api/v1/counsellors/{account_id}/disable")):
        r = client.request(method, path, headers=bohmte)  # a colleague of the same office, not an admin
        assert r.status_code == 403 and "Kreisverwaltung" in r.json()["detail"]
    missing = client.post("/api/v1/counsellors/999999/disable", headers=admin)
    assert missing.status_code == 404 and "gibt es nicht" in missing.json()["detail"]
    for bad in ("0", "abc", str(2**31)):
        r = client.post(f"/api/v1/counsellors/{bad}/disable", headers=admin)
        assert r.status_code == 422 and "ungültig" in r.json()["detail"], bad
    own_id = next(a["id"] for a in client.get("/api/v1/counsellors", headers=admin).json() if a["username"] == "admin-t")
    myself = client.post(f"/api/v1/counsellors/{own_id}/disable", headers=admin)
    assert myself.status_code == 422 and "eigenes Konto" in myself.json()["detail"]
