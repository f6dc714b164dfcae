"""CLI commands of the data store: ``db upgrade``, ``db batches``, ``import``,
``import-units``, ``import-groups``, ``export``, ``history``, ``unit-history``.

Every command takes ``--db URL``; ``DbOption`` and ``open_store`` are the one place where
the URL is resolved (option, else ``$QCITY_DATABASE_URL``, else ``var/qcity.sqlite``), and
``AsOfOption`` with ``as_of_option`` the one way ``--as-of`` is read, so other command
modules should use them too. Read-only commands never create a database file, and a
command that finds nothing to do says so.
"""

from __future__ import annotations

import getpass
import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from qcity.cli.app import app, fail
from qcity.cli.common import cli_operator
from qcity.cli.options import AsOfOption, DbOption
from qcity.service.notice import count_line
from qcity.service.store import display_url

if TYPE_CHECKING:  # imported inside the commands, so that `qcity --help` starts fast
    import pandas as pd

    from qcity.service.files import Problem, Recognition
    from qcity.service.frameworks import Framework
    from qcity.service.store import Store

#: Files with more rows than this get a progress bar while they are written.
PROGRESS_MIN_ROWS = 5000

db_app = typer.Typer(
    help="Database tables and import log. 数据库表与导入记录。", no_args_is_help=True
)
app.add_typer(db_app, name="db")


def _console() -> Console:
    """The console all data commands print to."""
    return Console(soft_wrap=False, highlight=False)


def open_store(db: str | None, *, check: bool = True, create: bool = True) -> Store:
    """The store at ``--db`` (or the default); with ``check`` it must be migrated, else the
    command stops with the hint to run ``qcity db upgrade``; ``create=False`` (read-only
    commands) stops instead of creating a missing SQLite file."""
    from qcity.service.store import SchemaNotReadyError, Store, StoreError

    try:
        store = Store(db, create=create)
    except StoreError as exc:
        fail(str(exc))
        raise  # unreachable: _fail exits
    if check:
        try:
            store.check_schema()
        except SchemaNotReadyError as exc:
            fail(str(exc))
    return store


def _load_framework(path: Path) -> Framework:
    """The framework at ``path``; stops with every problem of the file listed."""
    from qcity.service.frameworks import FrameworkError, load_framework

    try:
        return load_framework(path)
    except FrameworkError as exc:
        fail(f"framework {path}:\n{exc}")
        raise  # unreachable: _fail exits


def as_of_option(text: str | None, fw: Framework | None = None) -> datetime | None:
    """The ``--as-of`` time (``qcity.data.asof.parse_as_of``): without an offset, local
    time in the framework's timezone (default Asia/Shanghai); stops with the accepted
    forms when the text is not one of them."""
    from qcity.service.files import DEFAULT_TIMEZONE, parse_as_of

    if text is None:
        return None
    try:
        return parse_as_of(text, fw.timezone if fw is not None else DEFAULT_TIMEZONE)
    except ValueError as exc:
        fail(f"--as-of: {exc}")
        raise  # unreachable


def _s(value: object) -> str:
    """A cell as text; missing values (None, NaN) as empty."""
    import pandas as pd

    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    return str(value)


