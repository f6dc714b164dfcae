"""Monitoring against targets: one unit's indicators and composites against their targets
(attainment, gap closed, progress class, warnings) and what moved its composites since a
year earlier.

The use cases: :func:`monitor_unit` (``qcity monitor``: read the store, evaluate the unit
with its peers, monitor it), :func:`monitor_result` (the dashboard: monitor a unit in an
evaluation already made) and :func:`explain_change` (the attribution of each composite's
change to its indicators). The monitoring modules are imported on first use (``qcity
--help`` stays light)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from datetime import datetime

    import pandas as pd

    from qcity.framework.model import Framework
    from qcity.framework.targets import TargetSpec
    from qcity.monitor.progress import CLASS_LABELS, period_year
    from qcity.monitor.table import Monitor, MonitorError
    from qcity.service.evaluation import EvaluationResult

_EXPORTS = {
    "CLASS_LABELS": "qcity.monitor.progress",
    "Monitor": "qcity.monitor.table",
    "MonitorError": "qcity.monitor.table",
    "period_year": "qcity.monitor.progress",
}

__all__ = [
    "CLASS_LABELS",
    "Attribution",
    "Monitor",
    "MonitorError",
    "MonitorRun",
    "explain_change",
    "monitor_result",
    "monitor_unit",
    "period_year",
]

__getattr__ = lazy_exports("qcity.service.monitoring", _EXPORTS)


@dataclass(frozen=True)
class MonitorRun:
    """One unit monitored: the evaluation it stands in (``result``), the monitor table
    (``monitor``), the period asked (``period``) and the peer group used (``peers``)."""

    result: EvaluationResult
    monitor: Monitor
    period: str
    peers: str | None


def monitor_unit(
    framework: Framework,
    *,
    unit: str,
    year: str,
    db: str | None = None,
    group: str | None = None,
    targets: Mapping[str, TargetSpec] | Path | None = None,
    as_of: datetime | None = None,
    framework_text: str | None = None,
) -> MonitorRun:
    """Monitor ``unit`` in ``year`` (2024 or 2024Q2) from the store at ``db``: evaluated
    with its peers — ``group``, else the framework's peer group (``service.peers``) when
    the unit is one of its members, else the units of its own type (a town with the
    towns) — against the framework's targets, overridden by ``targets`` (code ->
    ``TargetSpec``, or a targets CSV file: ``indicator,kind,year,value,source,...``, read
    before the store). ``TargetFileError`` (an ``InputError``) for a targets file with bad
    rows; ``MonitorError`` (an ``EvaluationError``) when the unit or the period has no
    data."""
    from qcity.monitor.table import MonitorError
    from qcity.monitor.targets import read_targets_csv
    from qcity.service.evaluation import evaluate
    from qcity.service.inputs import from_store
    from qcity.service.peers import default_peer_group

    imported = read_targets_csv(targets, framework) if isinstance(targets, Path) else targets
    inp = from_store(db, as_of)
    peers = default_peer_group(framework, chosen=group)
    groups = inp.groups
    members: set[str] = set()
    if peers is not None and groups is not None:
        members = set(groups.loc[groups["group"] == peers, "unit_code"].astype(str))
    if group is not None or unit in members:
        inp = inp.restrict(group=peers)  # evaluate the unit with its peers
    elif inp.units is not None and "type" in inp.units.columns:
        kind = inp.units.loc[inp.units["code"].astype(str) == unit, "type"].dropna()
        if len(kind):  # a town with its fellow towns: one level at a time
            inp = inp.restrict(unit_type=str(kind.iloc[0]))
    if unit not in set(inp.data["unit"].astype(str)):
        where = f" among the members of group {peers!r}" if group is not None else ""
        raise MonitorError(
            f"no data for unit {unit!r}{where} in {inp.source}; check the code (qcity export "
            "lists the units with data)"
        )
    result = evaluate(framework, inp, framework_text=framework_text)
    periods = set(result.evaluation.scores()["period"].astype(str))
    wanted = str(year).strip().upper()
    if wanted not in periods and not any(p.startswith(wanted + "Q") for p in periods):
        raise MonitorError(
            f"no data for period {wanted} in the evaluation; periods: {', '.join(sorted(periods))}"
        )
    mon = monitor_result(
        result, unit=unit, period=wanted, group=group, targets=imported, as_of=as_of
    )
    return MonitorRun(result, mon, wanted, peers)


def monitor_result(
    result: EvaluationResult,
    *,
    unit: str,
    period: str | None = None,
    group: str | None = None,
    targets: Mapping[str, TargetSpec] | None = None,
    as_of: datetime | None = None,
) -> Monitor:
    """``unit`` monitored in ``period`` (2024 or 2024Q2; default the latest period of the
    evaluation) within the evaluation ``result`` already made (the dashboard's scope):
    each indicator and composite against the framework's targets (or ``targets``), with
    the members of ``group`` (default the framework's ``monitor.peer_group``) as peers.
    ``MonitorError`` (an ``EvaluationError``) for a unit, period or group it does not
    have."""
    from qcity.monitor.table import monitor

    if period is None:
        period = str(result.evaluation.scores()["period"].astype(str).max())
    given = dict(targets) if targets is not None else None
    return monitor(result, unit, period, group, targets=given, as_of=as_of)


@dataclass(frozen=True)
class Attribution:
    """What moved each composite of ``unit`` from ``from_period`` to ``to_period``:
    ``table`` with ``node, indicator, from_period, to_period, change, contribution`` (one
    row per composite and indicator below it; each composite's contributions sum to its
    change)."""

    unit: str
    from_period: str
    to_period: str
    table: pd.DataFrame


def explain_change(result: EvaluationResult, *, unit: str, period: str) -> Attribution | None:
    """Each indicator's contribution to the change of every composite of ``unit`` from the
    same period a year earlier (2023 for 2024, 2023Q2 for 2024Q2) to ``period``; None when
    that earlier period is not in the evaluation (nothing to compare with).
    ``BadValue`` (an ``InputError``) for a unit or period the evaluation does not have."""
    from qcity.monitor.attribution import attribution
    from qcity.monitor.table import previous_period

    previous = previous_period(period)
    periods = set(result.evaluation.scores()["period"].astype(str))
    if previous not in periods:
        return None
    table = attribution(result.evaluation, unit, previous, period)
    return Attribution(unit, previous, period, table)
