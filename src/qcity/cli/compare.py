"""``qcity compare``: where a unit stands among its peers — ranks and gaps at every level
and indicator, strengths and weaknesses (长板/短板); towns and streets with ``--level``."""

from __future__ import annotations

import math
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from qcity.cli.app import app
from qcity.cli.common import open_framework
from qcity.cli.options import (
    DataFileOption,
    DbOption,
    LevelOption,
    OptionalOutOption,
    PeerFrameworkOption,
    PeerGroupOption,
    StoredAsOfOption,
    UnitsWithDataOption,
    YearOption,
)
from qcity.service.notice import BANNER, count_line
from qcity.service.selection import choose_inputs, read_selection

if TYPE_CHECKING:  # the engine is imported when a command runs, not when the CLI starts
    import pandas as pd

    from qcity.service.evaluation import EvaluationResult
    from qcity.service.frameworks import Framework

console = Console()

ROBUSTNESS_NOTE = (
    "a gap of a few points may be noise: add --bands for the 5-95% rank band of the index "
    "from the robustness analysis (qcity robust); without it read close ranks as a tie "
    "排名相近者视为并列"
)
BANDS_HELP = (
    "add the index's 5-95% rank band of every unit from the robustness analysis (the "
    "framework's shipped spec, or --spec) and say whether the unit is surely in the top k "
    "排名区间"
)


def evaluate_peers(
    path: Path,
    fw: Framework,
    unit: str,
    group: str | None,
    level: str | None,
    db: str | None,
    as_of: str | None,
    data: Path | None,
    units: Path | None,
) -> EvaluationResult:
    """Read the database (or ``data``) as ``qcity evaluate --group`` does and evaluate
    ``unit`` with its peers (``qcity.service.compare.evaluate_peers``: the members of
    ``group``, and/or the units of ``level`` sharing its parent; without either, the units
    of its own level)."""
    from qcity.service.compare import evaluate_peers as evaluate_with_peers

    sel = choose_inputs(fw, data=data, units=units, db=db, as_of=as_of, group=group)
    inp = read_selection(fw, framework_file=path, selection=sel)
    return evaluate_with_peers(
        fw,
        inp,
        unit=unit,
        group=group,
        level=level,
        framework_text=path.read_text(encoding="utf-8"),
    )


def unit_names(result: EvaluationResult) -> dict[str, str]:
    """Unit code -> Chinese name, when the units table has one."""
    table = result.inputs.units
    if table is None or "name_zh" not in table.columns:
        return {}
    return dict(zip(table["code"].astype(str), table["name_zh"].astype(str), strict=True))


def label(names: dict[str, str], code: object) -> str:
    """``溧阳市 (liyang)``, or the code alone."""
    return f"{names[str(code)]} ({code})" if str(code) in names else str(code)


def number(x: object, digits: int = 2) -> str:
    """A score or value for a table cell: empty for missing values."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return f"{float(x):,.{digits}f}"  # type: ignore[arg-type]


def plain(x: object) -> str:
    """A raw value with up to 4 significant digits (no exponent), empty when missing."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    v = float(x)  # type: ignore[arg-type]
    if v == 0:
        return "0"
    places = max(3 - math.floor(math.log10(abs(v))), 0)
    text = f"{v:,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def scale_line(result: EvaluationResult) -> None:
    """What 100 means, for scores on a frozen reference scale (``qcity.service.scale``)."""
    from qcity.service.scale import scale_note

    note = scale_note(result.framework)
    if note is not None:
        console.print(f"[dim]{note.zh}\n{note.en}")


def notice_line(result: EvaluationResult) -> None:
    """The illustrative-data label every output made from demo values carries."""
    scale_line(result)
    if result.notice:
        console.print("[bold yellow]" + count_line(result.illustrative, result.values_used))


