"""The demo copied into a test's own database instead of built there again.

``build_demo(store, default_framework_path(), DEFAULT_SEED)`` costs about a second of CPU
(seconds on a busy machine) and some 40 tests need the demo. The session builds it once
per backend (``demo_sqlite`` and ``demo_pg_url`` in tests/conftest.py) and ``copy_demo``
puts the same rows into a test's database, migrated and empty: one ``INSERT … SELECT`` per
table inside the database server (SQLite: from the session's file, ATTACHed; PostgreSQL:
from the schema of the session's database the demo was built in), parents before children
(``Base.metadata.sorted_tables``), in one transaction; PostgreSQL's sequences are then set
where the demo's stand. Every row is what ``build_demo`` stored on that backend — ids,
timestamps, the audit log's hash chain — so a test sees what it would have built itself,
only with the timestamps of the session's start.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import create_engine, make_url, text

from qcity.data.schema import Base


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _inserts(source: str, target: str) -> list[str]:
    """``INSERT INTO target.t (columns) SELECT columns FROM source.t`` for every table of the
    schema, parents first."""
    out = []
    for table in Base.metadata.sorted_tables:
        cols = ", ".join(_quoted(c.name) for c in table.columns)
        name = _quoted(table.name)
        out.append(f"INSERT INTO {target}.{name} ({cols}) SELECT {cols} FROM {source}.{name}")
    return out


def _copy_sqlite(source_file: str, target_file: str) -> None:
    conn = sqlite3.connect(target_file)
    try:
        conn.execute("ATTACH DATABASE ? AS demo", (source_file,))
        with conn:  # one transaction: committed, or nothing copied
            for insert in _inserts("demo", "main"):
                conn.execute(insert)
        conn.execute("DETACH DATABASE demo")
    finally:
        conn.close()


def _copy_postgres(source_url: str, target_url: str) -> None:
    """Both URLs name a schema of the same database (``search_path`` in the URL)."""
    source_engine = create_engine(source_url)
    try:
        with source_engine.connect() as conn:
            source = str(conn.execute(text("SELECT current_schema()")).scalar_one())
    finally:
        source_engine.dispose()
    engine = create_engine(target_url)
    try:
        with engine.begin() as conn:
            target = str(conn.execute(text("SELECT current_schema()")).scalar_one())
            for insert in _inserts(_quoted(source), _quoted(target)):
                conn.execute(text(insert))
            sequences = conn.execute(
                text(
                    "SELECT sequencename, last_value FROM pg_sequences "
                    "WHERE schemaname = :schema AND last_value IS NOT NULL"
                ),
                {"schema": source},
            ).all()
            for name, last in sequences:
                conn.execute(
                    text("SELECT setval(:seq, :last)"),
                    {"seq": f"{_quoted(target)}.{_quoted(name)}", "last": last},
                )
    finally:
        engine.dispose()


def clone_demo(source_url: str, target_url: str) -> None:
    """Copy the demo database at ``source_url`` into the migrated, empty database at
    ``target_url`` (both SQLite files, or both schemas of one PostgreSQL database)."""
    source, target = make_url(source_url), make_url(target_url)
    if target.get_backend_name() == "sqlite":
        assert source.get_backend_name() == "sqlite" and source.database and target.database
        _copy_sqlite(source.database, target.database)
    else:
        assert source.database == target.database, "the demo's schema is in another database"
        _copy_postgres(source_url, target_url)
