"""No input makes any command print a Python traceback: every command listed by
``qcity --help`` (read at test time, so new commands are covered) is run with no
arguments, missing and malformed files, bad ``--db`` URLs and empty databases. Each
failure exits non-zero with a short message naming the file or setting; a read-only
command never creates a database file.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner, Result

from qcity import errors
from qcity.cli import app
from qcity.cli.app import QcityGroup, QcityTyper
from qcity.data.engine import make_engine
from qcity.data.tables import StoreError
from qcity.service.errors import DEBUG_ENV, LOG_ENV, explain

LIYANG = Path(__file__).resolve().parents[2] / "frameworks" / "liyang.yaml"
ROBUST_SPEC = Path(__file__).resolve().parents[2] / "examples" / "asem" / "robust.yaml"
BULLETIN = Path(__file__).resolve().parents[2] / "examples" / "bulletin" / "liyang-2023.txt"
runner = CliRunner()
#: Wide output so that Rich never folds a file name across lines; no default database.
ENV: dict[str, str | None] = {"COLUMNS": "250", "QCITY_DATABASE_URL": None, DEBUG_ENV: None}


def _commands(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every leaf command of the CLI as (path, command)."""
    for name, cmd in sorted(group.commands.items()):
        if getattr(cmd, "commands", None):
            yield from _commands(cmd, (*path, name))
        else:
            yield (*path, name), cmd


COMMANDS = dict(_commands(get_command(app)))
NAMES = [" ".join(p) for p in COMMANDS]

#: Commands that only read the store: they must never create a database file.
READ_ONLY = {
    "db batches",
    "history",
    "unit-history",
    "export",
    "runs list",
    "runs show",
    "runs export",
    "audit",
    "import-bulletin",  # writes only with --accept, and never creates a database
    "user list",
    "token list",
    "values list",
    "audit-log list",
    "audit-log export",
}
#: Slow writers left out of the "no arguments" run (they would build a whole database).
SLOW = {"demo"}
#: Parameters that name an input file (the others are outputs or plain values).
INPUT_FILES = {"file", "matrix", "framework", "data", "units", "targets", "spec"}
#: Commands that migrate a database without tables themselves (restore reads its
#: backup file first: with the ``data.csv`` of ``Inputs`` it names that file).
MIGRATES_ITSELF = {"restore"}
#: Options that only work together with another one.
COMPANIONS = {"units": "data"}


def _params(name: str) -> list[Any]:
    return list(COMMANDS[tuple(name.split())].params)


def _has_db(name: str) -> bool:
    return any(p.name == "db" for p in _params(name))


def _required(name: str) -> list[Any]:
    return [p for p in _params(name) if p.required]


@dataclass
class Inputs:
    """Valid input files for every kind of parameter, in ``root``."""

    root: Path

    def write(self) -> Inputs:
        (self.root / "units.csv").write_text(
            "code,name_zh,name_en,type,parent_code\nLY,溧阳市,Liyang,city,\n"
            "JT,金坛区,Jintan,city,\n",
            encoding="utf-8",
        )
        (self.root / "groups.csv").write_text(
            "group,name_zh,name_en,unit\nsunan,苏南,Sunan,LY\nsunan,苏南,Sunan,JT\n",
            encoding="utf-8",
        )
        (self.root / "data.csv").write_text(
            "unit,indicator,period,value\nLY,EC01,2024,150000\nJT,EC01,2024,160000\n",
            encoding="utf-8",
        )
        (self.root / "ahp.csv").write_text(",A,B\nA,1,3\nB,1/3,1\n", encoding="utf-8")
        (self.root / "targets.csv").write_text(
            "indicator,kind,year,value,source\nEC01,level,2030,200000,plan\n", encoding="utf-8"
        )
        return self

    def value(self, command: str, param: str) -> str:
        """A valid value of ``param`` of ``command``."""
        files = {
            "framework": str(LIYANG),
            "matrix": str(self.root / "ahp.csv"),
            "data": str(self.root / "data.csv"),
            "units": str(self.root / "units.csv"),
            "targets": str(self.root / "targets.csv"),
            "spec": str(ROBUST_SPEC),
        }
        if param == "file":
            return {
                "validate": str(LIYANG),
                "show": str(LIYANG),
                "import-units": str(self.root / "units.csv"),
                "import-groups": str(self.root / "groups.csv"),
                "import-bulletin": str(BULLETIN),
            }.get(command, str(self.root / "data.csv"))
        if param == "out":
            csv_out = command in ("export", "audit-log export")
            return str(self.root / ("out.csv" if csv_out else "out"))
        plain = {"unit": "LY", "indicator": "EC01", "period": "2024", "code": "LY", "year": "2024"}
        return files.get(param) or plain.get(param, "1")


