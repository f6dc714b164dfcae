"""Errors of the evaluation engine."""


class EvaluationError(ValueError):
    """The data or the configuration cannot be evaluated; the message says what to do."""
