"""The dashboard's JSON API with FastAPI's TestClient: every screen's data, checked
against each other and against sums worked out here; one error format; the upload that
checks before it stores; and the same on PostgreSQL."""

from __future__ import annotations

import re
import shutil
import statistics
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qcity.data.roles import Actor
from qcity.data.store import Store
from qcity.demo.build import default_framework_path
from qcity.framework.io import load_framework
from qcity.web import create_app
from qcity.web.access import current_actor
from tests.web.auth_helpers import add_user, login
from tests.web.conftest import publish_evaluation

DIMENSIONS = ["economy", "culture", "ecology", "services", "livelihood"]


@pytest.fixture(scope="module")
def client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_url)) as c:
        yield c


@pytest.fixture(scope="module")
def analyst(demo_url: str) -> Iterator[TestClient]:
    """The app as an analyst sees it (who may upload), without writing a user."""
    app = create_app(demo_url)
    app.dependency_overrides[current_actor] = lambda: Actor("test-analyst", "analyst", via="test")
    with TestClient(app) as c:
        yield c


def test_meta_lists_the_framework_and_both_evaluations(client: TestClient) -> None:
    meta = client.get("/api/meta").json()
    assert meta["framework"]["code"] == "liyang"
    assert [d["code"] for d in meta["dimensions"]] == DIMENSIONS
    peers, towns = meta["scopes"]["peers"], meta["scopes"]["towns"]
    assert peers["focus"] == "liyang" and len(peers["units"]) == 10
    assert len(towns["units"]) == 12  # Liyang's 3 streets and 9 towns
    assert all(u["code"].startswith("liyang_") for u in towns["units"])
    assert peers["periods"] == [str(y) for y in range(2015, 2025)]
    # the demo is illustrative, and says so
    assert peers["notice"]["illustrative"] > 0
    assert "示例" in peers["notice"]["text"]


def test_labels_follow_the_language(client: TestClient) -> None:
    zh = client.get("/api/overview?lang=zh").json()
    en = client.get("/api/overview?lang=en").json()
    assert zh["unit_name"] == "溧阳市" and en["unit_name"] == "Liyang"
    fw = load_framework(default_framework_path())
    assert [d["name"] for d in zh["radar"]["dimensions"]] == [c.name_zh for c in fw.root.children]
    assert [d["name"] for d in en["radar"]["dimensions"]] == [c.name_en for c in fw.root.children]
    assert en["latest"]["rank_text"].endswith("of 10")
    assert zh["latest"]["rank_text"].startswith("第")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_overview_api_says_what_the_page_says(client: TestClient, lang: str) -> None:
    """``/api/overview`` carries the page's headline and rank notes (one function makes
    both: ``web.headline.overview_with_headline``)."""
    import html
    import re

    ov = client.get(f"/api/overview?lang={lang}").json()
    page = client.get(f"/?lang={lang}").text
    shown = re.search(r'<p class="headline" id="headline">(.*?)</p>', page, re.S)
    assert ov["headline"] and shown is not None
    assert html.unescape(shown.group(1)) == ov["headline"]
    assert ov["rank_notes"] and all(html.escape(n) in page for n in ov["rank_notes"])


def test_overview_agrees_with_the_ranking(client: TestClient) -> None:
    ov = client.get("/api/overview").json()
    rk = client.get("/api/ranking").json()
    assert ov["period"] == rk["period"] == "2024"
    rows = {r["unit"]: r for r in rk["rows"]}
    assert ov["latest"]["rank"] == rows["liyang"]["rank"]
    assert ov["latest"]["score"] == pytest.approx(rows["liyang"]["score"])
    assert ov["series"][-1]["score"] == pytest.approx(ov["latest"]["score"])
    assert ov["latest"]["change"] == pytest.approx(
        ov["series"][-1]["score"] - ov["series"][-2]["score"]
    )
    # radar: the peer median and the mean of the five best OTHER units (the first tier the
    # unit is measured against does not contain the unit), worked out from the table
    others = sorted((r for r in rk["rows"] if r["unit"] != "liyang"), key=lambda r: -r["score"])
    top5 = others[:5]
    assert len(top5) == 5 and "liyang" not in {r["unit"] for r in top5}
    for j, dim in enumerate(ov["radar"]["dimensions"]):
        column = [r["dims"][j] for r in rk["rows"]]
        assert dim["median"] == pytest.approx(statistics.median(column))
        assert dim["top"] == pytest.approx(statistics.fmean(r["dims"][j] for r in top5))
        assert dim["unit"] == pytest.approx(rows["liyang"]["dims"][j])
    # the peers' median beside the unit's score; what 100 means on the frozen scale
    assert ov["latest"]["median"] == pytest.approx(
        statistics.median(r["score"] for r in rk["rows"])
    )
    assert "2015–2020" in ov["scale_note"] and "100" in ov["scale_note"]
    # coupling coordination is between 0 and 1, one value a year
    c = ov["coupling"]["series"]
    assert len(c) == 10 and all(0 <= r["D"] <= 1 for r in c)


