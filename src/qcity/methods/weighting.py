"""Weighting methods: the weights of a node's c children, summing to 1.

Signature: ``f(x: (m, c), nominal: (c,), **params) -> (c,)``. ``x`` holds the children's
normalised values, rows pooled over periods and units; it may contain NaN and may be on
any scale (0-100, 0-1, z-scores). ``nominal`` are the weights written in the framework.

Missing values: ``entropy`` and ``cv`` work column by column on the values present;
``critic`` and ``pca`` need correlations and use complete rows only (listwise deletion).
Each data-driven method needs at least 2 (entropy, cv) or 3 (critic, pca) values/rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np

from qcity import errors
from qcity.methods.ahp import ahp as _ahp
from qcity.methods.registry import WEIGHTINGS


class WeightingError(errors.EvaluationError, ValueError):
    """Weights that cannot be computed from these data or parameters; the message says why."""


def _check(x: np.ndarray, nominal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``x`` as float (m, c) and ``nominal`` as float (c,), with matching c."""
    x = np.asarray(x, dtype=float)
    nominal = np.asarray(nominal, dtype=float).reshape(-1)
    if x.ndim != 2:
        raise WeightingError(f"weighting needs x of shape (rows, children), got {x.shape}")
    if x.shape[1] != nominal.size:
        raise WeightingError(f"x has {x.shape[1]} children but nominal has {nominal.size}")
    return x, nominal


def _normalise(w: np.ndarray, method: str) -> np.ndarray:
    """``w / sum(w)`` after checking that w is finite, non-negative with a positive sum."""
    if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise WeightingError(
            f"{method}: weights must be non-negative numbers with a positive sum, "
            f"got {np.round(w, 6).tolist()}"
        )
    return w / w.sum()


def _complete_rows(x: np.ndarray, method: str, min_rows: int) -> np.ndarray:
    """Rows of ``x`` without NaN; at least ``min_rows`` of them."""
    xc = x[~np.isnan(x).any(axis=1)]
    if xc.shape[0] < min_rows:
        raise WeightingError(
            f"{method} weighting needs at least {min_rows} rows with every child present, "
            f"found {xc.shape[0]} of {x.shape[0]}; impute the gaps or choose equal/manual weights"
        )
    return xc


def _columns_without_variation(std: np.ndarray) -> str:
    return ", ".join(str(i + 1) for i in np.flatnonzero(~(std > 0)))


