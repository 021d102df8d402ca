"""Richer anonymous records: personal data typed into the chat never reaches them; handovers are recorded and
mark the search before them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, inspect, select

from catalogue.text import fold
from core.db import read_scope
from monitoring.anonymise import age_band, normalise_topic
from monitoring.models import Feedback, FigureMonth, SearchEvent
from tests.monitoring.conftest import handover_payload

# What citizens type: names, phone numbers, e-mail addresses, street addresses, postcodes.
MESSAGES = [
    "Ich heiße Anna Schmidt und suche einen Deutschkurs",
    "Deutschkurs für Mehmet Öztürk, Tel. 0541 123456",
    "Kitaplatz, bitte an anna.mueller@example.de schreiben",
    "Nachhilfe Hauptstraße 12, 49324 Melle",
    "Olga Petrenko +49 176 12345678 Integrationskurs",
    "Frau Yilmaz sucht Krippe",
    "mein name ist jan kowalski, ich suche einen Staplerschein",
    "Sprachcafé Bahnhofstr. 7a, erreichbar unter 0171/9876543 oder info@familie-berg.de",
]
PERSONAL = ["anna", "schmidt", "mehmet", "oeztuerk", "0541", "123456", "mueller", "example", "hauptstrasse", "49324",
            "olga", "petrenko", "176", "12345678", "yilmaz", "jan", "kowalski", "bahnhofstr", "0171", "9876543",
            "familie-berg", "@", " 12", " 7a"]  # fmt: skip


def _new_rows(database_url: str, after: int) -> list[SearchEvent]:
    with read_scope(database_url) as session:
        rows = list(session.scalars(select(SearchEvent).where(SearchEvent.id > after).order_by(SearchEvent.id)))
        session.expunge_all()
        return rows


def _last_id(database_url: str) -> int:
    with read_scope(database_url) as session:
        return int(session.scalar(select(func.coalesce(func.max(SearchEvent.id), 0))) or 0)


def test_personal_data_typed_into_the_chat_is_not_in_the_records(searching_client, database_url) -> None:
    before = _last_id(database_url)
    cid = searching_client.post("/api/v1/conversations").json()["conversation_id"]
    for text in MESSAGES:
        r = searching_client.post(f"/api/v1/conversations/{cid}/messages", json={"text": text})
        assert r.status_code == 200, r.text
    rows = _new_rows(database_url, before)
    assert len(rows) == len(MESSAGES)  # one record per search, none lost
    for row in rows:
        stored = " ".join(str(getattr(row, c.key)) for c in inspect(SearchEvent).columns if c.key != "id")
        for secret in PERSONAL:
            assert secret not in " " + stored, f"{secret!r} in {stored!r}"
        assert row.municipality == "Melle" and row.office_id == "melle"
        assert row.channel == "web" and row.language == "de" and row.age_band == "27-49"
        assert row.day == dt.date.today() and row.kind == "search"
        assert row.topic is None or (len(row.topic) <= 60 and row.topic == fold(row.topic))
    topics = [r.topic for r in rows]
    assert "und suche einen deutschkurs" in topics and "integrationskurs" in topics and "sucht krippe" in topics


def test_no_record_table_has_a_conversation_column_or_free_text_beyond_the_topic() -> None:
    for model in (SearchEvent, FigureMonth):
        names = {c.key for c in inspect(model).columns}
        assert not {n for n in names if "conversation" in n or n in {"text", "comment", "message"}}
    # Feedback keeps the conversation only until deletion or 30 days (tests/monitoring/test_feedback.py).
    assert "conversation_id" in {c.key for c in inspect(Feedback).columns}


def test_widened_search_and_handover_are_recorded(searching_client, database_url) -> None:
    before = _last_id(database_url)
    cid = searching_client.post("/api/v1/conversations").json()["conversation_id"]
    # The only forklift course of the test catalogue is far from Melle: found by widening the radius.
    searching_client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "Staplerschein"})
    r = searching_client.post(f"/api/v1/conversations/{cid}/messages", json={"payload": handover_payload()})
    assert r.json()["messages"][-1]["handover"]["ticket_id"]
    # A second request while the ticket is open is no second handover.
    searching_client.post(f"/api/v1/conversations/{cid}/messages", json={"payload": handover_payload()})
    search, handover = _new_rows(database_url, before)
    assert search.kind == "search" and search.widened and search.results >= 1 and search.handover
    assert search.category == "weiterbildung"
    assert handover.kind == "handover" and handover.office_id == "melle" and handover.municipality == "Melle"
    assert handover.category == "weiterbildung" and handover.channel == "web"


def test_topic_normalisation_and_age_bands() -> None:
    assert normalise_topic("Deutsch B1 Kurs") == "deutsch b1 kurs"  # level codes stay
    assert normalise_topic("Kita für 3 Kinder in 49324") == "kita fuer 3 kinder in"
    assert normalise_topic("Marktplatz 3 Sprachcafé") == "sprachcafe" and normalise_topic("Kitaplatz") == "kitaplatz"
    assert len(normalise_topic("Weiterbildung " * 20) or "") <= 60
    assert normalise_topic("0541 12345") is None
    assert [age_band(a) for a in (0, 2, 3, 6, 12, 17, 18, 30, 55, 70, "x", -1, None)] == [
        "0-2", "0-2", "3-5", "6-9", "10-15", "16-17", "18-26", "27-49", "50-64", "65+", None, None, None,
    ]  # fmt: skip
