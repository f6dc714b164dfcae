"""Migrations: run on an empty database (both backends) and match the ORM schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from qcity.data import migrate
from qcity.data.schema import Base
from qcity.data.store import Store


def test_upgrade_empty_database_creates_every_table(db_url: str) -> None:
    s = Store(db_url)
    s.upgrade()
    tables = set(inspect(s.engine).get_table_names())
    assert {
        "units",
        "groups",
        "group_members",
        "frameworks",
        "import_batches",
        "observations",
        "alembic_version",
    } <= tables
    assert s.schema_revision() == migrate.head_revision()
    s.upgrade()  # a second upgrade is a no-op
    assert s.schema_revision() == migrate.head_revision()
    s.close()


def test_migrated_schema_matches_orm(db_url: str) -> None:
    s = Store(db_url)
    s.upgrade()
    with s.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    s.close()
    assert diff == []


def test_observation_indexes_exist(db_url: str) -> None:
    s = Store(db_url)
    s.upgrade()
    insp = inspect(s.engine)
    names = {ix["name"] for ix in insp.get_indexes("observations")}
    uniques = {tuple(u["column_names"]) for u in insp.get_unique_constraints("observations")}
    s.close()
    assert {"ix_observations_indicator_period", "ix_observations_recorded_at"} <= names
    assert ("unit_code", "indicator_code", "period", "revision") in uniques
