"""The least-cost path into the first tier: which indicator improvements lift a unit's
index to the score of the k-th unit, at the least cost, within what is feasible.

The model, for unit u at period t (normalised points are the engine's scale, 0-100 for
min-max):

- variables ``d_j >= 0``: improvement of indicator j's normalised score;
- cost ``sum_j c_j d_j`` with ``c_j = 1 / (a_j |s_j|)`` by default: ``a_j`` is the
  indicator's fast annual pace (the ``quantile``, default 0.9, of the year-on-year changes
  in the improving direction of every unit of the evaluation — the peers and the unit itself
  — pooled over all pairs of consecutive years, in raw units) and ``s_j`` the normalised
  points per raw unit, so that the cost of a change is the number of years that pace would
  need for it (``difficulty`` overrides ``c_j``);
- bounds ``d_j <= min(top of the scale - y_j, horizon * a_j |s_j|, natural bound, band)``:
  the natural bound is the framework's ``plausible_range`` (a share cannot pass 100%), the
  band the edge of a band target (a plan never leaves the range an indicator aims at;
  moderate indicators, scored as bands, are not planned at all);
- a change faster per year (``|change| / horizon``) than the best yearly improvement any
  other unit has shown is flagged (``faster_than_peers``);
- the index must reach the k-th best score among the other units plus ``margin``.

With arithmetic aggregation at every node the index is linear in ``d``
(``S_u + sum_j m_j d_j``, ``m_j`` the indicator's effective weight among the unit's
available indicators), so the plan is an exact linear programme (``scipy.optimize.linprog``,
HiGHS). With any other aggregator (geometric, TOPSIS, ...) the index and the threshold
are recomputed through the tree's own aggregators and the plan is found by a general
optimiser (``scipy.optimize.minimize``, SLSQP), a local optimum: the plan says which.

Normalisation that depends on the data (min-max over the peers, pooled over years), and
the screening, imputation and outlier treatment before it, move when the unit's values
move. So every plan is applied to the data and the real evaluation is re-run; if the unit
falls short (or an indicator gained less than planned, e.g. winsorised), the requirement
is raised by the shortfall, the indicator's bound is set to what it really gave, and the
plan is solved again — to a fixed point at which the re-run evaluation gives rank k or
better with at least ``margin / 2`` points to spare. A plan that is returned as reached
has been verified that way.

If rank k cannot be reached, the largest feasible change of every indicator is applied
and evaluated: its rank is the best attainable; the plan returned is the least-cost one
for that rank, and ``shortfall`` says how many points the unit remains below the k-th
unit's score.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linprog, minimize

from qcity import errors
from qcity.benchmark.focus import (
    BenchmarkError,
    index_of,
    kth_best,
    resolve_year,
)
from qcity.engine import normalise_specs, resolve
from qcity.engine.evaluation import Evaluation
from qcity.engine.panel import Panel
from qcity.engine.steps import split_params
from qcity.framework.model import Indicator, MethodSpec, Moderate
from qcity.methods.registry import AGGREGATORS

PLAN_COLUMNS = [
    "indicator", "value_from", "value_to", "change", "share_of_gap", "name_zh", "name_en",
    "indicator_unit", "direction", "points_from", "points_to", "points_gain", "index_points",
    "years", "cost", "limit", "imputed_from", "best_peer_pace", "faster_than_peers",
]  # fmt: skip
"""Columns of the plan table (plan.csv), in this order; values in raw units."""

EPS = 1e-9


@dataclass
class Plan:
    """A path for ``unit`` at ``period`` to rank ``target_rank``: ``table`` (one row per
    changed indicator, ``PLAN_COLUMNS``) and what the re-run evaluation gave."""

    unit: str
    period: str
    target_rank: int
    rank_before: int
    score_before: float
    threshold_before: float
    reached: bool
    rank_after: int
    score_after: float
    threshold_after: float
    table: pd.DataFrame
    solver: str
    iterations: int
    horizon: float
    margin: float
    best_rank: int | None = None
    shortfall: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def gap(self) -> float:
        """Points the unit's index was below the k-th unit's score (0 if already there)."""
        return max(self.threshold_before - self.score_before, 0.0)

    @property
    def cost(self) -> float:
        """Total cost of the plan (years at the peers' fast pace, by default)."""
        return float(self.table["cost"].sum()) if not self.table.empty else 0.0

    @property
    def total_years(self) -> float:
        """How long the plan takes with every change made at the same time, each at the fast
        pace: the longest of its changes' ``years`` (0 for an empty plan)."""
        if self.table.empty:
            return 0.0
        years = pd.to_numeric(self.table["years"], errors="coerce")
        return float(years.max()) if years.notna().any() else float("nan")

    def summary(self) -> dict[str, Any]:
        """The plan's facts as plain data (plan.json)."""
        return {
            "unit": self.unit,
            "period": self.period,
            "target_rank": self.target_rank,
            "rank_before": self.rank_before,
            "score_before": self.score_before,
            "threshold_before": self.threshold_before,
            "gap": self.gap,
            "reached": self.reached,
            "rank_after": self.rank_after,
            "score_after": self.score_after,
            "threshold_after": self.threshold_after,
            "best_rank": self.best_rank,
            "shortfall": self.shortfall,
            "cost": self.cost,
            "total_years": self.total_years,
            "changes": len(self.table),
            "solver": self.solver,
            "iterations": self.iterations,
            "horizon": self.horizon,
            "margin": self.margin,
            "notes": list(self.notes),
        }


# -- the state of the unit in one evaluation ---------------------------------------------


@dataclass
class _State:
    score: float
    rank: int
    threshold: float  # k-th best index score among the other units
    points: np.ndarray  # the unit's normalised values (L,), over the normalised codes

    def fields(self, when: str) -> dict[str, Any]:
        """The state as ``Plan``'s ``rank_<when>``, ``score_<when>``, ``threshold_<when>``."""
        return {
            f"rank_{when}": self.rank,
            f"score_{when}": self.score,
            f"threshold_{when}": self.threshold,
        }


def _check_rank(ev: Evaluation, period: str, k: int) -> None:
    """BenchmarkError when rank ``k`` is beyond the number of units ranked in ``period``:
    such a target has no k-th score to beat, so a plan for it would be ``nan``."""
    res = ev.results
    t = res.datasets["normalised"].periods.index(period)
    ranked = int(np.isfinite(res.scores[res.tree.root][t]).sum())
    if k > ranked:
        raise BenchmarkError(
            f"--rank {k} is beyond the {ranked} units ranked in {period}; give a rank "
            f"from 1 to {ranked} / 目标名次超出参与排名的单元数 {ranked}"
        )


def _state(ev: Evaluation, unit: str, period: str, k: int) -> _State:
    res = ev.results
    norm = res.datasets["normalised"]
    t, n = norm.periods.index(period), norm.units.index(unit)
    root = res.scores[res.tree.root][t]
    score = float(root[n])
    if np.isnan(score):
        raise BenchmarkError(f"unit {unit!r} has no index score in {period}")
    s = ev.scores()
    mine = s[(s["unit"].astype(str) == unit) & (s["period"].astype(str) == period)]
    rank = int(mine.loc[mine["node"].astype(str) == res.tree.root, "rank"].iloc[0])
    others = np.delete(root, n)
    return _State(score, rank, kth_best(others, k), norm.values[t, n, :].copy())


# -- the model ---------------------------------------------------------------------------


@dataclass
class _Model:
    codes: list[str]  # normalised codes (L)
    movable: np.ndarray  # (L,) bool
    x0: np.ndarray  # raw value (indicator units) of the unit at t
    slope: np.ndarray  # normalised points per raw unit
    annual: np.ndarray  # feasible annual change, raw units (>= 0)
    cost: np.ndarray  # cost per normalised point
    ub: np.ndarray  # bound on d, points
    limit: list[str]  # what sets the bound
    imputed: np.ndarray  # (L,) bool: x0 was imputed
    notes: list[str]
    horizon: float
    best: np.ndarray  # (L,) best yearly improvement another unit has shown, raw units


def _data_values(ev: Evaluation) -> Panel:
    """Values in the indicators' own units (after denominators), every indicator."""
    ds = ev.results.datasets
    return ds["denominated"] if "denominated" in ds else ds["raw"]


def feasible_annual_change(ev: Evaluation, quantile: float = 0.9) -> pd.Series:
    """Per indicator: the ``quantile`` of the year-on-year changes in the improving direction
    of every unit of the evaluation (the peers and the unit itself), pooled over all pairs
    of consecutive years, raw units (0 when no unit ever improved it; NaN for moderate
    indicators)."""
    panel = _data_values(ev)
    by_code = {i.code: i for i in ev.framework.indicators()}
    sign = np.array(
        [
            np.nan if isinstance(by_code[c].direction, Moderate) else float(by_code[c].direction)  # type: ignore[arg-type]
            for c in panel.codes
        ]
    )
    delta = np.diff(panel.values, axis=0) * sign  # (T-1, N, K)
    flat = delta.reshape(-1, delta.shape[-1])
    with warnings.catch_warnings():  # an all-NaN column (no pair of years) gives NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        out = np.maximum(np.nanquantile(flat, quantile, axis=0), 0.0)
    return pd.Series(out, index=list(panel.codes), name="feasible_annual_change")


def best_peer_pace(ev: Evaluation, unit: str) -> pd.Series:
    """Per indicator: the largest year-on-year change in the improving direction any unit
    other than ``unit`` has shown, raw units (NaN where none is known; moderate
    indicators NaN)."""
    panel = _data_values(ev)
    by_code = {i.code: i for i in ev.framework.indicators()}
    sign = np.array(
        [
            np.nan if isinstance(by_code[c].direction, Moderate) else float(by_code[c].direction)  # type: ignore[arg-type]
            for c in panel.codes
        ]
    )
    others = [i for i, u in enumerate(panel.units) if u != unit]
    delta = np.diff(panel.values[:, others, :], axis=0) * sign
    flat = delta.reshape(-1, delta.shape[-1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = np.nanmax(flat, axis=0) if flat.shape[0] else np.full(flat.shape[-1], np.nan)
    return pd.Series(out, index=list(panel.codes), name="best_peer_pace")


def _slopes(ev: Evaluation, t: int) -> np.ndarray:
    """Normalised points per raw unit of each indicator, fitted over the cells of its
    normalisation scope (pooled: every period) that no treatment changed; exact for
    linear normalisers (min-max, z-score, goalposts)."""
    res = ev.results
    norm = res.datasets["normalised"]
    treated = res.datasets["treated"]
    index = index_of(ev.framework)
    by_code = {i.code: i for i in ev.framework.indicators()}
    step = next(s for s in ev.log if s.name == "normalise")
    specs = normalise_specs([by_code[c] for c in norm.codes], index, res.tree, step)
    out = np.full(len(norm.codes), np.nan)
    for j, code in enumerate(norm.codes):
        rows = slice(None) if specs[code].scope == "pooled" else slice(t, t + 1)
        x = treated.values[rows, :, j].reshape(-1)
        y = norm.values[rows, :, j].reshape(-1)
        ok = np.isfinite(x) & np.isfinite(y) & (res.points[rows, :, j].reshape(-1) == 0)
        if ok.sum() < 2:
            continue
        xc = x[ok] - x[ok].mean()
        var = float((xc * xc).sum())
        if var > 0:
            out[j] = float((xc * (y[ok] - y[ok].mean())).sum() / var)
    return out


def _model(
    ev: Evaluation,
    unit: str,
    period: str,
    state: _State,
    horizon: float,
    quantile: float,
    difficulty: Mapping[str, float] | None,
) -> _Model:
    res = ev.results
    norm = res.datasets["normalised"]
    t, n = norm.periods.index(period), norm.units.index(unit)
    codes = list(norm.codes)
    by_code = {i.code: i for i in ev.framework.indicators()}
    data = _data_values(ev)
    imputed_panel = res.datasets.get("imputed", data)
    x_data = data.select(codes).values[t, n, :]
    x_imp = imputed_panel.select(codes).values[t, n, :]
    imputed = np.isnan(x_data) & np.isfinite(x_imp)
    x0 = np.where(imputed, x_imp, x_data)
    slope = _slopes(ev, t)
    annual = feasible_annual_change(ev, quantile).reindex(codes).to_numpy(dtype=float)
    top = res.scale[1]
    L = len(codes)
    ub = np.zeros(L)
    cost = np.full(L, np.inf)
    limit = [""] * L
    movable = np.zeros(L, dtype=bool)
    notes: list[str] = []
    for j, code in enumerate(codes):
        ind: Indicator = by_code[code]
        why = _immovable(ind, state.points[j], x0[j], slope[j], annual[j])
        if not why and res.points[t, n, j] == 2:
            why = "its value is transformed (log, Box-Cox) before normalisation"
        if why:
            if why not in ("no room", "no peer improved"):
                notes.append(f"{code} is left out of the plan: {why}")
            continue
        direction = int(ind.direction)  # type: ignore[arg-type]
        per_point = abs(slope[j])
        bounds = {
            "scale_top": top - state.points[j],
            "horizon": horizon * annual[j] * per_point,
        }
        if ind.plausible_range is not None:
            lo, hi = ind.plausible_range
            edge = hi if direction > 0 else lo
            if edge is not None:
                bounds["plausible_range"] = max(direction * (edge - x0[j]), 0.0) * per_point
        if ind.target is not None and ind.target.kind == "band" and ind.target.band:
            edge = ind.target.band[1] if direction > 0 else ind.target.band[0]
            bounds["band_target"] = max(direction * (edge - x0[j]), 0.0) * per_point
        name = min(bounds, key=lambda b: bounds[b])
        ub[j] = max(bounds[name], 0.0)
        limit[j] = name
        if difficulty is not None and code in difficulty:
            cost[j] = float(difficulty[code])
        else:
            cost[j] = 1.0 / (annual[j] * per_point)
        movable[j] = ub[j] > EPS and np.isfinite(cost[j]) and cost[j] >= 0
    best = best_peer_pace(ev, unit).reindex(codes).to_numpy(dtype=float)
    return _Model(codes, movable, x0, slope, annual, cost, ub, limit, imputed, notes, horizon, best)


def _immovable(ind: Indicator, y: float, x0: float, slope: float, annual: float) -> str:
    """Why an indicator cannot be part of a plan ('' if it can)."""
    if isinstance(ind.direction, Moderate):
        return "a moderate (optimal-band) indicator"
    if ind.denominator is not None:
        return "its value is a ratio to a denominator series (change the series instead)"
    if not np.isfinite(y) or not np.isfinite(x0):
        return "no value for the unit in that period"
    if not np.isfinite(slope) or slope == 0:
        return "its normalised score does not vary with its value"
    if not np.isfinite(annual):
        return "no year-on-year changes among the peers"
    if annual <= 0:
        return "no peer improved"
    return ""


# -- aggregation through the tree ----------------------------------------------------------


def _aggregator(ev: Evaluation) -> tuple[Any, bool]:
    """``f(Y) -> index`` over the tree with the weights used and the aggregator in force at
    each node (``Y``: (..., N, L) normalised values over the normalised codes), and whether
    every node is arithmetic (the index then linear in each unit's values)."""
    res = ev.results
    tree = res.tree
    codes = list(res.datasets["normalised"].codes)
    index = index_of(ev.framework)
    step = next(s for s in ev.log if s.name == "aggregate")
    _, params = split_params(step)
    default = MethodSpec(method=step.method, params=params)
    specs = {node: resolve(index, tree, node, "aggregate", default) for node in tree.nodes}
    linear = all(s.method == "arithmetic" for s in specs.values())

    def f(Y: np.ndarray) -> np.ndarray:
        scores = {c: Y[..., j] for j, c in enumerate(codes)}
        with np.errstate(all="ignore"):
            for node in tree.nodes:
                X = np.stack([scores[k] for k in tree.children[node]], axis=-1)
                spec = specs[node]
                scores[node] = AGGREGATORS.get(spec.method)(X, res.weights[node], **spec.params)
        return np.asarray(scores[tree.root])

    return f, linear


def _cross_section(ev: Evaluation, period: str) -> np.ndarray:
    norm = ev.results.datasets["normalised"]
    return norm.values[norm.periods.index(period)].copy()  # (N, L)


# -- solving -------------------------------------------------------------------------------


def one_rank_up(ev: Evaluation, unit: str, period: str, ranks: int = 1) -> int:
    """The rank ``ranks`` places above the unit's rank in ``period`` (at least 1)."""
    return max(_state(ev, unit, period, 1).rank - ranks, 1)


def _solve_lp(m: np.ndarray, model: _Model, need: float) -> np.ndarray | None:
    """min c.d s.t. m.d >= need, 0 <= d <= ub (movable only); None if infeasible."""
    idx = np.flatnonzero(model.movable & (m > 0))
    d = np.zeros(len(m))
    if need <= 0:
        return d
    if len(idx) == 0 or float(m[idx] @ model.ub[idx]) < need:
        return None
    out = linprog(
        model.cost[idx],
        A_ub=-m[idx][None, :],
        b_ub=[-need],
        bounds=list(zip(np.zeros(len(idx)), model.ub[idx], strict=True)),
        method="highs",
    )
    if out.status != 0:
        return None
    d[idx] = np.clip(out.x, 0.0, model.ub[idx])
    return d


def _solve_general(
    f: Any, Y: np.ndarray, n: int, k: int, model: _Model, need: float
) -> np.ndarray | None:
    """min c.d s.t. index(y + d) - threshold(y + d) >= need, 0 <= d <= ub, by SLSQP."""
    idx = np.flatnonzero(model.movable)
    if len(idx) == 0:
        return None

    def margin_of(dd: np.ndarray) -> float:
        Z = Y.copy()
        Z[n, idx] = Z[n, idx] + dd
        s = f(Z[None])[0]
        return float(s[n] - kth_best(np.delete(s, n), k))

    if margin_of(model.ub[idx]) < need:
        return None
    c = model.cost[idx]
    scale = float(np.max(c)) or 1.0
    out = minimize(
        lambda dd: float(c @ dd) / scale,
        x0=model.ub[idx] / 2,
        jac=lambda dd: c / scale,
        bounds=list(zip(np.zeros(len(idx)), model.ub[idx], strict=True)),
        constraints=[{"type": "ineq", "fun": lambda dd: margin_of(dd) - need}],
        method="SLSQP",
        options={"maxiter": 500, "ftol": 1e-10},
    )
    dd = np.clip(out.x, 0.0, model.ub[idx])
    if margin_of(dd) < need - 1e-6:
        dd = model.ub[idx].copy()  # the optimiser failed: everything feasible
    d = np.zeros(len(model.codes))
    d[idx] = dd
    return d


def raw_targets(model: _Model, d: np.ndarray) -> dict[str, float]:
    """Raw values reaching the normalised improvements ``d`` (changed indicators only)."""
    return {
        model.codes[j]: _round(float(model.x0[j] + d[j] / model.slope[j]))
        for j in np.flatnonzero(d > EPS)
    }


def _round(x: float, digits: int = 10) -> float:
    """``x`` to ``digits`` significant digits (7.459999999999999 -> 7.46): far below any
    measurement's precision and the plan's margin, and the value the plan was verified with."""
    if x == 0 or not np.isfinite(x):
        return x
    return round(x, digits - 1 - int(np.floor(np.log10(abs(x)))))


def apply_values(ev: Evaluation, unit: str, period: str, values: Mapping[str, float]) -> Evaluation:
    """A new, run evaluation of the same framework, units and step log on the data with
    ``unit``'s values at ``period`` replaced by ``values`` (indicator code -> raw value)."""
    data = ev.data
    arr = data.values.copy()
    t, n = data.periods.index(period), data.units.index(unit)
    codes = list(data.codes)
    extra = [c for c in values if c not in codes]
    if extra:
        arr = np.concatenate([arr, np.full((*arr.shape[:2], len(extra)), np.nan)], axis=2)
        codes += extra
    for code, value in values.items():
        arr[t, n, codes.index(code)] = value
    panel = Panel(arr, data.periods, data.units, tuple(codes))
    return Evaluation(ev.framework, panel, ev.units, steps=ev.log, vintage=ev.vintage).run()


def find_path(
    ev: Evaluation,
    unit: str,
    year: object | None = None,
    k: int | None = None,
    horizon: float = 3.0,
    margin: float = 0.05,
    quantile: float = 0.9,
    difficulty: Mapping[str, float] | None = None,
    max_iter: int = 30,
) -> Plan:
    """The least-cost plan lifting ``unit`` to rank ``k`` or better at ``year`` (default its
    latest scored period), verified by re-running the evaluation (see the module
    docstring); when rank k is out of reach, the plan for the best attainable rank.
    ``k=None`` (the default) is one rank up from where the unit stands (rank 1 stays 1)."""
    if k is not None and k < 1:
        raise errors.BadValue(f"the target rank must be at least 1 (got {k})")
    if horizon <= 0 or margin < 0 or not 0 < quantile <= 1:
        raise errors.BadValue("horizon must be > 0, margin >= 0 and 0 < quantile <= 1")
    period = resolve_year(ev, unit, year)
    if k is None:
        k = one_rank_up(ev, unit, period)
    _check_rank(ev, period, k)
    before = _state(ev, unit, period, k)
    f, linear = _aggregator(ev)
    solver = (
        "linprog (HiGHS): exact linear programme, arithmetic aggregation at every node"
        if linear
        else "SLSQP (scipy.optimize.minimize): general optimiser for non-arithmetic "
        "aggregation, a local optimum"
    )
    common: dict[str, Any] = {"unit": unit, "period": period, "target_rank": k, "solver": solver}
    common |= before.fields("before")
    if before.rank <= k:
        return Plan(
            **common,
            **before.fields("after"),
            reached=True,
            table=pd.DataFrame(columns=PLAN_COLUMNS),
            iterations=0,
            horizon=horizon,
            margin=margin,
            notes=[f"already at rank {before.rank} (target {k}): nothing to change"],
        )
    model = _model(ev, unit, period, before, horizon, quantile, difficulty)
    Y = _cross_section(ev, period)
    n = ev.results.datasets["normalised"].units.index(unit)
    y = Y[n]
    L = len(y)
    batch = np.repeat(Y[None], L, axis=0)
    batch[np.arange(L), n, np.arange(L)] += 1.0
    s0 = f(Y[None])[0][n]
    m = np.nan_to_num(f(batch)[:, n] - s0)  # index points per normalised point
    gap = before.threshold - before.score
    need = gap + margin
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        d = _solve_lp(m, model, need) if linear else _solve_general(f, Y, n, k, model, need - gap)
        if d is None:
            break
        values = raw_targets(model, d)
        after_ev = apply_values(ev, unit, period, values)
        after = _state(after_ev, unit, period, k)
        spare = after.score - after.threshold
        if after.rank <= k and spare >= margin / 2:
            table = _table(ev, model, d, after.points, f, Y, n, gap)
            return Plan(
                **common,
                **after.fields("after"),
                reached=True,
                table=table,
                iterations=iterations,
                horizon=horizon,
                margin=margin,
                notes=model.notes,
            )
        # fixed point: an indicator that gave much less than planned (winsorised, or its
        # normalisation moved) is bounded by what it really gave; the rest of the
        # shortfall (the other units' scores moved) raises the requirement
        real = np.nan_to_num(after.points - before.points)
        short = (d > EPS) & (real < 0.9 * d)
        lost = float(m[short] @ (d[short] - np.maximum(real[short], 0.0)))
        model.ub[short] = np.maximum(np.minimum(model.ub[short], real[short]), 0.0)
        model.movable &= model.ub > EPS
        need += max(margin - spare - lost, 0.0)
    options: dict[str, Any] = {"horizon": horizon, "margin": margin, "quantile": quantile}
    options |= {"difficulty": difficulty, "max_iter": max_iter}
    return _unreachable(
        ev, unit, period, k, before, model, f, Y, n, gap, iterations, common, options
    )


def _unreachable(
    ev: Evaluation,
    unit: str,
    period: str,
    k: int,
    before: _State,
    model: _Model,
    f: Any,
    Y: np.ndarray,
    n: int,
    gap: float,
    iterations: int,
    common: dict[str, Any],
    options: dict[str, Any],
) -> Plan:
    """Rank k is out of reach by the model: apply every indicator's largest feasible
    change and re-run; its rank is the best attainable. The plan returned is the
    least-cost one for that rank (or every bound, when no change improves the rank)."""
    d_max = np.where(model.movable, model.ub, 0.0)
    full = _state(apply_values(ev, unit, period, raw_targets(model, d_max)), unit, period, k)
    shortfall = max(full.threshold - full.score, 0.0)
    shared = {**common, "horizon": model.horizon}
    if full.rank <= k:  # the re-run gave more than the model: every bound reaches it
        return Plan(
            **shared,
            **full.fields("after"),
            reached=True,
            table=_table(ev, model, d_max, full.points, f, Y, n, gap),
            iterations=iterations,
            margin=full.score - full.threshold,
            notes=[*model.notes, f"rank {k} is reached with every indicator at its bound"],
        )
    notes = [
        *model.notes,
        f"rank {k} is not reachable within the feasible changes over {model.horizon:g} "
        f"year(s): with every indicator at its bound the unit reaches rank {full.rank}, "
        f"{shortfall:.2f} points below the score of the unit ranked {k}",
    ]
    if full.rank < before.rank:
        sub = find_path(ev, unit, period, k=full.rank, **options)
        if sub.reached:
            table = sub.table.copy()
            table["share_of_gap"] = table["index_points"] / gap  # of the gap to rank k
            return Plan(
                **shared,
                reached=False,
                rank_after=sub.rank_after,
                score_after=sub.score_after,
                threshold_after=sub.threshold_after,
                table=table,
                iterations=iterations + sub.iterations,
                margin=sub.margin,
                best_rank=full.rank,
                shortfall=shortfall,
                notes=[*notes, f"the plan is the least-cost one for rank {full.rank}"],
            )
    else:
        notes.append("no feasible change improves the rank; the plan lists every bound")
    return Plan(
        **shared,
        **full.fields("after"),
        reached=False,
        table=_table(ev, model, d_max, full.points, f, Y, n, gap),
        iterations=iterations,
        margin=0.0,
        best_rank=full.rank,
        shortfall=shortfall,
        notes=notes,
    )


def _table(
    ev: Evaluation,
    model: _Model,
    d: np.ndarray,
    real_points: np.ndarray,
    f: Any,
    Y: np.ndarray,
    n: int,
    gap: float,
) -> pd.DataFrame:
    """One row per changed indicator, ordered by the share of the gap it closes."""
    by_code = {i.code: i for i in ev.framework.indicators()}
    changed = np.flatnonzero(d > EPS)
    if len(changed) == 0:
        return pd.DataFrame(columns=PLAN_COLUMNS)
    batch = np.repeat(Y[None], len(changed), axis=0)
    batch[np.arange(len(changed)), n, changed] += d[changed]
    s0 = f(Y[None])[0][n]
    alone = f(batch)[:, n] - s0  # index points from each change alone
    targets = raw_targets(model, d)
    rows = []
    for i, j in enumerate(changed):
        ind = by_code[model.codes[j]]
        value_to = targets[ind.code]
        change = _round(value_to - float(model.x0[j]))
        rows.append(
            {
                "indicator": ind.code,
                "value_from": float(model.x0[j]),
                "value_to": value_to,
                "change": change,
                "share_of_gap": float(alone[i] / gap) if gap > 0 else np.nan,
                "name_zh": ind.name_zh,
                "name_en": ind.name_en,
                "indicator_unit": ind.unit,
                "direction": int(ind.direction),  # type: ignore[arg-type]
                "points_from": float(Y[n, j]),
                "points_to": float(real_points[j]),
                "points_gain": float(real_points[j] - Y[n, j]),
                "index_points": float(alone[i]),
                "years": abs(change) / model.annual[j] if model.annual[j] > 0 else np.nan,
                "cost": float(model.cost[j] * d[j]),
                "limit": model.limit[j] if d[j] >= model.ub[j] - 1e-7 else "",
                "imputed_from": bool(model.imputed[j]),
                "best_peer_pace": float(model.best[j]),
                "faster_than_peers": bool(
                    np.isfinite(model.best[j])
                    and abs(change) / model.horizon > model.best[j] + 1e-9
                ),
            }
        )
    out = pd.DataFrame(rows, columns=PLAN_COLUMNS)
    return out.sort_values("share_of_gap", ascending=False, kind="stable").reset_index(drop=True)


def path(
    ev: Evaluation,
    unit: str,
    year: object | None = None,
    k: int | None = None,
    **options: Any,
) -> pd.DataFrame:
    """The plan table of ``find_path`` (one row per changed indicator, ``PLAN_COLUMNS``);
    its ``attrs["plan"]`` holds ``Plan.summary()`` (reached, ranks, scores, solver ...)."""
    plan = find_path(ev, unit, year, k, **options)
    table = plan.table.copy()
    table.attrs["plan"] = plan.summary()
    return table


def _plain(x: float, digits: int = 3) -> str:
    """``x`` to ``digits`` significant digits, signed, without an exponent: +3.1, +410,
    -0.0152, +12,300."""
    if x == 0 or not np.isfinite(x):
        return f"{x:+g}"
    places = max(digits - 1 - int(np.floor(np.log10(abs(x)))), 0)
    text = f"{round(x, places):+,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def change_text(change: float, unit: str) -> str:
    """A change in the indicator's unit for people: ``+3.1 个百分点`` for a percentage
    (percentage points), ``+1.2 万元`` for 10,000 yuan or more, else ``+410 万人次``."""
    if unit == "%":
        return f"{_plain(change)} 个百分点"
    if unit == "元" and abs(change) >= 10000:
        return f"{_plain(change / 10000)} 万元"
    return f"{_plain(change)} {unit}".rstrip()
