"""``qcity values`` (the review of values entered by departments: list, approve, reject)
and ``qcity audit-log`` (the append-only log of every change: list, export). The CLI acts
on the database directly: it is the operator's tool, recorded as ``cli:<login>``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from qcity.cli.app import app, fail
from qcity.cli.common import cli_operator
from qcity.cli.options import DbOption

if TYPE_CHECKING:
    import pandas as pd

    from qcity.service.store import Store

values_app = typer.Typer(
    help="values entered by departments 部门填报数值: list, approve, reject", no_args_is_help=True
)
app.add_typer(values_app, name="values")
audit_app = typer.Typer(
    help="the audit log of every change 审计日志: list, export", no_args_is_help=True
)
app.add_typer(audit_app, name="audit-log")

console = Console()
STATE_ZH = {"draft": "草稿", "submitted": "已提交", "approved": "已通过", "rejected": "已退回"}


def _open(db: str | None, *, write: bool = False) -> Store:
    """The store at ``db`` with the newest schema (never created by a reader)."""
    from qcity.service.store import Store

    store = Store(db, create=write)
    store.check_schema()
    return store


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (timestamps as ISO text, missing as null)."""
    out = []
    for rec in frame.astype(object).where(frame.notna(), None).to_dict("records"):
        out.append(
            {str(k): (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in rec.items()}
        )
    return out


@values_app.command("list")
def values_list(
    state: str | None = typer.Option(
        None, "--state", help="only values in this state: draft, submitted, approved, rejected"
    ),
    unit: str | None = typer.Option(None, "--unit", help="only this unit"),
    year: str | None = typer.Option(None, "--period", help="only this period, e.g. 2024"),
    latest: bool = typer.Option(False, "--latest", help="only the newest revision of each value"),
    everything: bool = typer.Option(
        False, "--all", help="also the values the operator imported (approved at once) 含导入数值"
    ),
    db: DbOption = None,
    as_json: bool = typer.Option(False, "--json", help="print JSON (a list of values)"),
) -> None:
    """List the values entered through the workflow (drafts, submitted, reviewed) with
    their state; --all adds the imported ones. 列出填报数值及审核状态。"""
    from qcity.service.review import STATES, value_list

    if state is not None and state not in STATES:
        fail(f"--state {state!r}: write one of {', '.join(STATES)}")
    with _open(db) as store:
        frame = value_list(
            store,
            actor=cli_operator(),
            state=state,
            unit=unit or None,
            period=year or None,
            latest=latest,
            entered_only=not everything,
        )
    if as_json:
        typer.echo(json.dumps(_records(frame), ensure_ascii=False, indent=2))
        return
    if frame.empty:
        console.print("no values match 没有符合条件的数值")
        return
    table = Table(title=f"values 数值 ({len(frame)})")
    for col in ("id", "unit 单元", "indicator 指标", "period 期", "value 数值", "rev 修订"):
        table.add_column(
            col, justify="right" if col in ("id", "value 数值", "rev 修订") else "left"
        )
    for col in ("state 状态", "entered by 填报人", "last step 最近操作", "comment 意见"):
        table.add_column(col)
    for r in frame.tail(500).itertuples():
        reviewed = f"{r.state_by} {str(r.state_at)[:16]}" if isinstance(r.state_by, str) else ""
        table.add_row(
            str(r.id),
            str(r.unit),
            str(r.indicator),
            str(r.period),
            f"{r.value:g}",
            str(r.revision),
            f"{r.state} {STATE_ZH.get(str(r.state), '')}",
            str(r.entered_by),
            reviewed,
            r.comment if isinstance(r.comment, str) else "",
        )
    console.print(table)
    if len(frame) > 500:
        console.print(f"showing the newest 500 of {len(frame)}; --json prints all")


@values_app.command("approve")
def values_approve(
    ids: list[int] = typer.Argument(..., help="value ids (see `qcity values list`)"),
    comment: str | None = typer.Option(None, "--comment", help="the reviewer's comment 审核意见"),
    db: DbOption = None,
) -> None:
    """Approve submitted values: evaluations use them from now on. 审核通过。"""
    from qcity.service.workflow import approve

    with _open(db, write=True) as store:
        done = approve(store, actor=cli_operator(), ids=ids, comment=comment)
    console.print(f"approved 已通过: {len(done)} value(s) {', '.join(map(str, done['id']))}")


@values_app.command("reject")
def values_reject(
    ids: list[int] = typer.Argument(..., help="value ids (see `qcity values list`)"),
    reason: str = typer.Option(..., "--reason", help="why (required) 退回理由"),
    db: DbOption = None,
) -> None:
    """Reject submitted values with a reason; the clerk enters a corrected revision. 退回。"""
    from qcity.service.workflow import reject

    with _open(db, write=True) as store:
        done = reject(store, actor=cli_operator(), ids=ids, reason=reason)
    console.print(f"rejected 已退回: {len(done)} value(s) {', '.join(map(str, done['id']))}")


@audit_app.command("list")
def audit_list(
    entity: str | None = typer.Option(
        None, "--entity", help="only one kind: value, import_batch, framework, run"
    ),
    limit: int = typer.Option(50, "--limit", "-n", min=1, help="at most this many, newest first"),
    db: DbOption = None,
    as_json: bool = typer.Option(False, "--json", help="print JSON (a list of entries)"),
) -> None:
    """Show the audit log, newest first. 查看审计日志。"""
    from qcity.service.audit import audit_log

    with _open(db) as store:
        frame = audit_log(store, actor=cli_operator(), entity=entity, limit=limit)
    if as_json:
        typer.echo(json.dumps(_records(frame), ensure_ascii=False, indent=2))
        return
    if frame.empty:
        console.print("the audit log is empty 审计日志为空")
        return
    table = Table(title="audit log 审计日志")
    for col in ("id", "at 时间 (UTC)", "who 操作人", "action 操作", "key 对象", "before → after"):
        table.add_column(col)
    for r in frame.itertuples():
        change = f"{_short(r.before)} → {_short(r.after)}"
        who = f"{r.actor} ({r.via})"
        table.add_row(str(r.id), str(r.at)[:19], who, str(r.action), f"{r.entity} {r.key}", change)
    console.print(table)


def _short(value: Any) -> str:
    """A before/after state in one short line."""
    if value is None:
        return "-"
    if isinstance(value, dict):
        keys = [k for k in ("value", "state", "status", "revision", "file", "added") if k in value]
        if keys:
            return ", ".join(f"{k}={value[k]}" for k in keys)
    return json.dumps(value, ensure_ascii=False, default=str)[:60]


@audit_app.command("export")
def audit_export(
    out: Path = typer.Option(..., "--out", "-o", help="FILE.csv or FILE.xlsx"),
    db: DbOption = None,
) -> None:
    """Export the whole audit log (oldest first) to CSV or Excel. 导出审计日志。"""
    from qcity.service.audit import export_audit_log
    from qcity.service.files import atomic_file, safe_frame, safe_xlsx

    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        fail(f"--out {out}: name a .csv or .xlsx file / 请给出 .csv 或 .xlsx 文件")
    if out.is_dir():
        fail(f"--out {out} is a folder; name a .csv or .xlsx file")
    with _open(db) as store:
        flat = export_audit_log(store, actor=cli_operator())
    with atomic_file(out) as tmp:  # whole or not at all
        if suffix == ".csv":
            safe_frame(flat).to_csv(tmp, index=False, encoding="utf-8-sig")
        else:
            safe_xlsx(flat, tmp, "audit_log")
    console.print(f"wrote {len(flat)} audit entries to {out} 已导出")
