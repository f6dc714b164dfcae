"""The kinds of error qcity raises for bad input, one base for all: ``QcityError``.

Every exception class of the project derives from one of these kinds (besides the
built-in class it always had, so ``except ValueError`` still catches what it caught):
a notebook can catch ``qcity.QcityError``, and a caller can map a kind to an exit code or
an HTTP status (``exit_code``, ``http_status``) without knowing each class.

    >>> try:
    ...     raise InputError("data.csv, row 3, field value: not a number", "write 12.5")
    ... except QcityError as exc:
    ...     print(exc.message, "|", exc.hint, exc.http_status)
    data.csv, row 3, field value: not a number | write 12.5 400

This module imports nothing from qcity, so every layer may import it.
"""

from __future__ import annotations

from typing import ClassVar


class QcityError(Exception):
    """An error the user can act on: ``message`` says what and where (file, row,
    field), ``hint`` what to do (or None). ``exit_code``: the command's exit status;
    ``http_status``: the web API's."""

    exit_code: ClassVar[int] = 1
    http_status: ClassVar[int] = 400
    hint: str | None = None

    def __init__(self, *args: object, hint: str | None = None) -> None:
        """``QcityError(message, hint)`` for the kinds below; the project's own classes
        keep the arguments they always had (``args`` and ``str()`` unchanged)."""
        if type(self).__module__ == __name__ and len(args) == 2 and hint is None:
            message, given = args
            args = (message,)
            hint = None if given is None else str(given)
        super().__init__(*args)
        if hint is not None:
            self.hint = hint

    @property
    def message(self) -> str:
        """The text of the error (without the hint)."""
        return str(self.args[0]) if len(self.args) == 1 else str(self)


class InputError(QcityError):
    """A file, a value or an argument is not valid (names the file, row and field)."""

    http_status = 400


class FrameworkError(QcityError):
    """A framework (or a method it names) is not valid."""

    http_status = 422


class StoreError(QcityError):
    """The database (or another service qcity needs) cannot be used as asked."""

    http_status = 503


class ConflictError(QcityError):
    """The change conflicts with what is stored (someone else changed it; already there)."""

    http_status = 409


class PermissionDenied(QcityError):
    """The user may not do this."""

    http_status = 403


class NotFound(QcityError):
    """What was asked for does not exist."""

    http_status = 404


class EvaluationError(QcityError):
    """The data cannot be evaluated with the framework's methods as they are."""

    http_status = 422


KINDS = (
    InputError,
    FrameworkError,
    StoreError,
    ConflictError,
    PermissionDenied,
    NotFound,
    EvaluationError,
)
"""Every kind, in the order of the documentation."""


class BadValue(InputError, ValueError):
    """An argument or a value is not valid (still a ``ValueError``, so code that caught
    one catches it): raised where a plain ``ValueError`` would be, so that interfaces
    map it by type."""


class NotComputable(EvaluationError, ValueError):
    """A method or an analysis cannot be computed on these data (still a ``ValueError``)."""


class Unknown(NotFound, KeyError):
    """A code, a name or a dataset that does not exist (still a ``KeyError``, so
    ``except KeyError`` and ``dict``-like lookups keep working; ``str()`` without the
    quotes a ``KeyError`` adds)."""

    def __str__(self) -> str:
        return " ".join(str(a) for a in self.args)
