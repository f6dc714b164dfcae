"""The notebook door, ``import qcity as qc``: the functions give what the command line's
path gives; bad input raises ``qc.QcityError``; ``import qcity`` stays light; the public
names and their signatures are a contract (snapshot below)."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import types
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

import qcity as qc
from qcity.engine.evaluation import Evaluation
from qcity.framework.io import load_framework
from qcity.service.inputs import from_files
from tests.helpers import REPO

ASEM = REPO / "examples" / "asem"

#: The public names of ``qcity`` and their signatures. A change here is a change of the
#: notebook API: update docs/{en,zh}/notebook.md with it.
SNAPSHOT = {
    "ConflictError": "class(*args: 'object', hint: 'str | None' = None) -> 'None'",
    "Evaluation": "class(framework: 'Framework', data: 'pd.DataFrame | Panel', units: "
    "'pd.DataFrame | None' = None, steps: 'Sequence[Step] | None' = None, vintage: "
    "'datetime | str | None' = None, source: 'str' = 'data', edited_log: 'bool' = False) "
    "-> 'None'",
    "EvaluationError": "class(*args: 'object', hint: 'str | None' = None) -> 'None'",
    "FrameworkError": "class(*args: 'object', hint: 'str | None' = None) -> 'None'",
    "InputError": "class(*args: 'object', hint: 'str | None' = None) -> 'None'",
    "NotFound": "class(*args: 'object', hint: 'str | None' = None) -> 'None'",
    "PermissionDenied": "class(*args: 'object', hint: 'str | None' = None) -> 'None'",
    "QcityError": "class(*args: 'object', hint: 'str | None' = None) -> 'None'",
    "StoreError": "class(*args: 'object', hint: 'str | None' = None) -> 'None'",
    "compare": "(ev: 'Evaluation', unit: 'str', year: 'object | None' = None, k: 'int' = 5, "
    "**options: 'Any') -> 'pd.DataFrame'",
    "evaluate": "(framework: 'Framework', observations: 'pd.DataFrame', units: "
    "'pd.DataFrame | None' = None) -> 'Evaluation'",
    "load_framework": "(path: 'str | Path') -> 'Framework'",
    "monitor": "module",
    "path": "(ev: 'Evaluation', unit: 'str', year: 'object | None' = None, k: 'int' = 5, "
    "**options: 'Any') -> 'pd.DataFrame'",
    "read_observations": "(data: 'str | Path | pd.DataFrame', framework: 'Framework', units: "
    "'pd.DataFrame | None' = None) -> 'pd.DataFrame'",
    "robust": "module",
}


def _signature(obj: object) -> str:
    if isinstance(obj, types.ModuleType):
        return "module"
    if isinstance(obj, type):
        return "class" + str(inspect.signature(obj))
    assert callable(obj)
    return str(inspect.signature(obj))


def test_public_names_and_signatures_are_the_snapshot() -> None:
    assert sorted(qc.__all__) == sorted(SNAPSHOT)
    assert {name: _signature(getattr(qc, name)) for name in qc.__all__} == SNAPSHOT
    assert set(qc.__all__) <= set(dir(qc))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = qc.nope  # type: ignore[attr-defined]


def test_import_qcity_stays_light() -> None:
    """No pandas, numpy or qcity module beyond the package itself until a name is used."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    code = (
        "import sys, qcity; print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in {'qcity', 'pandas', 'numpy'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['qcity']"


def test_the_door_gives_what_the_command_line_path_gives() -> None:
    fw = qc.load_framework(str(ASEM / "framework.yaml"))
    obs = qc.read_observations(ASEM / "data.csv", framework=fw)
    ev = qc.evaluate(fw, obs)
    assert isinstance(ev, qc.Evaluation)
    scores = ev.scores()
    assert list(scores.columns) == ["unit", "period", "node", "score", "rank"]
    # qcity evaluate's path: service.inputs.from_files, then the engine
    path_fw = load_framework(ASEM / "framework.yaml")
    inp = from_files(path_fw, ASEM / "framework.yaml", ASEM / "data.csv")
    want = Evaluation(path_fw, inp.data, inp.units).run().scores()
    pd.testing.assert_frame_equal(scores, want)
    # a DataFrame goes through the same checks and gives the same observations
    frame = qc.read_observations(pd.read_csv(ASEM / "data.csv"), framework=fw)
    pd.testing.assert_frame_equal(frame, obs)
    # the analyses are there
    assert qc.compare(ev, "CHE")["node"].iloc[0] == "Index"
    ranks = qc.robust.run_uncertainty(ev, qc.robust.load_spec(ASEM / "robust.yaml"), n=20)
    assert len(ranks.rank_stats) == scores["unit"].nunique()


def _bad_cells() -> None:
    fw = qc.load_framework(ASEM / "framework.yaml")
    frame = pd.read_csv(ASEM / "data.csv")
    frame["value"] = frame["value"].astype(object)
    frame.loc[0, "value"] = "abc"
    qc.read_observations(frame, framework=fw)


def _asem() -> tuple[Any, Any]:
    fw = qc.load_framework(ASEM / "framework.yaml")
    return fw, qc.evaluate(fw, qc.read_observations(ASEM / "data.csv", framework=fw))


def _wrong_path_type() -> object:
    return qc.load_framework(3)  # type: ignore[arg-type]


def _not_a_framework() -> object:
    return qc.read_observations(ASEM / "data.csv", framework="x")  # type: ignore[arg-type]


def _not_a_frame() -> object:
    return qc.evaluate(_asem()[0], "data.csv")  # type: ignore[arg-type]


BAD: dict[str, tuple[Callable[[], object], type[qc.QcityError], str]] = {
    "framework path of a wrong type": (_wrong_path_type, qc.InputError, "str or Path"),
    "missing framework file": (
        lambda: qc.load_framework("nope.yaml"), qc.FrameworkError, "nope.yaml: file not found"
    ),
    "framework not loaded": (_not_a_framework, qc.InputError, "qc.load_framework"),
    "missing data file": (
        lambda: qc.read_observations("none.csv", framework=_asem()[0]), qc.InputError, "none.csv"
    ),
    "bad cell": (_bad_cells, qc.InputError, "row 2, column D (value): value 'abc'"),
    "observations not a frame": (_not_a_frame, qc.InputError, "must be a DataFrame"),
    "observations lack columns": (
        lambda: qc.evaluate(_asem()[0], pd.DataFrame({"unit": []})), qc.InputError, "indicator"
    ),
    "unknown unit": (lambda: qc.compare(_asem()[1], "NOPE"), qc.InputError, "'NOPE'"),
    "bad k": (lambda: qc.compare(_asem()[1], "CHE", k=0), qc.InputError, "k must be at least 1"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_raises_a_qcity_error(case: str) -> None:
    call, kind, text = BAD[case]
    with pytest.raises(qc.QcityError) as info:
        call()
    assert isinstance(info.value, kind), type(info.value).__mro__
    assert text in f"{info.value} {info.value.hint}"
