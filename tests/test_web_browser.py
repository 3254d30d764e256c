"""End to end: the real server (uvicorn on a free localhost port) driven by Chromium.

Opens every page, searches and follows a result, filters the timeline, plays with the actor
network, and checks that an article carrying <script> and <img onerror> stays inert text.
Screenshots go to ``tmp_path`` and a copy of each to /tmp/storyline-shots/.

Chromium is Debian's (/usr/bin/chromium, installed by ``make install-test``); when it is
missing these tests fail, they never skip.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, sync_playwright

from storyline.settings import Settings
from storyline.web import create_app
from test_web_api import (
    AGREE_SENTENCE,
    CONSULT_SENTENCE,
    MOSCOW_AGAIN,
    add_test_events,
    build_knowledge_base,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path("/tmp/storyline-shots")
# how long the server may take to start listening (seconds): a bound on a wait, not a timing
SERVER_START_LIMIT = 30.0
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@dataclass
class Tab:
    """A page plus everything it reported: dialogs (alert, confirm) and script errors."""

    page: Page
    folder: Path
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def shot(self, name: str) -> Path:
        path = self.folder / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SHOTS / path.name)
        return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = build_knowledge_base(tmp_path_factory.mktemp("browser-kb"))
    add_test_events(db)
    port = _free_port()
    config = uvicorn.Config(
        create_app(str(db), Settings()), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_LIMIT
    while not server.started:
        assert thread.is_alive(), "the server stopped while starting"
        assert time.monotonic() < deadline, "the server did not start listening"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make install-test` to install it")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _open_tab(browser: Browser, folder: Path, viewport: dict[str, int]) -> Iterator[Tab]:
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    tab = Tab(context.new_page(), folder)

    def on_dialog(dialog: Dialog) -> None:
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            tab.errors.append(message.text)

    tab.page.on("dialog", on_dialog)
    tab.page.on("console", on_console)
    tab.page.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    context.close()
    assert tab.dialogs == [], "a dialog opened: some article text ran as script"
    assert tab.errors == [], "the page logged errors (a script failed or CSP blocked one)"


@pytest.fixture
def tab(browser: Browser, tmp_path: Path) -> Iterator[Tab]:
    yield from _open_tab(browser, tmp_path, DESKTOP)


@pytest.fixture
def phone(browser: Browser, tmp_path: Path) -> Iterator[Tab]:
    yield from _open_tab(browser, tmp_path, PHONE)


def _no_horizontal_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_overview_page(tab: Tab, base_url: str) -> None:
    tab.page.goto(base_url + "/")
    assert tab.page.title() == "Overview · storyline"
    assert tab.page.locator("#doc-count").inner_text() == "7"
    assert tab.page.get_by_role("link", name="Min Aung Hlaing").first.is_visible()
    assert tab.page.get_by_text("2024-11-29").first.is_visible()
    tab.shot("overview")


def test_every_page_fits_a_phone_screen(phone: Tab, base_url: str) -> None:
    for name, path in [
        ("overview", "/"),
        ("search", "/search?q=nuclear"),
        ("document", "/documents/sample-000"),
        ("timeline", "/timeline"),
        ("actors", "/actors"),
        ("sources", "/sources"),
        ("claims", "/claims"),
    ]:
        phone.page.goto(base_url + path)
        assert phone.page.locator("main").is_visible()
        if name != "actors":  # the actor table scrolls inside its own box
            assert _no_horizontal_scroll(phone.page), path
        phone.shot(f"phone-{name}")


def test_search_then_follow_a_result_to_the_document(tab: Tab, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "/")
    page.get_by_label("Search articles").fill("Rosatom")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=Rosatom")
    marks = page.locator(".snippet mark")
    assert marks.count() >= 2 and marks.first.inner_text() == "Rosatom"
    tab.shot("search")
    page.locator(
        ".hit-title", has_text="Russia, Myanmar increase bilateral relations"
    ).first.click()
    page.wait_for_url("**/documents/*")
    text = page.locator("#doctext")
    assert "Rosatom Atomic Energy Corporation" in text.inner_text()
    assert page.locator("#doctext .actor").count() > 0
    assert page.locator("#doctext .date", has_text="November 29").is_visible()
    removed = page.locator("#removed table")
    assert not removed.is_visible()
    page.locator("#removed summary").click()
    assert removed.is_visible() and "teaser-list" in removed.inner_text()
    tab.shot("document")


def test_hovering_an_actor_lights_its_mentions(tab: Tab, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "/documents/sample-000")
    page.locator('.chips a[data-actor="min-aung-hlaing"]').hover()
    lit = page.locator('#doctext .actor.lit[data-actor="min-aung-hlaing"]')
    assert lit.count() >= 2
    page.locator("h1").hover()
    assert lit.count() == 0


def test_copy_links_to_its_original(tab: Tab, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "/documents/copy-000")
    page.locator(".notice.duplicate a").click()
    page.wait_for_url("**/documents/sample-000")
    assert page.get_by_text("Copied by:").is_visible()


def test_timeline_filter(tab: Tab, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "/timeline")
    entries = page.locator("#dated .entry")
    assert entries.count() == 2
    assert page.locator("#undated .entry").count() == 2
    assert page.get_by_text(CONSULT_SENTENCE).is_visible()
    assert page.get_by_text(AGREE_SENTENCE).is_visible()
    page.locator("#f-type").select_option("CONSULT")
    page.locator("#f-since").fill("2024-11-25")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/timeline?*type=CONSULT*")
    assert entries.count() == 1
    assert page.get_by_text(CONSULT_SENTENCE).is_visible()
    assert page.get_by_text(AGREE_SENTENCE).count() == 0
    assert page.locator("#undated").count() == 0  # a date filter leaves the undated out
    assert page.locator("#timeline-count").inner_text() == "1 event"
    tab.shot("timeline-filtered")
    page.locator("#f-since").fill("2024-02-30")
    page.get_by_role("button", name="Filter").click()
    assert "not a calendar date" in page.get_by_role("alert").inner_text()
    # the browser logs the page's 400 status: expected here, and the only error
    assert [e for e in tab.errors if "status of 400" not in e] == []
    tab.errors.clear()


def test_timeline_shows_undated_events_after_the_dated_ones(tab: Tab, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "/timeline")
    count = page.locator("#timeline-count").inner_text()
    assert count == "4 events; 2 without a stated date, listed after the dated ones"
    heading = page.get_by_role("heading", name="Undated events")
    assert heading.is_visible()
    dated_bottom = page.locator("#dated").bounding_box()
    heading_top = heading.bounding_box()
    assert dated_bottom and heading_top
    assert heading_top["y"] >= dated_bottom["y"] + dated_bottom["height"]  # below the dated
    visit = page.locator("#undated .entry").first
    assert visit.locator(".not-stated").inner_text() == "date not stated"
    assert (
        visit.locator(".reported")
        .inner_text()
        .startswith("reported in documents published 2024-03-12 to ")
    )
    assert visit.get_by_text(MOSCOW_AGAIN).is_visible()
    assert visit.get_by_text("2 reports:").is_visible()
    tab.shot("timeline-undated")
    visit.get_by_role("link", name="rfa.org").click()
    page.wait_for_url("**/documents/sample-000")
    page.goto(base_url + "/timeline?actor=putin")
    assert page.locator("#undated .entry").count() == 1
    assert page.get_by_text(MOSCOW_AGAIN).is_visible()


def test_injected_markup_stays_inert_text(tab: Tab, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "/documents/injected")
    text = page.locator("#doctext")
    assert text.get_by_text("<script>alert(1)</script>", exact=False).is_visible()
    assert "<img src=x onerror=alert(1)>" in text.inner_text()
    assert page.locator("#doctext script, #doctext img, main img").count() == 0
    assert page.get_by_text("Evil <b>Outlet</b>").is_visible()
    tab.shot("injected")
    page.goto(base_url + "/search?q=statement+contained")
    assert "<script>alert(1)</script>" in page.locator(".snippet").first.inner_text()
    page.goto(base_url + "/sources")
    assert page.get_by_role("cell", name="Evil <b>Outlet</b>").is_visible()
    assert page.locator("h3", has_text="Evil <b>Outlet</b>").is_visible()


def _node_point(page: Page, actor_id: str) -> tuple[float, float]:
    canvas = page.locator("#network")
    layout = json.loads(canvas.get_attribute("data-layout") or "[]")
    node = next(n for n in layout if n["id"] == actor_id)
    box = canvas.bounding_box()
    assert box is not None
    width, height = page.evaluate("[network.width, network.height]")
    return box["x"] + node["x"] * box["width"] / width, box["y"] + node["y"] * box[
        "height"
    ] / height


def test_actor_network_hover_drag_and_click(tab: Tab, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "/actors")
    canvas = page.locator("#network[data-layout]")
    canvas.wait_for()
    assert int(canvas.get_attribute("data-nodes") or 0) >= 5
    assert int(canvas.get_attribute("data-edges") or 0) >= 1
    x, y = _node_point(page, "russia")
    page.mouse.move(x, y)
    assert canvas.get_attribute("data-hover") == "russia"
    assert page.locator("#network-info").inner_text().startswith("Russia · ")
    tab.shot("actors")
    page.mouse.down()
    page.mouse.move(x + 60, y + 40, steps=5)
    page.mouse.up()
    moved = _node_point(page, "russia")
    assert moved != (x, y)
    page.mouse.click(*moved)
    page.wait_for_url("**/timeline?actor=russia")
    assert page.locator("#f-actor").input_value() == "russia"


def test_sources_page(tab: Tab, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "/sources")
    rows = page.locator("#sources-table tbody tr")
    outlets = page.request.get(base_url + "/api/sources").json()["sources"]
    assert rows.count() == len(outlets) >= 3
    assert page.get_by_role("cell", name="mirror.example").is_visible()
    tab.shot("sources")


def test_sources_page_profiles_each_outlet(tab: Tab, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "/sources")
    profiles = page.locator("#source-profiles .profile")
    expected = page.request.get(base_url + "/api/sources").json()["profiles"]
    assert profiles.count() == len(expected) >= 3
    rfa = page.locator('.profile[data-source="rfa.org"]')
    assert rfa.locator(".badge.kind").inner_text() == "news article"
    assert "copy-000" in rfa.inner_text()  # the mirror's copy counts for the original outlet
    assert page.locator(".profile .badge.kind", has_text="forum post").count() >= 1
    assert page.locator(".naming td", has_text="“the military leader”").first.is_visible()
    tab.shot("sources-profiles")


def test_claims_board_verdicts_filter_and_links(tab: Tab, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "/")
    page.get_by_role("link", name="Claims", exact=True).click()
    page.wait_for_url("**/claims")
    predicate = page.locator(".predicate", has_text=re.compile(r"^trips to Russia$"))
    trips = page.locator("article.claim", has=predicate)
    assert trips.count() == 1
    assert trips.locator(".badge").inner_text() == "contested"
    assert trips.locator(".statements tbody tr").count() >= 2
    assert trips.locator(".explanation").inner_text()
    king = page.locator("article.claim", has=page.locator("td.value", has_text="king"))
    assert king.count() == 1 and king.locator(".badge").inner_text() == "corroborated"
    verdicts = page.locator("article.claim").evaluate_all(
        "nodes => nodes.map(n => n.dataset.verdict)"
    )
    order = ["contested", "corroborated", "changed-over-time", "single-source"]
    assert verdicts == sorted(verdicts, key=order.index)
    tab.shot("claims")
    page.locator("#verdict-filter a.verdict-corroborated").click()
    page.wait_for_url("**/claims?verdict=corroborated")
    shown = page.locator("article.claim")
    assert shown.count() >= 1
    assert set(shown.evaluate_all("nodes => nodes.map(n => n.dataset.verdict)")) == {"corroborated"}
    king.locator(".statements a").first.click()
    page.wait_for_url("**/documents/*")
    assert page.locator("#doctext").inner_text()
