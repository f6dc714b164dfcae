"""The leader's dashboard in a real browser (Debian's Chromium, Playwright): the overview's
headline sentence says what the tables say; Chinese pages show no internal code, no
"nan"/"None"; no page scrolls sideways on a phone (390x844); no serious or critical
accessibility violation (axe-core, from npm) on any page, in both languages, at both
sizes; the city is not drawn in a light's colour."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.request import urlopen
from zoneinfo import ZoneInfo

import pytest

from tests.web.auth_helpers import browser_login
from tests.web.page_ready import wait_ready

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core as ``npm ci`` installs it (package-lock.json; scripts/ensure-system-deps.sh)."""

PAGES = (
    "/",
    "/warnings",
    "/dimension/economy",
    "/dimension/livelihood",
    "/indicator/EC01",
    "/peers",
    "/towns",
    "/reweight",
    "/robustness",
    "/methodology",
)
DESKTOP, PHONE = (1440, 900), (390, 844)
SIZES = (DESKTOP, PHONE)


def _json(server: str, path: str) -> Any:
    with urlopen(f"{server}{path}") as r:
        return json.loads(r.read().decode("utf-8"))


@pytest.fixture(scope="module")
def pages(browser: Any) -> Iterator[dict[tuple[int, int], Any]]:
    """One page per size (kept for the module: the contexts are cheap, the loads not)."""
    contexts = {
        size: browser.new_context(viewport={"width": size[0], "height": size[1]}) for size in SIZES
    }
    try:
        yield {size: c.new_page() for size, c in contexts.items()}
    finally:
        for c in contexts.values():
            c.close()


@dataclass(frozen=True)
class Visited:
    """What the checks read off one page, loaded once for all of them."""

    text: str
    """The body's text as shown."""
    width: int
    """The document's width (``scrollWidth``)."""
    inner: int
    """The window's width."""
    wide: list[str]
    """Up to five elements reaching past the window's right edge."""
    axe: list[str]
    """axe-core's serious and critical violations."""


Visiting = Callable[[str, str, tuple[int, int]], Visited]


@pytest.fixture(scope="module")
def visit(server: str, pages: dict[tuple[int, int], Any]) -> Visiting:
    """``visit(path, lang, size)``: the page loaded once at that size, in that language,
    for every check of the module (each load costs about a second)."""

    @cache
    def get(path: str, lang: str, size: tuple[int, int]) -> Visited:
        page = pages[size]
        _open(page, f"{server}{path}?lang={lang}")
        width, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        wide = page.evaluate(
            "Array.from(document.querySelectorAll('body *'))"
            ".filter(e => e.getBoundingClientRect().right > innerWidth + 1)"
            ".slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id)"
        )
        text = page.locator("body").inner_text()
        return Visited(text, width, inner, wide, _axe(page))

    return get


