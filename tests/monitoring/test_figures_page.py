"""The figures page /beratung/zahlen in a real headless Chromium (Debian's), driven by Playwright.

The gateway runs for real (uvicorn in a thread). The figures come through the real paths: the records service
that the chat uses (``monitoring.service.record_*``, in months of their own: the database is shared by the
session) and a citizen's chat through the HTTP API (a search answered by the real search action, a handover,
a counsellor's reply, a 👍). Every table cell the page shows is compared with ``GET /api/v1/figures`` for the
same filter. Needs /usr/bin/chromium (scripts/install-browser.sh) and, for the accessibility check, axe-core
from `npm ci`. Screenshots go to /tmp/shots/zahlen-*.png.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.main import create_app
from core.config import Settings, get_settings
from core.db import session_scope
from monitoring.service import record_handover, record_helpful, record_rating, record_search
from tests.bot.conftest import RecordingNotifier
from tests.bot.widget_server import AXE, CHROMIUM, GatewayThread, launch_chromium
from tests.monitoring.conftest import PASSWORD, SearchingEngine, handover_payload

if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is missing: run scripts/install-browser.sh", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (requirements/dev.in) is not installed")
expect = sync_api.expect
Page = sync_api.Page

SHOTS = Path("/tmp/shots")
PERIOD = {"von": "2017-01", "bis": "2017-06"}  # months of their own
API_PERIOD = {"from": "2017-01-01", "to": "2017-06-01"}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


# ---------------------------------------------------------------- data, server and browser


def _seed(database_url: str) -> None:
    """Searches, handovers and feedback of January to April 2017, through the records service."""
    jan, feb, mar, apr = dt.date(2017, 1, 12), dt.date(2017, 2, 9), dt.date(2017, 3, 20), dt.date(2017, 4, 3)
    searches = (
        [(jan, "Deutschkurs", "sprache", "Melle", None, "de", 3)] * 12
        + [(jan, "Staplerschein", "weiterbildung", "Melle", "arbeitsuchende", "de", 2)] * 6
        + [(jan, "Erziehungsberatung", "beratung", "Bohmte", "eltern", "de", 1)] * 3
        + [(jan, "Tiefseetauchen", None, "Melle", None, "de", 0)] * 6
        + [(feb, "Deutschkurs", "sprache", "Bohmte", "zugewanderte", "tr", 4)] * 7
        + [(feb, "Krabbelgruppe", "fruehe_bildung", "Melle", "eltern", "uk", 2)] * 5
        + [(mar, "Nachhilfe Mathe", "schule", "Bramsche", "jugendliche", "de", 1)] * 2
        + [(apr, "Familiencafe", "familienbildung", "Dissen am Teutoburger Wald", "eltern", "ar", 2)] * 5
    )
    with session_scope(database_url) as session:
        for day, topic, category, place, group, language, results in searches:
            record = {"topic": topic, "category": category, "municipality": place, "target_group": group,
                      "results": results}  # fmt: skip
            record_search(session=session, record=record, channel="web", language=language, day=day)
        handovers = (("melle", "Melle", 15), ("bramsche", "Bramsche", 9), ("bersenbrueck", "Bersenbrück", 11),
                     ("georgsmarienhuette", "Georgsmarienhütte", 10), ("bohmte", "Bohmte", 2))  # fmt: skip
        for office, place, n in handovers:
            for _ in range(n):
                record_handover(session=session, office_id=office, municipality=place, channel="web", language="de",
                                search_id=None, day=jan)  # fmt: skip
        votes = [("melle", True)] * 8 + [("melle", False)] * 3 + [("bohmte", True)] * 2
        for i, (office, helpful) in enumerate(votes):
            record_helpful(session=session, conversation_id=f"zahlen-vote-{i}", seq=1, helpful=helpful,
                           category="sprache", office_id=office, day=feb)  # fmt: skip
        for i, (office, rating) in enumerate([("melle", r) for r in (5, 5, 5, 4, 4, 5, 3)] + [("bohmte", 2)]):
            record_rating(session=session, conversation_id=f"zahlen-rating-{i}", ticket_id=f"T-Z{i}", office_id=office,
                          rating=rating, comment=None, day=feb)  # fmt: skip


@pytest.fixture(scope="module")
def gateway(database_url: str, accounts: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayThread]:
    if not database_url.startswith("sqlite"):
        pytest.skip("the figures page is the same on every database: its browser test runs once, on SQLite")
    _seed(database_url)
    tmp = tmp_path_factory.mktemp("zahlen")
    settings = Settings(database_url=database_url, tracker_store_url=f"sqlite:///{tmp}/t.db", secret_key="t" * 32,
                        rate_limit_per_minute=1000)  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BILDUNGSLOTSE_DATABASE_URL", database_url)  # the search action reads the catalogue from here
        get_settings.cache_clear()
        server = GatewayThread(create_app(settings, engine=SearchingEngine(), notifier=RecordingNotifier())).start()
        try:
            _chat(server, accounts)
            yield server
        finally:
            server.stop()
            get_settings.cache_clear()


def _chat(server: GatewayThread, accounts: dict[str, str]) -> None:
    """Today, through the HTTP API: a citizen searches, finds it helpful, asks for a person; Melle answers."""
    with httpx.Client(base_url=server.url, timeout=20) as http:
        cid = http.post("/api/v1/conversations").json()["conversation_id"]
        assert http.post(f"/api/v1/conversations/{cid}/messages", json={"text": "Deutschkurs"}).status_code == 200
        assert http.post(f"/api/v1/conversations/{cid}/feedback", json={"helpful": True}).status_code == 204
        r = http.post(f"/api/v1/conversations/{cid}/messages", json={"payload": handover_payload()})
        ticket = r.json()["messages"][-1]["handover"]["ticket_id"]
        headers = api_login(http, accounts["melle"])
        assert http.post(f"/api/v1/tickets/{ticket}/claim", headers=headers).status_code == 200
        r = http.post(f"/api/v1/tickets/{ticket}/messages", json={"text": "Guten Tag!"}, headers=headers)
        assert r.status_code in (200, 201), r.text


def api_login(http: httpx.Client, username: str) -> dict[str, str]:
    r = http.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture(scope="module")
def tokens(http: httpx.Client, accounts: dict[str, str]) -> dict[str, str]:
    """One login per account for the whole module (the gateway allows 10 a minute per account and address)."""
    return {who: api_login(http, username)["Authorization"].removeprefix("Bearer ") for who, username in accounts.items()}


def bearer(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}"}


@pytest.fixture(scope="module")
def browser(gateway: GatewayThread) -> Iterator[Any]:
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def http(gateway: GatewayThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway.url, timeout=20) as client:
        yield client


@pytest.fixture
def open_page(browser: Any, gateway: GatewayThread, tokens: dict[str, str]) -> Iterator[Any]:
    """Opens /beratung/zahlen with a query in a fresh context; no third-party request, no script error.
    ``signed_in``: the account's token is in the tab's sessionStorage already, as after the inbox's login."""
    contexts: list[Any] = []
    foreign: list[str] = []
    errors: list[str] = []

    def opener(query: str = "", size: dict[str, int] = DESKTOP, signed_in: str | None = None) -> Page:
        context = browser.new_context(viewport=size, locale="de-DE", timezone_id="Europe/Berlin", accept_downloads=True)
        context.set_default_timeout(8000)
        contexts.append(context)
        if signed_in:
            token = json.dumps(tokens[signed_in])
            context.add_init_script(f"sessionStorage.setItem('bildungslotse.beratung.token', {token})")
        page = context.new_page()
        page.on("request", lambda r: None if r.url.startswith(gateway.url) else foreign.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{gateway.url}/beratung/zahlen{query}")
        return page

    yield opener
    for context in contexts:
        context.close()
    assert not foreign, f"third-party requests: {foreign}"
    assert not errors, f"JavaScript errors: {errors}"


def login(page: Page, username: str) -> None:
    """By keyboard: the user name field has focus on a fresh page; Tab to the password, Enter sends."""
    expect(page.get_by_label("Benutzername")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Passwort")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#view-h")).not_to_be_empty()


