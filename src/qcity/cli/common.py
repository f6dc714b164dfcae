"""What the commands that evaluate share: their data options (``--framework``, ``--data``,
``--units``, ``--db``, ``--as-of``, ``--group``, ``--unit-type``, ``--out``, defined once
in ``qcity.cli.options``) and the one way they load, which the service decides
(``qcity.service.selection``): the framework, then the data from files or the database,
restricted to a group or unit type (a ``Selection``), then evaluated. The functions here
(``open_framework``, ``data_time``, ``read_inputs``, ``evaluate_selection``) only pass the
options on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from qcity.service.selection import Selection

if TYPE_CHECKING:  # the engine is imported when a command runs, not when the CLI starts
    from qcity.service.access import Actor
    from qcity.service.evaluation import EvaluationResult
    from qcity.service.frameworks import Framework
    from qcity.service.inputs import EvaluationInput

__all__ = [
    "Selection",
    "cli_operator",
    "data_time",
    "evaluate_selection",
    "open_framework",
    "read_inputs",
    "spinner",
    "stages",
]


def cli_operator() -> Actor:
    """The operator running this command on the database directly, as the audit log names
    them: ``cli:<login>`` (``cli:unknown`` where the system has no login name)."""
    import getpass

    from qcity.service.access import operator

    try:
        return operator(getpass.getuser())
    except (KeyError, OSError):
        return operator("unknown")


def spinner() -> Progress:
    """The transient progress display (on stderr) of a command that reads and evaluates."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def open_framework(framework: str) -> tuple[Path, Framework]:
    """The file of ``--framework`` (a path, or the name of a shipped framework) and the
    framework read from it."""
    from qcity.service.frameworks import framework_path, load_framework

    path = framework_path(framework)
    return path, load_framework(path)


def data_time(
    fw: Framework, data: Path | None, units: Path | None, as_of: str | None
) -> datetime | None:
    """The ``--as-of`` time, or None for the data as they are now; ``--units`` without
    ``--data`` and ``--as-of`` with ``--data`` are refused (``service.selection.input_time``)."""
    from qcity.service.selection import input_time

    return input_time(fw, data=data, units=units, as_of=as_of)


def read_inputs(fw: Framework, path: Path, sel: Selection) -> EvaluationInput:
    """The inputs ``sel`` names, read with ``fw`` (from ``path``) and restricted as it
    says (``service.selection.read_selection``)."""
    from qcity.service.selection import read_selection

    return read_selection(fw, framework_file=path, selection=sel)


def stages(progress: Progress) -> Callable[[str], object]:
    """A new line of ``progress`` that shows the stage it is told."""
    task = progress.add_task("", total=None)
    return lambda text: progress.update(task, description=text)


def evaluate_selection(
    fw: Framework, path: Path, sel: Selection, status: Callable[[str], object] | None = None
) -> EvaluationResult:
    """Read the inputs ``sel`` names and evaluate them with ``fw`` (nothing is stored);
    ``status`` is told each stage (``service.selection.evaluate_selection``)."""
    from qcity.service import selection

    return selection.evaluate_selection(fw, framework_file=path, selection=sel, status=status)
