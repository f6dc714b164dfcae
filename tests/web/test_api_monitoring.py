"""The dashboard's monitoring and benchmarking API (warning lights, targets, forecasts,
gaps to the first tier, the path into it) on SQLite and PostgreSQL. Expected values are
recomputed here from ``qcity.monitor`` and ``qcity.benchmark`` on an evaluation made in
the test through ``qcity.service``, and cross-checked with sums worked out here."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from qcity.benchmark import compare, find_path, level_peers
from qcity.demo.build import default_framework_path
from qcity.framework.io import load_framework
from qcity.monitor import monitor
from qcity.monitor.targets import spec_of
from qcity.service.evaluation import EvaluationResult, evaluate
from qcity.service.inputs import describe_selection, from_store
from qcity.web import create_app
from tests.web.conftest import publish_evaluation

ORDER = {"red": 0, "yellow": 1, "green": 2}


def _demo(url: str) -> str:
    """``url``, which holds the demo (``demo_db``), made ready for these tests."""
    publish_evaluation(url)  # what anonymous visitors see
    return url


def _peers(url: str) -> tuple[EvaluationResult, str]:
    """Liyang's peer group evaluated as the dashboard should: the group of kind peer."""
    inp = from_store(url)
    assert inp.groups is not None
    groups = inp.groups.drop_duplicates("group")
    group = str(groups.loc[groups["kind"] == "peer", "group"].iloc[0])
    return evaluate(load_framework(default_framework_path()), inp.restrict(group=group)), group


def _towns(url: str) -> EvaluationResult:
    """Liyang's towns and streets: the siblings of one of them (as ``qcity compare
    --level town`` selects them)."""
    fw = load_framework(default_framework_path())
    inp = from_store(url)
    keep = set(level_peers(fw, inp.units, "liyang_daibu", "town"))
    data = inp.data[inp.data["unit"].astype(str).isin(keep)]
    selection = describe_selection(data, inp.units, unit_type="town")
    return evaluate(fw, replace(inp, data=data, selection=selection))


def _close(a: Any, b: Any) -> bool:
    """Equal numbers (NaN and None both missing)."""
    a_missing = a is None or (isinstance(a, float) and math.isnan(a))
    b_missing = b is None or (isinstance(b, float) and math.isnan(b))
    if a_missing or b_missing:
        return a_missing and b_missing
    return bool(a == pytest.approx(float(b)))


def check_lights(c: TestClient, result: EvaluationResult, group: str) -> None:
    """Overview counts and the warnings page: every light of the monitoring table, once,
    under its department, red first; the sentence in the page's language."""
    table = monitor(result, "liyang", "2024", group).table
    expected = Counter(table["warning"])
    ov = c.get("/api/overview").json()["warnings"]
    got = {x["colour"]: x["count"] for x in ov["lights"]}
    assert got == {k: expected.get(k, 0) for k in ("red", "yellow", "green")}
    assert sum(got.values()) == ov["total"] == len(table)
    w = c.get("/api/warnings?lang=en").json()
    seen = []
    rows = table.set_index("indicator")
    for dept in w["departments"]:
        lights = [ORDER[r["warning"]] for r in dept["rows"]]
        assert lights == sorted(lights)  # red, then yellow, then green
        for r in dept["rows"]:
            seen.append(r["code"])
            row = rows.loc[r["code"]]
            assert r["warning"] == row["warning"]
            assert r["message"] == row["message_en"]
            if isinstance(row["department"], str):  # "中文 / English": the English part
                assert dept["department"] == row["department"].split(" / ")[-1]
        assert dept["counts"] == {k: lights.count(ORDER[k]) for k in ORDER}
    assert sorted(seen) == sorted(table["indicator"])
    zh = c.get("/api/warnings").json()
    first = zh["departments"][0]["rows"][0]
    assert first["message"] == rows.loc[first["code"], "message_zh"]


