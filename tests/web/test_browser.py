"""The dashboard in a real browser (Debian's Chromium driven by Playwright): every page
loads without a console error and without a request leaving 127.0.0.1, in Chinese and in
English; the language switch keeps the page; a weight slider changes the ranking shown;
an upload with an error shows it and stores nothing. A screenshot of each page is saved
under var/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from qcity.data.store import Store
from tests.web.auth_helpers import browser_login
from tests.web.conftest import SCREENSHOTS
from tests.web.page_ready import wait_ready

PAGES = {
    "overview": "/",
    "warnings": "/warnings",
    "dimension": "/dimension/economy",
    "indicator": "/indicator/EC01",
    "peers": "/peers",
    "towns": "/towns",
    "reweight": "/reweight",
    "robustness": "/robustness",
    "methodology": "/methodology",
    "upload": "/upload",
}


class Watch:
    """A page with its console errors, failed requests and every host it asked."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.hosts: set[str] = set()
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.hosts.add(urlparse(r.url).hostname or r.url))
        page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url}"))


@contextmanager
def _tab(browser: Any) -> Iterator[Watch]:
    """A browser context of its own (1366x768, zh-CN) and its one page, watched."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    try:
        yield Watch(context.new_page())
    finally:
        context.close()


@pytest.fixture
def watch(browser: Any) -> Iterator[Watch]:
    with _tab(browser) as tab:
        yield tab


@pytest.fixture(scope="module")
def visitor(browser: Any) -> Iterator[Watch]:
    """One anonymous visitor's tab, going from page to page as a reader does: a new tab
    for each page would start a renderer and compile plotly.js's 4.8 MB again (1.5 s)."""
    with _tab(browser) as tab:
        yield tab


@pytest.fixture
def page_watch(request: pytest.FixtureRequest, visitor: Watch) -> Watch:
    """The visitor's tab, its errors and hosts cleared (the page before was complete when
    its test ended: ``wait_ready``); for the upload page, which needs a login, a tab of its
    own (``watch``: its session cookie stays there)."""
    if request.node.callspec.params["name"] == "upload":
        own: Watch = request.getfixturevalue("watch")
        return own
    visitor.errors.clear()
    visitor.hosts.clear()
    return visitor


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_clean(
    server: str, account_server: str, page_watch: Watch, name: str, lang: str
) -> None:
    watch = page_watch
    page = watch.page
    if name == "upload":  # only who may enter values sees it
        server = account_server
        browser_login(page, server, "analyst")
        # the login lands on the overview, whose requests the next page.goto may cut short:
        # let them finish, and judge only the page under test
        wait_ready(page)
        watch.errors.clear()
    response = page.goto(f"{server}{PAGES[name]}?lang={lang}")
    assert response is not None and response.status == 200
    wait_ready(page)
    assert watch.errors == []
    assert watch.hosts == {"127.0.0.1"}, watch.hosts
    html_lang = page.get_attribute("html", "lang")
    assert html_lang == ("zh-CN" if lang == "zh" else "en")
    # the demo is illustrative: the page that shows its values says so, visibly
    if name not in ("methodology", "upload"):
        assert page.locator(".notice").first.is_visible()
        assert page.locator(".badge.ill").first.is_visible()
    # nothing wider than the window at 1366x768
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "Array.from(document.querySelectorAll('*'))"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    assert width <= 1366, f"{name} is {width}px wide: {wide}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{lang}.png"), full_page=True)


