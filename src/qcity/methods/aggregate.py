"""Aggregation methods: combine the c children of a node into one score per unit.

Signature: ``f(x: (..., n, c), w: (c,), **params) -> (..., n)``; leading axes are periods.

The means (arithmetic, geometric, harmonic, generalised) are *available-case*, as COINr's
``a_amean``/``a_gmean`` (Becker et al., COINr 1.1): NaN children are dropped and the
remaining weights renormalised; a unit whose children are all NaN gets NaN.

The relative methods (TOPSIS, grey relational, Copeland) compare the units of one period
along axis -2, vectorised over the leading (period) axes; a unit's result depends on the
other units present in that period.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

from qcity import errors
from qcity.methods.registry import AGGREGATORS


def _prepare(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``x`` as float (..., n, c) and ``w`` as non-negative (c,) weights summing to 1."""
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float).reshape(-1)
    if x.ndim < 2:
        raise errors.NotComputable(f"aggregation needs x of shape (..., n, c), got shape {x.shape}")
    if x.shape[-1] != w.size:
        raise errors.NotComputable(
            f"x has {x.shape[-1]} children (last axis) but w has {w.size} weights"
        )
    if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise errors.NotComputable(
            f"weights must be non-negative with a positive sum, got {w.tolist()}"
        )
    return x, w / w.sum()


