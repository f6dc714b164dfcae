"""The evaluation engine: methods registered by name, the step log and the evaluation object.

    from qcity.engine import Evaluation
    ev = Evaluation(framework, data).run()
    ev.scores()

Names are imported lazily so that ``qcity.methods.registry`` stays light to import.

This package's names and its public modules (``evaluation``, ``errors``, ``steps``,
``panel``, ``tree``, ``log_file``, ``scale``) are the engine's API; the other modules
(``pipeline``, ``prepare``, ``combine``, ``fast``, ``guards``, ``levels``, ``explain``,
``outputs``) are internal: the analyses use what they need of them through the names
below (import-linter's "engine internals" contract in pyproject.toml).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.engine.combine import normalise_specs, resolve
    from qcity.engine.errors import EvaluationError
    from qcity.engine.evaluation import Evaluation
    from qcity.engine.fast import FastPath, StageCache, rank_rows
    from qcity.engine.outputs import rank_desc
    from qcity.engine.panel import Panel
    from qcity.engine.steps import Step

_EXPORTS = {
    "Evaluation": "qcity.engine.evaluation",
    "EvaluationError": "qcity.engine.errors",
    "Panel": "qcity.engine.panel",
    "Step": "qcity.engine.steps",
    # for the analyses: the fast path (robust), method resolution (benchmark, monitor)
    "FastPath": "qcity.engine.fast",
    "StageCache": "qcity.engine.fast",
    "rank_rows": "qcity.engine.fast",
    "rank_desc": "qcity.engine.outputs",
    "normalise_specs": "qcity.engine.combine",
    "resolve": "qcity.engine.combine",
}

__all__ = [
    "Evaluation",
    "EvaluationError",
    "FastPath",
    "Panel",
    "StageCache",
    "Step",
    "normalise_specs",
    "rank_desc",
    "rank_rows",
    "resolve",
]


__getattr__ = lazy_exports("qcity.engine", _EXPORTS)
