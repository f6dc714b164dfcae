"""Sensitivity analysis: first-order and total Sobol indices of each uncertain input.

Saltelli's sampling and the Sobol estimators of SALib (Herman & Usher 2017, "SALib: an
open-source Python library for sensitivity analysis", JOSS 2(9): 97): ``N (D + 2)`` runs
for ``D`` inputs (matrices A, B and the D mixes A_B^i); first-order ``S_i`` (Saltelli et
al. 2010) and total ``ST_i`` (Jansen 1999) with bootstrap confidence intervals at 90 %
(the 5 % and 95 % bounds COINr reports). The output is the mean absolute rank shift from
the nominal ranks (COINr ``get_sensitivity(SA_type = "SA")``), or a chosen unit's rank or
score.

Every input is a uniform ``u`` in [0, 1) in the design; discrete inputs take category
``floor(u m)`` of their ``m`` (``min(., m - 1)``: each category an equal share of [0, 1));
a ``weights`` input takes weight set ``floor(u N)`` of ``N`` noisy sets drawn once from
the seed — as COINr, which treats the noisy weights as one discrete input of ``N`` sets.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from qcity import errors
from qcity.engine.evaluation import Evaluation
from qcity.robust.problem import Problem, Runner, rank_stats, run_design
from qcity.robust.rank_counts import RankCounts
from qcity.robust.spec import RobustSpec, WeightNoise
from qcity.robust.uncertainty import DEFAULT_SEED

Output = Literal["shift", "rank", "score"]
CONF_LEVEL = 0.90
"""Bootstrap intervals from the 5 % to the 95 % quantile, as COINr reports them."""


@dataclass
class SensitivityResult:
    """``indices``: ``input, Si, STi, Si_lo, Si_hi, STi_lo, STi_hi``; ``rank_stats`` of
    the first ``2N`` runs (matrices A and B, independent samples, as COINr reports);
    ``y``: the output of every run, in SALib's order; ``counts``: the rank counts of
    those ``2N`` runs (as ``UncertaintyResult.counts``; ``rank_counts``: dense)."""

    indices: pd.DataFrame
    rank_stats: pd.DataFrame
    y: np.ndarray
    output: str
    n: int
    seed: int
    counts: RankCounts

    @property
    def rank_counts(self) -> np.ndarray:
        """The counts as a dense ``(units, units)`` matrix (for a few units only)."""
        return self.counts.dense()


def to_categories(u: np.ndarray, m: int) -> np.ndarray:
    """Uniform samples in [0, 1] to categories 0..m-1, each an equal share of [0, 1)."""
    return np.minimum(np.floor(np.asarray(u) * m).astype(np.int64), m - 1)


def run_sensitivity(
    ev: Evaluation,
    spec: RobustSpec,
    n: int = 1000,
    seed: int | None = None,
    output: Output = "shift",
    unit: str | None = None,
    bootstrap: int = 100,
    runner: Runner | None = None,
    chunk: int | None = None,
    problem: Problem | None = None,
) -> SensitivityResult:
    """Sobol indices of ``spec``'s inputs on ``output``: ``"shift"`` (mean absolute rank
    shift), or ``"rank"`` / ``"score"`` of ``unit``; ``n (D + 2)`` runs."""
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    if n < 2:
        raise errors.BadValue(f"the sensitivity analysis needs N >= 2, got {n}")
    if output != "shift" and unit is None:
        raise errors.BadValue(f"output {output!r} needs a unit (--unit CODE)")
    seed = int(seed if seed is not None else spec.seed if spec.seed is not None else DEFAULT_SEED)
    problem = problem or Problem(ev, spec, unit=unit)
    if output != "shift" and problem.unit != unit:
        raise errors.BadValue(f"the problem keeps unit {problem.unit!r}, not {unit!r}")
    D = len(problem.inputs)
    if D < 2:
        raise errors.BadValue("the sensitivity analysis needs at least two uncertain inputs")
    salib = {"num_vars": D, "names": problem.names(), "bounds": [[0.0, 1.0]] * D}
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib prefers N a power of 2; any N is valid
        u = sample.sample(salib, n, calc_second_order=False, seed=int(rng.integers(2**31)))
    cats = np.zeros(u.shape, dtype=np.int64)
    tables: dict[int, np.ndarray] = {}
    for i, (inp, m) in enumerate(zip(problem.inputs, problem.categories(), strict=True)):
        if isinstance(inp, WeightNoise):
            tables[i] = problem.noise(rng, n, inp)
            cats[:, i] = to_categories(u[:, i], n)
        else:
            cats[:, i] = to_categories(u[:, i], m)
    mult = problem.multipliers(cats, tables)
    # SALib's rows: for each of the n base points, A, then the D mixes, then B; the A and
    # B rows (independent samples) are run apart to give COINr's rank statistics too
    block = np.arange(len(u)) % (D + 2)
    ab = (block == 0) | (block == D + 1)
    first = run_design(problem, cats[ab], mult[ab], runner, chunk)
    mixes = run_design(problem, cats[~ab], mult[~ab], runner, chunk)
    y = np.empty(len(u))
    for part, rows in ((first, ab), (mixes, ~ab)):
        y[rows] = {"shift": part.shift, "rank": part.unit_rank, "score": part.unit_score}[output]
    if np.isnan(y).any():
        raise errors.BadValue(f"the output ({output}) is missing in some runs; choose another unit")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant outputs give 0/0 (NaN indices)
        si = analyze.analyze(
            salib,
            y,
            calc_second_order=False,
            num_resamples=bootstrap,
            conf_level=CONF_LEVEL,
            seed=int(rng.integers(2**31)),
        )
    indices = pd.DataFrame(
        {
            "input": problem.names(),
            "Si": si["S1"],
            "STi": si["ST"],
            "Si_lo": si["S1"] - si["S1_conf"],
            "Si_hi": si["S1"] + si["S1_conf"],
            "STi_lo": si["ST"] - si["ST_conf"],
            "STi_hi": si["ST"] + si["ST_conf"],
        }
    )
    return SensitivityResult(
        indices=indices,
        rank_stats=rank_stats(problem, first.counts),
        y=y,
        output=output,
        n=n,
        seed=seed,
        counts=first.counts,
    )
