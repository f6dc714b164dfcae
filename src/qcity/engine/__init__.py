"""The evaluation engine: methods registered by name, the step log and the evaluation object.

    from qcity.engine import Evaluation
    ev = Evaluation(framework, data).run()
    ev.scores()

Names are imported lazily so that ``qcity.methods.registry`` stays light to import.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qcity.engine.errors import EvaluationError
    from qcity.engine.evaluation import Evaluation
    from qcity.engine.panel import Panel
    from qcity.engine.steps import Step

_EXPORTS = {
    "Evaluation": "qcity.engine.evaluation",
    "EvaluationError": "qcity.engine.errors",
    "Panel": "qcity.engine.panel",
    "Step": "qcity.engine.steps",
}

__all__ = ["Evaluation", "EvaluationError", "Panel", "Step"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'qcity.engine' has no attribute {name!r}")
