"""A frozen scale (normalise scope 'reference' and the framework's reference_period):
adding a year leaves the earlier scores as they are; without freezing they move."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from qcity.engine import Evaluation, EvaluationError
from qcity.engine.scale import frozen_framework
from qcity.framework.io import framework_to_yaml, parse_framework
from qcity.framework.model import Framework, Goalposts, Indicator, Transform
from qcity.framework.validate import validate_framework
from tests.helpers import composite, indicator, toy_framework

YEARS = (2015, 2016, 2017, 2018, 2019, 2020)


def framework(
    scope: str = "reference",
    reference: tuple[int, int] | None = (2015, 2017),
    method: str = "minmax",
    weighting: str = "manual",
    **extra: Any,
) -> Framework:
    """Index -> A (a1, a2 less is better) and B (b1)."""
    top: dict[str, Any] = {
        "defaults": {
            "normalise": {"method": method, "params": {"l": 0, "u": 100}, "scope": scope},
            "weighting": {"method": weighting},
        },
        **extra,
    }
    if reference is not None:
        top["reference_period"] = {"from": reference[0], "to": reference[1]}
    children = [
        composite("A", "甲", [indicator("a1"), indicator("a2", -1)]),
        composite("B", "乙", [indicator("b1")]),
    ]
    return toy_framework(children, valid_from=2015, valid_to=2030, **top)


def panel(years: tuple[int, ...] = YEARS, units: int = 4, seed: int = 3) -> pd.DataFrame:
    """Values that grow over the years, so a new year brings a new maximum."""
    rng = np.random.default_rng(seed)
    rows = [
        {
            "unit": f"u{n}",
            "indicator": code,
            "period": str(year),
            "value": 10.0 + 3.0 * (year - 2015) + float(rng.uniform(0, 5)),
        }
        for year in years
        for n in range(units)
        for code in ("a1", "a2", "b1")
    ]
    return pd.DataFrame(rows)


def scores_upto(fw: Framework, data: pd.DataFrame, last: int) -> pd.DataFrame:
    """Scores of the periods up to ``last`` of a run on the data up to ``last``."""
    subset = data[data["period"].astype(int) <= last]
    s = Evaluation(fw, subset).run().scores()
    return s.sort_values(["period", "unit", "node"]).reset_index(drop=True)


def earlier(s: pd.DataFrame, last: int) -> pd.DataFrame:
    out = s[s["period"].astype(int) <= last]
    return out.sort_values(["period", "unit", "node"]).reset_index(drop=True)


def test_adding_a_year_leaves_earlier_scores_unchanged() -> None:
    fw, data = framework(), panel()
    before = scores_upto(fw, data, 2019)
    after = scores_upto(fw, data, 2020)
    pd.testing.assert_series_equal(earlier(after, 2019)["score"], before["score"])


def test_without_freezing_earlier_scores_move() -> None:
    fw, data = framework(scope="pooled", reference=None), panel()
    before = scores_upto(fw, data, 2019)
    after = earlier(scores_upto(fw, data, 2020), 2019)
    assert not np.allclose(after["score"], before["score"])


def test_data_driven_weights_from_the_reference_period_stay_put() -> None:
    # entropy weights pooled over all years change when a year is added ...
    pooled = framework(weighting="entropy")
    pooled = pooled.model_copy(update={"reference_period": None})
    data = panel(seed=11)
    a = Evaluation(pooled, data[data["period"] != "2020"]).with_step(
        "normalise", "minmax", {"l": 0, "u": 100, "scope": "reference", "reference": [2015, 2017]}
    )
    b = Evaluation(pooled, data).with_step(
        "normalise", "minmax", {"l": 0, "u": 100, "scope": "reference", "reference": [2015, 2017]}
    )
    assert not np.allclose(a.weights()["weight"], b.weights()["weight"])
    # ... but not when they come from the reference period
    fw = framework(weighting="entropy")
    a = Evaluation(fw, data[data["period"] != "2020"]).run()
    b = Evaluation(fw, data).run()
    np.testing.assert_array_equal(a.weights()["weight"], b.weights()["weight"])
    assert b.log[5].params == {"reference": [2015, 2017]}


def test_goalposts_are_min_and_max_of_the_reference_period() -> None:
    # two units, three indicators; reference 2015-2016
    rows = []
    values = {
        ("2015", "u0"): (1.0, 10.0, 5.0),
        ("2015", "u1"): (3.0, 20.0, 5.0),
        ("2016", "u0"): (2.0, 30.0, 7.0),
        ("2016", "u1"): (5.0, 40.0, 9.0),
        ("2017", "u0"): (7.0, 5.0, 11.0),
        ("2017", "u1"): (4.0, 35.0, 6.0),
    }
    for (period, unit), vals in values.items():
        for code, v in zip(("a1", "a2", "b1"), vals, strict=True):
            rows.append({"unit": unit, "indicator": code, "period": period, "value": v})
    ev = Evaluation(framework(reference=(2015, 2016)), pd.DataFrame(rows)).run()
    gp = ev.goalposts().set_index("indicator")
    # a1 over 2015-16: 1, 3, 2, 5; a2: 10..40; b1: 5..9
    assert gp.loc["a1", ["lo", "hi"]].tolist() == [1.0, 5.0]
    assert gp.loc["a2", ["lo", "hi"]].tolist() == [10.0, 40.0]
    assert gp.loc["b1", ["lo", "hi"]].tolist() == [5.0, 9.0]
    assert set(gp["source"]) == {"reference"}
    norm = ev.dataset("normalised")
    # a1 in 2017: u0 = 7 -> (7 - 1) / (5 - 1) * 100 = 150 (beyond the reference maximum)
    assert norm.loc[("2017", "u0"), "a1"] == pytest.approx(150.0)
    # a2 is "less is better": u0 2017 = 5 -> (40 - 5) / (40 - 10) * 100 = 116.67
    assert norm.loc[("2017", "u0"), "a2"] == pytest.approx(35 / 30 * 100)
    # u1 2016 a2 = 40 -> the worst of the reference -> 0
    assert norm.loc[("2016", "u1"), "a2"] == pytest.approx(0.0)
    # the stamp records the reference period and the goalposts
    assert ev.stamp["scale"]["reference_period"] == [2015, 2016]
    assert ev.stamp["scale"]["goalposts"]["a2"] == [10.0, 40.0, "reference"]


def test_reference_equals_pooled_minmax_over_the_reference_years() -> None:
    data = panel()
    ref = data[data["period"].astype(int) <= 2017]
    frozen = Evaluation(framework(), ref).run().dataset("normalised")
    pooled = Evaluation(framework(scope="pooled"), ref).run().dataset("normalised")
    pd.testing.assert_frame_equal(frozen, pooled)


def test_given_goalposts_take_precedence_and_goalposts_method_truncates() -> None:
    fw = framework(method="goalposts")
    a1 = fw.find("a1")
    assert isinstance(a1, Indicator)
    a1.goalposts = Goalposts(lo=0.0, hi=20.0)
    ev = Evaluation(fw, panel()).run()
    gp = ev.goalposts().set_index("indicator")
    assert gp.loc["a1", "source"] == "given" and gp.loc["a1", "hi"] == 20.0
    norm = ev.dataset("normalised")
    assert norm.max().max() == pytest.approx(100.0)  # truncated at u
    # a1's 2015 u0 value (10 + U(0, 5)) on 0..20
    raw = ev.dataset("raw")
    assert norm.loc[("2015", "u0"), "a1"] == pytest.approx(raw.loc[("2015", "u0"), "a1"] * 5)


def test_pinned_goalposts_in_the_log_replay_whatever_the_data() -> None:
    data = panel()
    ev = Evaluation(framework(), data).run()
    gp = ev.goalposts()
    pinned = {r.indicator: [r.lo, r.hi] for r in gp.itertuples()}
    params = {**ev.log[4].params, "goalposts": pinned}
    revised = data.copy()
    revised.loc[revised["period"] == "2015", "value"] += 1.0  # a revision of the reference data
    again = Evaluation(framework(), revised).with_step("normalise", params=params)
    assert set(again.goalposts()["source"]) == {"log"}
    np.testing.assert_array_equal(again.goalposts()["lo"], gp["lo"])


def test_frozen_framework_stores_the_goalposts_and_gives_the_same_scores() -> None:
    data = panel()
    ev = Evaluation(framework(), data).run()
    frozen = frozen_framework(ev, version="1-frozen")
    assert frozen.version == "1-frozen"
    a1 = frozen.find("a1")
    gp = ev.goalposts().set_index("indicator")
    assert isinstance(a1, Indicator) and a1.goalposts is not None
    assert (a1.goalposts.lo, a1.goalposts.hi) == (gp.loc["a1", "lo"], gp.loc["a1", "hi"])
    again = Evaluation(parse_framework(framework_to_yaml(frozen)), data).run()
    assert set(again.goalposts()["source"]) == {"given"}
    pd.testing.assert_frame_equal(again.scores(), ev.scores())


def test_log_transform_goalposts_go_back_to_the_own_unit() -> None:
    fw = framework()
    b1 = fw.find("b1")
    assert isinstance(b1, Indicator)
    b1.transform = Transform(method="log")
    data = panel()
    ev = Evaluation(fw, data).run()
    frozen = frozen_framework(ev).find("b1")
    assert isinstance(frozen, Indicator)
    gp = frozen.goalposts
    ref = data[(data["indicator"] == "b1") & (data["period"].astype(int) <= 2017)]["value"]
    assert gp is not None
    assert (gp.lo, gp.hi) == (pytest.approx(ref.min()), pytest.approx(ref.max()))


def test_clear_errors() -> None:
    data = panel()
    with pytest.raises(EvaluationError, match="no period of the data lies in the reference"):
        Evaluation(framework(reference=(2025, 2026)), data).run()
    with pytest.raises(EvaluationError, match="needs a reference period"):
        Evaluation(framework(reference=None), data).run()
    bad = {"scope": "reference", "reference": [2015, 2017], "goalposts": [1, 2]}
    with pytest.raises(EvaluationError, match="give them by indicator code"):
        Evaluation(framework(), data).with_step("normalise", params=bad)
    with pytest.raises(EvaluationError, match="give two years"):
        Evaluation(framework(), data).with_step("normalise", params={**bad, "reference": 2015})
    with pytest.raises(EvaluationError, match="not zscore"):
        Evaluation(framework(method="zscore"), data).run()
    only_late = data[~((data["indicator"] == "b1") & (data["period"] == "2015"))]
    only_late = only_late[~((only_late["indicator"] == "b1") & (only_late["period"] == "2016"))]
    with pytest.raises(EvaluationError, match=r"b1 have no value in the reference period"):
        Evaluation(framework(reference=(2015, 2016)), only_late).run()


def test_validate_checks_the_reference_period() -> None:
    def messages(fw: Framework | dict) -> list[str]:
        return [p.message for p in validate_framework(fw) if p.severity == "error"]

    assert messages(framework()) == []
    assert any("needs the framework's reference_period" in m for m in messages(
        framework(reference=None)
    ))  # fmt: skip
    assert any("scope 'reference'" in m for m in messages(framework(method="zscore")))
    data = framework().model_dump()
    data["reference_period"] = {"from": 2021, "to": 2017}
    assert any("is after" in m for m in messages(data))
    data["reference_period"] = {"from": 2010, "to": 2017}
    assert any("outside the framework's validity" in m for m in messages(data))


def test_results_readme_says_earlier_scores_stay_put() -> None:
    from qcity.service.folder import how_scores_compare

    words = how_scores_compare(Evaluation(framework(), panel()).run())
    assert words[0][1].startswith("In short: scores compare across years")
    assert any("adding a year leaves earlier years' scores unchanged" in en for _, en in words)
    assert any("基准期（2015–2017）" in zh for zh, _ in words)