@WEIGHTINGS.register("equal")
def equal(x: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """Equal weights ``1/c`` (OECD/JRC Handbook 2008, sec. 6.1)."""
    x, nominal = _check(x, nominal)
    return np.full(nominal.size, 1.0 / nominal.size)


@WEIGHTINGS.register("manual")
def manual(x: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """The framework's nominal weights rescaled to sum 1: ``w_j = n_j / sum_k n_k``.

    Negative or all-zero nominal weights are an error."""
    x, nominal = _check(x, nominal)
    if not np.all(np.isfinite(nominal)) or np.any(nominal < 0):
        raise WeightingError(
            f"manual weights must be non-negative numbers, got {nominal.tolist()}; "
            "fix the weights in the framework file"
        )
    if nominal.sum() <= 0:
        raise WeightingError("manual weights are all zero; give at least one positive weight")
    return nominal / nominal.sum()


@WEIGHTINGS.register("entropy")
def entropy(x: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """Entropy weight method: ``w_j = (1 - e_j) / sum_k (1 - e_k)``.

    ``p_ij = x_ij / sum_i x_ij``, ``e_j = -1/ln(m_j) sum_i p_ij ln p_ij`` (0 ln 0 = 0),
    from Shannon's entropy (C. E. Shannon, "A mathematical theory of communication", Bell
    System Technical Journal 27, 1948) as used for criteria weights by M. Zeleny, *Multiple
    Criteria Decision Making*, McGraw-Hill, 1982. Works per column on the m_j values
    present. A column with negative values is first shifted by its minimum
    (``x - min x``); p is scale-free, so 0-100 or 0-1 data give the same weights.
    A constant column carries no information (e = 1, weight 0).
    """
    x, nominal = _check(x, nominal)
    avail = ~np.isnan(x)
    m = avail.sum(axis=0)
    if np.any(m < 2):
        raise WeightingError(
            f"entropy weighting needs at least 2 values per child; column(s) "
            f"{', '.join(str(i + 1) for i in np.flatnonzero(m < 2))} have fewer"
        )
    colmin = np.where(avail, x, np.inf).min(axis=0)
    y = np.where(avail, x - np.minimum(colmin, 0.0), 0.0)
    total = y.sum(axis=0)
    p = np.where(total > 0, y / np.where(total > 0, total, 1.0), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = np.where(total > 0, -plogp.sum(axis=0) / np.log(m), 1.0)
    d = np.clip(1.0 - e, 0.0, None)
    if d.sum() <= 0:
        raise WeightingError(
            "entropy weighting: no child varies across units and periods, so every entropy "
            "is maximal and the weights are undefined; use equal or manual weights"
        )
    return d / d.sum()


@WEIGHTINGS.register("cv")
def cv(x: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """Coefficient-of-variation weights ``w_j = CV_j / sum_k CV_k``, ``CV_j = s_j / mean_j``.

    Sample standard deviation (ddof = 1), per column on the values present. The CV needs a
    ratio scale, so negative values (e.g. z-scores) are refused: weight min-max or
    goalpost-normalised data instead, or use critic.
    """
    x, nominal = _check(x, nominal)
    avail = ~np.isnan(x)
    if np.any(avail.sum(axis=0) < 2):
        raise WeightingError("cv weighting needs at least 2 values per child")
    if np.any(x[avail] < 0):
        raise WeightingError(
            "cv weighting needs non-negative data (the coefficient of variation of values "
            "around 0, such as z-scores, is meaningless); use min-max normalised data or critic"
        )
    mean = np.nanmean(x, axis=0)
    sd = np.nanstd(x, axis=0, ddof=1)
    if np.any(mean <= 0):
        raise WeightingError(
            f"cv weighting: column(s) {', '.join(str(i + 1) for i in np.flatnonzero(mean <= 0))}"
            " have mean 0, so their coefficient of variation is undefined"
        )
    return _normalise(sd / mean, "cv")


@WEIGHTINGS.register("critic")
def critic(x: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """CRITIC weights ``w_j = C_j / sum_k C_k``, ``C_j = sigma_j sum_k (1 - r_jk)``.

    D. Diakoulaki, G. Mavrotas, L. Papayannakis, "Determining objective weights in multiple
    criteria problems: the CRITIC method", *Computers & Operations Research* 22(7):
    763-770, 1995. Each column is first rescaled to [0, 1] by its min and max (as in the
    paper), sigma_j is its standard deviation and r the Pearson correlation; complete rows
    only. A constant column gets weight 0 and counts as uncorrelated with the others.
    """
    x, nominal = _check(x, nominal)
    xc = _complete_rows(x, "critic", 3)
    lo, hi = xc.min(axis=0), xc.max(axis=0)
    span = hi - lo
    z = np.where(span > 0, (xc - lo) / np.where(span > 0, span, 1.0), 0.0)
    sigma = z.std(axis=0, ddof=1)
    if not np.any(sigma > 0):
        raise WeightingError(
            "critic weighting: no child varies across the complete rows; "
            "use equal or manual weights"
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.corrcoef(z, rowvar=False) if z.shape[1] > 1 else np.ones((1, 1))
    r = np.where(np.isfinite(r), r, 0.0)
    np.fill_diagonal(r, 1.0)
    info = sigma * (1.0 - r).sum(axis=1)
    if z.shape[1] == 1:
        info = np.ones(1)
    return _normalise(info, "critic")


def varimax(loadings: np.ndarray, normalize: bool = True, tol: float = 1e-6) -> np.ndarray:
    """Varimax rotation of a loading matrix (p, k) (Kaiser 1958), as R's ``stats::varimax``.

    H. F. Kaiser, "The varimax criterion for analytic rotation in factor analysis",
    *Psychometrika* 23(3): 187-200, 1958. With ``normalize`` rows are scaled to unit length
    before rotating (Kaiser normalisation) and scaled back after.
    """
    x = np.array(loadings, dtype=float)
    p, k = x.shape
    if k < 2:
        return x
    sc = np.sqrt((x**2).sum(axis=1, keepdims=True)) if normalize else np.ones((p, 1))
    sc = np.where(sc > 0, sc, 1.0)
    x = x / sc
    rot = np.eye(k)
    d = 0.0
    for _ in range(1000):
        z = x @ rot
        b = x.T @ (z**3 - z * ((z**2).sum(axis=0) / p))
        u, s, vt = np.linalg.svd(b)
        rot = u @ vt
        d_old, d = d, float(s.sum())
        if d < d_old * (1 + tol):
            break
    return (x @ rot) * sc


@WEIGHTINGS.register("pca")
def pca(
    x: np.ndarray,
    nominal: np.ndarray,
    eigen_min: float = 1.0,
    min_share: float = 0.10,
    min_cumulative: float = 0.60,
    rotation: Literal["varimax", "none"] = "varimax",
) -> np.ndarray:
    """PCA weights after Nicoletti et al. (2000) as in the OECD/JRC Handbook (2008), sec. 6.1.

    On the correlation matrix of the complete rows: retain the principal components with
    eigenvalue > ``eigen_min`` and variance share > ``min_share`` (at least one); if they
    explain less than ``min_cumulative`` of the variance, add the next components until
    they do. Loadings ``L = v sqrt(lambda)`` are varimax-rotated (``rotation="none"`` keeps
    them unrotated). Per factor f, squared loadings are scaled to unity
    ``s_jf = L_jf^2 / sum_i L_if^2``; each indicator j takes the factor f* where s_jf is
    largest and gets ``s_jf* * V_f* / sum_f V_f`` (V_f = sum_i L_if^2, the rotated factor's
    explained variance); the result is normalised to sum 1.
    Sources: G. Nicoletti, S. Scarpetta, O. Boylaud, "Summary indicators of product market
    regulation with an extension to employment protection legislation", OECD Economics
    Department Working Paper 226, 2000; OECD/JRC, *Handbook on Constructing Composite
    Indicators: Methodology and User Guide*, OECD Publishing, 2008, pp. 89-91.
    """
    x, nominal = _check(x, nominal)
    c = nominal.size
    if c == 1:
        return np.ones(1)
    xc = _complete_rows(x, "pca", 3)
    sd = xc.std(axis=0, ddof=1)
    if np.any(~(sd > 0)):
        raise WeightingError(
            f"pca weighting: column(s) {_columns_without_variation(sd)} do not vary across the "
            "complete rows, so correlations are undefined; drop them or use another method"
        )
    vals, vecs = np.linalg.eigh(np.corrcoef(xc, rowvar=False))
    order = np.argsort(vals)[::-1]
    vals, vecs = np.clip(vals[order], 0.0, None), vecs[:, order]
    share = vals / vals.sum()
    k = max(int(np.sum((vals > eigen_min) & (share > min_share))), 1)
    cumulative = np.cumsum(share)
    if cumulative[k - 1] < min_cumulative:
        k = int(np.searchsorted(cumulative, min_cumulative - 1e-12)) + 1
    k = min(k, c)
    loadings = vecs[:, :k] * np.sqrt(vals[:k])
    if rotation == "varimax":
        loadings = varimax(loadings)
    elif rotation != "none":
        raise WeightingError(f"unknown rotation {rotation!r}; use 'varimax' or 'none'")
    sq = loadings**2
    explained = sq.sum(axis=0)
    scaled = sq / explained
    best = scaled.argmax(axis=1)
    w = scaled[np.arange(c), best] * explained[best] / explained.sum()
    return _normalise(w, "pca")


@WEIGHTINGS.register("ahp")
def ahp(
    x: np.ndarray,
    nominal: np.ndarray,
    matrix: Sequence[Sequence[object]] | None = None,
    ri_table: str | Sequence[float] = "saaty",
    max_cr: float | None = None,
) -> np.ndarray:
    """AHP weights: principal eigenvector of the pairwise ``matrix`` (Saaty 1980).

    ``matrix`` is a c x c list of numbers or strings like ``"1/9"``, in the children's
    order. With ``max_cr`` set, a consistency ratio at or above it is an error; otherwise
    the weights are returned whatever the CR (``qcity ahp`` reports it).
    """
    x, nominal = _check(x, nominal)
    if matrix is None:
        raise WeightingError("ahp weighting needs params: matrix (a pairwise comparison matrix)")
    res = _ahp(matrix, ri_table)
    if res.n != nominal.size:
        raise WeightingError(
            f"ahp matrix is {res.n} x {res.n} but the node has {nominal.size} children; "
            "give one row and column per child, in the children's order"
        )
    if max_cr is not None and res.cr >= max_cr:
        raise WeightingError(
            f"ahp matrix is inconsistent: CR = {res.cr:.3f} >= {max_cr:g}; revise the "
            "judgements (run `qcity ahp` on them to see the most inconsistent pair)"
        )
    return res.weights


def _spec_weights(
    spec: Mapping[str, Any], role: str, x: np.ndarray, nominal: np.ndarray
) -> np.ndarray:
    """Weights from a spec ``{method, params}`` naming another registered method."""
    if not isinstance(spec, Mapping) or "method" not in spec:
        raise WeightingError(
            f"combined weighting: {role} must be a mapping with 'method' (and optional "
            f"'params'), got {spec!r}"
        )
    if spec["method"] == "combined":
        raise WeightingError(f"combined weighting: {role} cannot itself be 'combined'")
    params = dict(spec.get("params") or {})
    return _normalise(np.asarray(WEIGHTINGS.get(spec["method"])(x, nominal, **params)), role)


@WEIGHTINGS.register("combined")
def combined(
    x: np.ndarray,
    nominal: np.ndarray,
    subjective: Mapping[str, Any] | None = None,
    objective: Mapping[str, Any] | None = None,
    rule: Literal["linear", "multiplicative"] = "linear",
    alpha: float = 0.5,
) -> np.ndarray:
    """Combine a subjective and an objective weighting (主客观组合赋权).

    ``"linear"``: ``alpha w_s + (1 - alpha) w_o``; ``"multiplicative"``:
    ``w_s w_o / sum(w_s w_o)``. ``subjective``/``objective`` are specs such as
    ``{"method": "ahp", "params": {"matrix": ...}}`` and ``{"method": "entropy"}``.
    """
    x, nominal = _check(x, nominal)
    if subjective is None or objective is None:
        raise WeightingError("combined weighting needs params: subjective and objective specs")
    ws = _spec_weights(subjective, "subjective", x, nominal)
    wo = _spec_weights(objective, "objective", x, nominal)
    if rule == "linear":
        if not 0.0 <= alpha <= 1.0:
            raise WeightingError(f"combined weighting: alpha must lie in [0, 1], got {alpha}")
        return _normalise(alpha * ws + (1.0 - alpha) * wo, "combined")
    if rule == "multiplicative":
        prod = ws * wo
        if prod.sum() <= 0:
            raise WeightingError(
                "combined weighting: the two weightings share no positive weight, so their "
                "product is all zero; use rule: linear"
            )
        return prod / prod.sum()
    raise WeightingError(f"unknown combination rule {rule!r}; use 'linear' or 'multiplicative'")
