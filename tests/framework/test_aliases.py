"""Indicator ``aliases`` and ``conversions``: every problem with file, line and field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qcity.framework.aliases import name_key, per_scale
from qcity.framework.io import framework_to_yaml, load_framework, parse_framework
from qcity.framework.problems import Problem
from qcity.framework.validate import validate_file
from tests.framework.conftest import MINIMAL, line_of, with_indicator
from tests.helpers import REPO

Write = Callable[..., Path]


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [p.format() for p in problems]
    return problems[0]


def test_aliases_and_conversions_are_valid(write: Write) -> None:
    text = with_indicator("aliases: [指标二甲, 指标二乙]\nconversions: {每万人指标二: 0.1}")
    assert validate_file(write(text)) == []
    fw = parse_framework(text)
    assert fw.indicators()[1].aliases == ["指标二甲", "指标二乙"]
    assert fw.indicators()[1].conversions == {"每万人指标二": 0.1}


def test_alias_shared_by_two_indicators(write: Write) -> None:
    i1 = "          name_en: Indicator one\n"
    text = with_indicator("aliases: [共 同 名]").replace(i1, i1 + "          aliases: [共同名]\n")
    p = only(validate_file(write(text)))
    assert p.line == line_of(text, "aliases: [共 同 名]")
    assert p.field == "I2.aliases[0]"
    assert "'I1'" in p.message and f"line {line_of(text, 'aliases: [共同名]')}" in p.message


def test_alias_equal_to_another_indicators_name(write: Write) -> None:
    text = with_indicator("aliases: [指标一]")
    p = only(validate_file(write(text)))
    assert p.field == "I2.aliases[0]" and "also names 'I1'" in p.message


def test_alias_with_another_denominator(write: Write) -> None:
    text = with_indicator("aliases: [每万人指标二]").replace(
        "name_zh: 指标二", "name_zh: 每千人指标二"
    )
    p = only(validate_file(write(text)))
    assert p.line == line_of(text, "aliases: [每万人指标二]")
    assert "per 万" in p.message and "per 千" in p.message and "conversions" in p.hint


@pytest.mark.parametrize("factor", ["0", "-0.1", ".nan"])
def test_conversion_factor_must_be_positive(write: Write, factor: str) -> None:
    text = with_indicator(f"conversions: {{每万人指标二: {factor}}}")
    p = only(validate_file(write(text)))
    assert p.field == "I2.conversions.每万人指标二" and "factor" in p.message


def test_empty_alias(write: Write) -> None:
    p = only(validate_file(write(with_indicator('aliases: [" "]'))))
    assert p.field == "I2.aliases[0]" and "empty" in p.message


def test_name_key_and_per_scale() -> None:
    assert name_key("ＥＣ０１ 人 均\u3000GDP") == "ec01人均gdp"
    assert per_scale("每万人全科医生数") == "万"
    assert per_scale("每千常住人口医疗卫生机构床位数") == "千"
    assert per_scale("人均地区生产总值") == ""


def test_liyang_aliases_come_from_the_tools_module() -> None:
    fw = load_framework(REPO / "frameworks" / "liyang.yaml")
    by_code = {i.code: i for i in fw.indicators()}
    assert "人均GDP" in by_code["EC01"].aliases
    assert "森林覆盖率" not in by_code["EN04"].aliases  # a different measure
    assert validate_file(REPO / "frameworks" / "liyang.yaml") == []


def test_empty_aliases_are_left_out_of_the_yaml() -> None:
    text = framework_to_yaml(parse_framework(MINIMAL))
    assert "aliases" not in text and "conversions" not in text
