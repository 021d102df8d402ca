"""Office data in the browser (issue #14, spec §8 ``GET|PUT /api/v1/offices/{id}``): hours, closures, phone,
e-mail, address; own office or admin; every change logged; the assistant and the notices use them at once."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from actions.office_info import office_text
from bot.conversations import service as conversations
from bot.tickets.service import CALLBACK_OFFER, open_ticket
from catalogue.models import Office
from catalogue.places import BERLIN, is_open, next_opening
from catalogue.reference import load_reference_data
from core.config import get_settings
from core.db import read_scope, session_scope
from tests.bot.test_handover import login, staff  # noqa: F401  (staff is a fixture)

OFFICE = "georgsmarienhuette"  # Mo-Fr 09:00-13:00; Di,Do 14:00-17:00 — its counsellor: georgsmarienhuette-t
NEW_DATA = {
    "email": "bildung@gmhuette.example.de",
    "phone": "05401 850-123",
    "address": "Oeseder Str. 85, 49124 Georgsmarienhütte",
    "hours": [{"weekday": d, "opens": "08:00", "closes": "12:00"} for d in (1, 2, 3, 4, 5)]
    + [{"weekday": 4, "opens": "14:00", "closes": "18:00"}],
    "closures": [{"first_day": "2027-12-23", "last_day": "2028-01-02", "label": "Weihnachten"}],
}


@pytest.fixture
def original(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The office's data before the test, put back afterwards (the database is shared by the session's tests)."""
    from bot.offices.service import as_dict

    monkeypatch.setenv("BILDUNGSLOTSE_DATABASE_URL", database_url)  # the actions read their own settings
    get_settings.cache_clear()
    with read_scope(database_url) as session:
        before = json.loads(json.dumps(as_dict(session.get_one(Office, OFFICE)), default=str))
    yield before
    with session_scope(database_url) as session:
        office = session.get_one(Office, OFFICE)
        office.edited_at = None
        office.email = office.phone = office.address = None
        office.closures = []
        load_reference_data(session=session)  # the file's hours again
    get_settings.cache_clear()


def test_edit_office_data_used_at_once_and_logged(client: TestClient, staff, database_url: str, original) -> None:  # noqa: F811
    own = login(client, "georgsmarienhuette-t")
    r = client.put(f"/api/v1/offices/{OFFICE}", json=NEW_DATA, headers=own)
    assert r.status_code == 200, r.text
    detail = r.json()
    assert detail["phone"] == "05401 850-123" and detail["address"].startswith("Oeseder")
    mornings = "Mo 08:00–12:00; Di 08:00–12:00; Mi 08:00–12:00; Do 08:00–12:00, 14:00–18:00; Fr 08:00–12:00"
    assert detail["opening_hours"] == mornings
    assert detail["closures"] == [{"first_day": "2027-12-23", "last_day": "2028-01-02", "label": "Weihnachten"}]
    [change] = detail["changes"][:1]
    assert change["actor"] == "georgsmarienhuette-t" and change["at"]
    assert set(change["changes"]) == {"email", "phone", "address", "hours", "closures"}
    assert change["changes"]["phone"] == {"before": original["phone"], "after": "05401 850-123"}
    assert "Di 14:00–17:00" in change["changes"]["hours"]["before"] and "Do 14:00–18:00" in change["changes"]["hours"]["after"]
    # The same data again changes nothing and logs nothing.
    same = client.put(f"/api/v1/offices/{OFFICE}", json=NEW_DATA, headers=own).json()
    assert len(same["changes"]) == len(detail["changes"])
    assert client.get(f"/api/v1/offices/{OFFICE}", headers=login(client, "admin-t")).json()["phone"] == "05401 850-123"
    snippet = {"title": "Kontakt", "body": "Rufen Sie an: {office_phone}, {office_address}"}
    r = client.post("/api/v1/snippets", json=snippet, headers=own)
    assert r.status_code == 201 and r.json()["text"] == "Rufen Sie an: 05401 850-123, Oeseder Str. 85, 49124 Georgsmarienhütte"
    client.delete(f"/api/v1/snippets/{r.json()['id']}", headers=own)

    # The assistant's answer (read from the database) and the notices use the new data at once.
    christmas = dt.datetime(2027, 12, 27, 10, 0, tzinfo=BERLIN)  # a Monday within the closure
    text = office_text("Hasbergen", None, now=christmas)
    assert text is not None and "Telefon 05401 850-123" in text and "Oeseder Str. 85" in text
    assert "Mo 08:00–12:00" in text and "Es ist gerade geschlossen. Wieder geöffnet ab 03.01. 08:00 Uhr." in text
    assert "Geschlossen 23.12.–02.01. (Weihnachten)" in text
    with read_scope(database_url) as session:
        office = session.get_one(Office, OFFICE)
        assert not is_open(office, christmas) and is_open(office, christmas + dt.timedelta(days=7))
        assert next_opening(office, christmas) == dt.datetime(2028, 1, 3, 8, 0, tzinfo=BERLIN)
        conversation = conversations.create(session=session)
        request = {"municipality": "Hasbergen"}
        _, notice = open_ticket(session=session, conversation=conversation, request=request, now=christmas)
        assert notice.text is not None
        assert "ist gerade geschlossen (Weihnachten)" in notice.text and "03.01. 08:00 Uhr" in notice.text
        assert CALLBACK_OFFER in notice.text

    # Loading the reference data again (every `make run`) keeps hours edited in the browser.
    with session_scope(database_url) as session:
        load_reference_data(session=session)
    with read_scope(database_url) as session:
        assert [f"{h.opens:%H:%M}" for h in session.get_one(Office, OFFICE).hours][:1] == ["08:00"]


