"""Outlier treatment of one period's data (n units, k indicators), column by column.

COINr ``Treat`` with its defaults (``f1 = "winsorise"``, ``f2 = "log_CT"``,
``f_pass = "check_SkewKurt"``, ``combine_treat = FALSE``); OECD/JRC Handbook (2008),
sec. 1.5 and the JRC COIN practice of winsorising indicators with
|skewness| > 2 and kurtosis > 3.5.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from qcity import errors
from qcity.methods._stats import skew_kurt
from qcity.methods.errors import warn_degenerate
from qcity.methods.registry import TREATMENTS

DETAIL_COLUMNS = (
    "skew0", "kurt0", "pass0", "nwin", "skew1", "kurt1", "pass1",
    "skew2", "kurt2", "pass2", "treatment",
)  # fmt: skip


@dataclass(frozen=True)
class TreatResult:
    """Treated values (n, k); ``points`` int8 (n, k): 0 untouched, 1 winsorised high,
    -1 winsorised low, 2 transformed; ``details``: one row per column (see DETAIL_COLUMNS).
    """

    values: np.ndarray
    points: np.ndarray
    details: pd.DataFrame


def _check(x: np.ndarray, codes: Sequence[str] | None) -> tuple[np.ndarray, tuple[str, ...]]:
    """x as float (n, k) and k column codes."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise errors.NotComputable(
            f"treatment expects one period of data, shape (n, k), got {x.shape}"
        )
    names = tuple(codes) if codes is not None else tuple(f"x{i}" for i in range(x.shape[1]))
    if len(names) != x.shape[1]:
        raise errors.NotComputable(f"treatment: {len(names)} codes given for {x.shape[1]} columns")
    return x, names


