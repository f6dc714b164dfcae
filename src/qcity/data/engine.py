"""Database URL resolution and engine creation for SQLite and PostgreSQL.

The URL comes from the caller, else the environment variable ``QCITY_DATABASE_URL``,
else the SQLite file ``var/qcity.sqlite`` under the current directory. SQLite
connections get real transactions (``BEGIN`` is issued by us, so DDL and DML are
atomic), enforced foreign keys and a busy timeout. A malformed URL, an unsupported
database kind and (for readers) a missing SQLite file raise ``StoreError`` naming the URL.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # SQLAlchemy is imported when a database is used, not at CLI start-up
    from sqlalchemy import URL, Engine

#: Environment variable holding the database URL.
URL_ENV = "QCITY_DATABASE_URL"

#: SQLite file used when no URL is given, relative to the current directory.
DEFAULT_SQLITE_PATH = Path("var") / "qcity.sqlite"

#: Attribute set on SQLAlchemy errors of an engine made here: the URL, password hidden,
#: so that an error message can name the database.
URL_ATTRIBUTE = "qcity_url"

_EXAMPLES = "e.g. sqlite:///var/qcity.sqlite or postgresql+psycopg://user@host:5432/qcity"
_PASSWORD = re.compile(r"(://[^/@:]*:)[^/@]*@")


def resolve_url(url: str | None = None) -> str:
    """The database URL in force: ``url``, else ``$QCITY_DATABASE_URL``, else the SQLite
    file ``var/qcity.sqlite`` (nothing is created here; see ``make_engine``)."""
    if url:
        return url
    env = os.environ.get(URL_ENV, "").strip()
    if env:
        return env
    return f"sqlite:///{Path.cwd() / DEFAULT_SQLITE_PATH}"


def display_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs (also when malformed)."""
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError, TypeError):
        return _PASSWORD.sub(r"\1***@", str(url))


def parse_url(url: str) -> URL:
    """``url`` parsed; StoreError naming it when it is malformed or not SQLite/PostgreSQL.
    ``postgresql://`` and ``postgres://`` mean the psycopg (3) driver."""
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError, TypeError) as exc:
        raise _store_error(
            f"database URL {display_url(url)!r} is not valid ({exc}); write {_EXAMPLES} "
            f"(--db or ${URL_ENV})"
        ) from None
    backend = parsed.get_backend_name()
    if backend in {"postgres", "postgresql"} and parsed.drivername in {"postgres", "postgresql"}:
        return parsed.set(drivername="postgresql+psycopg")
    if backend not in {"sqlite", "postgresql"}:
        raise _store_error(
            f"database URL {display_url(url)!r}: qcity works with SQLite or PostgreSQL, not "
            f"{backend!r}; write {_EXAMPLES} (--db or ${URL_ENV})"
        )
    return parsed


def sqlite_file(parsed: URL) -> Path | None:
    """The file of a SQLite URL (as SQLite opens it), None for in-memory and URI forms."""
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in {"", ":memory:"}:
        return None
    if database.startswith("file:"):
        return None
    return Path(database)


def make_engine(url: str, *, create: bool = True) -> Engine:
    """An engine for ``url``. SQLite files get proper transactions and, with ``create``,
    their folder; without ``create`` (read-only commands) a missing SQLite file is a
    StoreError instead of a new empty database."""
    from sqlalchemy import create_engine

    parsed = parse_url(url)
    path = sqlite_file(parsed)
    if path is not None:
        if not create and not path.is_file():
            what = "is a folder, not a database" if path.is_dir() else "does not exist"
            raise _store_error(
                f"no database at {path} ({what}); build one with `qcity demo` or "
                f"`qcity db upgrade --db {display_url(url)}`"
            )
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"timeout": 30})
        _sqlite_transactions(engine)
    else:
        engine = create_engine(parsed, pool_pre_ping=True)
    _name_url_on_errors(engine, display_url(url))
    return engine


def _store_error(message: str) -> Exception:
    """A ``StoreError`` (imported here: ``qcity.data.tables`` loads pandas, which the
    CLI's start-up does not need)."""
    from qcity.data.tables import StoreError

    return StoreError(message)


def _name_url_on_errors(engine: Engine, shown: str) -> None:
    """Mark every database error of ``engine`` (connecting included) with its URL."""
    from sqlalchemy import event

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> None:
        setattr(context.sqlalchemy_exception, URL_ATTRIBUTE, shown)


def _sqlite_transactions(engine: Engine) -> None:
    """Let SQLAlchemy, not the sqlite3 driver, open transactions, so that every write
    (DDL included) is atomic; ``execution_options(sqlite_begin="IMMEDIATE")`` takes the
    write lock up front (see the SQLAlchemy SQLite dialect notes on serializable isolation)."""
    from sqlalchemy import event

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
