"""Reading and writing framework YAML."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcity.framework.io import (
    FrameworkError,
    dump_framework,
    framework_to_yaml,
    load_framework,
    parse_framework,
)
from qcity.framework.model import Framework, Indicator, Moderate, Node
from tests.framework.conftest import MINIMAL, line_of, with_indicator

pytestmark = pytest.mark.usefixtures("fake_methods")

Write = Callable[..., Path]

RICH = with_indicator(
    """\
unit: '%'
goalposts: {lo: 0, hi: 100}
plausible_range: [0, null]
targets: {2025: 40.5, 2030: 60}
denominator: {series: population, scale: 10000}
transform: {method: log}
levels: [city, town]
goal: "目标: 提高"
normalise: {method: zscore, scope: pooled}"""
).replace("direction: -1", "direction: {band: [4, 6]}") + (
    "description: |\n  第一行\n  second line\n"
    "pipeline:\n  screen: {method: availability, params: {unit_threshold: 0.5}}\n"
    "defaults:\n  aggregate: {method: geometric}\n"
)


def test_load_builds_the_model(write: Write) -> None:
    fw = load_framework(write(MINIMAL))
    assert isinstance(fw, Framework)
    assert [i.code for i in fw.indicators()] == ["I1", "I2"]
    assert fw.find("I2").direction == -1  # type: ignore[union-attr]
    assert isinstance(fw.root.children[0], Node)


def test_load_rich_fields(write: Write) -> None:
    fw = load_framework(write(RICH))
    i2 = fw.find("I2")
    assert isinstance(i2, Indicator)
    assert i2.direction == Moderate(band=(4, 6))
    assert i2.targets == {2025: 40.5, 2030: 60.0}
    assert i2.plausible_range == (0, None)
    assert fw.resolved("I2", "normalise").scope == "pooled"
    assert fw.resolved("I1", "aggregate").method == "geometric"


def test_round_trip_load_dump_load(write: Write, tmp_path: Path) -> None:
    fw = load_framework(write(RICH))
    out = tmp_path / "out.yaml"
    dump_framework(fw, out)
    assert load_framework(out) == fw


def test_dump_is_readable_utf8_in_model_key_order(write: Write, tmp_path: Path) -> None:
    fw = load_framework(write(RICH))
    out = tmp_path / "out.yaml"
    dump_framework(fw, out)
    text = out.read_text(encoding="utf-8")
    assert "测试体系" in text and "\\u" not in text
    top_keys = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert top_keys == [k for k in Framework.model_fields if k in top_keys]
    assert "levels: [city, town]" in text
    assert "band: [4.0, 6.0]" in text
    assert "description: |" in text
    assert "params: {}" not in text and "department" not in text  # unset fields left out


def test_dump_reads_back_as_plain_yaml() -> None:
    fw = parse_framework(MINIMAL)
    assert Framework.model_validate(yaml.safe_load(framework_to_yaml(fw))) == fw


def test_parse_framework_raises_with_every_error() -> None:
    text = with_indicator("weight: -1\ngoalposts: {lo: 2, hi: 1}")
    with pytest.raises(FrameworkError) as info:
        parse_framework(text, "bad.yaml")
    problems = info.value.problems
    assert [p.field for p in problems] == ["I2.weight", "I2.goalposts"]
    message = str(info.value)
    assert message.startswith("2 problems in framework")
    assert f"bad.yaml:{line_of(text, 'weight: -1')}: [I2.weight]" in message


def test_load_framework_raises_for_schema_error(write: Write) -> None:
    with pytest.raises(FrameworkError, match="unknown key 'colour'"):
        load_framework(write(MINIMAL + "colour: red\n"))


def test_load_framework_raises_for_missing_or_non_utf8_file(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError, match="file not found"):
        load_framework(tmp_path / "missing.yaml")
    bad = tmp_path / "gbk.yaml"
    bad.write_bytes(MINIMAL.encode("gbk"))
    with pytest.raises(FrameworkError, match="not valid UTF-8"):
        load_framework(bad)


def test_warnings_do_not_stop_loading(write: Write, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="qcity.framework.io"):
        fw = load_framework(write(with_indicator("denominator: {series: D1}")))
    assert fw.find("I2").denominator.series == "D1"  # type: ignore[union-attr]
    assert "aggregate node code" in caplog.text


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=_text,
    weight=st.floats(0, 1e6, allow_nan=False),
    target=st.floats(-1e9, 1e9, allow_nan=False),
    unit=st.sampled_from(["", "%", "元", "yes", "null", "1.0", "a: b", "#x"]),
)
def test_round_trip_any_text_and_numbers(
    name: str, weight: float, target: float, unit: str
) -> None:
    fw = parse_framework(MINIMAL)
    ind = fw.find("I1")
    assert isinstance(ind, Indicator)
    changed = fw.model_copy(deep=True)
    new = ind.model_copy(
        update={"name_zh": name, "weight": weight, "unit": unit, "targets": {2025: target}}
    )
    changed.root.children[0].children[0] = new  # type: ignore[union-attr]
    assert Framework.model_validate(yaml.safe_load(framework_to_yaml(changed))) == changed
