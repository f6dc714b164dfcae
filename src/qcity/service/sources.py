"""A value's ``source`` text read as the publication it cites, so that a report cites
official publications (title, issuer, year) rather than the web page a figure was read on.

Source texts name the page first and the publication after it, e.g.
``http://mirror.example/387.html (2021年江阴市国民经济和社会发展统计公报, sections 10-11)``.
The rules, in order: a statistical bulletin (统计公报, issued by the city's 统计局 in the
spring after the year it covers, as the Statistics Law's publication rules have it), a
government work report (政府工作报告, the city's 人民政府, delivered in the year it names),
a plan-execution report (计划执行情况报告, the 发展和改革委员会), a statistical yearbook
(统计年鉴, the province's 统计局, the edition year), an environmental bulletin
(生态环境状况公报, the province's 生态环境厅); else a newspaper or news agency named in
the text (the paper and the date); else the text is no citable publication (an
encyclopedia, a mirror, a forum) and is counted as "other web material".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OFFICIAL, PRESS, OTHER, GENERATED, NONE = "official", "press", "other", "generated", "none"

#: Newspapers and news agencies that appear in source texts (the publication cited).
PRESS_NAMES = (
    "苏州日报", "新华日报", "无锡日报", "丹阳日报", "扬子晚报", "现代快报", "人民网",
    "香港商报", "联合早报", "中新社", "中新网", "财经网", "中国经济周刊", "交汇点",
    "常报全媒体", "金山网", "中国文明网",
)  # fmt: skip

_DATE = re.compile(r"(20\d\d)-\d\d(?:-\d\d)?")
_PLACE = r"((?!年)[\u4e00-\u9fff]{1,6}?[市省县])"


@dataclass(frozen=True)
class Citation:
    """A publication: its title, who issued it, the year it appeared, and its kind
    (official, press, other, generated, none)."""

    title: str
    issuer: str
    year: int | None
    kind: str


def _year(text: str, default: int | None) -> int | None:
    found = _DATE.search(text)
    return int(found.group(1)) if found else default


def cite(text: str) -> Citation:
    """The publication ``text`` cites (see the module's rules)."""
    text = (text or "").strip()
    if not text:
        return Citation("", "", None, NONE)
    if text.startswith("qcity demo generator"):
        return Citation("", "", None, GENERATED)
    m = re.search(r"(\d{4})年" + _PLACE + r"国民经济和社会发展统计公报", text) or re.search(
        _PLACE + r"(\d{4})年国民经济和社会发展统计公报", text
    )
    if m:
        year, place = (m.group(1), m.group(2)) if m.group(1).isdigit() else m.group(2, 1)
        return Citation(
            f"{place}{year}年国民经济和社会发展统计公报", f"{place}统计局", int(year) + 1, OFFICIAL
        )
    when: int | None
    m = re.search(r"(\d{4})\s*年?\s*" + _PLACE + r"(?:人民)?政府工作报告", text)
    if m:
        place, when = m.group(2), int(m.group(1))
    elif m := re.search(_PLACE + r"\s*(\d{4})?\s*年?\s*(?:人民)?政府工作报告", text):
        place, when = m.group(1), int(m.group(2)) if m.group(2) else _year(text, None)
    if m:
        title = f"{place}{when}年政府工作报告" if when else f"{place}政府工作报告"
        return Citation(title, f"{place}人民政府", when, OFFICIAL)
    m = re.search(_PLACE + r"(\d{4})年国民经济和社会发展计划执行情况报告", text)
    if m:
        place, year = m.group(1), int(m.group(2))
        return Citation(
            f"{place}{year}年国民经济和社会发展计划执行情况报告",
            f"{place}发展和改革委员会",
            _year(text, year + 1),
            OFFICIAL,
        )
    m = re.search(r"([\u4e00-\u9fff]{2,3})统计年鉴\s*(\d{4})", text)
    if m:
        province, year = m.group(1), int(m.group(2))
        return Citation(f"{province}统计年鉴{year}", f"{province}省统计局", year, OFFICIAL)
    m = re.search(r"(\d{4})年" + _PLACE + r"生态环境状况公报", text)
    if m:
        year, place = int(m.group(1)), m.group(2)
        return Citation(
            f"{place}{year}年生态环境状况公报", f"{place}生态环境厅", year + 1, OFFICIAL
        )
    for name in PRESS_NAMES:
        if name in text:
            return Citation(name, name, _year(text, None), PRESS)
    return Citation("", "", None, OTHER)


__all__ = ["Citation", "cite"]
