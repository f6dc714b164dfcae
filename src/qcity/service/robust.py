"""Robustness: uncertainty and sensitivity analyses of a framework's choices, locally or on Dask.

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.robust.distributed import connect, dask_runner
    from qcity.robust.problem import Problem, Runner, local_runner
    from qcity.robust.sensitivity import SensitivityResult, run_sensitivity
    from qcity.robust.spec import RobustSpec, load_spec, shipped_spec
    from qcity.robust.uncertainty import UncertaintyResult, run_uncertainty

_EXPORTS = {
    "connect": "qcity.robust.distributed",
    "dask_runner": "qcity.robust.distributed",
    "load_spec": "qcity.robust.spec",
    "local_runner": "qcity.robust.problem",
    "Problem": "qcity.robust.problem",
    "RobustSpec": "qcity.robust.spec",
    "run_sensitivity": "qcity.robust.sensitivity",
    "run_uncertainty": "qcity.robust.uncertainty",
    "Runner": "qcity.robust.problem",
    "SensitivityResult": "qcity.robust.sensitivity",
    "shipped_spec": "qcity.robust.spec",
    "UncertaintyResult": "qcity.robust.uncertainty",
}

__all__ = [
    "Problem",
    "RobustSpec",
    "Runner",
    "SensitivityResult",
    "UncertaintyResult",
    "connect",
    "dask_runner",
    "load_spec",
    "local_runner",
    "run_sensitivity",
    "run_uncertainty",
    "shipped_spec",
]

__getattr__ = lazy_exports("qcity.service.robust", _EXPORTS)
