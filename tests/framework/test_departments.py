"""Which department holds which indicator: bilingual department names, denominators."""

from __future__ import annotations

from qcity.framework.departments import department_of, held_by, same_department
from qcity.framework.model import Framework

STATS = "统计局 / Statistics Bureau"
FINANCE = "财政局 / Finance Bureau"


def _framework() -> Framework:
    return Framework.model_validate(
        {
            "code": "t", "version": "1", "name_zh": "测试", "name_en": "test",
            "valid_from": 2020, "valid_to": 2030,
            "root": {
                "code": "idx", "name_zh": "指数", "name_en": "index",
                "children": [
                    {"code": "GDP", "name_zh": "地区生产总值", "name_en": "GDP",
                     "department": STATS},
                    {"code": "REV", "name_zh": "财政收入", "name_en": "revenue",
                     "department": FINANCE, "denominator": {"series": "POP"}},
                ],
            },
        }
    )  # fmt: skip


def test_a_clerk_holds_the_department_by_either_half_of_its_name() -> None:
    assert same_department(STATS, "统计局")
    assert same_department(STATS, "Statistics Bureau")
    assert same_department(STATS, STATS)
    assert not same_department(STATS, "统计")  # a part of a name is not the name
    assert not same_department(STATS, None)
    assert not same_department(None, "统计局")


def test_a_denominator_series_belongs_to_the_department_of_its_indicator() -> None:
    fw = _framework()
    assert department_of(fw) == {"GDP": STATS, "REV": FINANCE, "POP": FINANCE}
    assert held_by(fw, "财政局") == {"REV", "POP"}
    assert held_by(fw, "统计局") == {"GDP"}
    assert held_by(fw, None) == set()