@app.command("compare")
def compare(
    unit: str = typer.Option(..., "--unit", help="the unit compared (e.g. liyang) 对标单元"),
    group: PeerGroupOption = None,
    level: LevelOption = None,
    year: YearOption = None,
    k: int = typer.Option(5, "--k", min=1, help="first tier = the top k 第一方阵的名次"),
    out: OptionalOutOption = None,
    framework: PeerFrameworkOption = "liyang",
    db: DbOption = None,
    as_of: StoredAsOfOption = None,
    data: DataFileOption = None,
    units: UnitsWithDataOption = None,
    bands: bool = typer.Option(False, "--bands", help=BANDS_HELP),
    spec: Path | None = typer.Option(
        None,
        "--spec",
        "-s",
        help="robustness spec YAML for the bands (implies --bands; default the shipped one)",
    ),
    samples: int = typer.Option(
        1000, "-N", "--samples", min=10, help="Monte Carlo samples for --bands 抽样次数"
    ),
) -> None:
    """Compare a unit with its peers: ranks, gaps, strengths and weaknesses. 对标分析。

    Writes OUT/compare.csv (node,rank,score,leader,median,threshold,gap_to_threshold,
    then names, gaps to the leader and median, and raw values and gaps for indicators)
    and OUT/strengths.csv (indicators from strongest to weakest, weighted by their
    effective weight in the index); OUT/compare_years.csv: the same as compare.csv for
    every year. Gaps are score - reference: negative = behind. With --bands the index row
    gains rank_low, rank_high (5th and 95th percentile rank of the robustness analysis)
    and tier (in / out / uncertain: whether the whole band is inside the top k).
    """
    from qcity.cli.robust import spec_needed
    from qcity.service.compare import compare_unit

    path, fw = open_framework(framework)
    chosen = None
    if spec is not None:  # read before anything else
        from qcity.service.robust import choose_spec

        chosen = choose_spec(fw, spec=spec)
    result = evaluate_peers(path, fw, unit, group, level, db, as_of, data, units)
    with_bands = bands or chosen is not None
    waiting = console.status(f"rank bands 排名区间 (N={samples})") if with_bands else nullcontext()
    with spec_needed(fw.code), waiting:
        cmp = compare_unit(
            result,
            unit=unit,
            year=year,
            k=k,
            bands=with_bands,
            spec=chosen,
            samples=samples,
            years=out is not None,
        )
    table, strong = cmp.table, cmp.strengths
    assert strong is not None  # asked for (the default)
    written: list[Path] = []
    if out is not None:
        from qcity.service.files import (
            atomic_folder,
            moved,
            safe_frame,  # formula injection
        )

        assert cmp.years is not None  # asked for with --out
        tables = {"compare.csv": table, "strengths.csv": strong, "compare_years.csv": cmp.years}
        with atomic_folder(out, stale=[*tables, "NOTICE.txt"]) as tmp:  # all or nothing
            for name, frame in tables.items():
                safe_frame(frame).to_csv(tmp / name, index=False, encoding="utf-8")
                written.append(tmp / name)
            if result.notice:
                (tmp / "NOTICE.txt").write_text(result.notice + "\n", encoding="utf-8")
                written.append(tmp / "NOTICE.txt")
        written = moved(written, out)
    _print(result, table, strong, unit, k)
    if written:
        console.print(f"wrote {', '.join(p.name for p in written)} to {out}")


TIER_TEXT = {
    "in": "in the top {k} in every plausible variant 稳居前{k}",
    "out": "outside the top {k} in every plausible variant 稳在前{k}之外",
    "uncertain": (
        "the band straddles rank {k}: in or out depends on the choices 是否进入前{k}取决于方法选择"
    ),
}


def _print_band(table: pd.DataFrame, k: int) -> None:
    """The index's rank band and what it says about the first tier."""
    rows = table[table["rank_low"].notna()]
    if rows.empty:
        console.print("[yellow]no rank band for this unit and year 无排名区间")
        return
    row = rows.iloc[0]
    tier = TIER_TEXT.get(str(row["tier"]), "").format(k=k)
    console.print(
        f"rank band 排名区间 (5-95%, robustness analysis): {int(row['rank_low'])}-"
        f"{int(row['rank_high'])} — {tier}"
    )


