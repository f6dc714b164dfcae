"""Operations commands: ``qcity backup FILE``, ``qcity restore FILE`` (the whole store
in one file, see ``qcity.data.backup``) and ``qcity template`` (a department's Excel
data-entry sheet, see ``qcity.service.templates``)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from qcity.cli.app import app, fail
from qcity.cli.data import DbOption, open_store
from qcity.data.engine import display_url

#: A progress bar appears once a backup or restore has run this long (seconds).
PROGRESS_AFTER = 1.0


@contextmanager
def _progress(what: str) -> Iterator[Callable[[int, int], None]]:
    """A callback (done, total) that shows a progress bar on stderr once the work has
    taken longer than ``PROGRESS_AFTER`` seconds (short runs print nothing)."""
    start = time.monotonic()
    bar = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task: list[TaskID] = []

    def update(done: int, total: int) -> None:
        if not task:
            if time.monotonic() - start < PROGRESS_AFTER:
                return
            bar.start()
            task.append(bar.add_task(what, total=total))
        bar.update(task[0], completed=done, total=total)

    try:
        yield update
    finally:
        if task:
            bar.stop()


@app.command("backup")
def backup_cmd(
    out: Annotated[
        Path, typer.Argument(metavar="FILE", help="backup file to write (.zip) / 备份文件")
    ],
    db: DbOption = None,
) -> None:
    """Back up every table of the database to one file. 备份整个数据库到一个文件。"""
    from qcity.data.backup import backup

    if out.is_dir():
        fail(f"{out} is a folder; give the name of the backup file, e.g. {out / 'qcity.zip'}")
    if not out.parent.is_dir():
        fail(f"{out}: folder {out.parent} does not exist / 目录不存在")
    store = open_store(db, create=False)
    with _progress("备份 / backing up") as progress:
        summary = backup(store, out, progress)
    Console().print(
        f"{out}: {summary.rows} row(s) of {len(summary.tables)} table(s) backed up "
        f"(schema {summary.revision}) / 已备份"
    )


@app.command("restore")
def restore_cmd(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="backup file (qcity backup) / 备份文件")
    ],
    db: DbOption = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="empty a non-empty database first (same transaction) / 先清空目标库"
        ),
    ] = False,
) -> None:
    """Restore a backup into an empty or new database, in one transaction.
    将备份恢复到空数据库（一个事务）。"""
    from qcity.data.backup import read_manifest, restore
    from qcity.data.engine import parse_url, sqlite_file

    store = open_store(db, check=False)
    existing = sqlite_file(parse_url(store.url))
    if existing is None or existing.exists():
        store.schema_revision()  # a database that cannot be opened is named first
    read_manifest(file)  # a bad backup is named before a new database is created
    with _progress("恢复 / restoring") as progress:
        summary = restore(store, file, replace=replace, progress=progress)
    Console().print(
        f"{file.name} -> {display_url(store.url)}: {summary.rows} row(s) of "
        f"{len(summary.tables)} table(s) restored / 已恢复"
    )


@app.command("template")
def template_cmd(
    framework: Annotated[
        str, typer.Option("--framework", "-f", help="framework YAML or shipped name / 指标体系")
    ],
    department: Annotated[
        str,
        typer.Option("--department", help="department, e.g. 统计局 (a unique prefix) / 部门"),
    ],
    year: Annotated[int, typer.Option("--year", help="year to fill in / 填报年份")],
    out: Annotated[Path, typer.Option("--out", "-o", help="FILE.xlsx to write / 输出文件")],
    unit: Annotated[
        list[str] | None,
        typer.Option(
            "--unit",
            help="unit code (repeatable); default: every stored unit of the indicators' "
            "levels / 单元代码",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Write a department's Excel data-entry template that `qcity import` reads back.
    生成部门数据填报模板（Excel）。"""
    from qcity.cli.common import open_framework
    from qcity.service.templates import write_template

    _, fw = open_framework(framework)
    store = open_store(db, create=False)
    units = store.units()
    if unit:
        missing = sorted(set(unit) - set(units["code"].astype(str)))
        if missing:
            fail(f"--unit: no unit {', '.join(missing)} in the database / 数据库中没有该单元")
        units = units[units["code"].isin(unit)]
    made = write_template(fw, department, units, year, out)
    Console().print(
        f"{out}: {len(made.rows)} row(s) to fill in for {made.department}, {year} / 已生成填报模板"
    )
