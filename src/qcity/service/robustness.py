"""The rank bands that the dashboard and the annual report both show: one use case, one
number of samples, one seed, so that the two can never disagree.

The uncertainty analysis of ``qcity.robust`` (Monte Carlo over the framework's shipped
robustness spec; Saisana, Saltelli & Tarantola 2005) on an evaluation, for one period and
the framework's index, with ``SAMPLES`` samples and the spec's seed. The headline of both
outputs is the focus unit's own 90 % rank band (the 5th and 95th percentiles of its rank
over the samples, in whole ranks): :func:`unit_band`; every unit's: :func:`band_table`
(also ``qcity compare --bands``). :func:`band_sensitivity`: the Sobol indices of the same
problem (the dashboard's robustness page).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from qcity.engine.evaluation import Evaluation
    from qcity.robust.problem import Problem
    from qcity.robust.sensitivity import SensitivityResult
    from qcity.robust.uncertainty import UncertaintyResult
    from qcity.service.robust import ChosenSpec

SAMPLES = 1000
"""Monte Carlo samples of the rank bands shown by the dashboard and the report (``qcity
robust``'s default)."""


@dataclass(frozen=True)
class RankBands:
    """The analysis and what it was run with (the spec file, the period, the evaluation
    perturbed)."""

    result: UncertaintyResult
    problem: Problem
    spec: Path
    period: str | None
    evaluation: Evaluation


@dataclass(frozen=True)
class UnitBand:
    """One unit's rank and its 90 % band over the samples."""

    unit: str
    nominal: int
    low: int
    high: int
    samples: int


def rank_bands(
    ev: Evaluation,
    *,
    period: str | None = None,
    samples: int = SAMPLES,
    spec: ChosenSpec | None = None,
) -> RankBands | None:
    """The rank bands of every unit of ``ev`` in ``period`` (default the spec's: the latest),
    from ``spec`` (``qcity.service.robust.choose_spec``; default the framework's shipped
    robustness spec) with the spec's seed; None when no spec is given and the framework
    ships none. With a ``period`` the bands are those of the index (the spec's ``node``
    is not used). ``SpecError`` (an ``InputError``) for a spec the framework cannot use."""
    from qcity.robust.problem import Problem
    from qcity.robust.uncertainty import run_uncertainty
    from qcity.service.robust import NoShippedSpec, choose_spec

    if spec is None:
        try:
            spec = choose_spec(ev.framework)
        except NoShippedSpec:
            return None
    robust = spec.spec
    if period is not None:
        robust = robust.model_copy(update={"period": period, "node": None})
    robust.check(ev.framework, spec.path.name if spec.shipped else spec.name)
    problem = Problem(ev, robust)
    result = run_uncertainty(ev, robust, samples, robust.seed, problem=problem)
    return RankBands(result, problem, spec.path, period, ev)


def band_sensitivity(bands: RankBands, *, samples: int = SAMPLES) -> SensitivityResult | None:
    """Which choice the ranks of ``bands`` depend on most: the Sobol indices of the mean
    absolute rank shift over the same problem and seed, from ``samples (inputs + 2)``
    runs; None when the spec has fewer than two uncertain inputs (nothing to apportion)."""
    from qcity.robust.sensitivity import run_sensitivity

    problem = bands.problem
    if len(problem.inputs) < 2:
        return None
    return run_sensitivity(
        bands.evaluation, problem.spec, samples, bands.result.seed, problem=problem
    )


def band_table(bands: RankBands) -> pd.DataFrame:
    """``unit, node, period, rank_low, rank_high``: every unit's 90 % band in whole ranks,
    the 5th percentile of its rank rounded down and the 95th rounded up (the smallest band
    of whole ranks holding the interval: a quantile falling between two ranks is
    interpolated, e.g. 8.05); NA for a unit never ranked. What ``qcity compare --bands``,
    the dashboard's headline and the report show."""
    import numpy as np
    import pandas as pd

    stats = bands.result.rank_stats
    low = np.floor(stats["q05"].to_numpy(dtype=float))
    high = np.ceil(stats["q95"].to_numpy(dtype=float))
    return pd.DataFrame(
        {
            "unit": stats["unit"].astype(str).to_numpy(),
            "node": bands.result.node,
            "period": bands.result.period,
            "rank_low": pd.array(low, dtype="Float64").astype("Int64"),
            "rank_high": pd.array(high, dtype="Float64").astype("Int64"),
        }
    )


def unit_band(bands: RankBands, unit: str) -> UnitBand | None:
    """``unit``'s nominal rank and 90 % band in whole ranks (``band_table``; None when it
    has no rank)."""
    stats = bands.result.rank_stats
    mine = stats[stats["unit"].astype(str) == unit]
    if mine.empty or mine["nominal"].isna().all():
        return None
    table = band_table(bands)
    row = table[table["unit"] == unit].iloc[0]
    nominal = int(mine.iloc[0]["nominal"])
    return UnitBand(unit, nominal, int(row["rank_low"]), int(row["rank_high"]), bands.result.n)


__all__ = [
    "SAMPLES",
    "RankBands",
    "UnitBand",
    "band_sensitivity",
    "band_table",
    "rank_bands",
    "unit_band",
]
