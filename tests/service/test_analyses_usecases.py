"""The analyses' use cases (``qcity.service.compare``, ``robust``, ``robustness``,
``monitoring``) called directly, as ``qcity compare / path / robust / monitor`` and the
dashboard call them: keyword-only options, typed results, the rules they hold (which
peers, which spec, which runner, which year, what "a year earlier" means) and the kinds
of ``qcity.errors`` they raise, refused before anything is evaluated.

Benchmarking and robustness on COINr's ASEM example (files, one year, 51 countries);
monitoring on the Liyang demo database (SQLite, read only)."""

from __future__ import annotations

import shutil
from dataclasses import FrozenInstanceError, replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from qcity import errors
from qcity.framework.io import load_framework
from qcity.frameworks import framework_path
from qcity.robust import distributed
from qcity.service.compare import (
    Comparison,
    PathPlan,
    PeerSelectionError,
    compare_unit,
    evaluate_peers,
    path_to_rank,
)
from qcity.service.evaluation import EvaluationResult
from qcity.service.monitoring import (
    Attribution,
    MonitorRun,
    explain_change,
    monitor_result,
    monitor_unit,
)
from qcity.service.robust import (
    ChosenSpec,
    NoShippedSpec,
    RobustnessRun,
    choose_spec,
    robustness_analysis,
)
from qcity.service.robustness import band_sensitivity, band_table, rank_bands, unit_band
from tests.helpers import ASEM, asem_inputs

SPEC = ASEM / "robust.yaml"
LIYANG = load_framework(framework_path("liyang"))


@pytest.fixture(scope="module")
def asem() -> EvaluationResult:
    """The ASEM countries evaluated as peers of Austria (all of them: no levels)."""
    fw, inp = asem_inputs()
    return evaluate_peers(fw, inp, unit="AUT")


# -- benchmarking ---------------------------------------------------------------------------


def test_evaluate_peers_selects_then_evaluates() -> None:
    fw, inp = asem_inputs()
    result = evaluate_peers(fw, inp, unit="AUT")
    assert isinstance(result, EvaluationResult)
    assert set(result.evaluation.scores()["unit"].astype(str)) == set(inp.data["unit"])
    with pytest.raises(TypeError):
        evaluate_peers(fw, inp, "AUT")  # type: ignore[misc]
    with pytest.raises(errors.InputError, match="'ATLANTIS'"):
        evaluate_peers(fw, inp, unit="ATLANTIS")
    alone = replace(inp, data=inp.data[inp.data["unit"] == "AUT"])
    with pytest.raises(PeerSelectionError, match="needs peers") as caught:
        evaluate_peers(fw, alone, unit="AUT")
    assert isinstance(caught.value, errors.InputError)
    assert caught.value.options == ("group", "level")


def test_compare_unit_gives_the_table_strengths_and_years(asem: EvaluationResult) -> None:
    found = compare_unit(asem, unit="AUT", k=3, years=True)
    assert isinstance(found, Comparison)
    assert (found.unit, found.period, found.k) == ("AUT", "2018", 3)
    index = found.table.iloc[0]
    assert index["node"] == asem.framework.root.code and index["n"] == 51
    assert index["gap_to_threshold"] == index["score"] - index["threshold"]
    assert found.table["rank_low"].isna().all() and found.bands is None
    assert found.samples is None
    assert found.strengths is not None and found.strengths["weighted"].is_monotonic_decreasing
    assert found.years is not None and set(found.years["period"]) == {"2018"}
    with pytest.raises(FrozenInstanceError):
        found.k = 5  # type: ignore[misc]
    # the dashboard asks for the table only
    bare = compare_unit(asem, unit="AUT", year=2018, strengths=False)
    assert bare.strengths is None and bare.years is None and bare.k == 5
    with pytest.raises(TypeError):
        compare_unit(asem, "AUT")  # type: ignore[misc]


def test_compare_unit_refuses_what_it_cannot_compare(asem: EvaluationResult) -> None:
    with pytest.raises(errors.InputError, match="'ATLANTIS'"):
        compare_unit(asem, unit="ATLANTIS")
    with pytest.raises(errors.InputError, match="2031"):
        compare_unit(asem, unit="AUT", year=2031)
    with pytest.raises(errors.BadValue, match="k must be at least 1"):
        compare_unit(asem, unit="AUT", k=0)
    # bands need a spec: ASEM ships none
    with pytest.raises(NoShippedSpec) as caught:
        compare_unit(asem, unit="AUT", bands=True)
    assert isinstance(caught.value, errors.NotFound)
    assert "--spec" not in str(caught.value)  # the CLI names its own option


