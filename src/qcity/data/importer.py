"""Import a CSV or Excel file of observations into the store: read, check, write once.

``import_file`` reads every sheet (or one), recognises the long or wide layout from each
header, checks every cell against the framework and the store (``qcity.data.checks``)
and, only if no cell has an error, writes all values in ONE transaction
(``Store.add_observations``). Any error -> ``ImportErrorReport`` listing every bad cell,
and nothing is written. ``dry_run=True`` checks only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from qcity import errors
from qcity.data.checks import STATUS_ALIASES, CheckResult, accept_reason, check_records
from qcity.data.layout import DOC_SHEET, SheetTable, to_records
from qcity.data.names import NameMatcher, NamesFileError
from qcity.data.problems import ImportErrorReport, Problem, sort_problems
from qcity.data.readers import FileReadError, RawSheet, file_format, read_sheets
from qcity.data.roles import Actor
from qcity.data.statuses import STATUSES
from qcity.data.yearbook import Recognition, recognise
from qcity.framework.model import Framework

#: The error of a yearbook table without a header row of years.
NO_YEARS = (
    "no header row with years (2023, 2023年, 2023年末) in the top 20 rows: a yearbook "
    "table (--unit) has indicator rows and one column per year"
)

if TYPE_CHECKING:  # the store (SQLAlchemy) is loaded only when an import writes
    from qcity.data.observations import ProgressCallback
    from qcity.data.store import ImportSummary, Store


@dataclass
class ImportResult:
    """Outcome of an import: what was written (None for a dry run), the observations
    read, the layout of each sheet, the warnings and the file's SHA-256."""

    file_name: str
    sha256: str
    observations: pd.DataFrame
    layouts: dict[str, str]
    warnings: list[Problem] = field(default_factory=list)
    summary: ImportSummary | None = None
    encoding: str | None = None
    #: How each sheet of a yearbook table was read (``import_file(..., unit=...)``).
    recognition: list[Recognition] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Number of observations read (empty wide-layout cells not counted)."""
        return len(self.observations)


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes, recorded with the import batch for provenance."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_observations(
    path: Path,
    fw: Framework,
    units: pd.DataFrame | None,
    *,
    sheet: str | None = None,
    strict: bool = False,
    unit: str | None = None,
    names: dict[str, str] | None = None,
    accept_implausible: str | None = None,
    source: str | None = None,
    status: str | None = None,
) -> tuple[CheckResult, dict[str, str], str | None]:
    """Read and check a data file: THE path by which qcity reads observations from a file,
    so that ``qcity import`` and ``qcity evaluate --data`` accept and refuse the same cells.

    Needs no store: ``units`` is a units table (columns code and type, e.g. ``Store.units()``
    or a units CSV), or None to accept every unit code. Returns the check result (clean
    rows + all problems; the caller decides what errors mean), the layout per sheet and the
    CSV encoding. Raises ``FileReadError`` for a file that cannot be read at all (format,
    encoding, missing sheet, Parquet without pyarrow).

    With ``unit`` the file is a yearbook table of that one unit (``qcity.data.yearbook``):
    rows named by indicator code, name, alias or one of ``names`` (row name -> code,
    confirmed by the office), years as columns; how each sheet was read is in the
    result's ``recognition``. ``NamesFileError`` for a name pointing at no indicator.

    ``source`` and ``status``: of every value of a yearbook table (whose notes are read
    otherwise, see ``recognise``); of the values without one in other layouts.
    ``ValueError`` for a status that is not one."""
    if status is not None and status.strip().lower() not in STATUS_ALIASES:
        raise errors.BadValue(
            f"--status {status!r}: use one of {', '.join(STATUSES)} (or 正式/初步/预计/估算/示例)"
        )
    raw_sheets = read_sheets(path, sheet)
    tables: list[SheetTable] = []
    problems: list[Problem] = []
    recognition: list[Recognition] = []
    matcher = NameMatcher(fw, names) if unit is not None else None
    for raw in raw_sheets:
        if raw.hidden is not None:
            problems.append(hidden_sheet(raw))
            continue
        problems += [uncomputed(raw, row, col, formula) for row, col, formula in raw.uncomputed]
        if matcher is not None and unit is not None:
            found = recognise(raw, unit, matcher, source=source, status=status)
            table = found[0] if found is not None else None
            recognition += [found[1]] if found is not None else []
        else:
            table = to_records(raw)
        if table is None and matcher is not None:
            if raw.cells.size and (sheet is not None or len(raw_sheets) == 1):
                problems.append(Problem("error", raw.name, 1, "", "", NO_YEARS))
            elif raw.cells.size:
                problems.append(
                    Problem("warning", raw.name, None, "", "", "sheet skipped: no year columns")
                )
            continue
        if table is None:
            if raw.cells.size and (sheet is not None or len(raw_sheets) == 1):
                problems.append(
                    Problem(
                        "error",
                        raw.name,
                        1,
                        "",
                        "",
                        "header needs columns unit and period (long layout: "
                        "unit, indicator, period, value)",
                    )
                )
            elif raw.cells.size and raw.name != DOC_SHEET:
                problems.append(
                    Problem(
                        "warning",
                        raw.name,
                        None,
                        "",
                        "",
                        "sheet skipped: no unit and period columns",
                    )
                )
            continue
        tables.append(table)
        problems += table.problems
    if not tables and not any(p.severity == "error" for p in problems):
        problems.append(
            Problem(
                "error",
                None,
                None,
                "",
                "",
                "no table found: the file needs a header row with columns "
                "unit, period (and indicator, value for the long layout)",
            )
        )
    records = pd.concat([t.records for t in tables], ignore_index=True) if tables else None
    if records is not None and unit is None:  # defaults for cells left empty
        for col, given in (("source", source), ("status", status)):
            if given is not None:
                empty = records[col].astype(object).map(lambda v: v is None or not str(v).strip())
                records.loc[empty.to_numpy(dtype=bool), col] = given
    if records is None or records.empty:
        result = CheckResult(
            pd.DataFrame(
                columns=["unit", "indicator", "period", "value", "status", "source", "flag"]
            ),
            problems,
        )
    else:
        result = check_records(
            records, fw, units, strict=strict, accept_implausible=accept_implausible
        )
        result.problems[:] = problems + _not_at_formulas(result.problems, raw_sheets)
    result.problems[:] = sort_problems(result.problems, [raw.name for raw in raw_sheets])
    result.recognition = recognition
    layouts: dict[str, str] = {t.sheet or path.name: t.layout for t in tables}
    encoding = raw_sheets[0].encoding if raw_sheets else None
    return result, layouts, encoding


def hidden_sheet(raw: RawSheet) -> Problem:
    """The warning of a hidden sheet skipped: why, and how to import it anyway."""
    return Problem(
        "warning",
        raw.name,
        None,
        "",
        "",
        f"sheet skipped: hidden in Excel ({raw.hidden}); it may hold old values. To import "
        f"it, name it: --sheet {raw.name!r} / 隐藏工作表已跳过，如需导入请用 --sheet 指定",
    )


def uncomputed(raw: RawSheet, row: int, col: int, formula: str) -> Problem:
    """The error of a formula cell saved without its computed value, naming sheet!A1."""
    cell = f"{raw.name}!{raw.letter(col)}{row}"
    return Problem(
        "error",
        raw.name,
        row,
        raw.letter(col),
        formula,
        f"formula without a computed value ({cell}): open the file in Excel or WPS, let it "
        "calculate, save and import again, or paste the cells as values / 公式未计算出数值，"
        "请在 Excel/WPS 中重新计算并保存，或粘贴为数值",
    )


def _not_at_formulas(problems: list[Problem], raws: list[RawSheet]) -> list[Problem]:
    """``problems`` without those about a cell already reported as an uncomputed formula
    (its cell reads as empty: "value is empty" would say less)."""
    cells = {(raw.name, row, raw.letter(col)) for raw in raws for row, col, _ in raw.uncomputed}
    if not cells:
        return problems
    return [p for p in problems if (p.sheet, p.row, p.column.split(" ")[0]) not in cells]


def read_checked(
    path: Path,
    fw: Framework,
    units: pd.DataFrame | None,
    *,
    sheet: str | None = None,
    strict: bool = False,
    action: str = "import",
    unit: str | None = None,
    names: dict[str, str] | None = None,
    accept_implausible: str | None = None,
    source: str | None = None,
    status: str | None = None,
) -> tuple[CheckResult, dict[str, str], str | None]:
    """``read_observations``, raising ``ImportErrorReport`` (every bad cell, the file
    named) when the file cannot be read or any cell is wrong: what ``qcity import`` and
    ``qcity evaluate --data`` both accept and refuse."""
    try:
        checked, layouts, encoding = read_observations(
            path,
            fw,
            units,
            sheet=sheet,
            strict=strict,
            unit=unit,
            names=names,
            accept_implausible=accept_implausible,
            source=source,
            status=status,
        )
    except (FileReadError, NamesFileError) as exc:
        raise ImportErrorReport(
            path.name, [Problem("error", sheet, None, "", "", str(exc))], action
        ) from exc
    if checked.errors:
        raise ImportErrorReport(path.name, checked.problems, action)
    return checked, layouts, encoding


def import_file(
    store: Store,
    path: str | Path,
    framework: Framework,
    entered_by: str,
    *,
    sheet: str | None = None,
    dry_run: bool = False,
    strict: bool = False,
    progress: ProgressCallback | None = None,
    unit: str | None = None,
    names: dict[str, str] | None = None,
    entered_by_user_id: int | None = None,
    actor: Actor | None = None,
    accept_implausible: str | None = None,
    source: str | None = None,
    status: str | None = None,
    allow_unsourced: bool = False,
) -> ImportResult:
    """Check ``path`` against ``framework`` and the store's units, then (unless
    ``dry_run``) write it as one import batch. Raises ``ImportErrorReport`` listing every
    bad cell if any check fails; nothing is written then. ``unit`` and ``names``: a
    yearbook table of one unit (see ``read_observations``). ``actor``: who the audit log
    names (the CLI operator, a logged-in user); ``entered_by`` stays the data's label.
    ``accept_implausible``: the reason for storing values outside their plausible range
    (flagged ``implausible``; the reason and the values go to the audit log); without it
    such values are errors. ValueError for a blank reason. ``source``, ``status``: see
    ``read_observations``. A value with a source is not replaced by one without
    (``UnsourcedReplacementError``, nothing written) unless ``allow_unsourced``."""
    reason = accept_reason(accept_implausible)
    path = Path(path)
    try:
        fmt = file_format(path)
    except FileReadError as exc:
        raise ImportErrorReport(
            path.name, [Problem("error", sheet, None, "", "", str(exc))]
        ) from exc
    checked, layouts, encoding = read_checked(
        path,
        framework,
        store.units(),
        sheet=sheet,
        strict=strict,
        unit=unit,
        names=names,
        accept_implausible=reason,
        source=source,
        status=status,
    )
    result = ImportResult(
        file_name=path.name,
        sha256=file_sha256(path),
        observations=checked.observations,
        layouts=layouts,
        warnings=sort_problems(checked.warnings),
        encoding=encoding,
        recognition=checked.recognition,
    )
    if dry_run or checked.observations.empty:
        return result
    result.summary = store.add_observations(
        checked.observations,
        entered_by=entered_by,
        file_name=path.name,
        file_sha256=result.sha256,
        source_format=fmt,
        framework=framework,
        progress=progress,
        entered_by_user_id=entered_by_user_id,
        actor=actor,
        audit_extra={"implausible": {"reason": reason, "values": checked.implausible}}
        if checked.implausible
        else None,
        unsourced="allow" if allow_unsourced else "refuse",
    )
    return result
