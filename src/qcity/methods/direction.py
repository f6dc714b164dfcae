"""Make every column "higher is better" before normalisation.

OECD/JRC *Handbook on Constructing Composite Indicators* (2008), sec. 5 (normalisation
presumes a common polarity); COINr ``Normalise`` multiplies ``Direction = -1`` columns by -1.
Moderate (interval-type, 区间型) indicators become minus their distance to the optimal band,
following the interval-type consistency transform in Guo Yajun, *Comprehensive Evaluation:
Theory, Methods and Applications* (郭亚军《综合评价理论、方法及应用》, Science Press, 2007).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from qcity import errors
from qcity.methods.columns import Columns
from qcity.methods.errors import raise_for


def band_distance(x: np.ndarray, band_lo: np.ndarray, band_hi: np.ndarray) -> np.ndarray:
    """Distance of x to the band [band_lo, band_hi]: max(band_lo - x, 0, x - band_hi)."""
    return np.maximum(np.maximum(band_lo - x, x - band_hi), 0.0)


def apply_direction(x: np.ndarray, cols: Columns) -> tuple[np.ndarray, Columns]:
    """Map x (..., k) so that higher is better in every column; return it and the mapped facts.

    * direction +1: unchanged.
    * direction -1: x -> -x; goalposts (lo, hi) -> (-hi, -lo); target -> -target.
      Goalposts are numeric bounds, lo < hi, in the indicator's own unit (COINr
      ``n_goalposts`` convention), whatever the direction.
    * direction 0 (moderate, best inside [band_lo, band_hi]): x -> -d with
      d = max(band_lo - x, 0, x - band_hi), so 0 inside the band and negative outside.
      Goalposts become lo -> -max(d(lo), d(hi)) (the worst goalpost's distance, NaN-ignoring)
      and hi -> 0 (the band); NaN if the indicator has no goalposts. A target has no
      meaning once the band is the optimum, so target -> NaN.

    The returned Columns has direction +1 everywhere; band_lo/band_hi are kept (in the
    indicator's own unit) so that the ``moderate`` normaliser can tell moderate columns.
    """
    x = np.asarray(x, dtype=float)
    d = np.asarray(cols.direction, dtype=float)
    k = len(cols.codes)
    if x.shape[-1] != k:
        raise errors.NotComputable(
            f"data have {x.shape[-1]} columns but {k} indicator facts were given"
        )
    raise_for(
        "direction",
        cols.codes,
        ~np.isin(d, (-1.0, 0.0, 1.0)),
        "direction must be +1, -1 or 0 (moderate)",
        "Fix the indicator's direction in the framework file.",
    )
    neg, mod = d == -1.0, d == 0.0
    raise_for(
        "direction",
        cols.codes,
        mod & ~(np.isfinite(cols.band_lo) & np.isfinite(cols.band_hi)),
        "a moderate indicator needs an optimal band (band_lo and band_hi)",
        "Give the optimal value or band in the framework file, or change the direction.",
    )
    raise_for(
        "direction",
        cols.codes,
        mod & (cols.band_lo > cols.band_hi),
        "the optimal band has band_lo > band_hi",
        "Swap the two ends of the band in the framework file.",
    )
    sign = np.where(neg, -1.0, 1.0)
    with np.errstate(invalid="ignore"):
        out = x * sign
        if mod.any():
            out[..., mod] = -band_distance(x[..., mod], cols.band_lo[mod], cols.band_hi[mod])
        gp_dist = np.fmax(
            band_distance(cols.lo, cols.band_lo, cols.band_hi),
            band_distance(cols.hi, cols.band_lo, cols.band_hi),
        )
    lo = np.where(neg, -cols.hi, np.where(mod, -gp_dist, cols.lo))
    hi = np.where(neg, -cols.lo, np.where(mod, np.where(np.isnan(gp_dist), np.nan, 0.0), cols.hi))
    target = np.where(neg, -cols.target, np.where(mod, np.nan, cols.target))
    mapped = replace(
        cols,
        direction=np.ones(k),
        lo=lo.astype(float),
        hi=hi.astype(float),
        target=target.astype(float),
    )
    return out, mapped
