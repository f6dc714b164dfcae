"""The rank bands that the dashboard and the annual report both show: one use case, one
number of samples, one seed, so that the two can never disagree.

The uncertainty analysis of ``qcity.robust`` (Monte Carlo over the framework's shipped
robustness spec; Saisana, Saltelli & Tarantola 2005) on an evaluation, for one period and
the framework's index, with ``SAMPLES`` samples and the spec's seed. The headline of both
outputs is the focus unit's own 90 % rank band (the 5th and 95th percentiles of its rank
over the samples): :func:`unit_band`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qcity.engine.evaluation import Evaluation
    from qcity.robust.problem import Problem
    from qcity.robust.uncertainty import UncertaintyResult

SAMPLES = 1000
"""Monte Carlo samples of the rank bands shown by the dashboard and the report (``qcity
robust``'s default)."""


@dataclass(frozen=True)
class RankBands:
    """The analysis and what it was run with (the spec file's name, the period)."""

    result: UncertaintyResult
    problem: Problem
    spec: Path
    period: str | None


@dataclass(frozen=True)
class UnitBand:
    """One unit's rank and its 90 % band over the samples."""

    unit: str
    nominal: int
    low: int
    high: int
    samples: int


def rank_bands(
    ev: Evaluation, *, period: str | None = None, samples: int = SAMPLES
) -> RankBands | None:
    """The rank bands of every unit of ``ev`` in ``period`` (default the spec's: the latest),
    from the framework's shipped robustness spec; None when the framework ships none."""
    from qcity.robust.problem import Problem
    from qcity.robust.spec import load_spec, shipped_spec
    from qcity.robust.uncertainty import run_uncertainty

    path = shipped_spec(ev.framework.code)
    if path is None:
        return None
    spec = load_spec(path)
    if period is not None:
        spec = spec.model_copy(update={"period": period, "node": None})
    spec.check(ev.framework, path.name)
    problem = Problem(ev, spec)
    result = run_uncertainty(ev, spec, samples, spec.seed, problem=problem)
    return RankBands(result, problem, path, period)


def unit_band(bands: RankBands, unit: str) -> UnitBand | None:
    """``unit``'s nominal rank and 90 % band (None when it has no rank)."""
    stats = bands.result.rank_stats
    mine = stats[stats["unit"].astype(str) == unit]
    if mine.empty or mine["nominal"].isna().all():
        return None
    r = mine.iloc[0]
    return UnitBand(unit, int(r["nominal"]), int(r["q05"]), int(r["q95"]), bands.result.n)


__all__ = ["SAMPLES", "RankBands", "UnitBand", "rank_bands", "unit_band"]
