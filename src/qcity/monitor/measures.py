"""Two measures of a target, named apart: 实现程度 (attainment) and 进度 (gap closed).

**实现程度 — attainment** (:func:`attainment`), as used in China's statistical monitoring of
全面建成小康社会 (国家统计局《全面建成小康社会统计监测指标体系》, 实现程度 of each indicator) and
in qcity's ``normalise`` method ``formula="ratio"`` (``docs/*/normalise.md``):

- a positive indicator (higher is better): ``x / x*``;
- a negative indicator (逆指标, lower is better): ``x* / x``;
- a band (区间/适度) indicator ``[lo, hi]``: 100 % inside, ``x / lo`` below, ``hi / x`` above;

capped at 100 % (``cap=True``, the monitoring convention: a target met counts 100 %, no more);
the uncapped ratio (``cap=False``) is kept beside it. The ratio is defined for positive values
and targets only; elsewhere it is NaN, except that a target met still counts 100 % when capped.

**进度 — gap closed** (:func:`gap_closed`): the share of the distance from the base year's
value to the target that has been covered since, ``(x - x0) / (x* - x0)`` (the 进度 of planning
mid-term evaluations, 规划中期评估; negative when the value moved away from the target, over 1
when it went past it). For a band, ``1 - dist(x) / dist(x0)`` with ``dist`` the distance to
the band. It is not defined (NaN) when the base already met the target: there was no gap.
"""

from __future__ import annotations

import numpy as np

from qcity import errors

ArrayLike = float | np.ndarray


def _band_bounds(
    band: tuple[ArrayLike, ArrayLike] | None, shape: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """The band's bounds broadcast to ``shape`` (NaN without a band)."""
    if band is None:
        nan = np.full(shape, np.nan)
        return nan, nan
    lo = np.broadcast_to(np.asarray(band[0], float), shape)
    hi = np.broadcast_to(np.asarray(band[1], float), shape)
    return lo, hi


def _result(out: np.ndarray) -> float | np.ndarray:
    return float(out) if out.ndim == 0 else out


def attainment(
    value: ArrayLike,
    target: ArrayLike,
    *,
    direction: ArrayLike,
    band: tuple[ArrayLike, ArrayLike] | None = None,
    cap: bool = True,
) -> float | np.ndarray:
    """实现程度 of ``value`` against ``target`` as a fraction (1.0 = 100 %).

    ``direction`` is 1 (higher is better: ``x/x*``) or -1 (lower is better: ``x*/x``);
    ``band=(lo, hi)`` makes it a band indicator (100 % inside, ``x/lo`` below, ``hi/x``
    above; ``target`` is then ignored where both bounds are finite). ``cap`` limits the
    result to 1.0. Accepts scalars or arrays (broadcast together); NaN where a value or
    the target is missing, or the ratio is not defined (a value or target not positive)
    and the target is not met.
    """
    x = np.asarray(value, float)
    t = np.asarray(target, float)
    d = np.asarray(direction, float)
    if not np.isin(d, (1.0, -1.0)).all():
        raise errors.BadValue(
            f"direction is 1 (higher is better) or -1 (lower is better), not {direction!r}"
        )
    shape = np.broadcast_shapes(x.shape, t.shape, d.shape)
    x, t, d = (np.broadcast_to(a, shape) for a in (x, t, d))
    lo, hi = _band_bounds(band, shape)
    is_band = np.isfinite(lo) & np.isfinite(hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        positive = (x > 0) & (t > 0)
        level = np.where(positive, np.where(d > 0, x / t, t / x), np.nan)
        level_met = np.isfinite(x) & np.isfinite(t) & (d * (x - t) >= 0)
        below = np.where((x > 0) & (lo > 0), x / lo, np.nan)
        above = np.where((x > 0) & (hi > 0), hi / x, np.nan)
        in_band = (x >= lo) & (x <= hi)
        banded = np.where(in_band, 1.0, np.where(x < lo, below, above))
    ratio = np.where(is_band, banded, level)
    met = np.where(is_band, in_band, level_met)
    if cap:
        ratio = np.where(met, 1.0, np.minimum(ratio, 1.0))
    known = np.isfinite(x) & (is_band | np.isfinite(t))
    return _result(np.where(known, ratio, np.nan))


def gap_closed(
    value: ArrayLike,
    target: ArrayLike,
    base: ArrayLike,
    *,
    direction: ArrayLike,
    band: tuple[ArrayLike, ArrayLike] | None = None,
) -> float | np.ndarray:
    """进度: the share of the gap between the base value ``x0`` and the target closed by
    ``value``, ``(x - x0)/(x* - x0)`` (1.0 = the whole gap); for a band ``1 - dist(x)/dist(x0)``.
    NaN where the base had already met the target (no gap) or a number is missing."""
    x = np.asarray(value, float)
    t = np.asarray(target, float)
    x0 = np.asarray(base, float)
    d = np.asarray(direction, float)
    shape = np.broadcast_shapes(x.shape, t.shape, x0.shape, d.shape)
    x, t, x0, d = (np.broadcast_to(a, shape) for a in (x, t, x0, d))
    lo, hi = _band_bounds(band, shape)
    is_band = np.isfinite(lo) & np.isfinite(hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = t - x0
        level = np.where(d * gap > 0, (x - x0) / gap, np.nan)
        d0 = np.maximum(lo - x0, 0) + np.maximum(x0 - hi, 0)
        dist = np.maximum(lo - x, 0) + np.maximum(x - hi, 0)
        banded = np.where(d0 > 0, 1.0 - dist / d0, np.nan)
    out = np.where(is_band, banded, level)
    return _result(np.where(np.isfinite(x) & np.isfinite(x0), out, np.nan))


__all__ = ["attainment", "gap_closed"]
