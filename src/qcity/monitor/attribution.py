"""Attribution: how much each indicator contributed to a composite's change between two
periods, for one unit. The contributions to a composite sum exactly to its change.

At a node N with children c (weights w_c of the run, renormalised over the children
with a score in the period, w~_c(t), as the available-case aggregation does):

* arithmetic mean, S = sum w~_c s_c: child c contributes w~_c(1) s_c(1) - w~_c(0) s_c(0),
  which is w_c (s_c(1) - s_c(0)) when the weights are the same in both periods. Through
  the levels of the tree an indicator's contribution to the index is then its effective
  weight (the product of the weights on its path) times the change of its normalised
  value (OECD/JRC *Handbook on Constructing Composite Indicators*, 2008, sec. 6).
* geometric mean, S = prod s_c ** w~_c, so ln S = sum w~_c ln s_c: child c contributes
  L(S(1), S(0)) * (w~_c(1) ln s_c(1) - w~_c(0) ln s_c(0)) with the logarithmic mean
  L(a, b) = (a - b) / (ln a - ln b) (L(a, a) = a): the log-change shares of the
  logarithmic mean Divisia index, exact because S(1) - S(0) = L * (ln S(1) - ln S(0))
  (Vartia, Scand. J. Statistics 3, 1976; Ang, "The LMDI approach to decomposition
  analysis: a practical guide", Energy Policy 33, 2005). With ``zero: shift`` the logs
  are of s + shift, with ``zero: epsilon`` of max(s, eps), as the mean computes them.

A composite child's contribution is passed on to the indicators below it: each gets
k_c times its own contribution to c (k_c = the mean of w~_c over the two periods for an
arithmetic parent, k_c = L(S) * mean w~_c / L(s_c) for a geometric one, i.e. how much a
point of c moves the parent), plus a share of what is left, the effect of c's weight
changing, in proportion to the indicator's part of c's level summed over both periods
(its part at a period: e_j x_j / sum_i e_i x_i * s_c, with the effective weights e of
that period). Both parts add up, so the contributions sum exactly to the parent's
change at every level; with unchanged weights the second part is 0.

Weights differ between the periods only through missing values: the weights of one run
are the same for every period (data-driven ones computed once, from the reference
period when the framework declares one), but a child without a score in one period
drops out and the others' weights are renormalised. The decomposition above then
includes the reweighting: an indicator missing in one period has change NaN and
contributes w~(1) s(1) - 0 (entering) or 0 - w~(0) s(0) (leaving), the others' terms
carry their change of weight. A composite without a score in either period has NaN
change and contributions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qcity import errors
from qcity.engine import resolve
from qcity.engine.panel import period_label
from qcity.engine.steps import split_params
from qcity.framework.model import MethodSpec

if TYPE_CHECKING:
    from qcity.engine.evaluation import Evaluation
    from qcity.engine.tree import Tree

__all__ = ["ATTRIBUTION_COLUMNS", "attribution", "log_mean"]

ATTRIBUTION_COLUMNS = ["node", "indicator", "from_period", "to_period", "change", "contribution"]
"""``change``: the change of the indicator's normalised score between the periods;
``contribution``: the points of the node's change that it accounts for."""

EXACT = ("arithmetic", "geometric")


