"""The counsellor inbox (/beratung/) in a real headless Chromium (Debian's), driven by Playwright.

The gateway runs for real (uvicorn in a thread, fake engine); citizens talk to it through the HTTP API, the
counsellor works in the page, mostly by keyboard. Needs /usr/bin/chromium (scripts/install-browser.sh) and,
for the accessibility check, axe-core from `npm ci`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.conversations.models import Message
from bot.counsellors.service import create, get_by_username
from bot.main import create_app
from core.config import Settings
from core.db import session_scope
from tests.bot.conftest import FakeEngine, RecordingNotifier
from tests.bot.widget_server import ARTIFACTS, AXE, CHROMIUM, GatewayThread, launch_chromium

if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is missing: run scripts/install-browser.sh", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (requirements/dev.in) is not installed")
expect = sync_api.expect
Page = sync_api.Page

USERNAME = "inbox-test"
ADMIN = "inbox-admin"
PASSWORD = "ein-langes-testpasswort"
XSS = "<img src=x onerror=alert(1)>"
POLL_WAIT = 8000  # ms: changes are pushed (tickets/stream); the safety-net poll (30 s) would be too late
SHOTS = Path(os.environ.get("BILDUNGSLOTSE_SHOTS", str(ARTIFACTS)))  # screenshots to look at


# ---------------------------------------------------------------- server, accounts and browser


@pytest.fixture(scope="module")
def gateway(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayThread]:
    if not database_url.startswith("sqlite"):
        pytest.skip("the inbox page is the same on every database: its browser test runs once, on SQLite")
    tmp = tmp_path_factory.mktemp("inbox")
    settings = Settings(database_url=database_url, tracker_store_url=f"sqlite:///{tmp}/t.db", secret_key="t" * 32)
    with session_scope(database_url) as session:
        if get_by_username(session=session, username=USERNAME) is None:
            create(session=session, office_id="bohmte", username=USERNAME, password=PASSWORD, languages=["de"], gender="w")
        if get_by_username(session=session, username=ADMIN) is None:
            create(session=session, office_id="melle", username=ADMIN, password=PASSWORD, is_admin=True)
    server = GatewayThread(create_app(settings, engine=FakeEngine(), notifier=RecordingNotifier())).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(gateway: GatewayThread) -> Iterator[Any]:
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser: Any, gateway: GatewayThread) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE", timezone_id="Europe/Berlin")
    context.set_default_timeout(8000)
    page = context.new_page()
    foreign: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(gateway.url) else foreign.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(gateway.url + "/beratung/")
    yield page
    context.close()
    assert not foreign, f"third-party requests: {foreign}"
    assert not errors, f"JavaScript errors: {errors}"
    assert not dialogs, f"dialogs opened (injected script?): {dialogs}"


@pytest.fixture
def citizen(gateway: GatewayThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway.url, timeout=10) as client:
        yield client


# ---------------------------------------------------------------- helpers


def start_handover(citizen: httpx.Client, first_text: str) -> tuple[str, str]:
    """A citizen chats, then asks for a person: returns (conversation id, ticket id) of office bohmte."""
    r = citizen.post("/api/v1/conversations")
    assert r.status_code == 201, r.text
    cid = r.json()["conversation_id"]
    r = citizen.post(f"/api/v1/conversations/{cid}/messages", json={"text": first_text})
    assert r.status_code == 200, r.text
    payload = "/handover" + json.dumps({"municipality": "Bohmte", "consent": True, "topic": "Deutschkurs"})
    r = citizen.post(f"/api/v1/conversations/{cid}/messages", json={"payload": payload})
    assert r.status_code == 200, r.text
    handover = r.json()["messages"][0]["handover"]
    assert handover["office"]["id"] == "bohmte" and handover["status"] == "waiting"
    return cid, handover["ticket_id"]


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    """By keyboard: the user name field has focus on a fresh page; Tab to the password, Enter sends."""
    expect(page.get_by_label("Benutzername")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Passwort")).to_be_focused()
    page.keyboard.type(password)
    page.keyboard.press("Enter")


def ticket_button(page: Page, ticket_id: str) -> Any:
    return page.locator(f'button.ticket[data-ticket-id="{ticket_id}"]')


def in_group(page: Page, status: str, ticket_id: str) -> Any:
    return page.locator(f'.group[data-status="{status}"] button.ticket[data-ticket-id="{ticket_id}"]')


def transcript(page: Page) -> Any:
    return page.get_by_role("list", name="Gesprächsverlauf")


def live(page: Page) -> Any:
    return page.locator("[aria-live=polite]")


# ---------------------------------------------------------------- tests


def test_wrong_password_shows_german_error(page: Page) -> None:
    login(page, USERNAME, "falsches-passwort-123")
    expect(page.get_by_role("alert")).to_have_text("Benutzername oder Passwort ist falsch.")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("button", name="Anmelden")).to_be_visible()
    expect(page.get_by_label("Passwort")).to_be_focused()
    assert page.evaluate("() => sessionStorage.length") == 0


def test_counsellor_answers_a_citizen(page: Page, citizen: httpx.Client, database_url: str, gateway: GatewayThread) -> None:
    cid, ticket_id = start_handover(citizen, XSS)

    # Log in by keyboard; the waiting ticket is listed with its waiting time, topic and place.
    login(page, USERNAME)
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
    button = ticket_button(page, ticket_id)
    expect(button).to_be_visible()
    expect(button).to_contain_text("Deutschkurs")
    expect(button).to_contain_text(re.compile(r"wartet seit (weniger als 1|\d+) Min\."))
    expect(button).to_contain_text("Bohmte · Website-Chat")
    expect(in_group(page, "waiting", ticket_id)).to_have_count(1)
    expect(page).to_have_title(re.compile(r"^\(\d+\) Posteingang – Bildungslotse$"))
    expect(page.get_by_role("table")).to_be_hidden()  # the figures are for county admins only

    # Open it by keyboard: focus moves to the ticket's heading.
    button.focus()
    page.keyboard.press("Enter")
    heading = page.locator("#detail-h")
    expect(heading).to_be_focused()
    expect(heading).to_have_text("Deutschkurs")
    expect(button).to_have_attribute("aria-current", "true")
    expect(page.locator("#summary")).to_contain_text("Anliegen")
    expect(page.locator("#summary")).to_contain_text("Wunsch nach persönlicher Beratung")
    expect(page.locator("#summary")).to_contain_text("Deutschkurs – Melle")  # the offer the assistant showed
    expect(page.get_by_text("Verlauf mit Einverständnis", exact=False)).to_be_visible()

    # The citizen's markup is shown as text, never parsed.
    user_messages = transcript(page).locator(".msg.user")
    expect(user_messages.first).to_contain_text(XSS)
    expect(user_messages.first).to_contain_text("Bürgerin/Bürger")
    echo = transcript(page).locator(".msg.bot").nth(1)  # after the welcome
    expect(echo).to_contain_text("Echo: " + XSS)
    expect(echo).to_contain_text("Assistent (Bildungslotse)")
    assert page.locator("img").count() == 0

    # Claim by keyboard: the reply box gets the focus.
    page.get_by_role("button", name="Übernehmen").press("Enter")
    reply = page.get_by_label("Ihre Antwort an die Bürgerin oder den Bürger")
    expect(reply).to_be_focused()
    expect(page.locator("#detail-meta .badge")).to_have_text("In Bearbeitung")
    expect(page.get_by_role("button", name="Übernehmen")).to_be_hidden()
    expect(transcript(page).locator(".msg.system").last).to_contain_text("Sie schreiben jetzt mit")
    expect(in_group(page, "mine", ticket_id)).to_have_count(1, timeout=POLL_WAIT)  # "Meine aktiven"

    # Reply with Ctrl+Enter; the citizen sees the answer.
    answer = "Guten Tag! Der nächste Deutschkurs in Bohmte beginnt am Dienstag."
    page.keyboard.type(answer)
    page.keyboard.press("Control+Enter")
    expect(transcript(page).locator(".msg.counsellor")).to_have_count(1)
    expect(transcript(page).locator(".msg.counsellor")).to_contain_text(answer)
    expect(transcript(page).locator(".msg.counsellor")).to_contain_text("Beratung")
    expect(reply).to_have_value("")
    expect(reply).to_be_focused()
    messages = citizen.get(f"/api/v1/conversations/{cid}/messages").json()["messages"]
    assert [m["text"] for m in messages if m["sender"] == "counsellor"] == [answer]

    # While the counsellor types a draft, the citizen writes: it appears without reload, the draft stays.
    page.keyboard.type("Entwurf: Bitte bringen Sie")
    question = "Danke! Muss ich mich vorher anmelden? Tel. 05471 123456"
    r = citizen.post(f"/api/v1/conversations/{cid}/messages", json={"text": question})
    assert r.status_code == 200, r.text
    expect(user_messages.last).to_contain_text(question, timeout=POLL_WAIT)
    expect(live(page)).to_contain_text("Neue Nachricht", timeout=2000)
    expect(reply).to_have_value("Entwurf: Bitte bringen Sie")
    expect(reply).to_be_focused()
    expect(page.locator("#callback")).to_contain_text("05471 123456", timeout=POLL_WAIT)

    # A reply that a channel (Telegram) could not deliver is marked afterwards, in the open ticket too.
    mark_undelivered(gateway, database_url, cid, sender="counsellor")
    expect(transcript(page).locator(".msg.counsellor")).to_contain_text("Nicht zugestellt", timeout=POLL_WAIT)
    expect(reply).to_have_value("Entwurf: Bitte bringen Sie")

    check_accessibility(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "inbox.png"), full_page=True)

    # Close with a note (the draft is dropped with it).
    note_box = page.get_by_label("Notiz zum Abschluss (optional, nur für das Bildungsbüro)")
    note_box.focus()
    page.keyboard.type("Kurs empfohlen, Anmeldung erklärt.")
    page.get_by_role("button", name="Abschließen").press("Enter")
    expect(page.locator("#detail-meta .badge")).to_have_text("Abgeschlossen")
    expect(page.locator("#closed-info")).to_contain_text("Notiz: Kurs empfohlen, Anmeldung erklärt.")
    expect(reply).to_be_hidden()
    expect(page.get_by_role("button", name="Abschließen")).to_be_hidden()
    expect(heading).to_be_focused()
    expect(in_group(page, "closed", ticket_id)).to_have_count(1, timeout=POLL_WAIT)
    messages = citizen.get(f"/api/v1/conversations/{cid}/messages").json()["messages"]
    assert "Die Beratung ist beendet" in messages[-1]["text"]

    # A new ticket arrives while the page is open; the citizen then deletes the conversation.
    cid2, ticket2 = start_handover(citizen, "Hallo, ich brauche Hilfe")
    expect(ticket_button(page, ticket2)).to_be_visible(timeout=POLL_WAIT)
    expect(live(page)).to_contain_text("Neue Anfrage", timeout=2000)
    assert citizen.delete(f"/api/v1/conversations/{cid2}").status_code == 204
    expect(in_group(page, "closed", ticket2)).to_have_count(1, timeout=POLL_WAIT)
    page.get_by_role("button", name="Abgeschlossen", exact=True).click()  # the status filter
    expect(page.locator('.group[data-status="waiting"]')).to_be_hidden()
    ticket_button(page, ticket2).press("Enter")
    expect(page.get_by_text("hat dieses Gespräch gelöscht")).to_be_visible()
    expect(reply).to_be_hidden()
    expect(transcript(page).locator(".msg")).to_have_count(0)

    # Log out: back to the log-in form, the token is gone.
    page.get_by_role("button", name="Abmelden").press("Enter")
    expect(page.get_by_role("button", name="Anmelden")).to_be_visible()
    assert page.evaluate("() => sessionStorage.getItem('bildungslotse.beratung.token')") is None
    expect(page).to_have_title("Posteingang – Bildungslotse")


def test_admin_sees_figures_per_office(page: Page) -> None:
    login(page, ADMIN)
    table = page.get_by_role("table", name="Übersicht der Bildungsbüros")
    expect(table).to_be_visible()
    for header in ("Wartend", "In Bearbeitung", "Abgeschlossen", "Median bis erste Antwort"):
        expect(table.get_by_role("columnheader", name=header)).to_be_visible()
    row = table.get_by_role("row").filter(has_text="Wittlager Land")
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell")).to_have_count(4)
    expect(row.get_by_role("cell").first).to_have_text(re.compile(r"^\d+$"))


def test_snippet_by_keyboard_then_transfer(page: Page, citizen: httpx.Client, database_url: str) -> None:
    from bot.tickets.models import Snippet

    with session_scope(database_url) as session:
        session.add(Snippet(office_id="bohmte", title="Sprechzeiten-Test", body="Das {office_name} ist da: {opening_hours}."))
    cid, ticket_id = start_handover(citizen, "Hallo, ich suche einen Kurs in Melle")
    login(page, USERNAME)
    ticket_button(page, ticket_id).click()
    expect(page.locator("#detail-h")).to_have_text("Deutschkurs")

    # A Textbaustein by keyboard: Ctrl+Space in the reply, a few letters, Enter: inserted at the cursor, filled.
    reply = page.get_by_label("Ihre Antwort an die Bürgerin oder den Bürger")
    expect(reply).to_be_visible()  # the reply form shows once the ticket's detail has loaded (slow on a busy machine)
    reply.focus()
    expect(reply).to_be_focused()
    page.keyboard.type("Guten Tag! ")
    page.keyboard.press("Control+Space")
    search = page.get_by_label("Textbaustein suchen")
    expect(search).to_be_focused()
    page.keyboard.type("sprechzeiten-t")
    expect(page.get_by_role("list", name="Textbausteine").get_by_role("button")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(reply).to_be_focused()
    expect(reply).to_have_value(re.compile(r"^Guten Tag! Das Bildungsbüro Wittlager Land \(Bohmte\) ist da: Mo .+\.$"))
    expect(search).to_be_hidden()

    # Pass it on to Melle with a reason: it leaves this office's list, the citizen is told in the chat.
    page.get_by_role("button", name="Weitergeben …").click()
    office = page.get_by_label("An welches Bildungsbüro?")
    expect(office).to_be_focused()
    expect(office.locator("option")).to_have_count(4)  # the other four offices
    office.select_option("melle")
    page.get_by_label("Grund (sieht nur das empfangende Büro", exact=False).fill("Wohnt in Melle, möchte dort hin.")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "inbox-transfer-desktop.png"), full_page=True)
    page.get_by_role("button", name="Weitergeben", exact=True).click()
    expect(ticket_button(page, ticket_id)).to_have_count(0, timeout=POLL_WAIT)
    expect(live(page)).to_contain_text("an das Bildungsbüro Ost (Melle) weitergegeben", timeout=2000)
    expect(page.locator("#detail-empty")).to_be_visible()
    last = citizen.get(f"/api/v1/conversations/{cid}/messages").json()["messages"][-1]
    assert "Bildungsbüro Ost (Melle)" in last["text"] and "Wohnt in Melle" not in last["text"]


def test_phone_layout(browser: Any, gateway: GatewayThread, citizen: httpx.Client) -> None:
    """At phone width the list and the ticket stack; nothing is wider than the screen."""
    _, ticket_id = start_handover(citizen, "Ich brauche Hilfe bei der Anerkennung meines Abschlusses")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE", timezone_id="Europe/Berlin")
    try:
        page = context.new_page()
        page.goto(gateway.url + "/beratung/")
        login(page, USERNAME)
        ticket_button(page, ticket_id).click()
        expect(page.locator("#detail-h")).to_be_focused()
        page.get_by_role("button", name="Weitergeben …").click()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, width
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "inbox-phone.png"), full_page=True)
    finally:
        context.close()


def mark_undelivered(gateway: GatewayThread, database_url: str, conversation_id: str, *, sender: str) -> None:
    """The Telegram delivery's own marking (bot blocked, chat deleted …), which also tells the office's inboxes."""
    from bot.telegram.delivery import Delivery

    with session_scope(database_url) as session:
        seq = session.scalars(
            select(Message.seq).where(Message.conversation_id == conversation_id, Message.sender == sender).order_by(Message.seq)
        ).first()
    assert seq is not None
    Delivery(None, database_url, gateway.app.state.broker).mark_undelivered(conversation_id, seq)  # type: ignore[arg-type]


def check_accessibility(page: Page) -> None:
    """axe-core (WCAG 2.1 A/AA, contrast included) on the whole page with an open ticket."""
    if not AXE.exists():
        return  # the widget's browser test already reports a missing `npm ci`
    page.evaluate(AXE.read_text(encoding="utf-8"))  # not a <script>: the page's CSP forbids inline scripts
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                resultTypes: ['violations'],
            });
            return {
                violations: r.violations.map(v => ({id: v.id, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)})),
                passes: r.passes.length,
            };
        }"""
    )
    assert result["violations"] == [], json.dumps(result["violations"], indent=1, ensure_ascii=False)
    assert result["passes"] > 5