def test_compare_unit_with_rank_bands_in_whole_ranks(asem: EvaluationResult) -> None:
    """A spec implies the bands; a 95th percentile between two ranks (20 samples) is
    rounded up, the 5th down, so the band holds the interval (it used to stop
    ``qcity compare --bands`` with an internal error)."""
    found = compare_unit(asem, unit="AUT", spec=SPEC, samples=20, strengths=False)
    assert isinstance(found.bands, ChosenSpec) and found.bands.path == SPEC
    assert found.samples == 20 and not found.bands.shipped
    index = found.table.iloc[0]
    bands = rank_bands(asem.evaluation, period="2018", samples=20, spec=found.bands)
    assert bands is not None
    stats = bands.result.rank_stats.set_index("unit")
    assert index["rank_low"] <= stats.loc["AUT", "q05"] < index["rank_low"] + 1
    assert index["rank_high"] - 1 < stats.loc["AUT", "q95"] <= index["rank_high"]
    k = int(index["k"])
    tier = "in" if index["rank_high"] <= k else "out" if index["rank_low"] > k else "uncertain"
    assert index["tier"] == tier
    table = band_table(bands)
    assert list(table.columns) == ["unit", "node", "period", "rank_low", "rank_high"]
    band = unit_band(bands, "AUT")
    assert band is not None
    assert (band.low, band.high) == (index["rank_low"], index["rank_high"])


def test_path_to_rank_holds_the_target_and_the_other_choices(asem: EvaluationResult) -> None:
    found = path_to_rank(asem, unit="AUT", horizon=1.0)
    assert isinstance(found, PathPlan)
    before = found.plan.rank_before
    assert found.rank == before - 1 and found.period == "2018" and not found.already
    assert found.choices == tuple(sorted({max(before - 2, 1), 1} - {found.rank}))
    leader = path_to_rank(
        asem, unit=str(compare_unit(asem, unit="AUT").table.iloc[0]["leader_unit"])
    )
    assert leader.rank == 1 and leader.already and leader.choices == ()
    assert leader.plan.table.empty
    with pytest.raises(TypeError):
        path_to_rank(asem, "AUT")  # type: ignore[misc]
    with pytest.raises(errors.BadValue):
        path_to_rank(asem, unit="AUT", up=0)
    with pytest.raises(errors.InputError, match="2031"):
        path_to_rank(asem, unit="AUT", year=2031)


# -- robustness ------------------------------------------------------------------------------


def test_choose_spec_the_file_else_the_shipped_one() -> None:
    fw, _ = asem_inputs()
    given = choose_spec(fw, spec=SPEC)
    assert (given.name, given.path, given.shipped) == (str(SPEC), SPEC, False)
    shipped = choose_spec(LIYANG)
    assert shipped.shipped and shipped.path.name == "liyang.yaml"
    assert shipped.name == "shipped spec for liyang"
    with pytest.raises(NoShippedSpec, match="no shipped robustness spec"):
        choose_spec(fw)
    with pytest.raises(errors.InputError, match="cannot read the spec"):
        choose_spec(fw, spec=ASEM / "nowhere.yaml")
    with pytest.raises(TypeError):
        choose_spec(fw, SPEC)  # type: ignore[misc]


def test_robustness_analysis_runs_uncertainty_and_sensitivity() -> None:
    fw, inp = asem_inputs()
    told: list[str] = []
    bars: dict[str, list[tuple[int, int]]] = {}

    def bar(label: str) -> Any:
        bars[label] = []
        return lambda done, total: bars[label].append((done, total))

    run = robustness_analysis(
        fw,
        inp,
        spec=SPEC,
        samples=16,
        seed=3,
        sensitivity=True,
        unit="AUT",
        status=told.append,
        progress=bar,
    )
    assert isinstance(run, RobustnessRun) and run.scheduler is None
    assert run.spec.path == SPEC and run.result.evaluation.framework is fw
    ua = run.uncertainty
    assert (ua.n, ua.seed) == (16, 3)
    assert list(ua.rank_stats.columns) == ["unit", "nominal", "mean", "median", "q05", "q95"]
    assert len(ua.rank_stats) == 51 and "rank:AUT" in ua.samples.columns
    assert run.sensitivity is not None and run.sensitivity.output == "rank"
    assert list(run.sensitivity.indices["input"]) == [
        "Winmax", "Normalisation", "Weights", "Aggregation"
    ]  # fmt: skip
    assert told[0] == "evaluating 计算" and any("N=16" in t for t in told)
    assert set(bars) == {"samples 抽样", "Sobol runs 敏感性运行"}
    assert all(calls and calls[-1][0] == calls[-1][1] for calls in bars.values())
    # the same seed gives the same bands, without the sensitivity analysis
    again = robustness_analysis(fw, inp, spec=run.spec, samples=16, seed=3, unit="AUT")
    assert again.sensitivity is None
    pd.testing.assert_frame_equal(again.uncertainty.rank_stats, ua.rank_stats)
    with pytest.raises(TypeError):
        robustness_analysis(fw, inp, SPEC)  # type: ignore[misc]


