"""The results folder for people: beside the machine files of ``Evaluation.save``, an
Excel workbook, a readable scores CSV and a codebook (both UTF-8 with BOM, so that Chinese
Excel opens them), README.txt saying how scores compare across years, and NOTICE.txt.

    write_results_folder(ev, Path("out"), units=inp.units, illustrative=n, notice=text)
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qcity import errors
from qcity.data.atomic import atomic_folder, moved
from qcity.data.safe_cells import safe_frame
from qcity.engine.steps import Step, split_params
from qcity.framework.model import Framework, Indicator, NormaliseSpec

if TYPE_CHECKING:
    from qcity.engine.evaluation import Evaluation

BANNER = "示例数据 ILLUSTRATIVE — not official statistics"
DIGITS = 2
"""Decimals of the scores in the files for reading (scores.csv keeps full precision)."""

SHEETS = {
    "readme": ("说明", "README"),
    "scores": ("得分", "scores"),
    "ranking": ("排名", "ranking"),
    "indicators": ("指标", "indicators"),
    "weights": ("权重", "weights"),
    "exclusions": ("剔除", "exclusions"),
    "codebook": ("代码表", "codebook"),
}

FILES = {
    "results.xlsx": (
        "供阅读的工作簿：说明、得分、排名、指标、权重、剔除、代码表",
        "workbook for reading: README, scores, ranking, indicators, weights, exclusions, codebook",
    ),
    "scores_readable.csv": (
        "得分表（带名称，两位小数），即工作簿的“得分”表",
        "scores with names, 2 decimals: the workbook's 得分 scores sheet",
    ),
    "codebook.csv": (
        "代码表：本目录每个文件每一列的含义",
        "codebook: the meaning of every column of every file here",
    ),
    "README.txt": ("本说明", "this explanation"),
    "NOTICE.txt": (
        "示例数据声明：结果不得作为真实统计发布",
        "notice: illustrative data, results must not be presented as real",
    ),
}
MACHINE_FILES = {
    "scores.csv": ("得分与排名（完整精度）", "scores and ranks, full precision"),
    "normalised.csv": ("各指标标准化得分（宽表）", "normalised indicators, one column each"),
    "weights.csv": ("各节点采用的权重", "weights used at each node"),
    "effective_weights.csv": (
        "各指标在各节点中的有效权重",
        "effective weight of each indicator in each composite",
    ),
    "flags.csv": ("插补或异常值处理过的数值", "imputed and treated cells"),
    "exclusions.csv": (
        "剔除的单元、指标和时期及原因",
        "units, indicators and periods left out, with the reason",
    ),
    "diagnostics.csv": ("计算中的提示与警告", "notes and warnings of the run"),
    "treatment.csv": (
        "各时期各指标的偏度、峰度与处理方式",
        "skewness, kurtosis and treatment per period and indicator",
    ),
    "contributions.csv": (
        "各指标对指数得分的贡献",
        "points of the index score from each indicator",
    ),
    "coupling.csv": ("各维度的耦合协调度", "coupling coordination among the dimensions"),
    "obstacles.csv": ("各指标的障碍度", "obstacle degree of each indicator"),
    "log.json": (
        "印记（版本、数据时点、哈希）与步骤日志",
        "stamp (versions, data vintage, hashes) and step log",
    ),
}
FILES |= {k: (f"机器文件：{zh}", f"machine file: {en}") for k, (zh, en) in MACHINE_FILES.items()}

SCORE = "number 数值 (score scale)"
SHARE = "number 0–1"
TEXT = "text 文本"
MACHINE: dict[str, tuple[str, str, str]] = {
    "unit": ("单元代码", "unit code", TEXT),
    "period": ("时期（年份）", "period (year)", TEXT),
    "node": (
        "节点代码：指数、维度、子维度或指标",
        "node code: index, dimension, sub-dimension or indicator",
        TEXT,
    ),
    "score": ("得分（完整精度）", "score (full precision)", SCORE),
    "rank": (
        "同一时期、同一节点内的排名，1 = 最好，并列同名次",
        "rank among the units of the same period and node, 1 = best, ties share a rank",
        "integer 整数",
    ),
    "indicator": ("指标代码", "indicator code", TEXT),
    "imputed": ("是否为插补值", "whether the value was imputed", "True/False"),
    "treatment": (
        "异常值处理：winsorised_high 高端缩尾，winsorised_low 低端缩尾，transformed 变换",
        "outlier treatment: winsorised_high, winsorised_low, transformed",
        TEXT,
    ),
    "child": ("下级节点或指标代码", "code of the child node or indicator", TEXT),
    "nominal": ("指标体系设定的名义权重", "nominal weight set in the framework", "number 数值"),
    "weight": (
        "实际采用的权重（同一节点的下级合计为 1）",
        "weight used (a node's children sum to 1)",
        SHARE,
    ),
    "effective": (
        "指标在该节点得分中的有效权重（路径上各级权重之积）",
        "the indicator's effective weight in the node (product of the weights on its path)",
        SHARE,
    ),
    "kind": (
        "剔除对象：unit 单元、indicator 指标或 period 时期",
        "what was excluded: unit, indicator or period",
        TEXT,
    ),
    "code": (
        "被剔除的单元、指标或时期的代码",
        "code of the unit, indicator or period excluded",
        TEXT,
    ),
    "availability": ("数据可得率", "share of the data available", SHARE),
    "threshold": (
        "筛选阈值（可得率低于此值即剔除）",
        "screening threshold (excluded below it)",
        SHARE,
    ),
    "reason": ("剔除原因", "reason", TEXT),
    "contribution": (
        "该指标贡献给节点得分的分值（合计等于得分）",
        "points of the node's score from the indicator (they sum to the score)",
        SCORE,
    ),
    "obstacle": (
        "障碍度：该指标在与最优得分总差距中所占份额",
        "obstacle degree: the indicator's share of the total shortfall from the best score",
        SHARE,
    ),
    "C": ("耦合度", "coupling degree C", SHARE),
    "T": ("综合发展指数", "comprehensive development index T", SHARE),
    "D": ("耦合协调度", "coupling coordination degree D", SHARE),
    "band": ("协调等级（1–10）", "coordination band (1–10)", "integer 整数"),
    "band_zh": ("协调等级名称（中文）", "band name (Chinese)", TEXT),
    "band_en": ("协调等级名称（英文）", "band name (English)", TEXT),
    "treatment.csv:treatment": (
        "处理方式：none 未处理，winsorise 缩尾，log 对数变换",
        "treatment: none, winsorise, log",
        TEXT,
    ),
    "severity": ("严重程度：info 提示，warning 警告", "severity: info or warning", TEXT),
    "step": ("所在计算步骤", "pipeline step", TEXT),
    "message": ("说明", "message", TEXT),
    "diagnostics.csv:code": (
        "涉及的指标或节点代码（如有）",
        "indicator or node concerned, if any",
        TEXT,
    ),
    **{
        f"{what}{n}": (f"{zh_stage}{zh}", f"{en} {en_stage}", kind)
        for n, (zh_stage, en_stage) in enumerate(
            (
                ("处理前", "before treatment"),
                ("缩尾后", "after winsorising"),
                ("对数变换后", "after the log transform"),
            )
        )
        for what, zh, en, kind in (
            ("skew", "偏度", "skewness", "number 数值"),
            ("kurt", "峰度（超额）", "excess kurtosis", "number 数值"),
            ("pass", "是否通过偏度峰度检验", "passed the skewness/kurtosis check", "True/False"),
        )
    },
    "nwin": ("缩尾的数据点个数", "points winsorised", "integer 整数"),
    "file": ("文件（工作簿为“文件/工作表”）", "file (a workbook sheet as file/sheet)", TEXT),
    "column": ("列名", "column name", TEXT),
    "meaning_zh": ("含义（中文）", "meaning in Chinese", TEXT),
    "meaning_en": ("含义（英文）", "meaning in English", TEXT),
    "type_unit": ("类型或计量单位", "type or unit of measure", TEXT),
}


@dataclass(frozen=True)
class Col:
    """A column for people: header words, meaning (codebook), type and Excel format."""

    zh: str
    en: str
    meaning_zh: str
    meaning_en: str
    kind: str = TEXT
    fmt: str | None = None


def _c(
    zh: str, en: str, mzh: str = "", men: str = "", kind: str = TEXT, fmt: str | None = None
) -> Col:
    return Col(zh, en, mzh or zh, men or en, kind, fmt)


CODEBOOK = ("file", "column", "meaning_zh", "meaning_en", "type_unit")
TWO = "0.00"
READABLE = {
    "unit": _c("单元代码", "unit code"),
    "unit_zh": _c("单元名称", "unit name"),
    "unit_en": _c("单元英文名", "unit name (en)"),
    "period": _c(
        "时期",
        "period",
        "时期（年份）；剔除表中为空表示所有时期",
        "period (year); empty in exclusions: every period",
    ),
    "node": _c(
        "节点代码",
        "node code",
        "指数、维度、子维度或指标的代码",
        "code of the index, dimension, sub-dimension or indicator",
    ),
    "node_zh": _c("节点名称", "node name"),
    "node_en": _c("节点英文名", "node name (en)"),
    "level": _c(
        "层级", "level", "指数、维度、子维度或指标", "index, dimension, sub-dimension or indicator"
    ),
    "score": _c(
        "得分",
        "score",
        "得分，两位小数（完整精度见 scores.csv）",
        "score to 2 decimals (full precision in scores.csv)",
        SCORE,
        TWO,
    ),
    "rank": _c(
        "排名",
        "rank",
        "同一时期、同一节点内的排名，1 = 最好",
        "rank in the same period and node, 1 = best",
        "integer 整数",
        "0",
    ),
    "status": _c(
        "数据性质",
        "data status",
        "示例（生成）数据，不是官方统计",
        "illustrative (generated) data, not official statistics",
    ),
    "indicator": _c("指标代码", "indicator code"),
    "indicator_zh": _c("指标名称", "indicator name"),
    "indicator_en": _c("指标英文名", "indicator name (en)"),
    "measure": _c(
        "计量单位", "unit of measure", "原始值的计量单位", "unit of measure of the raw value"
    ),
    "raw": _c(
        "原始值",
        "raw value",
        "录入的原始数值（完整精度）",
        "the value as entered (full precision)",
        "number, see 计量单位 unit of measure",
    ),
    "denominator": _c("分母", "denominator", "比值化所除的序列", "series the value is divided by"),
    "used": _c(
        "采用值",
        "value used",
        "比值化、插补之后、异常值处理之前的数值",
        "value after ratio and imputation, before outlier treatment",
        "number 数值",
    ),
    "normalised": _c(
        "标准化得分",
        "normalised score",
        "标准化后的指标得分，两位小数",
        "normalised score to 2 decimals",
        SCORE,
        TWO,
    ),
    "imputed": _c(
        "插补",
        "imputed",
        "原始值缺失，采用值为插补值",
        "the raw value was missing; the value used is imputed",
    ),
    "treated": _c("异常值处理", "outlier treatment", "缩尾或变换", "winsorised or transformed"),
    "parent": _c("节点代码", "node code", "上级节点代码", "code of the node weighted"),
    "parent_zh": _c("节点名称", "node name"),
    "parent_en": _c("节点英文名", "node name (en)"),
    "child": _c(
        "下级代码", "child code", "下级节点或指标代码", "code of the child node or indicator"
    ),
    "child_zh": _c("下级名称", "child name"),
    "child_en": _c("下级英文名", "child name (en)"),
    "nominal": _c(
        "名义权重",
        "nominal weight",
        "指标体系设定的权重",
        "weight set in the framework",
        "number 数值",
    ),
    "weight": _c(
        "采用权重",
        "weight used",
        "在该节点中采用的权重（合计为 1）",
        "weight used within the node (sums to 1)",
        SHARE,
        "0.0000",
    ),
    "share": _c(
        "占指数权重",
        "share of index",
        "在总指数中的有效权重（路径上各级权重之积）",
        "effective weight in the index (product along the path)",
        SHARE,
        "0.0000",
    ),
    "kind": _c("剔除对象", "excluded", "单元、指标或时期", "a unit, an indicator or a period"),
    "code": _c("代码", "code", "被剔除的单元、指标或时期的代码", "code of what was excluded"),
    "name_zh": _c("名称", "name"),
    "name_en": _c("英文名", "name (en)"),
    "availability": _c("数据可得率", "data availability", kind=SHARE, fmt="0.0%"),
    "threshold": _c(
        "阈值",
        "threshold",
        "可得率低于此值即剔除",
        "excluded below this availability",
        SHARE,
        "0.0%",
    ),
    "reason": _c("原因", "reason"),
    "item": _c("项目", "item"),
    "content": _c("内容", "content"),
}

LEVELS = {0: ("指数", "index"), 1: ("维度", "dimension"), 2: ("子维度", "sub-dimension")}
LEAF = ("指标", "indicator")
KINDS = {"unit": ("单元", "unit"), "indicator": ("指标", "indicator"), "period": ("时期", "period")}
TREATED = {
    "winsorised_high": ("高端缩尾", "winsorised high"),
    "winsorised_low": ("低端缩尾", "winsorised low"),
    "transformed": ("变换", "transformed"),
}
FIXED = {"goalposts"}
"""Normalisers whose reference points do not depend on the data (``target`` too, with
its default ``ratio`` formula)."""
REFERENCE = {
    "minmax": ("最小值和最大值", "lowest and highest values"),
    "zscore": ("均值和标准差", "mean and standard deviation"),
    "best": ("最优值", "best value"),
    "ratio_mean": ("平均值", "mean"),
    "rank": ("排序", "ranking"),
    "percentile": ("排序", "ranking"),
    "moderate": ("与适度区间的最大距离", "largest distance from the optimal band"),
    "target": ("目标值和最小值", "target and lowest value"),
}


class _Lang:
    """Bilingual text in the order the reader asked for (Chinese first by default)."""

    def __init__(self, lang: str) -> None:
        if lang not in ("zh", "en"):
            raise errors.BadValue(f"lang must be 'zh' or 'en', got {lang!r}")
        self.zh_first = lang == "zh"

    def pair(self, zh: str, en: str, sep: str = " ") -> str:
        return f"{zh}{sep}{en}" if self.zh_first else f"{en}{sep}{zh}"

    def header(self, col: Col) -> str:
        return col.zh if col.zh == col.en else self.pair(col.zh, col.en)


@dataclass
class Sheet:
    """One table for people: its key (see SHEETS), rows keyed as in ``cols`` and the
    column descriptions; ``wrap`` names the columns whose long text wraps."""

    key: str
    frame: pd.DataFrame
    cols: dict[str, Col]
    wrap: tuple[str, ...] = ()


# -- what the scores mean across years ------------------------------------------------
def _step(ev: Evaluation, name: str) -> Step:
    return next(s for s in ev.log if s.name == name)


def _normalisers(ev: Evaluation) -> dict[tuple[str, str, bool], int]:
    """(method, scope, fixed) -> number of indicators normalised so in this run."""
    step = _step(ev, "normalise")
    engine, params = split_params(step)
    default = NormaliseSpec(method=step.method, params=params, scope=engine.get("scope", "period"))
    counts: dict[tuple[str, str, bool], int] = {}
    for code in ev.results.datasets["normalised"].codes:
        spec = ev.framework.resolved(code, "normalise", default)
        fixed = spec.method in FIXED or (
            spec.method == "target" and spec.params.get("formula", "ratio") == "ratio"
        )
        key = (spec.method, "fixed" if fixed else spec.scope, fixed)
        counts[key] = counts.get(key, 0) + 1
    return counts


def how_scores_compare(ev: Evaluation) -> list[tuple[str, str]]:
    """Plain-words paragraphs (zh, en) on how this run's scores compare across years,
    derived from the normaliser and scope in force for each indicator."""
    groups = _normalisers(ev)
    comparable = sum(n for (_, _, fixed), n in groups.items() if fixed) + sum(
        n for (_, scope, _), n in groups.items() if scope in ("pooled", "reference")
    )
    total = sum(groups.values())
    if comparable == total:
        out = [("结论：得分可以跨年比较。", "In short: scores compare across years.")]
    elif comparable == 0:
        out = [
            (
                "结论：得分表示当年的相对位置，跨年只能比较相对位置，不能比较实际水平。",
                "In short: a score is a position among that year's units; across years it "
                "compares relative positions, not actual levels.",
            )
        ]
    else:
        out = [
            (
                "结论：部分指标的得分可以跨年比较，部分只表示当年的相对位置；由两者合成的"
                "指数和维度得分兼有两种含义，跨年比较须谨慎。",
                "In short: some indicators' scores compare across years, others show only "
                "that year's relative position; the index and dimension scores built from "
                "both mix the two, so compare them across years with care.",
            )
        ]
    for (method, scope, _), n in sorted(groups.items()):
        rz, re = REFERENCE.get(method, ("参照值", "reference values"))
        if scope == "fixed":
            out.append(
                (
                    f"{n} 项指标按固定参照值标准化（{method}）：门槛值或目标值不随年份变化，"
                    "得分可以直接跨年比较，得分上升表示实际水平提高。",
                    f"{n} indicator(s) are normalised against fixed reference points "
                    f"({method}: goalposts or targets) that do not change from year to year, "
                    "so scores compare across years directly: a rising score means the "
                    "actual level rose.",
                )
            )
        elif scope == "reference":
            ref = ev.framework.reference_period
            years = f"{ref.first}–{ref.last}" if ref else "—"
            out.append(
                (
                    f"{n} 项指标按基准期（{years}）固定的上下限标准化（{method}，reference）："
                    "上下限取自基准期全部单元的最小值和最大值（或框架给定的门槛值），此后各年"
                    "都按同一标尺计分，得分可以直接跨年比较，加入新的年份也不会改变以往年份的"
                    "得分；超出基准期范围的值可得到低于 0 或高于 100 的分数。",
                    f"{n} indicator(s) are normalised on goalposts fixed from the reference "
                    f"period {years} ({method}, reference): the lowest and highest values of "
                    "all units in those years (or goalposts the framework gives). Every year "
                    "is scored on that one scale, so scores compare across years directly and "
                    "adding a year leaves earlier years' scores unchanged; values beyond the "
                    "reference range can score below 0 or above 100.",
                )
            )
        elif scope == "pooled":
            out.append(
                (
                    f"{n} 项指标将所有年份合并标准化（{method}，pooled）：各年份共用同一组"
                    f"参照值（全部单元、全部年份的{rz}），得分可以直接跨年比较，得分上升表示"
                    "实际水平相对整个评价期提高。加入新的年份或单元后重新计算，以往年份的"
                    "得分也会随之改变。",
                    f"{n} indicator(s) are normalised over all years together ({method}, "
                    f"pooled): every year shares the same reference ({re} over all units and "
                    "years), so scores compare across years directly: a rising score means a "
                    "higher level relative to the whole period. When a year or a unit is "
                    "added and the evaluation is run again, earlier years' scores change too.",
                )
            )
        else:
            out.append(
                (
                    f"{n} 项指标逐年标准化（{method}，period）：每年的得分只在当年参评的单元"
                    f"之间比较（参照值为当年的{rz}）。得分表示该单元在当年参评单元中所处的"
                    "位置：得分上升表示相对位置改善，不一定表示实际水平提高——如果所有单元"
                    "同时进步，某单元的得分也可能不变甚至下降。实际水平的变化请看“指标”表中"
                    "的原始值。",
                    f"{n} indicator(s) are normalised year by year ({method}, per period): "
                    "each year's scores compare only the units evaluated that year (reference: "
                    f"that year's {re}). A score says where a unit stands among the units "
                    "evaluated that year: a rising score is a better relative position, not "
                    "necessarily a higher absolute level — if every unit improved, a unit's "
                    "score can stay the same or fall. For the change in actual level, read "
                    "the raw values in the 指标 indicators sheet.",
                )
            )
    out.append(
        (
            "排名总是在同一年、同一节点的参评单元之间排列（1 = 最好，并列同名次），排名的"
            "变化表示相对位置的变化。",
            "Ranks are always among the units evaluated in the same year for the same node "
            "(1 = best, ties share a rank); a change of rank is a change of relative position.",
        )
    )
    return out


# -- tables --------------------------------------------------------------------------
def _text(s: pd.Series) -> pd.Series:
    """Text with missing values as empty strings (whatever the dtype)."""
    return s.astype(object).where(s.notna(), "")


def _unit_names(ev: Evaluation, units: pd.DataFrame | None) -> tuple[dict[str, str], ...]:
    """Unit code -> Chinese name, and -> English name (empty when not known)."""
    units = units if units is not None else ev.units
    if units is None or "code" not in units.columns:
        return {}, {}
    codes = units["code"].astype(str)
    return tuple(
        dict(zip(codes, _text(units[c]).astype(str), strict=True)) if c in units.columns else {}
        for c in ("name_zh", "name_en")
    )


def _node_info(fw: Framework, t: _Lang) -> pd.DataFrame:
    """One row per framework code: name_zh, name_en, level, measure, denominator."""
    rows = {}
    for item, _, depth in fw.walk():
        leaf = isinstance(item, Indicator)
        zh, en = LEAF if leaf else LEVELS.get(depth, (f"第 {depth} 层", f"level {depth}"))
        rows[item.code] = {
            "name_zh": item.name_zh,
            "name_en": item.name_en,
            "level": t.pair(zh, en),
            "measure": item.unit if isinstance(item, Indicator) else "",
            "denominator": item.denominator.series
            if isinstance(item, Indicator) and item.denominator
            else "",
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def _scores_sheet(
    ev: Evaluation, names: tuple[dict[str, str], ...], info: pd.DataFrame, t: _Lang, flag: bool
) -> Sheet:
    """Index, dimension and sub-dimension scores and ranks (indicators are on their own
    sheet, with raw and normalised values), names beside the codes."""
    s = ev.scores()
    s = s[s["node"].isin([n.code for n in ev.framework.nodes()])].reset_index(drop=True)
    unit, node = s["unit"].astype(str), s["node"].astype(str)
    nodes = info.reindex(node.to_numpy())
    frame = pd.DataFrame(
        {
            "unit": unit,
            "unit_zh": _text(unit.map(names[0])),
            "unit_en": _text(unit.map(names[1])),
            "period": s["period"].astype(str),
            "node": node,
            "node_zh": nodes["name_zh"].to_numpy(),
            "node_en": nodes["name_en"].to_numpy(),
            "level": nodes["level"].to_numpy(),
            "score": s["score"].round(DIGITS),
            "rank": s["rank"],
        }
    )
    if flag:
        frame["status"] = t.pair("示例数据", "ILLUSTRATIVE")
    return Sheet("scores", frame, {k: READABLE[k] for k in frame.columns})


def _ranking_sheet(ev: Evaluation, scores: pd.DataFrame, t: _Lang) -> Sheet:
    """The latest period: index and dimension scores and ranks, one row per unit."""
    tree, fw = ev.results.tree, ev.framework
    res = ev.results
    latest = np.array(res.datasets["raw"].periods)[res.unit_keep.any(axis=1)][-1]
    now = scores[scores["period"] == latest]
    wide = now.pivot(index="unit", columns="node", values=["score", "rank"])
    frame = now.loc[now["node"] == tree.root, ["unit", "unit_zh", "unit_en"]].set_index("unit")
    cols = {k: READABLE[k] for k in ("rank", "unit", "unit_zh", "unit_en")}
    for code in (tree.root, *tree.children[tree.root]):
        node = fw.find(code)
        for what, zh, en in (("score", "得分", "score"), ("rank", "排名", "rank")):
            if code == tree.root and what == "rank":
                continue
            key = f"{what}:{code}"
            frame[key] = wide[(what, code)]
            base = READABLE[what]
            cols[key] = Col(
                f"{node.name_zh}{zh}",
                f"{node.name_en} {en}",
                f"{latest} 年 {node.name_zh}（{code}）的{base.meaning_zh}",
                f"{base.meaning_en} of {node.name_en} ({code}) in {latest}",
                base.kind,
                base.fmt,
            )
    frame["rank"] = wide[("rank", tree.root)]
    frame = frame.reset_index().sort_values(["rank", "unit"], na_position="last")
    frame = frame[list(cols)]
    cols["rank"] = Col(
        "指数排名", "index rank", "指数排名", "rank of the index", "integer 整数", "0"
    )
    return Sheet("ranking", frame.reset_index(drop=True), cols)


def _indicators_sheet(
    ev: Evaluation, names: tuple[dict[str, str], ...], info: pd.DataFrame, t: _Lang
) -> Sheet:
    """Raw value, value used, normalised score and flags of every kept cell."""
    res = ev.results
    norm = res.datasets["normalised"]
    codes = list(norm.codes)
    T, N, K = norm.values.shape
    used = res.datasets.get("imputed", res.datasets["raw"]).select(codes).values
    keep = np.repeat(res.unit_keep.reshape(-1), K)
    unit = np.tile(np.repeat(np.array(norm.units, dtype=object), K), T)[keep]
    code = np.tile(np.array(codes, dtype=object), T * N)[keep]
    ind = info.reindex(code)
    treated = {v: t.pair(*TREATED[k]) for k, v in (("winsorised_high", 1), ("winsorised_low", -1))}
    treated[2] = t.pair(*TREATED["transformed"])
    frame = pd.DataFrame(
        {
            "unit": unit,
            "unit_zh": _text(pd.Series(unit).map(names[0])).to_numpy(),
            "unit_en": _text(pd.Series(unit).map(names[1])).to_numpy(),
            "period": np.repeat(np.array(norm.periods, dtype=object), N * K)[keep],
            "indicator": code,
            "indicator_zh": ind["name_zh"].to_numpy(),
            "indicator_en": ind["name_en"].to_numpy(),
            "measure": ind["measure"].to_numpy(),
            "raw": res.datasets["raw"].select(codes).values.reshape(-1)[keep],
            "denominator": ind["denominator"].to_numpy(),
            "used": used.reshape(-1)[keep],
            "normalised": np.round(norm.values.reshape(-1)[keep], DIGITS),
            "imputed": np.where(res.imputed.reshape(-1)[keep], t.pair("是", "yes"), ""),
            "treated": _text(pd.Series(res.points.reshape(-1)[keep]).map(treated)).to_numpy(),
        }
    )
    if not (_step(ev, "denominate").method == "ratio" and (frame["denominator"] != "").any()):
        frame = frame.drop(columns="denominator")
    return Sheet("indicators", frame, {k: READABLE[k] for k in frame.columns})


def _weights_sheet(ev: Evaluation, info: pd.DataFrame) -> Sheet:
    w = ev.weights()
    parent = ev.results.tree.parent
    used = dict(zip(w["child"], w["weight"], strict=True))

    def share(code: str) -> float:
        up = parent.get(code)
        return 1.0 if up is None else used[code] * share(up)

    frame = pd.DataFrame(
        {
            "parent": w["node"],
            "parent_zh": info.reindex(w["node"])["name_zh"].to_numpy(),
            "parent_en": info.reindex(w["node"])["name_en"].to_numpy(),
            "child": w["child"],
            "child_zh": info.reindex(w["child"])["name_zh"].to_numpy(),
            "child_en": info.reindex(w["child"])["name_en"].to_numpy(),
            "nominal": w["nominal"],
            "weight": w["weight"].round(4),
            "share": [round(share(c), 4) for c in w["child"]],
        }
    )
    return Sheet("weights", frame, {k: READABLE[k] for k in frame.columns})


def _exclusions_sheet(
    ev: Evaluation, names: tuple[dict[str, str], ...], info: pd.DataFrame, t: _Lang
) -> Sheet:
    x = ev.exclusions
    kind = x["kind"].astype(str)
    code = x["code"].astype(str)
    is_unit, is_ind = (kind == "unit").to_numpy(), (kind == "indicator").to_numpy()

    def name(lang: int, column: str) -> np.ndarray:
        of_node = info[column].reindex(code).to_numpy()
        return np.where(is_unit, code.map(names[lang]), np.where(is_ind, of_node, ""))

    frame = pd.DataFrame(
        {
            "kind": kind.map(lambda k: t.pair(*KINDS[k]) if k in KINDS else k),
            "code": code,
            "name_zh": name(0, "name_zh"),
            "name_en": name(1, "name_en"),
            "period": x["period"].astype(object),
            "availability": x["availability"],
            "threshold": x["threshold"],
            "reason": np.where(
                x["reason"] == "data availability below the threshold",
                t.pair("数据可得率低于阈值", "data availability below the threshold", "；"),
                x["reason"],
            ),
        }
    )
    if frame.empty:  # say so rather than leave a bare header
        frame.loc[0, ["kind", "reason"]] = [
            t.pair("无", "none"),
            t.pair("未剔除", "nothing left out"),
        ]
    return Sheet("exclusions", frame, {k: READABLE[k] for k in frame.columns})


def _about(ev: Evaluation, t: _Lang, illustrative: int) -> list[tuple[str, str, str]]:
    """(item zh, item en, content) rows of the README: the run, then how to read it."""
    st, fw = ev.stamp, ev.framework
    periods = ev.results.datasets["raw"].periods
    kept = ev.results.unit_keep.any(axis=0).sum()
    k = len(ev.results.datasets["normalised"].codes)
    rows = [
        ("评价", "evaluation", t.pair(fw.name_zh, fw.name_en, " / ")),
        ("指标体系", "framework", f"{st['framework']} {st['framework_version']}"),
        ("数据时点", "data vintage", st["data_vintage"] or "-"),
        ("配置哈希", "config SHA-256", st["config_sha256"]),
        ("数据哈希", "data SHA-256", st["data_sha256"]),
        ("软件版本", "qcity version", st["qcity_version"]),
        ("参评单元", "units evaluated", str(int(kept))),
        ("评价期", "periods", f"{periods[0]}–{periods[-1]} ({len(periods)})"),
        ("采用指标", "indicators used", f"{k} / {len(fw.indicators())}"),
    ]
    if illustrative:
        rows.insert(
            0, ("示例数据", "illustrative", f"{BANNER}: {illustrative} illustrative values")
        )
    for zh, en in how_scores_compare(ev):
        rows.append(("跨年比较", "across years", t.pair(zh, en, "\n")))
    rows.append(
        (
            "小数位",
            "rounding",
            t.pair(
                "供阅读的表格（results.xlsx、scores_readable.csv）得分保留两位小数；"
                "完整精度见 scores.csv 等机器文件。",
                "The tables for reading (results.xlsx, scores_readable.csv) show scores to "
                "2 decimals; scores.csv and the other machine files keep full precision.",
                "\n",
            ),
        )
    )
    rows += [("计算步骤", "step", s.describe()) for s in ev.log]
    return rows


# -- codebook ------------------------------------------------------------------------
def _csv_columns(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f), [])


def _machine_rows(paths: Iterable[Path], info: pd.DataFrame, scale: str) -> list[list[str]]:
    """Codebook rows of the machine files, from the headers actually written."""
    rows = []
    for path in paths:
        if path.suffix != ".csv":
            rows.append([path.name, "", *FILES.get(path.name, ("", "")), "JSON"])
            continue
        for col in _csv_columns(path):
            if path.name == "normalised.csv" and col in info.index:
                zh, en = str(info.at[col, "name_zh"]), str(info.at[col, "name_en"])
                mzh, men, kind = f"指标 {col}（{zh}）的标准化得分", f"normalised {en}", SCORE
            else:
                fallback = ("（未说明）", "(not described)", "")
                mzh, men, kind = MACHINE.get(f"{path.name}:{col}", MACHINE.get(col, fallback))
            rows.append([path.name, col, mzh, men, kind.replace("score scale", scale)])
    return rows


def _sheet_rows(name: str, sheet: Sheet, t: _Lang, scale: str) -> list[list[str]]:
    return [
        [name, t.header(c), c.meaning_zh, c.meaning_en, c.kind.replace("score scale", scale)]
        for c in sheet.cols.values()
    ]


def _readable_csv(sheet: Sheet, t: _Lang, path: Path) -> None:
    """UTF-8 with BOM; text that Excel would take for a formula gets a leading quote."""
    frame = sheet.frame.copy()
    frame.columns = [t.header(c) for c in sheet.cols.values()]
    safe_frame(frame).to_csv(path, index=False, encoding="utf-8-sig")


def _readme_txt(about: list[tuple[str, str, str]], files: list[Path], t: _Lang) -> str:
    fw_lines = [f"{t.pair(zh, en)}: {v}" for zh, en, v in about if "\n" not in v]
    paras = [v for _, _, v in about if "\n" in v]
    listed = [f"  {p.name:24} {t.pair(*FILES.get(p.name, ('', '')), ' / ')}" for p in files]
    return "\n".join(
        [
            t.pair("评价结果说明", "About these results", " / "),
            "",
            *fw_lines,
            "",
            t.pair("如何阅读得分", "How to read the scores", " / "),
            "",
            *[p + "\n" for p in paras],
            t.pair("文件", "Files", " / "),
            *listed,
            "",
        ]
    )


def write_results_folder(
    ev: Evaluation,
    out: Path,
    *,
    units: pd.DataFrame | None,
    illustrative: int = 0,
    notice: str | None = None,
    lang: str = "zh",
    workbook: bool = True,
) -> list[Path]:
    """Write the machine files (``ev.save``) and, for people, scores_readable.csv,
    codebook.csv, README.txt, (when given) NOTICE.txt verbatim and, with ``workbook``,
    results.xlsx.

    ``units``: code, name_zh, name_en (default ``ev.units``); ``illustrative``: how many
    values used are illustrative (a banner on every sheet when > 0); ``lang``: which
    language comes first. Returns every path written.
    """
    t = _Lang(lang)
    out = Path(out)
    # Everything for people is built before anything is written.
    info = _node_info(ev.framework, t)
    names = _unit_names(ev, units)
    scores = _scores_sheet(ev, names, info, t, illustrative > 0)
    sheets = [
        scores,
        _ranking_sheet(ev, scores.frame, t),
        _indicators_sheet(ev, names, info, t),
        _weights_sheet(ev, info),
        _exclusions_sheet(ev, names, info, t),
    ]
    about = _about(ev, t, illustrative)
    readme = Sheet(
        "readme",
        pd.DataFrame(
            {"item": [t.pair(zh, en) for zh, en, _ in about], "content": [v for *_, v in about]}
        ),
        {k: READABLE[k] for k in ("item", "content")},
        wrap=("content",),
    )
    lo, hi = ev.results.scale
    scale = f"{lo:g}–{hi:g}"

    built = _Built(t, about, readme, sheets, scores, info, scale, illustrative, notice, workbook)
    with atomic_folder(out, stale=FILES) as tmp:  # a failure leaves no file behind
        files = _write(ev, tmp, built)
    return moved(files, out)


@dataclass(frozen=True)
class _Built:
    """What ``write_results_folder`` built before writing anything."""

    t: _Lang
    about: list[tuple[str, str, str]]
    readme: Sheet
    sheets: list[Sheet]
    scores: Sheet
    info: pd.DataFrame
    scale: str
    illustrative: int
    notice: str | None
    workbook: bool


def _write(ev: Evaluation, out: Path, b: _Built) -> list[Path]:
    """Write the files of ``write_results_folder`` into the (empty, temporary) ``out``."""
    t, about, readme, sheets, scores, info = b.t, b.about, b.readme, b.sheets, b.scores, b.info
    scale, illustrative, notice, workbook = b.scale, b.illustrative, b.notice, b.workbook
    written = ev.save(out)
    title = {k: t.pair(zh, en) for k, (zh, en) in SHEETS.items()}
    xlsx = out / "results.xlsx"
    readable, codebook_csv, readme_txt = (
        out / n for n in ("scores_readable.csv", "codebook.csv", "README.txt")
    )
    people = [*([xlsx] if workbook else []), readable, codebook_csv, readme_txt]
    people += [out / "NOTICE.txt"] if notice is not None else []
    rows = _machine_rows(written, info, scale)
    if workbook:
        for sheet in (readme, *sheets):
            rows += _sheet_rows(f"results.xlsx/{title[sheet.key]}", sheet, t, scale)
    rows += _sheet_rows("scores_readable.csv", scores, t, scale)
    books = [f"results.xlsx/{title['codebook']}"] if workbook else []
    for name in (*books, "codebook.csv"):
        rows += [[name, k, *MACHINE[k]] for k in CODEBOOK]
    rows += [[p.name, "", *FILES[p.name], TEXT] for p in people if p.suffix == ".txt"]
    book = {k: Col(k, k, *MACHINE[k]) for k in CODEBOOK}
    codebook = Sheet("codebook", pd.DataFrame(rows, columns=list(CODEBOOK)), book)

    banner = f"{BANNER} ({illustrative} illustrative values 示例数值)" if illustrative else None
    if workbook:
        from qcity.service.workbook import write_workbook

        tables = [(s, title[s.key]) for s in (readme, *sheets, codebook)]
        write_workbook(xlsx, tables, t, banner)
    _readable_csv(scores, t, readable)
    safe_frame(codebook.frame).to_csv(codebook_csv, index=False, encoding="utf-8-sig")
    text = _readme_txt(about, [*people, *written], t)
    readme_txt.write_text(text, encoding="utf-8-sig", newline="\r\n")  # Notepad-friendly
    if notice is not None:
        (out / "NOTICE.txt").write_text(notice, encoding="utf-8")
    return [*written, *people]
