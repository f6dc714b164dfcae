"""The report's fixed texts in both languages and the one way it writes numbers: scores
with one decimal, years as years, money in 万元/亿元 with two decimals and thousands
separators, other values by magnitude, timestamps to the minute in local time."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

#: Fixed texts in both languages.
T: dict[str, dict[str, str]] = {
    "title": {
        "zh": "{unit}{year}年度高质量发展自我评价报告",
        "en": "{unit}: self-evaluation report {year}",
    },
    "keypoints": {"zh": "要点", "en": "Key findings"},
    "summary": {"zh": "一、总体评价", "en": "1 Summary"},
    "dimensions": {"zh": "二、分维度评价", "en": "2 Dimensions"},
    "targets": {"zh": "三、目标完成情况", "en": "3 Targets"},
    "warnings": {"zh": "四、分部门预警", "en": "4 Early warnings by department"},
    "peers": {
        "zh": "五、对标分析与进入第一方阵路径",
        "en": "5 Peers and the path into the first tier",
    },
    "towns": {"zh": "六、镇（街道）评价", "en": "6 Towns and streets"},
    "stability": {"zh": "七、排名稳健性", "en": "7 How stable the rank is"},
    "methods": {"zh": "附录一、评价方法", "en": "Appendix A Methods"},
    "sources": {"zh": "附录二、数据来源", "en": "Appendix B Data sources"},
    "illustrative": {"zh": "附录三、示例数据说明", "en": "Appendix C Illustrative values"},
    "record": {"zh": "附录四、运行记录", "en": "Appendix D Run record"},
    "score": {"zh": "得分", "en": "score"},
    "median": {"zh": "对标城市中位数", "en": "peers' median"},
    "contents": {"zh": "目录", "en": "Contents"},
    "page": {"zh": "第 {n} 页", "en": "Page {n}"},
    "composites": {"zh": "综合指数", "en": "Composite indices"},
}

#: Warning lights in both languages, and their order of severity (red first).
LIGHTS = {"red": ("红色", "red"), "yellow": ("黄色", "yellow"), "green": ("绿色", "green")}
LIGHT = {"red": ("红", "red"), "yellow": ("黄", "yellow"), "green": ("绿", "green")}
SEVERITY = {"red": 0, "yellow": 1, "green": 2}

#: The unit of measure of scores (composites' targets), in both languages.
SCORE_UNITS = {"分", "score"}

#: Money units and their size in 元: amounts are written in 万元 or 亿元.
MONEY = {"元": 1.0, "万元": 1e4, "亿元": 1e8}
#: The money units in English.
MONEY_EN = {"元": "yuan", "万元": "10k yuan", "亿元": "100m yuan"}


def t(key: str, lang: str) -> str:
    """The fixed text ``key`` in ``lang``."""
    return T[key]["zh" if lang == "zh" else "en"]


def pick(pair: tuple[str, str], lang: str) -> str:
    """The ``lang`` one of a (zh, en) pair."""
    return pair[0] if lang == "zh" else pair[1]


def missing(x: Any) -> bool:
    """Whether ``x`` is no value (None, NaN, NA)."""
    if x is None or x is pd.NA or x is pd.NaT:
        return True
    return isinstance(x, float | np.floating) and math.isnan(float(x))


def f1(x: float) -> str:
    """A score or change with one decimal, without its sign (narratives say up or down)."""
    return f"{abs(x):.1f}"


def cell(x: Any, digits: int = 1) -> str:
    """A score-like table cell: ``digits`` decimals, empty when missing."""
    if missing(x):
        return ""
    if isinstance(x, float | np.floating | int | np.integer) and not isinstance(x, bool):
        return f"{float(x):,.{digits}f}"
    return str(x)


def year(x: Any) -> str:
    """A year as a year (``2030``, never ``2,030.0``)."""
    return "" if missing(x) else str(int(float(x)))


def num(x: Any) -> str:
    """An indicator's value by magnitude: from 1,000 no decimals, from 100 one, below
    two, with thousands separators."""
    if missing(x):
        return ""
    v = float(x)
    digits = 0 if abs(v) >= 1000 else 1 if abs(v) >= 100 else 2
    return f"{v:,.{digits}f}"


def money_scale(values: list[Any], unit: str) -> tuple[float, str]:
    """The divisor and unit that write ``values`` (in ``unit``) as 万元 or 亿元: 元 from
    10,000 become 万元, 万元 from 10,000 become 亿元."""
    if unit not in MONEY:
        return 1.0, unit
    present = [abs(float(v)) for v in values if not missing(v)]
    size = max(present, default=0.0) * MONEY[unit]
    target = "亿元" if size >= 1e8 else "万元" if size >= 1e4 else unit
    return MONEY[target] / MONEY[unit], target


def measure(values: list[Any], unit: str) -> tuple[list[str], str]:
    """Values of one indicator and their unit as the report writes them, all with the same
    decimals: money in 万元/亿元 with two, other values by the largest's magnitude (as
    :func:`num`), whole numbers without decimals."""
    divisor, shown = money_scale(values, unit)
    if shown in MONEY and unit in MONEY:
        return ["" if missing(v) else f"{float(v) / divisor:,.2f}" for v in values], shown
    present = [abs(float(v)) for v in values if not missing(v)]
    top = max(present, default=0.0)
    digits = 0 if top >= 1000 else 1 if top >= 100 else 2
    if present and all(v == int(v) for v in present):  # counts, whole percentages
        digits = 0
    return ["" if missing(v) else f"{float(v):,.{digits}f}" for v in values], shown


def percent(x: Any) -> str:
    """A share (0.834) as per cent with one decimal (``83.4``)."""
    return "" if missing(x) else f"{100 * float(x):.1f}"
