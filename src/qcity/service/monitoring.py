"""Monitoring against targets: the monitor table, attribution, trends and target specs.

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from datetime import datetime

    from qcity.framework.model import Framework
    from qcity.framework.targets import TargetSpec
    from qcity.service.evaluation import EvaluationResult

if TYPE_CHECKING:
    from qcity.monitor.attribution import attribution
    from qcity.monitor.forecast import fit_trend
    from qcity.monitor.progress import CLASS_LABELS, period_year
    from qcity.monitor.table import Monitor, MonitorError, monitor, previous_period
    from qcity.monitor.targets import Target, read_targets_csv, spec_of

_EXPORTS = {
    "attribution": "qcity.monitor.attribution",
    "CLASS_LABELS": "qcity.monitor.progress",
    "fit_trend": "qcity.monitor.forecast",
    "Monitor": "qcity.monitor.table",
    "monitor": "qcity.monitor.table",
    "MonitorError": "qcity.monitor.table",
    "period_year": "qcity.monitor.progress",
    "previous_period": "qcity.monitor.table",
    "read_targets_csv": "qcity.monitor.targets",
    "spec_of": "qcity.monitor.targets",
    "Target": "qcity.monitor.targets",
}

__all__ = [
    "CLASS_LABELS",
    "Monitor",
    "MonitorError",
    "Target",
    "attribution",
    "fit_trend",
    "monitor",
    "period_year",
    "previous_period",
    "read_targets_csv",
    "spec_of",
]

__all__ += ["MonitorRun", "monitor_unit"]

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
    targets: dict[str, TargetSpec] | None = None,
    as_of: datetime | None = None,
    framework_text: str | None = None,
) -> MonitorRun:
    """Monitor ``unit`` in ``year`` (2024 or 2024Q2) from the store at ``db``: evaluated
    with its peers — ``group``, else the framework's peer group (``service.peers``) when
    the unit is one of its members, else the units of its own type (a town with the
    towns) — against the framework's targets (or ``targets``). ``MonitorError`` (an
    ``EvaluationError``) when the unit or the period has no data."""
    from qcity.monitor.table import MonitorError, monitor
    from qcity.service.evaluation import evaluate
    from qcity.service.inputs import from_store
    from qcity.service.peers import default_peer_group

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
    mon = monitor(result, unit, wanted, group, targets=targets, as_of=as_of)
    return MonitorRun(result, mon, wanted, peers)
