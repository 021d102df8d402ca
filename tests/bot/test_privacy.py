"""Deleting leaves nothing: no row, no ticket text, no tracker event, no bytes in the database files, no id in logs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import String, Text, create_engine, inspect, make_url, text

from core.logging import RedactingFilter
from tests.bot.test_handover import PASSWORD, login, staff  # noqa: F401  (staff is a fixture)

PHONE, MAIL, STORY, NOTE = "0541 7654321", "geheim.xy@example.org", "Meine Tochter heisst Zoe-Marker", "Notiz-Marker Frau K."
CALLBACK_NOTE = "Rückruf-Marker: Frau K. erst ab 17 Uhr"


def _texts_in_tables(url: str) -> str:
    """Every text column of every table, as one string."""
    engine = create_engine(url)
    found = []
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            columns = [c["name"] for c in inspect(engine).get_columns(table) if isinstance(c["type"], String | Text)]
            columns += [c["name"] for c in inspect(engine).get_columns(table) if "JSON" in str(c["type"]).upper()]
            for column in columns:
                found += [str(v) for (v,) in conn.execute(text(f'SELECT "{column}" FROM "{table}"'))]
    engine.dispose()
    return "\n".join(found)


def test_deletion_leaves_nothing(client: TestClient, staff, database_url: str, tracker_url: str) -> None:  # noqa: F811
    cid = client.post("/api/v1/conversations").json()["conversation_id"]
    client.post(f"/api/v1/conversations/{cid}/messages", json={"text": STORY})
    payload = "/handover" + json.dumps({"municipality": "Bohmte", "consent": True, "topic": STORY})
    ticket_id = client.post(f"/api/v1/conversations/{cid}/messages", json={"payload": payload}).json()["messages"][0]["handover"][
        "ticket_id"
    ]
    client.post(f"/api/v1/conversations/{cid}/messages", json={"text": f"Rufen Sie an: {PHONE} oder {MAIL}"})
    headers = login(client, "bohmte-t")
    client.post(f"/api/v1/tickets/{ticket_id}/claim", headers=headers)
    client.post(f"/api/v1/tickets/{ticket_id}/close", json={"note": NOTE}, headers=headers)
    r = client.post(f"/api/v1/tickets/{ticket_id}/callback", json={"done": True, "note": CALLBACK_NOTE}, headers=headers)
    assert r.status_code == 200, r.text
    with create_engine(tracker_url).begin() as conn:  # what the engine keeps of the chat
        conn.execute(text("INSERT INTO events (sender_id, data) VALUES (:s, :d)"), {"s": cid, "d": STORY})
    assert STORY in _texts_in_tables(database_url) and CALLBACK_NOTE in _texts_in_tables(database_url)  # seen while there

    assert client.delete(f"/api/v1/conversations/{cid}").status_code == 204

    for url in (database_url, tracker_url):
        stored = _texts_in_tables(url)
        for secret in (STORY, PHONE, MAIL, NOTE, CALLBACK_NOTE, cid):
            assert secret not in stored, (url, secret)
    if not database_url.startswith("sqlite"):
        return  # PostgreSQL's files are the server's; the table scan above is the check there
    db_file = Path(str(make_url(database_url).database))
    for path in (db_file, db_file.with_name(db_file.name + "-wal")):
        if path.exists():
            raw = path.read_bytes()
            for secret in (STORY, PHONE, MAIL, NOTE, CALLBACK_NOTE):
                assert secret.encode() not in raw, (path.name, secret)


def test_access_log_lines_carry_no_conversation_id() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d', ("127.0.0.1", "GET",
        "/api/v1/conversations/AbCdEf123/stream", "1.1", 200), None,
    )  # fmt: skip
    RedactingFilter().filter(record)
    assert "AbCdEf123" not in record.getMessage() and "/api/v1/conversations/…/stream" in record.getMessage()
