"""Data in and out of the store, as use cases every interface calls the same way: import
a file of observations (``import_observations``), check an upload without storing it
(``check_upload``), import units and unit groups (``import_units``, ``import_groups``)
and export observations (``export_observations``).

Each use case holds its rules itself, so that the CLI, the web and a notebook cannot
differ: a yearbook table's confirmed row names are those of the names file beside the
framework plus the ones given (``ROW=CODE``) and are saved there only after a real
import; every check runs before anything is written and an import is one transaction;
a file the store refuses names the file. Errors are kinds of ``qcity.errors`` (a file
with bad cells: ``ImportErrorReport``, an ``InputError`` listing every cell).

    outcome = import_observations(
        db=url, file=Path("2024.xlsx"), framework=Path("liyang.yaml"),
        entered_by="统计局", actor=operator("clerk"),
    )
    outcome.summary.added
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from qcity import errors
from qcity.data.units import UnitsSummary

if TYPE_CHECKING:
    import pandas as pd

    from qcity.data.problems import Problem
    from qcity.data.roles import Actor
    from qcity.data.store import ImportSummary, Store
    from qcity.data.yearbook import Recognition
    from qcity.framework.model import Framework

#: Told the rows written so far and the rows to write (a progress display).
Progress = Callable[[int, int], None]


class ImportOptionError(errors.InputError, ValueError):
    """Options of an import that do not go together, or a confirmed name not written
    ``ROW=CODE``. ``options`` names, interface-neutral, the option that would help (as
    ``qcity.engine.errors.EvaluationError`` does): each interface adds its spelling."""

    def __init__(self, message: str, *, options: tuple[str, ...] = ()) -> None:
        """The message, and the options the caller should give."""
        super().__init__(message)
        self.options = options


class ImportRefused(errors.InputError, ValueError):
    """The store refused the checked values (an unknown unit, a sourced value replaced by
    one without a source, a blank reason ...): nothing was written. The message names the
    file; the store's own error is ``__cause__``."""


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did. ``database``: the store's URL as shown (without password);
    ``rows``: values read and checked; ``layouts``: sheet -> layout read; ``warnings``:
    the doubtful cells (nothing blocked); ``recognition``: how each yearbook sheet was
    read; ``summary``: what was written (None for a dry run or a file without values);
    ``names_file``: the names file beside the framework when confirmed names were to be
    saved, and ``names_saved`` how many were written there (None: not saved, a dry run)."""

    file_name: str
    database: str
    dry_run: bool
    rows: int
    layouts: dict[str, str]
    warnings: tuple[Problem, ...]
    recognition: tuple[Recognition, ...]
    summary: ImportSummary | None
    names_file: Path | None = None
    names_saved: int | None = None

    @property
    def skipped(self) -> int:
        """Rows of yearbook tables that matched no indicator (each has a warning)."""
        return sum(r.outcome == "skipped" for g in self.recognition for r in g.rows)

    @property
    def written(self) -> int:
        """Values written (added + revised); 0 for a dry run."""
        return 0 if self.summary is None else self.summary.written


@dataclass(frozen=True)
class CheckedUpload:
    """An uploaded file checked against the framework and the store's units, nothing
    stored: ``observations`` (unit, indicator, period, value, status, source, flag, one
    row per accepted cell), the layout of each sheet and the warnings."""

    file_name: str
    observations: pd.DataFrame
    layouts: dict[str, str]
    warnings: tuple[Problem, ...]

    @property
    def rows(self) -> int:
        """Values read."""
        return len(self.observations)


@dataclass(frozen=True)
class UnitsImport(UnitsSummary):
    """What ``import_units`` did with the file ``file_name``: units new to the store,
    revised, and unchanged (``UnitsSummary``: ``written``, ``rows``)."""

    file_name: str


@dataclass(frozen=True)
class GroupsImport:
    """What ``import_groups`` did: the groups the file lists (``groups``), those written,
    and one line for each change of a stored group (members added or removed ...)."""

    file_name: str
    groups: int
    written: int
    changes: tuple[str, ...]

    @property
    def unchanged(self) -> int:
        """Groups equal to what is stored."""
        return self.groups - self.written


@dataclass(frozen=True)
class ExportOutcome:
    """What ``export_observations`` wrote: the file, its rows (0: the header only) and the
    moment whose data it holds (None: the latest)."""

    path: Path
    rows: int
    as_of: datetime | None


def _open(db: str | None, *, create: bool) -> Store:
    """The store at ``db`` with the newest schema (``SchemaNotReadyError`` otherwise)."""
    from qcity.data.store import Store

    store = Store(db, create=create)
    store.check_schema()
    return store


def _framework(path: Path) -> Framework:
    """The framework file at ``path``; a ``FrameworkError`` listing every problem."""
    from qcity.framework.io import load_framework
    from qcity.framework.problems import FrameworkError

    try:
        return load_framework(path)
    except FrameworkError as exc:
        raise errors.FrameworkError(f"framework {path}:\n{exc}") from exc


def confirmed_names(
    *, framework: Path, unit: str | None, names: Sequence[str] = (), save_names: bool = False
) -> dict[str, str] | None:
    """The confirmed row names of a yearbook import (row name -> indicator code): the names
    file beside ``framework``, then each ``ROW=CODE`` of ``names`` (a row name is kept
    without its decoration: ``X(%)*`` as ``X``); None when the file is no yearbook table
    (``unit`` None). ``ImportOptionError`` for names or saving them without a unit, or a
    name not written ``ROW=CODE``; ``NamesFileError`` for a names file that cannot be read."""
    from qcity.data.names import load_names, names_path, split_decoration

    if unit is None:
        if names or save_names:
            raise ImportOptionError(
                "confirmed row names (and saving them) apply to a yearbook table of one "
                "unit: give the unit / 行名对应需配合地区使用",
                options=("unit",),
            )
        return None
    found = load_names(names_path(framework))
    for item in names:
        row, sep, code = item.rpartition("=")
        if not sep or not row.strip() or not code.strip():
            raise ImportOptionError(
                f"confirmed name {item!r}: write ROW=CODE, e.g. '全市人均GDP=EC01' "
                "/ 格式：行名=代码"
            )
        found[split_decoration(row).name] = code.strip()
    return found


def import_observations(
    *,
    db: str | None,
    file: Path,
    framework: Path,
    entered_by: str,
    actor: Actor,
    sheet: str | None = None,
    dry_run: bool = False,
    strict: bool = False,
    unit: str | None = None,
    names: Sequence[str] = (),
    save_names: bool = False,
    accept_implausible: str | None = None,
    source: str | None = None,
    status: str | None = None,
    allow_unsourced: bool = False,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Check ``file`` against the framework file and the store's units, and (unless
    ``dry_run``) write every value in one transaction as one import batch.

    ``unit``: the file is a yearbook table of this one unit (indicator rows, year
    columns); its row names are matched with the names file beside the framework and
    ``names`` (``ROW=CODE`` texts), which ``save_names`` writes to that file once the
    import succeeded (not on a dry run). ``entered_by`` labels the data, ``actor`` is who
    the audit log names. ``accept_implausible``: the reason for storing values outside
    their plausible range (flagged); ``strict`` keeps them errors. ``source``/``status``:
    of the values (see ``qcity.data.importer.read_observations``); a stored value with a
    source is replaced by one without only with ``allow_unsourced``.

    Raises, with nothing written: ``FrameworkError`` (the framework file),
    ``ImportOptionError``/``NamesFileError`` (names), ``SchemaNotReadyError`` (the
    store), ``ImportErrorReport`` (every bad cell of the file), ``ImportRefused`` (the
    store refused the values, the file named)."""
    from qcity.data.engine import display_url
    from qcity.data.importer import import_file
    from qcity.data.names import names_path
    from qcity.data.names import save_names as write_names
    from qcity.data.problems import ImportErrorReport

    fw = _framework(framework)
    confirmed = confirmed_names(framework=framework, unit=unit, names=names, save_names=save_names)
    with _open(db, create=True) as store:
        try:
            result = import_file(
                store,
                file,
                fw,
                entered_by,
                sheet=sheet,
                dry_run=dry_run,
                strict=strict,
                progress=progress,
                unit=unit,
                names=confirmed,
                actor=actor,
                accept_implausible=accept_implausible,
                source=source,
                status=status,
                allow_unsourced=allow_unsourced,
            )
        except ImportErrorReport:
            raise
        except ValueError as exc:  # the store's StoreError, a blank reason (BadValue)
            raise ImportRefused(f"{file.name}: {exc}") from exc
        database = display_url(store.url)
    names_file = names_saved = None
    if save_names and confirmed is not None:
        names_file = names_path(framework)
        if not dry_run:
            write_names(names_file, confirmed, fw)
            names_saved = len(confirmed)
    return ImportOutcome(
        file_name=result.file_name,
        database=database,
        dry_run=dry_run,
        rows=result.rows,
        layouts=dict(result.layouts),
        warnings=tuple(result.warnings),
        recognition=tuple(result.recognition),
        summary=result.summary,
        names_file=names_file,
        names_saved=names_saved,
    )


