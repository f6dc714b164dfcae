"""The application layer that the CLI, the dashboard and the report share: load inputs
(store or files), run an evaluation, label illustrative data, store runs and read them
back, publish them. None of the interfaces holds one of these rules itself.

    from qcity import service
    inp = service.from_store("sqlite:///var/qcity.sqlite").restrict(group="sunan")
    result = service.evaluate(framework, inp)
    result.evaluation.scores()

The CLI and the web import this package and ``qcity.errors`` only (import-linter's
"one-door" contract). One module per use case or topic: ``evaluation`` (evaluate),
``inputs`` (what an evaluation reads), ``monitoring`` (``monitor_unit``), ``compare``
(``select_peers``, paths), ``robustness`` / ``robust``, ``runs`` (store, publish),
``workflow`` and ``review`` (data entry and review), ``accounts`` and ``access`` (users,
roles), ``audit``, ``backup``, ``bulletin``, ``demo``, ``ahp``, ``frameworks``, ``imports``
(importing, exporting), ``files`` (safe writing), ``store`` (the database session and URL),
and the rules every interface shares: ``peers`` (the peer group), ``notice`` (the
illustrative label), ``reweight`` (other dimension weights), ``errors`` (what a failure means).
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
