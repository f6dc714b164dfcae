"""CLI command ``qcity ahp MATRIX``: AHP weights and consistency of pairwise judgements."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from qcity.cli.app import app
from qcity.service.ahp import CR_THRESHOLD, RI_TABLES, AHPResult, format_judgement

MATRIX_ARG = typer.Argument(
    ...,
    help="pairwise matrix, .csv (experts separated by blank lines) or .xlsx (one sheet each) "
    "/ 判断矩阵文件",
    exists=True,
    dir_okay=False,
    readable=True,
    show_default=False,
)


def _weights_table(names: list[str], res: AHPResult) -> Table:
    """Rich table: criterion, weight, rank."""
    table = Table(title="AHP 权重 / weights", expand=False)
    table.add_column("criterion / 准则", overflow="fold")
    table.add_column("weight / 权重", justify="right")
    table.add_column("rank / 排序", justify="right")
    ranks = np.argsort(np.argsort(-res.weights)) + 1
    for name, w, r in zip(names, res.weights, ranks, strict=True):
        table.add_row(Text(name), f"{w:.4f}", str(int(r)))
    return table


def _verdict(names: list[str], matrix: np.ndarray, res: AHPResult) -> Text:
    """Consistent / inconsistent, with the pair to revise first when inconsistent."""
    if res.consistent:
        return Text(f"consistent / 一致 (CR < {CR_THRESHOLD:g})", style="green")
    text = Text(
        f"inconsistent / 不一致 (CR >= {CR_THRESHOLD:g}): revise the judgements / 请修改判断",
        style="bold red",
    )
    if res.worst_pair is not None:
        i, j = res.worst_pair
        implied = res.weights[i] / res.weights[j]
        text.append(
            f"\nmost inconsistent pair / 最不一致的一对: {names[i]} vs {names[j]} — judged "
            f"{format_judgement(matrix[i, j])}, the weights imply {format_judgement(implied)}",
            style="red",
        )
    return text


@app.command("ahp")
def ahp_command(
    matrix: Path = MATRIX_ARG,
    ri: str = typer.Option(
        "saaty", "--ri", help=f"random index table: {' | '.join(RI_TABLES)} / 随机一致性指标表"
    ),
    as_json: bool = typer.Option(
        False, "--json", help="print weights, lambda_max, CI, CR as JSON / 输出 JSON"
    ),
) -> None:
    """AHP weights and consistency (lambda_max, CI, CR). 层次分析法权重与一致性检验。

    Several experts (CSV blocks or XLSX sheets) are combined by the element-wise geometric
    mean of their judgements (Aczél & Saaty 1983). Exit code 0 also when inconsistent.
    """
    if ri not in RI_TABLES:
        raise typer.BadParameter(
            f"unknown {ri!r}; use one of: {', '.join(RI_TABLES)}", param_hint="--ri"
        )
    from qcity.service.ahp import weigh_pairwise

    # a PairwiseError (naming file, sheet, row and column) is reported by the app's handler
    weighed = weigh_pairwise(file=matrix, ri=ri)
    names, res = list(weighed.names), weighed.result

    if as_json:
        payload = {
            "weights": {n: float(w) for n, w in zip(names, res.weights, strict=True)},
            "lambda_max": float(res.lambda_max),
            "ci": float(res.ci),
            "cr": float(res.cr),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return

    out = Console(highlight=False, soft_wrap=False)
    if weighed.per_expert:
        out.print(
            f"combined {weighed.experts} experts by geometric mean / "
            f"已按几何平均合并 {weighed.experts} 位专家的判断 (Aczél & Saaty 1983)"
        )
        crs = ", ".join(f"{k + 1}: {r.cr:.3f}" for k, r in enumerate(weighed.per_expert))
        out.print(f"CR of each expert / 各专家 CR — {crs}")
    out.print(_weights_table(names, res))
    out.print(
        f"n = {res.n}   lambda_max = {res.lambda_max:.4f}   CI = {res.ci:.4f}   "
        f"RI ({ri}) = {res.ri:.4f}   CR = {res.cr:.4f}"
    )
    out.print(_verdict(names, weighed.matrix, res))
