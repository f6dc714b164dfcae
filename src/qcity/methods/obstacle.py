"""Obstacle degree (障碍度): which indicators hold a unit's score back, and by how much.

For normalised indicator values ``x_j`` in [0, top] and effective weights ``w_j``:
factor contribution ``F_j = w_j``, indicator deviation ``I_j = 1 - x_j / top`` and
obstacle degree ``O_j = F_j I_j / sum_k F_k I_k`` (shares summing to 1 per unit and
period). This is the obstacle-degree model (障碍度模型) used throughout Chinese
evaluation studies of urban and land-use performance, e.g. 吴一凡, 雷国平, 路昌, 周浩,
关勇欣 (2015), 基于改进TOPSIS模型的大庆市城市土地利用绩效评价及障碍度诊断.
"""

from __future__ import annotations

import numpy as np

from qcity import errors


def obstacle_degree(x: np.ndarray, w: np.ndarray, top: float = 1.0) -> np.ndarray:
    """Obstacle degrees ``O_j = w_j (1 - x_j/top) / sum_k w_k (1 - x_k/top)``, shape of ``x``.

    ``x`` (..., k) holds indicator values in [0, top] (top = 1, or 100 for 0-100 scores);
    ``w`` (k,) the effective weights. A NaN value gets a NaN obstacle and is left out of
    the denominator. A unit with no shortfall (every available value at ``top``, or all
    weight on perfect indicators) gets 0 for each available indicator, not NaN.
    """
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float).reshape(-1)
    if x.ndim == 0 or x.shape[-1] != w.size:
        raise errors.NotComputable(
            f"x has {x.shape[-1] if x.ndim else 0} indicators but w has {w.size}"
        )
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise errors.NotComputable(f"weights must be finite and non-negative, got {w.tolist()}")
    if top <= 0:
        raise errors.NotComputable(f"top must be positive, got {top}")
    finite = x[np.isfinite(x)]
    tol = 1e-9 * top
    if finite.size and (finite.min() < -tol or finite.max() > top + tol):
        raise errors.NotComputable(
            f"indicator values must lie in [0, {top:g}] (found {finite.min():g} to "
            f"{finite.max():g}); rescale them, or pass top=100 for 0-100 scores"
        )
    gap = w * (1.0 - np.clip(x, 0.0, top) / top)  # NaN stays NaN
    total = np.nansum(gap, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(total > 0, gap / total, 0.0)
    return np.where(np.isnan(x), np.nan, out)