def problems_table(problems: list[Problem], limit: int = 500) -> Table:
    """Rich table of import problems: severity, sheet, row, column, value, reason."""
    from qcity.service.files import sort_problems

    table = Table(title="问题 / Problems", expand=False)
    for name, justify in (
        ("", "left"),
        ("sheet / 工作表", "left"),
        ("row / 行", "right"),
        ("column / 列", "left"),
        ("value / 值", "left"),
        ("problem / 问题", "left"),
    ):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for p in sort_problems(problems)[:limit]:
        style = "red" if p.severity == "error" else "yellow"
        table.add_row(
            Text("错误 error" if p.severity == "error" else "警告 warning", style=style),
            Text(p.sheet or ""),
            "" if p.row is None else str(p.row),
            Text(p.column),
            Text(p.value),
            Text(p.reason),
        )
    if len(problems) > limit:
        table.caption = f"... {len(problems) - limit} more / 另有 {len(problems) - limit} 条"
    return table


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create or migrate the tables to the newest schema. 创建或升级数据库表。"""
    from qcity.service.store import migrate

    store = open_store(db, check=False)
    before, head = store.schema_revision(), migrate.head_revision()
    if before == head:
        _console().print(
            f"{display_url(store.url)}: nothing to do, the schema is at the newest revision "
            f"{head} / 无需升级，已是最新"
        )
        return
    store.upgrade()
    _console().print(
        f"{display_url(store.url)}: schema at revision {store.schema_revision()} / 已升级"
    )


def _text_table(title: str, df: pd.DataFrame, cols: list[str]) -> Table:
    """A Rich table of ``cols`` of ``df``: timestamps in ISO 8601, missing values empty."""
    import pandas as pd

    table = Table(title=title)
    for col in cols:
        table.add_column(col, overflow="fold")
    text = pd.DataFrame(index=df.index)
    for col in cols:
        series = df[col]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            text[col] = series.dt.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
        elif series.dtype.kind == "f":
            text[col] = series.map(repr)
        else:
            text[col] = series.map(_s)
    for row in text.to_numpy(dtype=object).tolist():
        table.add_row(*(Text(str(v)) for v in row))
    return table


@db_app.command("batches")
def db_batches(db: DbOption = None) -> None:
    """List the import log: file, SHA-256, rows added/revised/unchanged, who, when. 导入记录。"""
    df = open_store(db, create=False).batches()
    if df.empty:
        _console().print("no import batches yet / 尚无导入记录")
        return
    df["sha256"] = df["sha256"].str.slice(0, 12)
    cols = [
        "id",
        "created_at",
        "entered_by",
        "file_name",
        "format",
        "rows",
        "added",
        "revised",
        "unchanged",
        "sha256",
    ]
    _console().print(_text_table("导入记录 / Import batches", df, cols))


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="CSV, .xlsx or .parquet file / 数据文件")],
    framework: Annotated[
        Path, typer.Option("--framework", "-f", help="framework YAML / 指标体系文件")
    ],
    db: DbOption = None,
    by: Annotated[
        str | None, typer.Option("--by", help="who enters the data (default: login) / 录入人")
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="only this Excel sheet / 仅导入该工作表")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="check only, write nothing / 仅检查")
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="implausible values stay errors even with --accept-implausible "
            "/ 不合理值一律视为错误",
        ),
    ] = False,
    accept_implausible: Annotated[
        str | None,
        typer.Option(
            "--accept-implausible",
            help="store values outside their plausible range, flagged, for this reason "
            "(kept in the audit log) / 确认超出合理范围的数值并说明原因",
            show_default=False,
        ),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help="the file is a yearbook table of this one unit: indicator rows, year columns "
            "/ 该文件为单一地区的统计年鉴表（指标为行、年份为列）",
            show_default=False,
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="source of the values (a yearbook table: of every value; otherwise of those "
            "without one) / 数据来源",
            show_default=False,
        ),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="status of the values (final, preliminary, estimated, illustrative; 正式/初步/"
            "预计/估算); a yearbook table's note 初步核算/快报 means preliminary otherwise "
            "/ 数据状态",
            show_default=False,
        ),
    ] = None,
    allow_unsourced: Annotated[
        bool,
        typer.Option(
            "--allow-unsourced",
            help="replace stored values that have a source by values without one "
            "/ 允许以无来源数值替换有来源数值",
        ),
    ] = False,
    name: Annotated[
        list[str] | None,
        typer.Option(
            "--name",
            help="with --unit: a row name the office confirms, ROW=CODE (repeat) "
            "/ 确认行名对应的指标：行名=代码",
            show_default=False,
        ),
    ] = None,
    save_names: Annotated[
        bool,
        typer.Option(
            "--save-names",
            help="with --unit: keep the --name mappings in the names file beside the "
            "framework (F.names.yaml), used by every later import / 保存行名对应，以后自动使用",
        ),
    ] = False,
) -> None:
    """Check a data file against the framework and import it in one transaction.
    检查数据文件并在一个事务中导入；任何错误都不写入。"""
    from qcity.service.files import ImportErrorReport
    from qcity.service.imports import ImportRefused, import_observations

    console = _console()
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = None

        def progress(done: int, total: int) -> None:
            nonlocal task
            if total < PROGRESS_MIN_ROWS:
                return
            if task is None:
                task = bar.add_task("写入 / writing", total=total)
            bar.update(task, completed=done)

        try:
            result = import_observations(
                db=db,
                file=file,
                framework=framework,
                entered_by=_entered_by(by),
                actor=cli_operator(),
                sheet=sheet,
                dry_run=dry_run,
                strict=strict,
                unit=unit,
                names=name or (),
                save_names=save_names,
                accept_implausible=accept_implausible,
                source=source,
                status=status,
                allow_unsourced=allow_unsourced,
                progress=progress,
            )
        except ImportErrorReport as exc:
            bar.stop()
            console.print(problems_table(exc.problems))
            fail(f"{file.name}: {len(exc.errors)} error(s); nothing imported / 有错误，未导入")
        except ImportRefused as exc:
            bar.stop()
            fail(str(exc))
    if result.warnings:
        console.print(problems_table(list(result.warnings)))
    if dry_run:
        for recog in result.recognition:
            console.print(recognition_table(recog))
    for recog in result.recognition:
        for said in recog.notes:
            where = f"sheet {recog.sheet}: " if recog.sheet else ""
            console.print(f"{where}{said} / 按表注设定")
    if result.names_file is not None:
        if result.names_saved is None:
            console.print(f"dry run: names not saved to {result.names_file} / 试运行，未保存行名")
        else:
            console.print(
                f"{result.names_saved} confirmed name(s) saved to {result.names_file} "
                "/ 已保存行名对应"
            )
    layouts = ", ".join(f"{k}: {v}" for k, v in result.layouts.items())
    if result.skipped:
        layouts += f"; {result.skipped} row(s) skipped / 跳过 {result.skipped} 行"
    if dry_run:
        console.print(
            f"{file.name}: {result.rows} value(s) checked, no errors ({layouts}); "
            "dry run, nothing written / 检查通过，未写入"
        )
        return
    s = result.summary
    if s is None or s.written == 0:
        equal = 0 if s is None else s.unchanged
        why = (
            f"{equal} row(s) equal to what is stored / {equal} 行与库中数据相同"
            if equal
            else "the file holds no values / 文件中没有数值"
        )
        console.print(f"{file.name}: nothing to do: {why}; nothing written / 无需写入")
        return
    if s.unsourced:
        console.print(
            f"[yellow]{len(s.unsourced)} value(s) had a source and now have none "
            f"(--allow-unsourced) / 来源已去除: {', '.join(s.unsourced[:10])}"
        )
    console.print(
        f"{file.name} -> {result.database}: {s.added} added / 新增, "
        f"{s.revised} revised / 修订, {s.unchanged} unchanged / 未变 "
        f"(batch {s.batch_id}; {layouts})"
    )


def recognition_table(recog: Recognition) -> Table:
    """How a yearbook sheet was read: header row, columns, and every body row's fate."""
    where = f"sheet {recog.sheet!r}, " if recog.sheet else ""
    periods = ", ".join(f"{col} -> {p}" for col, p in recog.periods.items())
    table = Table(
        title=f"识别 / Layout: {where}unit {recog.unit}, header row {recog.header_row}, "
        f"names in {recog.name_column}"
        + (f", units in {recog.unit_column}" if recog.unit_column else "")
        + f"; years {periods}",
        title_justify="left",
    )
    for col, justify in (
        ("row / 行", "right"),
        ("name / 行名", "left"),
        ("->", "left"),
        ("how / 方式", "left"),
    ):
        table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
    shown = {
        "matched": "",
        "skipped": "skipped / 跳过",
        "note": "note / 注释",
        "heading": "no values / 无数值",
    }
    for r in recog.rows:
        how = r.detail if r.outcome == "matched" else shown[r.outcome]
        if r.outcome == "skipped" and r.detail:
            how += f" (closest: {r.detail})"
        table.add_row(str(r.row), Text(r.text), r.code, Text(how))
    return table


