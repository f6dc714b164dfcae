"""Problems found in an input file, and the exception that carries all of them.

A problem names the cell as the user sees it (sheet, row with the header as row 1,
column letter and header) with the value and the reason, so that every bad cell can
be fixed in one pass instead of one error per attempt.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

import pandas as pd

from qcity import errors

Severity = Literal["error", "warning"]

#: Columns of ``problems_frame``.
PROBLEM_COLUMNS = ["severity", "sheet", "row", "column", "value", "reason"]


@dataclass(frozen=True)
class Problem:
    """One bad (error) or doubtful (warning) cell of an input file."""

    severity: Severity
    sheet: str | None
    row: int | None
    column: str
    value: str
    reason: str

    @classmethod
    def at(
        cls,
        sheet: str | None,
        row: int | None,
        column: str,
        value: object,
        reason: str,
        severity: Severity = "error",
    ) -> Problem:
        """A problem at a cell; ``value`` is shown as text."""
        return cls(severity, sheet, row, column, "" if value is None else str(value), reason)

    def location(self) -> str:
        """``sheet 'S', row 17, column D (value)`` for messages."""
        parts = [f"sheet {self.sheet!r}"] if self.sheet else []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


def sort_problems(
    problems: list[Problem], sheet_order: list[str | None] | None = None
) -> list[Problem]:
    """Errors first, then in reading order: sheet (in ``sheet_order``, else as first met),
    row, column (A < B < AA)."""
    met = dict.fromkeys([*(sheet_order or []), *(p.sheet for p in problems)])
    sheets = {sheet: n for n, sheet in enumerate(met)}

    def key(p: Problem) -> tuple[int, int, int, int, str]:
        letter = p.column.split(" ", 1)[0]
        return (p.severity != "error", sheets[p.sheet], p.row or 0, len(letter), letter)

    return sorted(problems, key=key)


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a DataFrame (columns ``PROBLEM_COLUMNS``), sorted by ``sort_problems``."""
    return pd.DataFrame([asdict(p) for p in sort_problems(problems)], columns=PROBLEM_COLUMNS)


def format_problems(problems: list[Problem], limit: int | None = None) -> str:
    """A plain-text table of the problems, one line each (at most ``limit`` lines)."""
    ordered = sort_problems(problems)
    shown = ordered if limit is None else ordered[:limit]
    lines = []
    for p in shown:
        value = f" value {p.value!r}:" if p.value else ""
        lines.append(f"  {p.severity:<7} {p.location()}:{value} {p.reason}")
    if len(shown) < len(ordered):
        lines.append(f"  ... and {len(ordered) - len(shown)} more")
    return "\n".join(lines)


class ImportErrorReport(errors.InputError, ValueError):
    """An input file with errors: nothing was written. ``problems`` lists every bad cell
    (and the warnings); ``str()`` is a readable table."""

    def __init__(self, file_name: str, problems: list[Problem], action: str = "import") -> None:
        """Keep the file name and all problems; the message is built from them (``action``:
        what was refused, ``import`` or ``evaluate``)."""
        self.file_name = file_name
        self.problems = sort_problems(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        done = "imported" if action == "import" else f"{action}d"
        super().__init__(
            f"{file_name}: {len(errors)} error(s), nothing {done}; fix the cells below "
            f"and {action} the file again\n{format_problems(self.problems, limit=200)}"
        )

    @property
    def errors(self) -> list[Problem]:
        """The problems of severity error."""
        return [p for p in self.problems if p.severity == "error"]

    def frame(self) -> pd.DataFrame:
        """All problems as a DataFrame (severity, sheet, row, column, value, reason)."""
        return problems_frame(self.problems)
