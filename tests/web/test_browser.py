"""The web app in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

The real app runs under uvicorn in a thread, on a free 127.0.0.1 port, over a
small seeded SQLite ledger (one per viewport, so that what one run writes does
not change what the other sees). Each test runs at a desktop viewport and at a
phone one (touch), and checks that no page broke the CSP, logged a console
error or failed a request. Screenshots go to ``tests/artifacts/screenshots/``
(ignored by git), named by test and viewport.

Skips cleanly when Playwright or ``/usr/bin/chromium`` is missing (``make test``
and ``.ci/run`` install Debian's ``chromium``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from dunbar import Ledger

CHROMIUM = os.environ.get("DUNBAR_CHROMIUM") or "/usr/bin/chromium"
PASSWORD = "browser tests password"
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
XSS = "<script>alert(1)</script>"

VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}

# Collected in the page before any of its scripts run: CSP violations.
CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective}: ${e.blockedURI}`);
});
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Site:
    url: str
    viewport: str
    database: Path
    ids: dict[str, int]

    def ledger(self) -> Ledger:
        return Ledger.open(self.database)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seed(path: Path) -> dict[str, int]:
    """Me, a fading tie (Ana), colleagues at Acme, someone I can reach through Bob."""
    now = dt.datetime.now(dt.UTC)
    ids: dict[str, int] = {}
    with Ledger.init(path, me="Me") as ledger:
        ledger.set_web_password(PASSWORD)
        ana = ledger.add_person("Ana Silva", emails=["ana@example.com"], tags=["friend"])
        bob = ledger.add_person("Bob Stone", organisation="Acme", emails=["bob@acme.example"])
        carla = ledger.add_person(
            "Carla Mendes", organisation="Acme", emails=["carla@acme.example"], topics=["climbing"]
        )
        dana = ledger.add_person("Dana Target", organisation="Globex", topics=["robotics"])
        evil = ledger.add_person(XSS, organisation='"><img src=x onerror=alert(1)>')
        extra = [ledger.add_person(f"Guest {n}").id for n in range(1, 4)]
        ids.update(ana=ana.id, bob=bob.id, carla=carla.id, dana=dana.id, evil=evil.id)
        start = now - dt.timedelta(days=300)
        for week in range(20):
            ledger.log("Coffee", with_=[ana.id], when=start + dt.timedelta(days=7 * week))
        for week in range(30):
            when = now - dt.timedelta(days=3 + 7 * week)
            ledger.log("Standup", with_=[bob.id, carla.id], when=when, channel="video")
        for n, pid in enumerate([evil.id, *extra]):
            ledger.log("Drinks", with_=[pid], when=now - dt.timedelta(days=10 + n))
        ledger.know(bob.id, dana.id, evidence="declared", strength=0.9)
        ledger.add_note(f"Met at the climbing wall {XSS}", about=carla.id)
    return ids


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    import uvicorn

    from dunbar.web import WebSettings, create_app

    path = tmp_path_factory.mktemp(f"browser-{request.param}") / "ledger.db"
    ids = _seed(path)
    app = create_app(WebSettings(database=str(path)))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield Site(f"http://127.0.0.1:{port}", str(request.param), path, ids)
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@dataclass
class Watched:
    """A page, and everything that went wrong on it."""

    page: Any
    problems: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def check(self) -> None:
        """No CSP violation, console error, failed request or dialog (an XSS would alert)."""
        csp = self.page.evaluate("window.__csp || []")
        assert csp == [], csp
        assert self.problems == [], self.problems
        assert self.dialogs == [], self.dialogs


@pytest.fixture
def web_page(
    browser: Any, site: Site, request: pytest.FixtureRequest
) -> Iterator[tuple[Watched, Site]]:
    context = browser.new_context(**VIEWPORTS[site.viewport])
    context.set_default_timeout(15_000)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    watched = Watched(page)

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            watched.problems.append(f"console: {msg.text} ({page.url})")

    def on_response(response: Any) -> None:
        if response.status >= 500:
            watched.problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: watched.problems.append(f"pageerror: {exc}"))
    page.on("requestfailed", lambda r: watched.problems.append(f"failed: {r.url} {r.failure}"))
    page.on("response", on_response)

    def on_dialog(dialog: Any) -> None:
        watched.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        yield watched, site
    finally:
        name = request.node.originalname
        SHOTS.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(SHOTS / f"{name}-{site.viewport}.png"), full_page=True)
        finally:
            context.close()


def _login(w: Watched, site: Site) -> None:
    page = w.page
    page.goto(site.url + "/login")
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(site.url + "/")


def _no_overflow(page: Any) -> None:
    """Nothing wider than the viewport (a phone must not scroll sideways)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"page is {width} px wide"