def check_upload(
    path: Path,
    *,
    db: str,
    framework: Framework,
    accept_implausible: str | None = None,
) -> CheckedUpload:
    """Check an uploaded file exactly as a dry-run import does (the store's units, the
    framework's checks), storing nothing. ``accept_implausible``: the reason for values
    outside their plausible range (else they are errors). ``ImportErrorReport`` listing
    every bad cell; ``SchemaNotReadyError`` for a store without the newest schema."""
    from qcity.data.importer import read_checked

    with _open(db, create=False) as store:
        units = store.units()
    checked, layouts, _ = read_checked(
        path,
        framework,
        units,
        action="import",
        accept_implausible=accept_implausible,
    )
    return CheckedUpload(
        file_name=path.name,
        observations=checked.observations,
        layouts=dict(layouts),
        warnings=tuple(checked.warnings),
    )


def _csv_table(file: Path) -> pd.DataFrame:
    """A CSV (UTF-8 or GB18030) as text cells; ``InputError`` naming the file when it
    cannot be read or is no table with a header row."""
    import pandas as pd

    from qcity.data.readers import decode_csv

    try:
        text, _ = decode_csv(file.read_bytes(), file.name)
    except OSError as exc:
        raise errors.InputError(str(exc)) from exc
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.EmptyDataError, pd.errors.ParserError) as exc:
        detail = "it is empty" if isinstance(exc, pd.errors.EmptyDataError) else str(exc)
        raise errors.InputError(
            f"{file.name}: not a readable CSV table ({detail}); save it as CSV with a "
            "header row; nothing imported / 未导入"
        ) from exc


