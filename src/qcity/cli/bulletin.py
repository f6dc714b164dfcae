"""``qcity import-bulletin``: propose values read from a statistical bulletin (统计公报).

The command reads the bulletin's text (UTF-8 or GB18030), prints what it proposes with
the sentence of each value, lists competing candidates separately (never proposed), and
writes ``review.csv``, which ``qcity import`` accepts unchanged. ``--accept`` imports the
proposals at once, through the same import (one transaction, status ``preliminary``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from qcity.cli.app import app, fail
from qcity.cli.common import cli_operator
from qcity.cli.data import _console, _entered_by
from qcity.cli.options import FRAMEWORK_HELP, DbOption

if TYPE_CHECKING:
    import pandas as pd

    from qcity.service.bulletin import BulletinReading


def _table(title: str, df: pd.DataFrame, cols: list[tuple[str, str]]) -> Table:
    """A Rich table of the columns ``cols`` (name, heading) of ``df``."""
    table = Table(title=title)
    for _, heading in cols:
        table.add_column(heading, overflow="fold")
    for row in df[[c for c, _ in cols]].astype(str).itertuples(index=False):
        table.add_row(*(Text(v) for v in row))
    return table


def _print(result: BulletinReading) -> None:
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


def _accept(
    reading: BulletinReading,
    db: str | None,
    by: str | None,
    review_file: Path | None,
    reason: str | None,
) -> None:
    """Import the proposals as ``qcity import`` does (one transaction) and say what was
    stored; ``review_file``: the review.csv written, ``reason``: --accept-implausible."""
    from qcity.cli.data import problems_table
    from qcity.service.bulletin import accept_bulletin
    from qcity.service.files import ImportErrorReport
    from qcity.service.imports import ImportRefused

    console = _console()
    try:
        result = accept_bulletin(
            reading,
            db=db,
            entered_by=_entered_by(by),
            actor=cli_operator(),
            review_file=review_file,
            accept_implausible=reason,
        )
    except ImportErrorReport as exc:
        console.print(problems_table(exc.problems))
        fail(f"{exc.file_name}: {len(exc.errors)} error(s); nothing imported / 有错误，未导入")
    except ImportRefused as exc:
        fail(f"{exc}; nothing imported / 未导入")
    if result.warnings:
        console.print(problems_table(list(result.warnings)))
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
    from qcity.service.bulletin import (
        BulletinYearError,
        NothingFound,
        read_bulletin_file,
        save_review,
    )

    if out is None and not accept:
        fail(
            "give --out review.csv (to review, then qcity import) or --accept "
            "/ 请指定 --out 或 --accept"
        )
    try:
        reading = read_bulletin_file(db=db, file=file, framework=framework, unit=unit, year=year)
    except BulletinYearError as exc:
        if exc.title_year is None:
            fail(
                f"--year {year}: give the year the bulletin reports on, {exc.first}–{exc.last} "
                f"/ 年份须在 {exc.first}–{exc.last} 之间"
            )
        fail(
            f"{file.name}: the title names {exc.title_year}年 but --year is {year}; give "
            f"--year {exc.title_year} (the year the bulletin reports on); nothing written "
            f"/ 公报标题年份为 {exc.title_year}，与 --year {year} 不符，未写入"
        )
    except NothingFound as exc:
        if not exc.reading.refused.empty:
            _print(exc.reading)
        fail(str(exc))
    _print(reading)
    if out is not None:
        rows = save_review(reading, out=out)
        _console().print(
            f"{out}: {rows} value(s) to review, then: qcity import {out} -f "
            f"{reading.framework_file} / 核对后用 qcity import 导入"
        )
    if accept:
        _accept(reading, db, by, out, accept_implausible)
