"""Migrations: run on an empty database (both backends) and match the ORM schema."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

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
        "unit_revisions",
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


def test_0002_starts_the_history_of_units_already_stored(db_url: str) -> None:
    s = Store(db_url)
    migrate.upgrade(s.engine, "0001")
    first_import = datetime(2024, 3, 1, 8, 30, 0, 123456)  # naive UTC, as stored
    with s.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO units (code, name_zh, name_en, type, parent_code, attributes) "
                "VALUES ('LY', '溧阳市', 'Liyang', 'city', NULL, '{\"region\": \"苏南\"}'), "
                "('TMH', '天目湖镇', 'Tianmuhu', 'town', 'LY', '{}')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO import_batches (format, rows, added, revised, unchanged, "
                "entered_by, created_at) VALUES ('csv', 0, 0, 0, 0, 'a', :t)"
            ),
            {"t": first_import},
        )
    migrate.upgrade(s.engine, "0002")
    hist = s.unit_history("LY")
    assert hist["revision"].tolist() == [1]
    assert hist["recorded_at"].iloc[0] == first_import.replace(tzinfo=UTC)
    assert hist["entered_by"].iloc[0] == "qcity db upgrade (0002)"
    assert hist["attributes"].iloc[0] == {"region": "苏南"}
    assert s.unit_history("TMH")["parent_code"].tolist() == ["LY"]
    # downgrading drops the history, not the units
    cfg = migrate.alembic_config()
    with s.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    assert "unit_revisions" not in inspect(s.engine).get_table_names()
    with s.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM units")).scalar_one() == 2
    # upgraded again (to the newest schema, which the store's writes need), the history
    # starts again and the next change of a unit continues it
    s.upgrade()
    s.add_units(s.units().assign(name_en=["Liyang City", "Tianmuhu"]), entered_by="b")
    assert s.unit_history("LY")["revision"].tolist() == [1, 2]
    assert s.unit_history("LY")["name_en"].tolist() == ["Liyang", "Liyang City"]
    s.close()