def _print(
    result: EvaluationResult, table: pd.DataFrame, strong: pd.DataFrame, unit: str, k: int
) -> None:
    from qcity.service.inputs import selection_text

    names = unit_names(result)
    period = table["period"].iloc[0]
    title = f"{label(names, unit)} {period} — 名次与差距 ranks and gaps (第一方阵 top {k})"
    if result.illustrative:
        title += f"\n[bold yellow]{BANNER}[/]"
    t = Table(title=title)
    t.add_column("指标 node", no_wrap=True, overflow="ellipsis", max_width=24)
    for col in (
        "rank",
        "score",
        "leader",
        "median",
        f"top-{k}",
        "gap",
        "next up 上一名",
        "lead 领先",
    ):
        t.add_column(col, justify="right", no_wrap=True)
    for row in table[table["kind"] != "indicator"].to_dict("records"):
        # inside the first tier the gap to its threshold is a margin: show the margin over
        # rank k+1 instead of a gap of 0 "to improve"
        inside = bool(row["in_first_tier"])
        t.add_row(
            f"{'  ' * int(row['depth'])}{row['name_zh']}",
            f"{row['rank']}/{row['n']}",
            number(row["score"], 1),
            number(row["leader"], 1),
            number(row["median"], 1),
            number(row["threshold"], 1),
            "in 已进入" if inside else number(row["gap_to_threshold"], 1),
            number(row["gap_to_next_up"], 1),
            number(row["margin_over_first_out"], 1) if inside else "",
        )
    console.print(t)
    top = table.iloc[0]
    if bool(top["in_first_tier"]):
        console.print(
            f"in the first tier 已在第一方阵 (rank {top['rank']}/{top['n']}): "
            f"{number(top['margin_over_first_out'], 1)} points ahead of rank {k + 1} 领先第"
            f"{k + 1}名; "
            + (
                f"{number(-top['gap_to_next_up'], 1)} behind the next rank up 落后上一名, "
                f"{number(-top['gap_to_leader'], 1)} behind the leader 落后第一名"
                if math.isfinite(float(top["gap_to_next_up"]))
                else "the leader 位列第一"
            )
        )
    if "rank_low" in table.columns:
        _print_band(table, k)
    console.print(f"selected 选取: {selection_text(result.inputs.selection)}")
    peers = int(table["n"].iloc[0])
    if peers < k:
        console.print(f"[yellow]only {peers} units are ranked: no {k}th unit, no threshold 无门槛")
    for kind, title_text, rows in (
        ("strength", "长板 strengths", strong.head(5)),
        ("weakness", "短板 weaknesses", strong.iloc[::-1].head(5)),
    ):
        rows = rows[rows["kind"] == kind]
        if rows.empty:
            continue
        s = Table(title=f"{title_text}: vs the peers' median × effective weight = index points")
        s.add_column("指标 indicator", no_wrap=True, overflow="ellipsis", max_width=24)
        for col in ("rank", "vs median", "index pts", "value / median"):
            s.add_column(col, justify="right", no_wrap=True)
        for rec in rows.to_dict("records"):
            s.add_row(
                f"{rec['name_zh']} {rec['indicator']}",
                f"{rec['rank']}/{rec['n']}",
                number(rec["diff"], 1),
                number(rec["weighted"], 2),
                f"{plain(rec['value'])} / {plain(rec['median_value'])} {rec['indicator_unit']}",
            )
        console.print(s)
    console.print(
        f"[dim]gap = score - top-{k} score (negative: behind 落后); raw values and gaps for "
        f"every indicator in compare.csv. {ROBUSTNESS_NOTE}"
    )
    notice_line(result)
