"""The embeddable chat widget in a real headless Chromium (Debian's), driven by Playwright.

The gateway runs for real (uvicorn, fake engine); the widget is embedded with its one script tag on a page
of ANOTHER origin, as on a county web page. Needs /usr/bin/chromium (scripts/install-browser.sh) and, for the
accessibility check, axe-core from `npm ci`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.conversations import service
from bot.main import create_app
from core.config import Settings
from core.db import read_scope, session_scope
from tests.bot.widget_server import (
    ARTIFACTS,
    AXE,
    CHROMIUM,
    OFFICE,
    FakeEngine,
    GatewayThread,
    HostPages,
    launch_chromium,
)

if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is missing: run scripts/install-browser.sh", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (requirements/dev.in) is not installed")
expect = sync_api.expect
Page = sync_api.Page

HOST = "bildungslotse-widget"
TYPING = "Der Bildungslotse schreibt …"


# ---------------------------------------------------------------- servers and browser


@pytest.fixture(scope="module")
def gateway(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayThread]:
    if not database_url.startswith("sqlite"):
        pytest.skip("the widget does not depend on the database: its browser tests run once, on SQLite")
    tmp = tmp_path_factory.mktemp("widget")
    settings = Settings(database_url=database_url, tracker_store_url=f"sqlite:///{tmp}/tracker.db", rate_limit_per_minute=1000)
    server = GatewayThread(create_app(settings, engine=FakeEngine())).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def host_pages(gateway: GatewayThread) -> Iterator[HostPages]:
    tag = f'<script src="{gateway.url}/widget.js" defer></script>'
    themed = f'<script src="{gateway.url}/widget.js" data-title="Familienlotse" data-color="#ffcc00" defer></script>'
    pages = {
        # What a county page adds: the one line (doctype, lang and title make the page itself valid).
        "/": f'<!doctype html><html lang="de"><title>Landkreis Osnabrück</title>\n{tag}\n',
        # A page whose CSS tries to reach everything, and a themed widget: nothing leaks in or out.
        "/hostile": (
            '<!doctype html><html lang="de"><title>Fremde Seite</title>'
            "<style>* { color: rgb(255, 0, 0) !important; font-family: serif !important; font-size: 40px; }"
            " div, button, p { background: rgb(0, 255, 0); letter-spacing: 5px; } html { font-size: 10px; }</style>"
            '<p id="own">Text der Seite</p><button id="own-button">Seitenknopf</button>\n' + themed + "\n"
        ),
        # A strict Content-Security-Policy: scripts and requests only to the gateway, no styles at all.
        "/strict": (
            '<!doctype html><html lang="de"><title>Strenge Seite</title><meta http-equiv="Content-Security-Policy"'
            f" content=\"default-src 'none'; script-src {gateway.url}; connect-src {gateway.url}; style-src 'none'\">"
            f"\n{tag}\n"
        ),
    }
    server = HostPages(pages).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(gateway: GatewayThread) -> Iterator[Any]:
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser: Any, host_pages: HostPages, gateway: GatewayThread) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    context.set_default_timeout(8000)
    page = context.new_page()
    foreign: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((gateway.url, host_pages.url, "data:")) else foreign.append(r.url),
    )
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(host_pages.url + "/")
    yield page
    context.close()
    assert not foreign, f"third-party requests: {foreign}"
    assert not errors, f"JavaScript errors: {errors}"


# ---------------------------------------------------------------- helpers


def panel(page: Page) -> Any:
    return page.get_by_role("dialog", name="Bildungslotse", exact=True)


def log(page: Page) -> Any:
    return page.get_by_role("log", name="Chatverlauf")


def launcher(page: Page) -> Any:
    return page.locator(".launcher")


def open_panel(page: Page) -> None:
    launcher(page).click()
    expect(panel(page)).to_be_visible()
    expect(log(page).locator(".msg.bot").first).to_contain_text("Datenschutz")


def say(page: Page, text: str) -> None:
    box = page.get_by_label("Ihre Nachricht")
    box.fill(text)
    box.press("Enter")


def conversation_id(page: Page) -> str:
    raw = page.evaluate("() => Object.entries(localStorage).find(([k]) => k.endsWith(':conversation'))?.[1] ?? null")
    assert raw, "no conversation in localStorage"
    return str(json.loads(raw)["id"])


def shadow_focus(page: Page) -> str | None:
    """What has the keyboard focus inside the widget (its class or id), None if it is outside."""
    return page.evaluate(
        f"""() => {{
            const host = document.querySelector('{HOST}');
            if (document.activeElement !== host) return null;
            const el = host.shadowRoot.activeElement;
            return el ? (el.id || el.className || el.tagName) : null;
        }}"""
    )


def counsellor_says(gateway: GatewayThread, database_url: str, cid: str, text: str, *, publish: bool = True) -> None:
    """A counsellor writes during a handover: stored through the service, announced to open streams."""
    with session_scope(database_url) as s:
        conv = service.get(session=s, conversation_id=cid)
        assert conv is not None
        m = service.append(
            session=s,
            conversation=conv,
            sender="counsellor",
            text=text,
            extra={"handover": {"ticket_id": "T-100", "status": "active", "office": OFFICE}},
        )
        seq = m.seq
    if publish:
        gateway.call(gateway.app.state.broker.publish, cid, {"seq": seq})


# ---------------------------------------------------------------- tests


def test_embed_keyboard_question_quick_reply_offers_and_reload(page: Page) -> None:
    # Embedded with one line on another origin: a chat button in the lower right corner, the panel closed.
    assert page.locator(HOST).count() == 1
    box = launcher(page).bounding_box()
    assert box and box["x"] + box["width"] > 1280 - 40 and box["y"] + box["height"] > 800 - 40
    expect(panel(page)).to_be_hidden()

    # Keyboard only: Tab reaches the launcher, Enter opens, the focus moves into the panel (the input).
    page.keyboard.press("Tab")
    assert shadow_focus(page) == "launcher"
    page.keyboard.press("Enter")
    expect(panel(page)).to_be_visible()
    assert shadow_focus(page) == "bl-input"
    expect(launcher(page)).to_have_attribute("aria-expanded", "true")
    welcome = log(page).locator(".msg.bot").first
    expect(welcome).to_contain_text("30 Tage")
    expect(welcome.get_by_role("button", name="Deutschkurs")).to_be_visible()
    # Tab order follows the reading order: … quick replies, input, send button.
    page.keyboard.press("Tab")
    assert shadow_focus(page) == "send"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(welcome.get_by_role("button", name="Nachhilfe")).to_be_focused()
    page.keyboard.press("Tab")
    assert shadow_focus(page) == "bl-input"

    # A question typed and sent with Enter; the typing indicator shows while the request runs.
    say(page, "Gibt es einen Deutschkurs in Melle? (langsam)")
    expect(page.locator(".typing")).to_have_text(TYPING)
    expect(page.get_by_role("status").filter(has_text=TYPING)).to_have_count(1)  # announced once
    expect(log(page).locator(".msg.user")).to_have_text(["Sie: Gibt es einen Deutschkurs in Melle? (langsam)"])
    expect(page.get_by_text("Ich habe 2 passende Angebote gefunden.")).to_be_visible()
    expect(page.locator(".typing")).to_be_hidden()
    assert shadow_focus(page) == "bl-input"

    # Offer cards: title, provider, place and distance or "online", German date, cost or "kostenlos", safe link.
    cards = log(page).locator(".offer")
    expect(cards).to_have_count(2)
    first, second = cards.nth(0), cards.nth(1)
    expect(first.get_by_role("heading")).to_have_text("Deutschkurs A1 am Vormittag")
    expect(first).to_contain_text("VHS Osnabrücker Land")
    expect(first).to_contain_text("Melle · 2,4 km")
    expect(first).to_contain_text("Beginn: 11.01.2027")
    expect(first).to_contain_text("kostenlos")
    link = first.get_by_role("link", name=re.compile("^Mehr erfahren"))
    expect(link).to_have_attribute("href", "https://example.org/deutschkurs-a1")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(second).to_contain_text("online")
    expect(second).to_contain_text("45,50 €")
    expect(second.get_by_role("link")).to_have_count(0)  # javascript: URLs are never links

    # The welcome's quick replies are done with; the new ones work by click.
    expect(welcome.get_by_role("button", name="Deutschkurs")).to_be_hidden()
    log(page).get_by_role("button", name="Weitere Angebote").click()
    expect(log(page).locator(".msg.user")).to_have_count(2)
    expect(log(page).locator(".msg.user").nth(1)).to_have_text("Sie: Weitere Angebote")
    expect(cards).to_have_count(4)

    # A reload keeps the conversation (and the open panel), each message exactly once.
    cid = conversation_id(page)
    page.reload()
    expect(panel(page)).to_be_visible()
    expect(log(page).locator(".msg.user")).to_have_text(
        ["Sie: Gibt es einen Deutschkurs in Melle? (langsam)", "Sie: Weitere Angebote"]
    )
    expect(cards).to_have_count(4)
    assert conversation_id(page) == cid
    seqs = log(page).locator("[data-seq]").evaluate_all("els => els.map(e => Number(e.dataset.seq))")
    assert seqs == list(range(1, 8))  # welcome, question, 2 answers, button, 2 answers

    # Escape closes the panel and returns the focus to the launcher.
    page.get_by_label("Ihre Nachricht").focus()
    page.keyboard.press("Escape")
    expect(panel(page)).to_be_hidden()
    assert shadow_focus(page) == "launcher"
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")


def test_handover_banner_counsellor_messages_and_network_drop(page: Page, gateway: GatewayThread, database_url: str) -> None:
    open_panel(page)
    # Space on a focused quick reply works like a click.
    log(page).get_by_role("button", name="Deutschkurs").focus()
    page.keyboard.press("Space")
    log(page).get_by_role("button", name="Beratung anfragen").click()
    banner = page.get_by_role("status").filter(has_text="Bildungsbüro")
    expect(banner).to_have_text("Wir verbinden Sie mit dem Bildungsbüro Melle …")

    cid = conversation_id(page)
    counsellor_says(gateway, database_url, cid, "Guten Tag, hier ist Frau Meyer vom Bildungsbüro.")
    message = log(page).locator(".msg.counsellor")
    expect(message).to_have_count(1)
    expect(message).to_contain_text("Guten Tag, hier ist Frau Meyer vom Bildungsbüro.")
    expect(message.locator(".who")).to_have_text("Beraterin/Berater")
    expect(banner).to_have_text("Sie schreiben jetzt mit dem Bildungsbüro Melle")
    styles = message.locator(".bubble").evaluate("e => getComputedStyle(e).borderLeftWidth")
    bot_styles = log(page).locator(".msg.bot .bubble").first.evaluate("e => getComputedStyle(e).borderLeftWidth")
    assert styles != bot_styles  # set apart from the assistant's messages

    # A network drop: what arrived meanwhile is fetched when the browser is back online.
    page.context.set_offline(True)
    counsellor_says(gateway, database_url, cid, "Sind Sie noch da?", publish=False)
    page.context.set_offline(False)
    expect(message).to_have_count(2, timeout=10000)
    expect(message.nth(1)).to_contain_text("Sind Sie noch da?")

    # With the panel closed, a new message shows on the launcher.
    page.keyboard.press("Escape")
    counsellor_says(gateway, database_url, cid, "Ich rufe Sie morgen an.")
    expect(launcher(page)).to_have_attribute("aria-label", "Bildungslotse – Chat, 1 neue Nachricht")
    launcher(page).click()
    expect(message).to_have_count(3)
    expect(launcher(page)).to_have_attribute("aria-label", "Bildungslotse – Chat")


def test_html_in_messages_is_shown_as_text(page: Page) -> None:
    open_panel(page)
    evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>fett</b>'
    say(page, evil)
    expect(log(page).locator(".msg.user .bubble")).to_have_text("Sie: " + evil)
    expect(log(page).locator(".msg.bot").last).to_have_text("Bildungslotse: Sie schrieben: " + evil)
    assert log(page).locator("img, script, b").count() == 0
    assert page.evaluate("() => window.__pwned") is None

    # Web addresses in a text become links, but only http(s) ones.
    say(page, "Siehe https://example.org/info, nicht javascript:alert(1)")
    reply = log(page).locator(".msg.bot").last
    expect(reply).to_contain_text("Sie schrieben: Siehe https://example.org/info")
    links = reply.get_by_role("link")
    expect(links).to_have_count(1)
    expect(links).to_have_attribute("href", "https://example.org/info")
    expect(links).to_have_attribute("rel", "noopener noreferrer")


def test_delete_history_after_confirmation(page: Page, gateway: GatewayThread) -> None:
    open_panel(page)
    say(page, "Meine Telefonnummer ist 0541 123456")
    expect(page.get_by_text("Sie schrieben: Meine Telefonnummer ist 0541 123456")).to_be_visible()
    old = conversation_id(page)

    menu = page.get_by_role("button", name="Menü")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    page.get_by_role("button", name="Verlauf löschen").click()
    confirm = page.get_by_role("alertdialog", name="Verlauf wirklich löschen?")
    expect(confirm).to_be_visible()
    assert shadow_focus(page) == "btn"  # "Abbrechen" is focused: nothing is lost by a hasty Enter
    page.keyboard.press("Escape")  # first: cancel the question only
    expect(confirm).to_be_hidden()
    expect(panel(page)).to_be_visible()
    expect(page.get_by_text("0541 123456").first).to_be_visible()

    menu.click()
    page.get_by_role("button", name="Verlauf löschen").click()
    confirm.get_by_role("button", name="Ja, löschen").click()
    expect(page.get_by_text("Ihr Verlauf wurde gelöscht.")).to_be_visible()
    expect(log(page)).not_to_contain_text("0541 123456")
    expect(log(page).locator(".msg.bot").first).to_contain_text("Datenschutz")  # a fresh start
    new = conversation_id(page)
    assert new != old
    assert httpx.get(f"{gateway.url}/api/v1/conversations/{old}/messages").status_code == 404

    # "Neu beginnen" starts another conversation, and a reload shows no trace of the deleted one.
    menu.click()
    page.get_by_role("button", name="Neu beginnen").click()
    expect(page.get_by_text("Neues Gespräch begonnen.")).to_be_visible()
    expect(log(page).locator(".msg.bot")).to_have_count(1)
    assert conversation_id(page) not in (old, new)
    page.reload()
    expect(log(page).locator(".msg.bot").first).to_contain_text("Datenschutz")
    expect(log(page)).not_to_contain_text("0541 123456")


def test_expired_conversation_starts_a_new_one(page: Page, gateway: GatewayThread) -> None:
    open_panel(page)
    old = conversation_id(page)
    assert httpx.delete(f"{gateway.url}/api/v1/conversations/{old}").status_code == 204
    # The open stream learns of the deletion; after a reload a stale id leads to a fresh conversation too.
    expect(page.get_by_text("Ihr Verlauf wurde gelöscht.")).to_be_visible()
    expect(log(page).locator(".msg.bot")).to_have_count(1)
    assert conversation_id(page) != old
    page.evaluate(
        "id => { for (const k of Object.keys(localStorage)) if (k.endsWith(':conversation'))"
        " localStorage.setItem(k, JSON.stringify({id, seq: 3})); }",
        old,
    )
    page.reload()
    expect(log(page).locator(".msg.bot")).to_have_count(1)
    assert conversation_id(page) != old
    say(page, "Hallo")
    expect(page.get_by_text("Sie schrieben: Hallo")).to_be_visible()


def test_accessibility_axe_zoom_and_screenshots(page: Page, gateway: GatewayThread, database_url: str) -> None:
    if not AXE.exists():
        pytest.skip("axe-core is missing: run `npm ci` in the repository root")
    ARTIFACTS.mkdir(exist_ok=True)
    open_panel(page)
    say(page, "Deutschkurs in Melle")
    expect(log(page).locator(".offer")).to_have_count(2)
    log(page).get_by_role("button", name="Beratung anfragen").click()
    # (the answer first: on SQLite two writers at once would take the same seq)
    expect(page.get_by_role("status").filter(has_text="Wir verbinden Sie")).to_be_visible()
    counsellor_says(gateway, database_url, conversation_id(page), "Guten Tag, wie kann ich helfen?")
    expect(log(page).locator(".msg.counsellor")).to_have_count(1)
    page.get_by_role("button", name="Menü").click()  # the menu is part of what is checked

    # The live region and the labelled controls.
    expect(log(page)).to_have_attribute("aria-live", "polite")
    for name in ("Chat schließen", "Menü", "Senden"):
        expect(page.get_by_role("button", name=name)).to_be_visible()

    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        f"""async () => {{
            const r = await axe.run(document.querySelector('{HOST}'), {{
                runOnly: {{type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}},
                resultTypes: ['violations'],
            }});
            return {{
                violations: r.violations.map(v => ({{id: v.id, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}})),
                passes: r.passes.length,
            }};
        }}"""
    )
    assert result["violations"] == [], json.dumps(result["violations"], indent=1, ensure_ascii=False)
    assert result["passes"] > 5
    page.keyboard.press("Escape")  # closes the menu, not the panel
    expect(panel(page)).to_be_visible()

    page.screenshot(path=str(ARTIFACTS / "widget-1280x800.png"))
    box = panel(page).bounding_box()
    assert box and box["x"] > 800 and box["x"] + box["width"] <= 1280 and box["y"] + box["height"] <= 800

    # Phone (360 px): the panel takes the whole screen; nothing overflows sideways.
    page.set_viewport_size({"width": 360, "height": 740})
    box = panel(page).bounding_box()
    assert box == {"x": 0, "y": 0, "width": 360, "height": 740}
    expect(page.get_by_label("Ihre Nachricht")).to_be_in_viewport()
    overflow = page.locator(".scroll").evaluate("e => e.scrollWidth - e.clientWidth")
    assert overflow <= 0
    page.screenshot(path=str(ARTIFACTS / "widget-360x740.png"))

    # 200 % zoom of a 1280×800 window = 640×400 CSS pixels: full screen too, input and send button reachable.
    page.set_viewport_size({"width": 640, "height": 400})
    box = panel(page).bounding_box()
    assert box == {"x": 0, "y": 0, "width": 640, "height": 400}
    expect(page.get_by_role("button", name="Senden")).to_be_in_viewport()
    page.screenshot(path=str(ARTIFACTS / "widget-640x400-zoom200.png"))
    assert page.locator(".scroll").evaluate("e => e.scrollWidth - e.clientWidth") <= 0


def test_reduced_motion_css_isolation_theme_and_demo_page(browser: Any, host_pages: HostPages, gateway: GatewayThread) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, reduced_motion="reduce", locale="de-DE")
    try:
        page = context.new_page()
        page.goto(host_pages.url + "/hostile")
        button = page.get_by_role("button", name="Familienlotse – Chat")  # data-title
        expect(button).to_be_visible()
        styles = button.evaluate(
            "e => { const s = getComputedStyle(e); return [s.color, s.backgroundColor, s.fontFamily, s.fontSize]; }"
        )
        color, background, family, size = styles
        assert color == "rgb(255, 255, 255)" and family.strip() != "serif" and size == "16px"  # nothing leaks in
        rgb = [int(c) for c in re.findall(r"\d+", background)[:3]]
        assert rgb != [255, 204, 0] and contrast_with_white(rgb) >= 4.5  # a too light data-color is darkened
        # Nothing leaks out: the page's own elements keep the page's styles.
        assert page.locator("#own").evaluate("e => getComputedStyle(e).fontFamily") == "serif"
        assert page.locator("#own-button").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(0, 255, 0)"
        button.click()
        expect(page.get_by_role("heading", name="Familienlotse")).to_be_visible()
        text = page.locator(".msg.bot .bubble").first
        expect(text).to_contain_text("Datenschutz")
        assert text.evaluate("e => getComputedStyle(e).color") == "rgb(26, 26, 26)"
        assert page.locator(".panel").evaluate("e => getComputedStyle(e).animationName") == "none"  # reduced motion

        # Another page of the same site, with a strict CSP: styled all the same, talking to the gateway,
        # and the chat goes on where it was (still open, same conversation).
        page.goto(host_pages.url + "/strict")
        button = page.get_by_role("button", name="Bildungslotse – Chat")
        assert button.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(0, 90, 156)"
        expect(page.get_by_role("log").locator(".msg.bot").first).to_contain_text("Datenschutz")
        expect(page.get_by_role("dialog")).to_be_visible()
        assert page.locator(".panel").evaluate("e => getComputedStyle(e).position") == "fixed"

        # The gateway's own demo page embeds the widget the same way.
        page.goto(gateway.url + "/")
        expect(page.locator("h1")).to_contain_text("Bildungslotse")
        assert page.locator('script[src$="widget.js"]').count() == 1
        page.get_by_role("button", name="Bildungslotse – Chat").click()
        expect(page.get_by_role("log").locator(".msg.bot").first).to_contain_text("Datenschutz")
    finally:
        context.close()


def contrast_with_white(rgb: list[int]) -> float:
    def channel(c: int) -> float:
        x = c / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
    return 1.05 / (lum + 0.05)


# ---------------------------------------------------------------- language, direction and feedback (#12, #13)

SHOTS = Path("/tmp/shots")


def open_in(browser: Any, host_pages: HostPages, locale: str, viewport: dict[str, int] | None = None) -> tuple[Any, Page]:
    """A fresh browser whose language is `locale` (navigator.languages), on the one-line county page."""
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800}, locale=locale)
    context.set_default_timeout(8000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    context.errors = errors  # checked by the tests at the end
    page.goto(host_pages.url + "/")
    return context, page


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        f"""async () => {{
            const r = await axe.run(document.querySelector('{HOST}'), {{
                runOnly: {{type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}},
                resultTypes: ['violations'],
            }});
            return r.violations.map(v => ({{id: v.id, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}}));
        }}"""
    )


def test_turkish_browser_gets_turkish_labels_and_a_turkish_conversation(browser: Any, host_pages: HostPages) -> None:
    context, page = open_in(browser, host_pages, "tr-TR")
    try:
        launcher_tr = page.get_by_role("button", name="Bildungslotse – Sohbet")
        expect(launcher_tr).to_be_visible()
        with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/api/v1/conversations")) as created:
            launcher_tr.click()
        assert created.value.post_data_json == {"language": "tr"}  # the browser's language, offered by the gateway
        dialog = page.get_by_role("dialog", name="Bildungslotse", exact=True)
        expect(dialog).to_have_attribute("dir", "ltr")
        expect(page.locator(HOST)).to_have_attribute("lang", "tr")
        welcome = page.get_by_role("log", name="Sohbet geçmişi").locator(".msg.bot").first
        expect(welcome).to_have_attribute("lang", "tr")
        expect(welcome).to_contain_text("Merhaba")
        for name in ("Gönder", "Menü", "Sohbeti kapat"):
            expect(page.get_by_role("button", name=name, exact=True)).to_be_visible()
        expect(page.get_by_label("Mesajınız")).to_have_attribute("placeholder", "Sorunuz …")
        expect(page.locator(".foot")).to_contain_text("Gizlilik")
        page.get_by_role("button", name="Menü").click()
        expect(page.get_by_role("button", name="Geçmişi sil")).to_be_visible()
        page.keyboard.press("Escape")
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "widget-tr-1280x800.png"))
        # A reload keeps Turkish (the conversation's language is remembered with it).
        page.reload()
        expect(page.get_by_role("log", name="Sohbet geçmişi")).to_be_visible()
        assert context.errors == []
    finally:
        context.close()


def test_arabic_panel_is_right_to_left(browser: Any, host_pages: HostPages) -> None:
    context, page = open_in(browser, host_pages, "ar")
    try:
        page.get_by_role("button", name="Bildungslotse – دردشة").click()
        dialog = page.get_by_role("dialog", name="Bildungslotse", exact=True)
        expect(dialog).to_have_attribute("dir", "rtl")
        expect(page.locator(HOST)).to_have_attribute("lang", "ar")
        log_ar = page.get_by_role("log", name="سجل الدردشة")
        welcome = log_ar.locator(".msg.bot").first
        expect(welcome).to_have_attribute("lang", "ar")
        expect(welcome.locator(".bubble")).to_have_attribute("dir", "auto")
        assert welcome.locator(".bubble").evaluate("e => getComputedStyle(e).direction") == "rtl"
        # Mirrored: the menu and close buttons are on the left of the title, the text starts on the right.
        title = page.locator(".title").bounding_box()
        menu_button = page.get_by_role("button", name="القائمة").bounding_box()
        assert title and menu_button and menu_button["x"] < title["x"]
        assert page.locator(".foot").evaluate("e => getComputedStyle(e).textAlign") in ("start", "right")
        # A German text inside stays left to right (dir=auto), the citizen's Arabic one right to left.
        say_in(page, "مرحبا، أبحث عن دورة لغة")
        mine = log_ar.locator(".msg.user .bubble").last
        expect(mine).to_contain_text("مرحبا")
        assert mine.evaluate("e => getComputedStyle(e).direction") == "rtl"
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "widget-ar-1280x800.png"))
        assert context.errors == []
    finally:
        context.close()


def say_in(page: Page, text: str) -> None:
    box = page.locator("#bl-input")
    box.fill(text)
    box.press("Enter")


def test_thumbs_up_after_offers_is_sent_once_and_counted(page: Page, database_url: str) -> None:
    from monitoring.models import Feedback

    open_panel(page)
    say(page, "Deutschkurs in Melle")
    answer = log(page).locator(".msg.bot").filter(has=page.locator(".offer"))
    expect(answer).to_have_count(1)
    group = answer.get_by_role("group", name="Hat das geholfen?")
    expect(group).to_be_visible()
    expect(group).to_contain_text("Hat das geholfen?")
    yes = group.get_by_role("button", name="Ja, das hat geholfen")
    expect(group.get_by_role("button", name="Nein, das hat nicht geholfen")).to_be_visible()
    # The text answer before the offers has no question of its own.
    expect(log(page).locator(".feedback")).to_have_count(1)

    # Keyboard: focus the 👍 and press Enter.
    yes.focus()
    with page.expect_response(lambda r: r.url.endswith("/feedback")) as sent:
        page.keyboard.press("Enter")
    assert sent.value.status == 204
    seq = int(answer.get_attribute("data-seq") or 0)
    assert sent.value.request.post_data_json == {"seq": seq, "helpful": True}
    expect(answer.get_by_text("Danke für Ihre Rückmeldung.")).to_be_visible()
    expect(log(page).locator(".feedback")).to_have_count(0)
    assert shadow_focus(page) == "bl-input"

    cid = conversation_id(page)
    with read_scope(database_url) as s:
        rows = s.scalars(select(Feedback).where(Feedback.conversation_id == cid)).all()
        assert [(r.kind, r.seq, r.helpful, r.category) for r in rows] == [("helpful", seq, True, "sprache")]

    # Once per message: after a reload the thanks stands where the question was.
    page.reload()
    expect(answer.get_by_text("Danke für Ihre Rückmeldung.")).to_be_visible()
    expect(log(page).locator(".feedback")).to_have_count(0)

    # Another answer with offers asks again; 👎 by mouse is counted too.
    log(page).get_by_role("button", name="Weitere Angebote").click()
    expect(log(page).locator(".feedback")).to_have_count(1)
    log(page).get_by_role("button", name="Nein, das hat nicht geholfen").click()
    expect(log(page).get_by_text("Danke für Ihre Rückmeldung.")).to_have_count(2)
    with read_scope(database_url) as s:
        votes = sorted(r.helpful for r in s.scalars(select(Feedback).where(Feedback.conversation_id == cid)))
        assert votes == [False, True]


@pytest.mark.parametrize("locale", ["de-DE", "ar"])
@pytest.mark.parametrize("size", [(390, 844), (1280, 800)], ids=["phone", "desktop"])
def test_axe_no_violations_with_offers_and_feedback(
    browser: Any, host_pages: HostPages, locale: str, size: tuple[int, int]
) -> None:
    if not AXE.exists():
        pytest.skip("axe-core is missing: run `npm ci` in the repository root")
    width, height = size
    context, page = open_in(browser, host_pages, locale, {"width": width, "height": height})
    try:
        page.locator(".launcher").click()
        expect(page.locator(".msg.bot").first).to_be_visible()
        say_in(page, "Deutschkurs in Melle")
        expect(page.locator(".feedback")).to_have_count(1)
        page.locator(".feedback").scroll_into_view_if_needed()
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)
        if width < 480:  # phone: the panel is the whole screen and nothing overflows sideways
            assert page.locator(".panel").bounding_box() == {"x": 0, "y": 0, "width": width, "height": height}
            assert page.locator(".scroll").evaluate("e => e.scrollWidth - e.clientWidth") <= 0
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"widget-{locale[:2]}-{width}x{height}.png"))
        page.locator(".feedback .vote").first.click()
        expect(page.locator(".thanks")).to_be_visible()
        page.screenshot(path=str(SHOTS / f"widget-{locale[:2]}-{width}x{height}-thanks.png"))
        assert axe_violations(page) == []
        assert context.errors == []
    finally:
        context.close()


def test_labels_follow_when_the_conversation_changes_language(page: Page, gateway: GatewayThread, database_url: str) -> None:
    open_panel(page)
    expect(page.get_by_role("button", name="Senden")).to_be_visible()
    cid = conversation_id(page)
    # The conversation switches to English (as after /sprache or an English sentence); the next reply is English.
    assert httpx.patch(f"{gateway.url}/api/v1/conversations/{cid}", json={"language": "en"}).status_code == 200
    with session_scope(database_url) as s:
        conv = service.get(session=s, conversation_id=cid)
        assert conv is not None
        seq = service.append(session=s, conversation=conv, sender="bot", text=service.WELCOME).seq
    gateway.call(gateway.app.state.broker.publish, cid, {"seq": seq})
    # The log's name changes with the labels ("Chatverlauf" -> "Chat history"), possibly before this line runs.
    expect(page.get_by_role("log").locator(".msg.bot").last).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_visible()
    expect(page.get_by_role("log", name="Chat history")).to_be_visible()
    expect(page.locator(HOST)).to_have_attribute("lang", "en")
    # A reload asks for the conversation's language first, whatever the browser prefers.
    page.reload()
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_visible()


def test_without_the_labels_the_widget_speaks_german(browser: Any, host_pages: HostPages) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="tr-TR")
    context.set_default_timeout(8000)
    try:
        page = context.new_page()
        page.route("**/api/v1/labels*", lambda route: route.abort())  # the labels cannot be fetched
        page.goto(host_pages.url + "/")
        with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/api/v1/conversations")) as created:
            page.get_by_role("button", name="Bildungslotse – Chat").click()
        assert created.value.post_data is None  # no offered languages known: none is asked for
        expect(page.get_by_role("log", name="Chatverlauf").locator(".msg.bot").first).to_contain_text("Datenschutz")
        expect(page.get_by_role("button", name="Senden")).to_be_visible()
    finally:
        context.close()


def test_einfache_sprache_from_the_menu(page: Page, database_url: str, browser: Any, host_pages: HostPages) -> None:
    from bot.conversations.models import Conversation

    open_panel(page)
    menu = page.get_by_role("button", name="Menü")
    menu.click()
    switch = page.get_by_role("button", name="Einfache Sprache")
    expect(switch).to_have_attribute("aria-pressed", "false")
    # The arrow keys reach it like the other entries.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(switch).to_be_focused()
    with page.expect_response(lambda r: r.request.method == "PATCH") as patched:
        page.keyboard.press("Enter")
    assert patched.value.status == 200 and patched.value.request.post_data_json == {"plain": True}
    expect(log(page).locator(".msg.system").last).to_have_text("Hinweis: Einfache Sprache ist jetzt an.")
    cid = conversation_id(page)
    with read_scope(database_url) as s:
        assert s.get(Conversation, cid).plain is True
    menu.click()
    expect(switch).to_have_attribute("aria-pressed", "true")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "widget-de-menu-plain.png"))
    switch.click()
    expect(log(page).locator(".msg.system").last).to_have_text("Hinweis: Einfache Sprache ist jetzt aus.")
    with read_scope(database_url) as s:
        assert s.get(Conversation, cid).plain is False

    # Einfache Sprache is plain German: a Turkish panel has no such entry.
    context, turkish = open_in(browser, host_pages, "tr-TR")
    try:
        turkish.get_by_role("button", name="Bildungslotse – Sohbet").click()
        turkish.get_by_role("button", name="Menü").click()
        expect(turkish.get_by_role("button", name="Geçmişi sil")).to_be_visible()
        expect(turkish.locator(".menu li:not([hidden]) button")).to_have_count(2)
    finally:
        context.close()
