"""``qcity monitor``: one unit's indicators and composites against their targets —
attainment (实现程度), gap closed (进度), progress class, early warnings by department —
from the database."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from qcity.cli.app import app, fail
from qcity.cli.common import open_framework
from qcity.cli.options import DbOption, EvaluateAsOfOption
from qcity.service.notice import BANNER, count_line
from qcity.service.selection import input_time

if TYPE_CHECKING:
    from qcity.service.evaluation import EvaluationResult
    from qcity.service.monitoring import Monitor

console = Console()

STYLE = {"red": "bold red", "yellow": "yellow", "green": "green"}
COLOUR_ZH = {"red": "红", "yellow": "黄", "green": "绿"}
KIND_ZH = {"target": "目标", "data": "数据", "trend": "趋势", "benchmark": "对标"}


@app.command("monitor")
def monitor(
    unit: str = typer.Option(..., "--unit", help="the unit monitored, e.g. liyang 监测单元"),
    year: str = typer.Option(..., "--year", help="the period: 2024, or 2024Q2 监测期"),
    out: Path = typer.Option(
        ..., "--out", "-o", help="folder for monitor.csv, warnings.csv ... 输出目录"
    ),
    group: str | None = typer.Option(
        None, "--group", help="peer group (default: the framework's monitor.peer_group) 对标组"
    ),
    framework: str = typer.Option(
        "liyang",
        "--framework",
        "-f",
        help="framework YAML, or the name of a shipped one 指标体系 (default liyang)",
    ),
    targets: Path | None = typer.Option(
        None,
        "--targets",
        help="targets CSV (indicator,kind,year,value,source,...) overriding the framework's "
        "目标文件",
    ),
    db: DbOption = None,
    as_of: EvaluateAsOfOption = None,
) -> None:
    """Monitor a unit against its targets. 动态监测：目标完成、进展分类、分部门预警。

    Writes OUT/monitor.csv (unit,indicator,period,value,unit_of_measure,target,
    target_year,attainment,gap_closed,progress_class,warning,warning_kind,target_assumed,
    message_zh,message_en,department), OUT/warnings.csv (the yellow and red rows, red first,
    target risks before peers, with kind = target / data / trend / benchmark and assumed)
    and OUT/attribution.csv (node,indicator,from_period,to_period,change,contribution: what
    moved each composite since last year); prints the warnings per department.
    """
    from qcity.service.monitoring import monitor_unit, period_year

    try:
        period_year(year)
    except ValueError:
        fail(f"--year {year!r} is neither a year (2024) nor a quarter (2024Q2)")
    path, fw = open_framework(framework)
    when = input_time(fw, as_of=as_of)
    run = monitor_unit(
        fw,
        unit=unit,
        year=year,
        db=db,
        group=group,
        targets=targets,
        as_of=when,
        framework_text=path.read_text(encoding="utf-8"),
    )
    mon, result, wanted = run.monitor, run.result, run.period
    written = write_monitor(mon, result, out, unit, wanted)
    show(mon, result, written)


def write_monitor(
    mon: Monitor, result: EvaluationResult, out: Path, unit: str, period: str
) -> list[Path]:
    """Write monitor.csv, warnings.csv, attribution.csv (when available) and NOTICE.txt
    (illustrative data), UTF-8 with BOM like the results folder, all or nothing
    (``qcity.data.atomic``); returns the paths."""
    from qcity.service.files import atomic_folder, moved

    stale = ("monitor.csv", "warnings.csv", "attribution.csv", "NOTICE.txt")
    with atomic_folder(out, stale=stale) as tmp:
        written = _write_monitor(mon, result, tmp, unit, period)
    return moved(written, out)


def _write_monitor(
    mon: Monitor, result: EvaluationResult, out: Path, unit: str, period: str
) -> list[Path]:
    from qcity.service.monitoring import explain_change

    files = {"monitor.csv": mon.table, "warnings.csv": mon.warnings}
    change = explain_change(result, unit=unit, period=period)
    if change is not None:
        files["attribution.csv"] = change.table
    written = []
    from qcity.service.files import safe_frame  # formula injection

    for name, frame in files.items():
        safe_frame(frame).to_csv(out / name, index=False, encoding="utf-8-sig")
        written.append(out / name)
    notice = out / "NOTICE.txt"
    if result.notice:
        notice.write_text(result.notice, encoding="utf-8")
        written.append(notice)
    return written


def _num(v: Any) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return "-"
    if not math.isfinite(f):
        return "-"
    return f"{f:,.4g}" if abs(f) < 1000 else f"{f:,.0f}"


def show(mon: Monitor, result: EvaluationResult, written: list[Path]) -> None:
    """Print the progress of the composites, the warnings per department, the counts and
    the illustrative notice."""
    fw = result.framework
    names = {n.code: n.name_zh for n, _, _ in fw.walk()}
    table = mon.table
    unit = str(table["unit"].iloc[0]) if len(table) else "-"
    period = str(table["period"].iloc[0]) if len(table) else "-"
    flag = f"\n[bold yellow]{BANNER}[/]" if result.notice else ""
    dims = {n.code for n in fw.root.children} | {fw.root.code}
    prog = Table(title=f"进展评分 progress score (-5..+5) — {unit} {period}{flag}")
    for col in ("composite 综合", "score 评分", "class 进展分类", "indicators 指标数"):
        prog.add_column(col, justify="left" if col.startswith(("composite", "class")) else "right")
    for node, score, count, cls in zip(
        mon.progress["node"].astype(str),
        mon.progress["score"],
        mon.progress["indicators"],
        mon.progress["progress_class"],
        strict=True,
    ):
        if node in dims:
            label = f"{names.get(node, node)} ({node})"
            prog.add_row(label, _num(score), str(cls or "-"), str(count))
    console.print(prog)
    warnings = mon.warnings
    for dept, rows in warnings.groupby(
        warnings["department"].fillna("综合 / composites"), sort=True
    ):
        t = Table(title=f"{dept} — {len(rows)} 项预警 warning(s){flag}", show_lines=False)
        cols = ("", "why 原因", "indicator 指标", "value 数值", "target 目标", "预警 / warning")
        for col in cols:
            t.add_column(col, justify="right" if col.startswith(("value", "target")) else "left")
        for r in rows.to_dict("records"):
            colour, code = str(r["warning"]), str(r["indicator"])
            t.add_row(
                f"[{STYLE[colour]}]{COLOUR_ZH[colour]} {colour}[/]",
                f"{KIND_ZH.get(str(r['kind']), '')} {r['kind']}"
                + (" (assumed 目标为假设)" if r["assumed"] else ""),
                f"{names.get(code, code)} ({code})",
                _num(r["value"]),
                _num(r["target"]),
                f"{r['message_zh']}\n{r['message_en']}",
            )
        console.print(t)
    counts = table["warning"].value_counts()
    console.print(
        "warnings 预警: "
        + ", ".join(f"[{STYLE[c]}]{COLOUR_ZH[c]} {c} {int(counts.get(c, 0))}[/]" for c in STYLE)
        + f" · peers 对标: {', '.join(mon.peers) or '-'}"
    )
    if "attribution.csv" not in {p.name for p in written}:
        console.print("[yellow]attribution.csv not written: no previous period to compare with")
    if result.notice:
        console.print(
            "[bold yellow]"
            + count_line(
                mon.illustrative,
                len(table),
                what="rows' values",
                tail="marked in their messages; see NOTICE.txt",
            )
        )
    if written:
        console.print(f"wrote {', '.join(p.name for p in written)} to {written[0].parent}")
