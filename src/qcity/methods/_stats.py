"""NaN-aware column statistics shared by the methods (reductions over one axis, no warnings)."""

from __future__ import annotations

import numpy as np


def count(x: np.ndarray, axis: int = -2) -> np.ndarray:
    """Number of non-missing values along ``axis`` (keepdims)."""
    return np.sum(~np.isnan(x), axis=axis, keepdims=True)


def nanmin(x: np.ndarray, axis: int = -2) -> np.ndarray:
    """Minimum ignoring NaN, NaN where a slice is all missing (keepdims, no RuntimeWarning)."""
    out = np.min(np.where(np.isnan(x), np.inf, x), axis=axis, keepdims=True)
    return np.where(count(x, axis) == 0, np.nan, out)


def nanmax(x: np.ndarray, axis: int = -2) -> np.ndarray:
    """Maximum ignoring NaN, NaN where a slice is all missing (keepdims, no RuntimeWarning)."""
    out = np.max(np.where(np.isnan(x), -np.inf, x), axis=axis, keepdims=True)
    return np.where(count(x, axis) == 0, np.nan, out)


def nanmean(x: np.ndarray, axis: int = -2) -> np.ndarray:
    """Mean ignoring NaN, NaN where a slice is all missing (keepdims, no RuntimeWarning)."""
    n = count(x, axis)
    s = np.sum(np.where(np.isnan(x), 0.0, x), axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n == 0, np.nan, s / np.maximum(n, 1))


def nanstd(x: np.ndarray, axis: int = -2, ddof: int = 1) -> np.ndarray:
    """Standard deviation ignoring NaN (sample, n - ddof), NaN where n <= ddof (keepdims)."""
    n = count(x, axis)
    d = np.where(np.isnan(x), 0.0, x - nanmean(x, axis))
    ss = np.sum(d * d, axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n <= ddof, np.nan, np.sqrt(ss / np.maximum(n - ddof, 1)))


def skew_kurt(x: np.ndarray, axis: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sample skewness and excess kurtosis of each column of x (n, k), NaN dropped.

    e1071 ``type = 2`` (the Excel / SAS definitions), as COINr ``skew()`` and ``kurt()``:
    with d = x - mean, m_p = sum(d^p) and n values,
    skew = sqrt(n) m3 / m2^(3/2) * sqrt(n (n-1)) / (n-2),
    kurt = ((n+1) (n m4 / m2^2 - 3) + 6) (n-1) / ((n-2) (n-3)).
    Returns (skew, kurt, n) of shape (k,); NaN where n < 3 (skew) or n < 4 (kurt) or m2 = 0.
    ``axis=1`` takes the statistics of each row instead (x laid out (k, n)).
    """
    valid = ~np.isnan(x)
    complete = bool(valid.all())
    n = valid.sum(axis=axis).astype(float)
    dot = "ij,ij->j" if axis == 0 else "ij,ij->i"
    with np.errstate(invalid="ignore", divide="ignore"):
        xz = x if complete else np.where(valid, x, 0.0)
        mean = xz.sum(axis=axis) / n
        d = xz - np.expand_dims(mean, axis)
        if not complete:
            d *= valid
        d2 = d * d
        m2 = d2.sum(axis=axis)
        m3 = np.einsum(dot, d2, d)
        m4 = np.einsum(dot, d2, d2)
        skew = np.sqrt(n) * m3 / m2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
        r = n * m4 / (m2 * m2)
        kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    skew = np.where((n >= 3) & (m2 > 0), skew, np.nan)
    kurt = np.where((n >= 4) & (m2 > 0), kurt, np.nan)
    return skew, kurt, n
