"""Uncertainty analysis: how far each unit's rank moves over N random draws of the
uncertain inputs (Monte Carlo; Saisana, Saltelli & Tarantola 2005; COINr
``get_sensitivity(SA_type = "UA")``).

Per unit: nominal rank, mean and median rank, 5th and 95th percentile (R's type-7
quantiles, as COINr); overall: the mean absolute rank shift from the nominal ranks,
``mean_s mean_i |r_si - r_i^0|``. The whole design (each sample's categories and weight
multipliers) is drawn up front from one ``numpy.random.SeedSequence(seed)`` in spec order,
and chunks only slice it, so the same seed gives the same results whatever the number of
chunks or workers.

    >>> res = run_uncertainty(ev, load_spec("examples/asem/robust.yaml"), n=1000, seed=42)
    >>> res.rank_stats.head()
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from qcity import errors
from qcity.engine.evaluation import Evaluation
from qcity.robust.problem import Problem, Runner, rank_stats, run_design
from qcity.robust.rank_counts import RankCounts
from qcity.robust.spec import LeaveOut, MethodChoice, ParameterChoice, RobustSpec, WeightNoise

DEFAULT_SEED = 42


@dataclass
class UncertaintyResult:
    """``rank_stats``: ``unit, nominal, mean, median, q05, q95``; ``samples``: one row per
    sample with every input's value, the weight multipliers (``w:CODE`` columns), the mean
    absolute rank shift and the chosen unit's rank and score; ``mean_abs_shift``: the mean
    of the per-sample shifts; ``counts``: how many samples gave each unit (in
    ``rank_stats`` order) each rank, the whole rank distribution, kept sparse
    (``RankCounts``; ``rank_counts`` gives it as a dense matrix for a few units)."""

    rank_stats: pd.DataFrame
    samples: pd.DataFrame
    mean_abs_shift: float
    node: str
    period: str
    n: int
    seed: int
    counts: RankCounts

    @property
    def rank_counts(self) -> np.ndarray:
        """``(units, units)``: samples giving each unit (row) rank ``c + 1`` (dense: for
        a few units only, it grows with their square)."""
        return self.counts.dense()


def draw_design(
    problem: Problem, n: int, seed: int
) -> tuple[np.ndarray, np.ndarray, dict[int, np.ndarray]]:
    """``n`` independent samples: a uniform category for every discrete input and fresh
    weight noise for every weights input (sample ``s`` uses noise set ``s``)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    cats = np.zeros((n, len(problem.inputs)), dtype=np.int64)
    tables: dict[int, np.ndarray] = {}
    for i, (inp, m) in enumerate(zip(problem.inputs, problem.categories(), strict=True)):
        if isinstance(inp, WeightNoise):
            tables[i] = problem.noise(rng, n, inp)
            cats[:, i] = np.arange(n)
        else:
            assert isinstance(inp, MethodChoice | ParameterChoice | LeaveOut)
            cats[:, i] = rng.integers(0, m, size=n)
    return cats, problem.multipliers(cats, tables), tables


def sample_table(problem: Problem, cats: np.ndarray, mult: np.ndarray) -> pd.DataFrame:
    """The parameters of every sample: inputs as labels, weight multipliers by code."""
    table = problem.labels(cats)
    for inp in problem.inputs:
        if isinstance(inp, WeightNoise):
            table = table.drop(columns=inp.name)
    weights = pd.DataFrame(mult, columns=[f"w:{c}" for c in problem.codes])
    table = pd.concat([table, weights], axis=1)
    table.insert(0, "sample", np.arange(len(cats)))
    return table


def run_uncertainty(
    ev: Evaluation,
    spec: RobustSpec,
    n: int = 1000,
    seed: int | None = None,
    unit: str | None = None,
    runner: Runner | None = None,
    chunk: int | None = None,
    problem: Problem | None = None,
) -> UncertaintyResult:
    """``n`` Monte Carlo samples of ``spec``'s inputs around ``ev`` (the nominal case).

    ``runner`` spreads the chunks (default: this process; see
    ``qcity.robust.distributed.dask_runner``); ``chunk``: samples per chunk.
    """
    if n < 1:
        raise errors.BadValue(f"the number of samples must be at least 1, got {n}")
    seed = int(seed if seed is not None else spec.seed if spec.seed is not None else DEFAULT_SEED)
    problem = problem or Problem(ev, spec, unit=unit)
    cats, mult, _ = draw_design(problem, n, seed)
    out = run_design(problem, cats, mult, runner, chunk)
    samples = sample_table(problem, cats, mult)
    samples["mean_abs_shift"] = out.shift
    if problem.unit is not None:
        samples[f"rank:{problem.unit}"] = out.unit_rank
        samples[f"score:{problem.unit}"] = out.unit_score
    return UncertaintyResult(
        rank_stats=rank_stats(problem, out.counts),
        samples=samples,
        mean_abs_shift=float(np.nanmean(out.shift)) if len(out.shift) else float("nan"),
        node=problem.node,
        period=problem.period,
        n=n,
        seed=seed,
        counts=out.counts,
    )
