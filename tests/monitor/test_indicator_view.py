"""The indicator outlook (the dashboard's indicator view as numbers) on the hand-made
evaluation of test_table: the monitor's path, the band, the linear forecast."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qcity.monitor.indicator_view import FORECAST_YEARS, indicator_outlook
from qcity.monitor.table import monitor
from tests.monitor.test_table import _result


def test_a_level_target_has_the_monitors_path_and_a_linear_forecast() -> None:
    res = _result(datetime(2026, 1, 1, tzinfo=UTC))
    mon = monitor(res, "u1", 2024)
    fw = res.evaluation.framework
    out = indicator_outlook(res, mon, fw.find("A"))  # type: ignore[arg-type]
    assert out is not None and (out.kind, out.period, out.unit) == ("level", "2024", "u1")
    # 100 in the base year 2020 to 200 in 2030, straight: 10 a year; 140 in 2024
    assert out.path == [(str(y), 100.0 + 10 * (y - 2020)) for y in range(2020, 2031)]
    assert out.path_value == pytest.approx(140.0)
    # 100, 115, ..., 160 lie on a line of slope 15: 175 in 2025 ... 250 in the goal year
    assert [p.period for p in out.forecast] == [str(y) for y in range(2025, 2031)]
    assert [p.value for p in out.forecast] == pytest.approx([175, 190, 205, 220, 235, 250])
    assert out.band is None and out.feasibility == "within_history"


def test_a_band_and_not_worse_have_no_path() -> None:
    res = _result()
    mon = monitor(res, "u1", 2024)
    fw = res.evaluation.framework
    band = indicator_outlook(res, mon, fw.find("C"))  # type: ignore[arg-type]
    assert band is not None and band.kind == "band" and band.band == (5.0, 7.0)
    assert band.path == []
    # without a goal year the forecast runs FORECAST_YEARS past the last known year
    assert [p.period for p in band.forecast] == [str(2024 + i) for i in range(1, 4)]
    assert len(band.forecast) == FORECAST_YEARS
    worse = indicator_outlook(res, mon, fw.find("B"))  # type: ignore[arg-type]
    assert worse is not None and worse.kind == "not_worse" and worse.path == []


def test_the_service_finds_the_indicator_and_says_when_it_is_not_one() -> None:
    from qcity.errors import NotFound
    from qcity.service.indicator import indicator_outlook as outlook

    res = _result()
    out = outlook(res, "A", unit="u1")  # type: ignore[arg-type]
    assert out is not None and out.period == "2024" and out.path_value == pytest.approx(140.0)
    with pytest.raises(NotFound, match="no indicator 'index'"):
        outlook(res, "index", unit="u1")  # type: ignore[arg-type]
