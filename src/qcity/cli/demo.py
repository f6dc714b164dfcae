"""``qcity demo``: build the demo database (Liyang, 9 peers, 12 towns/streets, 2015-2024).

Most demo values are ILLUSTRATIVE (made up by a seeded generator); the printout says so
on a line of its own, and every such value carries status ``illustrative`` in the store.

Run again on the same database it keeps what is there (runs, published or not, the audit
log, accounts, groups, values) and adds a new demo run; ``make run`` relies on that.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from qcity.cli.app import app, print_failure
from qcity.cli.options import DbOption
from qcity.service.demo import DEMO_RESULTS
from qcity.service.errors import Failure

console = Console()

ILLUSTRATIVE_WARNING = (
    "⚠ 示例数据：{n} 个数值（{share:.0%}）为生成的示例值（status = illustrative），"
    "不是真实统计数据，不得作为真实数据展示或引用。\n"
    "⚠ ILLUSTRATIVE: {n} values ({share:.0%}) are made up by the demo generator "
    "(status = illustrative); they are NOT real statistics and must never be presented as such."
)


def _counts_table(title: str, counts: dict[str, int], key_label: str) -> Table:
    """A two-column Rich table of counts."""
    table = Table(title=title, expand=False, min_width=36)
    table.add_column(key_label)
    table.add_column("n", justify="right")
    for key, n in counts.items():
        table.add_row(key, str(n))
    return table


def render_summary(summary: dict[str, Any]) -> Group:
    """Rich renderable of ``demo_summary``: facts, counts by unit type and status, and the
    illustrative-data warning (always shown when any value is illustrative)."""
    years = summary["years"]
    facts = Table.grid(padding=(0, 2))
    facts.add_row("数据库 / database", str(summary["database"]))
    facts.add_row("指标体系 / framework", ", ".join(summary["frameworks"]) or "-")
    facts.add_row("单位组 / groups", ", ".join(summary["groups"]) or "-")
    facts.add_row("指标 / indicators", str(summary["indicators"]))
    facts.add_row("年份 / years", f"{years[0]}-{years[1]}" if years else "-")
    facts.add_row("观测值 / observations", str(summary["observations"]))
    facts.add_row(
        "公开数据 / public figures",
        f"{summary['public']} ({summary['public_sources']} sources 来源)",
    )
    parts: list[Any] = [
        facts,
        _counts_table("单位类型 / units by type", summary["units_by_type"], "type"),
        _counts_table("数据状态 / observations by status", summary["by_status"], "status"),
    ]
    if summary["illustrative"]:
        text = ILLUSTRATIVE_WARNING.format(
            n=summary["illustrative"], share=summary["illustrative_share"]
        )
        parts.append(Panel(Text(text, style="bold yellow"), border_style="yellow"))
    return Group(*parts)


@app.command("demo")
def demo(
    db: DbOption = None,
    seed: int | None = typer.Option(
        None, "--seed", help="generator seed (default: the demo's documented seed) 随机种子"
    ),
    fresh: bool = typer.Option(
        False,
        "--fresh/--keep",
        help="keep what the database holds and add to it (default), or start from an "
        "empty one (refused when it holds runs, an audit log or accounts) "
        "保留现有数据（默认）或从空库开始",
    ),
    run_file: Path | None = typer.Option(
        None,
        "--run-file",
        help="write the id of the run the demo stores to this file (make run reads it) "
        "将保存的运行编号写入此文件",
    ),
    framework: Path | None = typer.Option(
        None, "--framework", "-f", help="framework YAML (default frameworks/liyang.yaml)"
    ),
    out: Path = typer.Option(
        DEMO_RESULTS, "--out", "-o", help="where the evaluation results go 结果目录"
    ),
) -> None:
    """Build the demo database and print what it holds. 生成示例数据库。

    Units: Liyang, 9 peer cities of southern Jiangsu, Liyang's 3 streets and 9 towns;
    years 2015-2024; all indicators of the framework. Public figures keep their sources;
    every other value is ILLUSTRATIVE (示例数据) and labelled so in the store.
    Then evaluates the peer group 苏南 (sunan), stores it as a new run and writes the
    results to OUT. Run again, it keeps everything the database holds (runs, the audit
    log, accounts, groups, values) and adds a new run; it refuses a database holding
    values it did not enter. 重复运行时保留已有数据并新增一次运行。
    """
    # imported here so that other commands start without loading the demo and the engine
    from qcity.cli.evaluate import operator, report
    from qcity.service.demo import run_demo

    # a DemoError, StoreError, FrameworkError or database error is reported by the app's
    # handler (qcity.cli.app) with the file or URL it is about
    with console.status("生成示例数据库 / building the demo database") as shown:
        done = run_demo(
            db=db,
            by=operator(),
            seed=seed,
            fresh=fresh,
            framework=framework,
            out=out,
            run_file=run_file,
            status=shown.update,
        )
    console.print(f"示例数据库已生成 / demo database built: {done.shown} (seed {done.seed})")
    if done.kept_anything:
        kept = done.kept
        console.print(
            f"保留已有内容 / kept what was there: {kept['runs']} run(s) "
            f"({kept['published_runs']} published), {kept['audit_entries']} audit-log "
            f"entries, {kept['users']} account(s); a new run is added"
        )
    console.print(render_summary(done.summary))
    if done.run is None:
        print_failure(Failure(done.failure or "evaluating the demo database failed"))
        raise typer.Exit(1)
    console.print("\n苏南十市评价 / evaluation of the 苏南 peer group:")
    report(done.run)
