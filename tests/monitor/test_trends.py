"""Trends: year-on-year change, CAGR and linear trend, hand-worked; with gaps, zeros,
negative values and quarterly data; and on an evaluation (indicators in their own unit,
composites as scores)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qcity.engine import Evaluation
from qcity.monitor import cagr_table, linear_trends, trend_table, year_on_year
from qcity.monitor.trends import compound_rate, trend_slope
from tests.helpers import indicator, toy_framework


def long(values: dict[tuple[str, str], dict[str, float]]) -> pd.DataFrame:
    """{(unit, node): {period: value}} as the long table."""
    rows = [
        {"unit": u, "node": n, "period": p, "value": v}
        for (u, n), series in values.items()
        for p, v in series.items()
    ]
    return pd.DataFrame(rows)


DATA = long(
    {
        ("a", "x"): {"2015": 100.0, "2016": 110.0, "2017": 121.0},
        ("a", "y"): {"2015": 50.0, "2017": 40.0, "2018": 30.0},  # 2016 missing
        ("b", "x"): {"2015": 0.0, "2016": 5.0, "2017": 10.0},  # starts at 0
        ("b", "y"): {"2015": -4.0, "2016": -2.0},  # negative
    }
)


def test_year_on_year_by_hand() -> None:
    yoy = year_on_year(DATA).set_index(["unit", "node", "period"])
    # a/x: 110 - 100 = 10 (+10 %), 121 - 110 = 11 (+10 %)
    assert yoy.loc[("a", "x", "2016"), ["previous_period", "change"]].tolist() == ["2015", 10.0]
    assert yoy.loc[("a", "x", "2017"), "growth"] == pytest.approx(0.10)
    # a/y: 2016 missing, so neither 2016 nor 2017 has a year-on-year row; 2018: 30 - 40
    assert ("a", "y", "2017") not in yoy.index and ("a", "y", "2016") not in yoy.index
    assert yoy.loc[("a", "y", "2018"), "change"] == -10.0
    assert yoy.loc[("a", "y", "2018"), "growth"] == pytest.approx(-0.25)
    # b/x from 0: the change is 5, the growth rate is undefined
    assert yoy.loc[("b", "x", "2016"), "change"] == 5.0
    assert np.isnan(yoy.loc[("b", "x", "2016"), "growth"])
    # b/y from -4 to -2: +2, i.e. +50 % of |previous|
    assert yoy.loc[("b", "y", "2016"), "growth"] == pytest.approx(0.5)


def test_cagr_by_hand_with_real_spacing() -> None:
    rates = cagr_table(DATA).set_index(["unit", "node"])
    # a/x: 100 -> 121 over 2 years: sqrt(1.21) - 1 = 10 %
    assert rates.loc[("a", "x"), "cagr"] == pytest.approx(0.10)
    assert rates.loc[("a", "x"), "years"] == 2.0
    # a/y: 50 -> 30 over 3 years (2015-2018, the gap counts as time)
    assert rates.loc[("a", "y"), "cagr"] == pytest.approx((30 / 50) ** (1 / 3) - 1)
    assert (rates.loc[("a", "y"), "from_period"], rates.loc[("a", "y"), "to_period"]) == (
        "2015",
        "2018",
    )
    # b/x starts at 0 and b/y is negative: no growth rate
    assert np.isnan(rates.loc[("b", "x"), "cagr"]) and np.isnan(rates.loc[("b", "y"), "cagr"])
    # a chosen window
    window = cagr_table(DATA, from_period=2016, to_period="2017").set_index(["unit", "node"])
    assert window.loc[("a", "x"), "cagr"] == pytest.approx(0.10)
    assert np.isnan(window.loc[("a", "y"), "cagr"])  # no 2016 value
    with pytest.raises(ValueError, match="no period 2030"):
        cagr_table(DATA, from_period=2030)


def test_linear_trend_by_hand() -> None:
    lines = linear_trends(DATA).set_index(["unit", "node"])
    # a/x: t = 0, 1, 2; y = 100, 110, 121: slope = sum(dt dy) / sum(dt^2)
    #   = ((-1)(-10.333) + 0 + (1)(10.667)) / 2 = 10.5
    assert lines.loc[("a", "x"), "slope"] == pytest.approx(10.5)
    # a/y: t = 2015, 2017, 2018 (t_bar = 2016.667), y = 50, 40, 30 (y_bar = 40)
    #   sum(dt dy) = (-1.667)(10) + (0.333)(0) + (1.333)(-10) = -30
    #   sum(dt^2) = 2.778 + 0.111 + 1.778 = 4.667 -> slope = -30 / 4.667 = -6.4286
    assert lines.loc[("a", "y"), "slope"] == pytest.approx(-30 / (14 / 3))
    assert lines.loc[("a", "y"), "n"] == 3
    # b/x: 0, 5, 10 exactly on a line: slope 5, r^2 = 1
    assert lines.loc[("b", "x"), ["slope", "r2"]].tolist() == pytest.approx([5.0, 1.0])
    # b/y: two points, slope (-2 - -4) / 1 = 2
    assert lines.loc[("b", "y"), "slope"] == pytest.approx(2.0)


def test_quarterly_year_on_year_compares_the_same_quarter() -> None:
    q = long({("a", "x"): {"2020Q1": 10.0, "2020Q2": 20.0, "2021Q1": 12.0, "2021Q2": 18.0}})
    yoy = year_on_year(q).set_index("period")
    assert yoy.loc["2021Q1", ["previous_period", "change"]].tolist() == ["2020Q1", 2.0]
    assert yoy.loc["2021Q2", ["previous_period", "change"]].tolist() == ["2020Q2", -2.0]
    assert len(yoy) == 2
    # CAGR 10 -> 18 from 2020Q1 (2020.0) to 2021Q2 (2021.25): 1.25 years
    rate = cagr_table(q).iloc[0]
    assert rate["years"] == pytest.approx(1.25)
    assert rate["cagr"] == pytest.approx((18 / 10) ** (1 / 1.25) - 1)


def test_array_functions_are_vectorised() -> None:
    rate = compound_rate(np.array([100.0, 1.0, -1.0]), np.array([121.0, 1.0, 2.0]), 0.0, 2.0)
    np.testing.assert_allclose(rate[:2], [0.1, 0.0])
    assert np.isnan(rate[2])
    y = np.array([[1.0, 2.0, 3.0], [3.0, np.nan, 1.0], [np.nan, np.nan, 5.0]])
    slope, _, n = trend_slope(y, np.array([0.0, 1.0, 2.0]))
    np.testing.assert_allclose(slope[:2], [1.0, -1.0])
    assert np.isnan(slope[2]) and n.tolist() == [3, 2, 1]


def test_summary_puts_the_latest_change_next_to_cagr_and_slope() -> None:
    out = trend_table(DATA).set_index(["unit", "node"])
    assert out.loc[("a", "x"), ["change", "cagr", "slope"]].tolist() == pytest.approx(
        [11.0, 0.10, 10.5]
    )
    assert out.loc[("a", "y"), "change"] == -10.0 and out.loc[("a", "y"), "n"] == 3


def test_on_an_evaluation_indicators_in_their_unit_and_composites_as_scores() -> None:
    fw = toy_framework(
        [indicator("a1"), indicator("a2")],
        valid_from=2015,
        valid_to=2030,
        defaults={"normalise": {"method": "minmax", "scope": "pooled"}},
    )
    # u0 grows 10 % a year in a1; a2 is flat
    rows = [
        {"unit": u, "indicator": c, "period": str(y), "value": v}
        for y in (2015, 2016, 2017)
        for u, c, v in (
            ("u0", "a1", 100.0 * 1.1 ** (y - 2015)),
            ("u1", "a1", 100.0),
            ("u0", "a2", 5.0),
            ("u1", "a2", 7.0),
        )
    ]
    ev = Evaluation(fw, pd.DataFrame(rows)).run()
    out = trend_table(ev).set_index(["unit", "node"])
    assert out.loc[("u0", "a1"), "cagr"] == pytest.approx(0.10)  # own unit, not a score
    # index of u0 = mean of a1's pooled min-max score and a2's (0: the lower of 5, 7)
    # a1 over all years: min 100, max 121: u0 2015 -> 0, 2017 -> 100; index 0 -> 50
    assert out.loc[("u0", "idx"), ["start", "end"]].tolist() == pytest.approx([0.0, 50.0])
    scores = trend_table(ev, on="score").set_index(["unit", "node"])
    assert scores.loc[("u0", "a1"), "end"] == pytest.approx(100.0)
    with pytest.raises(ValueError, match="on must be"):
        trend_table(ev, on="raw")  # type: ignore[arg-type]
