"""``qcity evaluate``: run the evaluation pipeline on a data file or the database."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from qcity.cli.app import app

if TYPE_CHECKING:  # the engine is imported when a command runs, not when the CLI starts
    from qcity.engine import Evaluation
    from qcity.engine.inputs import EvaluationInput
    from qcity.framework.model import Framework

console = Console()
err = Console(stderr=True)


@app.command("evaluate")
def evaluate(
    framework: Path = typer.Option(..., "--framework", "-f", help="framework YAML 指标体系文件"),
    out: Path = typer.Option(..., "--out", "-o", help="output folder 输出目录"),
    data: Path | None = typer.Option(
        None,
        "--data",
        "-d",
        help="long-format CSV/XLSX (unit, indicator, period, value); "
        "omit to read the database 省略则读取数据库",
    ),
    units: Path | None = typer.Option(
        None, "--units", "-u", help="units CSV with attributes (overrides the framework's)"
    ),
    db: str | None = typer.Option(None, "--db", help="database URL (default $QCITY_DATABASE_URL)"),
    as_of: datetime | None = typer.Option(
        None, "--as-of", help="evaluate the data as stored at this time (ISO 8601)"
    ),
    group: str | None = typer.Option(None, "--group", help="only the members of this unit group"),
    unit_type: str | None = typer.Option(None, "--unit-type", help="only units of this type"),
) -> None:
    """Evaluate: impute, treat, normalise, weight, aggregate, rank. 计算综合评价得分与排名。

    Writes OUT/scores.csv (unit,period,node,score,rank), normalised.csv, weights.csv,
    flags.csv, exclusions.csv and log.json (steps and stamp).
    """
    from qcity.engine import EvaluationError
    from qcity.engine.inputs import from_files, from_store
    from qcity.framework.io import load_framework
    from qcity.methods.registry import UnknownMethodError

    try:
        fw = load_framework(framework)
        with _progress() as progress:
            task = progress.add_task("reading data 读取数据", total=None)
            if data is not None:
                inp = from_files(fw, framework, data, units)
            else:
                inp = from_store(db, as_of)
                _keep_framework(db, fw, framework)
            inp = inp.restrict(group=group, unit_type=unit_type)
            progress.update(task, description="evaluating 计算")
            ev, written = evaluate_to(fw, inp, out)
    except (EvaluationError, UnknownMethodError, ValueError, FileNotFoundError) as exc:
        err.print(f"[red]error 错误:[/red] {exc}")
        raise typer.Exit(1) from exc
    report(ev, inp, written)


def evaluate_to(fw: Framework, inp: EvaluationInput, out: Path) -> tuple[Evaluation, list[Path]]:
    """Evaluate ``inp`` with ``fw`` and write the results (and NOTICE.txt) to ``out``."""
    from qcity.engine import Evaluation

    ev = Evaluation(fw, inp.data, inp.units, vintage=inp.vintage, source=inp.source).run()
    written = ev.save(out)
    notice = _illustrative_notice(inp, out)
    if notice:
        written.append(notice)
    return ev, written


def _keep_framework(db: str | None, fw: Framework, path: Path) -> None:
    """Store the framework version that produces these results (every version is kept;
    changed text under an existing version number is refused)."""
    from qcity.data.store import Store

    with Store(db) as store:
        store.save_framework(fw, path.read_text(encoding="utf-8"))


def _unit_names(inp: EvaluationInput) -> dict[str, str]:
    """Unit code -> Chinese name, when the units table has one."""
    if inp.units is None or "name_zh" not in inp.units.columns:
        return {}
    return dict(zip(inp.units["code"].astype(str), inp.units["name_zh"].astype(str), strict=True))


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _illustrative_notice(inp: EvaluationInput, out: Path) -> Path | None:
    """Write NOTICE.txt when any value used is illustrative (never shown as real)."""
    n = inp.status_counts.get("illustrative", 0)
    if not n:
        return None
    path = out / "NOTICE.txt"
    path.write_text(
        f"示例数据 ILLUSTRATIVE: {n} of the values used are illustrative (generated), not "
        "official statistics. Results in this folder must not be presented as real.\n"
        f"本目录结果使用了 {n} 个示例（生成）数值，并非官方统计数据，不得作为真实结果发布。\n",
        encoding="utf-8",
    )
    return path


def report(ev: Evaluation, inp: EvaluationInput, written: list[Path]) -> None:
    """Print the latest ranking of the index, the stamp, exclusions and warnings."""
    scores = ev.scores()
    root = ev.framework.root.code
    last = scores["period"].max()
    top = scores[(scores["node"] == root) & (scores["period"] == last)].sort_values("rank")
    title = f"{ev.framework.root.name_zh} / {ev.framework.root.name_en} — {last}"
    if inp.status_counts.get("illustrative"):
        title += "\n[bold yellow]示例数据 ILLUSTRATIVE — not real statistics[/]"
    table = Table(title=title)
    names = _unit_names(inp)
    for col in ("rank", "unit 单元", "score 得分"):
        table.add_column(col, justify="left" if col.startswith("unit") else "right")
    for row in top.head(10).itertuples():
        label = f"{names.get(str(row.unit), row.unit)} ({row.unit})"
        table.add_row(str(row.rank), label, f"{row.score:.2f}")
    console.print(table)
    stamp = ev.stamp
    console.print(
        f"framework {stamp['framework']} {stamp['framework_version']} · "
        f"data vintage {stamp['data_vintage'] or '-'} · config {stamp['config_sha256'][:12]}"
    )
    if not ev.exclusions.empty:
        console.print(f"[yellow]{len(ev.exclusions)} exclusion(s) by screening: exclusions.csv")
    for note in ev.results.warnings[:10]:
        console.print(f"[yellow]note 提示: {note}")
    if inp.status_counts.get("illustrative"):
        console.print(
            "[bold yellow]示例数据 ILLUSTRATIVE: results use generated values; see NOTICE.txt"
        )
    console.print(f"wrote {len(written)} files to {written[0].parent}")
