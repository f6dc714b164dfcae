"""Numbers as Chinese and English readers expect them (qcity.web.fmt)."""

from __future__ import annotations

import math

import pytest

from qcity.web import fmt


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (123456789, "1.23亿"),  # 1.23456789 × 10^8
        (250000000, "2.5亿"),  # trailing zero dropped
        (100000000, "1亿"),
        (45600, "4.56万"),  # 4.56 × 10^4
        (212641, "21.26万"),  # 21.2641 × 10^4 -> 2 decimals
        (-25000, "-2.5万"),
        (9999, "9999"),  # below 1万: as it is
        (3.14159, "3.14"),
        (6.0, "6"),
        (0, "0"),
    ],
)
def test_chinese_amounts_in_wan_and_yi(x: float, text: str) -> None:
    assert fmt.number(x, "zh") == text


@pytest.mark.parametrize(
    ("x", "text"),
    [(123456.7, "123,457"), (1234.5, "1,234.5"), (3.14159, "3.14"), (6.0, "6")],
)
def test_english_amounts_with_separators(x: float, text: str) -> None:
    assert fmt.number(x, "en") == text


@pytest.mark.parametrize("missing", [None, math.nan])
def test_missing_values_show_a_dash(missing: float | None) -> None:
    assert fmt.number(missing) == fmt.DASH
    assert fmt.score(missing) == fmt.DASH
    assert fmt.points(missing) == fmt.DASH
    assert fmt.change(missing) == fmt.DASH
    assert fmt.rank(missing) == fmt.DASH
    assert fmt.value_with_unit(missing, "元") == fmt.DASH


def test_percentage_points() -> None:
    assert fmt.points(1.26, "zh") == "+1.3个百分点"
    assert fmt.points(-0.4, "zh") == "-0.4个百分点"
    assert fmt.points(1.26, "en") == "+1.3 pp"
    # a change that rounds to zero has no sign
    assert fmt.points(-0.01, "zh") == "0.0个百分点"
    assert fmt.change(0.04) == "0.0"
    assert fmt.change(2.46) == "+2.5"


def test_scores_ranks_and_units() -> None:
    assert fmt.score(66.649) == "66.6"
    assert fmt.rank(3, 10, "zh") == "第3名/10"
    assert fmt.rank(3, 10, "en") == "3 of 10"
    assert fmt.rank(1, None, "zh") == "第1名"
    assert fmt.value_with_unit(212641, "元", "zh") == "21.26万元"
    assert fmt.value_with_unit(212641, "元", "en") == "212,641 元"
    assert fmt.value_with_unit(3.35, "%", "en") == "3.35%"
