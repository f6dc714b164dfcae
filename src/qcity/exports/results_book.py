"""The sheets of a stored run's results workbook (``qcity export --results RUN``), declared
as ``RESULTS_SHEETS`` (``qcity.exports.spec.SheetSpec``: title and source function each)
over the context ``RunBook``: README, the stored scores, the indicator table with
statuses, the focus unit's monitoring (targets, attainment, gap closed, progress classes,
warnings) and where every value came from. ``qcity.service.results_workbook`` evaluates
the run again, checks it and fills the context; the writer reads only the spec."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from qcity.data.statuses import ILLUSTRATIVE
from qcity.exports.columns import READABLE
from qcity.exports.folder import _indicators_sheet, _text, _unit_names
from qcity.exports.spec import TEXT, TWO, Col, Sheet, SheetSpec, titles
from qcity.exports.spec import Lang as _Lang
from qcity.exports.spec import col as _c
from qcity.monitor.progress import CLASS_LABELS
from qcity.monitor.table import Monitor

"""The status of a generated value (``qcity.data.statuses``)."""

VALUE = "#,##0.0##"
"""Excel format of values in their own unit: thousands separated, 1 to 3 decimals."""

WARNING_ZH = {"red": "红", "yellow": "黄", "green": "绿"}
CLASS_ZH = {cls: zh for cls, (_, zh, _en) in CLASS_LABELS.items()}


def _col(zh: str, en: str, mzh: str = "", men: str = "", fmt: str | None = None) -> Col:
    return _c(zh, en, mzh, men, TEXT if fmt is None else "number 数值", fmt)


def _scores_sheet(run: Any, result: Any, info: pd.DataFrame, t: _Lang, status: str | None) -> Sheet:
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


def _indicators(result: Any, info: pd.DataFrame, t: _Lang, status: dict[Any, str]) -> Sheet:
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


def _provenance(result: Any, used: pd.DataFrame, info: pd.DataFrame, t: _Lang) -> Sheet:
    """Every stored value the run used (``used``: its rows of the data read from the store
    as of the run's vintage): its source, vintage (recorded at) and who entered it."""
    ev = result.evaluation
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


@dataclass(frozen=True)
class RunBook:
    """What the sheets of a run's workbook are built from: the run (its stored scores),
    the run evaluated again (``result``), the monitoring of the focus unit, the rows of
    the data the run used, the README sheet, the framework's codes and names, the values'
    statuses, the illustrative label of composites (empty when none) and the reader's
    language order."""

    run: Any
    result: Any
    mon: Monitor
    used: pd.DataFrame
    readme: Sheet
    info: pd.DataFrame
    status: dict[Any, str]
    flag: str | None
    t: _Lang

    @property
    def names(self) -> dict[str, str]:
        """Code -> Chinese name of every node and indicator."""
        info = self.info
        return dict(zip(info.index.astype(str), info["name_zh"].astype(str), strict=True))

    def monitor_table(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A monitoring table (or its warnings) as the sheet shows it."""
        nodes = [n.code for n in self.result.evaluation.framework.nodes()]
        return _monitor_frame(frame, self.names, self.t, self.status, self.flag or "", nodes)


RESULTS_SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("readme", "说明", "README", lambda b: b.readme),
    SheetSpec(
        "scores", "得分", "Scores", lambda b: _scores_sheet(b.run, b.result, b.info, b.t, b.flag)
    ),
    SheetSpec(
        "indicators", "指标", "Indicators", lambda b: _indicators(b.result, b.info, b.t, b.status)
    ),
    SheetSpec(
        "monitor", "监测", "Monitor",
        lambda b: Sheet("monitor", b.monitor_table(b.mon.table), dict(MONITOR_COLS)),
    ),
    SheetSpec("progress", "进展", "Progress", lambda b: _progress(b.mon, b.names, b.t)),
    SheetSpec(
        "warnings", "预警", "Warnings",
        lambda b: Sheet("warnings", b.monitor_table(b.mon.warnings), dict(MONITOR_COLS)),
    ),
    SheetSpec(
        "provenance", "来源", "Provenance", lambda b: _provenance(b.result, b.used, b.info, b.t)
    ),
)  # fmt: skip
"""The workbook's sheets, in order."""
SHEETS = titles(RESULTS_SHEETS)
"""key -> (title zh, title en) of the workbook's sheets."""
