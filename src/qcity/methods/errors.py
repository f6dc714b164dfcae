"""Errors, warnings and diagnostics of the array methods, naming the columns concerned.

Policy (the same for every method in this package):

* ``MethodDataError`` (a ``ValueError``): the method cannot be applied to some columns as
  configured, e.g. a target normalisation for an indicator without a target, fixed goalposts
  that are missing, a ratio method on data of mixed sign. The message names the columns and
  says what to do.
* A degenerate column (all values missing, a constant column for min-max or z-score, fewer
  values than a statistic needs) carries no information for a data-driven method: the
  affected output is NaN (or the column is left untreated) and the method *notes* it with
  ``warn_degenerate``. Inside an evaluation the note becomes a ``Diagnostic`` of that run
  (see ``collecting``); called on its own, the method issues a ``DegenerateColumnWarning``.

Diagnostics are collected per run through a ``contextvars.ContextVar``, not through the
process-global ``warnings`` machinery, so that two evaluations running at the same time
(threads of one server) each keep exactly their own notes.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from qcity import errors

Severity = Literal["info", "warning"]


class MethodDataError(errors.EvaluationError, ValueError):
    """A method cannot be applied to the named columns; the message gives a hint."""

    def __init__(self, method: str, codes: Sequence[str], problem: str, hint: str) -> None:
        self.method, self.codes, self.problem, self.hint = method, tuple(codes), problem, hint
        super().__init__(f"{method}: {problem} for {', '.join(self.codes)}. {hint}")


class DegenerateColumnWarning(UserWarning):
    """Columns on which a method gives NaN or no treatment because the data carry no information."""

    def __init__(
        self, method: str, codes: Sequence[str], reason: str, outcome: str = "result set to NaN"
    ) -> None:
        self.method, self.codes, self.reason, self.outcome = method, tuple(codes), reason, outcome
        super().__init__(f"{method}: {reason} for {', '.join(self.codes)}; {outcome}")


class MethodNote(UserWarning):
    """A note of a method or of the engine issued outside any evaluation run."""


@dataclass(frozen=True)
class Diagnostic:
    """One note of a run: how serious, in which step, what (and about which indicator or
    node ``code``, when known). ``str()`` gives ``"step: message"``."""

    severity: Severity
    step: str
    message: str
    code: str | None = None

    def __str__(self) -> str:
        return f"{self.step}: {self.message}"


@dataclass
class Collector:
    """The diagnostics of one run; ``step`` names the step now running."""

    step: str = ""
    items: list[Diagnostic] = field(default_factory=list)

    def add(self, message: str, *, code: str | None = None, severity: Severity = "warning") -> None:
        """Record a diagnostic of the current step."""
        self.items.append(Diagnostic(severity, self.step, message, code))

    @contextmanager
    def at(self, step: str) -> Iterator[Collector]:
        """Within the block, notes belong to ``step``."""
        before, self.step = self.step, step
        try:
            yield self
        finally:
            self.step = before

    def unique(self) -> list[Diagnostic]:
        """The diagnostics in order of first occurrence, each once."""
        return list(dict.fromkeys(self.items))


_CURRENT: ContextVar[Collector | None] = ContextVar("qcity_diagnostics", default=None)


@contextmanager
def collecting(step: str = "") -> Iterator[Collector]:
    """Collect the notes of the methods called within the block (in this context only;
    threads started inside must run in a copy of it, ``contextvars.copy_context().run``)."""
    parent = _CURRENT.get()
    collector = Collector(step or (parent.step if parent else ""))
    token = _CURRENT.set(collector)
    try:
        yield collector
    finally:
        _CURRENT.reset(token)


def current() -> Collector | None:
    """The collector of the run in progress in this context, if any."""
    return _CURRENT.get()


def note(message: str, *, code: str | None = None, severity: Severity = "warning") -> None:
    """Record a diagnostic in the current run, or issue a ``MethodNote`` warning when no
    run collects (a method called on its own)."""
    collector = _CURRENT.get()
    if collector is not None:
        collector.add(message, code=code, severity=severity)
    else:
        warnings.warn(MethodNote(message), stacklevel=3)


def warn_degenerate(
    method: str,
    codes: Sequence[str],
    bad: npt.ArrayLike,
    reason: str,
    outcome: str = "result set to NaN",
) -> None:
    """Note the columns where ``bad`` (k,) is true, if any: one diagnostic per indicator in
    a run, else one ``DegenerateColumnWarning`` naming them all."""
    if not np.any(bad):
        return
    names = [c for c, b in zip(codes, np.asarray(bad), strict=True) if b]
    collector = _CURRENT.get()
    if collector is None:
        warnings.warn(DegenerateColumnWarning(method, names, reason, outcome), stacklevel=3)
        return
    for name in dict.fromkeys(names):
        collector.add(f"{method}: {reason} for {name}; {outcome}", code=name)


def raise_for(
    method: str, codes: Sequence[str], bad: npt.ArrayLike, problem: str, hint: str
) -> None:
    """Raise MethodDataError naming the columns where ``bad`` (k,) is true, if any."""
    if np.any(bad):
        names = [c for c, b in zip(codes, np.asarray(bad), strict=True) if b]
        raise MethodDataError(method, names, problem, hint)
