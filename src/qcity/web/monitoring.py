"""What the dashboard shows from monitoring (``qcity.monitor``: targets, attainment, gap closed,
progress classes, warnings, forecasts) and benchmarking (``qcity.benchmark``: gaps to the
first tier, the least-cost path into it), as plain data (JSON) for the API and the pages.

Everything is computed through those packages' public functions on the scope's stored
evaluation and kept in the scope's cache (emptied when new data are stored).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from qcity import errors
from qcity.service.frameworks import Indicator
from qcity.service.monitoring import CLASS_LABELS
from qcity.web import fmt
from qcity.web.i18n import name, word
from qcity.web.state import PEERS, NotFound, Scope
from qcity.web.views import _f, _i, check_unit, node_of, notice

COLOURS = ("red", "yellow", "green")
"""The warning lights, most severe first."""

PROGRESS = CLASS_LABELS
"""Progress class -> (arrow, zh, en): the Statistics Canada SDG progress classes."""
FEASIBILITY = {
    "within_history": ("本市历史上达到过所需增速", "within the city's own history"),
    "ambitious": ("仅对标城市达到过，需努力", "ambitious: only peers have moved this fast"),
    "beyond_observed": ("超出已观测的最快增速", "beyond any pace observed"),
}
COMPOSITES = ("综合指数与维度", "Index and dimensions")
"""The group of the warnings of composites (they have no department)."""


class Unavailable(errors.EvaluationError, ValueError):
    """Monitoring or benchmarking that cannot be done for this request (no such period,
    a rank beyond the units ...): the API answers 400 with the message."""


def _period(scope: Scope, period: str | None) -> str:
    periods = scope.periods
    if period is None:
        return periods[-1]
    if period not in periods:
        raise NotFound(f"no period {period!r}; periods: {', '.join(periods)}")
    return period


def _once(scope: Scope, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """``compute()`` once per scope and key (kept in the scope's cache); a ValueError of
    the monitoring or benchmarking API means the view is unavailable and says why."""
    if key not in scope.cache:
        try:
            scope.cache[key] = compute()
        except ValueError as exc:
            raise Unavailable(str(exc)) from None
    return scope.cache[key]


def monitored(scope: Scope, unit: str | None, period: str | None = None) -> Any:
    """The monitoring of ``unit`` (default the focus) in ``period`` (default the latest)
    with the scope's peer group (``qcity.service.monitoring.monitor_result``); cached per
    scope."""
    from qcity.service.monitoring import monitor_result

    unit = check_unit(scope, unit)
    period = _period(scope, period)
    group = scope.group if scope.key == PEERS else None
    return _once(
        scope,
        ("monitor", unit, period),
        lambda: monitor_result(scope.result, unit=unit, period=period, group=group),
    )


def _names(scope: Scope, lang: str) -> dict[str, str]:
    return {item.code: name(item, lang) for item, _, _ in scope.framework.walk()}


def colour_word(colour: str, lang: str) -> str:
    """``red`` -> 红灯 / red."""
    zh = {"red": "红灯", "yellow": "黄灯", "green": "绿灯"}
    return zh.get(colour, colour) if lang == "zh" else colour


def progress_info(cls: str | None, lang: str) -> dict[str, str] | None:
    """A progress class as an arrow and words (None without a class)."""
    if not cls or cls not in PROGRESS:
        return None
    arrow, zh, en = PROGRESS[cls]
    return {"class": cls, "arrow": arrow, "text": zh if lang == "zh" else en}


def _percent_text(c: float | None) -> str:
    return fmt.DASH if c is None else f"{c * 100:.0f}%"


def monitor_rows(scope: Scope, unit: str | None, lang: str) -> dict[str, dict[str, Any]]:
    """Per code (indicator or composite): target, attainment (实现程度), gap closed (进度),
    progress class, warning."""
    mon = monitored(scope, unit)
    out: dict[str, dict[str, Any]] = {}
    for r in mon.table.to_dict("records"):
        target, reached, closed = _f(r["target"]), _f(r["attainment"]), _f(r["gap_closed"])
        measure = "" if r["unit_of_measure"] == "分 / score" else str(r["unit_of_measure"] or "")
        out[str(r["indicator"])] = {
            "target": target,
            "target_year": _i(r["target_year"]),
            "target_text": fmt.value_with_unit(target, measure, lang)
            if target is not None
            else fmt.DASH,
            "attainment": reached,
            "attainment_text": _percent_text(reached),
            "gap_closed": closed,
            "gap_closed_text": _percent_text(closed),
            "progress": progress_info(r["progress_class"], lang),
            "warning": str(r["warning"]),
            "warning_text": colour_word(str(r["warning"]), lang),
            "message": str(r[f"message_{lang}"]),
        }
    return out


def counts(scope: Scope, unit: str | None, lang: str) -> dict[str, Any]:
    """How many indicators and composites show each light (for the overview)."""
    mon = monitored(scope, unit)
    c = mon.table["warning"].value_counts()
    return {
        "period": str(mon.table["period"].max()) if len(mon.table) else None,
        "lights": [
            {"colour": k, "label": colour_word(k, lang), "count": int(c.get(k, 0))} for k in COLOURS
        ],
        "total": len(mon.table),
    }


def dimension(scope: Scope, data: dict[str, Any], lang: str) -> dict[str, Any]:
    """The dimension table of ``views.dimension`` with each row's target, attainment, gap closed,
    progress class and warning light."""
    rows = monitor_rows(scope, data["unit"], lang)
    for row in data["rows"]:
        row["monitor"] = rows.get(row["code"])
    data["monitor_self"] = rows.get(data["code"])
    return data


def department_warnings(scope: Scope, unit: str | None, lang: str) -> dict[str, Any]:
    """预警: every indicator's light grouped by its department (composites apart), red
    first, with the monitor's sentence in ``lang``."""
    unit = check_unit(scope, unit)
    mon = monitored(scope, unit)
    names = _names(scope, lang)
    rows = monitor_rows(scope, unit, lang)
    table = mon.table
    order = {c: i for i, c in enumerate(COLOURS)}
    nodes = {n.code for n in scope.framework.nodes()}
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in table.to_dict("records"):
        code = str(r["indicator"])
        dept = r["department"]
        label = _department(dept, lang) if isinstance(dept, str) and dept else None
        key = label or COMPOSITES[0 if lang == "zh" else 1]
        info = rows[code]
        groups.setdefault(key, []).append(
            {
                "code": code,
                "name": names.get(code, code),
                "kind": "node" if code in nodes else "indicator",
                "value": _f(r["value"]),
                "value_text": fmt.number(_f(r["value"]), lang),
                "measure": "" if r["unit_of_measure"] == "分 / score" else r["unit_of_measure"],
                **info,
            }
        )
    departments: list[dict[str, Any]] = []
    for key, items in groups.items():
        items.sort(key=lambda x: (order.get(x["warning"], 9), x["code"]))
        c = {k: sum(1 for x in items if x["warning"] == k) for k in COLOURS}
        departments.append({"department": key, "counts": c, "rows": items})
    composites = COMPOSITES[0 if lang == "zh" else 1]
    departments.sort(
        key=lambda d: (
            d["department"] == composites,
            -d["counts"]["red"],
            -d["counts"]["yellow"],
            d["department"],
        )
    )
    return {
        "unit": unit,
        "unit_name": scope.name(unit, lang),
        "period": str(table["period"].max()) if len(table) else None,
        "peers": [scope.name(p, lang) for p in mon.peers],
        "counts": counts(scope, unit, lang),
        "departments": departments,
        "notice": notice(scope, lang),
    }


def _department(text: str, lang: str) -> str:
    """``市场监管局 / Market Regulation Administration`` -> the part in ``lang``."""
    zh, sep, en = text.partition(" / ")
    return (en.strip() or zh) if lang == "en" and sep else zh.strip()


def indicator(scope: Scope, code: str, unit: str | None, lang: str) -> dict[str, Any]:
    """An indicator against its target, rendered from the service's
    ``IndicatorOutlook`` (``qcity.service.indicator``): the target path from the baseline
    to the goal, a linear trend forecast with its 95% prediction interval, the target,
    attainment, gap closed, progress class, warning and the feasibility of the pace
    required."""
    from qcity.service.indicator import indicator_outlook

    ind: Indicator = node_of(scope.framework, code, Indicator)
    unit = check_unit(scope, unit)
    out = indicator_outlook(scope.result, code, unit=unit, monitored=monitored(scope, unit))
    if out is None:
        return {"available": False}
    info = monitor_rows(scope, unit, lang)[code]
    band: dict[str, Any] | None = None
    if out.band is not None:
        low, high = out.band
        text = (
            f"{fmt.number(low, lang)}–{fmt.value_with_unit(high, ind.unit, lang)}"
            if low != high
            else fmt.value_with_unit(low, ind.unit, lang)
        )
        band = {"low": low, "high": high, "label": word("target_band", lang), "text": text}
    pace = out.present_pace
    if pace is not None and not pace.isdigit():
        pace_text = "按当前趋势无法达到" if lang == "zh" else "not reached on the present trend"
    elif pace is not None:
        pace_text = f"按当前趋势 {pace} 年达到" if lang == "zh" else f"met in {pace} at this pace"
    else:
        pace_text = fmt.DASH
    feas, required = out.feasibility, out.required_rate
    return {
        "available": True,
        "period": out.period,
        "kind": out.kind,
        "assumed": out.assumed,
        "target_source": out.target_source,
        "base_year": _i(out.base_year),
        "base_value": out.base_value,
        **info,
        "path_value": out.path_value,
        "path": [{"period": p, "value": v} for p, v in out.path],
        "band": band,
        "forecast": [
            {"period": f.period, "value": f.value, "lower": f.lower, "upper": f.upper}
            for f in out.forecast
        ],
        "forecast_label": word("forecast", lang),
        "interval_label": word("interval", lang),
        "path_label": word("target_path", lang),
        "feasibility": feas,
        "feasibility_text": FEASIBILITY[feas][0 if lang == "zh" else 1] if feas else fmt.DASH,
        "required_rate": required,
        "required_rate_text": fmt.DASH if required is None else f"{required * 100:+.1f}%",
        "present_pace": pace,
        "present_pace_text": pace_text,
    }


# -- benchmarking -------------------------------------------------------------------------


def change_text(change: float | None, measure: str, lang: str) -> str:
    """A signed change in the indicator's own units: ``+0.95个百分点`` / ``+0.95 pp`` for a
    percentage, ``+598平方米`` / ``+598 平方米`` otherwise (as ``fmt.value_with_unit``)."""
    if change is None:
        return fmt.DASH
    sign = "+" if change > 0 else "-" if change < 0 else ""
    size = fmt.number(abs(change), lang, 3 if abs(change) < 1 else 2)
    if measure == "%":
        return f"{sign}{size}个百分点" if lang == "zh" else f"{sign}{size} pp"
    text = fmt.value_with_unit(abs(change), measure, lang)
    return f"{sign}{text}"


def _k(scope: Scope, k: int) -> int:
    n = len(scope.units)
    if k < 1 or k > n:
        raise Unavailable(f"k={k}: the first tier must be a rank from 1 to {n} (the units here)")
    return k


def gaps(scope: Scope, unit: str | None, period: str | None, k: int, lang: str) -> dict[str, Any]:
    """Gap to the first tier (the top ``k``): for the index, the dimensions and the
    sub-dimensions, the unit's rank and score against the leader, the median and the
    k-th unit's score (the threshold), from ``qcity.service.compare.compare_unit``."""
    from qcity.service.compare import compare_unit

    unit = check_unit(scope, unit)
    period = _period(scope, period)
    k = _k(scope, k)
    table: pd.DataFrame = _once(
        scope,
        ("compare", unit, period, k),
        lambda: compare_unit(scope.result, unit=unit, year=period, k=k, strengths=False).table,
    )
    rows = []
    for r in table[table["kind"] != "indicator"].to_dict("records"):
        rows.append(
            {
                "node": r["node"],
                "name": r[f"name_{lang}"] or r["name_zh"],
                "depth": int(r["depth"]),
                "rank": _i(r["rank"]),
                "n": _i(r["n"]),
                "score": _f(r["score"]),
                "leader": _f(r["leader"]),
                "leader_name": scope.name(str(r["leader_unit"]), lang),
                "median": _f(r["median"]),
                "threshold": _f(r["threshold"]),
                "gap": _f(r["gap_to_threshold"]),
                "gap_text": fmt.change(_f(r["gap_to_threshold"])),
                # inside the first tier the gap to its threshold is no task: the lead over
                # rank k+1 and the gap to the next rank up are what the row says instead
                "in_tier": bool(r["in_first_tier"]),
                "lead": _f(r["margin_over_first_out"]),
                "lead_text": fmt.change(_f(r["margin_over_first_out"])),
                "next_up_gap": _f(r["gap_to_next_up"]),
                "next_up_text": fmt.change(_f(r["gap_to_next_up"])),
            }
        )
    return {
        "unit": unit,
        "unit_name": scope.name(unit, lang),
        "period": period,
        "k": k,
        "rows": rows,
        "notice": notice(scope, lang),
    }


def plan(
    scope: Scope, unit: str | None, period: str | None, k: int | None, lang: str
) -> dict[str, Any]:
    """The least-cost path into the top ``k`` (``qcity.service.compare.path_to_rank``,
    verified by re-evaluating; ``k=None``: one rank up, as ``qcity path``): each change in
    the indicator's own units with its share of the gap, the plan's total time, and the
    other targets a leader asks for (two ranks up, the top); says when the unit is already
    there or the rank is out of reach."""
    from qcity.service.compare import path_to_rank

    unit = check_unit(scope, unit)
    period = _period(scope, period)
    if k is not None:
        k = _k(scope, k)
    found = _once(
        scope,
        ("path", unit, period, k),
        lambda: path_to_rank(scope.result, unit=unit, year=period, rank=k),
    )
    p, k, already = found.plan, found.rank, found.already
    if already:
        state = "already"
        text = (
            f"已位列第{p.rank_before}名，已在前{k}名之内，无需改进。"
            if lang == "zh"
            else f"Already at rank {p.rank_before}, within the top {k}: nothing to change."
        )
    elif p.reached:
        state = "path"
        text = (
            f"现列第{p.rank_before}名（得分 {p.score_before:.1f}，前{k}名门槛 "
            f"{p.threshold_before:.1f}）；按下表改进后复算为第{p.rank_after}名"
            f"（得分 {p.score_after:.1f}）。"
            if lang == "zh"
            else f"Now rank {p.rank_before} (score {p.score_before:.1f}; the top {k} need "
            f"{p.threshold_before:.1f}); with the changes below, re-evaluated: rank "
            f"{p.rank_after} (score {p.score_after:.1f})."
        )
    else:
        state = "unreachable"
        best = p.best_rank if p.best_rank is not None else p.rank_after
        text = (
            f"在 {p.horizon:g} 年可行进度内无法进入前{k}名；最好可达第{best}名（下表为最佳方案）。"
            if lang == "zh"
            else f"The top {k} are out of reach within {p.horizon:g} year(s) of feasible "
            f"change; the best attainable is rank {best} (the best plan below)."
        )
    rows = []
    for r in p.table.to_dict("records"):
        measure = str(r["indicator_unit"] or "")
        rows.append(
            {
                "indicator": r["indicator"],
                "name": r[f"name_{lang}"] or r["name_zh"],
                "measure": measure,
                "value_from": _f(r["value_from"]),
                "value_to": _f(r["value_to"]),
                "from_text": fmt.value_with_unit(_f(r["value_from"]), measure, lang),
                "to_text": fmt.value_with_unit(_f(r["value_to"]), measure, lang),
                "change": _f(r["change"]),
                "change_text": change_text(_f(r["change"]), measure, lang),
                "share_of_gap": _f(r["share_of_gap"]),
                "share_text": f"{float(r['share_of_gap']) * 100:.0f}%",
                "years": _f(r["years"]),
                "limit": r["limit"] or "",
            }
        )
    return {
        "unit": unit,
        "unit_name": scope.name(unit, lang),
        "period": p.period,
        "k": k,
        "state": state,
        "text": text,
        "rank_before": p.rank_before,
        "rank_after": p.rank_after,
        "best_rank": p.best_rank,
        "score_before": _f(p.score_before),
        "score_after": _f(p.score_after),
        "threshold_before": _f(p.threshold_before),
        "reached": bool(p.reached),
        "horizon": p.horizon,
        "total_years": _f(p.total_years),
        "choices": list(found.choices),
        "rows": rows,
        "notes": [] if already else list(p.notes),
        "notice": notice(scope, lang),
    }