# ---------------------------------------------------------------- call backs, office data, accounts (issue #14)


def reset_office(database_url: str, office_id: str) -> None:
    """The office's data as in the reference file (the database is shared by the session's tests)."""
    from catalogue.models import Office
    from catalogue.reference import load_reference_data

    with session_scope(database_url) as session:
        office = session.get_one(Office, office_id)
        office.edited_at = None
        office.email = office.phone = office.address = None
        office.closures = []
        load_reference_data(session=session)


def test_call_back_list_and_office_data(page: Page, citizen: httpx.Client, database_url: str) -> None:
    cid, ticket_id = start_handover(citizen, "Ich möchte zurückgerufen werden")
    r = citizen.post(f"/api/v1/conversations/{cid}/messages", json={"text": "Meine Nummer: 05471 998877"})
    assert r.status_code == 200, r.text
    login(page, USERNAME)

    # The open call backs have their own list, with the number; the ticket shows it with "erledigt" and a note.
    callbacks = page.get_by_role("region", name="Offene Rückrufe")
    entry = callbacks.locator(f'button[data-callback-id="{ticket_id}"]')
    expect(entry).to_contain_text("Telefon 05471 998877", timeout=POLL_WAIT)
    entry.click()
    panel = page.locator("#callback")
    expect(panel).to_contain_text("Noch offen.")
    expect(panel.get_by_role("link", name="05471 998877")).to_have_attribute("href", "tel:05471998877")
    page.get_by_label("Notiz zum Rückruf").fill("Erreicht, kommt Dienstag vorbei.")
    check_accessibility(page)
    page.get_by_role("button", name="Rückruf erledigt", exact=True).click()
    expect(panel).to_contain_text("Erledigt heute, ", timeout=POLL_WAIT)
    expect(panel).to_contain_text(f"von {USERNAME}. Notiz: Erreicht, kommt Dienstag vorbei.")
    expect(page.get_by_role("button", name="Rückruf wieder öffnen", exact=True)).to_be_focused()
    expect(entry).to_have_count(0, timeout=POLL_WAIT)
    expect(page.locator("#history")).to_contain_text("Rückruf erledigt · von inbox-test – mit Notiz")
    expect(page.locator("#history")).not_to_contain_text("05471")

    # The office's data: filled from the server, changed in the form, logged, used by the chat at once.
    try:
        page.get_by_text("Daten des Bildungsbüros").click()
        expect(page.get_by_label("Montag")).to_have_value("08:30–12:30")
        expect(page.get_by_label("Welches Büro?")).to_have_value("bohmte")
        expect(page.get_by_label("Mittwoch")).to_have_value("08:30–12:30, 14:00–16:00")
        page.get_by_label("Freitag").fill("9:00-11:00")
        page.get_by_label("Schließtage und Ferien").fill("23.12.2030–02.01.2031 Weihnachten\nkeine Angabe")
        page.get_by_role("button", name="Speichern").click()
        expect(page.get_by_role("alert")).to_contain_text("„keine Angabe“ beginnt nicht mit einem Datum")
        expect(page.get_by_label("Schließtage und Ferien")).to_be_focused()
        page.get_by_label("Schließtage und Ferien").fill("23.12.2030–02.01.2031 Weihnachten")
        page.get_by_label("Telefon").fill("12")
        page.get_by_role("button", name="Speichern").click()
        expect(page.get_by_role("alert")).to_contain_text("„12“ ist keine Telefonnummer")  # the server's German reason
        page.get_by_label("Telefon").fill("05471 808-0")
        page.get_by_label("Anschrift").fill("Bremer Str. 6, 49163 Bohmte")
        page.get_by_role("button", name="Speichern").click()
        expect(page.get_by_role("status")).to_have_text("Gespeichert. Der Chat nennt ab sofort diese Angaben.")
        changed = f"{USERNAME} · geändert: Telefon, Anschrift, Öffnungszeiten, Schließtage"
        expect(page.locator("#office-changes li").first).to_contain_text(changed)
        check_accessibility(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "inbox-callbacks-office.png"), full_page=True)
        office = citizen.get("/api/v1/offices").json()
        bohmte = next(o for o in office if o["id"] == "bohmte")
        assert bohmte["opening_hours"].endswith("Do 08:30–12:30; Fr 09:00–11:00")
    finally:
        reset_office(database_url, "bohmte")


