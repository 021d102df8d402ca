"""The rating 1–5 after a closed handover in the widget (#13 item 2), in Chromium against the real gateway: the
ticket is opened, claimed and closed through the ticket service, as a counsellor does it in the inbox."""

# ruff: noqa: F811 - the fixtures imported from test_widget_browser are parameters here
from __future__ import annotations

import itertools
import time
from typing import Any

from sqlalchemy import select

from bot.conversations import service as conversations
from bot.counsellors.service import create as create_counsellor
from bot.tickets import service as tickets
from core.db import read_scope, session_scope
from monitoring.models import Feedback
from tests.bot.test_widget_browser import (  # noqa: F401 - fixtures
    AXE,
    SHOTS,
    Page,
    axe_violations,
    browser,
    conversation_id,
    expect,
    gateway,
    host_pages,
    log,
    open_in,
    open_panel,
    page,
    shadow_focus,
)
from tests.bot.widget_server import GatewayThread

_names = itertools.count(int(time.time()) % 100_000 * 10)
RATE_Q = "Wie zufrieden waren Sie mit der Beratung?"
COMMENT_Q = "Möchten Sie noch etwas dazu schreiben? (freiwillig)"


def handover_closed(gateway: GatewayThread, database_url: str, cid: str, *, claim: bool = True) -> str:
    """Open a real ticket for the conversation, let a counsellor take it on (or not) and close it; every notice
    is announced to the widget's stream. Returns the ticket id."""
    seqs = []
    with session_scope(database_url) as session:
        conversation = conversations.get(session=session, conversation_id=cid)
        assert conversation is not None
        ticket, notice = tickets.open_ticket(
            session=session, conversation=conversation, request={"municipality": "Bohmte", "consent": True}
        )
        seqs.append(notice.seq)
        counsellor = create_counsellor(
            session=session, office_id=ticket.office_id, username=f"rating-{next(_names)}", password="ein-langes-passwort"
        )
        if claim:
            seqs.append(tickets.claim(session=session, counsellor=counsellor, ticket=ticket).seq)
        closed = tickets.close(session=session, counsellor=counsellor, ticket=ticket, note=None)
        assert closed is not None
        seqs.append(closed.seq)
        ticket_id = ticket.id
    for seq in seqs:
        gateway.call(gateway.app.state.broker.publish, cid, {"seq": seq})
    return ticket_id


def ratings(database_url: str, cid: str) -> list[tuple[Any, ...]]:
    with read_scope(database_url) as session:
        query = select(Feedback.ticket_id, Feedback.rating, Feedback.comment).where(
            Feedback.conversation_id == cid, Feedback.kind == "rating"
        )
        return [tuple(row) for row in session.execute(query)]


