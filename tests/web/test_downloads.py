"""Downloads from the dashboard (issue 19): every table of every page as CSV and XLSX with
the rows the page shows, for the visitor the page is for (anonymous: the published run's
approved values only), text cells guarded against formula injection; the annual report
of the shown run as Word."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from qcity.data.roles import Actor, operator
from qcity.data.store import Store
from qcity.service import workflow as service
from qcity.web import create_app
from qcity.web.access import current_actor
from qcity.web.downloads import PAGES, TABLES
from tests.web.auth_helpers import demo_copy

#: A page of each kind and the tables it lists.
PAGE_OF = {
    "/": PAGES["/"],
    "/dimension/economy": PAGES["/dimension/"],
    "/indicator/EC01": PAGES["/indicator/"],
    "/peers": PAGES["/peers"],
    "/towns": PAGES["/towns"],
    "/warnings": PAGES["/warnings"],
    "/reweight": PAGES["/reweight"],
    "/robustness": PAGES["/robustness"],
    "/methodology": PAGES["/methodology"],
}


@pytest.fixture(scope="module")
def public_client(demo_url: str) -> Any:
    with TestClient(create_app(demo_url)) as c:
        yield c


@pytest.fixture
def public(public_client: TestClient) -> TestClient:
    """The module's client as a new visitor: no language cookie left by an earlier test
    (a ``?lang=en`` page sets one, and the pages then answer in English)."""
    public_client.cookies.clear()
    return public_client


def _links(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="(/download/[^"]+)"', html)]


def _csv(res: Any) -> pd.DataFrame:
    assert res.status_code == 200, res.text
    assert res.headers["content-type"].startswith("text/csv")
    assert res.content.startswith("\ufeff".encode())  # a BOM: Excel reads the UTF-8
    return pd.read_csv(io.StringIO(res.content.decode("utf-8-sig")), dtype=str)


def _xlsx(res: Any) -> pd.DataFrame:
    assert res.status_code == 200, res.text
    assert res.content[:2] == b"PK"  # a zip: an Office Open XML workbook
    return pd.read_excel(io.BytesIO(res.content), dtype=str)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", list(PAGE_OF))
def test_every_table_of_every_page_downloads(public: TestClient, page: str, lang: str) -> None:
    html = public.get(f"{page}?lang={lang}").text
    links = [h for h in _links(html) if "report" not in h]
    want = {f"{t}.{f}" for t in PAGE_OF[page] for f in ("csv", "xlsx")}
    assert {h.split("?")[0].removeprefix("/download/") for h in links} == want
    for href in links:
        got = _csv(public.get(href)) if ".csv?" in href else _xlsx(public.get(href))
        assert len(got.columns) >= 3, href
        assert f"lang={lang}" in href
        if lang == "zh":  # Chinese headers on a Chinese page
            assert all(re.search(r"[\u4e00-\u9fff]", c) for c in got.columns[:2]), got.columns
    disposition = public.get(links[0]).headers["content-disposition"]
    assert "attachment" in disposition and "filename*=UTF-8''" in disposition


def test_the_ranking_download_is_the_ranking_shown(public: TestClient) -> None:
    html = public.get("/peers").text
    table = html.split('id="ranking-table"')[1].split("</table>")[0]
    shown = re.findall(r'<td><a href="/\?[^"]*unit=[^"]*">([^<]+)</a></td>', table)
    got = _csv(public.get("/download/ranking.csv?scope=peers&lang=zh"))
    assert got["地区"].tolist() == shown and len(shown) > 3
    ranks = re.findall(r'<td class="num" data-sort="(\d+)">\d+</td>\s*<td><a', table)
    assert got["排名"].tolist() == ranks


def test_a_table_follows_the_page_query(public: TestClient) -> None:
    """The year picked on the ranking page, the unit of the overview."""
    years = _csv(public.get("/download/index.csv"))["年份"].tolist()
    older = _csv(public.get(f"/download/ranking.csv?scope=peers&period={years[-2]}"))
    newest = _csv(public.get("/download/ranking.csv?scope=peers"))
    assert older["综合指数"].tolist() != newest["综合指数"].tolist()
    html = public.get(f"/peers?period={years[-2]}").text
    assert f"/download/ranking.csv?period={years[-2]}&amp;scope=peers" in html


def test_an_unknown_table_is_a_clear_404(public: TestClient) -> None:
    res = public.get("/download/nothing.csv")
    assert res.status_code == 404 and "没有该表格" in res.text
    assert public.get("/download/ranking.pdf").status_code == 404


@pytest.fixture(scope="module")
def changed(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, float, str]:
    """A copy of the demo where EC01 of liyang 2024 got a new approved value after the
    published run, from a source that looks like a formula: the URL, the value, the source."""
    url = demo_copy(demo_url, tmp_path_factory.mktemp("changed"))
    op = operator("test")
    with Store(url, create=False) as store:
        old = store.observations(indicators=["EC01"], units=["liyang"], periods=["2024"])
        new = round(float(old["value"].iloc[0]) * 1.01, 1)
        source = '=HYPERLINK("http://example.invalid","快报")'
        row = {"unit": "liyang", "indicator": "EC01", "period": "2024", "value": new}
        row.update(
            {"expected_revision": int(store.history("liyang", "EC01", "2024")["revision"].max())}
        )
        row["source"] = source
        saved = service.save_draft(store, actor=op, rows=pd.DataFrame([row]), submit=True)
        service.approve(store, actor=op, ids=[s.id for s in saved], comment="ok")
    return url, new, source


def test_anonymous_visitors_download_the_published_values_only(
    changed: tuple[str, float, str],
) -> None:
    url, new, source = changed
    app = create_app(url)
    with TestClient(app) as anonymous:
        seen = _csv(anonymous.get("/download/revisions.csv?code=EC01&unit=liyang"))
    assert f"{new:g}" not in {f"{float(v):g}" for v in seen["数值"]}
    assert "填报人" not in seen.columns  # nor who entered them
    app.dependency_overrides[current_actor] = lambda: Actor("v", "viewer", user_id=9, via="session")
    with TestClient(app) as viewer:
        staff = _csv(viewer.get("/download/revisions.csv?code=EC01&unit=liyang"))
        book = _xlsx(viewer.get("/download/revisions.xlsx?code=EC01&unit=liyang"))
    assert f"{new:g}" in {f"{float(v):g}" for v in staff["数值"]}
    assert "'" + source in staff["来源"].tolist()  # a formula in a CSV: marked as text
    assert source in book["来源"].tolist()  # in .xlsx the quote prefix is a cell attribute


def test_the_annual_report_downloads_as_word(demo_url: str, tmp_path: Path) -> None:
    import docx

    from qcity.web.state import newest_published

    app = create_app(demo_url)
    app.state.report_samples = 20  # the rank bands with few samples: a quick test
    with TestClient(app) as c:
        page = c.get("/").text
        run = newest_published(demo_url)
        assert run is not None
        assert f"评价 #{int(run['id'])}" in page and "/download/report.docx?lang=zh" in page
        res = c.get("/download/report.docx?lang=zh")
    assert res.status_code == 200, res.text
    assert res.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in res.headers["content-disposition"]
    (tmp_path / "r.docx").write_bytes(res.content)
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs)
    overview = TestClient(create_app(demo_url)).get("/api/overview").json()
    assert overview["unit_name"] in text
    assert f"{int(run['id'])}" in text  # the run it reports on


def test_no_report_without_a_published_run_for_anonymous(tmp_path: Path) -> None:
    from qcity.demo.build import DEFAULT_SEED, build_demo, default_framework_path

    url = f"sqlite:///{tmp_path / 'unpublished.sqlite'}"
    with Store(url) as store:
        build_demo(store, default_framework_path(), DEFAULT_SEED)
    with TestClient(create_app(url)) as c:
        assert "/download/report.docx" not in c.get("/").text
        res = c.get("/download/report.docx")
    assert res.status_code == 404


def test_every_table_has_a_page() -> None:
    assert {t for tables in PAGES.values() for t in tables} == set(TABLES)