def _available_weights(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weights zeroed where the child is NaN (..., n, c) and their sum (..., n)."""
    wm = np.where(np.isnan(x), 0.0, w)
    return wm, wm.sum(axis=-1)


def _weighted_mean(values: np.ndarray, wm: np.ndarray, den: np.ndarray) -> np.ndarray:
    """sum(wm * values) / den over the last axis; NaN where den == 0."""
    num = (np.where(wm > 0, values, 0.0) * wm).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


@AGGREGATORS.register("arithmetic")
def arithmetic(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted arithmetic mean, available-case: ``sum_j w_j x_j / sum_j w_j`` over non-NaN j.

    Fully compensatory (OECD/JRC Handbook 2008, sec. 6.2); same as COINr ``a_amean``.
    """
    x, w = _prepare(x, w)
    wm, den = _available_weights(x, w)
    return _weighted_mean(x, wm, den)


def _negatives(x: np.ndarray, method: str) -> None:
    """Raise if any available value is negative (the mean is undefined there)."""
    if np.any(x[~np.isnan(x)] < 0):
        raise errors.NotComputable(
            f"the {method} mean needs non-negative values (min = {np.nanmin(x):g}); "
            "normalise to a non-negative range such as [0, 100] or [1, 100] first"
        )


@AGGREGATORS.register("geometric")
def geometric(
    x: np.ndarray,
    w: np.ndarray,
    zero: Literal["error", "shift", "epsilon"] = "error",
    shift: float = 1.0,
    eps: float = 1e-4,
) -> np.ndarray:
    """Weighted geometric mean, available-case: ``exp(sum_j w_j ln x_j / sum_j w_j)``.

    Partly compensatory (OECD/JRC Handbook 2008, sec. 6.2). Values <= 0 have no logarithm:
    ``zero="error"`` (default, as COINr ``a_gmean``) refuses them; ``"shift"`` computes
    ``G(x + shift) - shift`` (constant children stay constant; needs ``x + shift > 0``);
    ``"epsilon"`` replaces values below ``eps`` by ``eps`` (the result then depends on eps).
    """
    x, w = _prepare(x, w)
    wm, den = _available_weights(x, w)
    avail = ~np.isnan(x)
    if zero == "error":
        if np.any(x[avail] <= 0):
            raise errors.NotComputable(
                f"the geometric mean needs positive values but {int(np.sum(x[avail] <= 0))} "
                f"are <= 0 (min = {np.nanmin(x):g}); normalise to a positive range such as "
                "[1, 100], or set zero: shift (adds `shift`, default 1, then subtracts it) "
                "or zero: epsilon (replaces values below `eps`)"
            )
        y, back = x, 0.0
    elif zero == "shift":
        y, back = x + shift, shift
        if np.any(y[avail] <= 0):
            raise errors.NotComputable(
                f"zero='shift' with shift={shift:g} leaves values <= 0 (min = {np.nanmin(x):g});"
                " choose shift > -min"
            )
    elif zero == "epsilon":
        if eps <= 0:
            raise errors.NotComputable(f"eps must be positive, got {eps:g}")
        y, back = np.where(avail, np.maximum(x, eps), np.nan), 0.0
    else:
        raise errors.NotComputable(f"unknown zero rule {zero!r}; use 'error', 'shift' or 'epsilon'")
    logs = np.log(np.where(avail, y, 1.0))
    return np.exp(_weighted_mean(logs, wm, den)) - back


@AGGREGATORS.register("harmonic")
def harmonic(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted harmonic mean, available-case: ``sum_j w_j / sum_j (w_j / x_j)``.

    The least compensatory of the three Pythagorean means. Needs x >= 0; a unit with an
    available child equal to 0 (and positive weight) scores 0, the limit as x -> 0+.
    """
    x, w = _prepare(x, w)
    _negatives(x, "harmonic")
    wm, den = _available_weights(x, w)
    zero = np.any((x == 0) & (wm > 0), axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.where((wm > 0) & (x > 0), wm / np.where(x > 0, x, 1.0), 0.0).sum(axis=-1)
        out = np.where(den > 0, den / np.where(inv > 0, inv, 1.0), np.nan)
    return np.where(zero & (den > 0), 0.0, out)


@AGGREGATORS.register("generalised")
def generalised(x: np.ndarray, w: np.ndarray, p: float = 1.0) -> np.ndarray:
    """Weighted power mean ``(sum_j w_j x_j^p / sum_j w_j)^(1/p)``, available-case.

    p = 1 arithmetic, p -> 0 geometric (used for p = 0), p = -1 harmonic; larger p is more
    compensatory (Hardy, Littlewood & Pólya, *Inequalities*, 1934, ch. II). Needs x >= 0
    unless p = 1; for p < 0 a zero child gives 0 (the limit).
    """
    p = float(p)
    if p == 1.0:
        return arithmetic(x, w)
    if p == 0.0:
        return geometric(x, w)
    x, w = _prepare(x, w)
    _negatives(x, f"power (p={p:g})")
    wm, den = _available_weights(x, w)
    if p < 0:
        zero = np.any((x == 0) & (wm > 0), axis=-1)
        with np.errstate(divide="ignore"):
            powered = np.where(x > 0, np.where(x > 0, x, 1.0) ** p, 0.0)
        m = _weighted_mean(powered, wm, den)
        with np.errstate(divide="ignore"):
            out = np.where(m > 0, np.where(m > 0, m, 1.0) ** (1.0 / p), np.nan)
        return np.where(zero & (den > 0), 0.0, np.where(den > 0, out, np.nan))
    m = _weighted_mean(np.where(np.isnan(x), 0.0, x) ** p, wm, den)
    return m ** (1.0 / p)


@AGGREGATORS.register("topsis")
def topsis(x: np.ndarray, w: np.ndarray, scale: float = 100.0) -> np.ndarray:
    """TOPSIS closeness ``D-/(D+ + D-)`` to the ideal unit of each period, times ``scale``.

    Hwang & Yoon, *Multiple Attribute Decision Making*, Springer, 1981: vector
    normalisation ``r_ij = x_ij / sqrt(sum_i x_ij^2)`` over the units, ``v = w r``, ideal
    (anti-ideal) = column max (min) over units, Euclidean distances D+ (D-). Every child is
    "higher is better". ``scale`` = 100 puts the closeness in [0, 100] like the other
    scores. A unit with any NaN child is left out of that period (NaN, and not used for
    the ideals); if all remaining units are identical, closeness is undefined (NaN).
    """
    x, w = _prepare(x, w)
    complete = ~np.isnan(x).any(axis=-1, keepdims=True)  # (..., n, 1)
    xc = np.where(complete, x, 0.0)
    norm = np.sqrt((xc**2).sum(axis=-2, keepdims=True))
    r = np.where(norm > 0, xc / np.where(norm > 0, norm, 1.0), 0.0)
    v = r * w
    best = np.where(complete, v, -np.inf).max(axis=-2, keepdims=True)
    worst = np.where(complete, v, np.inf).min(axis=-2, keepdims=True)
    with np.errstate(invalid="ignore"):
        d_plus = np.sqrt(((v - best) ** 2).sum(axis=-1))
        d_minus = np.sqrt(((v - worst) ** 2).sum(axis=-1))
        total = d_plus + d_minus
        cc = np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), np.nan)
    return np.where(complete[..., 0], cc * scale, np.nan)


@AGGREGATORS.register("grey_relational")
def grey_relational(
    x: np.ndarray, w: np.ndarray, rho: float = 0.5, scale: float = 100.0
) -> np.ndarray:
    """Grey relational grade to the best unit of each period, times ``scale`` (Deng 1982).

    J. Deng, "Control problems of grey systems", *Systems & Control Letters* 1(5): 288-294,
    1982. Reference ``x0_j`` = max over units of column j; ``delta_ij = |x0_j - x_ij|``;
    coefficient ``xi_ij = (dmin + rho dmax) / (delta_ij + rho dmax)`` with dmin/dmax over
    all units and children of the period; grade = weighted mean of xi (weights ``w``).
    NaN children are dropped (available-case, weights renormalised) and ignored for the
    reference and dmin/dmax. If every value equals the reference, xi = 1.
    """
    if not 0 < rho <= 1:
        raise errors.NotComputable(
            f"the distinguishing coefficient rho must lie in (0, 1], got {rho:g}"
        )
    x, w = _prepare(x, w)
    avail = ~np.isnan(x)
    ref = np.where(avail, x, -np.inf).max(axis=-2, keepdims=True)
    delta = np.abs(np.where(avail, x, 0.0) - np.where(np.isfinite(ref), ref, 0.0))
    dmin = np.where(avail, delta, np.inf).min(axis=(-2, -1), keepdims=True)
    dmax = np.where(avail, delta, -np.inf).max(axis=(-2, -1), keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        xi = np.where(
            dmax > 0, (dmin + rho * dmax) / (delta + rho * np.where(dmax > 0, dmax, 1.0)), 1.0
        )
    wm, den = _available_weights(x, w)
    return _weighted_mean(np.where(avail, xi, 0.0), wm, den) * scale


@AGGREGATORS.register("copeland")
def copeland(x: np.ndarray, w: np.ndarray, scale: float | None = None) -> np.ndarray:
    """Copeland score (wins - losses) of weighted pairwise majority between units, per period.

    Unit a beats b when the weights of the children where a > b exceed those where a < b
    (ties count for neither; only children both units have are compared, weights
    renormalised). Non-compensatory (Munda & Nardo, "Noncompensatory/nonlinear composite
    indicators for ranking countries: a defensible setting", *Applied Economics* 41(12):
    1513-1523, 2009). By default the result is the count, in [-(k-1), k-1] for k units;
    with ``scale`` it is mapped linearly to [0, scale] (NaN when k < 2). A unit whose
    children are all NaN gets NaN and does not play.
    """
    x, w = _prepare(x, w)
    a = x[..., :, None, :]
    b = x[..., None, :, :]
    both = ~np.isnan(a) & ~np.isnan(b)
    margin = np.where(both, np.sign(np.where(both, a - b, 0.0)) * w, 0.0).sum(axis=-1)
    tol = 1e-12
    score = (margin > tol).sum(axis=-1) - (margin < -tol).sum(axis=-1)
    present = ~np.isnan(x).all(axis=-1)
    out = np.where(present, score.astype(float), np.nan)
    if scale is None:
        return out
    k = present.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = (out + (k - 1)) / (2.0 * (k - 1)) * scale
    return np.where(k >= 2, scaled, np.nan)


RELATIVE = frozenset({"topsis", "grey_relational", "copeland"})
"""Aggregators that compare the units of a period with each other (meaningless for one)."""


def needs_positive(method: str, params: Mapping[str, Any]) -> bool:
    """True for the means that a child value of 0 (or below) breaks or collapses: the
    geometric mean (refused, or dependent on ``shift``/``eps``), the harmonic mean and power
    means with p <= 0 (the unit scores 0 whatever its other children)."""
    if method in ("geometric", "harmonic"):
        return True
    return method == "generalised" and float(params.get("p", 1.0)) <= 0
