"""Problems found in a framework file, and the exception that carries all of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

from qcity import errors

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One problem: where it is (file, 1-based line, field) and what to do about it.

    ``field`` is a dotted path starting at the nearest node or indicator code, e.g.
    ``EC01.goalposts.lo``, or from the top of the file (``pipeline.impute.method``).
    """

    file: str
    line: int | None
    field: str
    message: str
    hint: str = ""
    severity: Severity = "error"

    def format(self) -> str:
        """``file:line: [field] message (hint)`` on one line, for logs and exceptions."""
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        field = f" [{self.field}]" if self.field else ""
        kind = "warning: " if self.severity == "warning" else ""
        hint = f" — {self.hint}" if self.hint else ""
        return f"{where}:{field} {kind}{self.message}{hint}"

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (for JSON output)."""
        return asdict(self)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in file order: by line (unknown lines last), then field."""
    return sorted(problems, key=lambda p: (p.line is None, p.line or 0, p.field, p.message))


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that make a framework unusable (warnings dropped)."""
    return [p for p in problems if p.severity == "error"]


class FrameworkError(errors.FrameworkError):
    """A framework file with problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sort_problems(problems)
        super().__init__(self._text())

    def _text(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in framework"
        return "\n".join([head, *("  " + p.format() for p in self.problems)])

    def __str__(self) -> str:
        return self._text()
