"""The monitoring table on small hand-made evaluations and on the demo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pytest

from qcity.engine.evaluation import Evaluation
from qcity.framework.model import Framework
from qcity.monitor import monitor, monitor_table
from qcity.monitor.table import MONITOR_COLUMNS, MonitorError


def _framework(frequency: str = "annual") -> Framework:
    return Framework.model_validate(
        {
            "code": "t", "version": "1", "name_zh": "测", "name_en": "T",
            "valid_from": 2015, "valid_to": 2035,
            "monitor": {"base_year": 2020, "peer_group": "g"},
            "root": {
                "code": "index", "name_zh": "总", "name_en": "Index",
                "target": {"kind": "not_worse"},
                "children": [
                    {"code": "A", "name_zh": "甲", "name_en": "A", "unit": "元",
                     "department": "财政局 / Finance", "frequency": frequency,
                     "target": {"kind": "level", "value": 200, "year": 2030}},
                    {"code": "B", "name_zh": "乙", "name_en": "B", "direction": -1,
                     "department": "环保局 / Environment", "frequency": frequency,
                     "plausible_range": [0, 100], "target": {"kind": "not_worse"}},
                    {"code": "C", "name_zh": "丙", "name_en": "C", "frequency": frequency,
                     "department": "统计局 / Statistics",
                     "direction": {"band": [5, 7]}},
                ],
            },
        }
    )  # fmt: skip


def _data(periods: list[str], rows: dict[str, dict[str, list[float]]]) -> pd.DataFrame:
    out = []
    for unit, codes in rows.items():
        for code, values in codes.items():
            out += [(unit, code, p, v) for p, v in zip(periods, values, strict=True)]
    return pd.DataFrame(out, columns=["unit", "indicator", "period", "value"])


YEARS = ["2020", "2021", "2022", "2023", "2024"]
NAN = float("nan")


@dataclass
class _Inputs:
    data: pd.DataFrame
    groups: pd.DataFrame | None
    as_of: datetime | None = None


@dataclass
class _Result:
    """What ``qcity.service.evaluation.evaluate`` returns, as far as monitoring reads it."""

    evaluation: Evaluation
    inputs: Any


def _result(as_of: datetime | None = None) -> _Result:
    data = _data(
        YEARS,
        {
            # A: 100 -> 160 by 2024 towards 200 in 2030; B: falling (good) but 2024 missing;
            # C: 3 -> 8 overshoots the band [5, 7]
            "u1": {
                "A": [100, 115, 130, 145, 160],
                "B": [50, 48, 46, 45, NAN],
                "C": [3, 4, 5, 6, 8],
            },
            "u2": {"A": [90, 100, 110, 120, 130], "B": [30, 30, 30, 30, 30], "C": [6, 6, 6, 6, 6]},
            "u3": {"A": [200, 210, 220, 230, 240], "B": [60, 60, 60, 60, 60], "C": [5, 5, 5, 5, 5]},
        },
    )
    data["status"] = "final"
    data.loc[(data["unit"] == "u1") & (data["indicator"] == "A"), "status"] = "illustrative"
    groups = pd.DataFrame({"group": ["g"] * 3, "unit_code": ["u1", "u2", "u3"]})
    ev = Evaluation(_framework(), data.dropna(subset=["value"])).run()
    return _Result(ev, _Inputs(data, groups, as_of))


def test_the_table_has_the_contract_columns_and_hand_worked_values() -> None:
    m = monitor(_result(datetime(2026, 1, 1, tzinfo=UTC)), "u1", 2024)
    assert list(m.table.columns) == MONITOR_COLUMNS
    rows = m.table.set_index("indicator")
    a = rows.loc["A"]
    assert (a["value"], a["target"], a["target_year"]) == (160, 200, 2030)
    # 实现程度 160/200; 进度 (gap closed since the 2020 baseline) (160 - 100)/(200 - 100)
    assert a["attainment"] == pytest.approx(0.8)
    assert a["gap_closed"] == pytest.approx(0.6)
    # observed CAGR 1.6^(1/4) - 1 = 12.5 % over required 2^(1/10) - 1 = 7.2 %: on track
    assert a["progress_class"] == "on_track"
    # path 100 + 100 * 4/10 = 140 in 2024: ahead; above the peers' median (130, 240 -> 185)?
    # no: 160 < 185, so a yellow warning below the peer median
    assert a["warning"] == "yellow" and "median" in a["message_en"]
    assert a["message_en"].endswith("[illustrative data]") and "示例数据" in a["message_zh"]
    assert a["department"] == "财政局 / Finance"
    assert m.peers == ["u2", "u3"]
    # feasibility: 200/160 over 6 years needs 3.79 % a year; u1 grew 100 -> 145 in 3 years
    # at best (13.2 % a year): within history. At +15 a year the line reaches 200 in 2026.67.
    d = m.details.set_index("indicator").loc["A"]
    assert d["required_rate"] == pytest.approx(1.25 ** (1 / 6) - 1)
    assert d["city_best_3y"] == pytest.approx(1.45 ** (1 / 3) - 1)
    assert d["feasibility"] == "within_history"
    assert d["met_year_linear"] == pytest.approx(2024 + 40 / 15)
    assert d["present_pace"] == "2027"


def test_missing_year_negative_indicator_and_band_overshoot() -> None:
    rows = monitor(_result(datetime(2026, 1, 1, tzinfo=UTC)), "u1", 2024).table.set_index(
        "indicator"
    )
    b = rows.loc["B"]
    # no 2024 value, deadline (2024-12-31 + 6 months) passed: late, red
    assert pd.isna(b["value"]) and b["warning"] == "red" and "2023" in b["message_en"]
    # its target is "not worse than last year": with no value this year there is nothing to
    # judge (the trend 50 -> 45 since the base year does not answer that question)
    assert pd.isna(b["progress_class"])
    c = rows.loc["C"]
    # band [5, 7]: 8 is 1 above (1/7 = 14 % -> yellow); 实现程度 above a band is hi/x = 7/8;
    # gap from 3 (2 below) half closed
    assert c["attainment"] == pytest.approx(7 / 8)
    assert c["gap_closed"] == pytest.approx(0.5)
    assert c["warning"] == "yellow" and "band" in c["message_en"]
    assert c["target"] == 7 and not c["message_en"].endswith("[illustrative data]")
    # before the deadline the missing value is only pending: yellow
    early = monitor(_result(datetime(2025, 3, 1, tzinfo=UTC)), "u1", 2024).table
    assert early.set_index("indicator").loc["B", "warning"] == "yellow"


def test_a_target_already_met_and_the_progress_scores() -> None:
    rows = monitor(_result(), "u3", 2024)
    a = rows.table.set_index("indicator").loc["A"]
    assert a["progress_class"] == "target_achieved" and a["attainment"] == 1.0
    # the base (200 in 2020) had met the target 200 already: no gap, no 进度
    assert pd.isna(a["gap_closed"])
    assert a["warning"] == "green"
    scores = rows.progress.set_index("node")
    assert scores.loc["index", "indicators"] == 3
    assert -5 <= scores.loc["index", "score"] <= 5


def test_quarterly_data() -> None:
    quarters = ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2"]
    data = _data(
        quarters,
        {
            "u1": {"A": [100, 101, 102, 103, 104, 105], "B": [50] * 6, "C": [6] * 6},
            "u2": {"A": [100] * 6, "B": [40] * 6, "C": [6] * 6},
        },
    )
    fw = _framework("quarterly").model_copy(update={"monitor": None})
    ev = Evaluation(fw, data).run()
    table = monitor_table(ev, "u1", "2024Q2")
    a = table.set_index("indicator").loc["A"]
    assert a["period"] == "2024Q2" and a["value"] == 105
    # from 2023Q1 (the first data, no base year set) to 2024Q2 is 1.25 years:
    # 100 -> 105 is 1.05^(1/1.25) - 1 = 4.0 % a year against 2^(1/6.875) - 1 = 10.6 % needed
    assert a["progress_class"] == "limited_progress"
    # the year of a quarterly series is its latest quarter in that year
    assert monitor_table(ev, "u1", 2024).set_index("indicator").loc["A", "period"] == "2024Q2"
    # last year: the same quarter a year before (2023Q2: 101 -> 105, better)
    assert "worse than last year" not in a["message_en"]


def test_bad_requests_name_what_is_wrong() -> None:
    res = _result()
    with pytest.raises(MonitorError, match="unit 'nobody'"):
        monitor(res, "nobody", 2024)
    with pytest.raises(MonitorError, match="unknown unit group 'h'"):
        monitor(res, "u1", 2024, group="h")
    with pytest.raises(MonitorError, match="no data for period 24;"):
        monitor(res, "u1", "24")
    with pytest.raises(ValueError, match="quarter"):
        monitor(res, "u1", "2024-13")


def test_not_worse_than_last_year_is_judged_against_last_year() -> None:
    # B (lower is better, target "not worse than last year"): u2 flat at 30 is not worse;
    # u3 flat at 60 too. In u1 2023, 45 after 46 is better: achieved.
    rows = monitor(_result(), "u1", 2023).table.set_index("indicator")
    assert rows.loc["B", "progress_class"] == "target_achieved"
    assert rows.loc["B", "target"] == 46 and rows.loc["B", "attainment"] == 1.0
    assert pd.isna(rows.loc["B", "gap_closed"])
    # C rises 5 -> 6 -> 8 ... and the index composite has a not_worse target: worse than last
    # year is deterioration, whatever the trend since the base year
    worse = _result()
    data = worse.inputs.data.copy()
    data.loc[(data["unit"] == "u1") & (data["indicator"] == "B") & (data["period"] == "2023"),
             "value"] = 47.0  # fmt: skip
    ev = Evaluation(_framework(), data.dropna(subset=["value"])).run()
    b = monitor(_Result(ev, _Inputs(data, worse.inputs.groups)), "u1", 2023).table
    b = b.set_index("indicator").loc["B"]
    # 50 -> 47 since 2020 is progress for a lower-is-better indicator, but 47 after 46 is worse
    assert b["progress_class"] == "deterioration"
    assert b["attainment"] == pytest.approx(46 / 47)
