"""Units and groups of the demo: Liyang, nine peer county-level cities, Liyang's towns.

The peers are the county-level cities of southern Jiangsu (苏南) that Liyang measures
itself against when the text speaks of joining the first tier (跻身苏南第一方阵). Codes
are stable lower-case ASCII: pinyin of the city, and ``liyang_<pinyin>`` for Liyang's
3 streets (街道) and 9 towns (镇).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

UNIT_COLUMNS = ["code", "name_zh", "name_en", "type", "parent_code"]

#: code, name_zh, name_en, prefecture_zh, prefecture_en
CITIES: tuple[tuple[str, str, str, str, str], ...] = (
    ("liyang", "溧阳市", "Liyang", "常州市", "Changzhou"),
    ("kunshan", "昆山市", "Kunshan", "苏州市", "Suzhou"),
    ("jiangyin", "江阴市", "Jiangyin", "无锡市", "Wuxi"),
    ("zhangjiagang", "张家港市", "Zhangjiagang", "苏州市", "Suzhou"),
    ("changshu", "常熟市", "Changshu", "苏州市", "Suzhou"),
    ("taicang", "太仓市", "Taicang", "苏州市", "Suzhou"),
    ("yixing", "宜兴市", "Yixing", "无锡市", "Wuxi"),
    ("danyang", "丹阳市", "Danyang", "镇江市", "Zhenjiang"),
    ("jurong", "句容市", "Jurong", "镇江市", "Zhenjiang"),
    ("yangzhong", "扬中市", "Yangzhong", "镇江市", "Zhenjiang"),
)

#: code, name_zh, name_en, type — Liyang's streets and towns (parent ``liyang``).
SUBUNITS: tuple[tuple[str, str, str, str], ...] = (
    ("liyang_licheng", "溧城街道", "Licheng Street", "street"),
    ("liyang_kunlun", "昆仑街道", "Kunlun Street", "street"),
    ("liyang_guxian", "古县街道", "Guxian Street", "street"),
    ("liyang_tianmuhu", "天目湖镇", "Tianmuhu Town", "town"),
    ("liyang_daibu", "戴埠镇", "Daibu Town", "town"),
    ("liyang_daitou", "埭头镇", "Daitou Town", "town"),
    ("liyang_shanghuang", "上黄镇", "Shanghuang Town", "town"),
    ("liyang_bieqiao", "别桥镇", "Bieqiao Town", "town"),
    ("liyang_nandu", "南渡镇", "Nandu Town", "town"),
    ("liyang_zhuze", "竹箦镇", "Zhuze Town", "town"),
    ("liyang_shezhu", "社渚镇", "Shezhu Town", "town"),
    ("liyang_shangxing", "上兴镇", "Shangxing Town", "town"),
)


@dataclass(frozen=True)
class DemoGroup:
    """A group of units declared by the demo (``Store.add_group`` arguments)."""

    code: str
    name_zh: str
    name_en: str
    members: tuple[str, ...]
    kind: str = "peer"


def demo_units() -> pd.DataFrame:
    """The 22 demo units: 10 cities (type ``city``) then Liyang's streets and towns.

    Columns ``code, name_zh, name_en, type, parent_code`` plus the attributes
    ``prefecture_zh``, ``prefecture_en`` (地级市) and ``region`` (苏南 / Southern Jiangsu).
    """
    cities = pd.DataFrame(
        list(CITIES), columns=["code", "name_zh", "name_en", "prefecture_zh", "prefecture_en"]
    )
    cities["type"] = "city"
    cities["parent_code"] = None
    subs = pd.DataFrame(list(SUBUNITS), columns=["code", "name_zh", "name_en", "type"])
    subs["parent_code"] = "liyang"
    subs["prefecture_zh"] = "常州市"
    subs["prefecture_en"] = "Changzhou"
    units = pd.concat([cities, subs], ignore_index=True)
    units["region"] = "苏南 / Southern Jiangsu"
    return units[[*UNIT_COLUMNS, "prefecture_zh", "prefecture_en", "region"]]


def demo_groups() -> list[DemoGroup]:
    """Groups declared by the demo: the peer group ``sunan`` (苏南) of the ten cities."""
    members = tuple(c[0] for c in CITIES)
    return [DemoGroup("sunan", "苏南县级市", "County-level cities of southern Jiangsu", members)]
