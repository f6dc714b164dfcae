"""What the commands that evaluate share: their data options (``--framework``, ``--data``,
``--units``, ``--db``, ``--as-of``, ``--group``, ``--unit-type``, ``--out``, defined once
in ``qcity.cli.options``) and the one way
they load: the framework, then the data from files or the database, restricted to a group
or unit type (a ``Selection``), then evaluated (``open_framework``, ``data_time``,
``read_inputs``, ``evaluate_selection``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from qcity.cli.app import fail

if TYPE_CHECKING:  # the engine is imported when a command runs, not when the CLI starts
    from qcity.service.access import Actor
    from qcity.service.evaluation import EvaluationResult
    from qcity.service.frameworks import Framework
    from qcity.service.inputs import EvaluationInput


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
    """Refuse ``--units`` without ``--data`` (the database has its own units) and
    ``--as-of`` with ``--data``; the ``--as-of`` time (in the framework's timezone when
    it has no offset), or None for the data as they are now."""
    if data is None and units is not None:
        fail("--units goes with --data (the database has its own units)")
    if data is not None and as_of is not None:
        fail("--as-of reads the database; it does not apply to a --data file")
    if as_of is None:
        return None
    from qcity.service.files import parse_as_of

    return parse_as_of(as_of, fw.timezone)


@dataclass(frozen=True)
class Selection:
    """What a command reads: the ``--data`` (and ``--units``) files, else the database at
    ``db`` as stored at ``when`` (``data_time``); only the members of ``group`` and the
    units of ``unit_type``."""

    data: Path | None
    units: Path | None
    db: str | None
    when: datetime | None = None
    group: str | None = None
    unit_type: str | None = None
    values: str = "approved"


def read_inputs(fw: Framework, path: Path, sel: Selection) -> EvaluationInput:
    """The inputs ``sel`` names, read with ``fw`` (from ``path``) and restricted as it
    says (``EvaluationInput.restrict``, which records the selection)."""
    from qcity.service.inputs import from_files, from_store

    if sel.data is not None:
        inp = from_files(fw, path, sel.data, sel.units)
    else:
        inp = from_store(sel.db, sel.when, sel.values)
    return inp.restrict(group=sel.group, unit_type=sel.unit_type)


def stages(progress: Progress) -> Callable[[str], object]:
    """A new line of ``progress`` that shows the stage it is told."""
    task = progress.add_task("", total=None)
    return lambda text: progress.update(task, description=text)


def evaluate_selection(
    fw: Framework, path: Path, sel: Selection, status: Callable[[str], object] | None = None
) -> EvaluationResult:
    """Read the inputs ``sel`` names (``read_inputs``) and evaluate them with ``fw``
    (nothing is stored); ``status`` is told each stage, for a progress display."""
    from qcity.service.evaluation import evaluate

    say = status or (lambda _text: None)
    say("reading data 读取数据")
    inp = read_inputs(fw, path, sel)
    say("evaluating 计算")
    return evaluate(fw, inp)
