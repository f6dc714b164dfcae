"""Appendix A, the methods: the framework's size, the steps of the evaluation in order
(with their methods and settings, named in the report's language) and every indicator's
unit, direction and weight in the index, generated from the framework."""

from __future__ import annotations

from typing import Any

from qcity.report.model import Paragraph, Section, Table
from qcity.report.text import cell, num, t
from qcity.service.report_model import ReportModel

#: Step and method names in Chinese (the English report uses the names the log records).
NAMES_ZH = {
    "denominate": "分母换算", "screen": "数据筛选", "impute": "缺失值插补",
    "treat": "异常值处理", "normalise": "标准化", "weight": "赋权", "aggregate": "加总",
    "transform": "变换", "ratio": "比值换算", "availability": "按数据可得率筛选",
    "none": "不处理", "mean": "均值插补", "median": "中位数插补", "locf": "沿用上期值",
    "linear": "线性插值", "coinr": "偏度峰度法（温莎化与对数变换）", "minmax": "极差标准化",
    "zscore": "标准分数", "goalposts": "固定阈值标准化", "target": "目标值标准化",
    "best": "相对最优值", "ratio_mean": "均值比", "rank": "排序", "percentile": "百分位",
    "moderate": "适度指标标准化", "equal": "等权", "manual": "专家赋权", "entropy": "熵权法",
    "cv": "变异系数法", "critic": "CRITIC 法", "pca": "主成分分析法",
    "ahp": "层次分析法", "combined": "组合赋权", "arithmetic": "算术加权平均",
    "geometric": "几何加权平均", "harmonic": "调和平均", "generalised": "广义平均",
    "topsis": "逼近理想解法", "grey_relational": "灰色关联法", "copeland": "科普兰法",
}  # fmt: skip

#: Setting names in Chinese.
PARAMS_ZH = {
    "unit_threshold": "单元数据可得率下限", "indicator_threshold": "指标数据可得率下限",
    "l": "下限", "u": "上限", "scope": "标尺", "reference": "参考期",
    "period": "逐年", "pooled": "各年合并", "skew": "偏度上限", "kurt": "峰度上限",
}  # fmt: skip


def _value(v: Any, zh: bool) -> str:
    if isinstance(v, list | tuple) and len(v) == 2 and all(isinstance(x, int) for x in v):
        return f"{v[0]}–{v[1]}" + ("年" if zh else "")
    if isinstance(v, float | int) and not isinstance(v, bool):
        return num(v) if isinstance(v, float) else str(v)
    if zh and isinstance(v, str):
        return {"reference": "参考期", "period": "逐年", "pooled": "各年合并"}.get(v, v)
    return str(v)


def _params(params: dict[str, Any], zh: bool) -> str:
    if not zh:
        return ", ".join(f"{k}={_value(v, zh)}" for k, v in params.items())
    return "；".join(f"{PARAMS_ZH.get(k, k)} {_value(v, zh)}" for k, v in params.items())


def _direction(direction: Any, zh: bool) -> str:
    if str(direction) == "1":
        return "正向" if zh else "+"
    if str(direction) == "-1":
        return "逆向" if zh else "−"
    band = getattr(direction, "band", None)
    optimal = getattr(direction, "optimal", None)
    where = f"{float(band[0]):g}–{float(band[1]):g}" if band is not None else num(optimal)
    return f"适度（{where}）" if zh else f"moderate ({where})"


def chapter(m: ReportModel) -> Section:
    """The methods appendix."""
    zh = m.lang == "zh"
    fw = m.framework
    sec = Section(t("methods", m.lang), key="methods")
    n_dims, n_ind = len(m.dimensions()), len(m.indicators())
    sec.blocks.append(
        Paragraph(
            f"评价体系《{fw.name_zh}》（{fw.version} 版）共 {n_dims} 个维度、{n_ind} 项指标。评价步骤依次为："  # noqa: E501
            if zh
            else f"Framework {fw.name_en} (version {fw.version}): {n_dims} dimensions, "
            f"{n_ind} indicators. The steps, in order:"
        )
    )
    sec.blocks.append(
        Table(
            "评价步骤" if zh else "Steps",
            ["步骤", "方法", "参数"] if zh else ["Step", "Method", "Parameters"],
            [
                [
                    NAMES_ZH.get(s.name, s.name) if zh else s.name,
                    NAMES_ZH.get(s.method, s.method) if zh else s.method,
                    _params(s.params, zh),
                ]
                for s in m.result.evaluation.log
            ],
        )
    )
    eff = m.result.evaluation.effective_weights()
    at_root = eff[eff["node"].astype(str) == fw.root.code]
    weight = dict(zip(at_root["indicator"].astype(str), at_root["effective"], strict=True))
    parents = fw.parents()
    rows = []
    for ind in m.indicators():
        row = [
            ind.name_zh if zh else ind.name_en,
            m.nname(str(parents.get(ind.code, ""))),
            str(ind.unit or ""),
            _direction(ind.direction, zh),
            cell(100 * float(weight[ind.code]), 2) if ind.code in weight else "",
        ]
        rows.append(row if zh else [ind.code, *row])
    header = (
        ["指标", "所属", "单位", "方向", "指数中权重(%)"]
        if zh
        else ["Code", "Indicator", "Part of", "Unit", "Direction", "Weight in the index (%)"]
    )
    sec.blocks.append(Table("指标与权重" if zh else "Indicators and weights", header, rows))
    return sec