def argv(command: str, inputs: Inputs, db: str | None, **override: str) -> list[str]:
    """``command`` with every required parameter (and ``--out``) valid, or as in
    ``override``, and ``--db`` when given."""
    args = command.split()
    wanted = set(override) | {COMPANIONS[k] for k in override if k in COMPANIONS}
    for p in _params(command):
        if p.name == "db":
            continue
        if not (p.required or p.name in wanted or p.name == "out"):
            continue
        value = override.get(p.name) or inputs.value(command, p.name)
        args += [value] if p.param_type_name == "argument" else [p.opts[0], value]
    if db is not None and _has_db(command):
        args += ["--db", db]
    return args


def run(args: list[str]) -> Result:
    """Run the CLI as the ``qcity`` entry point does and check that nothing escaped."""
    res = runner.invoke(app, args, env=ENV)
    assert res.exception is None or isinstance(res.exception, SystemExit), (
        f"qcity {' '.join(args)} raised {res.exception!r}\n{res.output}"
    )
    assert "Traceback" not in res.output, res.output
    assert "internal error" not in res.output, res.output
    return res


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture
def inputs(tmp_path: Path) -> Inputs:
    return Inputs(tmp_path).write()


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite store holding the two units of ``Inputs`` (built once)."""
    root = tmp_path_factory.mktemp("template")
    path = root / "ready.sqlite"
    assert run(["db", "upgrade", "--db", sqlite_url(path)]).exit_code == 0
    units = Inputs(root).write().root / "units.csv"
    res = run(["import-units", str(units), "--db", sqlite_url(path)])
    assert res.exit_code == 0, res.output
    return path


@pytest.fixture
def ready_db(template_db: Path, tmp_path: Path) -> str:
    """A copy of ``template_db`` for one test."""
    path = tmp_path / "ready.sqlite"
    shutil.copyfile(template_db, path)
    return sqlite_url(path)


def test_every_command_is_covered() -> None:
    """The table of commands is read from the app, and holds the commands of the brief."""
    for name in ["validate", "show", "import", "export", "db upgrade", "evaluate", "ahp"]:
        assert name in NAMES
    assert len(NAMES) >= 13


# -- no arguments --------------------------------------------------------------------------


@pytest.mark.parametrize("command", [n for n in NAMES if n not in SLOW])
def test_no_arguments(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Missing required arguments: Typer's usage message. No required arguments: the
    command runs on the default database (var/qcity.sqlite), which a reader must not
    create. (``SLOW`` commands build a whole database with no arguments: not run here.)"""
    monkeypatch.chdir(tmp_path)
    res = run(command.split())
    default = tmp_path / "var" / "qcity.sqlite"
    if _required(command):
        assert res.exit_code == 2
        assert "Missing" in res.output
    elif command in READ_ONLY:
        assert res.exit_code != 0
        assert "no database" in res.output and "qcity.sqlite" in res.output
    if command in READ_ONLY:
        assert not default.exists(), f"{command} created {default}"


# -- missing and malformed files -------------------------------------------------------------

FILE_PARAMS = [
    (name, p.name)
    for name in NAMES
    for p in _params(name)
    if p.name in INPUT_FILES and name not in SLOW
]


@pytest.mark.parametrize(("command", "param"), FILE_PARAMS)
def test_missing_file_is_named(command: str, param: str, inputs: Inputs, ready_db: str) -> None:
    res = run(argv(command, inputs, ready_db, **{param: str(inputs.root / "missing-input.x")}))
    assert res.exit_code != 0, res.output
    assert "missing-input.x" in res.output


def _bad_files(root: Path) -> dict[str, Path]:
    """Files no command can read: empty, binary, a folder, UTF-16 text, a fake workbook."""
    bad = {
        "empty.csv": b"",
        "binary.csv": bytes(range(256)) * 4,
        "utf16.csv": "unit,indicator\n溧阳,EC01\n".encode("utf-16"),
        "fake.xlsx": b"PK\x03\x04 this is not a workbook",
        "empty.yaml": b"",
        "binary.yaml": bytes(range(256)) * 4,
        "list.yaml": b"- a\n- b\n",
    }
    out = {}
    for name, raw in bad.items():
        (root / name).write_bytes(raw)
        out[name] = root / name
    (root / "folder.csv").mkdir()
    out["folder.csv"] = root / "folder.csv"
    return out