def test_ranking_is_ordered_and_ranks_follow_scores(client: TestClient) -> None:
    for scope in ("peers", "towns"):
        rk = client.get(f"/api/ranking?scope={scope}&period=2020").json()
        scores = [r["score"] for r in rk["rows"]]
        assert scores == sorted(scores, reverse=True)
        assert [r["rank"] for r in rk["rows"]] == list(range(1, len(scores) + 1))
        assert rk["heatmap"]["z"] == [r["dims"] for r in rk["rows"]]
    before = {r["unit"]: r["rank"] for r in client.get("/api/ranking?period=2023").json()["rows"]}
    now = client.get("/api/ranking?period=2024").json()["rows"]
    assert all(r["moved"] == before[r["unit"]] - r["rank"] for r in now)


def test_movers_are_the_largest_changes(client: TestClient) -> None:
    ov = client.get("/api/overview").json()
    m = ov["movers"]
    assert (m["from"], m["to"]) == ("2023", "2024")
    for row in m["up"] + m["down"]:
        assert row["change"] == pytest.approx(row["after"] - row["before"])
    ups = [r["change"] for r in m["up"]]
    downs = [r["change"] for r in m["down"]]
    assert ups == sorted(ups, reverse=True) and all(x > 0 for x in ups)
    assert downs == sorted(downs) and all(x < 0 for x in downs)
    assert len(ups) <= 5 and len(downs) <= 5


def test_dimension_table(client: TestClient) -> None:
    d = client.get("/api/dimensions/economy?lang=zh").json()
    fw = load_framework(default_framework_path())
    economy = fw.find("economy")
    subs = [r for r in d["rows"] if r["kind"] == "node"]
    leaves = [r for r in d["rows"] if r["kind"] == "indicator"]
    assert [r["code"] for r in subs] == [c.code for c in economy.children]  # type: ignore[union-attr]
    assert len(leaves) == 12
    ec01 = next(r for r in leaves if r["code"] == "EC01")
    assert ec01["measure"] == "元" and ec01["parent"] == "economy_strength"
    assert 1 <= ec01["rank"] <= 10 and 0 <= ec01["score"] <= 100
    # the value in 万 as a Chinese reader expects it (the value is above 10,000 yuan)
    assert ec01["value"] > 1e4 and ec01["value_text"].endswith("万")
    assert ec01["value_text"] == f"{ec01['value'] / 1e4:.2f}".rstrip("0").rstrip(".") + "万"
    radar = client.get("/api/overview").json()["radar"]["dimensions"]
    assert d["score"] == pytest.approx(next(x["unit"] for x in radar if x["code"] == "economy"))


def test_indicator_provenance_and_method(client: TestClient) -> None:
    ind = client.get("/api/indicators/EC01?lang=en").json()
    assert ind["name"] == "GDP per capita"
    assert ind["normalise"]["method"] == "minmax"
    assert "max - min" in ind["normalise"]["doc"]  # the formula, from the method's docstring
    assert [r["period"] for r in ind["revisions"]] == [str(y) for y in range(2015, 2025)]
    assert all(r["revision"] == 1 for r in ind["revisions"])
    assert ind["lines"][0]["unit"] == "liyang" and ind["lines"][0]["focus"]
    assert len(ind["lines"]) == 10
    # the peer median line, worked out from the lines
    for t in range(len(ind["periods"])):
        col = [line["values"][t] for line in ind["lines"] if line["values"][t] is not None]
        assert ind["median"][t] == pytest.approx(statistics.median(col))


