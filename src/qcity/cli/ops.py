"""Operations commands: ``qcity backup FILE``, ``qcity restore FILE`` (the whole store
in one file, see ``qcity.service.backup``), ``qcity audit-log verify`` (the audit log's
hash chain, see ``qcity.service.audit``) and ``qcity template`` (a department's Excel data-entry
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
    from qcity.service.backup import backup_database

    with _progress("备份 / backing up") as progress:
        made = backup_database(db=db, target=out, progress=progress)
    Console().print(
        f"{out}: {made.rows} row(s) of {len(made.tables)} table(s) backed up "
        f"(schema {made.revision}) / 已备份"
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
    from qcity.service.backup import restore_database

    with _progress("恢复 / restoring") as progress:
        done = restore_database(
            db=db, source=file, by=cli_operator(), replace=replace, progress=progress
        )
    Console().print(
        f"{file.name} -> {done.database}: {done.rows} row(s) of "
        f"{len(done.tables)} table(s) restored; the audit log verifies and records the "
        "restore / 已恢复，审计日志校验通过并记录本次恢复"
    )


@audit_app.command("verify")
def audit_verify(db: DbOption = None) -> None:
    """Check the audit log's hash chain; name the first entry changed or removed outside
    qcity (exit 1). 校验审计日志的哈希链。"""
    from qcity.service.audit import verify_audit_chain

    check = verify_audit_chain(db=db)
    if not check.ok:
        fail(
            f"{check.database}: the audit log does not verify at entry "
            f"{check.broken_id}: {check.reason}. Entries before it verify; restore the "
            "database from a backup that verifies and keep this copy as evidence / "
            f"审计日志在第 {check.broken_id} 条处校验失败"
        )
    Console().print(
        f"{check.database}: the audit log verifies: {check.entries} entr"
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
