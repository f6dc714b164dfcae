"""The command-line options that several commands share, each defined once as a
``typing.Annotated`` type (Typer reads the ``typer.Option`` in it), so that ``--db``,
``--framework``, ``--data``, ``--units``, ``--as-of``, ``--group``, ``--unit-type``,
``--unit``, ``--year`` and ``--out`` have one spelling, one short form and one help text
in every command::

    @app.command()
    def monitor(unit: UnitOption, db: DbOption = None) -> None: ...

A command whose option means something else (``--unit`` of ``robust``: an extra output)
keeps its own ``typer.Option``. ``FLAGS``: how the CLI spells a choice that an engine
error names interface-neutrally (``EvaluationError.options``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qcity.service.store import URL_ENV

FRAMEWORK_HELP = "framework YAML, or the name of a shipped one (liyang) 指标体系文件"
PEER_FRAMEWORK_HELP = "framework YAML, or the name of a shipped one (default liyang) 指标体系"
DATA_HELP = (
    "CSV/XLSX file in any layout `qcity import` reads; omit to read the database 省略则读取数据库"
)
DB_HELP = (
    "database URL, e.g. postgresql+psycopg://user@host/qcity "
    f"(default ${URL_ENV}, else var/qcity.sqlite) / 数据库地址"
)
EVALUATE_AS_OF_HELP = (
    "evaluate the data as stored at this time (ISO 8601, e.g. 2024-06-30 or "
    "2024-06-30T12:00+08:00); without an offset the time is Asia/Shanghai (or the "
    "framework's timezone) 按此时点的数据评价"
)
AS_OF_HELP = (
    "data as recorded at this time. ISO 8601; without an offset the time is Asia/Shanghai "
    "(or the framework's timezone), e.g. 2025-01-01, 2025-01-01T08:00, 2025-01-01T00:00Z / "
    "截至该时间录入的数据。ISO 8601；不带时区时按北京时间 Asia/Shanghai（或指标体系的 timezone）"
)
GROUP_HELP = "compare with the members of this unit group (e.g. sunan) 对标的单元组"
LEVEL_HELP = (
    "compare at this unit level (town: Liyang's towns and streets, the siblings of --unit) "
    "按层级对标（镇街）"
)

#: ``--db``: the database (every command that opens the store).
DbOption = Annotated[str | None, typer.Option("--db", help=DB_HELP, show_default=False)]
#: ``--framework`` (required): a framework file or a shipped framework's name.
FrameworkOption = Annotated[str, typer.Option("--framework", "-f", help=FRAMEWORK_HELP)]
#: ``--framework`` with the default ``liyang`` (compare, path).
PeerFrameworkOption = Annotated[str, typer.Option("--framework", "-f", help=PEER_FRAMEWORK_HELP)]
#: ``--data``: a data file in any layout; without it the command reads the database.
DataOption = Annotated[Path | None, typer.Option("--data", "-d", help=DATA_HELP)]
#: ``--data`` in the short wording of compare and path.
DataFileOption = Annotated[
    Path | None, typer.Option("--data", "-d", help="data file instead of the store")
]
#: ``--units``: a units file that overrides the framework's (goes with ``--data``).
UnitsOption = Annotated[
    Path | None,
    typer.Option("--units", "-u", help="units CSV with attributes (overrides the framework's)"),
]
#: ``--units`` in the short wording of the commands with a short ``--data`` help.
UnitsWithDataOption = Annotated[
    Path | None, typer.Option("--units", "-u", help="units CSV (with --data)")
]
#: ``--as-of``: the data as stored at a time (evaluate, monitor).
EvaluateAsOfOption = Annotated[str | None, typer.Option("--as-of", help=EVALUATE_AS_OF_HELP)]
#: ``--as-of`` of the commands that read stored values (export, values, ...).
AsOfOption = Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP, show_default=False)]
#: ``--as-of`` of compare and path.
StoredAsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="the data as stored at this time")
]
#: ``--values``: which stored values an evaluation reads.
ValuesOption = Annotated[
    str,
    typer.Option(
        "--values",
        help="approved (default): only reviewed values; all: the latest revision of each "
        "value, drafts and submitted values included 默认仅用已审核数值",
    ),
]
#: ``--group``: only the members of a unit group.
GroupOption = Annotated[
    str | None, typer.Option("--group", help="only the members of this unit group")
]
#: ``--group`` of compare and path: the peers (default: the framework's peer group).
PeerGroupOption = Annotated[str | None, typer.Option("--group", help=GROUP_HELP)]
#: ``--level``: compare at a unit level (towns).
LevelOption = Annotated[str | None, typer.Option("--level", help=LEVEL_HELP)]
#: ``--unit-type``: only the units of one type.
UnitTypeOption = Annotated[str | None, typer.Option("--unit-type", help="only units of this type")]
#: ``--year``: a year, by default the latest.
YearOption = Annotated[str | None, typer.Option("--year", help="year (default the latest) 年份")]
#: ``--out`` (required): the output folder.
OutOption = Annotated[Path, typer.Option("--out", "-o", help="output folder 输出目录")]
#: ``--out`` when the command can print without writing files.
OptionalOutOption = Annotated[
    Path | None, typer.Option("--out", "-o", help="output folder 输出目录")
]

#: The command-line spelling of a choice an error names (``EvaluationError.options``).
FLAGS = {
    "group": "--group GROUP",
    "unit_type": "--unit-type TYPE",
    "units": "--units U.csv",
    "unit": "--unit",
    "level": "--level",
}