def test_office_authorisation(client: TestClient, staff, original) -> None:  # noqa: F811
    melle, own = login(client, "melle-t"), login(client, "georgsmarienhuette-t")
    for method, body in (("GET", None), ("PUT", NEW_DATA)):
        r = client.request(method, f"/api/v1/offices/{OFFICE}", json=body, headers=melle)
        assert r.status_code == 403 and "anderen Bildungsbüros" in r.json()["detail"]
    for method, body in (("GET", None), ("PUT", NEW_DATA)):
        r = client.request(method, "/api/v1/offices/atlantis", json=body, headers=own)
        assert r.status_code == 404 and "gibt es nicht" in r.json()["detail"]
    assert client.get(f"/api/v1/offices/{OFFICE}").status_code == 401
    assert client.get("/api/v1/offices/nearest", params={"municipality": "Melle"}).status_code == 200  # still public


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"hours": [{"weekday": 1, "opens": "12:00", "closes": "09:00"}]}, "Montag: 12:00 muss vor 09:00 liegen"),
        ({"hours": [{"weekday": 2, "opens": "25:00", "closes": "26:00"}]}, "keine Uhrzeit"),
        ({"hours": [{"weekday": 3, "opens": "09:00", "closes": "12:00"}, {"weekday": 3, "opens": "11:00", "closes": "15:00"}]},
         "überschneiden"),
        ({"email": "keine-adresse"}, "keine E-Mail-Adresse"),
        ({"phone": "12"}, "keine Telefonnummer"),
        ({"closures": [{"first_day": "2027-05-02", "last_day": "2027-05-01"}]}, "Ende liegt vor dem Anfang"),
        ({"closures": [{"first_day": "2027-01-01", "last_day": "2028-06-01"}]}, "höchstens ein Jahr"),
        ({"hours": None}, "ungültig"),
        ({"hours": [{"weekday": 8, "opens": "09:00", "closes": "10:00"}]}, "ungültig"),
        ({"closures": [{"first_day": "morgen", "last_day": "2027-01-01"}]}, "ungültig"),
        ({"address": "x" * 201}, "ungültig"),
    ],
)  # fmt: skip
def test_bad_office_data_is_refused_in_german(client: TestClient, staff, original, change, reason: str) -> None:  # noqa: F811
    body = {**NEW_DATA, **change}
    admin = login(client, "admin-t")
    before = client.get(f"/api/v1/offices/{OFFICE}", headers=admin).json()
    r = client.put(f"/api/v1/offices/{OFFICE}", json=body, headers=login(client, "georgsmarienhuette-t"))
    assert r.status_code == 422 and reason in r.json()["detail"], r.text
    assert client.get(f"/api/v1/offices/{OFFICE}", headers=admin).json() == before  # nothing changed, nothing logged