def test_login(web_page: tuple[Watched, Site]) -> None:
    w, site = web_page
    page = w.page
    page.goto(site.url + "/gatherings")
    # Locked: sent to the login form, which remembers where I was going.
    assert page.url.startswith(site.url + "/login")
    page.fill('input[name="password"]', "not the password")
    page.click('button[type="submit"]')
    assert "That is not the password." in page.inner_text("body")
    w.problems.clear()  # the 401 answer to a wrong password shows as a console error
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(site.url + "/gatherings")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert (
        cookies["dunbar_session"]["httpOnly"] and cookies["dunbar_session"]["sameSite"] == "Strict"
    )
    page.goto(site.url + "/")
    assert page.locator("h1").inner_text().startswith("Today")
    _no_overflow(page)
    w.check()


def test_agenda_and_log_an_encounter(web_page: tuple[Watched, Site]) -> None:
    w, site = web_page
    page = w.page
    _login(w, site)
    ana = site.ids["ana"]
    item = page.locator("#fading li.item").filter(has=page.locator(f'a[href="/people/{ana}"]'))
    assert item.count() == 1
    assert "Ana Silva" in item.inner_text()
    _no_overflow(page)
    with site.ledger() as ledger:
        before = len(ledger.profile(ana, limit=None).encounters)
    item.locator("summary", has_text="Log encounter").click()
    form = item.locator('form[action="/agenda/log"]')
    form.locator('input[name="title"]').fill("Lunch on the way out")
    form.locator('button[type="submit"]').click()
    page.wait_for_load_state()
    assert "Logged: in person with Ana Silva." in page.locator(".flash").inner_text()
    # Seen today: no longer fading.
    assert page.locator(f'#fading a[href="/people/{ana}"]').count() == 0
    with site.ledger() as ledger:
        encounters = ledger.profile(ana, limit=None).encounters
    assert len(encounters) == before + 1
    assert any(e.title == "Lunch on the way out" for e in encounters)
    w.check()


def test_search_people(web_page: tuple[Watched, Site]) -> None:
    w, site = web_page
    page = w.page
    _login(w, site)
    page.goto(site.url + "/people")
    carla, bob = site.ids["carla"], site.ids["bob"]
    assert page.locator(f'a[href="/people/{bob}"]').count() >= 1
    box = page.locator('input[name="q"]').first
    box.click()
    box.press_sequentially("Carla", delay=40)
    # The list updates as I type, without a page load.
    page.wait_for_function(
        f"""() => !document.querySelector('main a[href="/people/{bob}"]')
               && !!document.querySelector('main a[href="/people/{carla}"]')"""
    )
    assert "q=Carla" in page.url
    # Names are shown as text, never markup (the XSS person stays text on every page).
    page.goto(site.url + "/people")
    assert page.locator("main").inner_text().count(XSS) >= 1
    _no_overflow(page)
    w.check()


def test_open_a_person(web_page: tuple[Watched, Site]) -> None:
    w, site = web_page
    page = w.page
    _login(w, site)
    carla = site.ids["carla"]
    page.goto(site.url + "/people?q=Carla")
    page.locator(f'main a[href="/people/{carla}"]').first.click()
    page.wait_for_url(site.url + f"/people/{carla}")
    assert "Carla Mendes" in page.locator("h1").inner_text()
    main = page.locator("main").inner_text()
    assert "carla@acme.example" in main
    assert "Standup" in main  # the timeline
    assert f"Met at the climbing wall {XSS}" in main  # the note, as text
    _no_overflow(page)
    w.check()
    # The XSS person's page: the name is text, and nothing ran.
    page.goto(site.url + f"/people/{site.ids['evil']}")
    assert XSS in page.locator("h1").inner_text()
    w.check()


def test_find_an_intro_path(web_page: tuple[Watched, Site]) -> None:
    w, site = web_page
    page = w.page
    _login(w, site)
    page.goto(site.url + "/network")
    page.wait_for_load_state("networkidle")  # the map's data, fetched by map.js
    form = page.locator('form[action*="path"]').first
    box = form.locator('input:not([type="hidden"]):not([type="submit"])').first
    box.fill("Dana Target")
    form.locator('button[type="submit"]').first.click()
    page.wait_for_load_state()
    page.wait_for_function("() => document.querySelector('main').innerText.includes('Bob Stone')")
    main = page.locator("main").inner_text()
    assert "Dana Target" in main and "Bob Stone" in main
    _no_overflow(page)
    w.check()