#: Bad files for every input; the YAML ones go to framework inputs only.
BAD_TABLES = ["empty.csv", "binary.csv", "utf16.csv", "fake.xlsx", "folder.csv"]
BAD_YAML = ["empty.yaml", "binary.yaml", "list.yaml", "folder.csv", "fake.xlsx"]


def _is_framework(command: str, param: str) -> bool:
    return param in ("framework", "spec") or (param == "file" and command in {"validate", "show"})


BAD_FILE_CASES = [
    (command, param, bad)
    for command, param in FILE_PARAMS
    for bad in (BAD_YAML if _is_framework(command, param) else BAD_TABLES)
]


@pytest.mark.parametrize(("command", "param", "bad"), BAD_FILE_CASES)
def test_unreadable_file_is_named(
    command: str, param: str, bad: str, inputs: Inputs, ready_db: str
) -> None:
    path = _bad_files(inputs.root)[bad]
    res = run(argv(command, inputs, ready_db, **{param: str(path)}))
    assert res.exit_code != 0, res.output
    assert bad in res.output


# -- bad database URLs -----------------------------------------------------------------------

DB_COMMANDS = [n for n in NAMES if _has_db(n)]


def _bad_urls(root: Path) -> list[tuple[str, str]]:
    """(URL, text the message must show) for URLs no command can use."""
    (root / "garbage.sqlite").write_bytes(b"this is not a database" * 100)
    (root / "afile.txt").write_text("x", encoding="utf-8")
    return [
        ("not a url", "not a url"),
        ("mysql://user@host/qcity", "mysql"),
        ("postgresql+psycopg://qcity:s3cret@127.0.0.1:1/qcity", "127.0.0.1"),
        (sqlite_url(root / "garbage.sqlite"), "garbage.sqlite"),
        (sqlite_url(root / "afile.txt" / "sub" / "x.sqlite"), "afile.txt"),
    ]


@pytest.mark.parametrize("command", DB_COMMANDS)
@pytest.mark.parametrize("which", range(5))
def test_bad_db_url_is_named(command: str, which: int, inputs: Inputs) -> None:
    url, shown = _bad_urls(inputs.root)[which]
    res = run(argv(command, inputs, url))
    assert res.exit_code != 0, res.output
    assert shown in res.output
    assert "s3cret" not in res.output, "the password must never be printed"


# -- empty databases -------------------------------------------------------------------------


@pytest.mark.parametrize("command", [n for n in DB_COMMANDS if n in READ_ONLY])
def test_reader_on_a_missing_sqlite_file_creates_nothing(command: str, inputs: Inputs) -> None:
    path = inputs.root / "sub" / "none.sqlite"
    res = run(argv(command, inputs, sqlite_url(path)))
    assert res.exit_code != 0
    assert "no database" in res.output and "none.sqlite" in res.output
    assert not path.exists() and not path.parent.exists()


@pytest.mark.parametrize("command", [n for n in DB_COMMANDS if n not in SLOW])
def test_database_without_tables(command: str, db_url: str, inputs: Inputs) -> None:
    """An existing database without the qcity tables (an empty SQLite file, an empty
    PostgreSQL schema): every command but ``db upgrade`` says to run ``db upgrade``."""
    if db_url.startswith("sqlite:///"):
        sqlite3.connect(db_url.removeprefix("sqlite:///")).close()  # a 0-byte database
    res = run(argv(command, inputs, db_url))
    if command == "db upgrade":
        assert res.exit_code == 0, res.output
    elif command in MIGRATES_ITSELF:
        assert res.exit_code != 0 and "data.csv" in res.output, res.output
    else:
        assert res.exit_code != 0, res.output
        assert "db upgrade" in res.output


@pytest.mark.parametrize("command", [n for n in DB_COMMANDS if n not in SLOW])
def test_migrated_database_without_data(command: str, inputs: Inputs, tmp_path: Path) -> None:
    """Tables but no rows: a message or an empty listing, never a traceback."""
    url = sqlite_url(tmp_path / "blank.sqlite")
    assert run(["db", "upgrade", "--db", url]).exit_code == 0
    res = run(argv(command, inputs, url))
    assert res.exit_code in {0, 1}, res.output
    if res.exit_code:
        assert res.output.strip()