def check_skew_kurt(
    x: np.ndarray, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """COINr ``check_SkewKurt`` per column: pass = |skew| < skew_thresh OR kurt < kurt_thresh.

    Returns (pass, skew, kurt) of shape (k,); pass is NaN (undecidable) where skew or
    kurtosis is undefined (fewer than 4 values, or a constant column).
    """
    skew, kurt, _ = skew_kurt(x)
    return _passes(skew, kurt, skew_thresh, kurt_thresh), skew, kurt


def _passes(skew: np.ndarray, kurt: np.ndarray, skew_thresh: float, kurt_thresh: float) -> Any:
    """1.0 where |skew| < skew_thresh or kurt < kurt_thresh, 0.0 where not, NaN if undefined."""
    ok = (np.abs(skew) < skew_thresh) | (kurt < kurt_thresh)
    return np.where(np.isnan(skew) | np.isnan(kurt), np.nan, ok.astype(float))


def _winsorise(
    x: np.ndarray,
    fail: np.ndarray,
    winmax: int | None,
    skew_thresh: float,
    kurt_thresh: float,
    skew0: np.ndarray,
    kurt0: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """COINr ``winsorise`` on the columns ``fail`` (k,), all columns at once.

    Repeat while a column fails and nwin < winmax: if skew >= 0 the cells equal to the
    column maximum take the next lower value, else the cells equal to the minimum take the
    next higher value. ``imax``/``imin`` are the cells at the maximum/minimum at the last
    step on that side (so ties move together and all previously winsorised cells are
    included), and nwin = |imax| + |imin|, exactly as in COINr.
    ``skew0``/``kurt0`` are the columns' statistics before. Returns (values, imax, imin,
    nwin, skew, kurt), the last two of the final values. Only failing columns are worked on.
    """
    cols = np.flatnonzero(fail)
    out = x.copy()
    n, k = x.shape
    imax_all = np.zeros((n, k), bool)
    imin_all = np.zeros((n, k), bool)
    nwin_all = np.zeros(k, dtype=np.int64)
    skew, kurt = skew0.copy(), kurt0.copy()
    if len(cols) == 0:
        return out, imax_all, imin_all, nwin_all, skew, kurt
    w, imax, imin, nwin, s, kt = _winsorise_all(
        x[:, cols], winmax, skew_thresh, kurt_thresh, skew0[cols], kurt0[cols]
    )
    out[:, cols], imax_all[:, cols], imin_all[:, cols], nwin_all[cols] = w, imax, imin, nwin
    skew[cols], kurt[cols] = s, kt
    return out, imax_all, imin_all, nwin_all, skew, kurt


def _winsorise_all(
    x: np.ndarray,
    winmax: int | None,
    skew_thresh: float,
    kurt_thresh: float,
    skew: np.ndarray,
    kurt: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``_winsorise`` on columns that all fail the check; each step works only on the
    columns still failing, and the skewness of the last check decides the next side.

    Columns are laid out as contiguous rows (k, n). A column winsorised on the low side is
    handled as the high side of its mirror image (-x), so one code path serves both.
    """
    xt = np.ascontiguousarray(x.T)
    k, n = xt.shape
    imax = np.zeros((k, n), bool)
    imin = np.zeros((k, n), bool)
    nwin = np.zeros(k, dtype=np.int64)
    limit = n if winmax is None else winmax
    skew, kurt = skew.copy(), kurt.copy()
    idx = np.arange(k) if limit > 0 else np.arange(0)
    block, hi, lo = xt[idx], imax[idx], imin[idx]
    count = np.zeros(len(idx), dtype=np.int64)
    has_nan = bool(np.isnan(block).any())
    for _ in range(max(limit, 0)):
        if idx.size == 0:
            break
        sign = np.where(skew[idx] >= 0, 1.0, -1.0)[:, None]
        y = block * sign
        if has_nan:
            y = np.where(np.isnan(y), -np.inf, y)
        top = y.max(axis=1, keepdims=True)
        at = y == top
        following = np.where(at, -np.inf, y).max(axis=1, keepdims=True)
        # a column whose values would all coincide keeps its values (nothing left to move to)
        at &= np.isfinite(following)
        block = np.where(at, following * sign, block)
        high = sign > 0
        hi = np.where(high, at, hi)
        lo = np.where(high, lo, at)
        count = hi.sum(axis=1) + lo.sum(axis=1)
        s, kt, _ = skew_kurt(block, axis=1)
        skew[idx], kurt[idx] = s, kt
        passing = _passes(s, kt, skew_thresh, kurt_thresh)
        # an undecidable check (the column became constant) stops winsorising it
        go_on = ~(passing == 1) & ~np.isnan(passing) & (count < limit)
        if not go_on.all():
            done = idx[~go_on]
            xt[done], imax[done], imin[done] = block[~go_on], hi[~go_on], lo[~go_on]
            nwin[done] = count[~go_on]
            idx, block, hi, lo, count = (a[go_on] for a in (idx, block, hi, lo, count))
    xt[idx], imax[idx], imin[idx], nwin[idx] = block, hi, lo, count
    return xt.T, imax.T, imin.T, nwin, skew, kurt


def _nullable_bool(values: np.ndarray, missing: np.ndarray) -> pd.arrays.BooleanArray:
    """A pandas nullable boolean column: ``values`` where not ``missing``, NA elsewhere."""
    return pd.arrays.BooleanArray(np.asarray(values, bool), np.asarray(missing, bool))


def log_ct(x: np.ndarray) -> np.ndarray:
    """COINr ``log_CT`` per column: log(x - min(x) + 0.01 (max(x) - min(x))), NaN kept."""
    observed = ~np.isnan(x)
    lo = np.min(np.where(observed, x, np.inf), axis=0)
    hi = np.max(np.where(observed, x, -np.inf), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.log(x - lo + 0.01 * (hi - lo))


def _check_where(
    x: np.ndarray, cols: np.ndarray, skew_thresh: float, kurt_thresh: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``check_skew_kurt`` on the columns ``cols`` (k,) only; NaN for the others."""
    out = [np.full(x.shape[1], np.nan) for _ in range(3)]
    if cols.any():
        for arr, part in zip(
            out, check_skew_kurt(x[:, cols], skew_thresh, kurt_thresh), strict=True
        ):
            arr[cols] = part
    return out[0], out[1], out[2]


@TREATMENTS.register("coinr")
def treat_coinr(
    x: np.ndarray,
    winmax: int | None = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    codes: Sequence[str] | None = None,
) -> TreatResult:
    """COINr default ``Treat``: winsorise up to ``winmax`` points, else log_CT the raw column.

    A column fails when |skew| >= skew_thresh AND kurt >= kurt_thresh (e1071 type-2 sample
    skewness and excess kurtosis, NaN dropped). A failing column is winsorised one value at
    a time (see ``_winsorise``), re-checking after each step, until it passes or nwin
    reaches ``winmax`` (None = no limit). If it still fails, the winsorisation is discarded
    and log(x - min x + 0.01 (max x - min x)) is applied to the untreated column (COINr
    ``log_CT``, ``combine_treat = FALSE``), kept even if the check still fails.
    Columns with fewer than 4 values or no spread cannot be checked: they are left as they
    are and named in a DegenerateColumnWarning (COINr stops or returns them untreated).
    """
    x, names = _check(x, codes)
    if winmax is not None and winmax < 0:
        raise errors.NotComputable(f"treatment: winmax must be >= 0 or None, got {winmax}")
    pass0, skew0, kurt0 = check_skew_kurt(x, skew_thresh, kurt_thresh)
    undecided = np.isnan(pass0)
    warn_degenerate(
        "treatment",
        names,
        undecided,
        "skewness/kurtosis undefined (fewer than 4 values or a constant column)",
        outcome="left untreated",
    )
    fail0 = pass0 == 0
    wins, imax, imin, nwin, skew1, kurt1 = _winsorise(
        x, fail0, winmax, skew_thresh, kurt_thresh, skew0, kurt0
    )
    pass1 = np.where(fail0, _passes(skew1, kurt1, skew_thresh, kurt_thresh), np.nan)
    to_log = fail0 & (pass1 == 0)
    logged = np.full(x.shape, np.nan)
    logged[:, to_log] = log_ct(x[:, to_log])
    pass2, skew2, kurt2 = _check_where(logged, to_log, skew_thresh, kurt_thresh)

    values = np.where(to_log, logged, np.where(fail0, wins, x))
    points = np.zeros(x.shape, dtype=np.int8)
    win_cols = fail0 & ~to_log
    points[imax & win_cols] = 1
    points[imin & win_cols] = -1
    points[to_log & ~np.isnan(x)] = 2

    nan = np.full(len(names), np.nan)
    details = pd.DataFrame(
        {
            "skew0": skew0,
            "kurt0": kurt0,
            "pass0": _nullable_bool(pass0 == 1, undecided),
            "nwin": np.where(fail0, nwin, 0),
            "skew1": np.where(fail0, skew1, nan),
            "kurt1": np.where(fail0, kurt1, nan),
            "pass1": _nullable_bool(pass1 == 1, ~fail0),
            "skew2": np.where(to_log, skew2, nan),
            "kurt2": np.where(to_log, kurt2, nan),
            "pass2": _nullable_bool(pass2 == 1, ~to_log),
            "treatment": np.where(to_log, "log", np.where(fail0, "winsorise", "none")),
        },
        index=pd.Index(names, name="code"),
    )
    return TreatResult(values, points, details)


@TREATMENTS.register("none")
def treat_none(x: np.ndarray, codes: Sequence[str] | None = None) -> TreatResult:
    """No outlier treatment: values unchanged, no points marked, no details rows."""
    x, _ = _check(x, codes)
    details = pd.DataFrame({c: [] for c in DETAIL_COLUMNS}, index=pd.Index([], name="code"))
    return TreatResult(x.copy(), np.zeros(x.shape, dtype=np.int8), details)
