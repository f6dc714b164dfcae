"""The application layer that the CLI, the dashboard and the report share: load inputs
(store or files), run an evaluation, label illustrative data, store runs and read them
back, publish them. None of the interfaces holds one of these rules itself.

    from qcity import service
    inp = service.from_store("sqlite:///var/qcity.sqlite").restrict(group="sunan")
    result = service.evaluate(framework, inp)
    result.evaluation.scores()
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.service.evaluation import EvaluationResult, evaluate
    from qcity.service.inputs import EvaluationInput, InputError, from_files, from_store

_EXPORTS = {
    "EvaluationResult": "qcity.service.evaluation",
    "evaluate": "qcity.service.evaluation",
    "EvaluationInput": "qcity.service.inputs",
    "InputError": "qcity.service.inputs",
    "from_files": "qcity.service.inputs",
    "from_store": "qcity.service.inputs",
}

__all__ = [
    "EvaluationInput",
    "EvaluationResult",
    "InputError",
    "evaluate",
    "from_files",
    "from_store",
]


__getattr__ = lazy_exports("qcity.service", _EXPORTS)
