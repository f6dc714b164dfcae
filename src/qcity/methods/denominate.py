"""Denomination: divide indicators by a size variable (population, GDP, area) for comparability.

COINr ``Denominate`` (x / denominator * scale); OECD/JRC Handbook (2008), sec. 1.3.
"""

from __future__ import annotations

import numpy as np


def denominate(x: np.ndarray, denom: np.ndarray, scale: float | np.ndarray = 1.0) -> np.ndarray:
    """x / denom * scale, element-wise with numpy broadcasting (COINr ``Denominate``).

    Where the denominator is 0, negative zero or NaN the result is NaN (a missing value,
    never ±inf), so the gap shows up in screening and imputation like any other.
    ``scale`` may be a scalar or an array broadcastable to x, e.g. (k,) per indicator
    (1000 for "per thousand inhabitants").
    """
    x = np.asarray(x, dtype=float)
    denom = np.asarray(denom, dtype=float)
    bad = (denom == 0) | np.isnan(denom)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = x / np.where(bad, 1.0, denom) * np.asarray(scale, dtype=float)
    return np.where(bad, np.nan, out)
