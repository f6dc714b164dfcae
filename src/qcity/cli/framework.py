"""CLI commands for framework files: ``qcity validate FILE`` and ``qcity show FILE``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from qcity.cli.app import app
from qcity.cli.common import open_framework
from qcity.cli.options import DbOption, GroupOption, UnitsWithDataOption, UnitTypeOption
from qcity.service.frameworks import (
    Framework,
    Indicator,
    Moderate,
    Node,
    Problem,
    check_framework,
)
from qcity.service.selection import choose_inputs, evaluate_selection

if TYPE_CHECKING:
    from qcity.service.evaluation import EvaluationResult

_SETTINGS: tuple[Literal["normalise", "weighting", "aggregate"], ...] = (
    "normalise",
    "weighting",
    "aggregate",
)
FILE_ARG = typer.Argument(..., help="framework YAML file / 指标体系 YAML 文件", show_default=False)


def _console() -> Console:
    return Console(soft_wrap=False, highlight=False)


def problem_table(problems: list[Problem]) -> Table:
    """Rich table of problems: file, line, field, problem, hint."""
    table = Table(title="问题 / Problems", show_lines=False, expand=False)
    table.add_column("file / 文件", overflow="fold")
    table.add_column("line / 行", justify="right")
    table.add_column("field / 字段", overflow="fold")
    table.add_column("problem / 问题", overflow="fold")
    table.add_column("hint / 建议", overflow="fold")
    for p in problems:
        style = "yellow" if p.severity == "warning" else "red"
        label = ("warning: " if p.severity == "warning" else "") + p.message
        table.add_row(
            Text(p.file),
            "-" if p.line is None else str(p.line),
            Text(p.field),
            Text(label, style=style),
            Text(p.hint),
        )
    return table


def summary(framework: Framework) -> str:
    """One line: code, version, dimensions, nodes and indicators."""
    dims = len(framework.root.children)
    return (
        f"OK {framework.code} {framework.version}: {dims} dimensions / 维度, "
        f"{len(framework.nodes())} nodes / 节点, "
        f"{len(framework.indicators())} indicators / 指标"
    )


@app.command("validate")
def validate(
    file: Path = FILE_ARG,
    as_json: bool = typer.Option(False, "--json", help="print problems as JSON / 以 JSON 输出"),
) -> None:
    """Check a framework file and report every problem. 校验指标体系文件，列出全部问题。

    Exit code 1 if there is any error; warnings alone keep exit code 0.
    """
    check = check_framework(path=file)
    problems = list(check.problems)
    if as_json:
        typer.echo(json.dumps([p.to_dict() for p in problems], ensure_ascii=False, indent=2))
    else:
        console = _console()
        if problems:
            console.print(problem_table(problems))
        if check.failed:
            console.print(Text(f"{file}: {len(check.errors)} error(s) / 个错误", style="red"))
        elif check.framework is not None:
            warn = f", {len(problems)} warning(s) / 个警告" if problems else ""
            console.print(Text(summary(check.framework) + warn))
    raise typer.Exit(1 if check.failed else 0)


@app.command("show")
def show(
    file: Path = FILE_ARG,
    show_all: bool = typer.Option(
        False, "--all", help="methods on every line, not only where they change / 每行显示方法"
    ),
) -> None:
    """Print the framework as a tree: codes, names, weights and methods in force.
    以树形显示指标体系：代码、名称、权重和生效的方法。

    Methods are shown at the root and wherever they differ from the parent's (they are
    inherited downwards); --all shows them on every line.
    """
    check = check_framework(path=file)
    if check.failed or check.framework is None:
        _console().print(problem_table(list(check.problems)))
        raise typer.Exit(1)
    _console().print(framework_tree(check.framework, show_all=show_all))


@app.command("freeze")
def freeze(
    framework: str = typer.Option(
        ..., "--framework", "-f", help="framework YAML, or a shipped one's name 指标体系文件"
    ),
    out: Path = typer.Option(
        ..., "--out", "-o", help="the frozen framework YAML to write 输出的指标体系文件"
    ),
    version: str | None = typer.Option(
        None, "--version", help="version of the frozen framework (default: VERSION-frozen)"
    ),
    data: Path | None = typer.Option(
        None, "--data", "-d", help="CSV/XLSX data file; omit to read the database"
    ),
    units: UnitsWithDataOption = None,
    db: DbOption = None,
    group: GroupOption = None,
    unit_type: UnitTypeOption = None,
) -> None:
    """Store the goalposts of the reference period in a new framework version.
    按基准期计算上下限并写入新版本的指标体系。

    Evaluates the data (nothing is stored), takes the goalposts that the framework's
    reference_period gives each indicator normalised with scope 'reference', and writes
    the framework with them as each indicator's goalposts to OUT (see docs/en/scale.md).
    """
    from qcity.service.frameworks import freeze_framework

    path, fw = open_framework(framework)

    def evaluate() -> EvaluationResult:
        sel = choose_inputs(fw, data=data, units=units, db=db, group=group, unit_type=unit_type)
        return evaluate_selection(fw, framework_file=path, selection=sel)

    done = freeze_framework(fw, evaluate=evaluate, out=out, version=version)
    console = _console()
    if done.notice:
        console.print(Text(done.notice.strip(), style="bold yellow"))
    console.print(
        f"wrote {out}: {fw.code} {done.framework.version}, goalposts of {done.indicators} "
        f"indicator(s) from {done.first}-{done.last} 已写入上下限"
    )


def framework_tree(framework: Framework, *, show_all: bool = False) -> Tree:
    """Rich tree of the framework with the method settings in force at each node
    (only where they change, unless ``show_all``)."""
    resolved = _resolved_settings(framework)
    title = Text.assemble(
        (f"{framework.code} {framework.version}", "bold"),
        f"  {framework.name_zh} / {framework.name_en}  ",
        (f"{framework.valid_from}-{framework.valid_to}", "dim"),
    )
    tree = Tree(title)
    _add(tree, framework.root, None, resolved, show_all)
    return tree


def _add(
    parent: Tree,
    node: Node | Indicator,
    parent_code: str | None,
    resolved: dict[str, dict[str, str]],
    show_all: bool,
) -> None:
    """Add ``node`` and its subtree to ``parent``."""
    label = Text.assemble(
        (node.code, "bold cyan" if isinstance(node, Node) else "bold"),
        f"  {node.name_zh} / {node.name_en}  ",
        (f"w={node.weight:g}", "magenta"),
    )
    if isinstance(node, Indicator):
        label.append(f"  {_direction(node)}", style="green")
        if node.unit:
            label.append(f"  [{node.unit}]", style="dim")
    kinds = ("normalise",) if isinstance(node, Indicator) else _SETTINGS
    here = resolved[node.code]
    above = resolved[parent_code] if parent_code is not None else {}
    shown = [k for k in kinds if show_all or here[k] != above.get(k)]
    if shown:
        label.append("  " + "  ".join(f"{k}={here[k]}" for k in shown), style="yellow")
    branch = parent.add(label)
    if isinstance(node, Node):
        for child in node.children:
            _add(branch, child, node.code, resolved, show_all)


def _resolved_settings(framework: Framework) -> dict[str, dict[str, str]]:
    """Method settings in force at every code, by the framework's one rule."""
    return {
        node.code: {k: _method_text(framework.resolved(node.code, k)) for k in _SETTINGS}
        for node, _, _ in framework.walk()
    }


def _method_text(spec: Any) -> str:
    """``name(k=v, ...)`` plus ``/pooled`` or ``/reference`` for a normalisation over
    all periods or on a scale frozen from the reference period."""
    params = ", ".join(f"{k}={v}" for k, v in spec.params.items())
    text = f"{spec.method}({params})" if params else spec.method
    scope = getattr(spec, "scope", "period")
    return text + (f"/{scope}" if scope in ("pooled", "reference") else "")


def _direction(ind: Indicator) -> str:
    d = ind.direction
    if isinstance(d, Moderate):
        return (
            f"moderate optimal={d.optimal:g}"
            if d.optimal is not None
            else (f"moderate band=[{d.band[0]:g}, {d.band[1]:g}]" if d.band else "moderate")
        )
    return "+" if d == 1 else "-"


__all__ = ["framework_tree", "problem_table", "show", "summary", "validate"]
