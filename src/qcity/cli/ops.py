"""Operations commands: ``qcity backup FILE``, ``qcity restore FILE`` (the whole store
in one file, see ``qcity.data.backup``), ``qcity audit-log verify`` (the audit log's hash
chain, see ``qcity.data.audit``) and ``qcity template`` (a department's Excel data-entry
sheet, see ``qcity.service.templates``)."""

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
from qcity.cli.common import cli_operator
from qcity.cli.data import open_store
from qcity.cli.options import DbOption
from qcity.cli.workflow import audit_app
from qcity.service.store import display_url

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
    """Back up every table of the database to one NEW file (never over an existing file,
    link, device or folder); refused if the audit log does not verify.
    备份整个数据库到一个新文件。"""
    from qcity.service.backup import backup, check_target

    if out.is_dir() and not out.is_symlink():
        fail(f"{out} is a folder; give the name of the backup file, e.g. {out / 'qcity.zip'}")
    check_target(out)  # named before the database is opened
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
    from qcity.service.backup import read_manifest, restore
    from qcity.service.store import parse_url, sqlite_file

    store = open_store(db, check=False)
    existing = sqlite_file(parse_url(store.url))
    if existing is None or existing.exists():
        store.schema_revision()  # a database that cannot be opened is named first
    read_manifest(file)  # a bad backup is named before a new database is created
    with _progress("恢复 / restoring") as progress:
        summary = restore(store, file, replace=replace, progress=progress, by=cli_operator())
    Console().print(
        f"{file.name} -> {display_url(store.url)}: {summary.rows} row(s) of "
        f"{len(summary.tables)} table(s) restored; the audit log verifies and records the "
        "restore / 已恢复，审计日志校验通过并记录本次恢复"
    )


@audit_app.command("verify")
def audit_verify(db: DbOption = None) -> None:
    """Check the audit log's hash chain; name the first entry changed or removed outside
    qcity (exit 1). 校验审计日志的哈希链。"""
    from qcity.service.audit import verify_chain

    store = open_store(db, create=False)
    with store.engine.connect() as conn:
        check = verify_chain(conn)
    if not check.ok:
        fail(
            f"{display_url(store.url)}: the audit log does not verify at entry "
            f"{check.broken_id}: {check.reason}. Entries before it verify; restore the "
            "database from a backup that verifies and keep this copy as evidence / "
            f"审计日志在第 {check.broken_id} 条处校验失败"
        )
    Console().print(
        f"{display_url(store.url)}: the audit log verifies: {check.entries} entr"
        f"{'y' if check.entries == 1 else 'ies'}, last hash {check.head} / 审计日志校验通过"
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
