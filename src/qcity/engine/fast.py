"""The engine's fast path: many weight sets (and discrete variants) without rebuilding.

Uncertainty and sensitivity analysis evaluate the same index thousands of times with
other weights, another normaliser or another aggregator. Rebuilding it each time (as
COINr's ``get_sensitivity`` does) repeats the same work, so:

- ``StageCache`` runs the steps before normalisation once per distinct prefix of the
  log: the early steps (denominate, screen, impute) once per hash of those steps, the
  treatment once per hash of the log up to it, the normalisation once per hash up to it;
- ``FastPath`` then evaluates a whole ``(S, C)`` array of weight sets at once, node by
  node bottom-up: each mean is a pair of matrix products over the children — numerator
  ``sum_j w_sj f(x_j)`` and available weight ``sum_j w_sj [x_j not NaN]`` — so the
  available-case renormalisation of ``qcity.methods.aggregate`` (NaN children dropped,
  remaining weights renormalised) is kept exactly; ``f`` is the identity (arithmetic),
  ``ln`` (geometric, then ``exp``), ``x^p`` (generalised, harmonic ``p = -1``);
- ranks come from one vectorised sort per chunk of samples (``rank_desc``).

Aggregators that compare units (TOPSIS, grey relational, Copeland) or any other method
registered later cannot be written as matrix products: they fall back to calling the
registered method once per sample (exact, slower). ``BATCHED`` lists the batched ones.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from qcity import errors
from qcity.engine.combine import resolve
from qcity.engine.errors import EvaluationError
from qcity.engine.outputs import _rounded, rank_desc
from qcity.engine.panel import Panel
from qcity.engine.pipeline import (
    Early,
    Results,
    Treated,
    check_variant,
    early_stage,
    final_stage,
    normalise_stage,
    treat_stage,
)
from qcity.engine.steps import Step, split_params
from qcity.engine.tree import Tree
from qcity.framework.model import Framework, Indicator, MethodSpec, Node
from qcity.methods.errors import Collector, collecting
from qcity.methods.registry import AGGREGATORS, WEIGHTINGS

BATCHED = frozenset({"arithmetic", "geometric", "harmonic", "generalised"})
"""Aggregators evaluated for all weight sets at once; the others fall back per sample."""

CHUNK_CELLS = 4_000_000
"""Samples are processed in chunks of about this many (sample, period, unit, child)
values, so that memory stays bounded whatever the number of samples."""


def log_hash(steps: Sequence[Step]) -> str:
    """SHA-256 of the canonical JSON of ``steps`` (a prefix of a log)."""
    text = json.dumps([s.to_dict() for s in steps], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _prefix(log: Sequence[Step], last: str) -> list[Step]:
    """The steps of ``log`` up to and including the one named ``last``."""
    names = [s.name for s in log]
    return list(log[: names.index(last) + 1])


STATIC_WEIGHTINGS = frozenset({"manual", "equal"})
"""Weightings that do not read the data: their weights are known without aggregating."""


@dataclass
class Normalised:
    """What the fast path needs of a run: the normalised indicators ``values`` (each
    ``(T, N)``), the tree, units kept, labels, and the weights at each node."""

    tree: Tree
    unit_keep: np.ndarray
    periods: tuple[str, ...]
    units: tuple[str, ...]
    values: dict[str, np.ndarray]
    weights: dict[str, np.ndarray]

    @classmethod
    def from_results(cls, res: Results) -> Normalised:
        raw = res.datasets["raw"]
        return cls(
            res.tree,
            res.unit_keep,
            raw.periods,
            raw.units,
            {c: res.scores[c] for c in res.tree.indicators},
            res.weights,
        )


class StageCache:
    """Runs of one framework over one data set, each stage cached by the hash of the log
    up to it, so that variants sharing a prefix share its work.

    ``results(log)`` gives the full ``Results`` of ``log`` (the same as ``run_pipeline``,
    except that diagnostics of a cached stage are reported only by the run that made it).
    """

    def __init__(self, fw: Framework, data: Panel, units: pd.DataFrame | None) -> None:
        self.fw, self.data, self.units = fw, data, units
        self._early: dict[str, Early] = {}
        self._treated: dict[str, Treated] = {}
        self._results: dict[str, Results] = {}
        self._normalised: dict[str, Normalised] = {}
        self.runs = {"early": 0, "treat": 0, "normalise": 0, "final": 0}

    def results(self, log: Sequence[Step]) -> Results:
        """The results of ``log``, reusing every cached stage."""
        log = list(log)
        key = log_hash(log)
        if key in self._results:
            return self._results[key]
        with collecting() as diag, np.errstate(all="ignore"):
            treated = self._treated_stage(log, diag, check=True)
            res = final_stage(treated, log, diag)
            self.runs["final"] += 1
        self._results[key] = res
        return res

    def _treated_stage(self, log: list[Step], diag: Collector, check: bool) -> Treated:
        """The stages up to treatment of ``log``: the early steps (denominate, screen,
        impute) cached by their hash, the treatment by the hash up to it. With ``check``,
        a variant that reuses the cached early stage is checked against the framework as
        a fresh run would be."""
        early_steps = [s for s in log if s.name in ("denominate", "screen", "impute")]
        ekey = log_hash(early_steps)
        early = self._early.get(ekey)
        if early is None:
            early = early_stage(self.fw, self.data, self.units, log, diag)
            self._early[ekey] = early
            self.runs["early"] += 1
        elif check:
            tree = Tree.from_framework(self.fw)
            tree = tree.without(set(tree.indicators) - set(early.raw.codes))
            check_variant(early.raw, early.by_code, early.index, tree, log)
        tkey = log_hash([*early_steps, next(s for s in log if s.name == "treat")])
        treated = self._treated.get(tkey)
        if treated is None:
            treated = treat_stage(early, log, diag)
            self._treated[tkey] = treated
            self.runs["treat"] += 1
        return treated

    def normalised(self, log: Sequence[Step]) -> Normalised:
        """What the fast path needs of ``log``: when every node's weighting ignores the
        data (manual, equal), only the stages up to normalisation run (cached by the log
        without its aggregate step); otherwise the whole log."""
        log = list(log)
        index: dict[str, Node | Indicator] = {n.code: n for n, _, _ in self.fw.walk()}
        weight = next(s for s in log if s.name == "weight")
        w_engine, w_params = split_params(weight)
        w_default = MethodSpec(method=weight.method, params=w_params)
        tree0 = Tree.from_framework(self.fw)
        specs = {n: resolve(index, tree0, n, "weighting", w_default) for n in tree0.nodes}
        if any(spec.method not in STATIC_WEIGHTINGS for spec in specs.values()):
            return Normalised.from_results(self.results(log))
        key = log_hash([s for s in log if s.name != "aggregate"])
        if key in self._normalised:
            return self._normalised[key]
        with collecting() as diag, np.errstate(all="ignore"):
            treated = self._treated_stage(log, diag, check=False)
            st = normalise_stage(treated, log, diag)
            self.runs["normalise"] += 1
        override: dict[str, float] = dict(w_engine.get("nominal") or {})
        weights = {}
        for node in st.tree.nodes:
            kids = st.tree.children[node]
            nominal = np.array([override.get(k, st.tree.weight[k]) for k in kids], dtype=float)
            spec = specs[node]
            weights[node] = np.asarray(
                WEIGHTINGS.get(spec.method)(np.zeros((1, len(kids))), nominal, **spec.params)
            )
        out = Normalised(
            st.tree,
            st.unit_keep,
            treated.early.raw.periods,
            treated.early.raw.units,
            {c: st.x[:, :, j] for j, c in enumerate(st.codes)},
            weights,
        )
        self._normalised[key] = out
        return out


@dataclass(frozen=True)
class _NodePlan:
    node: str
    kids: tuple[str, ...]
    cols: slice  # the node's children in the (S, C) weight array
    method: str
    params: dict[str, Any]
    min_coverage: float | None


class FastPath:
    """One evaluated variant, ready to be re-aggregated with many weight sets.

    ``codes``: every weighted code (the children of each node, node by node bottom-up);
    a weight array has one column per code. ``nominal``: the weights the run used (each
    node's children summing to 1). ``aggregators`` may override the method in force at
    given nodes (``{node: MethodSpec}``), e.g. another mean at one level.
    """

    def __init__(
        self,
        source: Results | Normalised,
        index: dict[str, Node | Indicator],
        agg_step: Step,
        aggregators: dict[str, MethodSpec] | None = None,
    ) -> None:
        src = source if isinstance(source, Normalised) else Normalised.from_results(source)
        self.tree = src.tree
        self.unit_keep = src.unit_keep
        self.periods = src.periods
        self.units = src.units
        self.values = src.values
        a_engine, a_params = split_params(agg_step)
        default = MethodSpec(method=agg_step.method, params=a_params)
        overrides = aggregators or {}
        plans: list[_NodePlan] = []
        codes: list[str] = []
        nominal: list[np.ndarray] = []
        for node in self.tree.nodes:
            kids = self.tree.children[node]
            spec = overrides.get(node) or resolve(index, self.tree, node, "aggregate", default)
            min_cov = getattr(index[node], "min_coverage", None) or a_engine.get("min_coverage")
            plans.append(
                _NodePlan(
                    node,
                    kids,
                    slice(len(codes), len(codes) + len(kids)),
                    spec.method,
                    dict(spec.params),
                    float(min_cov) if min_cov else None,
                )
            )
            codes.extend(kids)
            w = np.asarray(src.weights[node], dtype=float)
            nominal.append(w / w.sum() if w.sum() > 0 else w)
        self.plans = plans
        self._static: dict[tuple[str, int | None, str | None], _Prepared] = {}
        self._flat: dict[tuple[str, int | None], _Collapsed | None] = {}
        self.codes: tuple[str, ...] = tuple(codes)
        self.nominal = np.concatenate(nominal) if nominal else np.zeros(0)

    @classmethod
    def from_results(
        cls, results: Results, fw: Framework, log: Sequence[Step], **kw: Any
    ) -> FastPath:
        """The fast path of a run of ``fw`` with ``log``."""
        index: dict[str, Node | Indicator] = {n.code: n for n, _, _ in fw.walk()}
        agg = next(s for s in log if s.name == "aggregate")
        return cls(results, index, agg, **kw)

    # -- weights ---------------------------------------------------------------------
    def weight_array(self, weights: Any) -> np.ndarray:
        """``weights`` as an ``(S, C)`` array over ``codes``: an array already, a
        DataFrame with code columns, or a mapping code -> weight(s); codes not given keep
        their nominal weight."""
        if isinstance(weights, np.ndarray):
            w = np.atleast_2d(np.asarray(weights, dtype=float))
            if w.shape[1] != len(self.codes):
                raise errors.BadValue(
                    f"weights have {w.shape[1]} columns but the tree has {len(self.codes)} "
                    f"weighted codes ({', '.join(self.codes[:5])}, ...)"
                )
            return w
        frame = (
            weights
            if isinstance(weights, pd.DataFrame)
            else pd.DataFrame(
                {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in dict(weights).items()}
            )
        )
        unknown = [c for c in frame.columns if c not in self.codes]
        if unknown:
            raise errors.BadValue(
                f"weights for codes not in the tree: {', '.join(map(str, unknown))}"
            )
        out = np.tile(self.nominal, (len(frame), 1))
        for j, code in enumerate(self.codes):
            if code in frame.columns:
                out[:, j] = frame[code].to_numpy(dtype=float)
        return out

    # -- evaluation ------------------------------------------------------------------
    def scores(self, weights: Any, node: str | None = None, chunk: int | None = None) -> np.ndarray:
        """Scores of ``node`` (default the index) for every weight set: ``(S, T, N)``."""
        return np.concatenate(
            [s for s, _ in self._chunks(self.weight_array(weights), node, chunk, False)]
        )

    def ranks(self, weights: Any, node: str | None = None, chunk: int | None = None) -> np.ndarray:
        """Ranks of ``node`` (default the index) for every weight set: ``(S, T, N)``, as
        ``Evaluation.scores()`` ranks (highest = 1, ties ``min``, NaN kept)."""
        return np.concatenate(
            [r for _, r in self._chunks(self.weight_array(weights), node, chunk, True)]
        )

    def chunk_size(self) -> int:
        """Samples per chunk so that one chunk holds about ``CHUNK_CELLS`` values."""
        T, N = self.unit_keep.shape
        widest = max((len(p.kids) for p in self.plans), default=1)
        return max(1, CHUNK_CELLS // max(1, T * N * widest))

    def _chunks(
        self, w: np.ndarray, node: str | None, chunk: int | None, ranked: bool
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        size = chunk or self.chunk_size()
        for a in range(0, max(len(w), 1), size):
            s = self.evaluate(w[a : a + size], node)
            yield s, (rank_desc(s) if ranked else s)

    def evaluate(
        self, w: np.ndarray, node: str | None = None, period: int | None = None
    ) -> np.ndarray:
        """Scores of ``node`` for the weight sets ``w`` ``(S, C)``, in one pass (no
        chunking). ``period``: only that period (position), shape ``(S, 1, N)``; default
        all, ``(S, T, N)``.

        When every node below ``node`` uses the same weighted mean (same generator ``f``)
        the nested means collapse: ``f^-1(sum_k weff_k f(x_k))`` with the effective
        weights ``weff`` (products of each node's normalised weights along the path), one
        matrix product for all units whose indicators are all available; units with a
        missing indicator (whose weights are renormalised node by node) and any other
        tree go bottom-up, node by node."""
        target = node or self.tree.root
        sl = slice(None) if period is None else slice(period, period + 1)
        keep = self.unit_keep[sl]
        if target in self.values:
            return np.broadcast_to(self.values[target][sl], (len(w), *keep.shape)).copy()
        if np.any(~np.isfinite(w)) or np.any(w < 0):
            raise errors.BadValue("weights must be finite and non-negative")
        for plan in self.plans:
            if np.any(w[:, plan.cols].sum(axis=1) <= 0):
                raise errors.BadValue(f"weights of {plan.node}'s children must have a positive sum")
        flat = self._collapsed(target, period)
        if flat is None:
            return self._bottom_up(w, target, period, None)
        T, N = keep.shape
        out = np.full((len(w), T, N), np.nan)
        wn = np.ones((len(w), len(self.codes) + 1))
        for plan in self.plans:
            part = w[:, plan.cols]
            wn[:, plan.cols] = part / part.sum(axis=1, keepdims=True)
        weff = np.prod(wn[:, flat.paths], axis=2)  # (S, L)
        for t, (rows, f) in enumerate(flat.complete):
            if len(rows):
                out[:, t, rows] = _inverse(flat, f @ weff.T).T
        if len(flat.rest):
            out[:, :, flat.rest] = self._bottom_up(w, target, period, flat.rest)
        return out

    def _collapsed(self, target: str, period: int | None) -> _Collapsed | None:
        """The collapsed form of ``target``'s subtree (built once), or None when its
        nodes do not all use one batched mean with the same parameters."""
        key = (target, period)
        if key in self._flat:
            return self._flat[key]
        self._flat[key] = None
        below, stack = set(), [target]
        while stack:  # the nodes of target's subtree
            code = stack.pop()
            if code in self.tree.children:
                below.add(code)
                stack.extend(self.tree.children[code])
        under = [p for p in self.plans if p.node in below]
        kinds = {(p.method, json.dumps(p.params, sort_keys=True, default=str)) for p in under}
        if len(kinds) != 1 or any(p.min_coverage for p in under):
            return None
        params = under[0].params
        if under[0].method not in BATCHED:
            return None
        method, p = _mean_kind(under[0].method, params)
        leaves = self.tree.leaves_under(target)
        col = {c: j for j, c in enumerate(self.codes)}
        depth = max(len(self.tree.path(c)) for c in leaves)
        pad = len(self.codes)  # a column of ones
        paths = np.full((len(leaves), depth), pad, dtype=np.int64)
        for i, leaf in enumerate(leaves):
            codes = self.tree.path(leaf)
            codes = codes[: codes.index(target)]
            paths[i, : len(codes)] = [col[c] for c in codes]
        sl = slice(None) if period is None else slice(period, period + 1)
        x = np.stack([self.values[c][sl] for c in leaves], axis=-1)  # (T, N, L)
        keep = self.unit_keep[sl]
        ok = keep & ~np.isnan(x).any(axis=-1)
        kind, back = "id", 0.0
        if method == "geometric":
            zero = params.get("zero", "error")
            if zero == "error" and np.any(x[ok] <= 0):
                raise EvaluationError(
                    f"aggregation below {target} (geometric): values <= 0 among the "
                    "indicators; normalise to a positive range such as [1, 100]"
                )
            if zero == "shift":
                back = float(params.get("shift", 1.0))
            kind = "exp"
        elif method != "arithmetic" and p != 1.0:
            if np.any(x[ok] < 0):
                raise EvaluationError(f"aggregation below {target} ({method}): negative values")
            kind = "power"
            if p < 0:
                ok &= ~(x == 0).any(axis=-1)  # a zero child gives 0: node by node
        complete = []
        with np.errstate(divide="ignore", invalid="ignore"):
            for t in range(x.shape[0]):
                rows = np.flatnonzero(ok[t])
                xt = x[t, rows]
                if kind == "exp":
                    if params.get("zero", "error") == "epsilon":
                        xt = np.maximum(xt, float(params.get("eps", 1e-4)))
                    f = np.log(xt + back)
                elif kind == "power":
                    f = xt**p
                else:
                    f = xt
                complete.append((rows, np.ascontiguousarray(f)))
        # units kept in some period but incomplete there go node by node
        rest = np.flatnonzero((keep & ~ok).any(axis=0))
        flat = _Collapsed(paths, complete, rest, kind, p, back)
        self._flat[key] = flat
        return flat

    def _bottom_up(
        self, w: np.ndarray, target: str, period: int | None, units: np.ndarray | None
    ) -> np.ndarray:
        """Node by node, each node's children as matrix products (for ``units`` only,
        when given)."""
        S = len(w)
        sl = slice(None) if period is None else slice(period, period + 1)
        keep = self.unit_keep[sl]
        cut = (lambda v: v) if units is None else (lambda v: v[..., units])
        keep = cut(keep)
        vals: dict[str, np.ndarray] = {c: cut(v[sl]) for c, v in self.values.items()}
        tag = None if units is None else "subset"
        for plan in self.plans:
            parts = [vals[k] for k in plan.kids]
            wk = w[:, plan.cols]
            if plan.method in BATCHED:
                if all(p.ndim == 2 for p in parts):
                    key = (plan.node, period, tag)
                    if key not in self._static:
                        self._static[key] = _prepare(plan, _stack(parts, S))
                    prep = self._static[key]
                else:
                    prep = _prepare(plan, _stack(parts, S))
                s = _batched(prep, wk)
            else:
                s = _per_sample(plan, parts, wk)
            if plan.min_coverage:
                coverage = _available_share(parts, S)
                s = np.where(coverage + 1e-12 >= plan.min_coverage, s, np.nan)
            s = np.where(keep, s, np.nan)
            vals[plan.node] = s
            if plan.node == target:
                return s
        raise errors.Unknown(f"{target!r} is not a node of the tree")


@dataclass(frozen=True)
class _Collapsed:
    """A subtree with one weighted mean throughout: ``paths (L, D)`` are the weight
    columns from each leaf up (padded with the ones column), ``complete`` per period the
    units with every leaf available and ``f`` of their leaves, ``rest`` the units that go
    node by node, ``kind``/``p``/``back`` the inverse ``g``."""

    paths: np.ndarray
    complete: list[tuple[np.ndarray, np.ndarray]]
    rest: np.ndarray
    kind: str
    p: float
    back: float


def _inverse(flat: _Collapsed, m: np.ndarray) -> np.ndarray:
    """``g`` of the collapsed weighted mean ``m``."""
    if flat.kind == "exp":
        return np.exp(m) - flat.back
    if flat.kind == "power":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(m > 0, np.where(m > 0, m, 1.0) ** (1.0 / flat.p), 0.0)
    return m


def rank_rows(x: np.ndarray) -> np.ndarray:
    """``rank_desc`` of every row of ``x (S, N)`` (highest = 1, ties ``min`` after
    rounding to ``RANK_DIGITS``, NaN kept), faster for many rows: one quicksort per row
    and the inverse permutation; only rows with a tie take ``rank_desc``'s slower path."""
    key = _rounded(x)
    missing = np.isnan(key)
    np.negative(key, out=key)
    key[missing] = np.inf
    order = np.argsort(key, axis=1)
    ordered = np.take_along_axis(key, order, axis=1)
    tied = (ordered[:, 1:] == ordered[:, :-1]) & np.isfinite(ordered[:, 1:])
    ranks = np.empty(x.shape)
    np.put_along_axis(
        ranks, order, np.broadcast_to(np.arange(1.0, x.shape[1] + 1), x.shape), axis=1
    )
    rows = np.flatnonzero(tied.any(axis=1))
    if len(rows):
        ranks[rows] = rank_desc(x[rows], kind="quicksort")
    ranks[missing] = np.nan
    return ranks


def _stack(parts: list[np.ndarray], S: int) -> np.ndarray:
    """Children values as ``(T, N, c)`` when none depends on the sample, else
    ``(S, T, N, c)``."""
    if all(p.ndim == 2 for p in parts):
        return np.stack(parts, axis=-1)
    return np.stack([np.broadcast_to(p, (S, *p.shape[-2:])) for p in parts], axis=-1)


def _wsum(values: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``sum_j w_sj values_..j`` as ``(S, T, N)``: a matrix product when the values do not
    depend on the sample, a batched one otherwise."""
    if values.ndim == 3:
        return np.moveaxis(values @ w.T, -1, 0)
    return np.einsum("stnc,sc->stn", values, w, optimize=True)


def _available_share(parts: list[np.ndarray], S: int) -> np.ndarray:
    avail = ~np.isnan(_stack(parts, S))
    return avail.mean(axis=-1)


@dataclass(frozen=True)
class _Prepared:
    """A node's children transformed for a weighted mean: ``f`` = f(x) with 0 where
    missing, ``avail`` (None: every child available), the inverse ``g`` and its data."""

    f: np.ndarray
    avail: np.ndarray | None
    g: str  # "id", "exp", "power"
    p: float
    back: float
    zeros: np.ndarray | None  # children equal to 0 (power means with p < 0)


def _mean_kind(method: str, params: dict[str, Any]) -> tuple[str, float]:
    """A weighted mean as ``(method, p)`` of the generalised mean
    ``(sum w x^p / sum w)^(1/p)``: harmonic is ``p = -1`` and the generalised mean with
    ``p = 0`` is the geometric one (its limit); other methods keep ``p = 1``."""
    p = float(params.get("p", 1.0)) if method == "generalised" else 1.0
    if method == "harmonic":
        p = -1.0
    if method == "generalised" and p == 0.0:
        method = "geometric"
    return method, p


def _prepare(plan: _NodePlan, x: np.ndarray) -> _Prepared:
    """The part of a weighted mean that does not depend on the weights (computed once
    for children that do not depend on the sample, i.e. the indicators)."""
    avail = ~np.isnan(x)
    complete = bool(avail.all())
    params = plan.params
    method, p = _mean_kind(plan.method, params)
    zeros = None
    if method == "arithmetic" or (method == "generalised" and p == 1.0):
        f = x if complete else np.where(avail, x, 0.0)
        g, back = "id", 0.0
    elif method == "geometric":
        zero = params.get("zero", "error")
        if zero == "error":
            if np.any(x[avail] <= 0):
                raise EvaluationError(
                    f"aggregation of {plan.node} (geometric): values <= 0 among its children; "
                    "normalise to a positive range such as [1, 100]"
                )
            y, back = x, 0.0
        elif zero == "shift":
            back = float(params.get("shift", 1.0))
            y = x + back
        else:
            y, back = np.where(avail, np.maximum(x, float(params.get("eps", 1e-4))), np.nan), 0.0
        f = np.log(np.where(avail, y, 1.0))
        g = "exp"
    else:
        if np.any(x[avail] < 0):
            raise EvaluationError(
                f"aggregation of {plan.node} ({method}): negative values among its children"
            )
        if p < 0:
            with np.errstate(divide="ignore"):
                f = np.where(avail & (x > 0), np.where(x > 0, x, 1.0) ** p, 0.0)
            zeros = (avail & (x == 0)).astype(float)
        else:
            f = np.where(avail, x, 0.0) ** p
        g, back = "power", 0.0
    return _Prepared(f, None if complete else avail.astype(float), g, p, back, zeros)


def _batched(prep: _Prepared, w: np.ndarray) -> np.ndarray:
    """Available-case weighted means for all weight sets: ``g(sum w f(x) / sum w)`` over
    the available children (as ``qcity.methods.aggregate``)."""
    num = _wsum(prep.f, w)
    if prep.avail is None:
        den = np.broadcast_to(w.sum(axis=1)[:, None, None], num.shape)
    else:
        den = _wsum(prep.avail, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
        if prep.g == "id":
            return m
        if prep.g == "exp":
            return np.exp(m) - prep.back
        p = prep.p
        out = np.where(m > 0, np.where(m > 0, m, 1.0) ** (1.0 / p), 0.0 if p > 0 else np.nan)
        out = np.where(den > 0, out, np.nan)
        if prep.zeros is not None:
            out = np.where((_wsum(prep.zeros, w) > 0) & (den > 0), 0.0, out)
        return np.asarray(out)


def _per_sample(plan: _NodePlan, parts: list[np.ndarray], w: np.ndarray) -> np.ndarray:
    """Fallback for aggregators that are not weighted means: the registered method once
    per weight set."""
    f = AGGREGATORS.get(plan.method)
    S = len(w)
    x = _stack(parts, S)
    out = []
    for s in range(S):
        xs = x if x.ndim == 3 else x[s]
        try:
            out.append(f(xs, w[s], **plan.params))
        except ValueError as exc:
            raise EvaluationError(f"aggregation of {plan.node} ({plan.method}): {exc}") from exc
    return np.stack(out) if out else np.zeros((0, *x.shape[-3:-1]))
