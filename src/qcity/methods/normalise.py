"""Normalisation: bring indicators onto a common scale, column by column over the units.

Every function takes x of shape (..., n, k) whose columns are already "higher is better"
(``apply_direction`` ran first) and reduces over the units, axis -2, ignoring NaN; leading
axes (e.g. periods) are normalised separately. Sources: OECD/JRC *Handbook on
Constructing Composite Indicators* (2008), sec. 5; the COINr ``n_*`` functions.

Outcomes for columns without information (documented policy, see ``errors``):
all-missing columns give NaN and a DegenerateColumnWarning in every method; constant
columns give NaN and a warning where the formula divides by the spread (minmax, zscore)
and a defined value elsewhere (see each method). A method that cannot be applied as
configured (no target, no goalposts, values of mixed sign for a ratio) raises
MethodDataError naming the columns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from qcity import errors
from qcity.methods import _stats
from qcity.methods.columns import Columns
from qcity.methods.errors import raise_for, warn_degenerate
from qcity.methods.registry import NORMALISERS


def _prepare(x: np.ndarray, cols: Columns, method: str) -> np.ndarray:
    """x as float with shape (..., n, k) matching the k columns of ``cols``; warns on empty ones."""
    x = np.asarray(x, dtype=float)
    if x.ndim < 2 or x.shape[-1] != len(cols.codes):
        raise errors.NotComputable(
            f"{method}: data of shape {x.shape} do not match (..., n, k) with "
            f"k = {len(cols.codes)} indicators"
        )
    _flag(method, cols, _stats.count(x) == 0, "no data (all values missing)")
    return x


def _flag(method: str, cols: Columns, bad: npt.ArrayLike, reason: str) -> None:
    """Warn once (result NaN) for the columns where ``bad`` (..., 1, k) holds in any slice."""
    per_col = np.asarray(bad).reshape(-1, len(cols.codes)).any(axis=0)
    warn_degenerate(method, cols.codes, per_col, reason)


def _check_lu(method: str, l: float, u: float) -> None:  # noqa: E741
    """Require the output bounds l < u."""
    if not l < u:
        raise errors.NotComputable(
            f"{method}: the lower bound l={l} must be below the upper bound u={u}"
        )


def _scale(y: np.ndarray, l: float, u: float) -> np.ndarray:  # noqa: E741
    """Map y in [0, 1] onto [l, u]."""
    return l + y * (u - l)


@NORMALISERS.register("minmax")
def minmax(
    x: np.ndarray,
    cols: Columns,
    l: float = 0.0,  # noqa: E741
    u: float = 100.0,
) -> np.ndarray:
    """Min-max: (x - min) / (max - min) * (u - l) + l, over the units (COINr ``n_minmax``).

    OECD/JRC Handbook (2008), sec. 5.2. A column with zero range (constant, or a single
    value) gives NaN and a DegenerateColumnWarning, as COINr (NaN with a warning).
    """
    _check_lu("minmax", l, u)
    x = _prepare(x, cols, "minmax")
    mn, mx = _stats.nanmin(x), _stats.nanmax(x)
    flat = mx == mn
    _flag("minmax", cols, flat, "zero range (all values equal)")
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (x - mn) / (mx - mn)
    return np.where(flat, np.nan, _scale(y, l, u))


@NORMALISERS.register("zscore")
def zscore(x: np.ndarray, cols: Columns, m: float = 0.0, sd: float = 1.0) -> np.ndarray:
    """z-score: (x - mean) / s * sd + m with the sample s (n - 1) (COINr ``n_zscore``, m_sd).

    OECD/JRC Handbook (2008), sec. 5.2. Fewer than 2 values or s = 0 give NaN and a warning.
    """
    if not sd > 0:
        raise errors.NotComputable(
            f"zscore: the target standard deviation sd must be > 0, got {sd}"
        )
    x = _prepare(x, cols, "zscore")
    s = _stats.nanstd(x, ddof=1)
    flat = (_stats.count(x) > 0) & ~(s > 0)
    _flag("zscore", cols, flat, "no spread (fewer than 2 values or all equal)")
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (x - _stats.nanmean(x)) / s * sd + m
    return np.where(flat, np.nan, y)


@NORMALISERS.register("goalposts")
def goalposts(
    x: np.ndarray,
    cols: Columns,
    l: float = 0.0,  # noqa: E741
    u: float = 100.0,
    trunc: bool = True,
) -> np.ndarray:
    """Fixed goalposts: (x - lo) / (hi - lo), truncated to [0, 1], scaled to [l, u].

    COINr ``n_goalposts`` (``trunc2posts``); the UNDP Human Development Index dimension
    indices use it with l = 0, u = 1 (UNDP HDR Technical notes). lo/hi come from
    ``cols`` (already mapped by ``apply_direction``); a constant column is fine here.
    """
    _check_lu("goalposts", l, u)
    x = _prepare(x, cols, "goalposts")
    raise_for(
        "goalposts",
        cols.codes,
        ~(np.isfinite(cols.lo) & np.isfinite(cols.hi)),
        "no fixed goalposts (lo and hi) are set",
        "Give both goalposts in the framework file or choose another normalisation.",
    )
    raise_for(
        "goalposts",
        cols.codes,
        ~(cols.lo < cols.hi),
        "the lower goalpost is not below the upper one",
        "Give lo < hi in the indicator's own unit (for a 'less is better' indicator "
        "apply_direction turns them into (-hi, -lo)).",
    )
    y = (x - cols.lo) / (cols.hi - cols.lo)
    if trunc:
        y = np.clip(y, 0.0, 1.0)
    return _scale(y, l, u)


@NORMALISERS.register("target")
def target(
    x: np.ndarray,
    cols: Columns,
    l: float = 0.0,  # noqa: E741
    u: float = 100.0,
    formula: str = "ratio",
) -> np.ndarray:
    """Distance to target, capped at the target, scaled to [l, u].

    ``formula="ratio"`` (target attainment, 目标达成度 / 实现程度 in Chinese monitoring
    practice, e.g. the 全面建成小康社会统计监测 indicator scoring): s = x / target for a
    positive target, s = target / x for a target below 0 (a "lower is better" indicator
    after ``apply_direction`` flipped its sign: original target / original value), clipped
    to [0, 1]; values on the far side of 0 score 0 (positive target) or 1 (negative).
    ``formula="distance"``: COINr ``n_dist2targ(cap_max = TRUE)``,
    s = 1 - (target - x) / (target - min x), 1 at or beyond the target.
    Columns without a target, or with a target of 0 for the ratio, raise MethodDataError.
    """
    _check_lu("target", l, u)
    if formula not in ("ratio", "distance"):
        raise errors.NotComputable(
            f"target: formula must be 'ratio' or 'distance', got {formula!r}"
        )
    x = _prepare(x, cols, "target")
    t = cols.target
    raise_for(
        "target",
        cols.codes,
        ~np.isfinite(t),
        "no target value is set",
        "Give a target in the framework file or choose another normalisation.",
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        if formula == "ratio":
            raise_for(
                "target",
                cols.codes,
                t == 0,
                "the target is 0, so a ratio to it is undefined",
                "Use formula='distance' or another normalisation.",
            )
            pos = np.clip(x / t, 0.0, 1.0)
            neg = np.where(x >= 0, 1.0, np.clip(t / x, 0.0, 1.0))
            s = np.where(t > 0, pos, neg)
        else:
            mn = _stats.nanmin(x)
            s = np.where(x >= t, 1.0, 1.0 - (t - x) / (t - mn))
    return np.where(np.isnan(x), np.nan, _scale(s, l, u))


def _one_sign(method: str, x: np.ndarray, cols: Columns) -> tuple[np.ndarray, np.ndarray]:
    """Masks (..., 1, k) of slices with all values >= 0 (max > 0) and all values < 0.

    Raises MethodDataError for columns with values of both signs (or a best value of 0
    among negatives); warns and marks NaN-worthy the all-zero slices.
    """
    mn, mx = _stats.nanmin(x), _stats.nanmax(x)
    pos = (mn >= 0) & (mx > 0)
    neg = mx < 0
    zero = (mn == 0) & (mx == 0)
    mixed = (_stats.count(x) > 0) & ~(pos | neg | zero)
    raise_for(
        method,
        cols.codes,
        mixed.reshape(-1, len(cols.codes)).any(axis=0),
        "a ratio needs values of one sign, but values below and above 0 occur",
        "Use minmax (or shift the indicator) instead.",
    )
    _flag(method, cols, zero, "all values are 0")
    return pos, neg


def _ratio_to(
    method: str, x: np.ndarray, cols: Columns, reference: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """x / ref for positive columns, ref / x for negative (flipped) ones, ref = reference(x)
    over the units; the ratio is thus always taken in the indicator's own unit."""
    x = _prepare(x, cols, method)
    pos, neg = _one_sign(method, x, cols)
    ref = reference(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(pos, x / ref, np.where(neg, ref / x, np.nan))


@NORMALISERS.register("best")
def best(x: np.ndarray, cols: Columns, u: float = 100.0) -> np.ndarray:
    """Ratio to the best unit (与最优值比): x / max(x) * u (COINr ``n_fracmax`` times u).

    For a column of negative values (a "lower is better" indicator after the sign flip)
    the ratio is taken in the original unit, best / value = max(x) / x, so the best unit
    scores u and the others less. Mixed signs raise MethodDataError; all zeros give NaN.
    """
    return _ratio_to("best", x, cols, _stats.nanmax) * u


@NORMALISERS.register("ratio_mean")
def ratio_mean(x: np.ndarray, cols: Columns, scale: float = 100.0) -> np.ndarray:
    """Ratio to the mean of the units: x / mean(x) * scale (OECD/JRC Handbook 2008, sec. 5.2).

    The "distance to a reference" family (COINr ``n_dist2ref``) with the mean as reference.
    For a column of negative values (a flipped "lower is better" indicator) it is
    mean(x) / x * scale, the same ratio in the original unit. Mixed signs raise
    MethodDataError; all zeros give NaN.
    """
    return _ratio_to("ratio_mean", x, cols, _stats.nanmean) * scale


def _rank_min(x: np.ndarray) -> np.ndarray:
    """Ranks over the units (axis -2), ties at the lowest rank, NaN kept (scipy, imported
    here so that starting the command line does not pay for scipy.stats)."""
    from scipy.stats import rankdata

    return np.asarray(rankdata(x, method="min", axis=-2, nan_policy="omit"), dtype=float)


@NORMALISERS.register("rank")
def rank(x: np.ndarray, cols: Columns) -> np.ndarray:
    """Rank among the units, 1 = lowest value, ties take the lowest rank (COINr ``n_rank``).

    R ``rank(x, ties.method = "min", na.last = "keep")``: NaN stays NaN; a constant
    column ranks every unit 1.
    """
    x = _prepare(x, cols, "rank")
    return _rank_min(x)


@NORMALISERS.register("percentile")
def percentile(
    x: np.ndarray,
    cols: Columns,
    l: float = 0.0,  # noqa: E741
    u: float = 100.0,
) -> np.ndarray:
    """Percentile rank (rank_min - 1) / (n - 1), scaled to [l, u] (COINr ``n_prank``: l=0, u=1).

    Ties share the lowest rank, so a constant column scores l for every unit; a column
    with a single value gives NaN and a warning.
    """
    _check_lu("percentile", l, u)
    x = _prepare(x, cols, "percentile")
    n = _stats.count(x)
    single = n == 1
    _flag("percentile", cols, single, "only one value")
    r = _rank_min(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (r - 1.0) / (n - 1.0)
    return np.where(single, np.nan, _scale(y, l, u))


@NORMALISERS.register("moderate")
def moderate(
    x: np.ndarray,
    cols: Columns,
    l: float = 0.0,  # noqa: E741
    u: float = 100.0,
) -> np.ndarray:
    """Moderate (interval-type, 区间型) indicators: 1 - d / max(d), scaled to [l, u].

    d is the distance to the optimal band [band_lo, band_hi]; after ``apply_direction`` a
    moderate column holds -d, so d = -x. Guo Yajun, 综合评价理论、方法及应用 (Science Press,
    2007), interval-type consistency transform: 1 - max(q1 - x, x - q2) / max(q1 - m, M - q2)
    outside the band, 1 inside it. If every unit is inside the band all score u.
    Columns without a band raise MethodDataError.
    """
    _check_lu("moderate", l, u)
    x = _prepare(x, cols, "moderate")
    raise_for(
        "moderate",
        cols.codes,
        ~(np.isfinite(cols.band_lo) & np.isfinite(cols.band_hi)),
        "not a moderate indicator (no optimal band)",
        "Give the optimal band in the framework file or choose another normalisation.",
    )
    raise_for(
        "moderate",
        cols.codes,
        (x > 0).reshape(-1, len(cols.codes)).any(axis=0),
        "values above 0 are not distances to the band",
        "Run apply_direction before normalising.",
    )
    d = -x
    dmax = _stats.nanmax(d)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.where(dmax > 0, 1.0 - d / dmax, 1.0)
    return np.where(np.isnan(x), np.nan, _scale(y, l, u))


# -- what a normaliser needs and gives (read by the engine's and validator's checks) ------

FIXED_SCALE = frozenset({"goalposts"})
"""Normalisers whose score of a unit does not depend on the other units (plus ``target``
with ``formula="ratio"``, see ``compares_units``)."""


def compares_units(method: str, params: Mapping[str, Any]) -> bool:
    """True if the normaliser scores a unit relative to the other units of the slice (min,
    max, mean, ranks), so that it means nothing for a single unit in a period."""
    if method in FIXED_SCALE:
        return False
    if method == "target":
        return params.get("formula", "ratio") == "distance"
    return True


def worst_score(method: str, params: Mapping[str, Any]) -> float | None:
    """The score that the worst unit of every column with spread always gets (min-max and
    percentile: ``l``; z-scores: below 0, -inf here), or None when no score is certain
    (fixed goalposts, targets, ratios, ranks start at 1)."""
    if method in ("minmax", "percentile"):
        return float(params.get("l", 0.0))
    if method == "zscore":
        return -np.inf
    return None