def test_reweight_recomputes_the_ranking(client: TestClient) -> None:
    base = client.get("/api/reweight").json()
    ranking = client.get("/api/ranking").json()
    assert [r["unit"] for r in base["rows"]] == [r["unit"] for r in ranking["rows"]]
    assert all(r["score"] == pytest.approx(r["base_score"]) for r in base["rows"])
    # all the weight on one dimension: the index is that dimension's score
    j = DIMENSIONS.index("ecology")
    w = ",".join(f"{c}:{5 if c == 'ecology' else 0}" for c in DIMENSIONS)
    one = client.get(f"/api/reweight?w={w}").json()
    dims = {r["unit"]: r["dims"][j] for r in ranking["rows"]}
    for r in one["rows"]:
        assert r["score"] == pytest.approx(dims[r["unit"]])
    assert [r["unit"] for r in one["rows"]] == sorted(dims, key=lambda u: -dims[u])
    assert one["shares"]["ecology"] == 1.0
    # doubling every weight changes nothing (weights are rescaled to sum 1)
    double = client.get("/api/reweight?w=" + ",".join(f"{c}:2" for c in DIMENSIONS)).json()
    assert [r["score"] for r in double["rows"]] == pytest.approx([r["score"] for r in base["rows"]])


def test_one_error_format(client: TestClient) -> None:
    cases = {
        "/api/dimensions/nope": 404,
        "/api/indicators/economy": 404,  # a dimension is not an indicator
        "/api/overview?unit=nowhere": 404,
        "/api/overview?scope=mars": 404,
        "/api/reweight?w=economy:abc": 400,
        "/api/reweight?w=nope:1": 400,
        "/api/reweight?w=" + ",".join(f"{c}:0" for c in DIMENSIONS): 400,
        "/api/ranking?period=1999": 404,
        "/api/overview?lang=fr": 422,
        "/api/nothing-here": 404,
    }
    for url, status in cases.items():
        res = client.get(url)
        assert res.status_code == status, url
        body = res.json()
        assert set(body) == {"error"}, url
        assert body["error"]["status"] == status
        assert body["error"]["message"], url
    assert "lang" in client.get("/api/overview?lang=fr").json()["error"]["message"]


def test_pages_load_nothing_from_outside(client: TestClient, analyst: TestClient) -> None:
    anonymous = ["/", "/dimension/economy", "/indicator/EC01", "/peers", "/towns", "/reweight",
                 "/methodology", "/login"]  # fmt: skip
    for c, path in [*((client, p) for p in anonymous), (analyst, "/upload")]:
        res = c.get(path)
        assert res.status_code == 200, path
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", res.text), path
        assert "@import" not in res.text and "fonts.googleapis" not in res.text
    assert client.get("/docs").status_code == 404  # Swagger UI would load from a CDN
    spec = client.get("/openapi.json").json()
    assert "/api/reweight" in spec["paths"] and "/api/upload" in spec["paths"]
    js = client.get("/vendor/plotly.min.js")
    assert js.status_code == 200 and "plotly" in js.text[:2000].lower()
    css = client.get("/static/app.css").text
    assert "url(" not in css  # no web font, no outside image


def test_language_cookie_and_switch_link(client: TestClient) -> None:
    page = client.get("/peers?lang=en")
    assert page.cookies.get("qcity_lang") == "en"
    assert 'href="/peers?lang=zh"' in page.text
    assert '<html lang="en">' in client.get("/peers").text  # the cookie keeps English
    assert '<html lang="zh-CN">' in client.get("/peers?lang=zh").text


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_upload_with_errors_stores_nothing(
    analyst: TestClient, demo_url: str, tmp_path: Path
) -> None:
    client = analyst
    bad = _write(tmp_path / "bad.csv", "unit,indicator,period,value\nliyang,EC01,2024,abc\n")
    with Store(demo_url, create=False) as store:
        before = len(store.batches())
    res = client.post("/api/upload", files={"file": ("bad.csv", bad.read_bytes(), "text/csv")})
    assert res.status_code == 422
    err = res.json()["error"]
    assert err["file"] == "bad.csv"
    (problem,) = [p for p in err["problems"] if p["severity"] == "error"]
    assert problem["row"] == 2 and problem["value"] == "abc"
    with Store(demo_url, create=False) as store:
        assert len(store.batches()) == before