def test_admin_disables_an_account(page: Page, citizen: httpx.Client, database_url: str) -> None:
    import uuid

    username = f"leaver-{uuid.uuid4().hex[:6]}"
    with session_scope(database_url) as session:
        create(session=session, office_id="bramsche", username=username, password=PASSWORD)
    token = citizen.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD}).json()["access_token"]
    login(page, ADMIN)
    page.get_by_text("Konten der Beraterinnen und Berater").click()
    row = page.get_by_role("row").filter(has_text=username)
    expect(row).to_contain_text("aktiv")
    row.get_by_role("button", name=f"{username} sperren").click()
    expect(row).to_contain_text("gesperrt heute", timeout=POLL_WAIT)
    expect(row.get_by_role("button", name=f"{username} entsperren")).to_be_focused()
    check_accessibility(page)
    refused = citizen.get("/api/v1/tickets", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401 and "gesperrt" in refused.json()["detail"]
    r = citizen.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 403 and "gesperrt" in r.json()["detail"]


def test_phone_layout_of_the_new_parts(browser: Any, gateway: GatewayThread, citizen: httpx.Client) -> None:
    cid, ticket_id = start_handover(citizen, "Rückruf bitte")
    citizen.post(f"/api/v1/conversations/{cid}/messages", json={"text": "0151 23456789 oder mail.test@example.org"})
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE", timezone_id="Europe/Berlin")
    try:
        page = context.new_page()
        page.goto(gateway.url + "/beratung/")
        login(page, USERNAME)
        page.locator(f'button[data-callback-id="{ticket_id}"]').click()
        expect(page.locator("#callback")).to_contain_text("mail.test@example.org")
        page.get_by_text("Daten des Bildungsbüros").click()
        expect(page.get_by_label("Montag")).to_have_value("08:30–12:30")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, width
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "inbox-callbacks-phone.png"), full_page=True)
    finally:
        context.close()