def check_dimension(c: TestClient, result: EvaluationResult, group: str) -> None:
    """Each row of the dimension table carries the monitor's target, attainment, gap closed,
    progress class and light."""
    table = monitor(result, "liyang", "2024", group).table.set_index("indicator")
    d = c.get("/api/dimensions/economy").json()
    assert len(d["rows"]) > 0
    for r in d["rows"]:
        m, row = r["monitor"], table.loc[r["code"]]
        assert _close(m["target"], row["target"])
        assert _close(m["attainment"], row["attainment"])
        assert _close(m["gap_closed"], row["gap_closed"])
        assert (m["progress"] or {}).get("class") == (row["progress_class"] or None)
        assert m["warning"] == row["warning"]
    assert d["monitor_self"]["warning"] == table.loc["economy", "warning"]


def check_indicator(c: TestClient, result: EvaluationResult, group: str) -> None:
    """EC01 (a level target for 2030): the path runs from the baseline to the goal and
    passes this year's path value; the forecast is the least-squares line of the
    values with its prediction interval; feasibility as the monitor labels it."""
    mon = monitor(result, "liyang", "2024", group)
    row = mon.table.set_index("indicator").loc["EC01"]
    det = mon.details.set_index("indicator").loc["EC01"]
    m = c.get("/api/indicators/EC01").json()["monitor"]
    assert m["available"] and m["target"] == pytest.approx(row["target"])
    path = {p["period"]: p["value"] for p in m["path"]}
    base, goal = int(det["base_year"]), int(row["target_year"])
    assert path[str(base)] == pytest.approx(det["base_value"])
    assert path[str(goal)] == pytest.approx(row["target"])
    assert path["2024"] == pytest.approx(det["path_value"])
    # a linear path: equal steps from the baseline to the goal
    step = (row["target"] - det["base_value"]) / (goal - base)
    assert path[str(base + 1)] - path[str(base)] == pytest.approx(step)
    # the forecast: ordinary least squares through the unit's values, worked out here
    ind = c.get("/api/indicators/EC01").json()
    own = next(line for line in ind["lines"] if line["focus"])
    years = np.array([float(p) for p in ind["periods"]])
    slope, intercept = np.polyfit(years, np.array(own["values"], float), 1)
    fc = {p["period"]: p for p in m["forecast"]}
    assert fc[str(goal)]["value"] == pytest.approx(intercept + slope * goal)
    assert fc[str(goal)]["value"] == pytest.approx(det["forecast"])
    assert fc[str(goal)]["lower"] == pytest.approx(det["forecast_lower"])
    assert fc[str(goal)]["upper"] == pytest.approx(det["forecast_upper"])
    assert fc["2025"]["lower"] < fc["2025"]["value"] < fc["2025"]["upper"]
    # the interval widens away from the data
    widths = [p["upper"] - p["lower"] for p in m["forecast"]]
    assert widths == sorted(widths)
    assert m["feasibility"] == det["feasibility"]
    # EC02 (real GDP growth) aims at a band: the band is drawn, not a path
    fw = load_framework(default_framework_path())
    spec = spec_of(fw.find("EC02"))
    assert spec is not None and spec.kind == "band" and spec.band is not None
    band = c.get("/api/indicators/EC02").json()["monitor"]
    assert (band["band"]["low"], band["band"]["high"]) == tuple(spec.band)
    assert band["path"] == []


