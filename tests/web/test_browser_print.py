"""Printing and chart downloads in a real browser (issue 19): the overview printed to PDF
(Playwright's ``page.pdf``, Chromium's own print path, with print.css) holds the page —
the unit's name, its score and rank, the charts at the paper's width — and not the menu;
each chart's camera button downloads a PNG named in Chinese, offline."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.conftest import SCREENSHOTS
from tests.web.page_ready import wait_ready
from tests.web.test_browser import Watch

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"


@pytest.fixture
def overview(server: str, browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    watch = Watch(context.new_page())
    watch.page.goto(f"{server}/?lang=zh", timeout=120000)
    wait_ready(watch.page, timeout=60000)
    try:
        yield watch
    finally:
        context.close()


def _words(pdf: Path) -> list[tuple[int, float, float, str]]:
    """The PDF's words: page number, left x, top y, text (``pdftotext -bbox``)."""
    out = subprocess.run(
        [PDFTOTEXT, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = []
    for n, page in enumerate(out.split("<page ")[1:], start=1):
        for x, y, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', page
        ):
            words.append((n, float(x), float(y), html.unescape(text)))
    return words


def test_the_overview_prints_as_the_page(server: str, overview: Watch, tmp_path: Path) -> None:
    assert Path(PDFTOTEXT).exists(), "pdftotext is missing: run scripts/ensure-system-deps.sh"
    data = httpx.get(f"{server}/api/overview?lang=zh", timeout=120).json()
    pdf = tmp_path / "overview.pdf"
    overview.page.pdf(path=str(pdf), format="A4", print_background=True)
    text = subprocess.run([PDFTOTEXT, str(pdf), "-"], capture_output=True, text=True).stdout
    squeezed = re.sub(r"\s+", "", text)
    assert data["unit_name"] in squeezed
    assert data["latest"]["score_text"] in squeezed and data["latest"]["rank_text"] in squeezed
    for menu in ("权重模拟", "稳健性", "下载数据"):  # the menu and the downloads stay on screen
        assert menu not in squeezed, menu
    # the index chart fits the paper: its x axis shows every year, the last one on the
    # same line as the first (cut at the right edge before print.css)
    years = [r["period"] for r in data["series"]]
    words = _words(pdf)
    first = [(p, y) for p, _, y, w in words if w == years[0]]
    assert first, "the chart's first year is printed"
    assert any(
        w == years[-1] and p == fp and abs(y - fy) < 2 for fp, fy in first for p, _, y, w in words
    ), "the chart's last year is printed on its axis"
    assert overview.errors == [], overview.errors


def test_a_chart_downloads_as_png_offline(overview: Watch) -> None:
    page = overview.page
    card = page.locator(".card", has=page.locator("#chart-index"))
    title = card.locator("h2").inner_text().strip()
    button = card.locator(".modebar-btn[data-title]")
    assert button.count() == 1  # plotly's camera, the only button of the mode bar
    assert button.get_attribute("data-title") == "下载图表（PNG 图片）"
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith(".png")
    assert download.suggested_filename.startswith(title)
    path = Path(download.path())
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    local = {h for h in overview.hosts if not h.startswith("blob:http://127.0.0.1:")}
    assert local == {"127.0.0.1"}, overview.hosts  # drawn in the browser: a local blob
    assert overview.errors == [], overview.errors
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "overview-downloads-zh.png"), full_page=True)
