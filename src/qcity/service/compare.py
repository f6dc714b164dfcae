"""Benchmarking: where a unit stands among its peers (``qcity compare``, the dashboard's
gaps to the first tier) and the least-cost path to a better rank (``qcity path``, the
dashboard's plan).

The use cases: :func:`select_peers` and :func:`evaluate_peers` (which units a unit is
compared with), :func:`compare_unit` (ranks, gaps, strengths, the years, and the rank
bands of the robustness analysis) and :func:`path_to_rank` (which rank is the target,
which year, and the plan verified by re-evaluating). The benchmark modules are imported
on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qcity import errors
from qcity.lazy import lazy_exports
from qcity.service.robustness import SAMPLES

if TYPE_CHECKING:
    import pandas as pd

    from qcity.benchmark.plan import Plan, change_text
    from qcity.framework.model import Framework
    from qcity.service.evaluation import EvaluationResult
    from qcity.service.inputs import EvaluationInput
    from qcity.service.robust import ChosenSpec

_EXPORTS = {"change_text": "qcity.benchmark.plan", "Plan": "qcity.benchmark.plan"}

__getattr__ = lazy_exports("qcity.service.compare", _EXPORTS)

__all__ = [
    "Comparison",
    "PathPlan",
    "PeerSelectionError",
    "Plan",
    "change_text",
    "compare_unit",
    "evaluate_peers",
    "path_to_rank",
    "select_peers",
]


class PeerSelectionError(errors.InputError, ValueError):
    """The unit has no peers to compare with as selected; ``options`` names the choices
    that select others (each interface spells them its own way)."""

    def __init__(self, message: str, options: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.options = options


def select_peers(
    framework: Framework,
    inputs: EvaluationInput,
    *,
    unit: str,
    group: str | None = None,
    level: str | None = None,
) -> EvaluationInput:
    """The units ``unit`` is compared with (``qcity compare`` and ``qcity path``): the
    members of ``group`` (already selected in ``inputs``), and/or the units of ``level``
    sharing its parent; without either, the units of its own level.
    ``PeerSelectionError`` when the unit has no data among them or is alone."""
    from dataclasses import replace

    from qcity.benchmark.focus import level_peers
    from qcity.service.inputs import describe_selection

    inp = inputs
    if level is not None or group is None:
        keep = set(level_peers(framework, inp.units, unit, level))
        chosen = inp.data[inp.data["unit"].astype(str).isin(keep)]
        selection = describe_selection(chosen, inp.units, group=group, unit_type=level)
        inp = replace(inp, data=chosen, selection=selection)
    present = set(inp.data["unit"].astype(str))
    if unit not in present:
        where = f"group {group!r}" if group else f"level {level or 'of the unit'}"
        raise PeerSelectionError(
            f"unit {unit!r} has no data among the units compared ({where}); check the unit code",
            ("unit",),
        )
    if len(present) < 2:
        raise PeerSelectionError(
            f"only {unit!r} is selected: a comparison needs peers (a group or a level)",
            ("group", "level"),
        )
    return inp


def evaluate_peers(
    framework: Framework,
    inputs: EvaluationInput,
    *,
    unit: str,
    group: str | None = None,
    level: str | None = None,
    framework_text: str | None = None,
) -> EvaluationResult:
    """``unit`` evaluated with its peers (``qcity compare`` and ``qcity path``): the units
    :func:`select_peers` chooses from ``inputs`` (the members of ``group`` and/or the units
    of ``level`` sharing its parent; without either, the units of its own level),
    evaluated with ``framework``. Nothing is stored. ``PeerSelectionError`` when the unit
    has no data among them or is alone."""
    from qcity.service.evaluation import evaluate

    chosen = select_peers(framework, inputs, unit=unit, group=group, level=level)
    return evaluate(framework, chosen, framework_text=framework_text)


@dataclass(frozen=True)
class Comparison:
    """``unit`` among its peers in ``period`` with the first tier = the top ``k``.

    ``table``: one row per node and indicator (document order), the columns of
    ``qcity.benchmark.peers.compare``: ``node, rank, score, leader, median, threshold,
    gap_to_threshold, period, unit, kind, depth, name_zh, name_en, n, k, ...`` and, for
    indicators, raw values and gaps; with rank bands also ``rank_low, rank_high, tier``
    (``in`` / ``out`` / ``uncertain``: whether the index's whole 5-95 % band is inside
    the top k). ``strengths``: the indicators from the strongest to the weakest
    (``indicator, name_zh, name_en, rank, n, diff, weighted, kind, value, median_value,
    indicator_unit, ...``), None when not asked. ``years``: ``table`` for every period
    with an index score (``period`` tells them apart), None when not asked. ``bands``:
    the spec the rank bands come from and their samples (None without bands)."""

    unit: str
    period: str
    k: int
    table: pd.DataFrame
    strengths: pd.DataFrame | None
    years: pd.DataFrame | None
    bands: ChosenSpec | None
    samples: int | None


def compare_unit(
    result: EvaluationResult,
    *,
    unit: str,
    year: object | None = None,
    k: int = 5,
    bands: bool = False,
    spec: ChosenSpec | Path | str | None = None,
    samples: int = SAMPLES,
    strengths: bool = True,
    years: bool = False,
) -> Comparison:
    """Where ``unit`` stands among the units of ``result`` in ``year`` (default the latest
    period in which it has an index score): ranks and gaps at every level and indicator
    with the first tier = the top ``k``, its strengths and weaknesses (``strengths``) and
    the same table for every year (``years``).

    ``bands`` (implied by ``spec``): the index's 5-95 % rank band of every unit from the
    robustness analysis of that period (``samples`` Monte Carlo samples, the spec's seed;
    ``qcity.service.robustness.rank_bands``) with the spec ``spec`` (a file, else the
    framework's shipped one). ``BenchmarkError`` (an ``InputError``) for a unit or year
    that has no index score; ``NoShippedSpec`` for bands without a spec; ``BadValue``
    for ``k`` below 1."""
    from qcity.benchmark.focus import resolve_year
    from qcity.benchmark.peers import compare, compare_years
    from qcity.benchmark.peers import strengths as strengths_of
    from qcity.service.robust import ChosenSpec, choose_spec

    if k < 1:
        raise errors.BadValue(f"k must be at least 1 (got {k}) / 第一方阵名次至少为 1")
    ev = result.evaluation
    period = resolve_year(ev, unit, year)
    chosen: ChosenSpec | None = None
    frame = None
    if bands or spec is not None:
        chosen = spec if isinstance(spec, ChosenSpec) else choose_spec(ev.framework, spec=spec)
        frame = _band_frame(result, chosen, period, samples)
    return Comparison(
        unit=unit,
        period=period,
        k=k,
        table=compare(ev, unit, period, k=k, bands=frame),
        strengths=strengths_of(ev, unit, period) if strengths else None,
        years=compare_years(ev, unit, k=k) if years else None,
        bands=chosen,
        samples=samples if chosen is not None else None,
    )


def _band_frame(
    result: EvaluationResult, spec: ChosenSpec, period: str, samples: int
) -> pd.DataFrame:
    """``unit, node, period, rank_low, rank_high``: the index's 90 % rank bands in whole
    ranks in ``period`` over ``samples`` samples of ``spec`` (``band_table``)."""
    from qcity.service.robustness import band_table, rank_bands

    bands = rank_bands(result.evaluation, period=period, samples=samples, spec=spec)
    assert bands is not None  # a spec is given
    return band_table(bands)


@dataclass(frozen=True)
class PathPlan:
    """The least-cost path of ``unit`` to rank ``rank`` in ``period``: ``plan`` (its
    ``table``, one row per changed indicator: ``indicator, name_zh, name_en,
    indicator_unit, value_from, value_to, change, share_of_gap, years, limit, cost,
    faster_than_peers, best_peer_pace, ...``; ranks and scores before and after,
    ``reached``, ``best_rank`` when the rank is out of reach, ``notes``), ``already``
    (the unit is at the rank already: nothing to change) and ``choices``: the other
    targets worth offering (two ranks up, the top), without the one asked."""

    unit: str
    period: str
    rank: int
    plan: Plan
    already: bool
    choices: tuple[int, ...]


def path_to_rank(
    result: EvaluationResult,
    *,
    unit: str,
    year: object | None = None,
    rank: int | None = None,
    up: int = 1,
    horizon: float = 3.0,
    margin: float = 0.05,
) -> PathPlan:
    """The least-cost set of indicator improvements lifting ``unit`` to ``rank`` (default
    ``up`` ranks above where it stands, at least rank 1) among the units of ``result`` in
    ``year`` (default the latest period in which it has an index score), each change at
    most ``horizon`` years at the peers' fast pace, with ``margin`` points to spare;
    verified by re-running the evaluation (``qcity.benchmark.find_path``). When the rank
    is out of reach, the plan for the best attainable rank. ``BenchmarkError`` for a unit
    or year without an index score; ``BadValue`` for a rank, ``up``, horizon or margin
    out of range."""
    from qcity.benchmark.focus import resolve_year
    from qcity.benchmark.plan import find_path, one_rank_up

    if up < 1:
        raise errors.BadValue(
            f"the ranks to climb must be at least 1 (got {up}) / 上升名次数至少为 1"
        )
    ev = result.evaluation
    period = resolve_year(ev, unit, year)
    if rank is None:
        rank = one_rank_up(ev, unit, period, up)
    plan = find_path(ev, unit, period, k=rank, horizon=horizon, margin=margin)
    already = bool(plan.reached and plan.table.empty)
    others = {max(plan.rank_before - 2, 1), 1} - {rank} if plan.rank_before > 1 else set()
    return PathPlan(unit, plan.period, rank, plan, already, tuple(sorted(others)))
