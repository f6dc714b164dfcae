"""The statistics of the audit as pure functions on arrays: pairwise-complete Pearson
correlations and covariances, p-values, Cronbach's alpha and the eigenvalues of a
principal component analysis.

Arrays are ``(n, p)``: n units (rows) by p indicators or aggregates (columns), NaN =
missing. Missing values are dropped pair by pair (R's ``use = "pairwise.complete.obs"``,
as COINr's ``get_corr`` and ``get_cronbach``) and row-wise for the PCA (``na.omit``, as
COINr's ``get_PCA``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_UNITS = 3
"""Fewest units with both values for a correlation (with 2, r is always +-1)."""

RELATIVE_TOL = 1e-9
"""A column varies when its spread exceeds this share of its largest magnitude."""

CANCELLATION = 1e-10
"""On a pair's units, a column varies when its sum of squares about their mean exceeds
this share of its sum of squares about the column's overall mean (smaller ones are
rounding error)."""


@dataclass(frozen=True)
class Pairwise:
    """Pairwise-complete statistics of the columns of X (each ``(p, p)``): ``n`` units
    with both values, ``cov`` covariance (ddof 1), ``r`` Pearson correlation; ``r`` is NaN
    where a pair has fewer than MIN_UNITS units or one of the two does not vary on them."""

    n: np.ndarray
    cov: np.ndarray
    r: np.ndarray


def constant_columns(x: np.ndarray) -> np.ndarray:
    """``(p,)`` True for a column with at least one value that never varies (all values
    equal; max - min <= RELATIVE_TOL x its largest magnitude)."""
    present = ~np.isnan(x)
    has = present.any(axis=0)
    big = np.where(present, np.abs(x), 0.0).max(axis=0, initial=0.0)
    hi = np.where(present, x, -np.inf).max(axis=0, initial=-np.inf)
    lo = np.where(present, x, np.inf).min(axis=0, initial=np.inf)
    with np.errstate(invalid="ignore"):
        spread = np.where(has, hi - lo, 0.0)
    return has & (spread <= RELATIVE_TOL * big)


def pairwise(x: np.ndarray) -> Pairwise:
    """Pairwise-complete covariances and Pearson correlations of the columns of ``x``.

    For a pair (i, j) over the m units where both are present:
    r = sum (x_i - mean_i)(x_j - mean_j) / sqrt(sum (x_i - mean_i)^2 sum (x_j - mean_j)^2),
    the means taken over those m units (Pearson 1895; R ``cor(use =
    "pairwise.complete.obs")``). Computed for all pairs at once with matrix products of
    the presence mask; columns are centred first to keep the sums small.
    """
    x = np.asarray(x, dtype=float)
    mask = ~np.isnan(x)
    m = mask.astype(float)
    counts = m.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.where(counts > 0, np.where(mask, x, 0.0).sum(axis=0) / counts, 0.0)
    xc = np.where(mask, x - centre, 0.0)
    n = m.T @ m  # units with both values
    sx = xc.T @ m  # [i, j]: sum of x_i over the units where x_j is present too
    sxx = (xc * xc).T @ m
    sxy = xc.T @ xc
    scale = np.where(mask, np.abs(x), 0.0).max(axis=0, initial=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        cross = sxy - sx * sx.T / n
        ss_i = sxx - sx * sx / n  # sum of squares of x_i about its mean on the pair's units
        ss_j = ss_i.T
        cov = np.where(n > 1, cross / (n - 1), np.nan)
        # no variation: below the column's resolution, or below what cancellation in
        # sxx - sx^2 / n can produce (sxx is taken about the column's overall mean)
        tiny = np.maximum(n * (RELATIVE_TOL * scale[:, None]) ** 2, CANCELLATION * sxx)
        varies = (ss_i > tiny) & (ss_j > tiny.T)
        r = np.where(varies & (n >= MIN_UNITS), cross / np.sqrt(ss_i * ss_j), np.nan)
    return Pairwise(n=n.astype(int), cov=cov, r=np.clip(r, -1.0, 1.0))


def correlation_pvalue(r: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Two-sided p-value of H0: rho = 0 for Pearson's r over n units: t = r sqrt((n - 2) /
    (1 - r^2)) with n - 2 degrees of freedom (Student's t; R ``cor.test``, which COINr's
    ``get_pvals`` uses). NaN where r is NaN."""
    from scipy.special import betainc  # lighter than scipy.stats, and only when asked

    r = np.asarray(r, dtype=float)
    df = np.asarray(n, dtype=float) - 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        t2 = r * r * df / np.maximum(1.0 - r * r, 0.0)
        # P(|T| > t) for Student's t with df degrees of freedom = I_{df/(df+t^2)}(df/2, 1/2)
        p = betainc(df / 2.0, 0.5, df / (df + t2))
    p = np.where(df > 0, p, np.nan)
    return np.where(np.isnan(r), np.nan, np.where(np.abs(r) >= 1.0, 0.0, p))


def cronbach_alpha(cov: np.ndarray) -> float:
    """Cronbach's alpha of k items from their ``(k, k)`` covariance matrix:
    alpha = k / (k - 1) x (1 - sum_i var_i / sum_ij cov_ij) (Cronbach 1951) — COINr's
    ``get_cronbach`` (k^2 x mean off-diagonal covariance / sum of all covariances) written
    another way. NaN for fewer than 2 items or a total variance of 0."""
    cov = np.asarray(cov, dtype=float)
    k = cov.shape[0]
    total = np.nansum(cov)
    if k < 2 or not total > 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - np.nansum(np.diag(cov)) / total))


def pca_eigenvalues(x: np.ndarray) -> tuple[np.ndarray, int]:
    """Eigenvalues (descending) of the correlation matrix of the columns of ``x`` over the
    units with every value present, and how many units that is: a PCA of standardised
    data, as COINr's ``get_PCA`` (``prcomp(na.omit(x), center = TRUE, scale = TRUE)``).
    They sum to the number of columns; the first one's share is the variance the first
    principal component explains. Empty when fewer than MIN_UNITS complete units remain
    or a column does not vary on them."""
    x = np.asarray(x, dtype=float)
    rows = x[~np.isnan(x).any(axis=1)]
    if rows.shape[0] < MIN_UNITS or constant_columns(rows).any():
        return np.empty(0), int(rows.shape[0])
    z = (rows - rows.mean(axis=0)) / rows.std(axis=0, ddof=1)
    corr = z.T @ z / (rows.shape[0] - 1)
    values = np.linalg.eigvalsh(corr)[::-1]
    return np.clip(values, 0.0, None), int(rows.shape[0])