# ---------------------------------------------------------------- unread markers, title badge, sound (issue #14)

READER = "inbox-reader"
# Counts the tones the page makes: the real AudioContext plays, each oscillator is counted (no sound file exists).
COUNT_TONES = """(() => {
    window.__tones = 0;
    const Context = window.AudioContext;
    if (!Context) return;
    const create = Context.prototype.createOscillator;
    Context.prototype.createOscillator = function () { window.__tones += 1; return create.call(this); };
})();"""


def unread_open(citizen: httpx.Client, username: str) -> int:
    """The tickets the title counts, from the API: open ones with unread citizen messages or waiting, never opened."""
    token = citizen.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD}).json()["access_token"]
    tickets = citizen.get("/api/v1/tickets", headers={"Authorization": f"Bearer {token}"}).json()
    return sum(
        1
        for t in tickets
        if t["status"] in ("waiting", "active")
        and not t["conversation_deleted"]
        and (t["unread"] > 0 or (t["status"] == "waiting" and t["read_seq"] == 0))
    )


def title_with(count: int) -> str:
    return f"({count}) Posteingang – Bildungslotse" if count else "Posteingang – Bildungslotse"


def test_unread_markers_title_badge_and_sound(
    browser: Any, gateway: GatewayThread, citizen: httpx.Client, database_url: str
) -> None:
    with session_scope(database_url) as session:
        if get_by_username(session=session, username=READER) is None:
            create(session=session, office_id="bohmte", username=READER, password=PASSWORD)
    cid1, ticket1 = start_handover(citizen, "Frage zum Deutschkurs")
    _, ticket2 = start_handover(citizen, "Noch eine Frage")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE", timezone_id="Europe/Berlin")
    context.set_default_timeout(8000)
    context.add_init_script(COUNT_TONES)
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(gateway.url + "/beratung/")
        login(page, READER)

        # Never opened by this counsellor: both carry a marker (the question and the handover button), the title counts.
        first, second = ticket_button(page, ticket1), ticket_button(page, ticket2)
        expect(first.locator(".t-unread")).to_have_text("2 neue Nachrichten")
        expect(second.locator(".t-unread")).to_have_text("2 neue Nachrichten")
        expect(first).to_have_class(re.compile(r"\bunread\b"))
        count = unread_open(citizen, READER)
        assert count >= 2
        expect(page).to_have_title(title_with(count))
        expect(page.locator("#unread-count")).to_have_text(f"{count} ungelesen")

        # Opening a ticket marks it read, on the server too; the title follows.
        first.click()
        expect(page.locator("#detail-h")).to_be_focused()
        expect(first.locator(".t-unread")).to_be_hidden()
        expect(first).not_to_have_class(re.compile(r"\bunread\b"))
        expect(page).to_have_title(title_with(count - 1))
        second.click()
        expect(second.locator(".t-unread")).to_be_hidden()
        expect(page).to_have_title(title_with(count - 2))
        assert unread_open(citizen, READER) == count - 2

        # A citizen writes in the ticket not open: the live stream raises its marker; no sound while it is off.
        r = citizen.post(f"/api/v1/conversations/{cid1}/messages", json={"text": "Haben Sie noch einen Platz frei?"})
        assert r.status_code == 200, r.text
        expect(first.locator(".t-unread")).to_have_text("1 neue Nachricht", timeout=POLL_WAIT)
        expect(live(page)).to_contain_text("Neue Nachricht zu „Deutschkurs“.", timeout=2000)
        expect(page).to_have_title(title_with(count - 1))
        assert page.evaluate("() => window.__tones") == 0
        assert page.evaluate("() => localStorage.getItem('bildungslotse.beratung.settings')") is None

        # Sound on: a sample chime (two tones), then one for the next news; the choice is kept in this browser.
        page.get_by_text("Einstellungen: Ton und Fenstertitel").click()
        sound = page.get_by_label("Leiser Ton bei einer neuen Anfrage oder einer neuen Nachricht")
        expect(sound).not_to_be_checked()
        sound.check()
        page.wait_for_function("() => window.__tones === 2")
        expect(live(page)).to_contain_text("Ton eingeschaltet.", timeout=2000)
        r = citizen.post(f"/api/v1/conversations/{cid1}/messages", json={"text": "Und was kostet er?"})
        assert r.status_code == 200, r.text
        expect(first.locator(".t-unread")).to_have_text("2 neue Nachrichten", timeout=POLL_WAIT)
        page.wait_for_function("() => window.__tones === 4")
        saved = json.loads(page.evaluate("() => localStorage.getItem('bildungslotse.beratung.settings')"))
        assert saved == {"sound": True, "titleBadge": True}

        check_accessibility(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "inbox-unread-desktop.png"), full_page=True)

        # The title count can be switched off; after a reload both switches are as chosen.
        page.get_by_label("Anzahl ungelesener Tickets im Fenstertitel", exact=False).uncheck()
        expect(page).to_have_title("Posteingang – Bildungslotse")
        page.reload()
        expect(ticket_button(page, ticket1)).to_be_visible()
        expect(page).to_have_title("Posteingang – Bildungslotse")
        page.get_by_text("Einstellungen: Ton und Fenstertitel").click()
        expect(page.get_by_label("Leiser Ton bei einer neuen Anfrage oder einer neuen Nachricht")).to_be_checked()
        expect(page.get_by_label("Anzahl ungelesener Tickets im Fenstertitel", exact=False)).not_to_be_checked()
    finally:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


