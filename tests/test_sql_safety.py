"""SQL only with bound parameters: no ``text(...)``, ``exec_driver_sql(...)`` or
``execute("...")`` in src/ is given SQL built from an f-string with values, ``%``
formatting, ``.format()`` or ``+`` concatenation of anything but constants. A line that
builds SQL from a value qcity itself fixes (not input) says so with ``# sql-safe: why``.
A failure names file:line."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "qcity"
SQL_CALLS = {"text", "exec_driver_sql", "execute", "executescript", "copy"}
MARK = "# sql-safe:"
#: SQL built from names qcity fixes itself, never from input: (file, code) -> why.
REVIEWED = {
    (
        "qcity/data/engine.py",
        'conn.exec_driver_sql(f"BEGIN {mode}".strip())',
    ): "mode is the sqlite_begin execution option qcity sets (DEFERRED/IMMEDIATE)",
    (
        "qcity/data/observations.py",
        'conn.exec_driver_sql(f"INSERT INTO observations ({cols}) VALUES ({marks})", rows)',
    ): "column names of the schema and ? placeholders; values are bound",
    (
        "qcity/data/observations.py",
        'with cursor.copy(f"COPY observations ({cols}) FROM STDIN") as copy:',
    ): "column names of the schema; rows go through COPY's protocol, not the SQL",
}


def _built(node: ast.expr) -> bool:
    """True when ``node`` builds a string from non-constant parts."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        if isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
            return True  # "... %s" % value
        return not all(isinstance(n, ast.Constant) for n in (node.left, node.right)) and (
            _stringy(node.left) or _stringy(node.right)
        )
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "format":
            return True
        return _built(node.func.value)  # f"...".strip()
    return False


def _stringy(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)) or isinstance(
        node, ast.JoinedStr | ast.BinOp
    )


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def unsafe_sql(root: Path) -> list[str]:
    """``file:line: code`` of every SQL call built from non-constant text under ``root``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and _name(node.func) in SQL_CALLS and node.args):
                continue
            if not _built(node.args[0]):
                continue
            span = lines[node.lineno - 1 : (node.end_lineno or node.lineno)]
            rel = str(path.relative_to(root.parent))
            code = lines[node.lineno - 1].strip()
            if any(MARK in line for line in span) or (rel, code) in REVIEWED:
                continue
            found.append(f"{rel}:{node.lineno}: {code}")
    return found


def test_no_sql_is_built_from_values() -> None:
    bad = unsafe_sql(SRC)
    assert not bad, "SQL built from values (use bound parameters):\n" + "\n".join(bad)


def test_the_scanner_finds_what_it_should(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "bad.py").write_text(
        "from sqlalchemy import text\n"
        "def f(conn, name):\n"
        "    conn.execute(text(f\"SELECT * FROM t WHERE a = '{name}'\"))\n"
        "    conn.exec_driver_sql('DELETE FROM t WHERE a = %s' % name)\n"
        "    conn.execute(text('SELECT ' + name))\n"
        "    conn.execute(text('SELECT {}'.format(name)))\n"
        "    conn.execute(text('SELECT * FROM t WHERE a = :a'), {'a': name})\n"
        "    conn.exec_driver_sql('SELECT 1')\n"
        "    conn.execute(text('SELECT ' + 'constant'))\n",
        encoding="utf-8",
    )
    lines = sorted(b.split(":")[1] for b in unsafe_sql(pkg))
    assert lines == ["3", "4", "5", "6"]
