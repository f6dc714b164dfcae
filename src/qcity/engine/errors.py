"""Errors of the evaluation engine."""

from __future__ import annotations

from qcity import errors


class EvaluationError(errors.EvaluationError, ValueError):
    """The data or the configuration cannot be evaluated; the message says what to do.

    ``options`` names, interface-neutral, the choices of the caller that would help
    (``"group"``, ``"unit_type"``, ``"units"``): the engine does not know whether it runs
    under the CLI (``--group``), the web (``?group=``) or a notebook
    (``EvaluationInput.restrict(group=...)``); each interface adds its own spelling."""

    def __init__(
        self, *args: object, hint: str | None = None, options: tuple[str, ...] = ()
    ) -> None:
        super().__init__(*args, hint=hint)
        self.options = options
