"""How each Liyang indicator is read from the city's statistical bulletin (统计公报).

Read by ``tools/build_liyang_framework.py``, which writes each rule as the indicator's
``bulletin`` field (see ``qcity.framework.bulletin``). ``names`` are the phrasings a
bulletin uses to introduce the figure, longest and most specific first; ``measure`` is
``level`` (an amount), ``growth`` (比上年增长 X%) or ``share`` (a percentage that is the
value); ``unit`` is the unit the text states it in when it differs from the indicator's
(万元 for a per-capita value kept in 元). Indicators that bulletins do not state (index
scores, survey results, cluster revenues other than power batteries ...) have no rule.
"""

from __future__ import annotations

from typing import Any

#: GDP as bulletins state it: a total in 亿元 (not an indicator of the framework).
GDP_TOTAL: dict[str, Any] = {
    "names": ["地区生产总值", "生产总值", "GDP"],
    "measure": "level",
    "unit": "亿元",
}

#: The resident population at year end, in 万人.
RESIDENTS: dict[str, Any] = {
    "names": ["年末常住人口", "常住人口"],
    "measure": "level",
    "unit": "万人",
}

#: General public budget revenue, in 亿元.
BUDGET_REVENUE: dict[str, Any] = {
    "names": [
        "一般公共预算收入",
        "一般公共预算收入总额",
        "地方一般公共预算收入",
        "公共财政预算收入",
        "地方公共财政预算收入",
    ],
    "measure": "level",
    "unit": "亿元",
}

#: Note shown with a per-capita value derived from the year-end population.
PER_CAPITA_NOTE = (
    "按年末常住人口计算；统计部门按年平均常住人口计算，数值可能略有差异 / "
    "divided by the year-end resident population; the statistics bureau divides by the "
    "annual average, so the official figure may differ slightly"
)

#: Where air quality is measured for a county or a city: its seat or urban area. Such a
#: word before an air-quality phrasing is not another subject.
AIR_SCOPE = [
    "县城",
    "县城区",
    "城区",
    "市区",
    "中心城区",
    "主城区",
    "县城环境",
    "城区环境",
    "市区环境",
    "县政府所在地",
    "旗所在地",
    "县城所在地",
    "城市",
]

#: Where the green cover of the built-up area is measured for a county: its seat.
TOWN_SCOPE = ["县城", "城区", "市区", "中心城区", "主城区", "城市"]

