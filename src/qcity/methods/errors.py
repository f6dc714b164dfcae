"""Errors and warnings raised by the array methods, naming the columns (indicators) concerned.

Policy (the same for every method in this package):

* ``MethodDataError`` (a ``ValueError``): the method cannot be applied to some columns as
  configured, e.g. a target normalisation for an indicator without a target, fixed goalposts
  that are missing, a ratio method on data of mixed sign. The message names the columns and
  says what to do.
* ``DegenerateColumnWarning`` (a ``UserWarning``): a column carries no information for a
  data-driven method (all values missing, a constant column for min-max or z-score, fewer
  values than a statistic needs). The affected output is NaN (or the column is left
  untreated) and the warning names the columns, so the engine can report them per indicator.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt


class MethodDataError(ValueError):
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


def warn_degenerate(
    method: str,
    codes: Sequence[str],
    bad: npt.ArrayLike,
    reason: str,
    outcome: str = "result set to NaN",
) -> None:
    """Issue one DegenerateColumnWarning for the columns where ``bad`` (k,) is true, if any."""
    if np.any(bad):
        names = [c for c, b in zip(codes, np.asarray(bad), strict=True) if b]
        warnings.warn(DegenerateColumnWarning(method, names, reason, outcome), stacklevel=3)


def raise_for(
    method: str, codes: Sequence[str], bad: npt.ArrayLike, problem: str, hint: str
) -> None:
    """Raise MethodDataError naming the columns where ``bad`` (k,) is true, if any."""
    if np.any(bad):
        names = [c for c, b in zip(codes, np.asarray(bad), strict=True) if b]
        raise MethodDataError(method, names, problem, hint)
