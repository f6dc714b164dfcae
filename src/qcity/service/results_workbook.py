"""The results workbook a statistics office exchanges, from a stored evaluation run
(``qcity export --results RUN --out FILE.xlsx``): scores and ranks by level, the
indicator table with raw and normalised values, the focus unit's targets, attainment, gap closed,
progress classes and warnings, and where every value came from.

A stored run keeps its scores, its step log, its framework version and its data vintage,
but not the intermediate tables the monitoring needs (values after denomination, targets
paths). So the run is evaluated again through the service on the data as they were at
its vintage (``--as-of``), with its own framework version, units and steps, and the
scores are checked against the stored ones before anything is written: a workbook is
only made from a run that reproduces. The scores sheet shows the stored scores.

    book = write_results_workbook(url, 3, Path("run3.xlsx"))
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qcity.data.atomic import atomic_file
from qcity.data.store import Store
from qcity.engine.steps import Step
from qcity.framework.io import parse_framework
from qcity.monitor.progress import CLASS_LABELS
from qcity.monitor.table import Monitor, monitor
from qcity.service.evaluation import EvaluationResult, evaluate
from qcity.service.folder import (
    BANNER,
    READABLE,
    TEXT,
    TWO,
    Col,
    Sheet,
    _c,
    _indicators_sheet,
    _Lang,
    _node_info,
    _text,
    _unit_names,
)
from qcity.service.inputs import InputError, from_store, selection_text
from qcity.service.notice import ILLUSTRATIVE, used_rows
from qcity.service.runs import StoredRun, get_run

VALUE = "#,##0.0##"
"""Excel format of values in their own unit: thousands separated, 1 to 3 decimals."""

TOLERANCE = 1e-9
"""Largest difference between a stored and a recomputed score that still counts as equal
(the same data and steps give the same floating-point numbers; this only absorbs the
last bit a database round trip may change)."""

SHEETS = {
    "readme": ("说明", "README"),
    "scores": ("得分", "Scores"),
    "indicators": ("指标", "Indicators"),
    "monitor": ("监测", "Monitor"),
    "progress": ("进展", "Progress"),
    "warnings": ("预警", "Warnings"),
    "provenance": ("来源", "Provenance"),
}

WARNING_ZH = {"red": "红", "yellow": "黄", "green": "绿"}
CLASS_ZH = {cls: zh for cls, (_, zh, _en) in CLASS_LABELS.items()}


class RunNotReproducedError(InputError):
    """A stored run whose evaluation, made again on the data at its vintage, does not give
    its stored scores (data or units deleted, framework changed ...)."""


@dataclass(frozen=True)
class ResultsWorkbook:
    """What was written: the file, the run, the unit monitored and its period, the
    sheets' titles, and how many of the values used are illustrative."""

    path: Path
    run_id: int
    unit: str
    period: str
    sheets: list[str]
    illustrative: int
    values_used: int
    largest_difference: float


def rebuild(url: str | None, run_id: int) -> tuple[StoredRun, EvaluationResult, float]:
    """Run ``run_id`` and its evaluation made again: the stored framework version, the
    data as of the run's time (or its vintage), its units and steps. Returns the run, the
    result and the largest score difference; ``RunNotReproducedError`` when the scores
    (or ranks, or the data hash) differ from the stored ones."""
    run = get_run(url, run_id)
    facts = run.facts
    code, version = str(facts["framework_code"]), str(facts["framework_version"])
    with Store(url, create=False) as store:
        try:
            text = store.framework_text(code, version)
        except KeyError:
            raise RunNotReproducedError(
                f"run {run_id}: framework {code} {version} is not in the store, so the run "
                "cannot be evaluated again; save it with `qcity evaluate -f FRAMEWORK`"
            ) from None
    fw = parse_framework(text, f"framework {code} {version} of run {run_id}")
    when = _as_of(facts)
    inp = from_store(url, when)
    selection = dict(facts.get("selection") or {})
    units = [str(u) for u in selection.get("units") or []]
    if units:
        inp = replace(inp, data=inp.data[inp.data["unit"].astype(str).isin(units)])
    inp = replace(inp, selection=selection)
    steps = [Step.from_dict(s) for s in facts.get("steps") or []]
    result = evaluate(fw, inp, steps=steps or None, framework_text=text)
    diff = _difference(run.scores, result.evaluation.scores(), run_id)
    if str(result.stamp.get("data_sha256")) != str(facts["data_sha256"]):
        raise RunNotReproducedError(
            f"run {run_id}: the data read as of {_iso(when)} differ from the data the run "
            "used (data sha256 differs); observations recorded before the run were removed"
        )
    return run, result, diff