# -- the engine behind --db -------------------------------------------------------------------


def test_reading_engine_never_creates_a_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "none.sqlite"
    with pytest.raises(StoreError, match=r"no database at .*none\.sqlite.*qcity db upgrade"):
        make_engine(sqlite_url(path), create=False)
    assert not path.parent.exists()
    make_engine(sqlite_url(path)).dispose()  # a writer gets the folder made for its file
    assert path.parent.is_dir()


def test_reading_engine_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        make_engine(sqlite_url(tmp_path), create=False)


@pytest.mark.parametrize(
    ("url", "match"),
    [
        ("not a url", "is not valid"),
        ("postgresql://u:s3cret@h:notaport/db", "is not valid"),
        ("mysql://u@h/db", "not 'mysql'"),
        ("", "is not valid"),
    ],
)
def test_malformed_urls_name_the_url_without_its_password(url: str, match: str) -> None:
    with pytest.raises(StoreError, match=match) as info:
        make_engine(url)
    assert "s3cret" not in str(info.value)
    assert "--db" in str(info.value)


def test_plain_postgresql_url_means_psycopg() -> None:
    engine = make_engine("postgresql://u@127.0.0.1:1/db")
    assert engine.dialect.driver == "psycopg"
    engine.dispose()


def test_database_errors_carry_the_url(tmp_path: Path) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database" * 100)
    engine = make_engine(sqlite_url(garbage), create=False)
    with pytest.raises(DatabaseError) as info, engine.connect() as conn:
        conn.execute(text("SELECT * FROM units"))
    engine.dispose()
    message = explain(info.value).message
    assert "garbage.sqlite" in message and "not a SQLite database" in message


# -- the handler itself ----------------------------------------------------------------------

probe = QcityTyper(name="probe", add_completion=False)


@probe.command("raise")
def _raise(kind: str) -> None:
    """Raise the exception named ``kind``."""
    from sqlalchemy.exc import ArgumentError

    from qcity.data.tables import StoreError

    errors: dict[str, BaseException | None] = {
        "store": StoreError("unit 'XX' is not in the store; import it first"),
        "value": None,  # a plain ValueError raised by qcity code, below
        "lookup": KeyError("EC99"),
        "bug": ZeroDivisionError("division by zero"),
        "interrupt": KeyboardInterrupt(),
        "url": ArgumentError("Could not parse SQLAlchemy URL from given URL string"),
        "psycopg": ModuleNotFoundError("No module named 'psycopg'", name="psycopg"),
        "missing": FileNotFoundError(2, "No such file or directory", "gone.csv"),
        "denied": PermissionError(13, "Permission denied", "locked.csv"),
        "decode": UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
    }
    if kind == "selection":
        from qcity.engine.errors import EvaluationError

        raise EvaluationError("only one unit has data; evaluate it with its peers (a group)",
                              options=("group", "unit_type"))  # fmt: skip
    if kind == "value":
        from qcity.methods.ahp import parse_judgement

        parse_judgement("abc")
    raise errors[kind]  # type: ignore[misc]


@probe.command("fine")
def _fine() -> None:
    """Succeed."""
    typer.echo("fine")


@pytest.mark.parametrize(
    ("kind", "code", "text"),
    [
        ("store", 1, "error 错误: unit 'XX' is not in the store"),
        ("selection", 1, "(a group) (--group GROUP, --unit-type TYPE)"),
        ("value", 1, "error 错误: not a number or fraction such as 3 or 1/9: 'abc'"),
        ("lookup", 70, "内部错误"),
        ("bug", 70, "— please report it with this id"),
        ("interrupt", 130, "interrupted"),
        ("url", 1, "database URL is not valid"),
        ("psycopg", 1, "PostgreSQL needs psycopg"),
        ("missing", 1, "file not found: gone.csv"),
        ("denied", 1, "permission denied: locked.csv"),
        ("decode", 1, "save it as UTF-8"),
    ],
)
def test_handler_maps_each_kind_of_failure(kind: str, code: int, text: str) -> None:
    res = runner.invoke(probe, ["raise", kind], env=ENV)
    assert res.exit_code == code
    assert text in res.stderr
    assert "Traceback" not in res.output
    assert len(res.stderr.strip().splitlines()) == 1, "one line, no traceback"