def _demo(url: str) -> str:
    """``url``, which holds the demo (``demo_db``), made ready for these tests."""
    publish_evaluation(url)  # what anonymous visitors see
    return url


@pytest.mark.usefixtures("demo_db")
def test_upload_then_confirm_on_both_databases(db_url: str, tmp_path: Path) -> None:
    """On SQLite and PostgreSQL: check (nothing stored), confirm (stored in one batch, a
    new revision in the indicator's provenance, the dashboard re-evaluated), and the
    token works once."""
    url = _demo(db_url)
    good = _write(tmp_path / "revise.csv", "unit,indicator,period,value\nliyang,EC01,2024,250000\n")
    add_user(url, "tester", "analyst")
    with TestClient(create_app(url)) as c:
        login(c, "tester")
        old = c.get("/api/dimensions/economy").json()
        ec01 = next(r for r in old["rows"] if r["code"] == "EC01")
        with Store(url, create=False) as store:
            before = len(store.batches())
        res = c.post("/api/upload", files={"file": ("revise.csv", good.read_bytes())})
        assert res.status_code == 200, res.text
        report = res.json()
        assert report["rows"] == 1 and not report["stored"]
        with Store(url, create=False) as store:
            assert len(store.batches()) == before  # checked, not stored
        done = c.post(f"/api/upload/{report['token']}").json()
        assert done["stored"] and done["revised"] == 1 and done["added"] == 0
        assert done["state"] == "submitted"  # it waits for a reviewer
        with Store(url, create=False) as store:
            batches = store.batches()
            assert len(batches) == before + 1
            assert batches["entered_by"].iloc[-1] == "tester"  # the user logged in
        again = c.post(f"/api/upload/{report['token']}")
        assert again.status_code == 404 and again.json()["error"]["status"] == 404
        ind = c.get("/api/indicators/EC01").json()
        latest = [r for r in ind["revisions"] if r["period"] == "2024"]
        assert [r["revision"] for r in latest] == [1, 2]
        assert latest[-1]["value"] == 250000 and latest[-1]["file"] == "revise.csv"
        new = c.get("/api/dimensions/economy").json()  # not approved: not evaluated yet
        assert next(r for r in new["rows"] if r["code"] == "EC01")["value"] == ec01["value"]
        assert ec01["value"] != 250000
        # every page's data, on this database too
        for path in ["/api/overview", "/api/ranking?scope=towns", "/api/reweight", "/api/runs"]:
            assert c.get(path).status_code == 200, path


def test_an_empty_database_shows_only_what_needs_no_data(store: Store) -> None:
    with TestClient(create_app(store.url)) as c:
        home = c.get("/")
        assert home.status_code == 200
        assert "尚未发布评价结果" in home.text  # an anonymous visitor: nothing published
        assert 'href="/peers' not in home.text and 'href="/reweight' not in home.text
        assert c.get("/methodology").status_code == 200
        res = c.get("/api/overview")
        assert res.status_code == 404 and "published" in res.json()["error"]["message"]
    app = create_app(store.url)
    app.dependency_overrides[current_actor] = lambda: Actor("a", "analyst", via="test")
    with TestClient(app) as c:  # staff: the store holds no data
        assert "尚无数据" in c.get("/").text
        res = c.get("/api/overview")
        assert res.status_code == 404 and "no data" in res.json()["error"]["message"]


def test_an_evaluation_that_fails_is_explained_on_the_page(
    tmp_path: Path, demo_sqlite: Path
) -> None:
    """A peer group mixing a city with a town cannot be ranked (different indicator sets):
    the pages say why instead of failing. The group is the framework's ``peer_group``
    (sunan), which the dashboard compares with (``qcity.service.peers``), whatever group
    comes first in order."""
    shutil.copyfile(demo_sqlite, tmp_path / "mixed.sqlite")
    url = _demo(f"sqlite:///{tmp_path / 'mixed.sqlite'}")
    with Store(url) as store:
        store.add_group("sunan", "混合组", "mixed", ["liyang", "liyang_daibu"], kind="peer")
        store.add_group("aaa", "示例组", "first in order", ["liyang", "kunshan"], kind="peer")
    with TestClient(create_app(url)) as c:
        home = c.get("/")
        assert home.status_code == 200
        assert "different levels" in home.text and "混合组" in home.text
        assert c.get("/api/overview").status_code == 404
