"""Which inputs an evaluation reads, decided once for every interface: a data file (with
its units file) or the database (as stored now or at an as-of time, approved values or
all of them), then only the members of a group and the units of a type.

The rules the commands that evaluate share live here (``input_time``,
``choose_inputs``, ``read_selection``, ``evaluate_selection``): a units file goes with a
data file, an as-of time and the choice of values read the database. The module imports
nothing heavy until a function runs (``qcity --help`` stays light)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qcity.framework.model import Framework
    from qcity.service.evaluation import EvaluationResult
    from qcity.service.inputs import EvaluationInput

#: Which stored values an evaluation reads: the latest approved revision of each value
#: (the default), or the latest revision whatever its review state (drafts included).
VALUES = ("approved", "all")


@dataclass(frozen=True)
class Selection:
    """What an evaluation reads: the ``data`` (and ``units``) files, else the database at
    ``db`` as stored at ``when`` (None: as it is now) with its ``values`` (``VALUES``);
    only the members of ``group`` and the units of ``unit_type`` (None: all)."""

    data: Path | None
    units: Path | None
    db: str | None
    when: datetime | None = None
    group: str | None = None
    unit_type: str | None = None
    values: str = "approved"


def _input_error(message: str) -> Exception:
    """The service's ``InputError`` (a ``qcity.errors.InputError`` and a ValueError)."""
    from qcity.service.inputs import InputError

    return InputError(message)


def input_time(
    fw: Framework,
    *,
    data: Path | None = None,
    units: Path | None = None,
    as_of: datetime | str | None = None,
) -> datetime | None:
    """The time the database is read as of, or None for the data as they are now.

    A units file goes with a data file (the database has its own units) and an as-of time
    reads the database: either mistake is an ``InputError``. An as-of text without an
    offset is in the framework's timezone (``parse_as_of``)."""
    if data is None and units is not None:
        raise _input_error("--units goes with --data (the database has its own units)")
    if data is not None and as_of is not None:
        raise _input_error("--as-of reads the database; it does not apply to a --data file")
    if as_of is None or isinstance(as_of, datetime):
        return as_of
    from qcity.data.asof import parse_as_of

    return parse_as_of(as_of, fw.timezone)


def choose_inputs(
    fw: Framework,
    *,
    data: Path | None = None,
    units: Path | None = None,
    db: str | None = None,
    as_of: datetime | str | None = None,
    group: str | None = None,
    unit_type: str | None = None,
    values: str = "approved",
) -> Selection:
    """The selection these options name, checked before anything is read: the rules of
    ``input_time``, then ``values`` is one of ``VALUES`` and applies to the database
    only (a data file has no review states). ``InputError`` says what is wrong."""
    when = input_time(fw, data=data, units=units, as_of=as_of)
    if values not in VALUES:
        raise _input_error(f"--values {values!r}: write approved or all / 请写 approved 或 all")
    if data is not None and values != "approved":
        raise _input_error("--values reads the database; it does not apply to a --data file")
    return Selection(data, units, db, when, group, unit_type, values)


def read_selection(fw: Framework, *, framework_file: Path, selection: Selection) -> EvaluationInput:
    """The inputs ``selection`` names, read with ``fw`` (whose file is ``framework_file``:
    a data file's units may be named relative to it) and restricted to its group and unit
    type (``EvaluationInput.restrict``, which records the selection)."""
    from qcity.service.inputs import from_files, from_store

    if selection.data is not None:
        inp = from_files(fw, framework_file, selection.data, selection.units)
    else:
        inp = from_store(selection.db, selection.when, selection.values)
    return inp.restrict(group=selection.group, unit_type=selection.unit_type)


def evaluate_selection(
    fw: Framework,
    *,
    framework_file: Path,
    selection: Selection,
    status: Callable[[str], object] | None = None,
) -> EvaluationResult:
    """Read the inputs ``selection`` names (``read_selection``) and evaluate them with
    ``fw``; nothing is stored. ``status`` is told each stage, for a progress display."""
    from qcity.service.evaluation import evaluate

    say = status or (lambda _text: None)
    say("reading data 读取数据")
    inp = read_selection(fw, framework_file=framework_file, selection=selection)
    say("evaluating 计算")
    return evaluate(fw, inp)
