"""Progress classes and scores: the progress method of Statistics Canada's SDG data hub, as
implemented by the open-sdg platform (``sdg-build``, ``progress_measure``).

Two methods, both on the compound annual growth rate ``CAGR(a, b, t0, t1) = (b/a)^(1/(t1-t0)) - 1``:

- with a target ``x*`` for year ``T``: a target already met is ``target_achieved``; otherwise
  ``R = s·d·CAGR_observed / |CAGR_required|`` with ``CAGR_required = CAGR(x0, x*, t0, T)``;
  ``R >= 0.95`` on track, ``0.6 <= R < 0.95`` acceleration needed, ``0 <= R < 0.6`` limited
  progress, ``R < 0`` deterioration;
- without a target: ``v = s·d·CAGR_observed``; ``v >= 1.5 %`` on track, ``0.5-1.5 %``
  acceleration needed, ``0-0.5 %`` limited progress, ``< 0`` deterioration, the thresholds
  multiplied by the factor ``C`` for an indicator near a natural limit ``L`` (e.g. 100 %):
  ``C = 1 - (x0/L)^4.44`` if ``x0 <= L``, ``1 - ((2L - x0)/L)^4.44`` if ``L < x0 < 2L``, else 1.

``d`` is the direction (1 higher is better, -1 lower is better), ``s`` is -1 when the values
are negative (the ratio of two negatives grows when the value falls). As in the method, a
base value of 0 and a target of 0 are replaced by 0.001, and the natural-limit factor applies
only to a limit that lies in the desired direction from the base (``d (L - x0) >= 0``: a
maximum ahead of a rising indicator, a minimum ahead of a falling one); otherwise ``C = 1``.
Where the method gives no answer — the base and the latest value (or the target) of opposite
signs — the class is ``unable_to_assess`` (the method's "not available"), unless the target
is met. An extension of the method, off by default (``fallback=True``), assesses such series
by linear change instead: the observed slope ``(x1 - x0)/(t1 - t0)`` in place of the observed
CAGR and the required slope ``(x* - x0)/(T - t0)`` in place of the required one (with a
target), or the slope divided by ``|x0|`` (without one); ``linear`` marks where it was used.

Scores on the method's -5..+5 scale (5 for a target achieved), piecewise linear so that the
class thresholds fall on -2.5, 0 and 2.5: with a target ``min(7.1429 R - 4.2857, 5)`` for
``R >= 0.6`` and ``max(4.1667 R - 2.5, -5)`` below; without one ``max(125 v - 2.5, -5)`` for
``v < 0``, ``500 v/C - 2.5`` up to 0.5 %, ``250 v/C - 1.25`` up to 1.5 %, ``min(500 v/C - 5, 5)``
above. A dimension's or the index's score is the mean of the scores of the indicators below
it (open-sdg's goal score), classed by the same cut points on the score.

Years may be fractional: quarterly periods are placed at the middle of their quarter
(``period_year("2024Q2") == 2024.375``), so a CAGR between quarters is still per year.
"""

from __future__ import annotations

import re
from typing import Literal

import numpy as np
import pandas as pd

from qcity import errors

ProgressClass = Literal[
    "target_achieved",
    "on_track",
    "acceleration_needed",
    "limited_progress",
    "deterioration",
    "unable_to_assess",
]
CLASSES: tuple[str, ...] = (
    "target_achieved",
    "on_track",
    "acceleration_needed",
    "limited_progress",
    "deterioration",
)
UNABLE = "unable_to_assess"
"""The class of a series with two data points that the method cannot assess."""
CLASS_LABELS: dict[str, tuple[str, str, str]] = {
    # class: (symbol, zh, en) — the one wording of the classes, used by every output
    "target_achieved": ("★", "已达目标", "target achieved"),
    "on_track": ("▲", "进展顺利", "on track"),
    "acceleration_needed": ("↗", "需加快", "acceleration needed"),
    "limited_progress": ("→", "进展有限", "limited progress"),
    "deterioration": ("▼", "退步", "deterioration"),
    UNABLE: ("?", "无法评估", "unable to assess"),
}
WITH_TARGET = (0.95, 0.6, 0.0)
"""Thresholds on R (observed over required CAGR): on track, acceleration needed, limited."""
WITHOUT_TARGET = (0.015, 0.005, 0.0)
"""Thresholds on the direction-adjusted CAGR without a target (1.5 %, 0.5 %, 0)."""
LIMIT_EXPONENT = 4.44
ZERO_BASE = 0.001
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def period_year(period: object) -> float:
    """A period label as a (fractional) year: ``"2024"`` -> 2024.0, ``"2024Q2"`` -> 2024.375
    (the middle of the quarter, ``year + (q - 0.5)/4``). ValueError for anything else."""
    text = str(period).strip()
    m = _QUARTER.match(text.upper())
    if m:
        return int(m.group(1)) + (int(m.group(2)) - 0.5) / 4
    try:
        return float(int(float(text)))
    except ValueError:
        raise errors.BadValue(
            f"period {period!r} is neither a year (2024) nor a quarter (2024Q2)"
        ) from None


