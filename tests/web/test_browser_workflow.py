"""The department workflow in a real browser: a clerk changes a value on the entry page,
saves it as a draft and submits it; a reviewer sees the previous and the submitted value
and approves it; the value is then what evaluations read. Screenshots of both pages are
saved under var/screenshots/."""

from __future__ import annotations

from typing import Any

from qcity.data.store import Store
from tests.web.auth_helpers import browser_login
from tests.web.conftest import SCREENSHOTS
from tests.web.test_browser import Watch


def _stored(url: str) -> float:
    with Store(url, create=False) as store:
        now = store.observations(indicators=["EC02"], units=["liyang"], periods=["2024"])
    return float(now["value"].iloc[0])


def test_a_clerk_submits_in_the_browser_and_a_reviewer_approves(
    account_server: str, account_url: str, browser: Any
) -> None:
    base = account_server
    before = _stored(account_url)
    new = round(before + 0.3, 6)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    clerk = Watch(browser.new_context(viewport={"width": 1366, "height": 768}).new_page())
    browser_login(clerk.page, base, "clerk")
    assert clerk.page.locator("nav a[href^='/entry']").count() == 1  # the menu offers entry
    clerk.page.goto(f"{base}/entry?unit=liyang&year=2024")
    clerk.page.fill("input[name=value_EC02]", f"{new:g}")
    with clerk.page.expect_navigation():
        clerk.page.click("#entry-form button[type=submit]")
    assert "saved=1" in clerk.page.url
    row = clerk.page.locator("#entry-form tr", has_text="EC02")
    assert "草稿" in row.inner_text()
    assert _stored(account_url) == before  # a draft is not what evaluations read
    with clerk.page.expect_navigation():
        clerk.page.click("#submit-form button[type=submit]")
    assert "已提交" in clerk.page.locator("#entry-form tr", has_text="EC02").inner_text()
    clerk.page.screenshot(path=str(SCREENSHOTS / "entry-zh.png"), full_page=True)

    reviewer = Watch(browser.new_context(viewport={"width": 1366, "height": 768}).new_page())
    browser_login(reviewer.page, base, "reviewer")
    reviewer.page.goto(f"{base}/review")
    line = reviewer.page.locator("#review-table tr", has_text="EC02")
    text = line.inner_text()
    assert f"{before:g}" in text and f"{new:g}" in text  # previous and submitted, side by side
    reviewer.page.screenshot(path=str(SCREENSHOTS / "review-zh.png"), full_page=True)
    line.locator("input[name=comment]").fill("与快报一致")
    with reviewer.page.expect_navigation():
        line.locator("button[value=approve]").click()
    assert reviewer.page.locator("#review-table tr", has_text="EC02").count() == 0
    assert _stored(account_url) == new  # approved: evaluations now read it

    for w in (clerk, reviewer):
        assert w.errors == [], w.errors
        assert w.hosts == {"127.0.0.1"}, w.hosts
