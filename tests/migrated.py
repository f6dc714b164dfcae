"""A database at the newest schema in a millisecond instead of a migration per test.

``alembic upgrade head`` costs 0.2 s on SQLite and 0.3-0.4 s on PostgreSQL, and about 470
tests start from a migrated store. The test session migrates once per backend and each
test gets a copy: on SQLite the migrated file copied with SQLite's backup API, on
PostgreSQL every statement the migration sent, recorded once (``record_migration``) and
sent again to the test's empty schema (``replay``). ``tests/data/test_migrated_copy.py``
checks that a copy has the very schema and revision a real migration gives; the
migration tests themselves still migrate.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, make_url

from qcity.data.store import Store


@dataclass(frozen=True)
class Statement:
    """One statement the migration sent to the database driver, with its parameters."""

    sql: str
    parameters: Any
    many: bool


def record_migration(url: str) -> list[Statement]:
    """Migrate the empty database at ``url`` to the newest revision and return every
    statement it sent, in order."""
    sent: list[Statement] = []
    store = Store(url)

    def keep(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        sent.append(Statement(sql, params, many))

    event.listen(store.engine, "before_cursor_execute", keep)
    try:
        store.upgrade()
    finally:
        event.remove(store.engine, "before_cursor_execute", keep)
        store.close()
    return sent


def replay(url: str, statements: list[Statement]) -> None:
    """Send ``statements`` to the empty database at ``url`` in one transaction."""
    store = Store(url)
    try:
        with store.engine.begin() as conn:
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            for st in statements:
                if st.many:
                    cursor.executemany(st.sql, st.parameters)
                else:  # empty parameters too: the driver then reads "%%" as "%"
                    cursor.execute(st.sql, st.parameters)
    finally:
        store.close()


def migrated_sqlite(path: Path) -> None:
    """Migrate a new SQLite file at ``path`` (the session's template)."""
    with Store(f"sqlite:///{path}") as store:
        store.upgrade()


def copy_sqlite(template: Path, url: str) -> None:
    """Copy the migrated SQLite ``template`` to the file of ``url`` (SQLite's backup API:
    a consistent copy whatever its journal holds)."""
    target = make_url(url).database
    assert target, url
    with sqlite3.connect(template) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
