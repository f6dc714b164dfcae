"""``qcity runs``: the stored evaluation runs — list, show, publish, export."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from qcity.cli.app import app
from qcity.cli.options import DbOption
from qcity.service.notice import count_line

runs_app = typer.Typer(
    help="stored evaluation runs 已保存的评价批次: list, show, publish, export",
    no_args_is_help=True,
)
app.add_typer(runs_app, name="runs")

console = Console()


TIMES = ("created_at", "published_at", "as_of")


def _plain(record: Mapping[Any, Any]) -> dict[str, Any]:
    """A run's record with its timestamps as ISO 8601 text (for JSON and printing)."""
    return {str(k): (_when(v) if k in TIMES else v) for k, v in record.items()}


def _short(value: Any) -> str:
    """A timestamp to the minute, in UTC: ``2026-12-01 14:32Z``."""
    text = _when(value)
    return f"{text[:10]} {text[11:16]}Z" if len(text) >= 16 else text


def _when(value: Any) -> str:
    """A timestamp as ISO 8601 text, or '' when missing."""
    if value is None or (not isinstance(value, str) and value != value):  # None or NaT
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@runs_app.command("list")
def list_cmd(
    db: DbOption = None,
    as_json: bool = typer.Option(False, "--json", help="print JSON (a list of runs)"),
) -> None:
    """List the stored runs, newest first. 列出评价批次。"""
    from qcity.service.runs import list_runs

    frame = list_runs(db=db)
    if as_json:
        rows = [_plain(r) for r in frame.to_dict("records")]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    if frame.empty:
        console.print("no stored runs yet 尚无评价批次: `qcity evaluate -f FRAMEWORK` stores one")
        return
    table = Table(title="evaluation runs 评价批次")
    table.add_column("id", justify="right")
    table.add_column("status 状态", no_wrap=True)
    for col in ("created 时间 (UTC)", "by 执行人", "framework 指标体系", "data 数据时点 (UTC)"):
        table.add_column(col)
    for r in frame.itertuples():
        table.add_row(
            str(r.id),
            "published 已发布" if r.status == "published" else "draft 草稿",
            _short(r.created_at),
            str(r.created_by),
            f"{r.framework_code} {r.framework_version}",
            _short(r.data_vintage) or "-",
        )
    console.print(table)


@runs_app.command("show")
def show_cmd(
    run_id: int = typer.Argument(..., help="run id (see `qcity runs list`)"),
    db: DbOption = None,
    as_json: bool = typer.Option(False, "--json", help="print the run's record as JSON"),
) -> None:
    """Show one run: what went in, who ran it, its diagnostics and ranking. 查看评价批次。"""
    from qcity.service.inputs import selection_text
    from qcity.service.runs import get_run

    run = get_run(db=db, run_id=run_id)
    facts: dict[str, Any] = _plain(run.facts)
    if as_json:
        typer.echo(json.dumps(facts, ensure_ascii=False, indent=2, default=str))
        return
    info = Table.grid(padding=(0, 2))
    info.add_column(style="bold")
    info.add_column()
    status = facts["status"] + (
        f" ({facts['published_at'][:19]} by {facts['published_by']})"
        if facts["status"] == "published"
        else ""
    )
    counts = facts.get("value_counts") or {}
    for label, value in (
        ("run 批次", str(facts["id"])),
        ("status 状态", status),
        ("created 时间", f"{facts['created_at'][:19]} by {facts['created_by']}"),
        ("framework 指标体系", f"{facts['framework_code']} {facts['framework_version']}"),
        ("selection 选取", selection_text(facts.get("selection") or {})),
        ("data 数据", f"{facts['data_source']} · vintage {facts['data_vintage'] or '-'}"),
        ("as of 时点", facts["as_of"] or "latest 最新"),
        ("values 数值", ", ".join(f"{k} {v}" for k, v in counts.items()) or "-"),
        ("data sha256", facts["data_sha256"]),
        ("config sha256", facts["config_sha256"]),
        ("qcity", facts["qcity_version"]),
        ("steps 步骤", "; ".join(f"{s['step']}: {s['method']}" for s in facts["steps"])),
    ):
        info.add_row(label, value)
    console.print(info)
    for note in facts.get("diagnostics") or []:
        console.print(f"[yellow]note 提示: {note}")
    if counts.get("illustrative"):
        console.print("[bold yellow]" + count_line(counts["illustrative"], sum(counts.values())))
    _ranking(run.scores, facts, run.unit_names)


def _ranking(scores: Any, facts: dict[str, Any], names: dict[str, str]) -> None:
    """The index ranking of the latest period of a stored run."""
    root = facts["index_node"]
    if scores.empty:
        return
    last = scores["period"].max()
    top = scores[(scores["node"] == root) & (scores["period"] == last)].sort_values("rank")
    table = Table(title=f"{root} — {last}")
    table.add_column("rank", justify="right")
    table.add_column("unit 单元")
    table.add_column("score 得分", justify="right")
    for row in top.head(10).itertuples():
        label = f"{names[row.unit]} ({row.unit})" if row.unit in names else str(row.unit)
        table.add_row(str(row.rank), label, f"{row.score:.2f}")
    console.print(table)


@runs_app.command("publish")
def publish_cmd(
    run_id: int = typer.Argument(..., help="run id (see `qcity runs list`)"),
    db: DbOption = None,
    by: str | None = typer.Option(None, "--by", help="who publishes (default: you)"),
) -> None:
    """Publish a run: it becomes the city's reported result. 发布评价批次。"""
    from qcity.cli.evaluate import operator
    from qcity.service.runs import publish_run

    if publish_run(db=db, run_id=run_id, by=by or operator()).newly_published:
        console.print(f"run {run_id} published 已发布")
    else:
        console.print(f"run {run_id} was already published; nothing changed 已是发布状态")


@runs_app.command("export")
def export_cmd(
    run_id: int = typer.Argument(..., help="run id (see `qcity runs list`)"),
    out: Path = typer.Option(..., "--out", "-o", help="output folder 输出目录"),
    db: DbOption = None,
) -> None:
    """Write a stored run's results folder (scores.csv and the rest, as first written).
    导出评价批次结果。"""
    from qcity.service.runs import export_run

    exported = export_run(db=db, run_id=run_id, out=out)
    console.print(f"wrote {len(exported.files)} files of run {run_id} to {exported.out}")
