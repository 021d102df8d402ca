"""GET /api/v1/figures and /api/v1/figures.csv: groupings, small-number protection, the own office only for
counsellors, CSV for Excel, the OpenAPI document."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.main import create_app
from catalogue.models import Municipality
from core.db import read_scope, session_scope
from monitoring.service import record_rating, record_search
from tests.bot.conftest import FakeEngine, RecordingNotifier
from tests.monitoring.conftest import login
from tests.monitoring.test_suppression import feasible_values

DAY = dt.date(2019, 3, 14)  # a month of its own: the session's database is shared with the other tests
PERIOD = {"from": "2019-03-01", "to": "2019-03-31"}


@pytest.fixture(scope="module")
def seeded(database_url: str) -> None:
    searches = (
        [("Deutschkurs", "sprache", "Melle", 4)] * 12
        + [("Deutschkurs", "sprache", "Dissen am Teutoburger Wald", 3)] * 5  # Melle's office has these two
        + [("Staplerschein", "weiterbildung", "Melle", 2)] * 6
        + [("Erziehungsberatung", "beratung", "Bohmte", 1)] * 3
        + [("Tiefseetauchen", None, "Melle", 0)] * 6
        + [("Drachenfliegen", None, "Bohmte", 0)] * 2
    )
    with session_scope(database_url) as session:
        for topic, category, place, results in searches:
            record = {"topic": topic, "category": category, "municipality": place, "results": results}
            record_search(session=session, record=record, channel="web", language="de", day=DAY)


@pytest.fixture
def client(settings) -> TestClient:
    return TestClient(create_app(settings, engine=FakeEngine(), notifier=RecordingNotifier()))


def rows_by_key(table: dict) -> dict:
    return {row["key"]: row for row in table["rows"]}


def test_admin_sees_categories_with_small_numbers_protected(client, seeded, accounts) -> None:
    admin = login(client, accounts["admin"])
    table = client.get("/api/v1/figures", params={**PERIOD, "group_by": "category"}, headers=admin).json()
    rows = rows_by_key(table)
    assert rows["sprache"]["searches"] == 17 and rows["sprache"]["label"] == "Sprache"
    assert rows["beratung"]["searches"] == "<5"
    assert rows["schule"]["searches"] == "<5"  # every category is a row, zeros too
    assert rows[None]["searches"] == 8  # nothing found: no category
    # Only these 8 found nothing; every category's 0 is "<5", and 8 = total − shown would tell they are all 0.
    # With nothing left to hide, the total goes too (a "<5" could otherwise be bounded below 4).
    assert rows[None]["unmet"] == "x" and table["total"]["unmet"] == "x"
    assert table["total"]["searches"] == 34
    # The attack: the total minus the shown cells must not give the hidden 3 back.
    column = {str(k): r["searches"] for k, r in rows.items()}
    assert feasible_values(column, table["total"]["searches"])["beratung"] == {0, 1, 2, 3, 4}
    assert table["unmet_topics"] == [{"topic": "tiefseetauchen", "searches": 6}]  # "drachenfliegen": only 2


def test_municipalities_per_1000_inhabitants(client, seeded, accounts, database_url) -> None:
    admin = login(client, accounts["admin"])
    table = client.get("/api/v1/figures", params={**PERIOD, "group_by": "municipality"}, headers=admin).json()
    rows = rows_by_key(table)
    with read_scope(database_url) as session:
        population = dict(session.execute(select(Municipality.name, Municipality.population)).all())
    assert len(rows) == len(population)  # every municipality, searched or not
    # The office view hides Melle's office row (29) beside three offices with 0 searches; its municipalities
    # (24 and 5) would add it back up, so they are hidden as well (linked views, monitoring.suppression rule 4).
    assert rows["Melle"]["searches"] == rows["Dissen am Teutoburger Wald"]["searches"] == "x"
    assert rows["Melle"]["population"] == population["Melle"] and table["total"]["searches"] == 34
    own = client.get("/api/v1/figures", params={**PERIOD, "group_by": "municipality", "office": "melle"}, headers=admin)
    melle = rows_by_key(own.json())["Melle"]  # Melle's office alone: its row is the total, nothing to add up
    assert melle["searches"] == 24 and melle["searches_per_1000"] == round(24 / population["Melle"] * 1000, 2)
    for row in rows.values():  # a suppressed count has no rate that would give it back
        if isinstance(row["searches"], str):
            assert row["searches_per_1000"] == row["searches"]


def test_counsellor_sees_the_own_office_only(client, seeded, accounts) -> None:
    melle = login(client, accounts["melle"])
    table = client.get("/api/v1/figures", params={**PERIOD, "group_by": "municipality"}, headers=melle).json()
    assert table["office"] == "melle"
    assert set(rows_by_key(table)) == {"Melle", "Dissen am Teutoburger Wald"}
    assert rows_by_key(table)["Melle"]["searches"] == 24 and table["total"]["searches"] == 29
    r = client.get("/api/v1/figures", params={**PERIOD, "office": "bohmte"}, headers=melle)
    assert r.status_code == 403 and "eigenen" in r.json()["detail"]
    bohmte = client.get("/api/v1/figures", params={**PERIOD, "group_by": "category"}, headers=login(client, accounts["bohmte"]))
    # Bohmte's 5 searches have no target group: that row would be the total beside ten zeros, so the total is
    # hidden, and in every view alike (never "x" in one and 5 in another).
    assert bohmte.json()["total"]["searches"] == "x" and bohmte.json()["rows"][-1]["searches"] == "<5"


def test_csv_for_excel(client, seeded, accounts) -> None:
    admin = login(client, accounts["admin"])
    r = client.get("/api/v1/figures.csv", params={**PERIOD, "group_by": "category"}, headers=admin)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][:3] == ["Kategorie", "Suchen", "davon nichts im Landkreis gefunden"]
    body = {line[0]: line[1:] for line in lines[1:] if line}
    assert body["Sprache"][0] == "17" and body["Beratung"][0] == "<5" and body["Summe"][0] == "34"
    same = client.get("/api/v1/figures", params={**PERIOD, "group_by": "category", "format": "csv"}, headers=admin)
    assert same.content == r.content


def test_bad_requests_are_422_in_german(client, accounts) -> None:
    admin = login(client, accounts["admin"])
    assert client.get("/api/v1/figures", params={"group_by": "street"}, headers=admin).status_code == 422
    r = client.get("/api/v1/figures", params={"from": "2020-05-01", "to": "2020-01-01"}, headers=admin)
    assert r.status_code == 422 and "Zeitraum" in r.json()["detail"]


def test_openapi_documents_the_figures(client) -> None:
    doc = client.get("/openapi.json").json()
    operation = doc["paths"]["/api/v1/figures"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"from", "to", "group_by", "office", "category", "format"}
    assert "text/csv" in operation["responses"]["200"]["content"]
    assert {"401", "403", "422"} <= set(operation["responses"])
    assert "text/csv" in doc["paths"]["/api/v1/figures.csv"]["get"]["responses"]["200"]["content"]


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        # 1–5 given 1, 0, 0, 5, 6 times: hiding the 5 and the 6 still leaves 12 − 10 = 2 for the three "<5" cells,
        # which would bound them; so the number of ratings is hidden, in every view and the satisfaction alike.
        ((1, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5), {"1": "<5", "2": "<5", "3": "<5", "4": "x", "5": "x"}),
        # 0, 0, 2, 9, 12: the three "<5" cells are safe once the 9 is hidden too (23 − 12 = 11 for them and the "x")
        ((3, 3) + (4,) * 9 + (5,) * 12, None),
    ],
)
def test_ratings_1_to_5_are_protected_against_their_total(client, accounts, database_url, ratings, expected) -> None:
    """Seeded through the records service, in a month of each case's own."""
    month = dt.date(2019, 5, 1) if expected else dt.date(2019, 6, 1)
    with session_scope(database_url) as session:
        for i, rating in enumerate(ratings):
            record_rating(session=session, conversation_id=f"ratings-{month}-{i}", ticket_id=f"T-R{i}", office_id="melle",
                          rating=rating, comment=None, day=month)  # fmt: skip
    period = {"from": month.isoformat(), "to": month.isoformat()}
    table = client.get("/api/v1/figures", params={**period, "group_by": "office"}, headers=login(client, accounts["admin"]))
    satisfaction = table.json()["satisfaction"]
    assert satisfaction["ratings"] == ("x" if expected else len(ratings)) == table.json()["total"]["ratings"]
    assert satisfaction["rating_mean"] == round(sum(ratings) / len(ratings), 1)
    counts = satisfaction["rating_counts"]
    if expected:
        assert counts == expected
    else:
        # The attack: the total and the shown cells must leave each "<5" cell any of 0 … 4.
        assert counts["5"] == 12 and counts["4"] == "x" and counts["1"] == counts["2"] == counts["3"] == "<5"
        assert feasible_values(counts, len(ratings))["3"] == {0, 1, 2, 3, 4}
    assert table.json()["column_labels"]["ratings"] == "Bewertungen" and table.json()["group_label"] == "Bildungsbüro"


