"""Numbers with units in bulletin prose, what kind of figure each is, and unit conversion.

A figure is a number directly followed by a unit of measure (``1557.22亿元``, ``9.7%``,
``1.73:1``, ``40 215 元`` with a space between thousands); a bare number (a year,
``PM2.5``) is not one. Its kind comes from the words right before it: ``增长9.7%`` is a
growth rate, ``下降3.2%`` a negative one, ``增加0.41万人`` an absolute change (never taken
as a level), ``提高0.7个百分点`` a change in points (never taken), any other percentage a
share, any other number a level. Values are exact decimals
(``19.3万元`` is 193000 元, not 193000.00000000003).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

#: Units of measure recognised after a number (a ratio ``X:1`` is read as 倍).
UNITS: tuple[str, ...] = (
    "个百分点",
    "百分点",
    "个千分点",
    "千分点",
    "吨标准煤/万元",
    "微克/立方米",
    "万亿元",
    "亿美元",
    "万美元",
    "美元",
    "亿元",
    "万元",
    "元",
    "万人次",
    "人次",
    "万人",
    "人",
    "万户",
    "户",
    "万吨",
    "吨",
    "万平方米",
    "平方公里",
    "平方米",
    "公顷",
    "万亩",
    "亩",
    "万千瓦",
    "千瓦",
    "万件",
    "件",
    "张",
    "个",
    "所",
    "家",
    "处",
    "册",
    "次",
    "岁",
    "天",
    "倍",
    "%",
    "‰",
)

#: Other spellings of a unit, read as the unit they stand for.
UNIT_SPELLINGS: dict[str, str] = {
    "μg/m3": "微克/立方米",
    "μg/m³": "微克/立方米",
    "µg/m3": "微克/立方米",
    "µg/m³": "微克/立方米",
    "ug/m3": "微克/立方米",
    "微克每立方米": "微克/立方米",
}

#: Multiplier prefixes of units, longest first (万元 = 10^4 元).
_PREFIXES: tuple[tuple[str, Decimal], ...] = (
    ("万亿", Decimal(10) ** 12),
    ("亿", Decimal(10) ** 8),
    ("万", Decimal(10) ** 4),
)

#: A number: thousands separated by commas (1,026.84) or by single spaces as typeset
#: (40 215), or plain digits with an optional decimal part.
_NUMBER = (
    r"(?P<num>[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-+]?\d{1,3}(?:[ \u00a0\u2009]\d{3})+(?:\.\d+)?"
    r"|[-+]?\d+(?:\.\d+)?)"
)
_UNIT = "|".join(re.escape(u) for u in sorted([*UNITS, *UNIT_SPELLINGS], key=len, reverse=True))
_NOT_AFTER = r"(?<![\d.])(?<!\d[ \u00a0\u2009])"  # never the tail of a number
FIGURE = re.compile(rf"{_NOT_AFTER}{_NUMBER}\s*(?:(?P<ratio>[:：]\s*1)(?![\d.])|(?P<unit>{_UNIT}))")

#: Words that, right before a number, make it a change: growth in % or an absolute change.
_CHANGE = re.compile(
    r"(?P<word>增长|增速|增幅|增加|净增|提高|上升|下降|减少|回落|降低|下滑)(?:了|为|达)?\s*$"
)
#: A note in brackets right before a number (``增长(下同)``), set aside to see the word.
_TRAILING_NOTE = re.compile(r"\([^()]{1,10}\)\s*$")
_FALLING = frozenset({"下降", "减少", "回落", "降低", "下滑"})

Kind = Literal["level", "growth", "share", "change", "points"]


@dataclass(frozen=True)
class Figure:
    """A number with its unit at ``start:end`` of a sentence, its kind and signed value."""

    value: Decimal
    unit: str
    kind: Kind
    start: int
    end: int


def find_figures(text: str) -> list[tuple[int, int, Decimal, str]]:
    """Every ``(start, end, number, unit)`` in ``text``, in order."""
    out = []
    for m in FIGURE.finditer(text):
        unit = "倍" if m["ratio"] else UNIT_SPELLINGS.get(m["unit"], m["unit"])
        out.append((m.start(), m.end(), Decimal(re.sub(r"[,\s]", "", m["num"])), unit))
    return out


def classify(number: Decimal, unit: str, before: str) -> tuple[Kind, Decimal]:
    """The kind of a figure from its unit and the text right ``before`` it, and its signed
    value (a fall is negative)."""
    if unit in ("个百分点", "百分点", "个千分点", "千分点"):
        return "points", number
    change = _CHANGE.search(_TRAILING_NOTE.sub("", before))  # 比上年增长(下同)7.3%
    if change is not None:
        value = -number if change["word"] in _FALLING and number > 0 else number
        return ("growth" if unit == "%" else "change"), value
    return ("share" if unit == "%" else "level"), number


def split_unit(unit: str) -> tuple[Decimal, str]:
    """(multiplier, base) of a unit: 亿元 -> (10^8, 元), 万人次 -> (10^4, 人次), % -> (1, %)."""
    for prefix, factor in _PREFIXES:
        if unit.startswith(prefix) and len(unit) > len(prefix):
            return factor, unit[len(prefix) :]
    return Decimal(1), unit


def convert(value: Decimal, unit: str, to: str) -> Decimal | None:
    """``value`` in ``unit`` expressed in ``to`` (万元 -> 元 multiplies by 10^4); None when
    the two are not the same quantity (元 and 美元, 人 and 人次)."""
    f_from, base_from = split_unit(unit)
    f_to, base_to = split_unit(to)
    if base_from != base_to:
        return None
    return value * f_from / f_to
