"""The monitoring table of one unit and period: where each indicator and composite stands
against its target path, its attainment (实现程度) and gap closed (进度), progress class and
warning, by department.

``monitor(source, unit, year)`` takes an evaluation (``qcity.engine.evaluation.Evaluation``)
or what ``qcity.service.evaluation.evaluate`` returns (then the values' statuses, the unit
groups and the as-of time of its inputs are used too) and returns a :class:`Monitor` whose
``table`` has exactly the columns of ``MONITOR_COLUMNS``; ``monitor_table`` returns only
that table. Indicator rows use the indicator's values in its unit (after denomination,
before imputation); composite rows use the evaluation's scores.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from qcity import errors
from qcity.framework.model import Framework, Indicator, Node
from qcity.framework.targets import MonitorSpec, TargetSpec
from qcity.monitor import assess, rows
from qcity.monitor import progress as prog
from qcity.monitor.panel import Panel, Series, own_series, peer_frame, peer_medians, series
from qcity.monitor.rows import ILLUSTRATIVE_EN as ILLUSTRATIVE_EN  # kept importable here
from qcity.monitor.rows import ILLUSTRATIVE_ZH as ILLUSTRATIVE_ZH
from qcity.monitor.rows import SCORE_UNIT as SCORE_UNIT
from qcity.monitor.rows import Request, direction_of
from qcity.monitor.targets import (
    Target,
    resolve,
    spec_of,
)
from qcity.monitor.warnings import (
    COLOURS,
    KINDS,
    RANK,
)

MONITOR_COLUMNS = [
    "unit",
    "indicator",
    "period",
    "value",
    "unit_of_measure",
    "target",
    "target_year",
    "attainment",
    "gap_closed",
    "progress_class",
    "warning",
    "warning_kind",
    "target_assumed",
    "message_zh",
    "message_en",
    "department",
]
DETAIL_COLUMNS = [
    "indicator",
    "kind",
    "path",
    "base_year",
    "base_value",
    "path_value",
    "progress_value",
    "progress_score",
    "progress_method",
    "required_rate",
    "city_best_3y",
    "peer_p90_3y",
    "feasibility",
    "met_year_linear",
    "met_year_loglinear",
    "present_pace",
    "forecast",
    "forecast_lower",
    "forecast_upper",
    "source",
    "assumed",
    "rules",
    "illustrative",
]


class MonitorError(errors.EvaluationError, ValueError):
    """Monitoring that cannot be done as asked (unknown unit or period, no peers ...)."""


@dataclass
class Monitor:
    """One unit's monitoring for one period: ``table`` (``MONITOR_COLUMNS``), ``details``
    (the numbers behind each row), ``progress`` (the -5..+5 progress score of every
    composite), ``illustrative`` (how many of the table's values are generated)."""

    table: pd.DataFrame
    details: pd.DataFrame
    progress: pd.DataFrame
    illustrative: int
    peers: list[str]

    @property
    def warnings(self) -> pd.DataFrame:
        """The non-green rows, red first, then by department and indicator."""
        return warnings_of(self.table)


WARNING_COLUMNS = [
    *MONITOR_COLUMNS[: MONITOR_COLUMNS.index("warning_kind")],
    "kind",
    "assumed",
    *MONITOR_COLUMNS[MONITOR_COLUMNS.index("message_zh") :],
]
"""The columns of ``warnings.csv``: the monitoring table's, with ``kind`` (why the light is
on: target, data, trend, benchmark) and ``assumed`` (the target's year or value is assumed)."""


def warnings_of(table: pd.DataFrame) -> pd.DataFrame:
    """The non-green rows of a monitoring table by severity (red, yellow), then why (target
    risks first, peers last), then department; columns ``WARNING_COLUMNS``."""
    bad = table[table["warning"] != "green"].copy()
    bad["_rank"] = -bad["warning"].map(RANK)
    bad["_kind"] = bad["warning_kind"].map({k: i for i, k in enumerate(KINDS)})
    bad["_dept"] = bad["department"].fillna("")
    out = bad.sort_values(["_rank", "_kind", "_dept", "indicator"], kind="stable")
    out = out.rename(columns={"warning_kind": "kind", "target_assumed": "assumed"})
    return out[WARNING_COLUMNS].reset_index(drop=True)


def _period_label(year: int | str) -> str:
    text = str(year).strip().upper()
    prog.period_year(text)  # raises a clear ValueError for anything else
    return text


def previous_period(period: str) -> str:
    """The same period a year earlier: ``"2024"`` -> ``"2023"``, ``"2024Q2"`` -> ``"2023Q2"``."""
    if "Q" in period:
        y, q = period.split("Q")
        return f"{int(y) - 1}Q{q}"
    return str(int(period) - 1)


def _source_parts(source: Any) -> tuple[Any, pd.DataFrame | None, pd.DataFrame | None, Any]:
    """(evaluation, long data with statuses, groups, as_of) of an evaluation or a result."""
    inputs = getattr(source, "inputs", None)
    ev = getattr(source, "evaluation", source)
    if inputs is None:
        return ev, None, None, None
    return ev, inputs.data, inputs.groups, inputs.as_of


def _peers(
    unit: str, group: str | None, groups: pd.DataFrame | None, units: list[str]
) -> list[str]:
    if group is None:
        return []
    if groups is None or group not in set(groups["group"]):
        known = sorted(set(groups["group"])) if groups is not None else []
        raise MonitorError(
            f"unknown unit group {group!r}; known groups: {', '.join(known) or 'none'} "
            "(load groups with `qcity import-groups`)"
        )
    members = set(groups.loc[groups["group"] == group, "unit_code"].astype(str))
    return sorted(m for m in members if m != unit and m in units)


def monitor(
    source: Any,
    unit: str,
    year: int | str,
    group: str | None = None,
    *,
    targets: dict[str, TargetSpec] | None = None,
    as_of: datetime | None = None,
) -> Monitor:
    """Monitor ``unit`` in period ``year`` (``2024`` or ``"2024Q2"``) against the targets of
    the framework (or ``targets``, code -> TargetSpec, e.g. from ``read_targets_csv``,
    which take precedence), with the members of ``group`` (default the framework's
    ``monitor.peer_group``) as peers.

    Indicators are read from the evaluation's values (after denomination), composites from
    its scores; each is one row, computed over arrays (``qcity.monitor.panel``,
    ``qcity.monitor.assess``)."""
    ev, long, groups, inputs_as_of = _source_parts(source)
    fw: Framework = ev.framework
    values = ev.dataset("denominated") if "denominated" in ev.datasets() else ev.dataset("raw")
    period = _period_label(year)
    units = _check_request(values, unit, period)
    req = _request(fw, long, groups, inputs_as_of, as_of, unit, period, group, units, targets)
    node_codes = [n.code for n in fw.nodes()]
    indicators = [i for i in fw.indicators() if i.code in values.columns]
    node_wide = _node_scores(ev.scores(), node_codes)
    nodes = [n for n in fw.nodes() if n.code in node_wide.columns]
    ind_rows, details = _assess(values, indicators, req)
    node_rows, more_details = _assess(node_wide, nodes, req)
    table = pd.DataFrame([*ind_rows, *node_rows], columns=MONITOR_COLUMNS)
    table["target_year"] = table["target_year"].astype("Int64")
    detail = pd.DataFrame([*details, *more_details], columns=DETAIL_COLUMNS)
    overall = _overall(table, detail, fw, node_codes)
    n_illustrative = int(detail["illustrative"].sum()) if len(detail) else 0
    return Monitor(table, detail, overall, n_illustrative, req.peers)


def _check_request(values: pd.DataFrame, unit: str, period: str) -> list[str]:
    """The evaluation's units; MonitorError for a period or unit it does not have."""
    periods = sorted(set(values.index.get_level_values("period").astype(str)))
    if period not in periods and not any(p.startswith(period + "Q") for p in periods):
        raise MonitorError(f"no data for period {period}; periods: {', '.join(periods)}")
    units = sorted(set(values.index.get_level_values("unit").astype(str)))
    if unit not in units:
        raise MonitorError(
            f"unit {unit!r} is not in the evaluation; units: {', '.join(units[:12])}"
            + (" ..." if len(units) > 12 else "")
        )
    return units


def _request(
    fw: Framework,
    long: pd.DataFrame | None,
    groups: pd.DataFrame | None,
    inputs_as_of: Any,
    as_of: datetime | None,
    unit: str,
    period: str,
    group: str | None,
    units: list[str],
    targets: dict[str, TargetSpec] | None,
) -> Request:
    """The request's settings: the peers (of ``group``, else of the framework's peer group
    when it is loaded), the time the warnings are judged at, the values' statuses."""
    spec = fw.monitor or MonitorSpec()
    when = as_of or inputs_as_of or datetime.now(UTC)
    stamp = pd.Timestamp(when)
    stamp = stamp.tz_convert(UTC) if stamp.tzinfo else pd.Timestamp(when, tz=UTC)
    explicit = group is not None
    group = group if explicit else spec.peer_group
    loaded = set(groups["group"].astype(str)) if groups is not None else set()
    if group is not None and group not in loaded and not explicit:
        group = None  # the framework's default peer group is not loaded: no peers
    status = _statuses(long, unit)
    return Request(
        unit=unit,
        period=period,
        peers=_peers(unit, group, groups, units),
        spec=spec,
        targets=targets or {},
        status=status,
        any_illustrative=bool(status) and any(s == "illustrative" for s in status.values()),
        when=stamp,
    )


def _node_scores(scores: pd.DataFrame, node_codes: list[str]) -> pd.DataFrame:
    """The composites' scores as a wide (period, unit) table, one column per composite."""
    return (
        scores[scores["node"].astype(str).isin(node_codes)]
        .assign(node=lambda f: f["node"].astype(str))
        .pivot_table(index=["period", "unit"], columns="node", values="score", observed=True)
    )


def _row_periods(items: Sequence[Indicator | Node], panel: Panel, period: str) -> list[str]:
    """The period each row is monitored at: a sub-annual indicator asked for a year is
    read at that year's latest quarter."""
    quarter = panel.quarter_of(period) if "Q" not in period else period
    return [
        quarter
        if isinstance(item, Indicator) and getattr(item, "frequency", "annual") != "annual"
        else period
        for item in items
    ]


def _resolve_all(
    items: Sequence[Indicator | Node],
    panel: Panel,
    s: Series,
    req: Request,
    directions: list[tuple[int, tuple[float, float] | None]],
    t_now: np.ndarray,
) -> list[Target | None]:
    """Each code's target for the unit (``qcity.monitor.targets.resolve``): the target
    given, else the framework's, else a moderate indicator's band this year."""
    base_default = float(req.spec.base_year) if req.spec.base_year is not None else None
    out: list[Target | None] = []
    for k, item in enumerate(items):
        direction, band = directions[k]
        tspec = req.targets.get(item.code) or spec_of(item)
        if tspec is None and band is not None:
            tspec = TargetSpec(kind="band", band=band, year=math.floor(t_now[k]))
        if tspec is None:
            out.append(None)
            continue
        anchors = dict(item.targets) if item.target is None and item.targets else None
        out.append(
            resolve(
                item.code,
                tspec,
                own_series(panel, s, k, req.unit),
                direction=direction,
                default_base_year=base_default,
                peers=peer_frame(panel, req.peers, s, k, req.unit),
                anchors=anchors,
            )
        )
    return out


def _assess(
    wide: pd.DataFrame, items: Sequence[Indicator | Node], req: Request
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The table rows and detail rows of ``items`` (all indicators, or all composites)."""
    if not items:
        return [], []
    panel = Panel.of(wide, [i.code for i in items])
    periods = _row_periods(items, panel, req.period)
    t_now = np.array([prog.period_year(p) for p in periods], float)
    t_prev = np.array([prog.period_year(previous_period(p)) for p in periods], float)
    s = series(panel, req.unit, t_now, t_prev)
    directions = [direction_of(item) for item in items]
    direction = np.array([d for d, _ in directions], float)
    band = (
        np.array([b[0] if b is not None else np.nan for _, b in directions], float),
        np.array([b[1] if b is not None else np.nan for _, b in directions], float),
    )
    targets = _resolve_all(items, panel, s, req, directions, t_now)
    base_default = float(req.spec.base_year) if req.spec.base_year is not None else None
    base = assess.baseline(targets, s, panel.years, base_default)
    shown, inputs = assess.shown(targets, s, t_now, band, base)
    progress = assess.progress(
        targets, s, shown, inputs, direction=direction, t_now=t_now, t_prev=t_prev,
        fallback=req.spec.progress_fallback,
    )  # fmt: skip
    reached, closed = assess.measures(targets, s, shown, direction)
    medians = peer_medians(panel, req.peers, t_now)
    methods = assess.method_labels(progress.values)
    out, details = [], []
    for k, item in enumerate(items):
        row, fired, illustrative = rows.row(
            item, k, periods[k], panel, s, targets[k], shown, progress, req,
            reached=reached[k], closed=closed[k], peer_median=medians[k],
        )  # fmt: skip
        out.append(row)
        details.append(
            rows.detail(
                item, k, panel, s, targets[k], shown, progress, req, fired, illustrative,
                method=methods[k],
            )
        )  # fmt: skip
    return out, details


def _overall(
    table: pd.DataFrame, detail: pd.DataFrame, fw: Framework, node_codes: list[str]
) -> pd.DataFrame:
    """Every composite's progress score: the mean of the scores of the indicators below
    it (``qcity.monitor.progress.overall_scores``), in the framework's order."""
    ind_scores = detail.set_index("indicator")["progress_score"]
    ind_scores = ind_scores[[c for c in ind_scores.index if c not in set(node_codes)]]
    achieved = (table.set_index("indicator")["progress_class"] == "target_achieved").astype(bool)
    overall = prog.overall_scores(ind_scores, fw.parents(), achieved)
    order = {c: i for i, c in enumerate(node_codes)}
    return overall.sort_values("node", key=lambda s: s.map(order)).reset_index(drop=True)


def _statuses(long: pd.DataFrame | None, unit: str) -> dict[tuple[str, str], str]:
    """(indicator, period) -> status of the unit's values (empty without statuses)."""
    if long is None or "status" not in long.columns:
        return {}
    mine = long[long["unit"].astype(str) == unit]
    return {
        (str(i), str(p)): str(s)
        for i, p, s in zip(
            mine["indicator"], mine["period"], mine["status"].fillna("final"), strict=True
        )
    }


def monitor_table(
    source: Any,
    unit: str,
    year: int | str,
    group: str | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """The monitoring table (``MONITOR_COLUMNS``) of ``unit`` in ``year``; see ``monitor``."""
    return monitor(source, unit, year, group, **kwargs).table


def warnings_table(
    source: Any, unit: str, year: int | str, group: str | None = None, **kwargs: Any
) -> pd.DataFrame:
    """The non-green rows of ``monitor_table``, red first, by department."""
    return monitor(source, unit, year, group, **kwargs).warnings


__all__ = [
    "COLOURS",
    "MONITOR_COLUMNS",
    "Monitor",
    "MonitorError",
    "monitor",
    "monitor_table",
    "warnings_of",
    "warnings_table",
]
