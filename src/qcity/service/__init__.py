"""The application layer that the CLI, the dashboard and the report share: load inputs
(store or files), run an evaluation, label illustrative data, store runs and read them
back, publish them. None of the interfaces holds one of these rules itself.

    from qcity import service
    inp = service.from_store("sqlite:///var/qcity.sqlite").restrict(group="sunan")
    result = service.evaluate(framework, inp)
    result.evaluation.scores()

The CLI, the web and the report import this package and ``qcity.errors`` only
(import-linter's "one-door" contract), and call use cases defined here, with keyword-only
options and typed results (the list: docs/en/architecture.md; tests/test_service_door.py
holds the rule). One module per use case or topic: ``evaluate_run`` and ``selection``
(evaluate, keep the run), ``evaluation`` and ``inputs`` (the evaluation and what it
reads), ``runs`` (list, show, publish, export), ``imports`` (import and export values),
``bulletin``, ``frameworks``, ``workflow`` and ``review`` (entry and review),
``accounts`` and ``access`` (users, roles), ``audit``, ``backup``, ``compare`` (peers,
paths), ``robust`` and ``robustness``, ``monitoring`` and ``indicator``, ``demo``,
``steps``, ``ahp``, ``report_model``, ``files`` (safe writing), ``store`` (the database
session and URL), and the rules every interface shares: ``peers`` (the peer group),
``notice`` (the illustrative label), ``reweight`` (other dimension weights), ``errors``
(what a failure means).
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
