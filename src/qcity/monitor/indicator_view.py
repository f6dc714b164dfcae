"""One indicator of one unit against its target, as the dashboard draws it: the target path
from the baseline to the goal, the band of a band target, a linear trend forecast with its
95 % prediction interval, and the numbers of the monitoring table behind them.

The rules live here once: the path is the monitor's own (``Target.at`` from the monitor's
baseline through the framework's intermediate targets to the goal), drawn only where it
gives the monitor's path value this period; the band is the framework's band target, else
the band (or optimum) of a moderate indicator; the forecast is ``fit_trend(..., "linear")``
over the values up to the period monitored, to the goal year or ``FORECAST_YEARS`` ahead.

    out = indicator_outlook(result, mon, "A1")   # None when the table has no row for it
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from qcity.framework.model import Indicator, Moderate
from qcity.monitor.forecast import fit_trend
from qcity.monitor.progress import period_year
from qcity.monitor.table import Monitor
from qcity.monitor.targets import Target, spec_of

FORECAST_YEARS = 3
"""How many years ahead the forecast goes when the indicator has no target year."""


@dataclass(frozen=True)
class ForecastPoint:
    """One year of the linear trend forecast: the value and its 95 % prediction interval."""

    period: str
    value: float | None
    lower: float | None
    upper: float | None


@dataclass(frozen=True)
class IndicatorOutlook:
    """An indicator of a unit against its target (numbers only; the view adds words).

    ``period`` the row's period; ``kind`` the target's kind (None without a target);
    ``path`` (period, value) from the baseline to the goal year (empty when the monitor
    resolves the path otherwise, e.g. an own trend, or without a goal); ``band`` (low,
    high) of a band target; ``forecast`` the linear trend after the last known year;
    ``feasibility``, ``required_rate``, ``present_pace`` as in the monitor's details."""

    code: str
    unit: str
    period: str
    kind: str | None
    assumed: bool
    target_source: str
    base_year: float | None
    base_value: float | None
    path_value: float | None
    path: list[tuple[str, float | None]]
    band: tuple[float | None, float | None] | None
    forecast: list[ForecastPoint]
    feasibility: str | None
    required_rate: float | None
    present_pace: str | None


def _f(v: Any) -> float | None:
    """A finite float, or None (NaN, None, NA)."""
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _text(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def indicator_outlook(source: Any, mon: Monitor, ind: Indicator) -> IndicatorOutlook | None:
    """The outlook of ``ind`` in ``mon`` (a ``monitor`` of ``source``, an evaluation or
    what ``qcity.service.evaluation.evaluate`` returns); None when the monitoring table has
    no row for it (no values)."""
    code = ind.code
    table = mon.table.set_index("indicator")
    if code not in table.index:
        return None
    details = mon.details.set_index("indicator")
    row, det = table.loc[code], details.loc[code]
    unit = str(row["unit"])
    t_now = period_year(str(row["period"]))
    known_t, known_v = _known(source, code, unit, t_now)
    goal, goal_year = _f(row["target"]), _f(row["target_year"])
    base_year, base_value = _f(det["base_year"]), _f(det["base_value"])
    kind = _text(det["kind"])
    return IndicatorOutlook(
        code=code,
        unit=unit,
        period=str(row["period"]),
        kind=kind,
        assumed=bool(det["assumed"]),
        target_source=_text(det["source"]) or "",
        base_year=base_year,
        base_value=base_value,
        path_value=_f(det["path_value"]),
        path=_path(
            ind,
            str(det["path"] or "linear"),
            _f(det["path_value"]),
            kind,
            (goal, goal_year, base_year, base_value),
            t_now,
        ),
        band=_band(ind) if kind == "band" else None,
        forecast=_forecast(known_t, known_v, goal_year),
        feasibility=_text(det["feasibility"]),
        required_rate=_f(det["required_rate"]),
        present_pace=_text(det["present_pace"]),
    )


def _known(source: Any, code: str, unit: str, t_now: float) -> tuple[np.ndarray, np.ndarray]:
    """The unit's known values of ``code`` up to ``t_now`` (years, values), read as the
    monitor reads them (after denomination)."""
    ev = getattr(source, "evaluation", source)
    values = ev.dataset("denominated" if "denominated" in ev.datasets() else "raw")
    series = values[code].xs(unit, level="unit") if code in values.columns else pd.Series()
    series.index = series.index.astype(str)
    years = np.array([period_year(p) for p in series.index], float)
    keep = (years <= t_now) & np.isfinite(series.to_numpy(float))
    return years[keep], series.to_numpy(float)[keep]


def _path(
    ind: Indicator,
    path: str,
    now: float | None,
    kind: str | None,
    numbers: tuple[float | None, float | None, float | None, float | None],
    t_now: float,
) -> list[tuple[str, float | None]]:
    """The target path (``path`` linear or constant growth) from the baseline through any
    intermediate targets of the framework to the goal, as ``Target.at``; empty where it
    is not the monitor's path (it must give ``now``, this period's path value).
    ``numbers``: goal, goal year, base year, base value."""
    goal, goal_year, base_year, base_value = numbers
    if (
        goal is None
        or goal_year is None
        or base_year is None
        or base_value is None
        or kind in (None, "band", "not_worse")
        or goal_year <= base_year
    ):
        return []
    anchors = tuple(
        (float(y), float(v))
        for y, v in sorted(ind.targets.items())
        if ind.target is None and base_year < y < goal_year
    )
    target = Target(
        ind.code,
        str(kind),
        float(goal_year),
        goal,
        base_year,
        base_value,
        path=path,
        anchors=anchors,
    )
    if now is not None and not math.isclose(target.at(t_now), now, rel_tol=1e-9):
        return []
    return [(str(y), _f(target.at(float(y)))) for y in range(int(base_year), int(goal_year) + 1)]


def _band(ind: Indicator) -> tuple[float | None, float | None] | None:
    """The band as the monitor takes it: the framework's band target first, else the
    band (or optimum) of a moderate indicator."""
    spec = spec_of(ind)
    lo_hi = spec.band if spec is not None and spec.band is not None else None
    if lo_hi is None and isinstance(ind.direction, Moderate):
        d = ind.direction
        lo_hi = d.band if d.band is not None else (d.optimal, d.optimal)  # type: ignore[assignment]
    return None if lo_hi is None else (_f(lo_hi[0]), _f(lo_hi[1]))


def _forecast(
    known_t: np.ndarray, known_v: np.ndarray, goal_year: float | None
) -> list[ForecastPoint]:
    """The linear trend of the known values with its prediction interval, from the year
    after the last known one to the goal year (at least ``FORECAST_YEARS`` ahead)."""
    fit = fit_trend(known_t, known_v, "linear")
    if fit is None or not len(known_t):
        return []
    last = math.floor(known_t.max())
    end = max(int(goal_year) if goal_year is not None else 0, last + FORECAST_YEARS)
    pred = fit.predict(np.arange(last + 1, end + 1, dtype=float))
    return [
        ForecastPoint(str(int(y)), _f(f), _f(lo), _f(hi))
        for y, f, lo, hi in zip(
            pred["year"], pred["forecast"], pred["lower"], pred["upper"], strict=True
        )
    ]


__all__ = ["FORECAST_YEARS", "ForecastPoint", "IndicatorOutlook", "indicator_outlook"]
