"""The evaluation object and its steps, for the interfaces that replay, change or explain
a run.

``Evaluation`` keeps its step log; ``Step`` names a step of a pipeline; a saved log
(``SavedLog``) replays one; ``method_steps`` says which steps a methodology page shows.

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.engine.errors import EvaluationError
    from qcity.engine.evaluation import Evaluation
    from qcity.engine.log_file import SavedLog
    from qcity.engine.steps import Step
    from qcity.framework.model import Framework

_EXPORTS = {
    "Evaluation": "qcity.engine.evaluation",
    "EvaluationError": "qcity.engine.errors",
    "SavedLog": "qcity.engine.log_file",
    "Step": "qcity.engine.steps",
}

__all__ = ["Evaluation", "EvaluationError", "SavedLog", "Step", "method_steps"]

__getattr__ = lazy_exports("qcity.service.steps", _EXPORTS)


def method_steps(fw: Framework, *, shown: Sequence[Step] | None = None) -> list[Step]:
    """The steps a page about ``fw``'s methods describes: those of the evaluation it
    shows (``shown``, its step log), else — nothing evaluated yet — the pipeline the
    framework asks for; the methodology page and its download never differ."""
    if shown:
        return list(shown)
    from qcity.engine.steps import default_steps

    return default_steps(fw)
