"""Hostile input: a unit name and a value's source holding script and markup are shown as
text on every page (escaped by the templates; the pages' JavaScript puts API data into
the page as text, never as HTML), and in a real browser no injected script runs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from qcity.data.roles import Actor
from qcity.data.store import Store
from qcity.web import create_app
from qcity.web.access import current_actor
from tests.web.auth_helpers import demo_copy
from tests.web.conftest import serve
from tests.web.page_ready import wait_ready

NAME = '<script>window.__pwned = 1</script>溧阳<img src="nowhere.png" onerror="window.__pwned = 2">'
SOURCE = '</td><script>window.__pwned = 3</script><b onmouseover="window.__pwned = 4">统计年鉴</b>'
PAGES = [
    "/",
    "/warnings",
    "/dimension/economy",
    "/indicator/EC01",
    "/peers",
    "/towns",
    "/reweight",
    "/robustness",
    "/methodology",
    "/upload",
]


@pytest.fixture(scope="module")
def hostile_url(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo with Liyang renamed to ``NAME`` and a 2024 value whose source is ``SOURCE``."""
    url = demo_copy(demo_url, tmp_path_factory.mktemp("hostile"))
    with Store(url) as store:
        units = store.units()
        row = units[units["code"] == "liyang"].iloc[0]
        store.add_units(
            pd.DataFrame(
                [
                    {
                        "code": "liyang",
                        "name_zh": NAME,
                        "name_en": NAME,
                        "type": row["type"],
                        "parent_code": None,
                    }
                ]
            ),
            entered_by="test",
        )
        ec01 = store.history("liyang", "EC01", "2024")
        store.add_observations(
            pd.DataFrame(
                [
                    {
                        "unit": "liyang",
                        "indicator": "EC01",
                        "period": "2024",
                        "value": float(ec01["value"].iloc[-1]) + 1,
                        "source": SOURCE,
                    }
                ]
            ),
            entered_by="test",
        )
    return url


@pytest.fixture(scope="module")
def client(hostile_url: str) -> Iterator[TestClient]:
    app = create_app(hostile_url)
    app.dependency_overrides[current_actor] = lambda: Actor("test", "analyst", via="test")
    with TestClient(app) as c:
        yield c


def test_the_api_returns_the_text_as_it_is(client: TestClient) -> None:
    meta = client.get("/api/meta").json()
    names = {u["code"]: u["name"] for u in meta["scopes"]["peers"]["units"]}
    assert names["liyang"] == NAME  # data, not markup: escaping is the page's job
    revisions = client.get("/api/indicators/EC01?unit=liyang").json()["revisions"]
    assert any(r.get("source") == SOURCE for r in revisions)


@pytest.mark.parametrize("path", PAGES)
def test_pages_escape_names_and_sources(client: TestClient, path: str) -> None:
    res = client.get(path)
    assert res.status_code == 200, res.text
    html = res.text
    for raw in (
        "<script>window.__pwned",
        '<img src="nowhere.png"',
        "<b onmouseover",
        "</td><script>",
    ):
        assert raw not in html, f"{path}: {raw!r} unescaped"
    if path in ("/", "/peers", "/indicator/EC01"):
        assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;溧阳" in html or (
            "\\u003cscript\\u003ewindow.__pwned = 1" in html
        ), f"{path} does not show the name at all"
    if path == "/indicator/EC01":
        assert "&lt;/td&gt;&lt;script&gt;window.__pwned = 3" in html


def test_no_injected_script_runs_in_the_browser(
    hostile_url: str, browser: Any, tmp_path: Any
) -> None:
    from tests.web.auth_helpers import add_user, browser_login

    add_user(hostile_url, "analyst", "analyst")
    with serve(hostile_url) as base:
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.add_init_script("window.__pwned = 0;")
        try:
            browser_login(page, base, "analyst")
            for path in PAGES:
                response = page.goto(f"{base}{path}")
                assert response is not None and response.status == 200, path
                wait_ready(page)
                page.mouse.move(300, 300)
                assert page.evaluate("window.__pwned") == 0, f"a script ran on {path}"
                assert page.locator("script:text('__pwned')").count() == 0, path
            # the name is shown as text where the page shows units
            page.goto(f"{base}/peers")
            assert NAME in page.locator("main").inner_text()
        finally:
            context.close()
    assert dialogs == []
