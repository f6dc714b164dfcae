"""An evaluation with its uncertain inputs, prepared for fast sampling.

A *design* is what each sample uses: ``cats (S, D)``, the category of every input (for
``weights`` inputs: which of its pre-drawn weight sets), and ``mult (S, C)``, a multiplier
of the nominal weight of every weighted code (noise, and 0 for an indicator left out).
The discrete choices that change the steps (methods and parameters) make *variants*: each
is evaluated once through the engine's stage cache and then re-aggregated for all of its
samples at once (``qcity.engine.fast``). A chunk of samples gives integer rank counts per
unit (sparse: ``qcity.robust.rank_counts``) and per-sample values, which add up exactly
whatever the chunking.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from qcity.engine import FastPath, StageCache, rank_desc, rank_rows
from qcity.engine.evaluation import Evaluation
from qcity.engine.steps import Step, replace_step, split_params
from qcity.framework.model import MethodSpec
from qcity.robust.rank_counts import Accumulator, RankCounts
from qcity.robust.spec import (
    LeaveOut,
    MethodChoice,
    ParameterChoice,
    RobustSpec,
    SpecError,
    WeightNoise,
    tree_levels,
)

CHUNK_CELLS = 8_000_000
"""A chunk of samples holds about this many (sample, period, unit, child) values."""


@dataclass
class Chunk:
    """What a chunk of samples gives: ``counts``, how many of its samples gave each unit
    each rank (sparse, ``RankCounts``), and per sample the mean absolute rank shift and
    the chosen unit's rank and score. Merged chunks give the same for all samples."""

    counts: RankCounts
    shift: np.ndarray
    unit_rank: np.ndarray
    unit_score: np.ndarray


class Merger:
    """Adds up chunks as they arrive, in any order: rank counts are summed (integers, so
    exactly; ``Accumulator``), per-sample values are put back in sample order. Memory
    for the counts: the distinct (unit, rank) pairs, not a ``(units, units)`` matrix."""

    def __init__(self, n_chunks: int) -> None:
        self.counts: Accumulator | None = None
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray] | None] = [None] * n_chunks

    def add(self, i: int, chunk: Chunk) -> None:
        """Chunk number ``i``."""
        if self.counts is None:
            self.counts = Accumulator(chunk.counts.n_units)
        self.counts.add(chunk.counts)
        self.parts[i] = (chunk.shift, chunk.unit_rank, chunk.unit_score)

    def result(self) -> Chunk:
        """All chunks as one."""
        parts = [p for p in self.parts if p is not None]
        if len(parts) != len(self.parts) or self.counts is None:
            raise RuntimeError("some chunks of samples are missing")
        shift, unit_rank, unit_score = (np.concatenate(c) for c in zip(*parts, strict=True))
        return Chunk(self.counts.result(), shift, unit_rank, unit_score)


