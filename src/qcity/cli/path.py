"""``qcity path``: the least-cost set of indicator improvements that lifts a unit to a
target rank (跻身第一方阵的最小代价路径), verified by re-running the evaluation."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from qcity.cli.app import app
from qcity.cli.common import open_framework
from qcity.cli.compare import (
    DataFileOption,
    LevelOption,
    PeerFrameworkOption,
    PeerGroupOption,
    StoredAsOfOption,
    YearOption,
    console,
    evaluate_peers,
    label,
    notice_line,
    number,
    unit_names,
)
from qcity.cli.options import DbOption, OptionalOutOption, UnitsWithDataOption
from qcity.service.notice import BANNER


@app.command("path")
def path(
    unit: str = typer.Option(..., "--unit", help="the unit to lift (e.g. liyang) 目标单元"),
    group: PeerGroupOption = None,
    level: LevelOption = None,
    rank: int | None = typer.Option(
        None, "--rank", min=1, help="target rank 目标名次 (default: one rank up 默认上升一位)"
    ),
    up: int = typer.Option(
        1, "--up", min=1, help="ranks to climb when --rank is not given 上升名次数 (default 1)"
    ),
    year: YearOption = None,
    horizon: float = typer.Option(
        3.0, "--horizon", min=0.1, help="years of change allowed at the peers' fast pace 年限"
    ),
    margin: float = typer.Option(
        0.05, "--margin", min=0.0, help="points to spare above the target's score 安全余量"
    ),
    out: OptionalOutOption = None,
    framework: PeerFrameworkOption = "liyang",
    db: DbOption = None,
    as_of: StoredAsOfOption = None,
    data: DataFileOption = None,
    units: UnitsWithDataOption = None,
) -> None:
    """The least-cost path to a target rank. 进入第一方阵的最小代价路径。

    Writes OUT/plan.csv (one row per changed indicator: indicator,value_from,value_to in
    the indicator's own units, change, share_of_gap, ...) and OUT/plan.json (ranks and
    scores before and after, solver, notes). Importing value_to as new revisions and
    re-evaluating gives the unit the target rank or better (the plan was verified so).
    """
    from qcity.service.compare import change_text, path_to_rank

    fw_file, fw = open_framework(framework)
    result = evaluate_peers(fw_file, fw, unit, group, level, db, as_of, data, units)
    found = path_to_rank(
        result, unit=unit, year=year, rank=rank, up=up, horizon=horizon, margin=margin
    )
    plan, rank = found.plan, found.rank
    written: list[Path] = []
    if out is not None:
        from qcity.service.files import (
            atomic_folder,
            moved,
            safe_frame,  # formula injection
        )

        stale = ("plan.csv", "plan.json", "NOTICE.txt")
        with atomic_folder(out, stale=stale) as tmp:  # all or nothing
            safe_frame(plan.table).to_csv(tmp / "plan.csv", index=False, encoding="utf-8")
            summary = {**plan.summary(), "illustrative": result.notice}
            (tmp / "plan.json").write_text(
                json.dumps(summary, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
            )
            written += [tmp / "plan.csv", tmp / "plan.json"]
            if result.notice:
                (tmp / "NOTICE.txt").write_text(result.notice + "\n", encoding="utf-8")
                written.append(tmp / "NOTICE.txt")
        written = moved(written, out)

    names = unit_names(result)
    who = label(names, unit)
    if result.illustrative:
        console.print(f"[bold yellow]{BANNER}")
    console.print(
        f"{who} {plan.period}: rank 名次 {plan.rank_before}, score 得分 {plan.score_before:.2f}; "
        f"rank {rank} needs at least {plan.threshold_before:.2f} (no. {rank} among the "
        f"others 其余单元中第{rank}名的得分)"
    )
    notes = list(plan.notes)
    if found.already:
        console.print(f"[green]already at rank {plan.rank_before} 已达目标名次: nothing to change")
        notes = []
    else:
        head = (
            f"path to rank {rank} 进入前{rank}名的路径"
            if plan.reached
            else f"rank {rank} is out of reach 无法达到; best attainable 最好可达: rank "
            f"{plan.best_rank}"
        )
        t = Table(title=f"{head} — {plan.period}, horizon {plan.horizon:g} year(s)")
        for col in ("change 改进", "from → to 由 → 至", "share of gap 占差距",
                    "years 年数", "bound 约束"):  # fmt: skip
            t.add_column(col, justify="left" if col.startswith("change") else "right")
        for row in plan.table.to_dict("records"):
            t.add_row(
                f"{row['name_zh']} {change_text(row['change'], row['indicator_unit'])}",
                f"{number(row['value_from'])} → {number(row['value_to'])}",
                f"{row['share_of_gap']:.0%}",
                number(row["years"], 1),
                str(row["limit"] or ""),
            )
        console.print(t)
        colour = "green" if plan.reached else "yellow"
        console.print(
            f"[{colour}]with the plan, re-evaluated 按此方案复算: rank 名次 {plan.rank_after}, "
            f"score 得分 {plan.score_after:.2f} (the unit it passes: {plan.threshold_after:.2f}); "
            f"cost {plan.cost:.1f} years at the peers' fast pace 按同类较快进度所需年数"
        )
        console.print(
            f"total time 总用时: {plan.total_years:.1f} year(s) 年, every change made at the "
            "same time at the fast pace 各项同时推进、均按较快进度"
        )
        fast = plan.table[plan.table["faster_than_peers"].astype(bool)]
        for row in fast.to_dict("records"):
            console.print(
                f"[yellow]faster than any peer has moved 快于任何对标单元的最快年度进度: "
                f"{row['name_zh']} ({row['indicator']}) needs "
                f"{abs(row['change']) / plan.horizon:.3g} a year 每年, best peer year "
                f"{row['best_peer_pace']:.3g}"
            )
    for note in notes:
        console.print(f"[yellow]note 提示: {note}")
    console.print(f"[dim]solver 求解: {plan.solver} · {plan.iterations} re-evaluation(s)")
    if found.choices:
        console.print(
            "[dim]other targets 其他目标: "
            + " · ".join(f"--rank {c}" for c in found.choices)
            + " (two ranks up 上升两位: --up 2; first 第一: --rank 1)"
        )
    notice_line(result)
    if written:
        console.print(f"wrote {', '.join(p.name for p in written)} to {out}")
