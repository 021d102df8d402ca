"""Issue #14, triage and Textbausteine: ticket titles and previews, filters, waiting time in the current queue;
snippets per office with placeholders, CRUD and authorisation; the sample snippets file; the migrations match
the models."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from bot.tickets.models import Snippet
from bot.tickets.snippets import SAMPLES, fill, load_samples
from catalogue.models import Office
from catalogue.places import format_hours
from core.db import Base, read_scope, session_scope
from tests.bot.test_handover import login, staff, start_handover  # noqa: F401  (staff is a fixture)

# --- triage -----------------------------------------------------------------------------------------------------


def test_title_is_the_topic_or_the_first_sentence(client: TestClient, staff) -> None:  # noqa: F811
    headers = login(client, "bohmte-t")
    _, with_topic = start_handover(client)
    cid, without = start_handover(client, consent=False)
    long = "Meine Tochter ist neun und braucht dringend Nachhilfe in Mathematik, am liebsten nachmittags in Bohmte."
    client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "Guten Tag!"})
    client.post(f"/api/v1/conversations/{cid}/messages", json={"text": long + " Geht das?"})
    client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "Ach ja: 0541 123456"})
    tickets = {t["id"]: t for t in client.get("/api/v1/tickets", headers=headers).json()}
    assert tickets[with_topic["handover"]["ticket_id"]]["title"] == "Deutschkurs"
    listed = tickets[without["handover"]["ticket_id"]]
    assert listed["title"].startswith("Meine Tochter ist neun und braucht") and listed["title"].endswith("…")
    assert len(listed["title"]) <= 70  # shortened at a word
    assert listed["preview"] == "Ach ja: 0541 123456" and listed["preview_sender"] == "user"
    assert listed["callback_wished"] is True

    # A counsellor's reply becomes the preview.
    client.post(f"/api/v1/tickets/{listed['id']}/messages", json={"text": "Gern, ich rufe an."}, headers=headers)
    after = next(t for t in client.get("/api/v1/tickets", headers=headers).json() if t["id"] == listed["id"])
    assert (after["preview"], after["preview_sender"], after["assignee"]) == ("Gern, ich rufe an.", "counsellor", "bohmte-t")


def test_filters_channel_and_callback(client: TestClient, staff) -> None:  # noqa: F811
    headers = login(client, "bohmte-t")
    cid, with_callback = start_handover(client)
    client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "mail an a.b@example.org"})
    _, plain = start_handover(client)
    wished = {t["id"] for t in client.get("/api/v1/tickets?callback=true", headers=headers).json()}
    not_wished = {t["id"] for t in client.get("/api/v1/tickets?callback=false", headers=headers).json()}
    assert with_callback["handover"]["ticket_id"] in wished - not_wished
    assert plain["handover"]["ticket_id"] in not_wished - wished
    web = client.get("/api/v1/tickets?channel=web", headers=headers).json()
    assert web and all(t["channel"] == "web" for t in web)
    assert all(t["channel"] == "telegram" for t in client.get("/api/v1/tickets?channel=telegram", headers=headers).json())
    assert client.get("/api/v1/tickets?channel=fax", headers=headers).status_code == 422
    assert client.get("/api/v1/tickets?callback=vielleicht", headers=headers).status_code == 422


def test_waiting_time_counts_in_the_current_queue(client: TestClient, staff, database_url: str) -> None:  # noqa: F811
    from bot.tickets.models import Ticket

    _, notice = start_handover(client)
    ticket_id = notice["handover"]["ticket_id"]
    with session_scope(database_url) as session:
        ticket = session.get_one(Ticket, ticket_id)
        ticket.created_at = ticket.queued_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=90)
    bohmte = login(client, "bohmte-t")
    listed = next(t for t in client.get("/api/v1/tickets", headers=bohmte).json() if t["id"] == ticket_id)
    assert 89 <= listed["waiting_minutes"] <= 91
    body = {"office_id": "melle", "reason": "näher"}
    assert client.post(f"/api/v1/tickets/{ticket_id}/transfer", json=body, headers=bohmte).status_code == 200
    listed = next(t for t in client.get("/api/v1/tickets", headers=login(client, "melle-t")).json() if t["id"] == ticket_id)
    assert listed["waiting_minutes"] < 1


# --- Textbausteine ----------------------------------------------------------------------------------------------


def test_snippets_crud_with_placeholders(client: TestClient, staff, database_url: str) -> None:  # noqa: F811
    bohmte = login(client, "bohmte-t")
    body = {"title": "Zeiten", "body": "Das {office_name} hat geöffnet: {opening_hours}. Mail: {office_email}"}
    r = client.post("/api/v1/snippets", json=body, headers=bohmte)
    assert r.status_code == 201, r.text
    created = r.json()
    with read_scope(database_url) as session:
        office = session.get_one(Office, "bohmte")
        hours, email = format_hours(office), office.email or ""
    assert created["office_id"] == "bohmte" and created["body"] == body["body"]
    assert created["text"] == f"Das Bildungsbüro Wittlager Land (Bohmte) hat geöffnet: {hours}. Mail: {email}"
    assert "{" not in created["text"] and hours
    assert created["updated_by"] == "bohmte-t"

    listed = client.get("/api/v1/snippets", headers=bohmte).json()
    assert created["id"] in [s["id"] for s in listed]
    r = client.put(
        f"/api/v1/snippets/{created['id']}", json={"title": "Zeiten", "body": "Bis bald! {office_name}"}, headers=bohmte
    )
    assert r.status_code == 200 and r.json()["text"] == "Bis bald! Bildungsbüro Wittlager Land (Bohmte)"

    # Another office neither sees nor changes it; an admin may.
    melle = login(client, "melle-t")
    assert created["id"] not in [s["id"] for s in client.get("/api/v1/snippets", headers=melle).json()]
    assert client.get("/api/v1/snippets?office_id=bohmte", headers=melle).status_code == 403
    assert client.put(f"/api/v1/snippets/{created['id']}", json=body, headers=melle).status_code == 403
    assert client.delete(f"/api/v1/snippets/{created['id']}", headers=melle).status_code == 403
    assert client.post("/api/v1/snippets?office_id=bohmte", json=body, headers=melle).status_code == 403
    admin = login(client, "admin-t")
    assert created["id"] in [s["id"] for s in client.get("/api/v1/snippets?office_id=bohmte", headers=admin).json()]
    assert client.get("/api/v1/snippets?office_id=atlantis", headers=admin).status_code == 404

    assert client.delete(f"/api/v1/snippets/{created['id']}", headers=bohmte).status_code == 204
    assert client.delete(f"/api/v1/snippets/{created['id']}", headers=bohmte).status_code == 404
    assert client.put(f"/api/v1/snippets/{created['id']}", json=body, headers=bohmte).status_code == 404
    assert client.get("/api/v1/snippets").status_code == 401


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"title": "x", "body": "Hallo {name}"}, "Unbekannter Platzhalter {name}"),
        ({"title": "   ", "body": "Hallo"}, "Namen"),
        ({"title": "x", "body": "   "}, "leer"),
        ({"title": "", "body": "Hallo"}, "ungültig"),
        ({"title": "x", "body": "y" * 2001}, "ungültig"),
        ({"title": "x" * 81, "body": "y"}, "ungültig"),
        ({"body": "y"}, "ungültig"),
    ],
)
def test_snippet_refusals(client: TestClient, staff, body: dict, detail: str) -> None:  # noqa: F811
    r = client.post("/api/v1/snippets", json=body, headers=login(client, "bohmte-t"))
    assert r.status_code == 422 and detail in r.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/snippets/0", "/api/v1/snippets/abc", "/api/v1/snippets/99999999999"])
def test_snippet_ids_are_bounded(client: TestClient, staff, path: str) -> None:  # noqa: F811
    r = client.put(path, json={"title": "x", "body": "y"}, headers=login(client, "bohmte-t"))
    assert r.status_code == 422 and isinstance(r.json()["detail"], str)


def test_sample_snippets_are_data_and_load_once(database_url: str) -> None:
    import yaml

    samples = yaml.safe_load(SAMPLES.read_text(encoding="utf-8"))["snippets"]
    assert len(samples) >= 5 and any("{opening_hours}" in s["body"] for s in samples)

    def counts(session) -> dict[str, int]:
        rows = session.execute(select(Snippet.office_id, func.count()).group_by(Snippet.office_id)).all()
        found = {office: n for office, n in rows}
        return {o.id: found.get(o.id, 0) for o in session.scalars(select(Office))}

    with session_scope(database_url) as session:
        before = counts(session)
        added = load_samples(session=session)
        after = counts(session)
        assert added == len(samples) * sum(1 for n in before.values() if n == 0)
        for office, n in before.items():  # only offices without any snippet get the samples
            assert after[office] == (n or len(samples)), office
        assert load_samples(session=session) == 0  # once per office
        melle = session.get_one(Office, "melle")
        texts = [fill(str(sample["body"]), melle) for sample in samples]
    assert texts and not any("{" in t for t in texts)
    assert any("Bildungsbüro Ost (Melle)" in t for t in texts) and any(format_hours(melle) in t for t in texts)


# --- schema -----------------------------------------------------------------------------------------------------


def test_migrations_match_the_models(database_url: str) -> None:
    """The migrated test database has every table and column the models declare (and nothing of ours missing)."""
    import bot.conversations.models
    import bot.telegram.models  # noqa: F401
    import monitoring.models  # noqa: F401

    engine = create_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    ours = ("tickets", "ticket_events", "snippets", "counsellors", "revoked_tokens")
    relevant = [d for d in diff if any(name in json.dumps(repr(d)) for name in ours)]
    structural = [
        d for d in relevant if isinstance(d, tuple) and d[0] in {"add_table", "remove_table", "add_column", "remove_column"}
    ]
    assert structural == [], structural