def log_mean(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """Logarithmic mean L(a, b) = (a - b) / (ln a - ln b), L(a, a) = a, for a, b > 0
    (Vartia 1976; Ang 2005); NaN otherwise."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(np.isclose(a, b, rtol=1e-12, atol=0.0), a, (a - b) / (np.log(a) - np.log(b)))
    return np.where((a > 0) & (b > 0), out, np.nan)


def attribution(
    evaluation: Evaluation,
    unit: str,
    from_period: str | int,
    to_period: str | int,
    node: str | None = None,
) -> pd.DataFrame:
    """Each indicator's contribution to the change of ``node`` (None: every composite)
    for ``unit`` from ``from_period`` to ``to_period``: one row per composite and
    indicator below it, columns ``ATTRIBUTION_COLUMNS``; for each composite the
    contributions sum to its change (see the module docstring for the method)."""
    res = evaluation.results
    tree = res.tree
    panel = res.datasets["raw"]
    p0, p1 = period_label(from_period), period_label(to_period)
    for p in (p0, p1):
        if p not in panel.periods:
            raise errors.BadValue(
                f"no period {p} in this evaluation; periods: {', '.join(panel.periods)}"
            )
    if unit not in panel.units:
        raise errors.BadValue(
            f"no unit {unit!r} in this evaluation; units: {', '.join(panel.units)}"
        )
    if node is not None and node not in tree.children:
        raise errors.BadValue(
            f"{node!r} is not a composite of this evaluation; composites: {', '.join(tree.nodes)}"
        )
    t0, t1, n = panel.periods.index(p0), panel.periods.index(p1), panel.units.index(unit)
    s = {code: np.array([arr[t0, n], arr[t1, n]], dtype=float) for code, arr in res.scores.items()}
    specs = _aggregators(evaluation, tree)
    contrib = _decompose(tree, res.weights, s, specs)
    nodes = [node] if node is not None else [c for c in _top_down(tree) if c in tree.children]
    rows = [
        {
            "node": comp,
            "indicator": leaf,
            "from_period": p0,
            "to_period": p1,
            "change": float(s[leaf][1] - s[leaf][0]),
            "contribution": float(value),
        }
        for comp in nodes
        for leaf, value in contrib[comp].items()
    ]
    return pd.DataFrame(rows, columns=ATTRIBUTION_COLUMNS)


def _top_down(tree: Tree) -> list[str]:
    """Composites root first, then in document order (the reverse of aggregation order
    keeps parents before children)."""
    out: list[str] = []
    stack = [tree.root]
    while stack:
        code = stack.pop()
        if code in tree.children:
            out.append(code)
            stack.extend(reversed(tree.children[code]))
    return out


def _aggregators(evaluation: Evaluation, tree: Tree) -> dict[str, MethodSpec]:
    """The aggregation in force at each composite; only the means that decompose exactly."""
    step = next(st for st in evaluation.log if st.name == "aggregate")
    default = MethodSpec(method=step.method, params=split_params(step)[1])
    index = {c.code: c for c, _, _ in evaluation.framework.walk()}
    specs = {c: resolve(index, tree, c, "aggregate", default) for c in tree.nodes}
    bad = {c: sp.method for c, sp in specs.items() if sp.method not in EXACT}
    if bad:
        shown = ", ".join(f"{c} ({m})" for c, m in bad.items())
        raise errors.BadValue(
            f"attribution decomposes arithmetic and geometric means exactly; {shown} "
            "aggregate otherwise"
        )
    return specs


def _logs(spec: MethodSpec, x: np.ndarray) -> tuple[np.ndarray, float]:
    """ln of the values the geometric mean multiplies, and what it subtracts after."""
    zero = spec.params.get("zero", "error")
    if zero == "shift":
        shift = float(spec.params.get("shift", 1.0))
        return np.log(x + shift), shift
    if zero == "epsilon":
        return np.log(np.maximum(x, float(spec.params.get("eps", 1e-4)))), 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x), 0.0


def _decompose(
    tree: Tree,
    weights: dict[str, np.ndarray],
    s: dict[str, np.ndarray],
    specs: dict[str, MethodSpec],
) -> dict[str, dict[str, float]]:
    """Bottom-up: each composite's contributions by indicator (with each indicator's part
    of each composite's level in both periods, shape (2,), kept along the way)."""
    contrib: dict[str, dict[str, float]] = {}
    level: dict[str, dict[str, np.ndarray]] = {}
    for node in tree.nodes:  # children before parents
        kids = tree.children[node]
        S = s[node]
        x = np.stack([s[k] for k in kids])  # (c, 2)
        have = ~np.isnan(x)
        w = np.asarray(weights[node], dtype=float)[:, None] * have
        total = w.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            wt = np.where(total > 0, w / total, 0.0)  # renormalised over available children
        spec = specs[node]
        geometric = spec.method == "geometric"
        if geometric:
            logs, back = _logs(spec, x)
            L = float(log_mean(S[1] + back, S[0] + back))
            wl = np.where(have, wt * logs, 0.0)
            terms = L * (wl[:, 1] - wl[:, 0])
        else:
            terms = np.where(have, wt * x, 0.0)
            terms = terms[:, 1] - terms[:, 0]
        both = bool(~np.isnan(S).any())
        out: dict[str, float] = {}
        lev: dict[str, np.ndarray] = {}
        for i, kid in enumerate(kids):
            term = float(terms[i]) if both else np.nan
            if kid not in tree.children:  # an indicator
                out[kid] = term
                lev[kid] = wt[i] * np.nan_to_num(x[i])
                continue
            k = _pass_on(geometric, wt[i], s[kid], S, back if geometric else 0.0)
            own = np.array([contrib[kid][leaf] for leaf in contrib[kid]])
            if not np.isfinite(own).all():
                k = 0.0
                own = np.zeros_like(own)
            change = float(np.nansum(own))
            parts = np.stack([level[kid][leaf] for leaf in level[kid]])  # (l, 2)
            share = _share(parts)
            rest = term - k * change
            for j, leaf in enumerate(contrib[kid]):
                out[leaf] = k * own[j] + rest * share[j]
                lev[leaf] = wt[i] * np.nan_to_num(parts[j])
        contrib[node] = out
        level[node] = _scaled(lev, S)
    return contrib


def _pass_on(geometric: bool, wt: np.ndarray, sc: np.ndarray, S: np.ndarray, back: float) -> Any:
    """k: points of the parent per point of the child c, from the mean weight."""
    if np.isnan(sc).any() or np.isnan(S).any():
        return 0.0
    wbar = float(wt.mean())
    if not geometric:
        return wbar
    Ls, Lc = log_mean(S[1] + back, S[0] + back), log_mean(sc[1] + back, sc[0] + back)
    k = float(Ls * wbar / Lc)
    return k if np.isfinite(k) else 0.0


def _share(parts: np.ndarray) -> np.ndarray:
    """Each indicator's part of the child's level summed over both periods (shares
    summing to 1); the effective weights' shares when the level sums to 0."""
    tot = np.nan_to_num(parts).sum(axis=1)
    denom = tot.sum()
    if denom != 0 and np.isfinite(denom):
        return tot / denom
    return np.full(len(tot), 1.0 / len(tot))


def _scaled(lev: dict[str, np.ndarray], S: np.ndarray) -> dict[str, np.ndarray]:
    """The parts e_j x_j rescaled per period so that they sum to the node's score:
    e_j x_j / sum_i e_i x_i * S (exactly e_j x_j for an arithmetic tree)."""
    if not lev:
        return lev
    arr = np.stack(list(lev.values()))  # (l, 2)
    tot = arr.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = np.where(tot != 0, arr / tot * np.nan_to_num(S), 0.0)
    return {k: scaled[i] for i, k in enumerate(lev)}