def test_openapi_documents_the_rating_counts(client) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"]["Satisfaction"]
    assert "rating_counts" in schema["properties"] and "rating_counts" in schema["required"]


def test_a_nul_in_a_parameter_is_refused_with_a_reason_and_nothing_breaks(client, seeded, accounts) -> None:
    """Found by schemathesis on PostgreSQL: ``office=%00…`` reached the database and came back as 503."""
    admin = login(client, accounts["admin"])
    for params in ({"office": "\x00melle"}, {"category": "sprache\x00"}, {"group_by": "language", "office": "a\x00"}):
        r = client.get("/api/v1/figures", params={**PERIOD, **params}, headers=admin)
        assert r.status_code == 422, (params, r.text)
        assert "NUL" in r.json()["errors"][0]["msg"] and r.json()["errors"][0]["loc"][0] == "query"
    assert client.get("/api/v1/conversations/abc%00def/messages").status_code == 422
    assert client.get("/api/v1/figures", params={**PERIOD, "group_by": "category"}, headers=admin).status_code == 200


def test_a_value_the_database_refuses_is_the_requests_fault_not_an_outage(settings) -> None:
    from sqlalchemy.exc import DataError

    app = create_app(settings, engine=FakeEngine(), notifier=RecordingNotifier())

    @app.get("/refused")
    def refused() -> None:
        raise DataError("INSERT …", {}, ValueError("A string literal cannot contain NUL (0x00) characters."))

    r = TestClient(app).get("/refused")
    assert r.status_code == 422 and "speichern" in r.json()["detail"]


def test_a_period_far_outside_the_service_is_refused_with_a_reason(client, accounts) -> None:
    """Found by schemathesis: ``to=0001-01-01`` reached the month arithmetic (year 0) and answered 500."""
    admin = login(client, accounts["admin"])
    for params in ({"to": "0001-01-01"}, {"from": "9999-12-01", "to": "9999-12-31"}, {"from": "1999-12-31"}):
        r = client.get("/api/v1/figures", params=params, headers=admin)
        assert r.status_code == 422 and "2000 und 2199" in r.json()["detail"], (params, r.text)
    assert client.get("/api/v1/figures", params={"from": "2000-01-01", "to": "2000-12-31"}, headers=admin).status_code == 200
