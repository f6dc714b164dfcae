"""The rows of the monitoring table, one per indicator or composite, from the arrays
``qcity.monitor.assess`` computed: the warning rules (``qcity.monitor.warnings``, judged
row by row on its ``Facts``), the illustrative label, and the details behind each row (for
a goal: the feasibility of the pace required and when the trends meet it)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import numpy as np
import pandas as pd

from qcity.framework.model import Indicator, Moderate, Node
from qcity.framework.targets import MonitorSpec, TargetSpec
from qcity.monitor import assess
from qcity.monitor.forecast import NOT_ON_TREND, Model, fit_trend, year_target_met
from qcity.monitor.panel import Panel, Series, own_series, peer_frame
from qcity.monitor.targets import Target, feasibility_numbers
from qcity.monitor.warnings import Facts, evaluate_rules, kind_of, summarise

SCORE_UNIT = "分 / score"
ILLUSTRATIVE_ZH = "［示例数据］"
ILLUSTRATIVE_EN = " [illustrative data]"


def period_end(period: str) -> pd.Timestamp:
    if "Q" in period:
        y, q = period.split("Q")
        return pd.Timestamp(int(y), 3 * int(q), 1, tz=UTC) + pd.offsets.MonthEnd(0)
    return pd.Timestamp(int(period), 12, 31, tz=UTC)


def direction_of(item: Indicator | Node) -> tuple[int, tuple[float, float] | None]:
    """(direction, band): a moderate indicator is aimed at its band (or optimum)."""
    d = item.direction if isinstance(item, Indicator) else 1
    if isinstance(d, Moderate):
        band = d.band if d.band is not None else (float(d.optimal), float(d.optimal))  # type: ignore[arg-type]
        return 1, (float(band[0]), float(band[1]))
    return int(d), None


@dataclass(frozen=True)
class Request:
    """What every step of ``monitor`` reads: the unit, the period, the peers, the
    framework's monitoring settings, the targets given, the values' statuses and when."""

    unit: str
    period: str
    peers: list[str]
    spec: MonitorSpec
    targets: dict[str, TargetSpec]
    status: dict[tuple[str, str], str]
    any_illustrative: bool
    when: pd.Timestamp


def row(
    item: Indicator | Node,
    k: int,
    row_period: str,
    panel: Panel,
    s: Series,
    target: Target | None,
    shown: assess.Shown,
    progress: assess.Progress,
    req: Request,
    *,
    reached: float,
    closed: float,
    peer_median: float,
) -> tuple[dict[str, Any], list[tuple[str, str, str, str]], bool]:
    """One row of the table, the warning rules that fired on it (``qcity.monitor.warnings``)
    and whether its value is illustrative."""
    is_node = isinstance(item, Node)
    direction = direction_of(item)[0]
    value = float(s.value[k])
    latest_t = float(s.latest_t[k])
    band = (float(shown.lo[k]), float(shown.hi[k])) if math.isfinite(shown.lo[k]) else None
    deadline = period_end(row_period) + pd.DateOffset(months=req.spec.publication_months)
    labels = dict(zip(panel.years, panel.labels, strict=True))
    facts = Facts(
        period=row_period,
        value=value,
        direction=direction,
        previous=float(s.previous[k]),
        path_value=float(shown.path_value[k]),
        band=band if (target is not None and target.kind == "band") else None,
        peer_median=float(peer_median),
        plausible=None if is_node else getattr(item, "plausible_range", None),
        deadline_passed=bool(req.when > deadline),
        last_period=str(labels.get(latest_t)) if math.isfinite(latest_t) else None,
        base_value=float(shown.base_value[k]),
        check_path=bool(shown.check_path[k]),
    )
    fired = evaluate_rules(facts, req.spec.warnings)
    colour, zh, en = summarise(fired)
    why = kind_of(fired, target.kind if target is not None else None)
    illustrative = (
        req.any_illustrative
        if is_node
        else req.status.get((item.code, row_period)) == "illustrative"
    )
    if illustrative and math.isfinite(value):
        zh, en = zh + ILLUSTRATIVE_ZH, en + ILLUSTRATIVE_EN
    tgt_year = float(shown.target_year[k])
    row = {
        "unit": req.unit,
        "indicator": item.code,
        "period": row_period,
        "value": value,
        "unit_of_measure": SCORE_UNIT if is_node else item.unit,  # type: ignore[union-attr]
        "target": float(shown.target[k]),
        "target_year": int(tgt_year) if math.isfinite(tgt_year) else np.nan,
        "attainment": float(reached),
        "gap_closed": float(closed),
        "progress_class": progress.classes[k],
        "warning": colour,
        "warning_kind": why,
        "target_assumed": bool(target is not None and target.assumed),
        "message_zh": zh,
        "message_en": en,
        "department": None if is_node else item.department,  # type: ignore[union-attr]
    }
    return row, fired, bool(illustrative)


def detail(
    item: Indicator | Node,
    k: int,
    panel: Panel,
    s: Series,
    target: Target | None,
    shown: assess.Shown,
    progress: assess.Progress,
    req: Request,
    fired: list[tuple[str, str, str, str]],
    illustrative: bool,
    *,
    method: str | None,
) -> dict[str, Any]:
    """The numbers behind one row (``DETAIL_COLUMNS``): baseline, path, progress value and
    method, and for a goal its feasibility and when the trends meet it."""
    feas: dict[str, Any] = {}
    met_lin = met_log = np.nan
    fc = (np.nan, np.nan, np.nan)
    if target is not None and target.goal is not None and target.goal_year is not None:
        feas, met_lin, met_log, fc = outlook(item, k, panel, s, target, req)
    by = float(shown.base_year[k])
    return {
        "indicator": item.code,
        "kind": target.kind if target is not None else None,
        "path": target.path if target is not None else None,
        "base_year": by if math.isfinite(by) else None,
        "base_value": float(shown.base_value[k]),
        "path_value": float(shown.path_value[k]),
        "progress_value": float(progress.values["value"][k]),
        "progress_score": float(progress.scores[k]),
        "progress_method": method,
        "required_rate": feas.get("required_rate", np.nan),
        "city_best_3y": feas.get("city_best_3y", np.nan),
        "peer_p90_3y": feas.get("peer_p90_3y", np.nan),
        "feasibility": feas.get("feasibility"),
        "met_year_linear": met_lin,
        "met_year_loglinear": met_log,
        "present_pace": pace(met_lin) if feas else None,
        "forecast": fc[0],
        "forecast_lower": fc[1],
        "forecast_upper": fc[2],
        "source": target.source if target is not None else None,
        "assumed": target.assumed if target is not None else False,
        "rules": ",".join(r[0] for r in fired),
        "illustrative": bool(illustrative),
    }


def outlook(
    item: Indicator | Node, k: int, panel: Panel, s: Series, target: Target, req: Request
) -> tuple[dict[str, Any], float, float, tuple[float, float, float]]:
    """For a goal: the feasibility of the pace required (``feasibility_numbers``), the
    year the linear and log-linear trends meet it, and the linear forecast for its year."""
    assert target.goal is not None and target.goal_year is not None
    direction = direction_of(item)[0]
    own = own_series(panel, s, k, req.unit)
    known = own.dropna()
    latest_t, latest_v = float(s.latest_t[k]), float(s.latest_v[k])
    peers = peer_frame(panel, req.peers, s, k, None)
    feas = feasibility_numbers(target, latest_t, latest_v, own, peers, direction)
    met_lin = met_log = np.nan
    fc = (np.nan, np.nan, np.nan)
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
    return feas, met_lin, met_log, fc


def pace(year: float) -> str:
    """The year a goal is met at the present (linear) pace, or "not on present trend"."""
    return NOT_ON_TREND if not math.isfinite(year) else f"{math.ceil(year - 1e-9):d}"