# ---------------------------------------------------------------- what the page shows against the API


def german(value: Any, column: str = "") -> str:
    """A cell as the page must show it: the API's value, "<5" as "< 5" (for a mean or median: "< 5 Fälle"),
    numbers in German notation."""
    if value is None:
        return "–"
    if value == "<5":
        return "< 5 Fälle" if column in ("rating_mean", "median_wait_minutes") else "< 5"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def shown_table(page: Page, table_id: str) -> dict[str, dict[str, str]]:
    """{row key ('' for unknown, 'total' for the sum): {column: text}} of one table on the page."""
    result: dict[str, dict[str, str]] = page.evaluate(
        """(id) => Object.fromEntries([...document.querySelectorAll(`#${id} tr[data-key]`)].map((tr) => [
            tr.dataset.key,
            Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.column, td.textContent])),
        ]))""",
        table_id,
    )
    return result


def api_table(http: httpx.Client, headers: dict[str, str], **params: str) -> dict[str, Any]:
    r = http.get("/api/v1/figures", params=params, headers=headers)
    assert r.status_code == 200, r.text
    table: dict[str, Any] = r.json()
    return table


def expected_table(table: dict[str, Any], columns: list[str]) -> dict[str, dict[str, str]]:
    rows = {row["key"] or "": {c: german(row[c], c) for c in columns} for row in table["rows"]}
    rows["total"] = {c: german(table["total"][c], c) for c in columns}
    return rows