RULES: dict[str, dict[str, Any]] = {
    "EC01": {
        "names": ["人均地区生产总值", "人均生产总值", "人均GDP"],
        "measure": "level",
        "unit": "万元",
        "derive": {
            "op": "per_capita",
            "total": GDP_TOTAL,
            "population": RESIDENTS,
            "note": PER_CAPITA_NOTE,
        },
    },
    "EC02": {"names": ["地区生产总值", "生产总值", "GDP"], "measure": "growth"},
    "EC03": {
        "names": ["人均一般公共预算收入"],
        "measure": "level",
        "derive": {
            "op": "per_capita",
            "total": BUDGET_REVENUE,
            "population": RESIDENTS,
            "note": PER_CAPITA_NOTE,
        },
    },
    "EC04": {
        "names": ["动力电池产业实现营业收入", "动力电池产业营业收入"],
        "measure": "level",
    },
    "EC08": {
        "names": [
            "全社会研发投入占地区生产总值比重",
            "全社会研发经费支出占地区生产总值比重",
            "研发经费支出占地区生产总值比重",
            "研发投入占GDP比重",
            *(f"{rd}…相当于地区生产总值的" for rd in ("R&D", "研发", "研究与试验发展")),
            "R&D经费投入强度",
            "研发经费投入强度",
            "研发投入强度",
        ],
        "measure": "share",
    },
    "EC09": {
        "names": [
            "高新技术产业产值占规模以上工业总产值比重",
            "高新技术产业产值占规上工业总产值比重",
            "高新技术产业产值占规上工业产值比重",
        ],
        "measure": "share",
    },
    "EC10": {"names": ["每万人高价值发明专利拥有量"], "measure": "level"},
    "EC12": {"names": ["实际使用外资", "实际利用外资"], "measure": "level"},
    "EN01": {
        "names": [
            "空气质量优良天数比率",
            "空气质量优良天数比例",
            "空气优良天数比率",
            "空气质量…优良天数比率",
            "空气质量…优良率",
        ],
        "measure": "share",
        "scope": AIR_SCOPE,
    },
    "EN02": {
        "names": [
            "PM2.5年均浓度",
            "PM2.5平均浓度",
            "PM2.5年平均浓度",
            "PM2.5浓度",
            "细颗粒物(PM2.5)年均浓度",
            "细颗粒物(PM2.5)平均浓度",
            "细颗粒物(PM2.5)年平均浓度",
            "细颗粒物(PM2.5)浓度",
            "细颗粒物年均浓度",
            "细颗粒物平均浓度",
            "PM2.5年均值",
            "PM2.5年平均值",
            "细颗粒物(PM2.5)年均值",
        ],
        "measure": "level",
        "scope": AIR_SCOPE,
    },
    "EN03": {
        "names": ["国省考断面水质优Ⅲ类比例", "国省考断面水质优III类比例"],
        "measure": "share",
    },
    "EN04": {"names": ["林木覆盖率"], "measure": "share"},
    "EN05": {"names": ["建成区绿化覆盖率"], "measure": "share", "scope": TOWN_SCOPE},
    "EN11": {
        "names": ["接待国内外游客", "接待境内外游客", "接待游客"],
        "measure": "level",
    },
    "EN12": {"names": ["实现旅游总收入", "旅游总收入"], "measure": "level"},
    "PS01": {
        "names": [
            "每千常住人口医疗卫生机构床位数",
            "每千人拥有医疗卫生机构床位",
            "每千常住人口拥有医疗卫生机构床位",
            "每千常住人口床位数",
            "每千常住人口病床数",
        ],
        "measure": "level",
    },
    "PS02": {
        "names": ["每千常住人口执业(助理)医师数", "每千人拥有执业(助理)医师"],
        "measure": "level",
    },
    "PS09": {
        "names": [
            "常住人口城镇化率",
            "城镇化率",
            "常住人口城镇化水平",
            "城镇化水平",
            *(
                f"{town}…占{whole}比重"
                for town in ("城镇人口", "城镇常住人口")
                for whole in ("常住人口", "年末常住人口", "总人口", "常住总人口", "全部人口")
            ),
        ],
        "measure": "share",
    },
    "LV01": {
        "names": ["城镇常住居民人均可支配收入", "城镇居民人均可支配收入"],
        "measure": "level",
    },
    "LV02": {
        "names": [
            "农村常住居民人均可支配收入",
            "农村居民人均可支配收入",
            "农村牧区常住居民人均可支配收入",
            "农村牧区居民人均可支配收入",
            "农民人均可支配收入",
        ],
        "measure": "level",
    },
    "LV03": {
        "names": ["城乡居民收入比"],
        "measure": "level",
        "derive": {"op": "ratio", "numerator": "LV01", "denominator": "LV02"},
    },
    "LV05": {
        "names": ["城镇新增就业人数", "城镇新增就业", "新增城镇就业人数", "新增城镇就业"],
        "measure": "level",
    },
    "LV06": {"names": ["城镇调查失业率"], "measure": "share"},
    "LV07": {"names": ["基本养老保险参保率"], "measure": "share"},
    "LV08": {"names": ["基本医疗保险参保率"], "measure": "share"},
    "LV12": {
        "names": ["人均预期寿命", "居民人均预期寿命", "人口平均预期寿命"],
        "measure": "level",
    },
}
"""Bulletin rule of each indicator code that a bulletin states (or from which it is derived)."""
