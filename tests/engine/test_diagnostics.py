"""Diagnostics travel with their run: collected per evaluation (a context variable), also
from the treatment threads, never mixed between evaluations running at the same time."""

from __future__ import annotations

import functools
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pytest

from qcity.engine import Evaluation, prepare
from qcity.methods.errors import DegenerateColumnWarning, Diagnostic, MethodNote, note
from qcity.methods.normalise import minmax
from qcity.methods.registry import NORMALISERS
from tests.engine.test_evaluation import panel_data, small_framework


def constant(code: str, seed: int) -> pd.DataFrame:
    """Panel data in which indicator ``code`` has the same value for every unit."""
    data = panel_data(seed)
    data.loc[data["indicator"] == code, "value"] = 5.0
    return data


def test_a_degenerate_column_is_a_structured_diagnostic_of_the_run() -> None:
    ev = Evaluation(small_framework(), constant("a2", 1)).run()
    expected = Diagnostic(
        "warning",
        "normalise",
        "minmax: zero range (all values equal) for a2; result set to NaN",
        "a2",
    )
    assert expected in ev.diagnostics
    assert ev.diagnostics == ev.results.diagnostics
    assert "normalise: minmax: zero range (all values equal) for a2; result set to NaN" in (
        ev.results.warnings
    )
    assert str(expected) == ev.results.warnings[ev.diagnostics.index(expected)]


def test_a_method_called_on_its_own_still_warns() -> None:
    from qcity.methods.columns import Columns

    x = np.ones((1, 4, 1))
    with pytest.warns(DegenerateColumnWarning, match="zero range"):
        minmax(x, Columns.plain(1, ("c",)))
    with pytest.warns(MethodNote, match="a note"):
        note("a note")


def test_concurrent_evaluations_keep_exactly_their_own_diagnostics(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two runs with different degenerate columns meet at a barrier inside normalisation
    (so both are collecting at the same moment), many times over."""
    fw = small_framework()
    inputs = {"A": constant("a1", 2), "B": constant("b2", 3)}
    alone = {k: Evaluation(fw, d).run().diagnostics for k, d in inputs.items()}
    assert [d.code for d in alone["A"]] == ["a1"] and [d.code for d in alone["B"]] == ["b2"]

    barrier = threading.Barrier(2)
    original = NORMALISERS.get("minmax")

    @functools.wraps(original)
    def meet_then_normalise(*args: Any, **kwargs: Any) -> np.ndarray:
        barrier.wait(timeout=30)
        return original(*args, **kwargs)

    monkeypatch.setitem(NORMALISERS._methods, "minmax", meet_then_normalise)

    def run(key: str) -> list[Diagnostic]:
        return Evaluation(fw, inputs[key]).run().diagnostics

    with warnings.catch_warnings():
        warnings.simplefilter("error", DegenerateColumnWarning)  # nothing leaks globally
        with ThreadPoolExecutor(2) as pool:
            for _ in range(25):
                a, b = pool.submit(run, "A"), pool.submit(run, "B")
                assert a.result(timeout=60) == alone["A"]
                assert b.result(timeout=60) == alone["B"]


def test_treatment_threads_report_into_their_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Columns split over threads: their notes arrive in the run, in column order."""
    data = panel_data(4, units=3)  # 3 values per column: too few for skewness/kurtosis
    fw = small_framework(treat={"method": "coinr"})
    serial = Evaluation(fw, data).run().diagnostics
    monkeypatch.setattr(prepare, "PARALLEL_CELLS", 0)
    monkeypatch.setattr(prepare.os, "cpu_count", lambda: 4)
    threaded = Evaluation(fw, data).run().diagnostics
    treat_notes = [d for d in threaded if d.step == "treat"]
    assert {d.code for d in treat_notes} == {"a1", "a2", "a3", "b1", "b2"}
    assert all("left untreated" in d.message for d in treat_notes)
    assert threaded == serial