def import_units(
    *, db: str | None, file: Path, entered_by: str, confirm_type_change: bool = False
) -> UnitsImport:
    """Add or update the units of a CSV (code, name_zh, name_en, type, parent_code; other
    columns become attributes) in one transaction; every change is kept as a revision. A
    unit changing type is refused unless ``confirm_type_change``. ``InputError`` for a
    file that is no CSV table, ``ImportRefused`` (the file named, nothing written) for
    what the store refuses."""
    from qcity.data.tables import StoreError

    with _open(db, create=True) as store:
        df = _csv_table(file)
        try:
            s = store.add_units(df, entered_by, confirm_type_change=confirm_type_change)
        except StoreError as exc:
            raise ImportRefused(f"{file.name}: {exc}; nothing imported / 未导入") from exc
    return UnitsImport(s.added, s.revised, s.unchanged, file_name=file.name)


def import_groups(*, db: str | None, file: Path, replace: bool = False) -> GroupsImport:
    """Create or update unit groups (peer groups) from a CSV with one row per member
    (group, name_zh, name_en, unit[, kind]) in one transaction. A stored group that would
    lose members is refused unless ``replace``. ``InputError`` for a file that is no CSV
    table, ``ImportRefused`` (the file named, nothing written) for what the store
    refuses."""
    from qcity.data.tables import StoreError

    with _open(db, create=True) as store:
        df = _csv_table(file)
        changes: list[str] = []
        try:
            written = store.add_groups(df, replace=replace, changes=changes)
        except StoreError as exc:
            raise ImportRefused(f"{file.name}: {exc}; nothing imported / 未导入") from exc
    groups = int(df["group"].str.strip().replace("", None).dropna().nunique())
    return GroupsImport(file.name, groups, written, tuple(changes))


def export_observations(
    *,
    db: str | None,
    out: Path,
    as_of: datetime | None = None,
    all_revisions: bool = False,
    indicators: Iterable[str] | None = None,
    units: Iterable[str] | None = None,
    framework: Framework | None = None,
) -> ExportOutcome:
    """Write the stored observations with their provenance to ``out`` (.csv UTF-8 with
    BOM, .xlsx or .parquet, by the suffix), whole or not at all: the latest revisions
    (or every one), as recorded at ``as_of``, only ``indicators`` and ``units`` when
    given, with indicator names and units of measure given ``framework``. Never creates
    a database. ``InputError`` for an unknown format."""
    from qcity.data.exporter import export_observations as write

    with _open(db, create=False) as store:
        try:
            rows = write(
                store,
                out,
                as_of=as_of,
                all_revisions=all_revisions,
                indicators=indicators,
                units=units,
                framework=framework,
            )
        except errors.QcityError:
            raise
        except ValueError as exc:
            raise errors.InputError(str(exc)) from exc
    return ExportOutcome(out, rows, as_of)


__all__ = [
    "CheckedUpload",
    "ExportOutcome",
    "GroupsImport",
    "ImportOptionError",
    "ImportOutcome",
    "ImportRefused",
    "UnitsImport",
    "check_upload",
    "confirmed_names",
    "export_observations",
    "import_groups",
    "import_observations",
    "import_units",
]