def test_unread_markers_at_phone_width(browser: Any, gateway: GatewayThread, citizen: httpx.Client, database_url: str) -> None:
    with session_scope(database_url) as session:
        if get_by_username(session=session, username=READER) is None:
            create(session=session, office_id="bohmte", username=READER, password=PASSWORD)
    _, ticket_id = start_handover(citizen, "Ich suche einen Kurs für meine Tochter")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE", timezone_id="Europe/Berlin")
    context.set_default_timeout(8000)
    try:
        page = context.new_page()
        page.goto(gateway.url + "/beratung/")
        login(page, READER)
        expect(ticket_button(page, ticket_id).locator(".t-unread")).to_have_text("2 neue Nachrichten")
        page.get_by_text("Einstellungen: Ton und Fenstertitel").click()
        expect(page.get_by_label("Leiser Ton bei einer neuen Anfrage oder einer neuen Nachricht")).to_be_visible()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, width
        check_accessibility(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "inbox-unread-phone.png"), full_page=True)
        ticket_button(page, ticket_id).click()
        expect(ticket_button(page, ticket_id).locator(".t-unread")).to_be_hidden()
        check_accessibility(page)
        page.screenshot(path=str(SHOTS / "inbox-unread-phone-open.png"), full_page=True)
    finally:
        context.close()
