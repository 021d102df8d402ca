"""The waiting citizen is not left alone (issue #14): the handover notice and the waiting line say how many wait
and how long the office usually takes (its real median first reply over 30 days), honestly without a number when
there are too few tickets, and outside the hours when it opens again and that it can call back."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bot.conversations import service as conversations
from bot.tickets.models import Ticket
from bot.tickets.service import (
    CALLBACK_OFFER,
    EXPECTATION_UNKNOWN,
    expectation,
    median_first_reply_minutes,
    open_ticket,
    usual_reply_time,
    waiting_count,
    while_waiting,
)
from catalogue.models import Office
from catalogue.places import BERLIN
from tests.bot.test_handover import staff, start_handover  # noqa: F401  (staff is a fixture)

# Far ahead, so that only the tickets made here fall into the 30 days; Bohmte is open Mo-Do 08:30-12:30.
MONDAY_10 = dt.datetime(2031, 3, 17, 10, 0, tzinfo=BERLIN)
SUNDAY_20 = dt.datetime(2031, 3, 16, 20, 0, tzinfo=BERLIN)


def _answered(session: Session, *, created: dt.datetime, minutes: float, status: str = "closed") -> Ticket:
    ticket = Ticket(
        id=secrets.token_hex(8), office_id="bohmte", status=status, channel="web", summary={}, created_at=created,
        first_reply_at=created + dt.timedelta(minutes=minutes),
    )  # fmt: skip
    session.add(ticket)
    session.flush()
    return ticket


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0.5, "innerhalb von 5 Minuten"), (7, "innerhalb von 10 Minuten"), (10, "innerhalb von 10 Minuten"),
     (55, "innerhalb von 55 Minuten"), (56, "innerhalb einer Stunde"), (130, "innerhalb von 3 Stunden")],
)  # fmt: skip
def test_usual_reply_time_is_rounded_up(minutes: float, text: str) -> None:
    assert usual_reply_time(minutes) == text


def test_median_over_30_days_of_requests_made_while_open(session: Session) -> None:
    office = session.get_one(Office, "bohmte")
    for days, minutes in ((7, 4), (7, 12), (14, 8)):  # the Mondays before, 10:00
        _answered(session, created=MONDAY_10 - dt.timedelta(days=days), minutes=minutes)
    _answered(session, created=MONDAY_10 - dt.timedelta(days=35), minutes=1)  # older than 30 days
    _answered(session, created=SUNDAY_20 - dt.timedelta(days=7), minutes=800)  # made while closed: not counted
    assert median_first_reply_minutes(session=session, office=office, now=MONDAY_10) is None  # three: too few
    unknown = expectation(session=session, office=office, now=MONDAY_10)
    assert EXPECTATION_UNKNOWN in unknown and "Minuten" not in unknown
    _answered(session, created=MONDAY_10 - dt.timedelta(days=21), minutes=9)
    _answered(session, created=MONDAY_10 - dt.timedelta(days=28), minutes=30)
    assert median_first_reply_minutes(session=session, office=office, now=MONDAY_10) == 9
    text = expectation(session=session, office=office, now=MONDAY_10)
    assert text.endswith("in der Regel antworten wir innerhalb von 10 Minuten.")


def test_handover_notice_and_waiting_line_when_open(session: Session) -> None:
    office = session.get_one(Office, "bohmte")
    for days, minutes in ((6, 6), (7, 7), (13, 8), (14, 9), (20, 20)):  # Tuesdays and Mondays, 10:30
        _answered(session, created=MONDAY_10 - dt.timedelta(days=days, hours=-0.5), minutes=minutes)
    already = waiting_count(session=session, office_id="bohmte")
    _answered(session, created=MONDAY_10 - dt.timedelta(minutes=5), minutes=0, status="waiting")
    conversation = conversations.create(session=session)
    ticket, notice = open_ticket(session=session, conversation=conversation, request={"municipality": "Bohmte"}, now=MONDAY_10)
    assert notice.text is not None and "geschlossen" not in notice.text
    assert f"Im Moment warten {already + 2} Personen; in der Regel antworten wir innerhalb von 10 Minuten." in notice.text
    status = while_waiting(session=session, ticket=ticket, text="Ich habe noch eine Frage", now=MONDAY_10)
    assert status is not None and status.text is not None
    assert status.text.startswith(f"Ihre Nachricht ist beim {office.name} angekommen. Im Moment warten {already + 2} Personen")
    again = while_waiting(session=session, ticket=ticket, text="Und noch eine", now=MONDAY_10)
    assert again is not None and again.text == f"Auch das habe ich an das {office.name} weitergegeben."


def test_closed_office_says_when_it_opens_and_offers_a_call_back(session: Session) -> None:
    conversation = conversations.create(session=session)
    ticket, notice = open_ticket(session=session, conversation=conversation, request={"municipality": "Bohmte"}, now=SUNDAY_20)
    assert notice.text is not None
    assert "ist gerade geschlossen" in notice.text and "ab Montag, 17.03. 08:30 Uhr" in notice.text
    assert CALLBACK_OFFER in notice.text and "Im Moment warten" not in notice.text
    status = while_waiting(session=session, ticket=ticket, text="Hallo?", now=SUNDAY_20)
    assert status is not None and status.text is not None
    assert "Montag, 17.03. 08:30 Uhr" in status.text and CALLBACK_OFFER in status.text
    ticket.callback_phone = "05471 12345"  # contact data left: no need to offer the call back again
    status = while_waiting(session=session, ticket=ticket, text="Noch da?", now=SUNDAY_20)
    assert status is not None and status.text is not None and CALLBACK_OFFER not in status.text


def test_a_wished_call_back_is_not_offered_twice(session: Session) -> None:
    conversation = conversations.create(session=session)
    request = {"municipality": "Bohmte", "callback": True}
    _, notice = open_ticket(session=session, conversation=conversation, request=request, now=SUNDAY_20)
    assert notice.text is not None and CALLBACK_OFFER not in notice.text and "Telefonnummer" in notice.text


def test_the_waiting_line_reaches_the_citizen_through_the_api(client: TestClient, staff) -> None:  # noqa: F811
    cid, _ = start_handover(client)
    r = client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "Wie lange dauert es?"})
    [status] = r.json()["messages"]
    assert status["sender"] == "system" and "angekommen" in status["text"]
    assert "Im Moment warten" in status["text"] or "geschlossen" in status["text"]  # depends on the clock
