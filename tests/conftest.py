"""Database fixtures shared by all tests: ``db_url`` (SQLite and PostgreSQL) and ``store``.

PostgreSQL tests run against the server at ``QCITY_TEST_PG_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``, trust authentication). The test
session creates a fresh database ``qcity_test_<hex>`` (dropped at the end, its sessions
terminated first) and each test gets an empty schema of its own in it, selected through
``search_path`` in the URL: as empty as a new database, without the half second that
``CREATE DATABASE`` costs per test. If the server is not reachable the PostgreSQL tests
FAIL with a clear message (they are never skipped): ``make test`` starts it.

``asem``: COINr's ASEM example evaluated, once per test module that asks for it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from qcity.data.store import Store
from qcity.engine import Evaluation
from tests.helpers import asem_evaluation

PG_URL_ENV = "QCITY_TEST_PG_URL"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def pg_admin_url() -> str:
    """URL of the PostgreSQL server's maintenance database used to create test databases."""
    return os.environ.get(PG_URL_ENV) or DEFAULT_PG_URL


def _terminate(conn: Connection, database: str) -> None:
    """End every other session on ``database`` (e.g. of a killed client) so it can be dropped."""
    conn.execute(
        text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = :name AND pid <> pg_backend_pid()"
        ),
        {"name": database},
    )


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """URL of a fresh database ``qcity_test_<hex>`` for this test session, dropped at the
    end; the test fails with a clear message if the server is not reachable."""
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
            _terminate(conn, name)
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _fresh_pg_schema(database_url: str) -> Iterator[str]:
    """Create an empty schema in the session database and yield a URL whose
    ``search_path`` is that schema; drop it afterwards."""
    schema = f"t_{secrets.token_hex(6)}"
    # pre-ping: another schema's teardown may have ended this pool's idle connection
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(database_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            _terminate(conn, url.database or "")
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database: a SQLite file in ``tmp_path``, or an empty schema of the
    session's fresh PostgreSQL database (``search_path`` set in the URL)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'qcity.sqlite'}"
    else:
        yield from _fresh_pg_schema(request.getfixturevalue("pg_database_url"))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A ``Store`` on ``db_url`` with the schema migrated to the newest revision."""
    s = Store(db_url)
    s.upgrade()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="module")
def asem() -> Evaluation:
    """COINr's ASEM example evaluated with its framework's pipeline (``asem_evaluation``)."""
    return asem_evaluation()