class Problem:
    """``ev`` (run with its own log: the nominal case) with the inputs of ``spec``.

    ``node``/``period``: what is ranked (default the spec's, else the index and the latest
    period); ``unit``: the unit whose rank and score are also kept per sample.
    """

    def __init__(
        self,
        ev: Evaluation,
        spec: RobustSpec,
        node: str | None = None,
        period: str | None = None,
        unit: str | None = None,
    ) -> None:
        spec.check(ev.framework)
        self.spec = spec
        self.inputs = list(spec.inputs)
        res = ev.results
        self.tree = res.tree
        self.node = node or spec.node or res.tree.root
        if self.node not in res.tree.children:
            raise SpecError(f"node {self.node!r} is not a node of the evaluated tree")
        periods = list(res.datasets["raw"].periods)
        self.period = str(period or spec.period or periods[-1])
        if self.period not in periods:
            raise SpecError(f"period {self.period!r} not in the data ({', '.join(periods)})")
        self.t, self.T = periods.index(self.period), len(periods)
        self.units = list(res.datasets["raw"].units)
        self.unit = unit
        if unit is not None and unit not in self.units:
            raise SpecError(f"unit {unit!r} is not among the evaluated units")
        self.u = self.units.index(unit) if unit is not None else -1
        self.base_log = list(ev.log)
        self.framework = ev.framework
        self.index = {n.code: n for n, _, _ in ev.framework.walk()}
        self.cache: StageCache | None = StageCache(ev.framework, ev.data, ev.units)
        base = FastPath.from_results(res, ev.framework, ev.log)
        self.codes = base.codes
        self.levels = tree_levels(res.tree)
        self.nominal_scores = res.scores[self.node][self.t]
        self.nominal_ranks = rank_desc(self.nominal_scores)
        self.variant_cols = [
            i
            for i, inp in enumerate(self.inputs)
            if isinstance(inp, MethodChoice | ParameterChoice)
        ]
        self.paths: dict[tuple[int, ...], FastPath] = {}

    # -- inputs ----------------------------------------------------------------------
    def names(self) -> list[str]:
        """The inputs' names, in spec order."""
        return [i.name for i in self.inputs]

    def categories(self) -> list[int]:
        """Categories of each input (0 for weights: continuous)."""
        out = []
        for inp in self.inputs:
            if isinstance(inp, MethodChoice | ParameterChoice):
                out.append(inp.categories())
            elif isinstance(inp, LeaveOut):
                out.append(1 + len(self.leave_out_codes(inp)))
            else:
                out.append(0)
        return out

    def leave_out_codes(self, inp: LeaveOut) -> list[str]:
        """The indicators that ``inp`` may leave out (category k leaves out the k-th)."""
        if inp.indicators == "all":
            return list(self.tree.indicators)
        return [c for c in inp.indicators if c in self.tree.indicators]

    def labels(self, cats: np.ndarray) -> pd.DataFrame:
        """The design's categories as readable values, one column per input."""
        out: dict[str, Any] = {}
        for i, inp in enumerate(self.inputs):
            col = cats[:, i]
            if isinstance(inp, MethodChoice | ParameterChoice):
                out[inp.name] = np.array(inp.labels(), dtype=object)[col]
            elif isinstance(inp, LeaveOut):
                out[inp.name] = np.array(["none", *self.leave_out_codes(inp)], dtype=object)[col]
            else:
                out[inp.name] = col
        return pd.DataFrame(out)

    def noise(self, rng: np.random.Generator, n: int, inp: WeightNoise) -> np.ndarray:
        """``n`` multiplier sets ``1 + u``, ``u ~ U(-f, f)`` for the codes at each level."""
        mult = np.ones((n, len(self.codes)))
        for level, f in sorted(inp.noise.items()):
            cols = [j for j, c in enumerate(self.codes) if self.levels.get(c) == level]
            mult[:, cols] = 1.0 + rng.uniform(-f, f, size=(n, len(cols)))
        return mult

    def multipliers(self, cats: np.ndarray, tables: dict[int, np.ndarray]) -> np.ndarray:
        """``(S, C)`` weight multipliers: the weight sets picked by each weights input
        (``tables[i][cats[:, i]]``) times zero for an indicator left out."""
        mult = np.ones((len(cats), len(self.codes)))
        for i, inp in enumerate(self.inputs):
            if isinstance(inp, WeightNoise):
                mult *= tables[i][cats[:, i]]
            elif isinstance(inp, LeaveOut):
                where = {c: j for j, c in enumerate(self.codes)}
                cols = np.array([where[c] for c in self.leave_out_codes(inp)], dtype=int)
                rows = np.flatnonzero(cats[:, i] > 0)
                mult[rows, cols[cats[rows, i] - 1]] = 0.0
        return mult

    # -- variants --------------------------------------------------------------------
    def variant(self, key: tuple[int, ...]) -> tuple[list[Step], dict[str, MethodSpec]]:
        """The log and the per-node aggregator overrides of the variant ``key`` (one
        category per method/parameter input)."""
        log = list(self.base_log)
        overrides: dict[str, MethodSpec] = {}
        for i, cat in zip(self.variant_cols, key, strict=True):
            inp = self.inputs[i]
            assert isinstance(inp, MethodChoice | ParameterChoice)
            old = next(s for s in log if s.name == inp.step)
            if isinstance(inp, MethodChoice):
                opt = inp.options[cat]
                if inp.level is not None:
                    spec = MethodSpec(method=opt.method, params=dict(opt.params))
                    for code, level in self.levels.items():
                        if level == inp.level and code in self.tree.children:
                            overrides[code] = spec
                    continue
                engine, _ = split_params(old)
                new = Step(inp.step, opt.method, {**engine, **opt.params})
            else:
                assert isinstance(inp, ParameterChoice)
                new = Step(inp.step, old.method, {**old.params, inp.parameter: inp.values[cat]})
            log = replace_step(log, new)
        return log, overrides

    def __getstate__(self) -> dict[str, Any]:
        """What a worker needs: the prepared variants, not the engine's stage cache."""
        state = dict(self.__dict__)
        state["cache"] = None
        return state

    def fast_path(self, key: tuple[int, ...]) -> FastPath:
        """The variant ``key`` ready for re-aggregation (built once, then kept)."""
        if key not in self.paths:
            if self.cache is None:
                raise RuntimeError(f"variant {key} was not prepared before shipping")
            log, overrides = self.variant(key)
            agg = next(s for s in log if s.name == "aggregate")
            res = self.cache.normalised(log)
            self.paths[key] = FastPath(res, self.index, agg, overrides or None)
        return self.paths[key]

    def prepare(self, cats: np.ndarray) -> None:
        """Build the fast path of every variant that ``cats`` uses (before shipping the
        problem to workers, so that each variant runs through the engine once)."""
        for key in self._keys(cats)[0]:
            self.fast_path(key)

    def _keys(self, cats: np.ndarray) -> tuple[list[tuple[int, ...]], np.ndarray]:
        if not self.variant_cols:
            return [()], np.zeros(len(cats), dtype=int)
        sub = cats[:, self.variant_cols]
        uniq, inverse = np.unique(sub, axis=0, return_inverse=True)
        return [tuple(int(v) for v in row) for row in uniq], inverse.reshape(-1)

    def chunk_size(self) -> int:
        """Samples per chunk so that a chunk holds about ``CHUNK_CELLS`` values."""
        N = len(self.units)  # one period is evaluated
        widest = max(len(k) for k in self.tree.children.values())
        return max(1, CHUNK_CELLS // max(1, N * widest))

    # -- evaluation ------------------------------------------------------------------
    def run_chunk(self, cats: np.ndarray, mult: np.ndarray) -> Chunk:
        """Evaluate the samples ``cats, mult`` (one chunk)."""
        S, N = len(cats), len(self.units)
        scores = np.full((S, N), np.nan)
        keys, inverse = self._keys(cats)
        for g, key in enumerate(keys):
            rows = np.flatnonzero(inverse == g)
            fp = self.fast_path(key)
            cols = np.array([self.codes.index(c) for c in fp.codes], dtype=np.int64)
            w = fp.nominal * mult[np.ix_(rows, cols)]
            scores[rows] = fp.evaluate(w, self.node, self.t)[:, 0, :]
        ranks = rank_rows(scores)
        whole = np.where(np.isnan(ranks), 0, ranks).astype(np.int32)  # 0: not ranked
        diff = np.abs(ranks - self.nominal_ranks)
        with np.errstate(invalid="ignore"):
            shift = np.nanmean(np.where(np.isnan(diff), np.nan, diff), axis=1)
        if self.u >= 0:
            unit_rank, unit_score = ranks[:, self.u], scores[:, self.u]
        else:
            unit_rank = unit_score = np.full(S, np.nan)
        return Chunk(RankCounts.from_ranks(whole), shift, unit_rank, unit_score)


Runner = Callable[["Problem", list[tuple[np.ndarray, np.ndarray]]], Chunk]
"""Runs ``problem.run_chunk(cats, mult)`` for each chunk and merges the results
(``Merger``)."""

Progress = Callable[[int, int], None]
"""Called with (chunks done, chunks in all)."""


def local_runner(progress: Progress | None = None, threads: int | None = None) -> Runner:
    """Chunks in this process, on ``threads`` threads (default: one per core, at most 4;
    numpy releases the GIL in its sorts and products). Each chunk's result depends on its
    samples only, so the threads do not change it."""
    workers = threads or max(1, min(os.cpu_count() or 1, 4))

    def run(problem: Problem, args: list[tuple[np.ndarray, np.ndarray]]) -> Chunk:
        merger = Merger(len(args))
        if workers == 1 or len(args) == 1:
            for i, (cats, mult) in enumerate(args):
                merger.add(i, problem.run_chunk(cats, mult))
                if progress is not None:
                    progress(i + 1, len(args))
            return merger.result()
        with ThreadPoolExecutor(workers) as pool:
            futures = {pool.submit(problem.run_chunk, c, m): i for i, (c, m) in enumerate(args)}
            for done, fut in enumerate(as_completed(futures), start=1):
                merger.add(futures[fut], fut.result())
                if progress is not None:
                    progress(done, len(args))
        return merger.result()

    return run


def run_design(
    problem: Problem,
    cats: np.ndarray,
    mult: np.ndarray,
    runner: Runner | None = None,
    chunk: int | None = None,
) -> Chunk:
    """Evaluate every sample of the design, chunk by chunk, with ``runner``."""
    problem.prepare(cats)
    size = chunk or problem.chunk_size()
    starts = range(0, len(cats), size)
    args = [(cats[a : a + size], mult[a : a + size]) for a in starts]
    return (runner or local_runner())(problem, args)


def rank_quantile(hist: np.ndarray, q: float) -> np.ndarray:
    """Quantile ``q`` of each unit's ranks from dense counts ``hist (N, R)`` (R's type 7;
    ``RankCounts.quantile``). NaN for a unit never ranked."""
    return RankCounts.from_dense(hist).quantile(q)


def rank_stats(problem: Problem, counts: RankCounts) -> pd.DataFrame:
    """``unit, nominal, mean, median, q05, q95`` of the rank of each unit."""
    frame = pd.DataFrame(
        {
            "unit": problem.units,
            "nominal": problem.nominal_ranks,
            "mean": counts.mean(),
            "median": counts.quantile(0.5),
            "q05": counts.quantile(0.05),
            "q95": counts.quantile(0.95),
        }
    )
    frame["nominal"] = frame["nominal"].astype("Int64")
    return frame