def test_plan_a_gathering(web_page: tuple[Watched, Site]) -> None:
    w, site = web_page
    page = w.page
    _login(w, site)
    page.goto(site.url + "/gatherings")
    on = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    create = page.locator('form[action="/gatherings"]')
    create.locator('input[name="name"]').fill("Supper for six")
    create.locator('input[name="on"]').fill(on)
    create.locator('input[name="capacity"]').fill("6")
    create.locator('button[type="submit"]').click()
    page.wait_for_url(re.compile(re.escape(site.url) + r"/gatherings/\d+"))
    assert "Gathering created: Supper for six" in page.locator(".flash").inner_text()
    invite = page.locator('form[action$="/invite"]').filter(
        has=page.locator('textarea[name="names"]')
    )
    invite.locator('textarea[name="names"]').fill(
        "Ana Silva\nBob Stone\nCarla Mendes\nDana Target\nGuest 1\nGuest 2"
    )
    invite.locator('button[type="submit"]').click()
    page.wait_for_load_state()
    assert "6 invited." in page.locator(".flash").inner_text()
    # Everyone says yes (one RSVP form per guest; each answer reloads the page).
    for n in range(6):
        rsvp = page.locator('form[action$="/rsvp"]').nth(n)
        rsvp.locator('select[name="status"]').select_option("confirmed")
        rsvp.locator('button[type="submit"]').click()
        page.wait_for_load_state()
    plan = page.locator('form[action$="/plan"]')
    if not plan.is_visible():
        page.locator("details.plan-form > summary").click()
    plan.locator('input[name="tables"]').fill("3, 3")
    plan.locator('input[name="seconds"]').fill("0.5")
    plan.locator('button[type="submit"]').click()
    # A job with a progress bar, then the plan drawn as tables.
    page.wait_for_selector(".seat-table", timeout=60_000)
    assert page.locator(".round").count() == 1
    assert page.locator(".seat-table").count() == 2
    assert page.locator(".seat-table .guest").count() == 6
    assert page.locator(".quality-text").inner_text().strip() != ""
    # Move a guest: the objective re-scores at once (POST /gatherings/{id}/rescore).
    first = page.locator('.seat-table[data-table="0"] .guest').first
    person = first.get_attribute("data-person")
    first.locator("select.move").select_option("1")
    page.wait_for_selector(f'.seat-table[data-table="1"] .guest[data-person="{person}"]')
    # Four at a table of three: the re-score names the problem, and saving waits for a fix.
    page.wait_for_function("() => document.querySelectorAll('.problems li').length > 0")
    assert "table" in page.locator(".problems").inner_text().lower()
    assert page.locator(".save-seating").is_disabled()
    assert page.locator(".reset-seating").is_enabled()
    _no_overflow(page)
    w.check()


VCARD = """BEGIN:VCARD\r
VERSION:3.0\r
FN:Eve Imported\r
N:Imported;Eve;;;\r
EMAIL:eve@import.example\r
ORG:Initech\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:3.0\r
FN:Carla Mendes\r
EMAIL:carla@acme.example\r
TEL:+44 20 7946 0001\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:3.0\r
FN:<script>alert(1)</script> Card\r
EMAIL:xss@import.example\r
END:VCARD\r
"""


def test_import_a_vcard_with_the_preview(web_page: tuple[Watched, Site], tmp_path: Path) -> None:
    w, site = web_page
    page = w.page
    _login(w, site)
    card = tmp_path / "contacts.vcf"
    card.write_text(VCARD, encoding="utf-8")
    with site.ledger() as ledger:
        people_before = ledger.count_people()
    page.goto(site.url + "/import")
    page.set_input_files('input[name="file"]', str(card))
    page.locator('form[action="/import"] button[type="submit"]').click()
    # The dry run: a preview of what it would do, nothing written yet.
    page.wait_for_selector(".import-summary", timeout=60_000)
    assert "What this file would do" in page.locator(".import-summary").inner_text()
    assert page.locator('[data-count="records"]').first.inner_text() == "3"
    assert page.locator('[data-count="created"]').first.inner_text() == "2"
    assert XSS + " Card" in page.locator("main").inner_text()
    with site.ledger() as ledger:
        assert ledger.count_people() == people_before
    _no_overflow(page)
    page.get_by_role("button", name="Import it").click()
    page.wait_for_function(
        "() => document.querySelector('.import-summary h2')?.innerText === 'Imported'",
        timeout=60_000,
    )
    with site.ledger() as ledger:
        assert ledger.count_people() == people_before + 2
        assert [p.name for p in ledger.people() if p.name == "Eve Imported"] == ["Eve Imported"]
    w.check()