def _entered_by(by: str | None) -> str:
    """Who enters data: ``--by``, else ``$QCITY_USER``, else the login name."""
    return by or os.environ.get("QCITY_USER") or getpass.getuser()


@app.command("import-units")
def import_units_cmd(
    file: Annotated[Path, typer.Argument(help="CSV: code,name_zh,name_en,type,parent_code,...")],
    db: DbOption = None,
    by: Annotated[
        str | None, typer.Option("--by", help="who changes the units (default: login) / 录入人")
    ] = None,
    confirm: Annotated[
        bool,
        typer.Option(
            "--confirm", help="accept changes of unit type (a city becoming a town) / 确认类型变更"
        ),
    ] = False,
) -> None:
    """Add or update units from a CSV (extra columns become attributes); every change is
    kept as a revision (`qcity unit-history CODE`). 导入地区表，每次修改都保留历史。"""
    from qcity.service.imports import import_units

    done = import_units(db=db, file=file, entered_by=_entered_by(by), confirm_type_change=confirm)
    if done.written == 0:
        said = (
            f"nothing to do: {done.unchanged} unit(s) equal to what is stored / "
            f"无需写入：{done.unchanged} 个地区与库中相同"
        )
    else:
        said = (
            f"{done.added} unit(s) added / 新增, {done.revised} revised / 修订, "
            f"{done.unchanged} unchanged / 未变"
        )
    _console().print(f"{file.name}: {said}")


