"""The evaluation engine: methods registered by name, the step log and the evaluation object.

    from qcity.engine import Evaluation
    ev = Evaluation(framework, data).run()
    ev.scores()

Names are imported lazily so that ``qcity.methods.registry`` stays light to import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

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


__getattr__ = lazy_exports("qcity.engine", _EXPORTS)
