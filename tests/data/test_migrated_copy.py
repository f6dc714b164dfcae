"""The ``store`` fixture's copy of a migrated database (tests/migrated.py) is what a real
``alembic upgrade head`` gives: the same tables, columns, keys, indexes, constraints,
triggers, rows and revision, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, make_url, text

from qcity.data import migrate
from qcity.data.store import Store
from tests.conftest import _fresh_pg_schema


def _schema(engine: Engine) -> dict[str, Any]:
    """Everything a migration makes, read back from the database."""
    insp = inspect(engine)
    out: dict[str, Any] = {}
    for table in sorted(insp.get_table_names()):
        out[table] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                for c in insp.get_columns(table)
            ],
            "pk": insp.get_pk_constraint(table)["constrained_columns"],
            "fks": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
                for f in insp.get_foreign_keys(table)
            ),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in insp.get_indexes(table)
            ),
            "unique": sorted(
                (u["name"] or "", tuple(u["column_names"]))
                for u in insp.get_unique_constraints(table)
            ),
            "checks": sorted(c["sqltext"] for c in insp.get_check_constraints(table)),
        }
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            out["_triggers"] = conn.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
            ).all()
        else:
            out["_triggers"] = conn.execute(
                text(
                    "SELECT trigger_name, event_manipulation, event_object_table, "
                    "action_statement FROM information_schema.triggers "
                    "WHERE trigger_schema = current_schema() ORDER BY 1, 2"
                )
            ).all()
            out["_functions"] = conn.execute(
                text(
                    "SELECT p.proname, "
                    "replace(pg_get_functiondef(p.oid), current_schema() || '.', '') "
                    "FROM pg_proc p "
                    "JOIN pg_namespace n ON n.oid = p.pronamespace "
                    "WHERE n.nspname = current_schema() ORDER BY 1"
                )
            ).all()
        out["_rows"] = {
            table: sorted(
                map(tuple, conn.execute(text(f'SELECT * FROM "{table}"')).all()), key=repr
            )
            for table in insp.get_table_names()
        }
        out["_revision"] = migrate.current_revision(conn)
    return out


@contextmanager
def _migrated_for_real(db_url: str, tmp_path: Path) -> Iterator[Store]:
    """A second database of the same backend, migrated by alembic itself."""
    if make_url(db_url).get_backend_name() == "sqlite":
        url = f"sqlite:///{tmp_path / 'real.sqlite'}"
        with Store(url) as real:
            real.upgrade()
            yield real
        return
    database = make_url(db_url).set(query={}).render_as_string(hide_password=False)
    with contextmanager(_fresh_pg_schema)(database) as url, Store(url) as real:
        real.upgrade()
        yield real


def test_the_copy_equals_a_real_migration(store: Store, db_url: str, tmp_path: Path) -> None:
    with _migrated_for_real(db_url, tmp_path) as real:
        copied, migrated = _schema(store.engine), _schema(real.engine)
    assert copied["_revision"] == migrate.head_revision()
    assert len([t for t in copied if not t.startswith("_")]) >= 10
    assert copied == migrated


def test_the_copy_is_writable_and_its_own(store: Store, request: pytest.FixtureRequest) -> None:
    """Each test's copy is a database of its own: writing to it leaves the template alone."""
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
    assert store.schema_revision() is None
    other = request.getfixturevalue("migrated_sqlite_file")
    with Store(f"sqlite:///{other}") as template:
        assert template.schema_revision() == migrate.head_revision()