def page_columns(page: Page, table_id: str) -> list[str]:
    columns: list[str] = page.evaluate(
        "(id) => [...document.querySelectorAll(`#${id} tbody tr:first-child td`)].map((td) => td.dataset.column)", table_id
    )
    return columns


def assert_same_as_api(page: Page, http: httpx.Client, headers: dict[str, str], table_id: str, **params: str) -> dict:
    table = api_table(http, headers, **params)
    columns = page_columns(page, table_id)
    assert columns, "the table has no columns"
    assert shown_table(page, table_id) == expected_table(table, columns)
    return table


def axe(page: Page) -> list[dict[str, Any]]:
    page.evaluate(AXE.read_text(encoding="utf-8"))  # not a <script>: the page's CSP forbids inline scripts
    violations: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                resultTypes: ['violations'],
            });
            return r.violations.map(v => ({id: v.id, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
        }"""
    )
    return violations


def choose_view(page: Page, link: str, title: str) -> None:
    page.get_by_role("navigation", name="Ansichten").get_by_role("link", name=link, exact=True).click()
    expect(page.locator("#view-h")).to_have_text(title)
    expect(page.locator("#view")).to_have_attribute("aria-busy", "false")


def query(**params: str) -> str:
    return "?" + "&".join(f"{k}={v}" for k, v in params.items())


# ---------------------------------------------------------------- tests


def test_admin_sees_categories_as_the_api_gives_them(open_page, http, tokens, accounts) -> None:
    page = open_page(query(ansicht="kategorien", **PERIOD))
    login(page, accounts["admin"])
    expect(page.locator("#view-h")).to_have_text("Nachfrage nach Kategorien")
    expect(page.get_by_label("Bildungsbüro", exact=True)).to_be_visible()  # admins choose the office
    admin = bearer(tokens, "admin")
    table = assert_same_as_api(page, http, admin, "table-kategorien", group_by="category", **API_PERIOD)
    cells = shown_table(page, "table-kategorien")
    assert cells["sprache"]["searches"] == "19" and cells["total"]["searches"] == "46"
    assert cells["beratung"]["searches"] == "< 5" == german(table["rows"][7]["searches"])  # 3 searches
    # A suppressed value has no bar, only its marker; a shown one has a bar and its number.
    chart = page.locator("#chart-kategorien-0-caption").locator("xpath=..").locator("svg")
    expect(chart).to_have_attribute("role", "img")
    assert chart.locator("rect").count() == sum(1 for r in table["rows"] if isinstance(r["searches"], int) and r["searches"])
    expect(chart.locator("text", has_text="< 5 (geschützt)").first).to_be_visible()
    expect(page.locator("#summary")).to_contain_text("Insgesamt 46 Suchen")
    expect(page.locator("#summary")).to_contain_text("Sprache (19)")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "zahlen-kategorien-desktop.png"), full_page=True)


def test_filters_change_chart_table_and_url(open_page, http, tokens, accounts) -> None:
    page = open_page(query(ansicht="monate", **PERIOD), signed_in="admin")
    expect(page.locator("#view-h")).to_have_text("Nachfrage nach Monaten")
    admin = bearer(tokens, "admin")
    assert_same_as_api(page, http, admin, "table-monate", group_by="month", **API_PERIOD)
    assert shown_table(page, "table-monate")["2017-01-01"]["searches"] == "27"
    bars_before = page.locator("#view svg rect").count()

    # Period and category by the form; "Anzeigen" applies them: chart, table and address change.
    base = page.url.split("?")[0]
    page.get_by_label("Bis (Monat)").fill("2017-02")
    page.get_by_label("Kategorie", exact=True).select_option("sprache")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page).to_have_url(f"{base}?ansicht=monate&von=2017-01&bis=2017-02&kategorie=sprache")
    expect(page.locator("#scope-note")).to_contain_text("Kategorie: Sprache")
    expect(page.locator("#table-monate tr[data-key='2017-02-01'] td[data-column='searches']")).to_have_text("7")
    two_months = {"from": "2017-01-01", "to": "2017-02-01"}
    assert_same_as_api(page, http, admin, "table-monate", group_by="month", category="sprache", **two_months)
    months = shown_table(page, "table-monate")
    assert set(months) == {"2017-01-01", "2017-02-01", "total"}
    assert months["2017-01-01"]["searches"] == "12" and months["total"]["searches"] == "19"
    assert page.locator("#view svg rect").count() == 2 != bars_before

    # One office more: February's 7 would give January's "< 5" back from the total, so both are hidden.
    page.get_by_label("Bildungsbüro", exact=True).select_option("bohmte")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page).to_have_url(f"{base}?ansicht=monate&von=2017-01&bis=2017-02&buero=bohmte&kategorie=sprache")
    expect(page.locator("#table-monate tr[data-key='2017-02-01'] td[data-column='searches']")).to_have_text("x")
    table = assert_same_as_api(page, http, admin, "table-monate", group_by="month", office="bohmte", category="sprache",
                               **two_months)  # fmt: skip
    assert [r["searches"] for r in table["rows"]] == ["<5", "x"] and table["total"]["searches"] == "x"
    assert shown_table(page, "table-monate")["2017-01-01"]["searches"] == "< 5"
    # No bar for a value nobody may know: with every value protected, no chart, a sentence instead.
    assert page.locator("#view svg").count() == 0
    expect(page.locator("#view .no-chart")).to_contain_text("alle Werte sind zum Schutz kleiner Zahlen verborgen")

    # Another view keeps the filter.
    choose_view(page, "Zielgruppen", "Nachfrage nach Zielgruppen")
    expect(page.locator("#view-h")).to_be_focused()
    expect(page).to_have_url(f"{base}?ansicht=zielgruppen&von=2017-01&bis=2017-02&buero=bohmte&kategorie=sprache")
    assert_same_as_api(page, http, admin, "table-zielgruppen", group_by="target_group", office="bohmte", category="sprache",
                       **two_months)  # fmt: skip
    page.get_by_label("Bildungsbüro", exact=True).select_option("")
    page.get_by_label("Kategorie", exact=True).select_option("")
    page.get_by_label("Von (Monat)").fill("2017-02")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.locator("#summary")).to_contain_text("Zeitraum: Februar 2017.")
    february = {"from": "2017-02-01", "to": "2017-02-01"}
    assert_same_as_api(page, http, admin, "table-zielgruppen", group_by="target_group", **february)

    # Back in the browser history: the previous filter again.
    page.go_back()
    expect(page.locator("#scope-note")).to_contain_text("Kategorie: Sprache")

    # A period the wrong way round: a German reason, no request.
    page.get_by_label("Von (Monat)").fill("2017-05")
    page.get_by_label("Bis (Monat)").fill("2017-01")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.get_by_role("alert")).to_contain_text("„Von“ liegt nach „Bis“")


def test_filter_and_views_by_keyboard_only(open_page, accounts) -> None:
    page = open_page(query(ansicht="kategorien", **PERIOD))
    login(page, accounts["admin"])
    expect(page.locator("#view-h")).to_be_focused()  # after the login: the view's heading
    page.get_by_label("Kategorie", exact=True).focus()
    page.keyboard.press("ArrowDown")  # the first category: Familienbildung
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Anzeigen")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#scope-note")).to_contain_text("Kategorie: Familienbildung")
    # Its 5 is the only search of the filter: every other category's 0 would be known from it, so it is "x".
    expect(page.locator("#table-kategorien tr[data-key='familienbildung'] td[data-column='searches']")).to_have_text("x")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Monate", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#view-h")).to_have_text("Nachfrage nach Monaten")
    expect(page.locator("#view-h")).to_be_focused()
    expect(page).to_have_url(f"{page.url.split('?')[0]}?ansicht=monate&von=2017-01&bis=2017-06&kategorie=familienbildung")
    # The table scrolls in its own frame, which the keyboard reaches too.
    expect(page.locator(".table-wrap").first).to_have_attribute("tabindex", "0")


def test_municipalities_offices_topics_and_satisfaction_agree_with_the_api(open_page, http, tokens, accounts) -> None:
    admin = bearer(tokens, "admin")
    page = open_page(query(ansicht="gemeinden", **PERIOD), signed_in="admin")
    expect(page.locator("#view-h")).to_have_text("Nachfrage nach Gemeinden")
    table = assert_same_as_api(page, http, admin, "table-gemeinden", group_by="municipality", **API_PERIOD)
    melle = next(r for r in table["rows"] if r["key"] == "Melle")
    assert shown_table(page, "table-gemeinden")["Melle"]["searches_per_1000"] == german(melle["searches_per_1000"])
    # Dissen's 5 is hidden: with Melle's 29 it would add Melle's office row back up, which the office view hides
    # (the views are protected together, monitoring.suppression rule 4).
    assert melle["searches"] == 29 and shown_table(page, "table-gemeinden")["Dissen am Teutoburger Wald"]["searches"] == "x"
    # Two charts (per 1 000 inhabitants and absolute), the largest first, only the bars of the shown values.
    assert page.locator("#view figure").count() == 2
    first = page.locator("#view figure").first
    assert first.locator("rect").count() == 1 and first.locator("text").first.text_content() == "Melle"
    expect(first.locator("figcaption")).to_contain_text(f"Nicht im Diagramm: {len(table['rows']) - 1} Zeilen")

    choose_view(page, "Bildungsbüros", "Weitergaben und Wartezeiten")
    table = assert_same_as_api(page, http, admin, "table-bueros", group_by="office", **API_PERIOD)
    offices = shown_table(page, "table-bueros")
    assert offices["melle"]["handovers"] == "15" and offices["bohmte"]["handovers"] == "< 5"
    assert offices["bramsche"]["handovers"] == "x" and offices["total"]["handovers"] == "47"

    choose_view(page, "Themen ohne Angebot", "Gesucht und nicht gefunden")
    expect(page.locator("#table-themen tr[data-key='tiefseetauchen'] td")).to_have_text("6")
    topics = api_table(http, admin, group_by="category", **API_PERIOD)["unmet_topics"]
    assert shown_table(page, "table-themen") == {t["topic"]: {"searches": german(t["searches"])} for t in topics}

    choose_view(page, "Zufriedenheit", "Zufriedenheit")
    assert_same_as_api(page, http, admin, "table-zufriedenheit-bueros", group_by="office", **API_PERIOD)
    satisfaction = api_table(http, admin, group_by="office", **API_PERIOD)["satisfaction"]
    overall = shown_table(page, "table-zufriedenheit")
    assert overall["helpful_yes"]["helpful_yes"] == german(satisfaction["helpful_yes"]) == "10"
    assert overall["helpful_no"]["helpful_no"] == "< 5"
    assert overall["helpful_share"]["helpful_share"] == "–"  # not computed from a suppressed count
    # 8 ratings, 7 of them Melle's: the office table cannot hide that without bounding its "<5" rows, so the
    # number of ratings is "x" here and in every other view (never 8 in one place and "x" in another).
    assert overall["ratings"]["ratings"] == "x" and overall["rating_mean"]["rating_mean"] == "4,1"
    # Bohmte's one rating: its mean is over fewer than 5 cases, not a rating below 5.
    assert shown_table(page, "table-zufriedenheit-bueros")["bohmte"]["rating_mean"] == "< 5 Fälle"
    ratings = shown_table(page, "table-bewertungen")
    assert {k: v["rating_count"] for k, v in ratings.items() if k != "total"} == {
        k: german(v) for k, v in satisfaction["rating_counts"].items()
    }
    assert ratings["5"]["rating_count"] == "x" or ratings["5"]["rating_count"] == german(satisfaction["rating_counts"]["5"])
    assert ratings["total"]["rating_count"] == "x"
    page.screenshot(path=str(SHOTS / "zahlen-zufriedenheit-desktop.png"), full_page=True)

    # Today's chat (search, 👍, handover, the office's reply) is in the default period's figures.
    page.goto(page.url.split("?")[0] + "?ansicht=bueros")
    expect(page.locator("#view-h")).to_have_text("Weitergaben und Wartezeiten")
    table = assert_same_as_api(page, http, admin, "table-bueros", group_by="office")
    assert table["from"] <= dt.date.today().isoformat() <= table["to"]
    page.screenshot(path=str(SHOTS / "zahlen-bueros-desktop.png"), full_page=True)


def test_counsellor_sees_only_the_own_office(open_page, http, tokens, accounts) -> None:
    # Even a shared address with another office in it shows only the counsellor's own office.
    page = open_page(query(ansicht="gemeinden", buero="bohmte", **PERIOD))
    login(page, accounts["melle"])
    expect(page.get_by_label("Bildungsbüro", exact=True)).to_be_hidden()
    expect(page.locator("#scope-note")).to_contain_text("Sie sehen die Zahlen Ihres Bildungsbüros: Bildungsbüro Ost (Melle)")
    melle = bearer(tokens, "melle")
    table = assert_same_as_api(page, http, melle, "table-gemeinden", group_by="municipality", **API_PERIOD)
    assert table["office"] == "melle"
    assert set(shown_table(page, "table-gemeinden")) == {"Melle", "Dissen am Teutoburger Wald", "total"}
    csv_link = page.get_by_role("link", name="CSV (Excel) herunterladen")
    expect(csv_link).to_have_attribute("href", f"{page.url.split('/beratung')[0]}/api/v1/figures.csv?from=2017-01-01"
                                       "&to=2017-06-01&group_by=municipality")  # fmt: skip
    choose_view(page, "Bildungsbüros", "Weitergaben und Wartezeiten")
    assert set(shown_table(page, "table-bueros")) == {"melle", "total"}
    assert_same_as_api(page, http, melle, "table-bueros", group_by="office", **API_PERIOD)


def test_csv_and_json_links_download_the_same_filter(open_page, http, tokens, accounts, tmp_path) -> None:
    page = open_page(query(ansicht="kategorien", **PERIOD), signed_in="admin")
    expect(page.locator("#view-h")).to_have_text("Nachfrage nach Kategorien")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV (Excel) herunterladen").click()
    download = info.value
    assert download.suggested_filename == "bildungsmonitoring_category_2017-01-01_2017-06-30.csv"
    raw = Path(download.path()).read_bytes()
    assert raw.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8")), delimiter=";"))
    assert lines[0][:3] == ["\ufeffKategorie", "Suchen", "davon nichts im Landkreis gefunden"]
    body = {line[0]: line[1:] for line in lines[1:] if line}
    assert body["Sprache"][0] == "19" and body["Beratung"][0] == "<5" and body["Summe"][0] == "46"
    satisfaction = {line[0]: line[1] for line in lines[lines.index(["Zufriedenheit im Zeitraum", "Anzahl"]) + 1 :]}
    assert satisfaction == {"Hilfreich (ja)": "10", "Hilfreich (nein)": "<5", "Bewertungen": "x",
                            "Bewertung im Mittel (1–5)": "4,1", **{f"Bewertung {i}": "<5" for i in range(1, 6)}}  # fmt: skip
    admin = bearer(tokens, "admin")
    same = http.get("/api/v1/figures.csv", params={"group_by": "category", **API_PERIOD}, headers=admin)
    assert same.content == raw

    with page.expect_download() as info:
        page.get_by_role("link", name="JSON herunterladen").click()
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert data == api_table(http, admin, group_by="category", **API_PERIOD)


def test_the_page_has_the_inbox_headers(http) -> None:
    page, inbox, script = http.get("/beratung/zahlen"), http.get("/beratung/"), http.get("/beratung/zahlen.js")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for header in ("content-security-policy", "x-frame-options", "referrer-policy", "cache-control"):
        assert page.headers[header] == inbox.headers[header]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert '<a href="zahlen"' in inbox.text  # the inbox links to the figures


def test_a_bad_filter_in_the_address_gives_a_german_reason(open_page) -> None:
    page = open_page(query(ansicht="kategorien", von="2017-13"), signed_in="admin")
    expect(page.get_by_role("alert")).to_have_text("Bitte geben Sie „Von“ als Monat an (JJJJ-MM).")
    page = open_page(query(ansicht="kategorien", kategorie="tiefseetauchen"), signed_in="admin")
    expect(page.get_by_role("alert")).to_contain_text("Diese Kategorie gibt es nicht")
    page = open_page(query(ansicht="unbekannt", **PERIOD), signed_in="admin")  # an unknown view: the first one
    expect(page.locator("#view-h")).to_have_text("Nachfrage nach Monaten")


def test_logout_ends_the_session_of_the_tab(open_page, http, accounts) -> None:
    page = open_page(query(ansicht="sprachen", **PERIOD))
    login(page, accounts["bohmte"])
    expect(page.locator("#who")).to_contain_text("fig-bohmte")
    token = page.evaluate("sessionStorage.getItem('bildungslotse.beratung.token')")
    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_label("Benutzername")).to_have_value("fig-bohmte")
    expect(page.locator("#figures-view")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('bildungslotse.beratung.token')") is None
    # The token is revoked on the server as well (the request is sent without waiting for it).
    for _ in range(50):
        if http.get("/api/v1/figures", headers={"Authorization": f"Bearer {token}"}).status_code == 401:
            break
        page.wait_for_timeout(100)
    assert http.get("/api/v1/figures", headers={"Authorization": f"Bearer {token}"}).status_code == 401


@pytest.mark.parametrize(("size", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_accessibility_at_phone_and_desktop_size(open_page, accounts, size, name) -> None:
    if not AXE.exists():
        pytest.skip("axe-core is missing: run `npm ci` in the repository root")
    SHOTS.mkdir(exist_ok=True)
    page = open_page(query(ansicht="kategorien", **PERIOD), size)
    page.screenshot(path=str(SHOTS / f"zahlen-login-{name}.png"))
    assert axe(page) == []
    login(page, accounts["admin"])
    views = {
        "kategorien": ("Kategorien", "Nachfrage nach Kategorien"),
        "monate": ("Monate", "Nachfrage nach Monaten"),
        "gemeinden": ("Gemeinden", "Nachfrage nach Gemeinden"),
        "themen": ("Themen ohne Angebot", "Gesucht und nicht gefunden"),
        "sprachen": ("Sprachen", "Sprachen der Gespräche"),
        "bueros": ("Bildungsbüros", "Weitergaben und Wartezeiten"),
        "zufriedenheit": ("Zufriedenheit", "Zufriedenheit"),
    }
    for view, (link, title) in views.items():
        choose_view(page, link, title)
        expect(page).to_have_url(f"{page.url.split('?')[0]}?ansicht={view}&von=2017-01&bis=2017-06")
        violations = axe(page)
        assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)
        # Nothing wider than the window (the tables scroll inside their own frame).
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        page.screenshot(path=str(SHOTS / f"zahlen-{view}-{name}.png"), full_page=True)
