"""``qcity import-bulletin``: propose values read from a statistical bulletin (统计公报).

The command reads the bulletin's text (UTF-8 or GB18030), prints what it proposes with
the sentence of each value, lists competing candidates separately (never proposed), and
writes ``review.csv``, which ``qcity import`` accepts unchanged. ``--accept`` imports the
proposals at once, through the same import (one transaction, status ``preliminary``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from qcity.cli.app import app, fail
from qcity.cli.common import cli_operator
from qcity.cli.data import _console, _entered_by, _load_framework, open_store
from qcity.cli.options import FRAMEWORK_HELP, DbOption

if TYPE_CHECKING:
    import pandas as pd

    from qcity.service.bulletin import BulletinResult
    from qcity.service.frameworks import Framework
    from qcity.service.store import Store


def _check_year(year: int) -> None:
    """A year the store accepts (as ``qcity import`` does), else stop naming it."""
    from qcity.service.files import MIN_YEAR, max_year

    if not MIN_YEAR <= year <= max_year():
        fail(
            f"--year {year}: give the year the bulletin reports on, {MIN_YEAR}–{max_year()} "
            f"/ 年份须在 {MIN_YEAR}–{max_year()} 之间"
        )


def _framework(name: str) -> tuple[Path, Framework]:
    """The file and framework of ``-f`` (a file or a shipped name); it must have
    bulletin rules."""
    from qcity.service.frameworks import framework_path

    path = framework_path(name)
    fw = _load_framework(path)
    if not any(ind.bulletin is not None for ind in fw.indicators()):
        fail(
            f"framework {fw.code} {fw.version} has no bulletin rules: give its indicators a "
            "'bulletin' field (see docs/en/bulletin.md) / 该指标体系没有公报提取规则"
        )
    return path, fw


def _check_unit(store: Store, unit: str) -> None:
    """``--unit`` must be a unit of the store; stop naming it and the nearest codes."""
    import difflib

    codes = store.units()["code"].astype(str).tolist()
    if unit in codes:
        return
    near = difflib.get_close_matches(unit, codes, n=3)
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    known = "the database has no units yet (qcity import-units)" if not codes else ""
    fail(
        f"--unit {unit}: unknown unit code{hint}{'; ' + known if known else ''} "
        f"/ 未知的地区代码 {unit}"
    )


def _table(title: str, df: pd.DataFrame, cols: list[tuple[str, str]]) -> Table:
    """A Rich table of the columns ``cols`` (name, heading) of ``df``."""
    table = Table(title=title)
    for _, heading in cols:
        table.add_column(heading, overflow="fold")
    for row in df[[c for c, _ in cols]].astype(str).itertuples(index=False):
        table.add_row(*(Text(v) for v in row))
    return table


def _print(result: BulletinResult) -> None:
    """Proposals, competing candidates and notes, for a person to review."""
    console = _console()
    p = result.proposals
    console.print(
        _table(
            f"{result.file_name}: proposed values / 拟录入数值 ({len(p)})",
            p.assign(kind=p["derived"].map({True: "derived 派生", False: ""})),
            [
                ("indicator", "indicator / 指标"),
                ("name_zh", "name / 名称"),
                ("value", "value / 数值"),
                ("unit_of_measure", "unit / 单位"),
                ("sentence", "sentence / 句"),
                ("kind", ""),
            ],
        )
    )
    a = result.ambiguous
    if len(a):
        console.print(
            _table(
                "ambiguous: competing candidates, none taken — enter the right one by hand / "
                "有歧义：候选值相互冲突，均未采用，请人工核对录入",
                a,
                [
                    ("indicator", "indicator / 指标"),
                    ("name_zh", "name / 名称"),
                    ("value", "value / 数值"),
                    ("unit_of_measure", "unit / 单位"),
                    ("sentence", "sentence / 句"),
                    ("source", "text / 原文"),
                ],
            )
        )
    r = result.refused
    if len(r):
        console.print(
            _table(
                "refused: not the place's own value of the year, never taken / "
                "未采用：非本地区本年度数值（原因见右）",
                r,
                [
                    ("indicator", "indicator / 指标"),
                    ("name_zh", "name / 名称"),
                    ("value", "value / 数值"),
                    ("unit_of_measure", "unit / 单位"),
                    ("reason", "reason / 原因"),
                    ("sentence", "sentence / 句"),
                    ("source", "text / 原文"),
                ],
            )
        )
    for note in result.notes:
        console.print(f"note / 说明: {note}")


def _write_review(df: pd.DataFrame, out: Path) -> None:
    """Write the review table (UTF-8 with BOM, so that Excel shows the Chinese) whole or
    not at all: a temporary file in the same folder, then renamed."""
    from qcity.service.files import atomic_file, safe_frame

    with atomic_file(out) as tmp:
        safe_frame(df).to_csv(tmp, index=False, encoding="utf-8-sig")


def _accept(
    store: Store, review: Path, fw: Framework, by: str | None, reason: str | None = None
) -> None:
    """Import the review file as ``qcity import`` does (one transaction); ``reason``
    accepts values outside their plausible range (``--accept-implausible``)."""
    from qcity.cli.data import problems_table
    from qcity.service.files import ImportErrorReport, import_file
    from qcity.service.store import StoreError

    console = _console()
    try:
        result = import_file(
            store,
            review,
            fw,
            _entered_by(by),
            actor=cli_operator(),
            accept_implausible=reason,
        )
    except ImportErrorReport as exc:
        console.print(problems_table(exc.problems))
        fail(f"{review.name}: {len(exc.errors)} error(s); nothing imported / 有错误，未导入")
    except (StoreError, ValueError) as exc:
        fail(f"{review.name}: {exc}; nothing imported / 未导入")
    if result.warnings:
        console.print(problems_table(result.warnings))
    s = result.summary
    if s is None or s.written == 0:
        console.print(
            "accepted: nothing to do, the values are stored already / 数值已在库中，无需写入"
        )
        return
    console.print(
        f"accepted / 已录入 (status preliminary 初步): {s.added} added / 新增, "
        f"{s.revised} revised / 修订, {s.unchanged} unchanged / 未变 (batch {s.batch_id})"
    )


@app.command("import-bulletin")
def import_bulletin_cmd(
    file: Annotated[
        Path, typer.Argument(help="bulletin text, .txt (UTF-8 or GB18030) / 统计公报文本")
    ],
    unit: Annotated[
        str, typer.Option("--unit", help="unit code of the bulletin's city / 地区代码")
    ],
    year: Annotated[int, typer.Option("--year", help="year the bulletin reports on / 公报年份")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="review.csv to check and then `qcity import` / 待核对的 review.csv",
            show_default=False,
        ),
    ] = None,
    accept: Annotated[
        bool,
        typer.Option(
            "--accept", help="import the proposals at once, status preliminary / 直接录入（初步）"
        ),
    ] = False,
    framework: Annotated[str, typer.Option("--framework", "-f", help=FRAMEWORK_HELP)] = "liyang",
    db: DbOption = None,
    by: Annotated[
        str | None, typer.Option("--by", help="who enters the data (default: login) / 录入人")
    ] = None,
    accept_implausible: Annotated[
        str | None,
        typer.Option(
            "--accept-implausible",
            help="with --accept: store values outside their plausible range, flagged, for "
            "this reason (kept in the audit log) / 确认超出合理范围的数值并说明原因",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Propose values read from a statistical bulletin, each with its sentence; write
    review.csv for `qcity import`, or --accept. 从统计公报文本中提取指标数值供核对。"""
    from qcity.service.bulletin import BulletinReadError, BulletinRuleError, read_bulletin

    if out is None and not accept:
        fail(
            "give --out review.csv (to review, then qcity import) or --accept "
            "/ 请指定 --out 或 --accept"
        )
    _check_year(year)
    fw_path, fw = _framework(framework)
    store = open_store(db, create=False)
    _check_unit(store, unit)
    try:
        result = read_bulletin(file, fw, unit, year)
    except (BulletinReadError, BulletinRuleError, OSError) as exc:
        fail(str(exc))
    if result.title_year is not None and result.title_year != year:
        fail(
            f"{file.name}: the title names {result.title_year}年 but --year is {year}; give "
            f"--year {result.title_year} (the year the bulletin reports on); nothing written "
            f"/ 公报标题年份为 {result.title_year}，与 --year {year} 不符，未写入"
        )
    if result.proposals.empty and result.ambiguous.empty:
        if not result.refused.empty:
            _print(result)
        fail(
            f"{file.name}: no figure of framework {fw.code}'s indicators found "
            f"({result.sentences} sentence(s) read); nothing written. Looked for: "
            f"{'; '.join(result.looked_for)} / 未找到可用的指标数值，未写入"
        )
    _print(result)
    review = result.review()
    if out is not None:
        _write_review(review, out)
        _console().print(
            f"{out}: {len(review)} value(s) to review, then: qcity import {out} -f {fw_path} "
            f"/ 核对后用 qcity import 导入"
        )
    if accept:
        if review.empty:
            fail(f"{file.name}: nothing to accept: every candidate is ambiguous / 无可录入数值")
        if out is not None:
            _accept(store, out, fw, by, accept_implausible)
            return
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{file.stem}.review.csv"
            _write_review(review, path)
            _accept(store, path, fw, by, accept_implausible)
