"""``qcity robust``: uncertainty (rank bands) and, with ``--sa``, Sobol sensitivity of the
index to the choices made in building it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from qcity.cli.app import app, fail
from qcity.cli.common import open_framework, stages
from qcity.cli.evaluate import _unit_names
from qcity.cli.options import DbOption, GroupOption, OutOption, UnitsWithDataOption, UnitTypeOption
from qcity.service.notice import BANNER
from qcity.service.selection import choose_inputs, read_selection

if TYPE_CHECKING:
    from qcity.service.robust import SensitivityResult, UncertaintyResult

console = Console()
err = Console(stderr=True)


@contextmanager
def spec_needed(code: str) -> Iterator[None]:
    """Say how to give a spec when the framework ships none (``NoShippedSpec``)."""
    from qcity.service.robust import NoShippedSpec

    try:
        yield
    except NoShippedSpec:
        fail(
            f"framework {code} has no shipped robustness spec; give --spec FILE (see "
            "examples/asem/robust.yaml and docs/en/robust.md)"
        )


@app.command("robust")
def robust(
    framework: Annotated[
        str,
        typer.Option(
            "--framework", "-f", help="framework YAML, or a shipped one (liyang) 指标体系文件"
        ),
    ],
    out: OutOption,
    spec: Path | None = typer.Option(
        None,
        "--spec",
        "-s",
        help="YAML of the uncertain inputs 不确定性设定 (default: the framework's shipped one)",
    ),
    n: int = typer.Option(1000, "-N", "--samples", help="Monte Carlo samples 抽样次数", min=1),
    sa: bool = typer.Option(
        False, "--sa", help="also Sobol sensitivity indices (N x (inputs + 2) runs) 敏感性分析"
    ),
    seed: int | None = typer.Option(None, "--seed", help="random seed (default: the spec's)"),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Dask scheduler, tcp://HOST:8786 (default: in this process) 分布式调度器",
    ),
    unit: str | None = typer.Option(
        None, "--unit", help="also keep this unit's rank per sample (the SA output with --sa)"
    ),
    data: Path | None = typer.Option(
        None, "--data", "-d", help="data file; omit to read the database 省略则读取数据库"
    ),
    units: UnitsWithDataOption = None,
    db: DbOption = None,
    group: GroupOption = None,
    unit_type: UnitTypeOption = None,
) -> None:
    """Rank bands and sensitivity: how much the ranks depend on the choices. 排名稳健性分析。

    Writes OUT/rank_stats.csv (unit,nominal,mean,median,q05,q95), OUT/samples.csv (the
    inputs of every sample and its mean absolute rank shift) and, with --sa,
    OUT/sensitivity.csv (input,Si,STi,Si_lo,Si_hi,STi_lo,STi_hi).
    """
    from qcity.service.robust import choose_spec, robustness_analysis

    path, fw = open_framework(framework)
    sel = choose_inputs(fw, data=data, units=units, db=db, group=group, unit_type=unit_type)
    with spec_needed(fw.code):
        chosen = choose_spec(fw, spec=spec)  # read before the data
    with _progress() as progress:
        say = stages(progress)
        say("reading data 读取数据")
        inp = read_selection(fw, framework_file=path, selection=sel)

        def bar(label: str) -> Callable[[int, int], None]:
            step = progress.add_task(label, total=None)

            def advance(done: int, total: int) -> None:
                progress.update(step, completed=done, total=total)

            return advance

        run = robustness_analysis(
            fw,
            inp,
            spec=chosen,
            samples=n,
            seed=seed,
            sensitivity=sa,
            unit=unit,
            scheduler=scheduler,
            status=say,
            progress=bar,
        )
    result, ua, si = run.result, run.uncertainty, run.sensitivity
    from qcity.service.files import (
        atomic_folder,
        safe_frame,  # formula injection
    )

    stale = ("rank_stats.csv", "samples.csv", "sensitivity.csv", "NOTICE.txt")
    with atomic_folder(out, stale=stale) as tmp:  # all or nothing
        safe_frame(ua.rank_stats).to_csv(tmp / "rank_stats.csv", index=False)
        safe_frame(ua.samples).to_csv(tmp / "samples.csv", index=False)
        written = ["rank_stats.csv", "samples.csv"]
        if si is not None:
            safe_frame(si.indices).to_csv(tmp / "sensitivity.csv", index=False)
            written.append("sensitivity.csv")
        if result.notice:
            (tmp / "NOTICE.txt").write_text(result.notice, encoding="utf-8")
            written.append("NOTICE.txt")
    _report(ua, si, result.notice, fw.root.name_zh, fw.root.name_en, _unit_names(result))
    console.print(f"wrote {', '.join(written)} to {out}")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _report(
    ua: UncertaintyResult,
    si: SensitivityResult | None,
    notice: str | None,
    name_zh: str,
    name_en: str,
    names: dict[str, str],
) -> None:
    title = f"{name_zh} / {name_en} — rank bands 排名区间 ({ua.node}, {ua.period}, N={ua.n})"
    if notice:
        title += f"\n[bold yellow]{BANNER}[/]"
    table = Table(title=title)
    for col in ("unit 单元", "nominal 名义", "median 中位", "5-95% 区间", "mean 均值"):
        table.add_column(col, justify="left" if col.startswith("unit") else "right")
    stats = ua.rank_stats.sort_values("nominal", na_position="last")
    for row in stats.head(20).itertuples():
        label = f"{names[str(row.unit)]} ({row.unit})" if str(row.unit) in names else str(row.unit)
        table.add_row(
            label,
            "-" if row.nominal is None or str(row.nominal) == "<NA>" else str(row.nominal),
            f"{row.median:g}",
            f"{row.q05:g} – {row.q95:g}",
            f"{row.mean:.2f}",
        )
    console.print(table)
    if len(stats) > 20:
        console.print(f"... {len(stats) - 20} more units in rank_stats.csv")
    console.print(
        f"mean absolute rank shift 平均排名变动: {ua.mean_abs_shift:.3f} (seed {ua.seed})"
    )
    if si is not None:
        sens = Table(title=f"Sobol indices 敏感性指数 (output: {si.output}, 90% bootstrap)")
        for col in ("input 输入", "Si 一阶", "STi 总效应"):
            sens.add_column(col, justify="left" if col.startswith("input") else "right")
        for row in si.indices.itertuples():
            sens.add_row(
                str(row.input),
                f"{row.Si:.3f} [{row.Si_lo:.3f}, {row.Si_hi:.3f}]",
                f"{row.STi:.3f} [{row.STi_lo:.3f}, {row.STi_hi:.3f}]",
            )
        console.print(sens)
    if notice:
        console.print(f"[bold yellow]{notice.splitlines()[0]}")
