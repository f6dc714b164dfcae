"""Trends of every indicator and composite: year-on-year change, compound annual growth
rate (CAGR) and linear trend (slope per year), as tables.

Each function takes an ``Evaluation`` or a long table ``unit, node, period, value`` and
works on one array of series x periods (vectorised over units and indicators). Time is
the periods' real spacing in years (``2024`` -> 2024.0, ``2024Q3`` -> 2024.5; see
``qcity.engine.panel.period_time``), so a missing year is a gap, not a step.

``on="value"`` (default): indicators in their own unit (after denomination, before
imputation, so that imputed values do not make a trend) and composites as scores;
``on="score"``: every node's score, indicators as normalised scores.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from qcity import errors
from qcity.engine.panel import period_times

if TYPE_CHECKING:
    from qcity.engine.evaluation import Evaluation

__all__ = [
    "cagr_table",
    "compound_rate",
    "linear_trends",
    "series",
    "trend_slope",
    "trend_table",
    "year_on_year",
]

On = Literal["value", "score"]
KEY = ["unit", "node"]
_TOL = 1e-6  # years: periods this close are the same time


# -- array functions -----------------------------------------------------------------
def compound_rate(start: np.ndarray, end: np.ndarray, t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
    """CAGR = (end / start) ** (1 / (t1 - t0)) - 1, elementwise (OECD Glossary of
    Statistical Terms, "compound annual growth rate"). NaN unless start > 0, end > 0 and
    t1 > t0: a growth rate of values <= 0 is undefined (use the slope instead)."""
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    years = np.asarray(t1, dtype=float) - np.asarray(t0, dtype=float)
    ok = (start > 0) & (end > 0) & (years > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.power(end / start, 1.0 / years) - 1.0
    return np.where(ok, rate, np.nan)


def trend_slope(y: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least-squares line y = a + b t through the observed values of each row of y (S, T)
    at times t (T,), NaN-aware: b = sum (t - t_bar)(y - y_bar) / sum (t - t_bar)^2 over the
    observed points (ordinary least squares, e.g. Wooldridge, *Introductory Econometrics*,
    ch. 2). Returns (slope b per year, r^2, number of points); NaN below two distinct times."""
    y = np.asarray(y, dtype=float)
    t = np.broadcast_to(np.asarray(t, dtype=float), y.shape)
    m = ~np.isnan(y)
    n = m.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        tbar = np.where(m, t, 0.0).sum(axis=-1) / n
        ybar = np.where(m, y, 0.0).sum(axis=-1) / n
        dt = np.where(m, t - tbar[..., None], 0.0)
        dy = np.where(m, y - ybar[..., None], 0.0)
        sxx, sxy, syy = (dt * dt).sum(-1), (dt * dy).sum(-1), (dy * dy).sum(-1)
        slope = np.where((n >= 2) & (sxx > 0), sxy / sxx, np.nan)
        r2 = np.where((n >= 2) & (sxx > 0) & (syy > 0), sxy * sxy / (sxx * syy), np.nan)
    r2 = np.where(np.isfinite(slope) & (syy == 0), 1.0, r2)  # a flat line fits exactly
    return slope, r2, n


# -- tables --------------------------------------------------------------------------
def series(evaluation: Evaluation, on: On = "value") -> pd.DataFrame:
    """The long table ``unit, node, period, value`` that the trend functions read, from
    an evaluation (see the module docstring for ``on``); units screened out of a period
    are left out of it."""
    if on not in ("value", "score"):
        raise errors.BadValue(f"on must be 'value' or 'score', got {on!r}")
    scores = evaluation.scores()
    frame = pd.DataFrame(
        {
            "unit": scores["unit"].astype(str),
            "node": scores["node"].astype(str),
            "period": scores["period"].astype(str),
            "value": scores["score"].astype(float),
        }
    )
    if on == "score":
        return frame
    res = evaluation.results
    name = "denominated" if "denominated" in res.datasets else "raw"
    own = res.datasets[name].to_long(dropna=False).rename(columns={"indicator": "node"})
    leaves = set(res.tree.indicators)
    own = own[own["node"].isin(leaves)]
    kept = frame[["unit", "period"]].drop_duplicates()
    own = own.merge(kept, on=["unit", "period"])[["unit", "node", "period", "value"]]
    return pd.concat([frame[~frame["node"].isin(leaves)], own], ignore_index=True)


def _wide(data: Evaluation | pd.DataFrame, on: On) -> tuple[pd.DataFrame, np.ndarray]:
    """(series x periods table, times of its columns), periods in time order."""
    frame = data if isinstance(data, pd.DataFrame) else series(data, on)
    missing = [c for c in (*KEY, "period", "value") if c not in frame.columns]
    if missing:
        raise errors.BadValue(
            f"the table needs columns unit, node, period, value; missing {missing}"
        )
    frame = frame.assign(period=frame["period"].astype(str))
    wide = frame.pivot_table(
        index=KEY, columns="period", values="value", aggfunc="first", dropna=False, sort=True
    )
    periods = [str(p) for p in wide.columns]
    times = period_times(periods)
    if times is None:
        raise errors.BadValue(
            f"periods {periods[:5]} are not years, quarters or months, so no trend in time "
            "can be computed"
        )
    order = np.argsort(times, kind="stable")
    wide = wide.iloc[:, order].astype(float)
    return wide, times[order]