def check_gaps_and_path(c: TestClient, peers: EvaluationResult, towns: EvaluationResult) -> None:
    """Gaps: compare's rows for the composites; the threshold is the k-th best index
    score of the ranking. Path: find_path's plan, with the state it implies."""
    for scope, result, unit in (("peers", peers, "liyang"), ("towns", towns, "liyang_daibu")):
        for k in (3, 5):
            g = c.get(f"/api/gaps?scope={scope}&unit={unit}&k={k}").json()
            table = compare(result.evaluation, unit, None, k=k)
            table = table[table["kind"] != "indicator"]
            assert [r["node"] for r in g["rows"]] == list(table["node"])
            for r, exp in zip(g["rows"], table.to_dict("records"), strict=True):
                assert r["rank"] == exp["rank"] and _close(r["gap"], exp["gap_to_threshold"])
                # inside the tier: the lead over rank k+1 and the gap to the next rank up
                assert r["in_tier"] == bool(exp["in_first_tier"]) == (exp["rank"] <= k)
                assert _close(r["lead"], exp["margin_over_first_out"])
                assert _close(r["next_up_gap"], exp["gap_to_next_up"])
            ranking = c.get(f"/api/ranking?scope={scope}").json()
            scores = sorted((r["score"] for r in ranking["rows"]), reverse=True)
            index = g["rows"][0]
            assert index["threshold"] == pytest.approx(scores[k - 1])
            assert index["gap"] == pytest.approx(index["score"] - scores[k - 1])
            p = c.get(f"/api/path?scope={scope}&unit={unit}&k={k}&lang=en").json()
            plan = find_path(result.evaluation, unit, None, k=k)
            assert p["rank_before"] == plan.rank_before == index["rank"]
            assert [r["indicator"] for r in p["rows"]] == list(plan.table["indicator"])
            for r, exp in zip(p["rows"], plan.table.to_dict("records"), strict=True):
                assert r["value_from"] == pytest.approx(exp["value_from"])
                assert r["value_to"] == pytest.approx(exp["value_to"])
                assert r["share_of_gap"] == pytest.approx(exp["share_of_gap"])
            if index["rank"] <= k:
                assert p["state"] == "already" and p["rows"] == []
                assert "Already" in p["text"]
            elif plan.reached:
                assert p["state"] == "path" and p["rank_after"] <= k
                shares = sum(r["share_of_gap"] for r in p["rows"])
                assert shares == pytest.approx(1.0, abs=0.05)
            else:
                assert p["state"] == "unreachable" and "out of reach" in p["text"]
        # without k the path aims one rank up, as qcity path does; two up and the top are
        # the choices offered beside it
        p = c.get(f"/api/path?scope={scope}&unit={unit}&lang=en").json()
        one_up = max(p["rank_before"] - 1, 1)
        assert p["k"] == one_up
        assert find_path(result.evaluation, unit, None).target_rank == one_up
        if p["rank_before"] > 2:
            assert p["choices"] == sorted({p["rank_before"] - 2, 1})
        if p["state"] != "already":
            assert p["total_years"] == pytest.approx(
                max(r["years"] for r in p["rows"] if r["years"] is not None)
            )


def check_errors(c: TestClient) -> None:
    for path, status in (
        ("/api/path?k=0", 422),  # an EvaluationError (Unavailable): 422 by its kind
        ("/api/gaps?k=99", 422),
        ("/api/gaps?unit=nowhere", 404),
        ("/api/warnings?unit=nowhere", 404),
        ("/api/path?period=1999", 404),
        ("/api/gaps?k=two", 422),
    ):
        res = c.get(path)
        assert res.status_code == status, path
        body = res.json()
        assert set(body) == {"error"} and body["error"]["status"] == status
        assert body["error"]["message"]


@pytest.mark.usefixtures("demo_db")
def test_monitoring_and_benchmarking_on_both_databases(db_url: str) -> None:
    url = _demo(db_url)
    peers, group = _peers(url)
    towns = _towns(url)
    with TestClient(create_app(url)) as c:
        check_lights(c, peers, group)
        check_dimension(c, peers, group)
        check_indicator(c, peers, group)
        check_gaps_and_path(c, peers, towns)
        check_errors(c)


def test_pages_show_lights_gaps_and_path(demo_url: str) -> None:
    """The pages render what the API gives, in both languages, marked illustrative."""
    with TestClient(create_app(demo_url)) as c:
        for lang in ("zh", "en"):
            ov = c.get(f"/?lang={lang}").text
            assert 'id="kpi-lights"' in ov and 'href="/warnings?' in ov
            w = c.get(f"/warnings?lang={lang}").text
            assert w.count('class="card department"') == len(
                c.get(f"/api/warnings?lang={lang}").json()["departments"]
            )
            assert "badge ill" in w
            peers = c.get(f"/peers?lang={lang}&k=3").text
            assert 'id="gap-table"' in peers and 'id="path-table"' in peers
            towns = c.get(f"/towns?lang={lang}&unit=liyang_daibu").text
            assert 'id="gap-table"' in towns and 'data-state="' in towns
            ind = c.get(f"/indicator/EC01?lang={lang}").text
            assert 'id="chart-target"' in ind and 'id="feasibility"' in ind
            dim = c.get(f"/dimension/economy?lang={lang}").text
            assert dim.count('class="light ') > 10
