"""Early-warning rules (预警), worked by hand."""

from __future__ import annotations

import math

from qcity.framework.targets import BehindPath, WarningRules
from qcity.monitor.warnings import Facts, behind_pct, evaluate_rules, kind_of, summarise

RULES = WarningRules()  # behind the path by > 5 % yellow, > 15 % red


def _colour(f: Facts, rules: WarningRules = RULES) -> tuple[str, list[str]]:
    fired = evaluate_rules(f, rules)
    return summarise(fired)[0], [r[0] for r in fired]


def test_behind_the_target_path() -> None:
    # path 100, value 90: 10 % behind -> yellow; 80: 20 % -> red; 97: 3 % -> green
    assert _colour(Facts("2024", 90.0, 1, path_value=100.0)) == ("yellow", ["behind_path"])
    assert _colour(Facts("2024", 80.0, 1, path_value=100.0)) == ("red", ["behind_path"])
    assert _colour(Facts("2024", 97.0, 1, path_value=100.0)) == ("green", [])
    # a negative indicator above its path: 44 against 40 is 10 % behind
    assert behind_pct(Facts("2024", 44.0, -1, path_value=40.0)) == 10.0
    assert _colour(Facts("2024", 36.0, -1, path_value=40.0)) == ("green", [])
    # a path at zero: the baseline is the scale, (0 - -3)/|-6| = 50 %
    assert behind_pct(Facts("2024", -3.0, 1, path_value=0.0, base_value=-6.0)) == 50.0
    strict = WarningRules(behind_path=BehindPath(yellow=1, red=2))
    assert _colour(Facts("2024", 97.0, 1, path_value=100.0), strict)[0] == "red"


def test_band_overshoot_is_behind() -> None:
    # band [5, 7]; 8 is 1 above the upper edge: 1/7 = 14.3 % -> yellow
    f = Facts("2024", 8.0, 1, band=(5.0, 7.0))
    assert behind_pct(f) == 100 / 7
    assert _colour(f) == ("yellow", ["behind_path"])
    assert _colour(Facts("2024", 6.0, 1, band=(5.0, 7.0), previous=8.0)) == ("green", [])
    # further from the band than last year
    assert (
        "worse_than_last_year" in _colour(Facts("2024", 9.0, 1, band=(5.0, 7.0), previous=8.0))[1]
    )


def test_worse_than_last_year_and_below_the_peer_median() -> None:
    assert _colour(Facts("2024", 9.0, 1, previous=10.0)) == ("yellow", ["worse_than_last_year"])
    assert _colour(Facts("2024", 9.0, -1, previous=10.0)) == ("green", [])  # fell: better
    assert _colour(Facts("2024", 9.0, 1, peer_median=10.0)) == ("yellow", ["below_peer_median"])
    assert _colour(Facts("2024", 9.0, -1, peer_median=10.0)) == ("green", [])
    off = WarningRules(worse_than_last_year="green")
    assert _colour(Facts("2024", 9.0, 1, previous=10.0), off) == ("green", [])


def test_missing_or_late_data() -> None:
    pending = Facts("2024", math.nan, 1, deadline_passed=False, last_period="2023")
    assert _colour(pending) == ("yellow", ["missing"])
    late = Facts("2024", math.nan, 1, deadline_passed=True, last_period="2023")
    colour, zh, en = summarise(evaluate_rules(late, RULES))
    assert colour == "red" and "逾期" in zh and "2023" in en and "overdue" in en


def test_implausible_value_and_the_worst_colour_wins() -> None:
    f = Facts("2024", 150.0, 1, plausible=(0.0, 100.0), previous=160.0)
    colour, zh, en = summarise(evaluate_rules(f, RULES))
    assert colour == "red"
    assert en.startswith("value 150 outside the plausible range")  # red first
    assert "worse than last year" in en and "合理范围" in zh
    assert summarise([]) == ("green", "正常，无预警", "no warning")


def test_each_light_says_why_it_is_on() -> None:
    # behind the path (yellow) and below the peers (yellow): the target risk is named
    both = Facts("2024", 90.0, 1, path_value=100.0, peer_median=95.0)
    fired = evaluate_rules(both, RULES)
    assert {r[0] for r in fired} == {"behind_path", "below_peer_median"}
    assert kind_of(fired) == "target"
    # only behind the peers: benchmark; only worse than last year: trend ...
    assert kind_of(evaluate_rules(Facts("2024", 90.0, 1, peer_median=95.0), RULES)) == "benchmark"
    worse = evaluate_rules(Facts("2024", 90.0, 1, previous=92.0), RULES)
    assert kind_of(worse) == "trend"
    # ... unless the target is "not worse than last year": then it is the target's risk
    assert kind_of(worse, "not_worse") == "target"
    # a missing value is a data problem; nothing fired, no kind
    assert kind_of(evaluate_rules(Facts("2024", math.nan, 1), RULES)) == "data"
    assert kind_of([]) is None
    # the worst colour decides: red below the peers beats a yellow path
    rules = WarningRules(below_peer_median="red")
    assert kind_of(evaluate_rules(both, rules)) == "benchmark"
