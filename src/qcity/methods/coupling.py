"""Coupling coordination degree of s subsystems and its ten-band classification.

For subsystem scores ``U_1..U_s`` in [0, 1] (one set per unit and period, last axis):

* coupling degree ``C`` — how evenly the subsystems develop;
* comprehensive development ``T = sum_i alpha_i U_i``;
* coupling coordination degree ``D = sqrt(C * T)``.

Two formulas for C are offered. The default, ``"wang2021"``, is the corrected model of
王淑佳, 孔伟, 任亮, 治丹丹, 戴彬婷 (Wang Shujia, Kong Wei, Ren Liang, Zhi Dandan, Dai
Bingtao), 国内耦合协调度模型的误区及修正 (Research on misuses and modification of
coupling coordination degree model in China), 自然资源学报 Journal of Natural Resources
36(3): 793-810, 2021, doi:10.31497/zrzyxb.20210319::

    C = sqrt( [1 - sum_{i>j} sqrt((U_i - U_j)^2) / sum_{m=1}^{s-1} m]
              * (prod_i U_i / max_i U_i)^(1/(s-1)) )

(the pairwise term is the sum of absolute differences over the s(s-1)/2 pairs divided by
their number, i.e. the mean absolute pairwise difference). ``"traditional"`` is the
normative form of the classic model stated in the same paper::

    C = s * [ prod_i U_i / (sum_i U_i)^s ]^(1/s)
      = (geometric mean of U) / (arithmetic mean of U)

which crowds near 1 for most inputs — the reason for the correction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from qcity import errors

#: Lower bounds (left-closed) and names of the ten coordination bands, D in [0, 1].
BANDS: tuple[tuple[float, str, str], ...] = (
    (0.0, "极度失调", "extreme imbalance"),
    (0.1, "严重失调", "serious imbalance"),
    (0.2, "中度失调", "moderate imbalance"),
    (0.3, "轻度失调", "mild imbalance"),
    (0.4, "濒临失调", "on the verge of imbalance"),
    (0.5, "勉强协调", "barely coordinated"),
    (0.6, "初级协调", "primary coordination"),
    (0.7, "中级协调", "intermediate coordination"),
    (0.8, "良好协调", "good coordination"),
    (0.9, "优质协调", "high-quality coordination"),
)


@dataclass(frozen=True)
class CouplingResult:
    """Coupling degree C, comprehensive development T and coordination D, each (...,)."""

    C: np.ndarray
    T: np.ndarray
    D: np.ndarray


def _alpha(alpha: np.ndarray | None, s: int) -> np.ndarray:
    """Subsystem weights (s,), non-negative, rescaled to sum 1; equal when None."""
    if alpha is None:
        return np.full(s, 1.0 / s)
    a = np.asarray(alpha, dtype=float).reshape(-1)
    if a.shape != (s,):
        raise errors.NotComputable(f"alpha has {a.size} weights but there are {s} subsystems")
    if not np.all(np.isfinite(a)) or np.any(a < 0) or a.sum() <= 0:
        raise errors.NotComputable(
            f"alpha must be non-negative with a positive sum, got {a.tolist()}"
        )
    return a / a.sum()


def coupling_degree_wang(u: np.ndarray) -> np.ndarray:
    """Corrected coupling degree C of Wang Shujia et al. (2021) over the last axis.

    All-zero subsystems give C = 0 (no development, no coupling); NaN anywhere -> NaN.
    """
    s = u.shape[-1]
    i, j = np.triu_indices(s, k=1)
    mean_abs = np.abs(u[..., i] - u[..., j]).sum(axis=-1) / (s * (s - 1) / 2)
    top = u.max(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(top > 0, u / top, 0.0)
    balance = np.prod(ratio, axis=-1) ** (1.0 / (s - 1))
    c = np.sqrt(np.clip(1.0 - mean_abs, 0.0, None) * balance)
    return np.where(np.isnan(u).any(axis=-1), np.nan, c)


def coupling_degree_traditional(u: np.ndarray) -> np.ndarray:
    """Classic coupling degree ``C = s (prod U)^(1/s) / sum U`` over the last axis.

    All-zero subsystems give C = 0; NaN anywhere -> NaN.
    """
    s = u.shape[-1]
    gm = np.prod(u, axis=-1) ** (1.0 / s)
    total = u.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(total > 0, s * gm / total, 0.0)
    return np.where(np.isnan(u).any(axis=-1), np.nan, c)


def coupling_coordination(
    u: np.ndarray,
    alpha: np.ndarray | None = None,
    formula: Literal["wang2021", "traditional"] = "wang2021",
) -> CouplingResult:
    """C, T = sum alpha_i U_i and D = sqrt(C T) for subsystem scores ``u`` (..., s) in [0, 1].

    ``alpha`` are the subsystem weights (default equal, rescaled to sum 1). ``formula``
    picks the coupling degree: "wang2021" (corrected, default) or "traditional".
    A unit with any NaN subsystem gets NaN for C, T and D.
    """
    u = np.asarray(u, dtype=float)
    if u.ndim == 0 or u.shape[-1] < 2:
        raise errors.NotComputable("coupling needs at least two subsystems on the last axis")
    finite = u[np.isfinite(u)]
    if finite.size and (finite.min() < -1e-12 or finite.max() > 1 + 1e-12):
        raise errors.NotComputable(
            f"subsystem scores must lie in [0, 1] (found {finite.min():g} to {finite.max():g}); "
            "divide 0-100 scores by 100 first"
        )
    u = np.clip(u, 0.0, 1.0)
    s = u.shape[-1]
    if formula == "wang2021":
        c = coupling_degree_wang(u)
    elif formula == "traditional":
        c = coupling_degree_traditional(u)
    else:
        raise errors.NotComputable(
            f"unknown coupling formula {formula!r}; use 'wang2021' or 'traditional'"
        )
    t = u @ _alpha(alpha, s)
    d = np.sqrt(c * t)
    return CouplingResult(C=c, T=t, D=d)


def classify_coordination(d: np.ndarray | float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ten-band class of D: (band 1..10, Chinese name, English name), each shaped like ``d``.

    Bands are left-closed, ``[0.0, 0.1)`` -> 1 极度失调 ... ``[0.9, 1.0]`` -> 10 优质协调
    (D = 1 falls in band 10). NaN gives band 0 and empty names.
    """
    arr = np.asarray(d, dtype=float)
    lows = np.array([b[0] for b in BANDS])
    # rounding keeps a computed 0.29999999999999993 in the band of 0.3
    band = np.searchsorted(lows, np.round(arr, 12), side="right")
    band = np.clip(band, 1, len(BANDS))
    nan = np.isnan(arr)
    band = np.where(nan, 0, band).astype(np.int64)
    zh = np.asarray(np.array([""] + [b[1] for b in BANDS], dtype=object)[band], dtype=object)
    en = np.asarray(np.array([""] + [b[2] for b in BANDS], dtype=object)[band], dtype=object)
    return band, zh, en