def cagr(a: np.ndarray, b: np.ndarray, t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
    """Compound annual growth rate from ``a`` at ``t0`` to ``b`` at ``t1``:
    ``(b/a)^(1/(t1-t0)) - 1`` (NaN where the ratio is negative)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.power(np.asarray(b, float) / np.asarray(a, float), 1.0 / (t1 - t0)) - 1.0


def limit_factor(
    base: np.ndarray, limit: np.ndarray, direction: np.ndarray | int = 1
) -> np.ndarray:
    """The method's factor C that shrinks the no-target thresholds near a natural limit L
    (C = 1 where no limit is given, or where the limit does not lie in the desired direction
    from the base, ``d (L - x0) < 0``); see the module docstring for the formula."""
    x0, raw = np.asarray(base, float), np.asarray(limit, float)
    b, lim = np.abs(x0), np.abs(raw)
    with np.errstate(divide="ignore", invalid="ignore"):
        below = 1.0 - (b / lim) ** LIMIT_EXPONENT
        above = 1.0 - ((2 * lim - b) / lim) ** LIMIT_EXPONENT
        ahead = np.asarray(direction, float) * (raw - x0) >= 0
    c = np.where(b >= 2 * lim, 1.0, np.where(b <= lim, below, above))
    return np.where(np.isnan(lim) | ~ahead, 1.0, c)


def progress_values(
    base_value: np.ndarray,
    base_year: np.ndarray,
    latest_value: np.ndarray,
    latest_year: np.ndarray,
    target_value: np.ndarray | None = None,
    target_year: np.ndarray | None = None,
    direction: np.ndarray | int = 1,
    limit: np.ndarray | None = None,
    *,
    fallback: bool = False,
) -> dict[str, np.ndarray]:
    """The method on arrays (broadcast together): ``value`` (R with a target, the
    direction-adjusted CAGR without; NaN where the method gives no answer), ``achieved``,
    ``has_target``, ``assessable`` (the method, or with ``fallback`` its linear extension,
    gives a value), ``linear`` (the linear extension was used), ``factor`` (C) and ``valid``
    (two data points)."""
    x0 = np.asarray(base_value, float)
    x1 = np.asarray(latest_value, float)
    t0 = np.asarray(base_year, float)
    t1 = np.asarray(latest_year, float)
    d = np.asarray(direction, float)
    shape = np.broadcast_shapes(x0.shape, x1.shape, t0.shape, t1.shape, d.shape)
    tv = np.full(shape, np.nan) if target_value is None else np.asarray(target_value, float)
    ty = np.full(shape, np.nan) if target_year is None else np.asarray(target_year, float)
    lim = np.full(shape, np.nan) if limit is None else np.asarray(limit, float)
    x0, x1, t0, t1, d, tv, ty, lim = np.broadcast_arrays(x0, x1, t0, t1, d, tv, ty, lim)
    valid = np.isfinite(x0) & np.isfinite(x1) & np.isfinite(t0) & np.isfinite(t1) & (t1 > t0)
    has_target = np.isfinite(tv) & np.isfinite(ty)
    achieved = has_target & valid & (d * (x1 - tv) >= 0)
    base = np.where(x0 == 0, ZERO_BASE, x0)
    goal = np.where(tv == 0, ZERO_BASE, tv)
    sign = np.where(base < 0, -1.0, 1.0)
    same_sign = base * x1 >= 0  # a latest value of 0 is a fall of 100 %, as in the method
    same_sign_target = np.where(has_target, base * goal > 0, True)
    by_method = valid & same_sign & same_sign_target
    linear = valid & ~by_method & fallback
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = cagr(base, x1, t0, t1)
        required = cagr(base, goal, t0, ty)
        by_growth_t = sign * d * observed / np.abs(required)
        by_growth_n = sign * d * observed
        slope = (x1 - x0) / (t1 - t0)
        need = (tv - x0) / (ty - t0)
        scale = np.where(x0 != 0, np.abs(x0), np.abs(x1))
        by_slope_t = d * slope / np.abs(need)
        by_slope_n = np.where(slope == 0, 0.0, d * slope / scale)
    value = np.where(
        has_target,
        np.where(linear, by_slope_t, by_growth_t),
        np.where(linear, by_slope_n, by_growth_n),
    )
    assessable = by_method | linear
    value = np.where(assessable, value, np.nan)
    factor = np.where(has_target, 1.0, limit_factor(base, lim, d))
    return {
        "value": value,
        "achieved": achieved,
        "has_target": has_target,
        "assessable": assessable,
        "linear": linear,
        "factor": factor,
        "valid": valid,
    }


def classify(
    value: np.ndarray,
    achieved: np.ndarray,
    has_target: np.ndarray,
    factor: np.ndarray,
    valid: np.ndarray | bool | None = None,
) -> np.ndarray:
    """Progress class (object array): ``target_achieved`` where achieved, else by the
    thresholds; ``unable_to_assess`` where there are two data points (``valid``) but no
    value; None where there are not two data points."""
    value = np.asarray(value, float)
    hi_t, mid_t, lo_t = WITH_TARGET
    hi_n, mid_n, lo_n = (np.asarray(factor, float) * t for t in WITHOUT_TARGET)
    hi = np.where(has_target, hi_t, hi_n)
    mid = np.where(has_target, mid_t, mid_n)
    lo = np.where(has_target, lo_t, lo_n)
    can = np.asarray(True if valid is None else valid, bool)
    out = np.select(
        [achieved, value >= hi, value >= mid, value >= lo, value < lo, can],
        [*CLASSES, UNABLE],
        default="",
    ).astype(object)
    out[out == ""] = None
    return out


def scores(
    value: np.ndarray, achieved: np.ndarray, has_target: np.ndarray, factor: np.ndarray
) -> np.ndarray:
    """The method's progress score on -5..+5 (5 when achieved, NaN without a value)."""
    v = np.asarray(value, float)
    c = np.asarray(factor, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        with_t = np.where(
            v >= WITH_TARGET[1],
            np.minimum(7.1429 * v - 4.2857, 5),
            np.maximum(4.1667 * v - 2.5, -5),
        )
        lo, mid, hi = WITHOUT_TARGET[2], WITHOUT_TARGET[1] * c, WITHOUT_TARGET[0] * c
        up = np.where(
            v >= hi,
            np.minimum(500 * v / c - 5, 5),
            np.where(v >= mid, 250 * v / c - 1.25, 500 * v / c - 2.5),
        )
        up = np.where(c == 0, 5.0, up)
        without = np.where(v < lo, np.maximum(125 * v - 2.5, -5), up)
    s = np.where(has_target, with_t, without)
    return np.where(achieved, 5.0, s)


def _one_series(
    base_value: float | None,
    base_year: float | str | None,
    latest_value: float | None,
    latest_year: float | str | None,
    target_value: float | None,
    target_year: float | str | None,
    direction: int,
    limit: float | None,
    check_target: bool = False,
    fallback: bool = False,
) -> dict[str, np.ndarray] | None:
    """``progress_values`` of one series (years as numbers or period labels), or None
    when it has not two valid data points; ``check_target``: a target year not after the
    base year is an error."""
    t0, t1 = period_year(base_year), period_year(latest_year)
    ty = period_year(target_year) if target_year is not None else np.nan
    if check_target and target_year is not None and ty <= t0:
        raise errors.BadValue(f"target year {target_year} must be after the base year {base_year}")
    r = progress_values(
        np.array(base_value, float),
        np.array(t0),
        np.array(latest_value, float),
        np.array(t1),
        np.array(np.nan if target_value is None else target_value, float),
        np.array(ty),
        direction,
        np.array(np.nan if limit is None else limit, float),
        fallback=fallback,
    )
    return r if bool(r["valid"]) else None


def progress_class(
    base_value: float | None,
    base_year: float | str | None,
    latest_value: float | None,
    latest_year: float | str | None,
    target_value: float | None = None,
    target_year: float | str | None = None,
    direction: int = 1,
    limit: float | None = None,
    *,
    fallback: bool = False,
) -> ProgressClass | None:
    """The progress class of one series from its base and latest points (years as numbers
    or period labels such as ``"2024Q2"``): ``target_achieved``, ``on_track``,
    ``acceleration_needed``, ``limited_progress``, ``deterioration``, ``unable_to_assess``
    (two points the method cannot assess, e.g. of opposite signs), or None when there are
    not two data points. Statistics Canada / open-sdg method (module docstring);
    ``fallback=True`` turns on the linear-change extension."""
    if direction not in (1, -1):
        raise errors.BadValue(
            f"direction is 1 (higher is better) or -1 (lower is better), not {direction!r}"
        )
    if None in (base_value, base_year, latest_value, latest_year):
        return None
    if (target_value is None) != (target_year is None):
        raise errors.BadValue("give both target_value and target_year, or neither")
    r = _one_series(
        base_value,
        base_year,
        latest_value,
        latest_year,
        target_value,
        target_year,
        direction,
        limit,
        check_target=True,
        fallback=fallback,
    )
    if r is None:
        return None
    cls = classify(r["value"], r["achieved"], r["has_target"], r["factor"], r["valid"])
    return None if cls.item() is None else cls.item()


def progress_score(
    base_value: float,
    base_year: float | str,
    latest_value: float,
    latest_year: float | str,
    target_value: float | None = None,
    target_year: float | str | None = None,
    direction: int = 1,
    limit: float | None = None,
    *,
    fallback: bool = False,
) -> float | None:
    """The method's -5..+5 score of one series (None without two data points or where the
    method cannot assess it)."""
    r = _one_series(
        base_value,
        base_year,
        latest_value,
        latest_year,
        target_value,
        target_year,
        direction,
        limit,
        fallback=fallback,
    )
    if r is None:
        return None
    score = float(scores(r["value"], r["achieved"], r["has_target"], r["factor"]))
    return score if np.isfinite(score) else None


def class_of_score(score: np.ndarray, all_achieved: np.ndarray | bool = False) -> np.ndarray:
    """Class of an aggregate score by the cut points of the scale: >= 2.5 on track, >= 0
    acceleration needed, >= -2.5 limited progress, else deterioration; ``target_achieved``
    only where every target below is achieved (``all_achieved``)."""
    s = np.asarray(score, float)
    done = np.asarray(all_achieved, bool) & np.isfinite(s)
    out = np.select(
        [done, s >= 2.5, s >= 0, s >= -2.5, s < -2.5], list(CLASSES), default=""
    ).astype(object)
    out[out == ""] = None
    return out


def overall_scores(
    indicator_scores: pd.Series,
    parents: dict[str, str | None],
    achieved: pd.Series | None = None,
) -> pd.DataFrame:
    """Score of every composite as the mean of the scores of the indicators below it
    (open-sdg's goal score; indicators without a score are left out): ``node, score,
    indicators, progress_class``. ``parents`` maps each code to its parent's code;
    ``achieved`` (code -> bool) marks the indicators whose target is achieved."""
    rows = []
    ancestors: dict[str, list[str]] = {}
    for code in indicator_scores.index:
        chain, cur = [], parents.get(str(code))
        while cur is not None:
            chain.append(cur)
            cur = parents.get(cur)
        ancestors[str(code)] = chain
    nodes = sorted({n for chain in ancestors.values() for n in chain})
    for node in nodes:
        below = [c for c, chain in ancestors.items() if node in chain]
        vals = indicator_scores.reindex(below).astype(float).dropna()
        done = achieved is not None and bool(achieved.reindex(vals.index).fillna(False).all())
        rows.append(
            {
                "node": node,
                "score": float(vals.mean()) if len(vals) else np.nan,
                "indicators": len(vals),
                "all_achieved": done and len(vals) > 0,
            }
        )
    out = pd.DataFrame(rows, columns=["node", "score", "indicators", "all_achieved"])
    out["progress_class"] = class_of_score(out["score"].to_numpy(), out["all_achieved"].to_numpy())
    out = out.drop(columns="all_achieved")
    return out
