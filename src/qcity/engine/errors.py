"""Errors of the evaluation engine."""

from qcity import errors


class EvaluationError(errors.EvaluationError, ValueError):
    """The data or the configuration cannot be evaluated; the message says what to do."""
