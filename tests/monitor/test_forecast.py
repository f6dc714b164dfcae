"""Trend forecasts, prediction intervals, the year a target is met, the backtest."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from qcity.monitor.forecast import backtest, fit_trend, forecast_table, year_target_met


def test_prediction_interval_by_hand() -> None:
    # points (0,0), (1,1), (2,3): b = Sxy/Sxx = 3/2, a = 4/3 - 3/2 = -1/6,
    # residuals 1/6, -1/3, 1/6: SSE = 1/6, s = sqrt(SSE/(n-2)) = sqrt(1/6)
    fit = fit_trend(np.array([0.0, 1, 2]), np.array([0.0, 1, 3]))
    assert fit is not None
    assert (fit.a, fit.b) == (pytest.approx(-1 / 6), pytest.approx(1.5))
    got = fit.predict(np.array([3.0])).iloc[0]
    assert got["forecast"] == pytest.approx(-1 / 6 + 4.5)
    # at t* = 3: se = s sqrt(1 + 1/3 + (3 - 1)^2/2); t quantile with 1 degree of freedom
    half = stats.t.ppf(0.975, 1) * math.sqrt(1 / 6) * math.sqrt(1 + 1 / 3 + 2)
    assert got["upper"] - got["forecast"] == pytest.approx(half)
    assert got["forecast"] - got["lower"] == pytest.approx(half)


def test_log_linear_follows_constant_growth() -> None:
    years = np.arange(2015.0, 2021.0)
    values = 100 * 1.1 ** (years - 2015)
    fit = fit_trend(years, values, "loglinear")
    assert fit is not None
    assert fit.predict(np.array([2024.0]))["forecast"].iloc[0] == pytest.approx(100 * 1.1**9)
    assert fit_trend(years, values - 200, "loglinear") is None  # not positive
    assert fit_trend(np.array([2020.0]), np.array([1.0])) is None  # one point


def test_year_a_target_is_met_at_the_present_pace() -> None:
    years = np.arange(2015.0, 2021.0)
    fit = fit_trend(years, 2 * (years - 2015))  # 0, 2, ..., 10: +2 a year
    assert year_target_met(fit, 20.0, 1, 2020.0) == pytest.approx(2025.0)
    assert year_target_met(fit, 8.0, 1, 2020.0) == 2020.0  # already there
    assert year_target_met(fit, -5.0, -1, 2020.0) is None  # wrong way: not on present trend
    falling = fit_trend(years, 10 - (years - 2015))
    assert year_target_met(falling, 2.0, -1, 2020.0) == pytest.approx(2023.0)
    table = forecast_table(years, 2 * (years - 2015), np.array([2025.0]), target=20.0)
    lin = table[table["model"] == "linear"].iloc[0]
    assert lin["forecast"] == pytest.approx(20.0) and lin["met_year"] == pytest.approx(2025.0)


def test_backtest_errors() -> None:
    years = np.arange(2015.0, 2025.0)
    panel = pd.DataFrame({"grow": 100 * 1.1 ** (years - 2015), "line": 5 + 2 * (years - 2015)},
                         index=years)  # fmt: skip
    got = backtest(panel, (2015, 2020), (2021, 2024)).set_index(["series", "model"])
    assert got.loc[("grow", "loglinear"), "mape"] == pytest.approx(0.0, abs=1e-9)
    assert got.loc[("line", "linear"), "mape"] == pytest.approx(0.0, abs=1e-9)
    # a straight line fitted to 10 % growth undershoots: 2021 is 177.16, the line gives less
    assert got.loc[("grow", "linear"), "mape"] > 0.05
