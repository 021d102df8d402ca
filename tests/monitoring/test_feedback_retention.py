"""Feedback (👍/👎 after offers, 1–5 after a closed handover) counted in the figures, comments only for the
office and gone with the conversation; retention: old records become monthly sums, the figures stay the same."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from cli.main import main as cli
from core.db import read_scope, session_scope
from monitoring import service
from monitoring.models import Feedback, FigureMonth, SearchEvent
from tests.monitoring.conftest import handover_payload, login


def test_helpful_then_rating_after_a_closed_handover(searching_client, accounts, database_url) -> None:
    client = searching_client
    cid = client.post("/api/v1/conversations").json()["conversation_id"]
    answer = client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "Deutschkurs"}).json()["messages"]
    seq = next(m["seq"] for m in answer if m["offers"])
    assert client.post(f"/api/v1/conversations/{cid}/feedback", json={"seq": seq, "helpful": True}).status_code == 204
    # A changed mind replaces the vote; a message without offers cannot be rated.
    assert client.post(f"/api/v1/conversations/{cid}/feedback", json={"helpful": False}).status_code == 204
    assert client.post(f"/api/v1/conversations/{cid}/feedback", json={"seq": 1, "helpful": True}).status_code == 409
    # A rating needs a closed handover.
    assert client.post(f"/api/v1/conversations/{cid}/feedback", json={"rating": 5}).status_code == 409
    ticket = client.post(f"/api/v1/conversations/{cid}/messages", json={"payload": handover_payload()}).json()
    ticket_id = ticket["messages"][-1]["handover"]["ticket_id"]
    melle = login(client, accounts["melle"])
    assert client.post(f"/api/v1/tickets/{ticket_id}/close", json={"note": "erledigt"}, headers=melle).status_code == 200
    body = {"rating": 4, "comment": "Sehr freundlich, danke!"}
    assert client.post(f"/api/v1/conversations/{cid}/feedback", json=body).status_code == 204
    assert client.post(f"/api/v1/conversations/{cid}/feedback", json={"rating": 9}).status_code == 422
    assert client.post("/api/v1/conversations/nichtda/feedback", json={"rating": 3}).status_code == 404

    with read_scope(database_url) as session:
        rows = list(session.scalars(select(Feedback).where(Feedback.conversation_id == cid)))
    assert sorted((r.kind, r.helpful, r.rating, r.office_id) for r in rows) == [
        ("helpful", False, None, "melle"), ("rating", None, 4, "melle"),
    ]  # fmt: skip
    comments = client.get("/api/v1/feedback/comments", headers=melle).json()
    assert {"day": dt.date.today().isoformat(), "rating": 4, "comment": "Sehr freundlich, danke!"} in comments
    other = client.get("/api/v1/feedback/comments", headers=login(client, accounts["bohmte"])).json()
    assert all(c["comment"] != "Sehr freundlich, danke!" for c in other)

    # Deleting the conversation deletes the comment and the link; the count stays.
    assert client.delete(f"/api/v1/conversations/{cid}").status_code == 204
    with read_scope(database_url) as session:
        ids = [r.id for r in rows]
        after = list(session.scalars(select(Feedback).where(Feedback.id.in_(ids))))
    assert len(after) == 2 and all(r.comment is None and r.conversation_id is None for r in after)
    assert all(c["comment"] != "Sehr freundlich, danke!" for c in client.get("/api/v1/feedback/comments", headers=melle).json())


def test_comments_expire_after_30_days(database_url) -> None:
    with session_scope(database_url) as session:
        old = dt.datetime.now(dt.UTC) - dt.timedelta(days=31)
        row = Feedback(day=old.date(), kind="rating", rating=2, office_id="melle", comment="alt", conversation_id="c-old",
                       ticket_id="t-old", created_at=old)  # fmt: skip
        session.add(row)
        session.flush()
        row_id = row.id
    with session_scope(database_url) as session:
        assert service.expire_feedback(session=session) >= 1
    with read_scope(database_url) as session:
        row = session.get_one(Feedback, row_id)
        assert row.comment is None and row.conversation_id is None and row.rating == 2


def _table(database_url: str, group_by: str) -> dict:
    first, last = dt.date(2013, 1, 1), dt.date(2013, 12, 31)
    with read_scope(database_url) as session:
        return service.figures(session=session, group_by=group_by, first=first, last=last)


def test_retention_sums_old_records_per_month_and_the_figures_stay(database_url, capsys) -> None:
    with session_scope(database_url) as session:
        for i in range(30):
            record = {"topic": "Tiefseetauchen" if i % 3 else "Deutschkurs", "category": None if i % 3 else "sprache",
                      "municipality": "Melle" if i % 2 else "Bohmte", "results": 0 if i % 3 else 2, "age": 30}  # fmt: skip
            service.record_search(
                session=session, record=record, channel="web", language="de", day=dt.date(2013, 1 + i % 4, 1 + i % 28)
            )
        session.add(Feedback(day=dt.date(2013, 2, 1), kind="helpful", helpful=True, office_id="melle"))
    before = {g: _table(database_url, g) for g in ("month", "category", "municipality")}
    assert before["category"]["total"]["searches"] == 30
    assert before["category"]["unmet_topics"] == [{"topic": "tiefseetauchen", "searches": 20}]

    assert cli(["--database-url", database_url, "figures", "retention", "--today", "2016-03-15"]) == 0
    assert "01.03.2014" in capsys.readouterr().out
    with read_scope(database_url) as session:
        assert not session.scalars(select(SearchEvent).where(SearchEvent.day < dt.date(2014, 1, 1))).first()
        assert not session.scalars(select(Feedback).where(Feedback.day < dt.date(2014, 1, 1))).first()
        months = list(session.scalars(select(FigureMonth).where(FigureMonth.month < dt.date(2014, 1, 1))))
    assert sum(m.n for m in months) == 31 and all(m.month.day == 1 for m in months)
    assert {g: _table(database_url, g) for g in before} == before  # the same figures from the monthly sums


def test_retention_command_has_help(capsys) -> None:
    try:
        cli(["figures", "retention", "--help"])
    except SystemExit as exc:
        assert exc.code == 0
    assert "24 Monate" in capsys.readouterr().out
