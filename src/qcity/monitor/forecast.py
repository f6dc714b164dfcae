"""Trend forecasts with prediction intervals, and the year a target is met at the present
pace.

Linear: ordinary least squares ``y = a + b t``; log-linear: the same on ``log y`` (positive
series only), forecasts exponentiated. The prediction interval at ``t*`` is the textbook
one for a new observation (e.g. Montgomery, Peck & Vining, *Introduction to Linear
Regression Analysis*, §2.5): ``ŷ ± t_{n-2, 1-α/2} · s · sqrt(1 + 1/n + (t* - t̄)²/Sxx)``,
``s² = SSE/(n - 2)``; the log-linear interval is the exponentiated interval on the log
scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

Model = Literal["linear", "loglinear"]
NOT_ON_TREND = "not on present trend"


@dataclass(frozen=True)
class Fit:
    """A fitted trend: ``model``, intercept ``a``, slope ``b`` (per year; on the log scale
    for log-linear), residual sd ``s``, ``n`` points, their mean year and ``Sxx``."""

    model: Model
    a: float
    b: float
    s: float
    n: int
    t_mean: float
    sxx: float

    def predict(self, years: np.ndarray, level: float = 0.95) -> pd.DataFrame:
        """``year, forecast, lower, upper`` (NaN interval with fewer than 3 points)."""
        t = np.asarray(years, float)
        mean = self.a + self.b * t
        if self.n > 2 and self.sxx > 0:
            q = stats.t.ppf(0.5 + level / 2, self.n - 2)
            half = q * self.s * np.sqrt(1 + 1 / self.n + (t - self.t_mean) ** 2 / self.sxx)
        else:
            half = np.full_like(t, np.nan)
        lo, hi = mean - half, mean + half
        if self.model == "loglinear":
            mean, lo, hi = np.exp(mean), np.exp(lo), np.exp(hi)
        return pd.DataFrame({"year": t, "forecast": mean, "lower": lo, "upper": hi})


def fit_trend(years: np.ndarray, values: np.ndarray, model: Model = "linear") -> Fit | None:
    """Least-squares trend through the finite points (None with fewer than 2, or a
    log-linear fit of a series that is not positive)."""
    t = np.asarray(years, float)
    y = np.asarray(values, float)
    ok = np.isfinite(t) & np.isfinite(y)
    t, y = t[ok], y[ok]
    if model == "loglinear":
        if (y <= 0).any():
            return None
        y = np.log(y)
    n = t.size
    if n < 2 or np.ptp(t) == 0:
        return None
    t_mean = float(t.mean())
    sxx = float(((t - t_mean) ** 2).sum())
    b = float(((t - t_mean) * (y - y.mean())).sum() / sxx)
    a = float(y.mean() - b * t_mean)
    resid = y - (a + b * t)
    s = float(math.sqrt((resid**2).sum() / (n - 2))) if n > 2 else float("nan")
    return Fit(model, a, b, s, n, t_mean, sxx)


def year_target_met(
    fit: Fit | None, target: float, direction: int, latest_year: float
) -> float | None:
    """The (fractional) year the fitted trend reaches ``target`` after ``latest_year`` at
    the present pace; ``latest_year`` if the trend is already there; None when the trend
    does not move towards the target ("not on present trend")."""
    if fit is None or not math.isfinite(target):
        return None
    level = math.log(target) if fit.model == "loglinear" else target
    if fit.model == "loglinear" and target <= 0:
        return None
    now = fit.a + fit.b * latest_year
    if direction * (now - level) >= 0:
        return latest_year
    if direction * fit.b <= 0:
        return None
    return (level - fit.a) / fit.b


def forecast_table(
    years: np.ndarray,
    values: np.ndarray,
    to_years: np.ndarray,
    target: float | None = None,
    direction: int = 1,
    level: float = 0.95,
) -> pd.DataFrame:
    """Both models' forecasts for ``to_years`` (``model, year, forecast, lower, upper``)
    and, given a target, ``met_year`` (the year it is met at the present pace, NaN when not
    on the present trend)."""
    frames = []
    latest = float(np.nanmax(np.asarray(years, float)))
    models: tuple[Model, ...] = ("linear", "loglinear")
    for model in models:
        fit = fit_trend(years, values, model)
        if fit is None:
            continue
        f = fit.predict(np.asarray(to_years, float), level).assign(model=model)
        met = year_target_met(fit, target, direction, latest) if target is not None else None
        f["met_year"] = np.nan if met is None else met
        frames.append(f)
    cols = ["model", "year", "forecast", "lower", "upper", "met_year"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def backtest(
    panel: pd.DataFrame, fit_years: tuple[float, float], test_years: tuple[float, float]
) -> pd.DataFrame:
    """Fit each column of ``panel`` (rows years, columns series) on ``fit_years``
    (inclusive) and compare with ``test_years``: ``series, model, mape, coverage`` —
    the mean absolute percentage error and the share of test values inside the 95 %
    prediction interval."""
    idx = panel.index.to_numpy(float)
    train = (idx >= fit_years[0]) & (idx <= fit_years[1])
    test = (idx >= test_years[0]) & (idx <= test_years[1])
    rows = []
    models: tuple[Model, ...] = ("linear", "loglinear")
    for name, col in panel.items():
        y = col.to_numpy(float)
        for model in models:
            fit = fit_trend(idx[train], y[train], model)
            if fit is None:
                continue
            pred = fit.predict(idx[test])
            actual = y[test]
            ok = np.isfinite(actual) & (actual != 0)
            if not ok.any():
                continue
            err = np.abs(pred["forecast"].to_numpy()[ok] - actual[ok]) / np.abs(actual[ok])
            inside = (actual[ok] >= pred["lower"].to_numpy()[ok]) & (
                actual[ok] <= pred["upper"].to_numpy()[ok]
            )
            rows.append(
                {
                    "series": name,
                    "model": model,
                    "mape": float(err.mean()),
                    "coverage": float(inside.mean()),
                }
            )
    return pd.DataFrame(rows, columns=["series", "model", "mape", "coverage"])
