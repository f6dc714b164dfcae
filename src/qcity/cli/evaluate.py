"""``qcity evaluate``: run the evaluation pipeline on a data file or the database; a run
on the database is stored and its id printed."""

from __future__ import annotations

import getpass
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from qcity.cli.app import app, fail
from qcity.cli.common import Selection, data_time, open_framework, read_inputs, spinner
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
    from qcity.service.evaluation import EvaluationResult
    from qcity.service.frameworks import Framework
    from qcity.service.inputs import EvaluationInput
    from qcity.service.steps import SavedLog, Step

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
    path, fw = open_framework(framework)
    when = data_time(fw, data, units, as_of)
    if values not in ("approved", "all"):
        fail(f"--values {values!r}: write approved or all / 请写 approved 或 all")
    if data is not None and values != "approved":
        fail("--values reads the database; it does not apply to a --data file")
    if data is not None and out is None:
        fail("give --out DIR: a file evaluation is not stored, so its results go to a folder")
    if allow_edited_log and replay is None:
        fail("--allow-edited-log goes with --replay log.json")
    log = _read_log(replay, fw, allow_edited_log) if replay is not None else None
    edited = log is not None and (log.edited or log.previously_edited)
    with spinner() as progress:
        task = progress.add_task("reading data 读取数据", total=None)
        inp = read_inputs(fw, path, Selection(data, units, db, when, group, unit_type, values))
        progress.update(task, description="evaluating 计算")
        result, written, run_id = run_and_keep(
            fw,
            path.read_text(encoding="utf-8"),
            inp,
            out,
            by=by or operator(),
            steps=log.steps if log is not None else None,
            workbook=workbook,
            edited_log=edited,
        )
    report(result, written, run_id)
    if log is not None:
        from qcity.service.runs import replay_differences

        for line in replay_differences(log.stamp, result.stamp):
            console.print(f"[yellow]replay 重算: {line}")
        if edited:
            console.print(
                "[bold yellow]edited log 已修改的日志: replayed with --allow-edited-log; "
                "the stamp records edited_log: true"
            )


def _read_log(path: Path, fw: Framework, allow_edited: bool) -> SavedLog:
    from qcity.service.runs import read_log

    return read_log(path, fw, allow_edited=allow_edited)


def run_and_keep(
    fw: Framework,
    framework_text: str,
    inp: EvaluationInput,
    out: Path | None,
    *,
    by: str,
    steps: list[Step] | None = None,
    workbook: bool = False,
    edited_log: bool = False,
) -> tuple[EvaluationResult, list[Path], int | None]:
    """Evaluate, write the results folder (to ``out``, or a temporary one) and, when the
    inputs came from the database, store the run there — all or nothing: the files are
    written under a temporary name, the run is committed as the last step after all of
    them are written, and only then do the files take their names (a failure anywhere
    leaves neither files nor a run)."""
    from qcity.service.evaluation import evaluate, write_folder
    from qcity.service.files import atomic_folder, moved
    from qcity.service.folder import FILES

    result = evaluate(fw, inp, steps=steps, framework_text=framework_text, edited_log=edited_log)
    url = inp.store_url
    if url is not None:
        from qcity.service.runs import keep_run
    if out is None:
        with tempfile.TemporaryDirectory(prefix="qcity-run-") as tmp:
            written = write_folder(result, Path(tmp), workbook=workbook)
            run_id = keep_run(result, url, by, written) if url else None
        return result, [], run_id
    with atomic_folder(out, stale=FILES) as tmp:
        written = write_folder(result, tmp, workbook=workbook)
        run_id = keep_run(result, url, by, written) if url else None
    return result, moved(written, out), run_id


def _unit_names(result: EvaluationResult) -> dict[str, str]:
    """Unit code -> Chinese name, when the units table has one."""
    units = result.inputs.units
    if units is None or "name_zh" not in units.columns:
        return {}
    return dict(zip(units["code"].astype(str), units["name_zh"].astype(str), strict=True))


def report(result: EvaluationResult, written: list[Path], run_id: int | None) -> None:
    """Print the latest ranking of the index, what was selected, the stamp, exclusions,
    diagnostics, the illustrative notice and where the results went."""
    from qcity.service.inputs import selection_text

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
    if written:
        console.print(f"wrote {len(written)} files to {written[0].parent}")
    if run_id is not None:
        console.print(
            f"stored as run {run_id} 已保存为评价批次 {run_id} "
            f"(qcity runs show {run_id}; qcity runs export {run_id} --out DIR)"
        )