def test_rating_after_closed_handover_by_keyboard_once(page: Page, gateway: GatewayThread, database_url: str) -> None:
    open_panel(page)
    cid = conversation_id(page)
    ticket_id = handover_closed(gateway, database_url, cid)
    notice = log(page).locator(".msg.system").filter(has_text="Die Beratung ist beendet")
    group = notice.get_by_role("group", name=RATE_Q)
    expect(group).to_be_visible()
    expect(group).to_contain_text("1 = gar nicht, 5 = sehr")
    assert group.get_attribute("aria-describedby")  # the scale is read out with the question
    buttons = group.get_by_role("button")
    expect(buttons).to_have_count(5)
    for n in range(1, 6):
        expect(group.get_by_role("button", name=f"{n} von 5", exact=True)).to_have_text(str(n))
    expect(log(page).locator(".rating")).to_have_count(1)  # only under the close notice

    if AXE.exists():
        for width, height in ((1280, 800), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            group.scroll_into_view_if_needed()
            violations = axe_violations(page)
            assert violations == [], violations
            SHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SHOTS / f"feedback-rating-{width}x{height}.png"))

    # Keyboard only: Tab reaches the scale, Enter on "4 von 5" sends the rating at once.
    group.get_by_role("button", name="3 von 5").focus()
    page.keyboard.press("Tab")
    with page.expect_response(lambda r: r.url.endswith("/feedback")) as sent:
        page.keyboard.press("Enter")
    assert sent.value.status == 204
    assert sent.value.request.post_data_json == {"rating": 4, "comment": None}
    assert ratings(database_url, cid) == [(ticket_id, 4, None)]

    # Then the optional comment: its field has the focus and the question as its label.
    box = notice.get_by_role("textbox", name=COMMENT_Q)
    expect(box).to_be_focused()
    page.keyboard.type("Sehr hilfreich, danke!")
    if AXE.exists():
        assert axe_violations(page) == []
        page.screenshot(path=str(SHOTS / "feedback-comment-390x844.png"))
    page.keyboard.press("Tab")
    assert shadow_focus(page) == "btn"  # "Absenden"
    with page.expect_response(lambda r: r.url.endswith("/feedback")) as sent:
        page.keyboard.press("Enter")
    assert sent.value.request.post_data_json == {"rating": 4, "comment": "Sehr hilfreich, danke!"}
    expect(notice.get_by_text("Danke für Ihre Rückmeldung.")).to_be_visible()
    expect(log(page).locator(".rating")).to_have_count(0)
    assert shadow_focus(page) == "bl-input"
    assert ratings(database_url, cid) == [(ticket_id, 4, "Sehr hilfreich, danke!")]
    page.set_viewport_size({"width": 1280, "height": 800})
    notice.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "feedback-thanks-1280x800.png"))

    # Once per ticket: after a reload the thanks stands where the question was.
    page.reload()
    expect(notice.get_by_text("Danke für Ihre Rückmeldung.")).to_be_visible()
    expect(log(page).locator(".rating")).to_have_count(0)


def test_rating_skip_comment_and_none_without_counsellor(page: Page, gateway: GatewayThread, database_url: str) -> None:
    open_panel(page)
    cid = conversation_id(page)
    handover_closed(gateway, database_url, cid, claim=False)  # closed unanswered: nothing to rate
    expect(log(page).locator(".msg.system").filter(has_text="Die Beratung ist beendet")).to_have_count(1)
    expect(log(page).locator(".rating")).to_have_count(0)

    ticket_id = handover_closed(gateway, database_url, cid)
    group = log(page).get_by_role("group", name=RATE_Q)
    expect(group).to_have_count(1)
    group.get_by_role("button", name="2 von 5").click()
    expect(log(page).get_by_role("textbox", name=COMMENT_Q)).to_be_visible()
    log(page).get_by_role("button", name="Nein danke").click()
    expect(log(page).locator(".thanks")).to_have_count(1)
    assert ratings(database_url, cid) == [(ticket_id, 2, None)]


def test_rating_in_arabic_right_to_left(browser: Any, host_pages: Any, gateway: GatewayThread, database_url: str) -> None:
    context, page = open_in(browser, host_pages, "ar", {"width": 390, "height": 844})
    try:
        page.locator(".launcher").click()
        expect(page.locator(".msg.bot").first).to_be_visible()
        cid = conversation_id(page)
        handover_closed(gateway, database_url, cid)
        group = page.get_by_role("group", name="ما مدى رضاك عن الاستشارة؟")
        expect(group).to_be_visible()
        expect(group).to_contain_text("1 = إطلاقًا، 5 = جدًا")
        expect(group.get_by_role("button", name="4 من 5")).to_have_text("4")
        group.scroll_into_view_if_needed()
        if AXE.exists():
            assert axe_violations(page) == []
        page.screenshot(path=str(SHOTS / "feedback-rating-ar-390x844.png"))
        group.get_by_role("button", name="5 من 5").click()
        expect(page.get_by_role("textbox", name="هل تودّ إضافة شيء؟ (اختياري)")).to_be_focused()
        page.get_by_role("button", name="لا، شكرًا").click()
        expect(page.locator(".thanks")).to_be_visible()
        assert context.errors == []
    finally:
        context.close()
