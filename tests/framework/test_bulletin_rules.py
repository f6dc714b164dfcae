"""The ``bulletin`` field of an indicator: validation naming the field, the Liyang rules."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from qcity.framework.bulletin import BulletinRule, BulletinTerm, Derive
from qcity.framework.io import load_framework
from qcity.framework.problems import FrameworkError
from tests.helpers import REPO

LIYANG = REPO / "frameworks" / "liyang.yaml"


def test_rule_defaults_and_operands() -> None:
    rule = BulletinRule(names=["地区生产总值"], measure="growth")
    assert rule.unit is None and rule.derive is None
    d = Derive(op="ratio", numerator="LV01", denominator="LV02")
    assert d.operands() == ("LV01", "LV02")
    term = BulletinTerm(names=["常住人口"], unit="万人")
    d2 = Derive(op="per_capita", total="GDP_CODE", population=term)
    assert d2.operands() == ("GDP_CODE", term)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, r"needs names \(phrasings\) or derive"),
        ({"names": ["  "]}, "empty phrasing"),
        ({"names": ["x"], "measure": "speed"}, "measure"),
        ({"names": ["x"], "measure": "growth", "unit": "亿元"}, "stated in '%'"),
        ({"derive": {"op": "per_capita", "total": "A"}}, "needs population"),
        (
            {"derive": {"op": "ratio", "numerator": "A", "denominator": "B", "total": "C"}},
            "not total",
        ),
        ({"derive": {"op": "sum", "total": "A", "population": "B"}}, "op"),
        ({"derive": {"op": "ratio", "numerator": {"names": ["x"]}, "denominator": "B"}}, "unit"),
    ],
)
def test_bad_rules_are_refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BulletinRule.model_validate(data)


def _liyang_yaml_with(tmp_path: Path, edit: Any) -> Path:
    import yaml

    data = yaml.safe_load(LIYANG.read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    edit(data["root"]["children"][0]["children"][0]["children"][1])  # EC02
    path = tmp_path / "fw.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_loader_names_the_field_of_a_bad_rule(tmp_path: Path) -> None:
    def edit(ec02: dict[str, Any]) -> None:
        assert ec02["code"] == "EC02"
        ec02["bulletin"] = {"names": ["地区生产总值"], "measure": "growth", "unit": "亿元"}

    with pytest.raises(FrameworkError) as info:
        load_framework(_liyang_yaml_with(tmp_path, edit))
    text = str(info.value)
    assert "EC02.bulletin" in text and "'%'" in text


def test_unknown_key_in_a_rule_is_named(tmp_path: Path) -> None:
    def edit(ec02: dict[str, Any]) -> None:
        ec02["bulletin"] = {"names": ["地区生产总值"], "measure": "growth", "phrase": "x"}

    with pytest.raises(FrameworkError) as info:
        load_framework(_liyang_yaml_with(tmp_path, edit))
    assert "EC02.bulletin.phrase" in str(info.value)


def test_liyang_rules_are_in_the_shipped_framework() -> None:
    """The build script writes the rules of tools/liyang_bulletin_rules.py; spot checks
    against the source text of the rules module (names, measures, derivations)."""
    fw = load_framework(LIYANG)
    by_code = {i.code: i for i in fw.indicators()}
    ec01, ec02, lv03 = by_code["EC01"].bulletin, by_code["EC02"].bulletin, by_code["LV03"].bulletin
    assert ec01 is not None and ec02 is not None and lv03 is not None
    assert "人均地区生产总值" in ec01.names and ec01.measure == "level" and ec01.unit == "万元"
    assert ec01.derive is not None and ec01.derive.op == "per_capita"
    total, population = ec01.derive.operands()
    assert isinstance(total, BulletinTerm) and total.unit == "亿元"
    assert isinstance(population, BulletinTerm) and "常住人口" in population.names
    assert ec02.measure == "growth" and "地区生产总值" in ec02.names
    assert lv03.derive is not None and lv03.derive.operands() == ("LV01", "LV02")
    assert by_code["SC01"].bulletin is None  # a survey index: no bulletin states it
    assert fw.version == "2026.2"


def test_scope_words_must_not_be_blank() -> None:
    assert BulletinRule(names=["PM2.5年均浓度"], scope=["县城"]).scope == ["县城"]
    with pytest.raises(ValidationError, match="scope"):
        BulletinRule(names=["PM2.5年均浓度"], scope=[" "])
