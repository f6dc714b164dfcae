"""The Robustness page (稳健性) and ``/api/robustness``: the numbers are those of
``run_uncertainty`` / ``run_sensitivity`` called here on the same evaluation with the same
spec, N and seed; the per-unit rank shift is worked out here from the rank counts; the
page is hidden when the framework has no robustness spec."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qcity.data.store import Store
from qcity.demo.build import default_framework_path
from qcity.framework.io import load_framework
from qcity.robust.sensitivity import SensitivityResult, run_sensitivity
from qcity.robust.spec import load_spec, shipped_spec
from qcity.robust.uncertainty import UncertaintyResult, run_uncertainty
from qcity.service.evaluation import evaluate
from qcity.service.inputs import from_store
from qcity.web import create_app
from tests.web.conftest import publish_evaluation

N = 1000
SEED = 42  # the seed of the shipped Liyang spec (src/qcity/robust/specs/liyang.yaml)


@pytest.fixture(scope="module")
def client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_url)) as c:
        yield c


def _direct(url: str) -> tuple[UncertaintyResult, SensitivityResult]:
    """The uncertainty and sensitivity analyses of the demo's peer group (苏南 ``sunan``),
    run here without the dashboard."""
    fw = load_framework(default_framework_path())
    inp = from_store(url).restrict(group="sunan")
    ev = evaluate(fw, inp).evaluation
    path = shipped_spec(fw.code)
    assert path is not None
    spec = load_spec(path)
    assert spec.seed == SEED
    return run_uncertainty(ev, spec, N, SEED), run_sensitivity(ev, spec, N, SEED)


def _demo(url: str) -> str:
    """``url``, which holds the demo (``demo_db``), made ready for these tests."""
    publish_evaluation(url)  # what anonymous visitors see
    return url


@pytest.mark.usefixtures("demo_db")
def test_robustness_matches_the_analysis_run_directly(db_url: str) -> None:
    """On SQLite and PostgreSQL."""
    url = _demo(db_url)
    with TestClient(create_app(url)) as c:
        res = c.get("/api/robustness?lang=en")
        assert res.status_code == 200, res.text
        got = res.json()
        ranking = c.get("/api/ranking").json()
    ua, sa = _direct(url)
    assert (got["n"], got["seed"], got["period"]) == (N, SEED, "2024")
    assert got["period"] == ua.period == ranking["period"]
    stats = ua.rank_stats.set_index("unit")
    counts = ua.rank_counts
    units = list(ua.rank_stats["unit"])
    rows = {r["unit"]: r for r in got["rows"]}
    assert set(rows) == set(units) and len(rows) == 10
    for i, unit in enumerate(units):
        r, s = rows[unit], stats.loc[unit]
        assert r["nominal"] == int(s["nominal"])
        assert (r["median"], r["q05"], r["q95"]) == (s["median"], s["q05"], s["q95"])
        assert r["mean"] == pytest.approx(s["mean"])
        assert r["q05"] <= r["median"] <= r["q95"]
        # mean |rank - nominal| over the samples, from the counts of each rank
        total = moved = 0
        for rank in range(1, len(units) + 1):
            k = int(counts[i, rank - 1])
            total += k
            moved += k * abs(rank - r["nominal"])
        assert total == N  # every sample ranks every unit
        assert r["shift"] == pytest.approx(moved / total)
    # every unit ranked in every sample: the overall shift is the mean of the units'
    assert got["mean_abs_shift"] == pytest.approx(ua.mean_abs_shift)
    assert got["mean_abs_shift"] == pytest.approx(
        sum(r["shift"] for r in got["rows"]) / len(got["rows"])
    )
    # the nominal ranks are the ranking's of the latest year, and the rows follow them
    assert {r["unit"]: r["rank"] for r in ranking["rows"]} == {
        u: r["nominal"] for u, r in rows.items()
    }
    assert [r["nominal"] for r in got["rows"]] == list(range(1, 11))
    liyang = rows["liyang"]
    assert liyang["focus"] and not any(r["focus"] for u, r in rows.items() if u != "liyang")
    # the headline is the focus unit's own 90 % band, the one the annual report states
    head = got["headline"]
    s = stats.loc["liyang"]
    assert (head["nominal"], head["q05"], head["q95"]) == (s["nominal"], s["q05"], s["q95"])
    assert f"{s['q05']:g}–{s['q95']:g}" in head["text"]
    from qcity.service.robustness import SAMPLES, rank_bands, unit_band

    fw = load_framework(default_framework_path())
    ev = evaluate(fw, from_store(url).restrict(group="sunan")).evaluation
    bands = rank_bands(ev, period="2024")
    assert bands is not None and SAMPLES == N
    band = unit_band(bands, "liyang")
    assert band is not None and (band.low, band.high) == (head["q05"], head["q95"])
    # Sobol total indices, with their 90 % bootstrap bounds, in spec order
    idx = sa.indices
    assert got["sobol"]["inputs"] == [
        "Imputation",
        "Winmax",
        "Normalisation",
        "Weights",
        "Aggregation",
    ]
    assert got["sobol"]["STi"] == pytest.approx(list(idx["STi"]))
    assert got["sobol"]["STi_lo"] == pytest.approx(list(idx["STi_lo"]))
    assert got["sobol"]["STi_hi"] == pytest.approx(list(idx["STi_hi"]))


def test_the_page_says_n_seed_and_how_to_read_a_band(client: TestClient) -> None:
    zh = client.get("/robustness?lang=zh")
    assert zh.status_code == 200
    assert "稳健性" in zh.text and 'href="/robustness' in zh.text
    assert "蒙特卡洛抽样 1000 次，随机种子 42" in zh.text
    assert "区间窄" in zh.text and "应报告区间而不是单一名次" in zh.text
    assert "示例数据" in zh.text  # illustrative data, labelled
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", zh.text)  # nothing from outside
    en = client.get("/robustness?lang=en")
    assert "1000 Monte Carlo samples, random seed 42" in en.text
    assert "report the band, not the single rank" in en.text
    # the table: one row per unit, the focus city marked
    assert en.text.count('data-unit="') == 10
    assert 'class="focus" data-unit="liyang"' in en.text
    data = client.get("/api/robustness?lang=zh").json()
    assert data["inputs"] == ["插补", "缩尾上限", "标准化", "权重", "合成"]
    assert data["rows"][0]["nominal_text"] == "第1名/10"


def test_one_error_format(client: TestClient) -> None:
    res = client.get("/api/robustness?lang=fr")
    assert res.status_code == 422
    assert set(res.json()) == {"error"} and "lang" in res.json()["error"]["message"]


def test_hidden_without_a_spec(
    demo_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A framework without a shipped robustness spec has no Robustness page."""
    monkeypatch.setattr("qcity.robust.spec.SHIPPED", tmp_path)  # no spec there
    with TestClient(create_app(demo_url)) as c:
        home = c.get("/")
        assert home.status_code == 200 and 'href="/peers' in home.text
        assert 'href="/robustness' not in home.text
        res = c.get("/api/robustness")
        assert res.status_code == 404
        assert set(res.json()) == {"error"}
        assert "no shipped robustness spec" in res.json()["error"]["message"]
        assert c.get("/robustness").status_code == 404


def test_hidden_on_an_empty_database(store: Store) -> None:
    with TestClient(create_app(store.url)) as c:
        home = c.get("/")
        assert 'href="/robustness' not in home.text
        res = c.get("/api/robustness")  # an anonymous visitor: nothing is published
        assert res.status_code == 404 and "published" in res.json()["error"]["message"]
        page = c.get("/robustness")
        assert page.status_code == 200 and "尚未发布评价结果" in page.text
