"""Database fixtures shared by all tests: ``db_url`` (SQLite and PostgreSQL) and ``store``.

PostgreSQL tests run against the server at ``QCITY_TEST_PG_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``, trust authentication); each test
gets a fresh database ``qcity_test_<hex>`` that is dropped afterwards. If the server is
not reachable the PostgreSQL tests FAIL (they are never skipped): ``make test`` starts it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from qcity.data.store import Store

PG_URL_ENV = "QCITY_TEST_PG_URL"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def pg_admin_url() -> str:
    """URL of the PostgreSQL server's maintenance database used to create test databases."""
    return os.environ.get(PG_URL_ENV) or DEFAULT_PG_URL


def _fresh_pg_database() -> Iterator[str]:
    """Create ``qcity_test_<hex>``, yield its URL, then terminate its sessions and drop it."""
    admin_url = pg_admin_url()
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"qcity_test_{secrets.token_hex(6)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.fail(
            f"PostgreSQL server at {make_url(admin_url).render_as_string(hide_password=True)} "
            f"is not reachable ({exc.orig}); start it (`make test` does) or point "
            f"{PG_URL_ENV} at a server where the user may create databases",
            pytrace=False,
        )
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database: a SQLite file in ``tmp_path``, or a fresh PostgreSQL
    database on the test server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'qcity.sqlite'}"
    else:
        yield from _fresh_pg_database()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A ``Store`` on ``db_url`` with the schema migrated to the newest revision."""
    s = Store(db_url)
    s.upgrade()
    try:
        yield s
    finally:
        s.close()
