"""qcity: a county-level city's self-evaluation indicator system.

Framework (YAML) + data store (every revision kept) -> evaluation pipeline
(impute -> treat -> normalise -> weight -> aggregate -> rank) -> monitoring,
benchmarking, robustness, reports.

In a notebook (docs/en/notebook.md)::

    import qcity as qc
    fw = qc.load_framework("examples/asem/framework.yaml")
    obs = qc.read_observations("examples/asem/data.csv", framework=fw)
    ev = qc.evaluate(fw, obs)
    ev.scores()

The names below are imported on first use, so ``import qcity`` stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"  # the one place: pyproject.toml reads it (dynamic = ["version"])

if TYPE_CHECKING:
    from qcity import monitor, robust
    from qcity.engine.evaluation import Evaluation
    from qcity.errors import (
        ConflictError,
        EvaluationError,
        FrameworkError,
        InputError,
        NotFound,
        PermissionDenied,
        QcityError,
        StoreError,
    )
    from qcity.notebook import compare, evaluate, load_framework, path, read_observations

_EXPORTS = {
    "load_framework": "qcity.notebook",
    "read_observations": "qcity.notebook",
    "evaluate": "qcity.notebook",
    "compare": "qcity.notebook",
    "path": "qcity.notebook",
    "Evaluation": "qcity.engine.evaluation",
    "QcityError": "qcity.errors",
    "InputError": "qcity.errors",
    "FrameworkError": "qcity.errors",
    "StoreError": "qcity.errors",
    "ConflictError": "qcity.errors",
    "PermissionDenied": "qcity.errors",
    "NotFound": "qcity.errors",
    "EvaluationError": "qcity.errors",
}
_MODULES = ("monitor", "robust")

__all__ = [
    "ConflictError",
    "Evaluation",
    "EvaluationError",
    "FrameworkError",
    "InputError",
    "NotFound",
    "PermissionDenied",
    "QcityError",
    "StoreError",
    "compare",
    "evaluate",
    "load_framework",
    "monitor",
    "path",
    "read_observations",
    "robust",
]


def __getattr__(name: str) -> Any:
    """Import ``name`` from its module on first use (``monitor``, ``robust``: the
    sub-packages themselves)."""
    if name in _MODULES:
        return import_module(f"qcity.{name}")
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'qcity' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