def _open(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    wait_ready(page)


def _ordinal(k: int) -> str:
    return f"{k}{'th' if 10 <= k % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th')}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_headline_says_what_the_tables_say(
    server: str, pages: dict[tuple[int, int], Any], lang: str
) -> None:
    ranking = _json(server, f"/api/ranking?lang={lang}")
    rows = ranking["rows"]
    me = next(r for r in rows if r["focus"])
    before = _json(server, f"/api/ranking?lang={lang}&period={ranking['periods'][-2]}")
    prev = next(r for r in before["rows"] if r["unit"] == me["unit"])["rank"]
    better = [r for r in rows if r["score"] > me["score"]]
    worse = [r for r in rows if r["score"] < me["score"]]
    above = min(better, key=lambda r: r["score"])
    below = max(worse, key=lambda r: r["score"])
    robust = _json(server, f"/api/robustness?lang={lang}")
    band = next(r for r in robust["rows"] if r["unit"] == me["unit"])
    lo, hi = int(band["q05"]), int(band["q95"])
    warnings = _json(server, f"/api/warnings?lang={lang}&unit={me['unit']}")
    reds = Counter(
        {d["department"]: d["counts"]["red"] for d in warnings["departments"] if d["counts"]["red"]}
    )
    n_red = sum(reds.values())
    assert n_red == next(x["count"] for x in warnings["counts"]["lights"] if x["colour"] == "red")

    page = pages[DESKTOP]
    _open(page, f"{server}/?lang={lang}")
    text = page.locator("#headline").inner_text()
    gap_up = f"{above['score'] - me['score']:.1f}"
    gap_down = f"{me['score'] - below['score']:.1f}"
    if lang == "zh":
        parts = [
            f"{me['score']:.1f}分",
            f"{ranking['group']}第{me['rank']}（上年第{prev}）",
            f"落后第{above['rank']}名{gap_up}分",
            f"领先第{below['rank']}名{gap_down}分",
            f"90%情形下第{lo}–{hi}名" if lo != hi else f"90%情形下第{lo}名",
        ]
        if len(reds) == 1:
            (dept,) = reds
            parts.append(f"{n_red}项红灯均属{dept}" if n_red > 1 else f"1项红灯属{dept}")
        else:
            parts.append(f"{n_red}项红灯" if n_red else "无红灯")
    else:
        parts = [
            f"{me['score']:.1f} points",
            f"{_ordinal(me['rank'])} of {len(rows)}",
            f"{_ordinal(prev)} last year",
            f"{gap_up} behind the {_ordinal(above['rank'])}",
            f"{gap_down} ahead of the {_ordinal(below['rank'])}",
            "in 90% of scenarios",
            f"{n_red} red light" if n_red else "no red lights",
        ]
    for part in parts:
        assert part in text, f"{part!r} not in the headline {text!r}"
    # the rank card: last year's rank and the band, the numbers of the sentence
    notes = page.locator("#kpi-rank-notes").inner_text()
    assert str(prev) in notes and f"{lo}–{hi}" in notes if lo != hi else str(lo) in notes


def _node_codes(demo_url: str) -> set[str]:
    from qcity.web.state import Dashboard

    fw = Dashboard(demo_url).framework
    return {n.code for n in fw.nodes()} | {fw.root.code}


def test_chinese_pages_show_no_codes_nor_nan(demo_url: str, visit: Visiting) -> None:
    codes = _node_codes(demo_url)
    assert "economy_strength" in codes
    for path in PAGES:
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", visit(path, "zh", DESKTOP).text))
        shown = sorted(codes & words)
        assert shown == [], f"{path} shows framework codes {shown}"
        for bad in ("nan", "None", "NaN"):
            assert bad not in words, f"{path} shows {bad!r}"


def test_indicator_facts_show_the_target(server: str, pages: dict[tuple[int, int], Any]) -> None:
    page = pages[DESKTOP]
    _open(page, f"{server}/indicator/EC01?lang=zh")
    target = page.locator("#target-value").inner_text().strip()
    assert target and target != "–"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_page_scrolls_sideways_on_a_phone(visit: Visiting, lang: str) -> None:
    for path in PAGES:
        seen = visit(path, lang, PHONE)
        wide = f"{path} is {seen.width}px wide at {seen.inner}px: {seen.wide}"
        assert seen.width <= seen.inner, wide


AXE_RUN = """() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3)
    .map(n => n.target.join(' ')).join(' | ')))"""


def _axe(page: Any) -> list[str]:
    assert AXE.exists(), f"{AXE} is missing: run `npm ci` (scripts/ensure-system-deps.sh)"
    page.add_script_tag(path=str(AXE))
    found: list[str] = page.evaluate(AXE_RUN)
    return found


@pytest.mark.parametrize("size", SIZES, ids=["desktop", "phone"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_serious_accessibility_violation(
    visit: Visiting, lang: str, size: tuple[int, int]
) -> None:
    found = {path: visit(path, lang, size).axe for path in PAGES}
    assert {path: bad for path, bad in found.items() if bad} == {}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_audit_log_is_readable_and_accessible(account_server: str, browser: Any, lang: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        browser_login(page, account_server, "analyst")
        wait_ready(page)  # the overview the login lands on: its requests done
        _open(page, f"{account_server}/audit?lang={lang}")
        text = page.locator("#audit-table").inner_text()
        assert "{" not in text, "the audit log shows raw JSON"
        # the time in Asia/Shanghai, from the UTC time stored
        first = page.locator("#audit-table tbody th").first
        utc = datetime.fromisoformat(first.get_attribute("data-utc") or "")
        shown = utc.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S")
        assert first.inner_text().strip() == shown
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        assert _axe(page) == []
    finally:
        context.close()
