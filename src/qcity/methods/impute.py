"""Imputation of missing values: across units (mean, median, by group) or along time (LOCF, linear).

OECD/JRC Handbook (2008), sec. 3 (single imputation); COINr ``i_mean``, ``i_median``,
``i_mean_grp``, ``i_median_grp`` and ``impute_panel``. All functions take x of shape
(T, n, k) and return a new array of the same shape; observed values never change.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from qcity import errors
from qcity.methods import _stats
from qcity.methods.registry import IMPUTERS


def _check(x: np.ndarray) -> np.ndarray:
    """x as a float array of shape (T, n, k)."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 3:
        raise errors.NotComputable(f"imputation expects data of shape (T, n, k), got {x.shape}")
    return x


def _group_codes(groups: np.ndarray | None, n: int) -> np.ndarray:
    """Integer group codes (n,), -1 for a unit without group; one group if ``groups`` is None."""
    if groups is None:
        return np.zeros(n, dtype=np.intp)
    g = np.asarray(groups)
    if g.shape != (n,):
        raise errors.NotComputable(f"imputation: groups must have shape ({n},), got {g.shape}")
    codes, _ = pd.factorize(pd.Series(g, dtype=object), use_na_sentinel=True)
    return np.asarray(codes, dtype=np.intp)


def _nanmedian(x: np.ndarray, axis: int) -> np.ndarray:
    """Median ignoring NaN, NaN for all-missing slices, without RuntimeWarning (keepdims)."""
    s = np.sort(x, axis=axis)  # NaN sorts last
    n = _stats.count(x, axis)
    lo = np.take_along_axis(s, np.maximum((n - 1) // 2, 0), axis=axis)
    hi = np.take_along_axis(s, np.maximum(n // 2, 0), axis=axis)
    return np.where(n == 0, np.nan, (lo + hi) / 2.0)


def _fill_by_group(
    x: np.ndarray, groups: np.ndarray | None, stat: Callable[[np.ndarray, int], np.ndarray]
) -> np.ndarray:
    """Fill NaN with ``stat`` over the units (axis 1) of the same group, per period and indicator.

    As COINr ``i_*_grp`` with ``skip_f_na = TRUE``: a unit whose group is missing is left
    as it is; if a whole group is missing for an indicator in a period the gap stays NaN.
    """
    x = _check(x)
    codes = _group_codes(groups, x.shape[1])
    out = x.copy()
    for g in np.unique(codes[codes >= 0]):  # loop over groups (a handful), not units
        members = codes == g
        sub = x[:, members, :]
        out[:, members, :] = np.where(np.isnan(sub), stat(sub, 1), sub)
    return out


@IMPUTERS.register("none")
def impute_none(x: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """No imputation: missing values stay missing (COINr ``Impute(disable = TRUE)``)."""
    return _check(x).copy()


@IMPUTERS.register("mean")
def impute_mean(x: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """Replace a gap by the mean of the indicator over the units of the period (of its group).

    x*_{tij} = mean{x_{tlj} : l observed, group(l) = group(i)}; COINr ``i_mean`` /
    ``i_mean_grp``; OECD/JRC Handbook (2008), sec. 3 (unconditional mean substitution).
    """
    return _fill_by_group(x, groups, _stats.nanmean)


@IMPUTERS.register("median")
def impute_median(x: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """Replace a gap by the median of the indicator over the units of the period (of its group).

    COINr ``i_median`` / ``i_median_grp`` (R ``stats::median``: mean of the two middle
    values for an even count).
    """
    return _fill_by_group(x, groups, _nanmedian)


def _last_observed(valid: np.ndarray) -> np.ndarray:
    """Index along axis 0 of the last observed period at or before t; -1 if none."""
    t = np.arange(valid.shape[0]).reshape(-1, *([1] * (valid.ndim - 1)))
    return np.maximum.accumulate(np.where(valid, t, -1), axis=0)


def _next_observed(valid: np.ndarray) -> np.ndarray:
    """Index along axis 0 of the first observed period at or after t; T if none."""
    big = valid.shape[0]
    t = np.arange(big).reshape(-1, *([1] * (valid.ndim - 1)))
    rev = np.minimum.accumulate(np.where(valid, t, big)[::-1], axis=0)
    return rev[::-1]


def _take(x: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """x[idx[t, i, j], i, j], NaN where idx is out of range."""
    ok = (idx >= 0) & (idx < x.shape[0])
    got = np.take_along_axis(x, np.clip(idx, 0, x.shape[0] - 1), axis=0)
    return np.where(ok, got, np.nan)


def _times(times: np.ndarray | None, big: int, method: str) -> np.ndarray:
    """The time of each period (T,), strictly increasing; positions 0, 1, ... when None."""
    s = np.arange(big, dtype=float) if times is None else np.asarray(times, dtype=float)
    if s.shape != (big,) or np.any(np.diff(s) <= 0):
        raise errors.NotComputable(
            f"{method}: times must be strictly increasing, one value per period"
        )
    return s


@IMPUTERS.register("locf")
def impute_locf(
    x: np.ndarray,
    groups: np.ndarray | None = None,
    backfill: bool = False,
    max_gap: float | None = None,
    times: np.ndarray | None = None,
) -> np.ndarray:
    """Last observation carried forward along the periods (axis 0), per unit and indicator.

    COINr ``impute_panel(imp_type = "latest", max_time = max_gap)``: a gap at t takes the
    latest value observed at t' < t, if s_t - s_t' <= ``max_gap`` (no limit when None),
    where s are the period times ``times`` (T,) in years (the engine passes them: 2016 and
    2018 are 2 apart, 2024Q1 and 2024Q3 half a year), or positions 0, 1, ... when None.
    Leading gaps stay NaN unless ``backfill=True``, which fills them with the first
    observation. ``groups`` is ignored (each unit uses its own history).
    """
    x = _check(x)
    if max_gap is not None and max_gap < 0:
        raise errors.NotComputable(f"locf: max_gap must be >= 0, got {max_gap}")
    s = _times(times, x.shape[0], "locf")
    limit = np.inf if max_gap is None else max_gap
    out = x.copy()
    carried = np.full(x.shape[1:], np.nan)  # latest observation so far
    when = np.full(x.shape[1:], -np.inf)  # time it was observed
    for t in range(x.shape[0]):  # a loop over periods (tens), vectorised over units
        seen = ~np.isnan(x[t])
        carried = np.where(seen, x[t], carried)
        when = np.where(seen, s[t], when)
        out[t] = np.where(seen, x[t], np.where(s[t] - when <= limit + 1e-9, carried, np.nan))
    if backfill:
        valid = ~np.isnan(x)
        never = ~np.maximum.accumulate(valid, axis=0)  # no observation at or before t
        out = np.where(never, _take(x, _next_observed(valid)), out)
    return out


@IMPUTERS.register("linear")
def impute_linear(
    x: np.ndarray,
    groups: np.ndarray | None = None,
    times: np.ndarray | None = None,
    extrapolate: bool = False,
) -> np.ndarray:
    """Linear interpolation between the observed periods (axis 0), per unit and indicator.

    x_t = x_a + (s_t - s_a) / (s_b - s_a) * (x_b - x_a) for the nearest observed periods
    a < t < b, where s are the period times ``times`` (T,) in years (the engine passes
    them: 2015, 2016, 2018 put 2017 halfway; 2024Q1 is 2024.0, 2024Q2 2024.25), or
    positions 0, 1, ... when None. Gaps before the first or after the
    last observation stay NaN unless ``extrapolate=True``, which repeats the nearest
    observation (COINr ``impute_panel(imp_type = "linear")``, i.e. ``approx(rule = 2)``).
    """
    x = _check(x)
    big = x.shape[0]
    s = _times(times, big, "linear")
    valid = ~np.isnan(x)
    a, b = _last_observed(valid), _next_observed(valid)
    xa, xb = _take(x, a), _take(x, b)
    sa = np.where(a >= 0, s[np.clip(a, 0, big - 1)], np.nan)
    sb = np.where(b < big, s[np.clip(b, 0, big - 1)], np.nan)
    st = s.reshape(-1, 1, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        inner = xa + (st - sa) / (sb - sa) * (xb - xa)
    out = np.where(valid, x, inner)
    if extrapolate:
        out = np.where(np.isnan(out), np.where(a >= 0, xa, xb), out)
    return out
