"""``qcity audit``: the statistical audit of an evaluation (JRC style) — correlations by
the framework's structure, Cronbach's alpha, PCA per group, influence against weight —
printed as tables and written to a folder. Nothing is stored in the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from qcity.cli.app import app
from qcity.cli.common import open_framework, spinner, stages
from qcity.cli.options import (
    DataOption,
    DbOption,
    FrameworkOption,
    GroupOption,
    OutOption,
    UnitsOption,
    UnitTypeOption,
)
from qcity.service.notice import BANNER, count_line
from qcity.service.selection import choose_inputs, evaluate_selection

if TYPE_CHECKING:
    import pandas as pd

    from qcity.service.audit import AuditResult
    from qcity.service.evaluation import EvaluationResult

console = Console()

SHOWN = 20
"""Rows of the flags table printed (all of them are in flags.csv)."""


@app.command("audit")
def audit(
    framework: FrameworkOption,
    out: OutOption,
    data: DataOption = None,
    units: UnitsOption = None,
    db: DbOption = None,
    as_of: str | None = typer.Option(
        None, "--as-of", help="audit the data as stored at this time 按此时点的数据"
    ),
    group: GroupOption = None,
    unit_type: UnitTypeOption = None,
    year: str | None = typer.Option(
        None, "--year", "-y", help="period to audit (default: the latest) 审计的年份"
    ),
) -> None:
    """Statistical audit: correlations, Cronbach's alpha, PCA, influence vs weight. 统计审计。

    Evaluates as `qcity evaluate` does (nothing is stored), then checks whether the data
    support the framework's groups and weights in one period. Writes OUT/flags.csv,
    correlations.csv, cronbach.csv, pca.csv, influence.csv (UTF-8 with BOM, names beside
    codes) and README.txt.
    """
    from qcity.service.audit import audit_framework

    path, fw = open_framework(framework)
    sel = choose_inputs(
        fw, data=data, units=units, db=db, as_of=as_of, group=group, unit_type=unit_type
    )
    with spinner() as progress:
        say = stages(progress)
        result = evaluate_selection(fw, framework_file=path, selection=sel, status=say)
        say("auditing 审计")
        made = audit_framework(result=result, period=year, out=out)
    show(made.audit, result)
    console.print(f"wrote {len(made.written)} files to {out}")


def _name(found: AuditResult, code: object) -> str:
    """``中文名 (code)``, or the code alone when it has no name."""
    code = str(code)
    zh = found.names.get(code, ("", ""))[0]
    return f"{zh} ({code})" if zh and zh != code else code


def _num(x: object, digits: int = 2) -> str:
    try:
        value = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    return "" if value != value else f"{value:.{digits}f}"


def show(found: AuditResult, result: EvaluationResult) -> None:
    """Print the flags (warnings first), alpha and PCA per group, and influence against
    weight on the index, with the illustrative notice when it applies."""
    from qcity.service.inputs import selection_text

    fw = result.framework
    title = f"统计审计 Statistical audit — {fw.root.name_zh} — {found.period}"
    banner = f"\n[bold yellow]{BANNER}[/]"
    if result.illustrative:
        title += banner
    console.print(f"[bold]{title}[/]")
    console.print(f"selected 选取: {selection_text(result.inputs.selection)}")
    _flags(found)
    _groups(found)
    _influence(found, fw.root.code, banner if result.illustrative else "")
    if result.notice:
        console.print(
            "[bold yellow]"
            + count_line(result.illustrative, result.values_used, tail="see NOTICE.txt")
        )


LEGEND = {
    "duplicate": "|r| > {dup:g} in one group: near-duplicates, the same thing may count twice "
    "几乎重复",
    "negative": "r < {neg:g} inside a group or with the parent (p < 0.05): they offset each "
    "other 同组负相关",
    "constant": "the same for every unit: it cannot change a rank 各单元取值相同",
    "few_values": "fewer than 3 units have a value 有值的单元过少",
    "no_values": "no value in this period (see the run's diagnostics) 本期无数值",
}


def _flags(found: AuditResult) -> None:
    """The warnings on the structure (influence has its own table), then a count of the
    notes."""
    flags = found.flags
    structure = ~flags["flag"].str.startswith("influence_")
    warnings = flags[(flags["severity"] == "warning") & structure]
    notes = flags[flags["severity"] != "warning"]
    if warnings.empty:
        console.print("警告 Warnings on the structure: none 无")
    else:
        table = Table(title=f"结构警告 Warnings on the structure ({len(warnings)})")
        for col in ("flag", "group 组", "code 代码", "with 对象", "value 值"):
            table.add_column(col, justify="right" if col.startswith("value") else "left")
        for row in warnings.head(SHOWN).to_dict("records"):
            table.add_row(
                row["flag"],
                _name(found, row["group"]) if row["group"] else "",
                _name(found, row["code"]),
                _name(found, row["other"]) if row["other"] else "",
                _num(row["value"]),
            )
        console.print(table)
        if len(warnings) > SHOWN:
            console.print(f"... {len(warnings) - SHOWN} more in flags.csv")
        rules = {"dup": found.rules.duplicate, "neg": found.rules.negative}
        for flag in dict.fromkeys(warnings["flag"]):
            console.print(f"  {flag}: {LEGEND.get(flag, '').format(**rules)}")
    if not notes.empty:
        counts = notes["flag"].value_counts()
        listed = ", ".join(f"{k} {v}" for k, v in counts.items())
        console.print(f"notes 提示 ({len(notes)}): {listed} — see flags.csv")


def _groups(found: AuditResult) -> None:
    both = found.cronbach.merge(found.pca[["group", "pc1_share", "above_one"]], on="group")
    table = Table(title="各组一致性 Consistency of each group")
    for col in ("group 组", "k", "alpha", "PC1", "λ>1"):
        table.add_column(col, justify="left" if col.startswith("group") else "right")
    for row in both.to_dict("records"):
        indent = "  " * int(row["depth"])
        alpha = _num(row["alpha"])
        low = bool(alpha) and float(alpha) < found.rules.alpha
        above = row["above_one"]
        table.add_row(
            indent + _name(found, row["group"]),
            str(row["used"])
            if row["used"] == row["members"]
            else f"{row['used']}/{row['members']}",
            f"[yellow]{alpha}[/]" if low else alpha,
            _num(row["pc1_share"]),
            "" if above is None or above != above else str(above),
        )
    console.print(table)
    console.print(
        f"k members analysed 成员数; alpha: Cronbach's alpha (yellow below "
        f"{found.rules.alpha:g}); PC1: variance share of the first principal component; "
        "λ>1: components with an eigenvalue above 1 (more than 1: the group measures more "
        "than one thing) — cronbach.csv, pca.csv"
    )


def _influence_rows(found: AuditResult, root: str) -> pd.DataFrame:
    """The index's children, then its indicators flagged (farthest from weight first)."""
    import numpy as np
    import pandas as pd

    top = found.influence[found.influence["node"] == root]
    children = top[top["among"] == "children"]
    leaves = top[(top["among"] == "indicators") & (top["flag"] != "")]
    with np.errstate(divide="ignore"):
        far = np.abs(np.log(leaves["ratio"].astype(float).clip(lower=1e-12)))
    leaves = leaves.assign(_far=far).sort_values("_far", ascending=False).drop(columns="_far")
    return pd.concat([children, leaves.head(SHOWN // 2)])


def _influence(found: AuditResult, root: str, banner: str) -> None:
    rows = _influence_rows(found, root)
    if rows.empty:
        return
    inf = found.influence
    table = Table(title="对指数的实际影响与权重 Influence on the index vs weight" + banner)
    for col in ("code 代码", "weight 权重", "r", "r² share 影响", "ratio 比值", "flag"):
        table.add_column(col, justify="left" if col.startswith(("code", "flag")) else "right")
    for row in rows.to_dict("records"):
        share, influence = row["weight_share"], row["influence"]
        table.add_row(
            _name(found, row["code"]),
            f"{share:.1%}" if share == share else "",
            _num(row["r"]),
            f"{influence:.1%}" if influence == influence else "",
            _num(row["ratio"]),
            row["flag"],
        )
    console.print(table)
    shown = len(rows[rows["among"] == "indicators"])
    leaves = inf[(inf["node"] == root) & (inf["among"] == "indicators")]
    console.print(
        "influence = share of r² with the index; ratio = influence / weight share "
        f"(flag below {found.rules.low:g} or above {found.rules.high:g}); indicators: "
        f"{(leaves['flag'] != '').sum()} of {len(leaves)} flagged, the {shown} farthest shown "
        "— influence.csv"
    )