def test_robustness_analysis_refuses_before_evaluating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Too few samples, a spec the framework cannot use, no spec, a scheduler that is not
    there: each a kind of ``qcity.errors``, raised before the evaluation starts."""
    fw, inp = asem_inputs()
    told: list[str] = []
    with pytest.raises(errors.BadValue, match="at least 2 samples"):
        robustness_analysis(fw, inp, spec=SPEC, samples=1, sensitivity=True, status=told.append)
    with pytest.raises(errors.BadValue, match="at least 1 samples"):
        robustness_analysis(fw, inp, spec=SPEC, samples=0, status=told.append)
    bad = tmp_path / "bad.yaml"
    bad.write_text("node: Nowhere\ninputs:\n  - {name: d, kind: leave_out}\n", "utf-8")
    with pytest.raises(errors.InputError, match="'Nowhere' is not a node"):
        robustness_analysis(fw, inp, spec=bad, status=told.append)
    with pytest.raises(NoShippedSpec):
        robustness_analysis(fw, inp, status=told.append)
    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", 1.0)
    with pytest.raises(errors.StoreError, match=r"tcp://127\.0\.0\.1:9"):
        robustness_analysis(
            fw, inp, spec=SPEC, samples=4, scheduler="tcp://127.0.0.1:9", status=told.append
        )
    assert told == []  # nothing was evaluated


def test_band_sensitivity_apportions_the_bands(asem: EvaluationResult) -> None:
    fw = asem.framework
    bands = rank_bands(asem.evaluation, samples=8, spec=choose_spec(fw, spec=SPEC))
    assert bands is not None and bands.evaluation is asem.evaluation
    sa = band_sensitivity(bands, samples=8)
    assert sa is not None and sa.output == "shift" and sa.seed == bands.result.seed
    assert len(sa.indices) == 4
    with pytest.raises(TypeError):
        band_sensitivity(bands, 8)  # type: ignore[misc]
    single = choose_spec(fw, spec=SPEC)
    lone = single.spec.model_copy(update={"inputs": single.spec.inputs[:1]})
    only = ChosenSpec(lone, single.name, single.path, shipped=False)
    few = rank_bands(asem.evaluation, samples=8, spec=only)
    assert few is not None and band_sensitivity(few, samples=8) is None
    # without a spec and none shipped: no bands
    assert rank_bands(asem.evaluation, samples=8) is None


# -- monitoring ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the session's demo database (SQLite) that these tests only read."""
    path = tmp_path_factory.mktemp("analyses") / "demo.sqlite"
    shutil.copyfile(demo_sqlite, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def liyang_2024(demo: str, tmp_path_factory: pytest.TempPathFactory) -> MonitorRun:
    """Liyang monitored in 2024 with one target read from a file."""
    targets = tmp_path_factory.mktemp("targets") / "targets.csv"
    targets.write_text(
        "indicator,kind,year,value,source\nEC05,level,2030,900,test plan\n", encoding="utf-8"
    )
    return monitor_unit(LIYANG, unit="liyang", year="2024", db=demo, targets=targets)


def test_monitor_unit_reads_the_targets_file(liyang_2024: MonitorRun) -> None:
    run = liyang_2024
    assert (run.period, run.peers) == ("2024", "sunan")
    row = run.monitor.table.set_index("indicator").loc["EC05"]
    assert (row["target"], row["target_year"]) == (900, 2030)
    with pytest.raises(TypeError):
        monitor_unit(LIYANG, "liyang", "2024")  # type: ignore[misc]


def test_monitor_unit_refuses_a_bad_targets_file(demo: str, tmp_path: Path) -> None:
    bad = tmp_path / "targets.csv"
    bad.write_text("indicator,kind,year,value,source\nEC05,level,2030,900,\n", encoding="utf-8")
    with pytest.raises(errors.InputError, match="row 2, source"):
        monitor_unit(LIYANG, unit="liyang", year="2024", db=demo, targets=bad)
    with pytest.raises(errors.EvaluationError, match="no data for period 2031"):
        monitor_unit(LIYANG, unit="liyang", year="2031", db=demo)


def test_monitor_result_defaults_to_the_latest_period(liyang_2024: MonitorRun) -> None:
    run = liyang_2024
    latest = monitor_result(run.result, unit="liyang", group=run.peers)
    assert set(latest.table["period"].astype(str)) == {"2024"}
    assert latest.peers == run.monitor.peers
    with pytest.raises(errors.EvaluationError, match="nowhere"):
        monitor_result(run.result, unit="nowhere", period="2024")
    with pytest.raises(TypeError):
        monitor_result(run.result, "liyang")  # type: ignore[misc]


def test_explain_change_since_a_year_earlier(liyang_2024: MonitorRun) -> None:
    result = liyang_2024.result
    change = explain_change(result, unit="liyang", period="2024")
    assert isinstance(change, Attribution)
    assert (change.unit, change.from_period, change.to_period) == ("liyang", "2023", "2024")
    assert list(change.table.columns) == [
        "node", "indicator", "from_period", "to_period", "change", "contribution"
    ]  # fmt: skip
    first = min(result.evaluation.scores()["period"].astype(str))
    assert explain_change(result, unit="liyang", period=first) is None  # nothing before
    with pytest.raises(errors.InputError, match="nowhere"):
        explain_change(result, unit="nowhere", period="2024")
    with pytest.raises(TypeError):
        explain_change(result, "liyang", "2024")  # type: ignore[misc]
