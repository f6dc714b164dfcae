"""The evaluation object and its steps, for the interfaces that replay or change a run.

``Evaluation`` keeps its step log; ``Step`` and ``default_steps`` name a pipeline; a saved
log (``SavedLog``) replays one.

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.engine.errors import EvaluationError
    from qcity.engine.evaluation import Evaluation
    from qcity.engine.log_file import SavedLog
    from qcity.engine.steps import Step, default_steps

_EXPORTS = {
    "default_steps": "qcity.engine.steps",
    "Evaluation": "qcity.engine.evaluation",
    "EvaluationError": "qcity.engine.errors",
    "SavedLog": "qcity.engine.log_file",
    "Step": "qcity.engine.steps",
}

__all__ = ["Evaluation", "EvaluationError", "SavedLog", "Step", "default_steps"]

__getattr__ = lazy_exports("qcity.service.steps", _EXPORTS)
