"""The monitoring table as ``qcity.monitor.table.monitor`` computed it before it was split
into small vectorised steps (one Python loop per indicator, every step inside it), kept
verbatim as the reference the new implementation is checked against
(tests/monitor/test_table_reference.py) and timed against (benchmarks/bench_monitor.py).
Not used by qcity itself."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from qcity.framework.model import Framework, Indicator, Moderate, Node
from qcity.framework.targets import MonitorSpec, TargetSpec
from qcity.monitor import progress as prog
from qcity.monitor.forecast import NOT_ON_TREND, Model, fit_trend, year_target_met
from qcity.monitor.measures import attainment, gap_closed
from qcity.monitor.table import DETAIL_COLUMNS, MONITOR_COLUMNS, Monitor, MonitorError
from qcity.monitor.targets import (
    Target,
    feasibility_numbers,
    resolve,
    spec_of,
)
from qcity.monitor.warnings import (
    Facts,
    evaluate_rules,
    kind_of,
    summarise,
)

SCORE_UNIT = "分 / score"
ILLUSTRATIVE_ZH = "［示例数据］"
ILLUSTRATIVE_EN = " [illustrative data]"


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


def _period_end(period: str) -> pd.Timestamp:
    if "Q" in period:
        y, q = period.split("Q")
        return pd.Timestamp(int(y), 3 * int(q), 1, tz=UTC) + pd.offsets.MonthEnd(0)
    return pd.Timestamp(int(period), 12, 31, tz=UTC)


def _direction(item: Indicator | Node) -> tuple[int, tuple[float, float] | None]:
    """(direction, band): a moderate indicator is aimed at its band (or optimum)."""
    d = item.direction if isinstance(item, Indicator) else 1
    if isinstance(d, Moderate):
        band = d.band if d.band is not None else (float(d.optimal), float(d.optimal))  # type: ignore[arg-type]
        return 1, (float(band[0]), float(band[1]))
    return int(d), None


def _series(wide: pd.DataFrame, code: str) -> pd.DataFrame:
    """Rows fractional years, columns units, for one code of a wide (period, unit) table."""
    col = wide[code].unstack("unit")
    col.index = pd.Index([prog.period_year(p) for p in col.index], dtype=float)
    col.attrs["labels"] = dict(zip(col.index, wide[code].unstack("unit").index, strict=True))
    return col.sort_index()


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


def reference_monitor(
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
    ``monitor.peer_group``) as peers."""
    ev, long, groups, inputs_as_of = _source_parts(source)
    fw: Framework = ev.framework
    spec = fw.monitor or MonitorSpec()
    period = _period_label(year)
    when = as_of or inputs_as_of or datetime.now(UTC)
    when = (
        pd.Timestamp(when).tz_convert(UTC)
        if pd.Timestamp(when).tzinfo
        else pd.Timestamp(when, tz=UTC)
    )
    values = ev.dataset("denominated") if "denominated" in ev.datasets() else ev.dataset("raw")
    periods = sorted(set(values.index.get_level_values("period").astype(str)))
    if period not in periods and not any(p.startswith(period + "Q") for p in periods):
        raise MonitorError(f"no data for period {period}; periods: {', '.join(periods)}")
    units = sorted(set(values.index.get_level_values("unit").astype(str)))
    if unit not in units:
        raise MonitorError(
            f"unit {unit!r} is not in the evaluation; units: {', '.join(units[:12])}"
            + (" ..." if len(units) > 12 else "")
        )
    explicit = group is not None
    group = group if explicit else spec.peer_group
    loaded = set(groups["group"].astype(str)) if groups is not None else set()
    if group is not None and group not in loaded and not explicit:
        group = None  # the framework's default peer group is not loaded: no peers
    peers = _peers(unit, group, groups, units)
    scores = ev.scores()
    node_codes = [n.code for n in fw.nodes()]
    node_wide = (
        scores[scores["node"].astype(str).isin(node_codes)]
        .assign(node=lambda f: f["node"].astype(str))
        .pivot_table(index=["period", "unit"], columns="node", values="score", observed=True)
    )
    status = _statuses(long, unit)
    any_illustrative = bool(status) and any(s == "illustrative" for s in status.values())
    targets = targets or {}
    base_default = float(spec.base_year) if spec.base_year is not None else None
    parents = fw.parents()
    rows: list[dict[str, Any]] = []
    details: list[dict[str, Any]] = []
    items: list[Indicator | Node] = [*fw.indicators(), *fw.nodes()]
    for item in items:
        is_node = isinstance(item, Node)
        wide = node_wide if is_node else values
        if item.code not in wide.columns:
            continue
        panel = _series(wide, item.code)
        row_period = period
        if not is_node and getattr(item, "frequency", "annual") != "annual" and "Q" not in period:
            quarters = [
                lbl for lbl in panel.attrs["labels"].values() if str(lbl).startswith(period + "Q")
            ]
            row_period = max(quarters) if quarters else f"{period}Q4"
        t_now = prog.period_year(row_period)
        annual = "Q" not in row_period
        keep = [y for y, lbl in panel.attrs["labels"].items() if ("Q" not in str(lbl)) == annual]
        panel = panel.loc[sorted(keep)]
        own = panel[unit] if unit in panel.columns else pd.Series(dtype=float)
        own = own[own.index <= t_now]
        peer_panel = panel[[p for p in peers if p in panel.columns]]
        peer_panel = peer_panel[peer_panel.index <= t_now]
        direction, band = _direction(item)
        value = float(own.get(t_now, np.nan))
        prev_t = prog.period_year(previous_period(row_period))
        previous = float(own.get(prev_t, np.nan))
        tspec = targets.get(item.code) or spec_of(item)
        if tspec is None and band is not None:
            tspec = TargetSpec(kind="band", band=band, year=math.floor(t_now))
        target: Target | None = None
        if tspec is not None:
            anchors = dict(item.targets) if item.target is None and item.targets else None
            with_self = panel[[*peer_panel.columns, *([unit] if unit in panel.columns else [])]]
            target = resolve(
                item.code,
                tspec,
                own,
                direction=direction,
                default_base_year=base_default,
                peers=with_self[with_self.index <= t_now],
                anchors=anchors,
            )
        known = own.dropna()
        base_year = target.base_year if target is not None else base_default
        if base_year is None and len(known):
            base_year = float(known.index.min())
        base_value = float(known.get(base_year, np.nan)) if base_year is not None else np.nan
        if not math.isfinite(base_value) and len(known):
            later = known[known.index >= (base_year or -np.inf)]
            if len(later):
                base_year, base_value = float(later.index[0]), float(later.iloc[0])
        latest_t = float(known.index.max()) if len(known) else np.nan
        latest_v = float(known.iloc[-1]) if len(known) else np.nan
        # the target shown, its year, and the progress inputs
        tgt_value, tgt_year, band_row = np.nan, np.nan, band
        path_value = np.nan
        p_target, p_year, p_dir = np.nan, np.nan, direction
        check_path = True
        if target is not None:
            if target.kind == "band" and target.band is not None:
                band_row = (float(target.band[0]), float(target.band[1]))
            if target.kind == "not_worse":
                tgt_value, tgt_year = previous, math.floor(t_now)
                check_path = False
            elif band_row is not None and target.kind == "band":
                lo, hi = band_row
                ref = value if math.isfinite(value) else latest_v
                tgt_value = lo if (math.isfinite(ref) and ref < lo) else hi
                tgt_year = target.goal_year if target.goal_year is not None else math.floor(t_now)
                if math.isfinite(latest_v) and not lo <= latest_v <= hi:
                    p_dir = 1 if latest_v < lo else -1
                    p_target, p_year = (lo if latest_v < lo else hi), tgt_year
                elif math.isfinite(latest_v):
                    p_target, p_year = latest_v, tgt_year  # inside: achieved
            elif target.goal is not None and target.goal_year is not None:
                tgt_value, tgt_year = target.goal, target.goal_year
                p_target, p_year = target.goal, target.goal_year
                path_value = target.at(t_now)
        if math.isfinite(p_year) and base_year is not None and p_year <= base_year:
            p_target = p_year = np.nan  # a goal year not after the baseline: no target method
        p_base_value, p_base_year = base_value, base_year
        p_latest_v, p_latest_t = latest_v, latest_t
        if target is not None and target.kind == "not_worse":
            # "not worse than last year" is judged against last year: this year's value
            # against last year's, achieved where it is not worse
            p_base_value, p_base_year = previous, prev_t
            p_latest_v, p_latest_t = value, t_now
        pv = prog.progress_values(
            np.array(p_base_value),
            np.array(p_base_year if p_base_year is not None else np.nan),
            np.array(p_latest_v),
            np.array(p_latest_t),
            np.array(p_target),
            np.array(p_year),
            p_dir,
            fallback=spec.progress_fallback,
        )
        if band_row is not None and math.isfinite(latest_v):
            inside = band_row[0] <= latest_v <= band_row[1]
            pv["achieved"] = np.array(inside & bool(pv["valid"]))
        if target is not None and target.kind == "not_worse":
            not_worse = bool(pv["valid"]) and direction * (value - previous) >= 0
            pv["achieved"] = np.array(not_worse)
        cls = prog.classify(
            pv["value"], pv["achieved"], pv["has_target"], pv["factor"], pv["valid"]
        ).item()
        score = float(prog.scores(pv["value"], pv["achieved"], pv["has_target"], pv["factor"]))
        score = score if cls is not None else np.nan
        band_of_target = (
            band_row
            if (band_row is not None and (target is None or target.kind == "band"))
            else None
        )
        reached = attainment(value, tgt_value, direction=direction, band=band_of_target)
        closed = (
            np.nan
            if target is None or target.kind == "not_worse"
            else gap_closed(value, tgt_value, base_value, direction=direction, band=band_of_target)
        )
        # warnings
        peer_now = (
            peer_panel.loc[t_now].to_numpy(float) if t_now in peer_panel.index else np.array([])
        )
        peer_median = (
            float(np.median(peer_now[np.isfinite(peer_now)]))
            if np.isfinite(peer_now).any()
            else np.nan
        )
        plausible = None if is_node else getattr(item, "plausible_range", None)
        deadline = _period_end(row_period) + pd.DateOffset(months=spec.publication_months)
        facts = Facts(
            period=row_period,
            value=value,
            direction=direction,
            previous=previous,
            path_value=path_value,
            band=band_row if (target is not None and target.kind == "band") else None,
            peer_median=peer_median,
            plausible=plausible,
            deadline_passed=bool(when > deadline),
            last_period=str(panel.attrs["labels"].get(latest_t))
            if math.isfinite(latest_t)
            else None,
            base_value=base_value,
            check_path=check_path,
        )
        fired = evaluate_rules(facts, spec.warnings)
        colour, zh, en = summarise(fired)
        why = kind_of(fired, target.kind if target is not None else None)
        illustrative = (
            any_illustrative if is_node else status.get((item.code, row_period)) == "illustrative"
        )
        if illustrative and math.isfinite(value):
            zh, en = zh + ILLUSTRATIVE_ZH, en + ILLUSTRATIVE_EN
        rows.append(
            {
                "unit": unit,
                "indicator": item.code,
                "period": row_period,
                "value": value,
                "unit_of_measure": SCORE_UNIT if is_node else item.unit,  # type: ignore[union-attr]
                "target": tgt_value,
                "target_year": tgt_year,
                "attainment": reached,
                "gap_closed": closed,
                "progress_class": cls,
                "warning": colour,
                "warning_kind": why,
                "target_assumed": bool(target is not None and target.assumed),
                "message_zh": zh,
                "message_en": en,
                "department": None if is_node else item.department,  # type: ignore[union-attr]
            }
        )
        feas: dict[str, Any] = {}
        met_lin = met_log = np.nan
        fc = (np.nan, np.nan, np.nan)
        if target is not None and target.goal is not None and target.goal_year is not None:
            feas = feasibility_numbers(target, latest_t, latest_v, own, peer_panel, direction)
            models: tuple[Model, ...] = ("linear", "loglinear")
            for model in models:
                fit = fit_trend(known.index.to_numpy(float), known.to_numpy(float), model)
                met = year_target_met(fit, target.goal, direction, latest_t) if fit else None
                if model == "linear":
                    met_lin = np.nan if met is None else met
                    if fit is not None:
                        p = fit.predict(np.array([target.goal_year])).iloc[0]
                        fc = (p["forecast"], p["lower"], p["upper"])
                else:
                    met_log = np.nan if met is None else met
        details.append(
            {
                "indicator": item.code,
                "kind": target.kind if target is not None else None,
                "path": target.path if target is not None else None,
                "base_year": base_year,
                "base_value": base_value,
                "path_value": path_value,
                "progress_value": float(pv["value"]),
                "progress_score": score,
                "progress_method": _method_label(pv),
                "required_rate": feas.get("required_rate", np.nan),
                "city_best_3y": feas.get("city_best_3y", np.nan),
                "peer_p90_3y": feas.get("peer_p90_3y", np.nan),
                "feasibility": feas.get("feasibility"),
                "met_year_linear": met_lin,
                "met_year_loglinear": met_log,
                "present_pace": _pace(met_lin) if feas else None,
                "forecast": fc[0],
                "forecast_lower": fc[1],
                "forecast_upper": fc[2],
                "source": target.source if target is not None else None,
                "assumed": target.assumed if target is not None else False,
                "rules": ",".join(r[0] for r in fired),
                "illustrative": bool(illustrative),
            }
        )
    table = pd.DataFrame(rows, columns=MONITOR_COLUMNS)
    table["target_year"] = table["target_year"].astype("Int64")
    detail = pd.DataFrame(details, columns=DETAIL_COLUMNS)
    ind_scores = detail.set_index("indicator")["progress_score"]
    ind_scores = ind_scores[[c for c in ind_scores.index if c not in set(node_codes)]]
    achieved = (table.set_index("indicator")["progress_class"] == "target_achieved").astype(bool)
    overall = prog.overall_scores(ind_scores, parents, achieved)
    order = {c: i for i, c in enumerate(node_codes)}
    overall = overall.sort_values("node", key=lambda s: s.map(order)).reset_index(drop=True)
    n_illustrative = int(detail["illustrative"].sum()) if len(detail) else 0
    return Monitor(table, detail, overall, n_illustrative, peers)


def _method_label(pv: dict[str, np.ndarray]) -> str | None:
    """How the progress class was found: the cited method, or the linear extension."""
    if not bool(pv["valid"]):
        return None
    if bool(pv["linear"]):
        return "linear change (extension of the method)"
    return "Statistics Canada / open-sdg" if bool(pv["assessable"]) else "not assessable"


def _pace(year: float) -> str:
    """The year a goal is met at the present (linear) pace, or "not on present trend"."""
    return NOT_ON_TREND if not math.isfinite(year) else f"{math.ceil(year - 1e-9):d}"


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