def test_value_error_from_a_library_is_internal() -> None:
    """A plain ValueError not raised by qcity's own code is a bug, not bad input."""
    import numpy as np

    with pytest.raises(ValueError) as info:
        np.zeros(2).reshape(3)
    failure = explain(info.value)
    assert failure.internal and failure.exit_code == 70 and failure.http_status == 500


def test_a_plain_value_error_of_qcity_code_is_internal_too() -> None:
    """No guessing from the module an exception came from: only the kinds of
    ``qcity.errors`` are the user's errors."""

    def qcity_code() -> None:
        raise ValueError("a sentence that looks like a message")

    with pytest.raises(ValueError) as info:
        qcity_code()
    failure = explain(info.value)
    assert failure.internal and failure.exit_code == 70


@pytest.mark.parametrize("kind", errors.KINDS, ids=[k.__name__ for k in errors.KINDS])
def test_each_kind_gives_its_exit_code_status_and_hint(kind: type[errors.QcityError]) -> None:
    failure = explain(kind("unit 'XX' is not in the store", "import it first"))
    assert not failure.internal
    assert (failure.exit_code, failure.http_status) == (kind.exit_code, kind.http_status)
    assert failure.message == "unit 'XX' is not in the store; import it first"


def test_an_internal_error_is_logged_with_its_id_and_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "state" / "errors.log"
    monkeypatch.setenv(LOG_ENV, str(log))
    res = runner.invoke(probe, ["raise", "bug"], env={**ENV, LOG_ENV: str(log)})
    assert res.exit_code == 70
    found = re.search(r"internal error ([0-9a-f]{12}) / 内部错误 \1", res.stderr)
    assert found, res.stderr
    assert "ZeroDivisionError" not in res.stderr and "Traceback" not in res.stderr
    text = log.read_text(encoding="utf-8")
    assert f"internal error {found.group(1)}: ZeroDivisionError: division by zero" in text
    assert "Traceback (most recent call last)" in text and "_raise" in text


def test_an_error_log_that_cannot_be_written_is_no_second_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(LOG_ENV, str(blocker / "errors.log"))  # its folder is a file
    failure = explain(ZeroDivisionError("division by zero"))
    assert failure.internal and failure.error_id and failure.error_id in failure.message


def test_interrupt_of_a_read_only_command_says_nothing_was_written() -> None:
    assert "nothing was written" in explain(KeyboardInterrupt(), nothing_written=True).message
    assert "nothing was written" not in explain(KeyboardInterrupt()).message


def test_debug_re_raises_for_the_traceback() -> None:
    res = runner.invoke(probe, ["raise", "bug"], env={**ENV, DEBUG_ENV: "1"})
    assert isinstance(res.exception, ZeroDivisionError)


def test_exit_codes_and_usage_errors_pass_through() -> None:
    assert runner.invoke(probe, ["fine"], env=ENV).stdout == "fine\n"
    res = runner.invoke(probe, ["raise"], env=ENV)  # missing argument: Typer's usage error
    assert res.exit_code == 2 and "Missing argument" in res.output


def test_the_entry_point_app_has_the_handler_and_no_pretty_tracebacks() -> None:
    assert isinstance(app, QcityTyper)
    assert isinstance(get_command(app), QcityGroup)
    assert app.pretty_exceptions_enable is False
    assert app.pretty_exceptions_show_locals is False


def test_entry_point_catches_what_escapes_outside_a_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``app(...)`` (the console script) reports an error raised while building the
    command, where the group's handler cannot see it."""

    def broken(_: Any) -> Any:
        raise RuntimeError("cannot build the command")

    monkeypatch.setattr(typer.main, "get_command", broken)
    monkeypatch.delenv(DEBUG_ENV, raising=False)
    with pytest.raises(SystemExit) as info:
        probe(["fine"])
    assert info.value.code == 70
    assert "internal error " in capsys.readouterr().err


def test_the_real_script_prints_no_traceback(tmp_path: Path) -> None:
    """End to end through the installed ``qcity`` script: a malformed framework."""
    import subprocess
    import sys

    bad = tmp_path / "bad.yaml"
    bad.write_text("a: !!int xx\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != DEBUG_ENV}
    proc = subprocess.run(
        [sys.executable, "-c", "from qcity.cli import app; app()", "show", str(bad)],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "250"},
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "bad.yaml" in proc.stdout + proc.stderr
