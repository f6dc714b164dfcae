"""Database URL resolution and engine creation for SQLite and PostgreSQL.

The URL comes from the caller, else the environment variable ``QCITY_DATABASE_URL``,
else the SQLite file ``var/qcity.sqlite`` under the current directory. SQLite
connections get real transactions (``BEGIN`` is issued by us, so DDL and DML are
atomic), enforced foreign keys and a busy timeout.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url

#: Environment variable holding the database URL.
URL_ENV = "QCITY_DATABASE_URL"

#: SQLite file used when no URL is given, relative to the current directory.
DEFAULT_SQLITE_PATH = Path("var") / "qcity.sqlite"


def resolve_url(url: str | None = None) -> str:
    """The database URL in force: ``url``, else ``$QCITY_DATABASE_URL``, else the SQLite
    file ``var/qcity.sqlite`` (its folder is created)."""
    if url:
        return url
    env = os.environ.get(URL_ENV, "").strip()
    if env:
        return env
    path = Path.cwd() / DEFAULT_SQLITE_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def display_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get their folder created and proper transactions."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    database = parsed.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})
    _sqlite_transactions(engine)
    return engine


def _sqlite_transactions(engine: Engine) -> None:
    """Let SQLAlchemy, not the sqlite3 driver, open transactions, so that every write
    (DDL included) is atomic; ``execution_options(sqlite_begin="IMMEDIATE")`` takes the
    write lock up front (see the SQLAlchemy SQLite dialect notes on serializable isolation)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())