@app.command("import-groups")
def import_groups_cmd(
    file: Annotated[
        Path, typer.Argument(help="CSV, one row per member: group,name_zh,name_en,unit[,kind]")
    ],
    db: DbOption = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="accept that groups lose the members the file does not list "
            "/ 确认删除未列出的成员",
        ),
    ] = False,
) -> None:
    """Create or update unit groups (peer groups) in one transaction; a group losing
    members needs --replace. 导入对标组；删除成员需加 --replace。"""
    from qcity.service.imports import import_groups

    done = import_groups(db=db, file=file, replace=replace)
    if done.written == 0:
        said = (
            f"nothing to do: {done.groups} group(s) equal to what is stored / "
            f"无需写入：{done.groups} 个对标组与库中相同"
        )
    else:
        said = (
            f"{done.written} group(s) written / 对标组已导入"
            + (f", {done.unchanged} unchanged / 未变" if done.unchanged > 0 else "")
            + "".join(f"\n  {c}" for c in done.changes)
        )
    _console().print(f"{file.name}: {said}")


@app.command("export")
def export_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="F.csv, F.xlsx or F.parquet")],
    db: DbOption = None,
    as_of: AsOfOption = None,
    all_revisions: Annotated[
        bool, typer.Option("--all-revisions", help="every revision / 全部修订")
    ] = False,
    indicator: Annotated[
        list[str] | None, typer.Option("--indicator", help="only these codes (repeat)")
    ] = None,
    unit: Annotated[list[str] | None, typer.Option("--unit", help="only these units")] = None,
    framework: Annotated[
        Path | None,
        typer.Option("--framework", "-f", help="add indicator names and units of measure"),
    ] = None,
    results: Annotated[
        int | None,
        typer.Option(
            "--results",
            help="instead of observations: the results workbook (F.xlsx) of this stored run "
            "(qcity runs list); --unit then names the unit monitored / 导出评价批次结果工作簿",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Export observations with provenance to CSV, Excel or Parquet; with --results RUN,
    a stored run's results workbook. 导出数据及来源；或评价批次结果工作簿。"""
    from qcity.service.imports import export_observations

    if results is not None:
        others = {
            "--as-of": as_of is not None,
            "--all-revisions": all_revisions,
            "--indicator": bool(indicator),
            "--framework": framework is not None,
        }
        _export_results(results, out, db, unit, [k for k, v in others.items() if v])
        return
    fw = _load_framework(framework) if framework is not None else None
    when = as_of_option(as_of, fw)
    console = _console()
    with console.status(f"导出 / exporting {out.name}"):
        done = export_observations(
            db=db,
            out=out,
            as_of=when,
            all_revisions=all_revisions,
            indicators=indicator,
            units=unit,
            framework=fw,
        )
    if done.rows == 0:
        then = f" as of {when.isoformat()}" if when is not None else ""
        console.print(
            f"{out}: 0 row(s): nothing to export, no stored value matches{then}; the file "
            "has the header only / 没有符合条件的数据，文件只有表头"
        )
        return
    console.print(f"{out}: {done.rows} row(s) / 行")


def _export_results(
    run_id: int, out: Path, db: str | None, unit: list[str] | None, ignored: list[str]
) -> None:
    """``qcity export --results RUN``: the results workbook of a stored run."""
    from qcity.service.results_workbook import write_results_workbook

    if ignored:
        fail(
            f"{', '.join(ignored)} cannot be used with --results: a run's workbook holds the "
            "data as of the run's vintage / 与 --results 不能同时使用"
        )
    if out.suffix.lower() != ".xlsx":
        fail(f"--out {out}: the results workbook is an Excel file; give a name ending in .xlsx")
    if unit is not None and len(unit) > 1:
        fail("--unit: give one unit to monitor with --results / 只能指定一个监测单元")
    open_store(db, create=False).close()  # the usual message for a missing database
    console = _console()
    with console.status(f"导出 / exporting {out.name}"):
        book = write_results_workbook(db, run_id, out, unit=unit[0] if unit else None)
    console.print(
        f"{out}: results workbook of run {run_id} / 评价批次 {run_id} 结果工作簿 — "
        f"monitored 监测 {book.unit} {book.period}; sheets 工作表: {', '.join(book.sheets)}"
    )
    console.print(
        f"scores equal the stored ones when evaluated again at the run's data vintage "
        f"(largest difference {book.largest_difference:.3g}) / 按数据时点重算，得分与保存的一致"
    )
    if book.illustrative:
        console.print(
            "[bold yellow]"
            + count_line(book.illustrative, book.values_used, tail="every sheet carries the notice")
        )


@app.command("history")
def history_cmd(
    unit: Annotated[str, typer.Argument(help="unit code / 地区代码")],
    indicator: Annotated[str, typer.Argument(help="indicator code / 指标代码")],
    period: Annotated[str, typer.Argument(help="2024 or 2024Q1 / 时期")],
    db: DbOption = None,
) -> None:
    """Every revision of one value: who changed it, when, from which file. 数值修订历史。"""
    df = open_store(db, create=False).history(unit, indicator, period)
    if df.empty:
        fail(f"no value for {unit} {indicator} {period} / 无此数据")
    cols = [
        "revision",
        "value",
        "status",
        "source",
        "flag",
        "recorded_at",
        "entered_by",
        "file_name",
    ]
    _console().print(_text_table(f"{unit} {indicator} {period}", df, cols))


@app.command("unit-history")
def unit_history_cmd(
    code: Annotated[str, typer.Argument(help="unit code / 地区代码")],
    db: DbOption = None,
) -> None:
    """Every revision of one unit: names, type, parent, what changed, who, when. 地区修订历史。"""
    df = open_store(db, create=False).unit_history(code)
    if df.empty:
        fail(f"no unit {code} in the database / 无此地区")
    df["attributes"] = [
        ", ".join(f"{k}={v}" for k, v in (a or {}).items()) for a in df["attributes"]
    ]
    cols = [
        "revision",
        "name_zh",
        "name_en",
        "type",
        "parent_code",
        "attributes",
        "changes",
        "recorded_at",
        "entered_by",
    ]
    _console().print(_text_table(f"{code}", df, cols))
