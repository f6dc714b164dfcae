"""The framework's monitoring fields: backward compatible, checked by ``qcity validate``."""

from __future__ import annotations

from pathlib import Path

from qcity.framework.io import load_framework
from qcity.framework.validate import validate_text
from tests.framework.conftest import MINIMAL

LIYANG = Path(__file__).resolve().parents[2] / "frameworks" / "liyang.yaml"


def _with(i1_extra: str, top: str = "") -> str:
    text = MINIMAL.replace("          name_en: Indicator one\n",
                           "          name_en: Indicator one\n" + i1_extra)  # fmt: skip
    return text.replace("root:\n", top + "root:\n") if top else text


def test_a_framework_without_monitoring_fields_is_unchanged() -> None:
    assert validate_text(MINIMAL) == []


def test_valid_targets_and_rules() -> None:
    text = _with(
        "          target: {kind: level, value: 10, year: 2025, path: constant_growth,\n"
        "                   source: 十四五规划}\n",
        "monitor:\n  base_year: 2020\n  peer_group: sunan\n"
        "  warnings: {behind_path: {yellow: 3, red: 10}, below_peer_median: green}\n",
    )
    assert [p.format() for p in validate_text(text)] == []


def test_bad_target_fields_are_named() -> None:
    out = validate_text(_with("          target: {kind: level, value: 10, year: 2040}\n"))
    assert any(p.field == "I1.target.year" and "2040" in p.message for p in out)
    out = validate_text(_with("          target: {kind: rank, value: 3, year: 2025}\n"))
    assert any(p.field == "I1.target" and "peer group" in p.message for p in out)
    out = validate_text(_with("          target: {kind: levels, value: 3, year: 2025}\n"))
    assert any(p.field.startswith("I1.target") and "levels" in p.message for p in out)
    out = validate_text(_with("          target: {kind: level, year: 2025}\n"))
    assert any("needs 'value'" in p.message for p in out)
    out = validate_text(
        _with(
            "          targets: {2025: 9}\n          target: {kind: level, value: 10, year: 2025}\n"
        )
    )
    assert any("same year" in p.message for p in out)
    out = validate_text(
        _with(
            "          plausible_range: [0, 10]\n"
            "          direction: {band: [5, 20]}\n"
            "          target: {kind: band, band: [5, 20], year: 2025}\n"
        )
    )
    assert [p.severity for p in out if "band" in p.message] == ["warning"]
    assert "plausible_range" in next(p.message for p in out if "band" in p.message)
    out = validate_text(_with("", "monitor: {base_year: 2019, warnings: {late: purple}}\n"))
    assert any(p.field == "monitor.base_year" for p in out)
    assert any("late" in p.field for p in out)


def test_liyang_targets_follow_the_text() -> None:
    fw = load_framework(LIYANG)
    assert fw.monitor is not None and fw.monitor.peer_group == "sunan"
    with_target = {i.code: i for i in fw.indicators() if i.target is not None}
    assert {"EC01", "EC02", "EC03", "SC01", "PS04"} <= set(with_target)
    for ind in with_target.values():
        assert ind.target is not None and ind.target.source, ind.code
        assert ind.target.source.startswith("原文")  # each quotes the source text
        if ind.target.kind in ("level", "band", "rank"):
            assert ind.target.assumed and "假设" in ind.target.source, ind.code
    assert fw.root.target is not None and "一年一个台阶" in (fw.root.target.source or "")
