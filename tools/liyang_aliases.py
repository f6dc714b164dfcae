"""Other names of Liyang indicators as statistical yearbooks (统计年鉴) print them.

Read by ``tools/build_liyang_framework.py``, which writes them as each indicator's
``aliases`` in ``frameworks/liyang.yaml``. A name here is matched exactly (after
normalising full-width characters, spaces, ``*``, ``其中：`` and a unit in brackets), never
by similarity: list a name only if it means the same quantity with the same denominator.
森林覆盖率 is deliberately NOT an alias of 林木覆盖率 (EN04): the two are measured
differently. An office adds its own names with ``qcity import --name ROW=CODE
--save-names`` (a names file beside the framework), not here.
"""

from __future__ import annotations

#: Indicator code -> aliases, in the order written to the framework.
ALIASES: dict[str, list[str]] = {
    "EC01": ["人均GDP", "按常住人口计算的人均地区生产总值"],
    "EC02": ["地区生产总值增长率", "地区生产总值增长速度", "GDP增速"],
    "EC03": ["人均一般公共预算收入(按常住人口计算)"],
    "EC08": [
        "研究与试验发展经费支出占地区生产总值比重",
        "R&D经费支出占GDP比重",
        "全社会研发经费投入占GDP比重",
    ],
    "EC09": ["高新技术产业产值占规模以上工业总产值比重", "高新技术产业产值占比"],
    "EC10": ["万人高价值发明专利拥有量"],
    "EC12": ["实际利用外资", "实际到账外资"],
    "EN01": ["空气质量优良天数比例", "空气质量优良率"],
    "EN02": ["细颗粒物(PM2.5)年均浓度", "PM2.5平均浓度"],
    "EN06": ["单位地区生产总值能耗", "万元GDP能耗"],
    "PS01": ["每千人口医疗卫生机构床位数"],
    "PS02": ["每千人口执业(助理)医师数"],
    "PS09": ["城镇化率", "常住人口城市化率"],
    "LV01": ["城镇常住居民人均可支配收入"],
    "LV02": ["农村常住居民人均可支配收入"],
    "LV12": ["平均预期寿命"],
}
