"""Public figures for Liyang and its peers, and the reviewed table matching them to indicators.

``public_figures.csv`` beside this module (package data) is a verbatim copy of
``liyang_public_figures.csv`` (253 figures read in statistical bulletins, government work
reports and news reports; columns ``city, year, indicator_zh, indicator_en, value, unit,
source``), shipped in the package so that the demo works offline from an installed wheel.
Every row is a number as printed in its source.

A figure enters the demo only through ``MATCHES``: an explicit, reviewed table from the
source's own indicator text and unit to a framework indicator code. Nothing is matched
fuzzily. A figure matches when indicator, unit string and year are the same: a figure in
万元 does not match an indicator in 元, and figures whose text carries a qualifier — 突破 /
超 / 余 / 以上 / 多 / 站上 (lower bounds), 1-8月 etc. (part of the year), 规划值 (a plan) —
are not in the table and never used as values. A figure is ``preliminary`` when its text or
its source says 预计 (a work report's estimate) or "preliminary", otherwise ``final``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd

#: Public city names (as in the CSV) -> demo unit codes. Rows for other places (the
#: prefecture 常州市, the district 武进区, the province, the high-tech zone or the Tianmu
#: Lake area) are not demo units and are never matched.
CITY_CODES: dict[str, str] = {
    "溧阳市": "liyang",
    "昆山市": "kunshan",
    "江阴市": "jiangyin",
    "张家港市": "zhangjiagang",
    "常熟市": "changshu",
    "太仓市": "taicang",
    "宜兴市": "yixing",
    "丹阳市": "danyang",
    "句容市": "jurong",
    "扬中市": "yangzhong",
}

#: The reviewed matching table: (indicator text as printed, unit) -> framework indicator.
#: Deliberately NOT matched: 人均地区生产总值 in 万元 (EC01 is in 元); 城镇新增就业(人员)
#: in 万人 (LV05 is in 人); 城镇登记失业率 (registered, LV06 is the surveyed rate);
#: 新兴产业 / 战略性新兴产业 shares (a wider concept than high-tech industry, EC09);
#: totals that would need a denominator (GDP, budget revenue, population, beds);
#: every row with a qualifier (突破, 超, 余, 以上, 多, 站上, 1-N月, 规划值); and the power-battery
#: industry OUTPUT (产值, 429 亿元 in 2021): EC04 is the cluster's operating REVENUE (营业收入),
#: another concept, so the figure only calibrates the generator (see demo_specs).
MATCHES: dict[tuple[str, str], str] = {
    ("人均地区生产总值", "元"): "EC01",
    ("地区生产总值增速", "%"): "EC02",
    ("地区生产总值增速(预计)", "%"): "EC02",
    ("全社会研发投入占比", "%"): "EC08",
    ("全社会研发投入占地区生产总值比重", "%"): "EC08",
    ("研发经费占GDP比重", "%"): "EC08",
    ("高新技术产业产值占比", "%"): "EC09",
    ("高新产业产值占比", "%"): "EC09",
    ("高新技术产业产值占规上工业比重", "%"): "EC09",
    ("实际使用外资", "亿美元"): "EC12",
    ("实际利用外资(预计)", "亿美元"): "EC12",
    ("接待游客", "万人次"): "EN11",
    ("接待境内外游客", "万人次"): "EN11",
    ("旅游收入", "亿元"): "EN12",
    ("旅游总收入", "亿元"): "EN12",
    ("常住人口城镇化率", "%"): "PS09",
    # The source's 城市化率 is the usual resident-population urbanisation rate.
    ("城市化率", "%"): "PS09",
    ("城镇居民人均可支配收入", "元"): "LV01",
    ("农村居民人均可支配收入", "元"): "LV02",
    ("城镇新增就业人数", "人"): "LV05",
    ("人均预期寿命", "岁"): "LV12",
}

#: Indicator-text pattern of a bound ((突破)/(超)/(余)/(以上)/(多)/(站上)), a rounded
#: figure ((约)), a part-year figure (1-8月 ...) or a plan ((规划值)). The source marks
#: qualifiers in parentheses: 规模以上 ("above designated size") and a reporting date such
#: as "截至2022年2月报道" are not qualifiers.
QUALIFIER_PATTERN = re.compile(r"\((?:突破|超|余|以上|多|站上|约|规划值)\)|\d+\s*-\s*\d+\s*月")

PUBLIC_COLUMNS = ["city", "year", "indicator_zh", "indicator_en", "value", "unit", "source"]
#: The figures table, package data beside this module.
PUBLIC_FIGURES_PATH = Path(__file__).with_name("public_figures.csv")

OBSERVATION_COLUMNS = ["unit", "indicator", "period", "value", "status", "source"]


def has_qualifier(indicator_zh: str) -> bool:
    """True when the printed indicator text marks a bound, part-year figure or plan."""
    return QUALIFIER_PATTERN.search(indicator_zh) is not None


@lru_cache(maxsize=1)
def _parsed() -> pd.DataFrame:
    return pd.read_csv(PUBLIC_FIGURES_PATH, dtype={"year": "int64"}, encoding="utf-8")


def public_figures() -> pd.DataFrame:
    """All 253 public figures as printed (a fresh copy; columns as ``PUBLIC_COLUMNS``)."""
    return _parsed().copy()


def figure_status(indicator_zh: pd.Series, indicator_en: pd.Series, source: pd.Series) -> pd.Series:
    """``preliminary`` where the text or source says 预计/preliminary, else ``final``."""
    text = indicator_zh + " " + indicator_en + " " + source
    prelim = text.str.contains("预计|preliminary|初步", regex=True)
    return pd.Series(["preliminary" if p else "final" for p in prelim], index=text.index)


def matched_figures(
    indicators: Iterable[str] | None = None, years: Iterable[int] | None = None
) -> pd.DataFrame:
    """Public figures that match a framework indicator exactly, as observations.

    Columns ``unit, indicator, period, value, status, source``. Only rows of ``MATCHES``
    and ``CITY_CODES`` are used; optionally restricted to ``indicators`` and ``years``.
    When one unit, indicator and year has several figures, a final one wins over a
    preliminary one, then the first in file order.
    """
    df = _parsed()
    keys = list(zip(df["indicator_zh"], df["unit"], strict=True))
    code = pd.Series([MATCHES.get(k) for k in keys], index=df.index, dtype="object")
    unit = df["city"].map(CITY_CODES)
    keep = code.notna() & unit.notna()
    if indicators is not None:
        keep &= code.isin(list(indicators))
    if years is not None:
        keep &= df["year"].isin(list(years))
    sub = df[keep]
    out = pd.DataFrame(
        {
            "unit": unit[keep],
            "indicator": code[keep],
            "period": sub["year"].astype("int64"),
            "value": sub["value"].astype(float),
            "status": figure_status(sub["indicator_zh"], sub["indicator_en"], sub["source"]),
            "source": sub["source"],
        }
    )
    out["_rank"] = (out["status"] != "final").astype(int)
    out = out.sort_values(["_rank"], kind="stable")
    out = out.drop_duplicates(["unit", "indicator", "period"], keep="first")
    out = out.drop(columns="_rank").sort_values(["indicator", "unit", "period"], kind="stable")
    return out.reset_index(drop=True)[OBSERVATION_COLUMNS]