def _as_of(facts: dict[str, Any]) -> datetime | None:
    """The time the run's data are read as of: its ``--as-of``, else its vintage (the
    newest ``recorded_at`` it saw, which gives the same observations)."""
    for key in ("as_of", "data_vintage"):
        value = facts.get(key)
        if value is not None and not (isinstance(value, float) and value != value):
            stamp = pd.Timestamp(value)
            stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
            return stamp.to_pydatetime()
    return None


def _iso(when: datetime | None) -> str:
    return when.isoformat() if when is not None else "latest"


def _difference(stored: pd.DataFrame, now: pd.DataFrame, run_id: int) -> float:
    """Largest absolute score difference between the stored and the recomputed scores;
    raises when the rows, a score beyond ``TOLERANCE`` or a rank differ."""
    key = ["unit", "period", "node"]

    def keyed(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.assign(**{k: frame[k].astype(str) for k in key})
        return out.set_index(key)[["score", "rank"]].sort_index()

    a, b = keyed(stored), keyed(now)
    if not a.index.equals(b.index):
        missing = len(a.index.difference(b.index)) + len(b.index.difference(a.index))
        raise RunNotReproducedError(
            f"run {run_id}: evaluated again at its data vintage it gives other rows "
            f"({missing} (unit, period, node) rows differ); units or data were removed"
        )
    sa, sb = a["score"].to_numpy(float), b["score"].to_numpy(float)
    both = np.isfinite(sa) & np.isfinite(sb)
    if not np.array_equal(np.isfinite(sa), np.isfinite(sb)):
        raise RunNotReproducedError(f"run {run_id}: missing scores differ when evaluated again")
    diff = float(np.max(np.abs(sa[both] - sb[both]), initial=0.0))
    ranks = (
        a["rank"].astype("Float64").fillna(-1).to_numpy()
        != b["rank"].astype("Float64").fillna(-1).to_numpy()
    )
    if diff > TOLERANCE or ranks.any():
        raise RunNotReproducedError(
            f"run {run_id}: evaluated again at its data vintage its scores differ from the "
            f"stored ones (largest difference {diff:.3g}, {int(ranks.sum())} ranks differ)"
        )
    return diff


def focus_unit(result: EvaluationResult) -> str:
    """The unit the workbook monitors by default: among the evaluated units, the parent of
    most units (Liyang, parent of its towns and streets), else the first unit."""
    evaluated = sorted(result.evaluation.scores()["unit"].astype(str).unique())
    units = result.inputs.units
    if units is not None and "parent_code" in units.columns:
        parents = units["parent_code"].dropna().astype(str)
        counts = parents[parents.isin(evaluated)].value_counts()
        if not counts.empty:
            return str(counts.index[0])
    return evaluated[0]


# -- sheets ------------------------------------------------------------------------------
def _col(zh: str, en: str, mzh: str = "", men: str = "", fmt: str | None = None) -> Col:
    return _c(zh, en, mzh, men, TEXT if fmt is None else "number 数值", fmt)


def _scores_sheet(
    run: StoredRun, result: EvaluationResult, info: pd.DataFrame, t: _Lang, status: str | None
) -> Sheet:
    """The stored scores and ranks of the index, dimensions and sub-dimensions."""
    fw = result.framework
    s = run.scores
    s = s[s["node"].astype(str).isin([n.code for n in fw.nodes()])]
    s = s.assign(depth=s["node"].map({n.code: d for n, _, d in fw.walk()}))
    s = s.sort_values(["period", "depth", "node", "rank", "unit"]).reset_index(drop=True)
    names = _unit_names(result.evaluation, result.inputs.units)
    unit, node = s["unit"].astype(str), s["node"].astype(str)
    nodes = info.reindex(node.to_numpy())
    lo, hi = result.evaluation.results.scale
    frame = pd.DataFrame(
        {
            "period": s["period"].astype(str),
            "level": nodes["level"].to_numpy(),
            "node": node,
            "node_zh": nodes["name_zh"].to_numpy(),
            "node_en": nodes["name_en"].to_numpy(),
            "unit": unit,
            "unit_zh": _text(unit.map(names[0])),
            "score": s["score"].astype(float),
            "rank": s["rank"],
        }
    )
    cols = {k: READABLE[k] for k in frame.columns}
    cols["score"] = _col(
        "得分", f"score ({lo:g}–{hi:g})", "得分（完整精度，显示两位小数）",
        "score (full precision, shown to 2 decimals)", TWO,
    )  # fmt: skip
    cols["rank"] = replace(READABLE["rank"], en="rank (1 = best)")
    if status:
        frame["status"] = status
        cols["status"] = READABLE["status"]
    return Sheet("scores", frame, cols)


def _statuses(data: pd.DataFrame) -> dict[tuple[str, str, str], str]:
    """(unit, indicator, period) -> status of the value (``final`` when none)."""
    status = data["status"].fillna("final") if "status" in data else pd.Series("final", data.index)
    return dict(
        zip(
            zip(
                data["unit"].astype(str),
                data["indicator"].astype(str),
                data["period"].astype(str),
                strict=True,
            ),
            status.astype(str),
            strict=True,
        )
    )


def _status_text(status: str, t: _Lang) -> str:
    return t.pair("示例数据", "ILLUSTRATIVE") if status == ILLUSTRATIVE else status


STATUS_COL = _col(
    "数据性质", "data status", "数值的性质：final、preliminary、estimated，或示例（生成）数据",
    "final, preliminary, estimated, or illustrative (generated, not official)",
)  # fmt: skip


def _indicators(
    result: EvaluationResult, info: pd.DataFrame, t: _Lang, status: dict[Any, str]
) -> Sheet:
    """Raw value, value used and normalised score of every kept cell, with its status."""
    ev = result.evaluation
    sheet = _indicators_sheet(ev, _unit_names(ev, result.inputs.units), info, t)
    frame = sheet.frame.drop(columns=["unit_en"])
    keys = zip(frame["unit"], frame["indicator"], frame["period"].astype(str), strict=True)
    frame["status"] = [_status_text(status.get(k, ""), t) for k in keys]
    cols = {k: sheet.cols.get(k, STATUS_COL) for k in frame.columns}
    lo, hi = ev.results.scale
    cols["raw"] = replace(cols["raw"], en="raw value (see unit of measure)", fmt=VALUE)
    cols["used"] = replace(cols["used"], fmt=VALUE)
    cols["normalised"] = replace(cols["normalised"], en=f"normalised score ({lo:g}–{hi:g})")
    return Sheet("indicators", frame, cols)


MONITOR_COLS = {
    "period": READABLE["period"],
    "indicator": _col("代码", "code", "指标或综合指数的代码", "code of the indicator or composite"),
    "indicator_zh": _col("名称", "name"),
    "department": _col("责任部门", "department"),
    "value": _col("数值", "value (see unit of measure)", fmt=VALUE),
    "unit_of_measure": READABLE["measure"],
    "target": _col("目标值", "target (unit of measure)", fmt=VALUE),
    "target_year": _col("目标年份", "target year", fmt="0"),
    "attainment": _col(
        "实现程度",
        "attainment (%)",
        "实现程度：正指标 x/x*，逆指标 x*/x，区间指标区间内100%，上限100%",
        "x/x* (higher is better), x*/x (lower is better), 100% inside a band; capped at 100%",
        "0.0%",
    ),
    "gap_closed": _col(
        "进度",
        "gap closed (%)",
        "进度：自基期以来缩小的差距占基期差距的比例 (x-x0)/(x*-x0)",
        "share of the base year's gap to the target closed since, (x-x0)/(x*-x0)",
        "0.0%",
    ),
    "progress_class": _col("进展分类", "progress class"),
    "warning": _col("预警", "warning"),
    "message_zh": _col("说明", "message (zh)"),
    "message_en": _col("说明（英文）", "message (en)"),
    "status": STATUS_COL,
}


def _monitor_frame(
    table: pd.DataFrame,
    names: dict[str, str],
    t: _Lang,
    status: dict[Any, str],
    composite: str,
    composites: list[str],
) -> pd.DataFrame:
    frame = table.assign(indicator_zh=table["indicator"].astype(str).map(names).fillna(""))
    frame["progress_class"] = [
        t.pair(CLASS_ZH[c], c) if c in CLASS_ZH else _s(c) for c in frame["progress_class"]
    ]
    frame["warning"] = [
        t.pair(WARNING_ZH[c], c) if c in WARNING_ZH else _s(c) for c in frame["warning"]
    ]
    keys = zip(
        frame["unit"].astype(str),
        frame["indicator"].astype(str),
        frame["period"].astype(str),
        strict=True,
    )
    nodes = set(composites)
    frame["status"] = [  # a composite is illustrative when its run used illustrative values
        _status_text(status[k], t) if k in status else composite if k[1] in nodes else ""
        for k in keys
    ]
    frame["target_year"] = pd.to_numeric(frame["target_year"], errors="coerce")
    return frame[list(MONITOR_COLS)].reset_index(drop=True)


def _s(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _progress(mon: Monitor, names: dict[str, str], t: _Lang) -> Sheet:
    p = mon.progress
    frame = pd.DataFrame(
        {
            "node": p["node"].astype(str),
            "node_zh": p["node"].astype(str).map(names).fillna(""),
            "score": p["score"].astype(float),
            "progress_class": [
                t.pair(CLASS_ZH[c], c) if c in CLASS_ZH else _s(c) for c in p["progress_class"]
            ],
            "indicators": p["indicators"],
        }
    )
    cols = {
        "node": READABLE["node"],
        "node_zh": READABLE["node_zh"],
        "score": _col(
            "进展评分", "progress score (−5…+5)", "各指标进展评分的平均", "mean progress score",
            "0.00",
        ),
        "progress_class": MONITOR_COLS["progress_class"],
        "indicators": _col("指标数", "indicators (count)", fmt="0"),
    }  # fmt: skip
    return Sheet("progress", frame, cols)


PROVENANCE_COLS = {
    "unit": READABLE["unit"],
    "unit_zh": READABLE["unit_zh"],
    "indicator": READABLE["indicator"],
    "indicator_zh": READABLE["indicator_zh"],
    "period": READABLE["period"],
    "value": _col("数值", "value (see unit of measure)", fmt=VALUE),
    "measure": READABLE["measure"],
    "status": STATUS_COL,
    "source": _col("来源", "source"),
    "flag": _col("标记", "flag"),
    "revision": _col("修订次数", "revision", fmt="0"),
    "recorded_at": _col("录入时间", "recorded at (UTC)", fmt="yyyy-mm-dd hh:mm:ss"),
    "entered_by": _col("录入人", "entered by"),
}


def _provenance(result: EvaluationResult, info: pd.DataFrame, t: _Lang) -> Sheet:
    """Every stored value the run used: its source, vintage (recorded at) and who entered
    it, read from the store as of the run's vintage."""
    ev = result.evaluation
    scores = ev.scores()
    data = result.inputs.data
    used = data[
        used_rows(
            data,
            ev.framework,
            sorted(scores["unit"].astype(str).unique()),
            sorted(scores["period"].astype(str).unique()),
        )
    ]
    used = used.sort_values(["indicator", "period", "unit"]).reset_index(drop=True)
    names = _unit_names(ev, result.inputs.units)[0]
    code = used["indicator"].astype(str)
    frame = pd.DataFrame({"unit": used["unit"].astype(str)})
    frame["unit_zh"] = _text(frame["unit"].map(names))
    frame["indicator"] = code
    frame["indicator_zh"] = _text(code.map(info["name_zh"]))
    frame["period"] = used["period"].astype(str)
    frame["value"] = used["value"].astype(float)
    frame["measure"] = _text(code.map(info["measure"]))
    for col in ("status", "source", "flag", "entered_by"):
        frame[col] = _text(used[col]) if col in used else ""
    frame["status"] = [_status_text(s or "final", t) for s in frame["status"]]
    frame["revision"] = used.get("revision")
    if "recorded_at" in used:
        stamp = pd.to_datetime(used["recorded_at"], utc=True).dt.tz_localize(None)
        frame["recorded_at"] = stamp.astype(object).where(stamp.notna(), None)
    else:
        frame["recorded_at"] = None
    return Sheet("provenance", frame[list(PROVENANCE_COLS)], PROVENANCE_COLS)


def _readme(
    run: StoredRun, result: EvaluationResult, unit: str, period: str, diff: float, t: _Lang
) -> Sheet:
    facts = run.facts
    counts = facts.get("value_counts") or {}
    notice = result.notice
    when = _as_of(facts)
    items = [
        ("评价批次", "run", f"{facts['id']} ({facts['status']})"),
        ("创建", "created", f"{_s(facts.get('created_at'))[:19]} UTC by {facts['created_by']}"),
        ("指标体系", "framework", f"{facts['framework_code']} {facts['framework_version']}"),
        ("选取", "selection", selection_text(facts.get("selection") or {})),
        ("数据", "data", f"{facts['data_source']}"),
        ("数据时点", "data vintage", _s(facts.get("data_vintage")) or "-"),
        ("数据 sha256", "data sha256", str(facts["data_sha256"])),
        ("配置 sha256", "config sha256", str(facts["config_sha256"])),
        ("qcity 版本", "qcity version", str(facts["qcity_version"])),
        (
            "复核",
            "check",
            f"按数据时点 {_iso(when)} 重新计算，得分与保存的一致（最大差 {diff:.3g}）/ "
            f"evaluated again as of {_iso(when)}: scores equal the stored ones "
            f"(largest difference {diff:.3g})",
        ),
        ("监测单元与时期", "monitored unit, period", f"{unit} {period}"),
        (
            "数值",
            "values used",
            ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "-",
        ),
    ]
    if notice:
        items.append(("示例数据声明", "notice", notice.strip()))
    frame = pd.DataFrame(
        {"item": [t.pair(zh, en) for zh, en, _ in items], "content": [v for *_, v in items]}
    )
    return Sheet("readme", frame, {k: READABLE[k] for k in ("item", "content")}, ("content",))


def write_results_workbook(
    url: str | None,
    run_id: int,
    out: Path,
    *,
    unit: str | None = None,
    lang: str = "zh",
) -> ResultsWorkbook:
    """Write the results workbook of run ``run_id`` to ``out`` (.xlsx); ``unit`` is the
    unit monitored (default ``focus_unit``), in the run's latest period, with the run's
    unit group (or the framework's peer group) as peers."""
    from qcity.service.workbook import write_workbook

    t = _Lang(lang)
    run, result, diff = rebuild(url, run_id)
    ev = result.evaluation
    evaluated = set(ev.scores()["unit"].astype(str))
    unit = unit if unit is not None else focus_unit(result)
    if unit not in evaluated:
        shown = ", ".join(sorted(evaluated)[:12]) + (" ..." if len(evaluated) > 12 else "")
        raise InputError(f"--unit {unit!r} is not among the units of run {run_id}: {shown}")
    period = str(run.scores["period"].astype(str).max())
    group = (run.facts.get("selection") or {}).get("group")
    mon = monitor(result, unit, period, group)
    info = _node_info(ev.framework, t)
    names = dict(zip(info.index.astype(str), info["name_zh"].astype(str), strict=True))
    status = _statuses(result.inputs.data)
    nodes = [n.code for n in ev.framework.nodes()]
    flag = t.pair("示例数据", "ILLUSTRATIVE") if result.illustrative else None
    mon_cols = dict(MONITOR_COLS)

    def table(frame: pd.DataFrame) -> pd.DataFrame:
        return _monitor_frame(frame, names, t, status, flag or "", nodes)

    sheets = [
        _readme(run, result, unit, period, diff, t),
        _scores_sheet(run, result, info, t, flag),
        _indicators(result, info, t, status),
        Sheet("monitor", table(mon.table), mon_cols),
        _progress(mon, names, t),
        Sheet("warnings", table(mon.warnings), mon_cols),
        _provenance(result, info, t),
    ]
    titles = {k: t.pair(zh, en) for k, (zh, en) in SHEETS.items()}
    n = result.illustrative
    banner = f"{BANNER} ({n} illustrative values 示例数值)" if n else None
    with atomic_file(out) as tmp:  # whole or not at all
        write_workbook(tmp, [(s, titles[s.key]) for s in sheets], t, banner)
    return ResultsWorkbook(
        out, run_id, unit, period, [titles[s.key] for s in sheets], n, result.values_used, diff
    )
