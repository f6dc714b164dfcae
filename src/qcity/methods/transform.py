"""Element-wise transforms of one indicator (log, log10, Box-Cox) to tame skewed distributions.

OECD/JRC Handbook (2008), sec. 1.5; Box & Cox (1964), "An analysis of transformations",
JRSS B 26(2): 211-252; maximum-likelihood lambda as ``scipy.stats.boxcox``.
"""

from __future__ import annotations

import numpy as np

from qcity import errors
from qcity.methods.registry import TRANSFORMS


def _require_positive(name: str, x: np.ndarray) -> None:
    """Raise ValueError if an observed value of x is <= 0, saying how many and the smallest."""
    bad = ~np.isnan(x) & (x <= 0)
    if bad.any():
        raise errors.NotComputable(
            f"{name} transform needs positive values, but {int(bad.sum())} value(s) are <= 0 "
            f"(smallest {np.nanmin(x):g}). Shift the indicator (e.g. x + c) or choose another "
            "transform such as the COINr treatment, which shifts by the minimum."
        )


@TRANSFORMS.register("none")
def transform_none(x: np.ndarray) -> np.ndarray:
    """Identity: the values unchanged."""
    return np.array(x, dtype=float)


@TRANSFORMS.register("log")
def transform_log(x: np.ndarray) -> np.ndarray:
    """Natural logarithm ln(x); every observed value must be > 0 (NaN stays NaN)."""
    x = np.asarray(x, dtype=float)
    _require_positive("log", x)
    return np.log(x)


@TRANSFORMS.register("log10")
def transform_log10(x: np.ndarray) -> np.ndarray:
    """Common logarithm log10(x); every observed value must be > 0 (NaN stays NaN)."""
    x = np.asarray(x, dtype=float)
    _require_positive("log10", x)
    return np.log10(x)


def boxcox_lambda(x: np.ndarray) -> float:
    """Maximum-likelihood Box-Cox lambda of the observed values of x (``scipy.stats.boxcox``)."""
    x = np.asarray(x, dtype=float)
    _require_positive("boxcox", x)
    obs = x[~np.isnan(x)].ravel()
    if obs.size < 2 or np.all(obs == obs[0]):
        raise errors.NotComputable(
            "boxcox: lambda cannot be estimated from fewer than 2 distinct values; give lmbda"
        )
    from scipy import stats

    return float(stats.boxcox(obs)[1])


@TRANSFORMS.register("boxcox")
def transform_boxcox(x: np.ndarray, lmbda: float | None = None) -> np.ndarray:
    """Box-Cox: (x^lambda - 1) / lambda, or ln(x) for lambda = 0; x > 0 (Box & Cox 1964).

    With ``lmbda=None`` lambda is estimated by maximum likelihood from all observed values
    of x (``boxcox_lambda``), so pass one indicator at a time. NaN stays NaN.
    """
    x = np.asarray(x, dtype=float)
    _require_positive("boxcox", x)
    lam = boxcox_lambda(x) if lmbda is None else float(lmbda)
    from scipy import special

    return np.asarray(special.boxcox(x, lam), dtype=float)
