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
from qcity.exports.columns import BANNER, READABLE
from qcity.exports.folder import _node_info
from qcity.exports.results_book import (  # the sheets moved there; names kept here
    CLASS_ZH,
    MONITOR_COLS,
    PROVENANCE_COLS,
    RESULTS_SHEETS,
    SHEETS,
    STATUS_COL,
    VALUE,
    WARNING_ZH,
    RunBook,
    _s,
    _statuses,
)
from qcity.exports.spec import Lang as _Lang
from qcity.exports.spec import Sheet, build
from qcity.framework.io import parse_framework
from qcity.monitor.table import monitor
from qcity.service.evaluation import EvaluationResult, evaluate
from qcity.service.inputs import InputError, from_store, selection_text
from qcity.service.notice import used_rows
from qcity.service.runs import StoredRun, get_run

TOLERANCE = 1e-9
"""Largest difference between a stored and a recomputed score that still counts as equal
(the same data and steps give the same floating-point numbers; this only absorbs the
last bit a database round trip may change)."""


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
    run = get_run(db=url, run_id=run_id)
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
    """Write the results workbook of run ``run_id`` to ``out`` (.xlsx; the sheets of
    ``qcity.exports.results_book.RESULTS_SHEETS``); ``unit`` is the unit monitored
    (default ``focus_unit``), in the run's latest period, with the run's unit group (or
    the framework's peer group) as peers."""
    from qcity.exports.xlsx import write_workbook

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
    scores = ev.scores()
    data = result.inputs.data
    used = used_rows(
        data,
        ev.framework,
        sorted(scores["unit"].astype(str).unique()),
        sorted(scores["period"].astype(str).unique()),
    )
    book = RunBook(
        run=run,
        result=result,
        mon=monitor(result, unit, period, group),
        used=data[used],
        readme=_readme(run, result, unit, period, diff, t),
        info=_node_info(ev.framework, t),
        status=_statuses(data),
        flag=t.pair("示例数据", "ILLUSTRATIVE") if result.illustrative else None,
        t=t,
    )
    sheets = build(RESULTS_SHEETS, book, t)
    n = result.illustrative
    banner = f"{BANNER} ({n} illustrative values 示例数值)" if n else None
    with atomic_file(out) as tmp:  # whole or not at all
        write_workbook(tmp, sheets, t, banner)
    return ResultsWorkbook(
        out, run_id, unit, period, [title for _, title in sheets], n, result.values_used, diff
    )


__all__ = [
    "CLASS_ZH",
    "MONITOR_COLS",
    "PROVENANCE_COLS",
    "SHEETS",
    "STATUS_COL",
    "TOLERANCE",
    "VALUE",
    "WARNING_ZH",
    "ResultsWorkbook",
    "RunNotReproducedError",
    "focus_unit",
    "rebuild",
    "write_results_workbook",
]