def year_on_year(data: Evaluation | pd.DataFrame, on: On = "value") -> pd.DataFrame:
    """Change on the same period a year earlier, one row per unit, node and period with
    a value a year before: ``unit, node, period, previous_period, value, previous,
    change, growth``. change = value - previous; growth = change / |previous| (NaN when
    previous is 0). Annual data compare with the year before, quarterly and monthly data
    with the same quarter or month a year before; a missing year gives no row."""
    wide, times = _wide(data, on)
    periods = np.array(wide.columns, dtype=object)
    back = np.array([np.flatnonzero(np.abs(times - (t - 1.0)) < _TOL) for t in times], dtype=object)
    cur = np.array([i for i, b in enumerate(back) if len(b)], dtype=int)
    prev = np.array([back[i][0] for i in cur], dtype=int)
    x = wide.to_numpy()
    now, before = x[:, cur], x[:, prev]  # (S, P)
    change = now - before
    with np.errstate(invalid="ignore", divide="ignore"):
        growth = np.where(before != 0, change / np.abs(before), np.nan)
    S, P = now.shape
    idx = wide.index.to_frame(index=False)
    out = pd.DataFrame(
        {
            "unit": np.repeat(idx["unit"].to_numpy(), P),
            "node": np.repeat(idx["node"].to_numpy(), P),
            "period": np.tile(periods[cur], S),
            "previous_period": np.tile(periods[prev], S),
            "value": now.reshape(-1),
            "previous": before.reshape(-1),
            "change": change.reshape(-1),
            "growth": growth.reshape(-1),
        }
    )
    return out[~np.isnan(change.reshape(-1))].reset_index(drop=True)


def _first_last(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions of each row's first and last observed value, and whether it has one."""
    m = ~np.isnan(x)
    has = m.any(axis=1)
    first = np.argmax(m, axis=1)
    last = x.shape[1] - 1 - np.argmax(m[:, ::-1], axis=1)
    return first, last, has


def cagr_table(
    data: Evaluation | pd.DataFrame,
    from_period: str | int | None = None,
    to_period: str | int | None = None,
    on: On = "value",
) -> pd.DataFrame:
    """Compound annual growth rate of each unit and node from ``from_period`` to
    ``to_period`` (default: its first and last observed periods): ``unit, node,
    from_period, to_period, years, start, end, cagr`` (``compound_rate``; years from the
    periods' real spacing)."""
    wide, times = _wide(data, on)
    periods = [str(p) for p in wide.columns]
    x = wide.to_numpy()
    first, last, has = _first_last(x)
    for given, pos in ((from_period, first), (to_period, last)):
        if given is not None:
            if str(given) not in periods:
                raise errors.BadValue(f"no period {given}; periods: {', '.join(periods)}")
            pos[:] = periods.index(str(given))
    rows = np.arange(len(x))
    start, end = x[rows, first], x[rows, last]
    t0, t1 = times[first], times[last]
    labels = np.array(periods, dtype=object)
    idx = wide.index.to_frame(index=False)
    out = pd.DataFrame(
        {
            "unit": idx["unit"].to_numpy(),
            "node": idx["node"].to_numpy(),
            "from_period": labels[first],
            "to_period": labels[last],
            "years": t1 - t0,
            "start": start,
            "end": end,
            "cagr": compound_rate(start, end, t0, t1),
        }
    )
    return out[has].reset_index(drop=True)


def linear_trends(data: Evaluation | pd.DataFrame, on: On = "value") -> pd.DataFrame:
    """Least-squares linear trend of each unit and node over its observed periods:
    ``unit, node, n, first_period, last_period, slope, r2`` (slope in the value's unit per
    year, ``trend_slope``)."""
    wide, times = _wide(data, on)
    x = wide.to_numpy()
    slope, r2, n = trend_slope(x, times)
    first, last, has = _first_last(x)
    labels = np.array(wide.columns, dtype=object)
    idx = wide.index.to_frame(index=False)
    out = pd.DataFrame(
        {
            "unit": idx["unit"].to_numpy(),
            "node": idx["node"].to_numpy(),
            "n": n,
            "first_period": labels[first],
            "last_period": labels[last],
            "slope": slope,
            "r2": r2,
        }
    )
    return out[has].reset_index(drop=True)


def trend_table(data: Evaluation | pd.DataFrame, on: On = "value") -> pd.DataFrame:
    """One row per unit and node with its latest year-on-year change, its CAGR and its
    linear trend over the observed periods: ``unit, node, first_period, last_period, n,
    start, end, change, growth, cagr, slope, r2``; change and growth are the last
    observed period's year-on-year figures (NaN when the year before is missing)."""
    frame = data if isinstance(data, pd.DataFrame) else series(data, on)
    rates = cagr_table(frame)
    lines = linear_trends(frame)[[*KEY, "n", "slope", "r2"]]
    yoy = year_on_year(frame)[[*KEY, "period", "change", "growth"]]
    out = rates.merge(lines, on=KEY, how="left")
    out = out.merge(yoy.rename(columns={"period": "to_period"}), on=[*KEY, "to_period"], how="left")
    out = out.rename(columns={"from_period": "first_period", "to_period": "last_period"})
    cols = [*KEY, "first_period", "last_period", "n", "start", "end", "change", "growth"]
    return out[[*cols, "cagr", "slope", "r2"]]