def test_wall_screen_and_print(server: str, browser: Any) -> None:
    """At 1920x1080 the overview fits the width; its print version hides the menu."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(f"{server}/")
    wait_ready(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920
    page.screenshot(path=str(SCREENSHOTS / "overview-1920.png"))
    page.emulate_media(media="print")
    assert not page.locator("header nav").is_visible()
    assert page.locator(".notice").first.is_visible()
    page.screenshot(path=str(SCREENSHOTS / "overview-print.png"), full_page=True)
    context.close()


def test_main_is_busy_while_its_data_loads(server: str, watch: Watch) -> None:
    """``<main>`` is aria-busy from the page's request for its data until the data is drawn
    (app.js): a screen reader waits, and so does ``wait_ready``."""
    page = watch.page
    held: list[Any] = []
    page.route("**/api/overview?*", lambda route: held.append(route))
    page.goto(f"{server}/?lang=zh", wait_until="load")
    assert page.locator("#main").get_attribute("aria-busy") == "true"
    assert page.locator("#chart-index .main-svg").count() == 0
    assert len(held) == 1
    held[0].continue_()
    wait_ready(page)
    assert page.locator("#main").get_attribute("aria-busy") is None
    assert page.locator("#chart-index .main-svg").count() > 0


def test_language_switch_keeps_the_page(server: str, watch: Watch) -> None:
    page = watch.page
    page.goto(f"{server}/dimension/culture?lang=zh")
    assert "社会文化" in page.locator("h1").inner_text()
    with page.expect_navigation():
        page.click("#lang-switch")
    wait_ready(page)
    assert urlparse(page.url).path == "/dimension/culture"
    assert "Social culture" in page.locator("h1").inner_text()
    # the choice is kept for the next page (cookie)
    page.goto(f"{server}/peers")
    assert page.get_attribute("html", "lang") == "en"
    with page.expect_navigation():
        page.click("#lang-switch")
    wait_ready(page)
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert urlparse(page.url).path == "/peers"


def _order(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "#reweight-table tbody tr", "rows => rows.map(r => r.dataset.unit)"
    )


def test_slider_changes_the_ranking(server: str, watch: Watch) -> None:
    page = watch.page
    page.goto(f"{server}/reweight?lang=zh")
    before = _order(page)
    assert len(before) == 10
    # all the weight on one dimension: the ranking becomes that dimension's ranking
    for code in ("economy", "culture", "ecology", "services", "livelihood"):
        slider = page.locator(f"input[name={code}]")
        slider.fill("5" if code == "ecology" else "0")
    page.wait_for_function(
        "document.getElementById('weights').dataset.done === "
        "'economy:0,culture:0,ecology:5,services:0,livelihood:0'",
        timeout=15000,
    )
    after = _order(page)
    assert sorted(after) == sorted(before)
    assert after != before
    assert "w=economy%3A0" in page.url or "w=economy:0" in page.url
    assert watch.errors == []
    shared = page.url
    page.goto(shared)
    assert _order(page) == after


def test_upload_with_an_error_stores_nothing(
    account_server: str, account_url: str, watch: Watch, tmp_path: Path
) -> None:
    server, demo_url = account_server, account_url
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "unit,indicator,period,value\nliyang,EC01,2024,abc\nnowhere,EC01,2024,1\n",
        encoding="utf-8",
    )
    with Store(demo_url, create=False) as store:
        before = len(store.batches())
    page = watch.page
    browser_login(page, server, "analyst")
    page.goto(f"{server}/upload?lang=zh")
    page.set_input_files("#file", str(bad))
    page.click("#check")
    page.wait_for_selector("#problems tbody tr")
    text = page.locator("#report").inner_text()
    assert "未写入" in text
    assert "abc" in text and "nowhere" in text
    assert not page.locator("#confirm").is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "upload-error-zh.png"), full_page=True)
    with Store(demo_url, create=False) as store:
        assert len(store.batches()) == before


def test_lights_lead_to_the_warnings_and_the_tier_rank_to_its_path(
    server: str, watch: Watch
) -> None:
    """The overview's lights open the warnings by department (the same counts); on the
    towns page, another town and target rank show that town's gap and path."""
    page = watch.page
    page.goto(f"{server}/?lang=en")
    counts = page.eval_on_selector_all(
        "#kpi-lights .light-count", "xs => xs.map(x => [x.dataset.colour, x.textContent])"
    )
    with page.expect_navigation():
        page.click("#kpi-lights")
    assert urlparse(page.url).path == "/warnings"
    shown = page.eval_on_selector_all(
        "#light-counts .light-kpi",
        "xs => xs.map(x => [x.dataset.colour, x.querySelector('.v').textContent])",
    )
    assert [(c, int(n)) for c, n in counts] == [(c, int(n)) for c, n in shown]
    rows = page.locator(".department tbody tr").count()
    assert rows == sum(int(n) for _, n in shown)
    page.goto(f"{server}/towns?lang=zh")
    with page.expect_navigation():
        page.select_option("#pick-unit", "liyang_daibu")
    with page.expect_navigation():
        page.select_option("#pick-k", "3")
    assert "unit=liyang_daibu" in page.url and "k=3" in page.url
    assert "戴埠镇" in page.locator("#path-card").inner_text()
    assert page.get_attribute("#plan-state", "data-state") in ("path", "unreachable")
    assert watch.errors == []
    assert watch.hosts == {"127.0.0.1"}
