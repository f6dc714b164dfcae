"""``qcity evaluate``: run the evaluation pipeline on a data file or the database; a run
on the database is stored and its id printed."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from qcity.cli.app import app
from qcity.cli.common import spinner, stages
from qcity.cli.options import (
    DataOption,
    DbOption,
    EvaluateAsOfOption,
    FrameworkOption,
    GroupOption,
    UnitsOption,
    UnitTypeOption,
    ValuesOption,
)
from qcity.service.notice import BANNER, count_line

if TYPE_CHECKING:  # the engine is imported when a command runs, not when the CLI starts
    from qcity.service.evaluate_run import EvaluationRun
    from qcity.service.evaluation import EvaluationResult

console = Console()


def operator() -> str:
    """Who runs a CLI command on the database directly: the operator's login name."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@app.command("evaluate")
def evaluate(
    framework: FrameworkOption,
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="output folder 输出目录 (needed with --data; with the database the run is "
        "stored and `qcity runs export` writes it later)",
    ),
    data: DataOption = None,
    units: UnitsOption = None,
    db: DbOption = None,
    as_of: EvaluateAsOfOption = None,
    group: GroupOption = None,
    unit_type: UnitTypeOption = None,
    replay: Path | None = typer.Option(
        None, "--replay", help="re-run the step log of a saved log.json 按保存的步骤日志重算"
    ),
    allow_edited_log: bool = typer.Option(
        False,
        "--allow-edited-log",
        help="replay a log.json changed by hand (still fully checked); the stamp records "
        "edited_log: true 允许重算手工修改过的日志",
    ),
    by: str | None = typer.Option(
        None, "--by", help="who runs the evaluation (recorded with the run; default: you)"
    ),
    workbook: bool = typer.Option(
        False, "--workbook", help="also write results.xlsx for people 同时输出 Excel 工作簿"
    ),
    values: ValuesOption = "approved",
) -> None:
    """Evaluate: impute, treat, normalise, weight, aggregate, rank. 计算综合评价得分与排名。

    Writes OUT/scores.csv (unit,period,node,score,rank), the other machine files,
    log.json (steps and stamp) and, for people, scores_readable.csv, codebook.csv and
    README.txt (and results.xlsx with --workbook). On the database the run is stored
    (`qcity runs list`) and its id printed.
    """
    from qcity.service.evaluate_run import run_evaluation

    with spinner() as progress:
        run = run_evaluation(
            framework=framework,
            data=data,
            units=units,
            db=db,
            as_of=as_of,
            group=group,
            unit_type=unit_type,
            values=values,
            out=out,
            by=by or operator(),
            replay=replay,
            allow_edited_log=allow_edited_log,
            workbook=workbook,
            status=stages(progress),
        )
    report(run)
    for line in run.replay_differences:
        console.print(f"[yellow]replay 重算: {line}")
    if run.replayed and run.edited_log:
        console.print(
            "[bold yellow]edited log 已修改的日志: replayed with --allow-edited-log; "
            "the stamp records edited_log: true"
        )


def _unit_names(result: EvaluationResult) -> dict[str, str]:
    """Unit code -> Chinese name, when the units table has one."""
    units = result.inputs.units
    if units is None or "name_zh" not in units.columns:
        return {}
    return dict(zip(units["code"].astype(str), units["name_zh"].astype(str), strict=True))


def report(run: EvaluationRun) -> None:
    """Print the latest ranking of the index, what was selected, the stamp, exclusions,
    diagnostics, the illustrative notice and where the results went."""
    from qcity.service.inputs import selection_text

    result, run_id = run.result, run.run_id
    ev = result.evaluation
    scores = ev.scores()
    root = ev.framework.root.code
    last = scores["period"].max()
    top = scores[(scores["node"] == root) & (scores["period"] == last)].sort_values("rank")
    title = f"{ev.framework.root.name_zh} / {ev.framework.root.name_en} — {last}"
    if result.illustrative:
        title += f"\n[bold yellow]{BANNER}[/]"
    table = Table(title=title)
    names = _unit_names(result)
    for col in ("rank", "unit 单元", "score 得分"):
        table.add_column(col, justify="left" if col.startswith("unit") else "right")
    for row in top.head(10).itertuples():
        label = f"{names.get(str(row.unit), row.unit)} ({row.unit})"
        table.add_row(str(row.rank), label, f"{row.score:.2f}")
    console.print(table)
    from qcity.cli.compare import scale_line

    scale_line(result)
    console.print(f"selected 选取: {selection_text(result.inputs.selection)}")
    stamp = result.stamp
    console.print(
        f"framework {stamp['framework']} {stamp['framework_version']} · "
        f"data vintage {stamp['data_vintage'] or '-'} · config {stamp['config_sha256'][:12]}"
    )
    if not ev.exclusions.empty:
        console.print(
            f"[yellow]{len(ev.exclusions)} exclusion(s) (unit levels, validity years, "
            "screening) 剔除项: exclusions.csv"
        )
    for note in result.diagnostics[:10]:
        console.print(f"[yellow]note 提示: {note}")
    if len(result.diagnostics) > 10:
        console.print(f"[yellow]... {len(result.diagnostics) - 10} more notes in log.json")
    if result.notice:
        console.print(
            "[bold yellow]"
            + count_line(result.illustrative, result.values_used, tail="see NOTICE.txt")
        )
    if run.written:
        console.print(f"wrote {len(run.written)} files to {run.folder}")
    if run_id is not None:
        console.print(
            f"stored as run {run_id} 已保存为评价批次 {run_id} "
            f"(qcity runs show {run_id}; qcity runs export {run_id} --out DIR)"
        )
