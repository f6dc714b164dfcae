"""Database fixtures shared by all tests: ``db_url`` (SQLite and PostgreSQL) and ``store``.

PostgreSQL tests run against the server at ``QCITY_TEST_PG_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``, trust authentication). The test
session creates a fresh database ``qcity_test_<hex>`` (dropped at the end, its sessions
terminated first) and each test gets an empty schema of its own in it, selected through
``search_path`` in the URL: as empty as a new database, without the half second that
``CREATE DATABASE`` costs per test. If the server is not reachable the PostgreSQL tests
FAIL with a clear message (they are never skipped): ``make test`` starts it.

``asem``: COINr's ASEM example evaluated, once per test module that asks for it.

``demo_cache``: ``qcity demo`` run once per test session (the docs pages get copies of it).

``demo_db``: ``db_url`` holding the demo, copied from the one the session built on that
backend (``demo_sqlite``, ``demo_pg_url``; tests/demo_clone.py) instead of ``build_demo`` in
each test.

Under pytest-xdist (``make test`` runs ``pytest -n auto --dist loadgroup``) every worker is
a session of its own: its own PostgreSQL database, ``tmp_path`` folders and session
fixtures. ``pytest_collection_modifyitems`` keeps together on one worker the tests that
share an expensive resource (``SHARED_GROUPS``: the browser, the dashboard's demo server)
and the tests of a module that share a module-scoped fixture (modules of up to
``MODULE_GROUP_MAX`` tests), so each is set up once; other tests go wherever a worker is
free. Nothing is needed in a test for this; a port comes from ``free_port`` (never fixed).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Connection, create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from qcity.data.store import Store
from qcity.engine import Evaluation
from qcity.service import accounts
from tests.demo_clone import clone_demo
from tests.helpers import REPO, asem_evaluation
from tests.migrated import Statement, copy_sqlite, migrated_sqlite, record_migration, replay

if os.environ.get("PYTEST_XDIST_WORKER"):
    # A pytest-xdist worker starts with COLUMNS=80 in its environment; a Rich console made
    # at import would keep that width for good, whatever width a test's
    # CliRunner(env={"COLUMNS": ...}) asks for. A serial run has no COLUMNS: nor does a worker.
    os.environ.pop("COLUMNS", None)

# Internal errors that tests provoke are logged to a file of the test run, not the user's.
os.environ.setdefault(
    "QCITY_ERROR_LOG",
    str(Path(tempfile.gettempdir()) / f"qcity-test-errors-{os.getpid()}.log"),
)

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


SHARED_GROUPS: dict[str, str] = {
    "browser": "browser",
    "account_server": "web-demo",
    "server": "web-demo",
    "account_url": "web-demo",
}
"""Session fixtures worth setting up once, and the xdist group of the tests that use them
(in this order: a module using the browser is a group of its own, handed out first). The dashboard's
``demo_url`` is not one: a copy of ``demo_sqlite`` and one evaluation, it costs less on
each worker than its 60-odd tests kept on one."""


MODULE_GROUP_MAX = 100
"""A module with more tests than this is not kept on one worker for its module-scoped
fixture: setting the fixture up once per worker costs less than one worker running them
all while the others wait."""


def _xdist_group(item: pytest.Item) -> str | None:
    """The group ``item`` joins on its own: the first of its shared session fixtures, else
    its module when it uses a module-, package- or class-scoped fixture."""
    names = set(getattr(item, "fixturenames", ()))
    for fixture, group in SHARED_GROUPS.items():
        if fixture in names:
            # the browser's modules are groups of their own: each worker launches its own
            # Chromium (a second or two) rather than one worker running all of them
            return f"{group}:{item.nodeid.split('::')[0]}" if group == "browser" else group
    info = getattr(item, "_fixtureinfo", None)
    defs = info.name2fixturedefs.values() if info is not None else ()
    if any(d[-1].scope in ("module", "package", "class") for d in defs if d):
        return f"module:{item.nodeid.split('::')[0]}"
    return None


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which reads the groups into node ids
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that share an expensive fixture with one ``xdist_group`` (used by
    ``--dist loadgroup``): a whole module joins the group of the first of its tests that
    has one, so a module-scoped fixture is also set up once. Under xdist the shared groups
    are handed out first."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    order = list(dict.fromkeys(SHARED_GROUPS.values()))
    first = {group: n for n, group in enumerate(order)}

    def rank(group: str, default: int) -> int:
        """The group's place in ``order`` (a browser module's is the browser's)."""
        return first.get(group.split(":")[0] if group.startswith("browser:") else group, default)

    by_module: dict[str, str] = {}
    for item in items:
        group = _xdist_group(item)
        module = item.nodeid.split("::")[0]
        if group is None:
            continue
        held = by_module.get(module)
        if held is None or rank(group, len(order)) < rank(held, len(order)):
            by_module[module] = group
    size = Counter(item.nodeid.split("::")[0] for item in items)
    placed: dict[str, int] = {}
    for item in items:
        module = item.nodeid.split("::")[0]
        group = by_module.get(module)
        if group is None or (group.startswith("module:") and size[module] > MODULE_GROUP_MAX):
            # then the slow tests (pytest.mark.slow), then the rest
            placed[item.nodeid] = len(order) + (1 if item.get_closest_marker("slow") else 2)
            continue
        item.add_marker(pytest.mark.xdist_group(group))
        placed[item.nodeid] = rank(group, len(order))
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # the largest groups and the slow tests first, so that no worker starts the
        # browser's tests when the others are nearly done (the order within a group and a
        # module is kept)
        items.sort(key=lambda item: placed[item.nodeid])


#: argon2id at a test's cost: one pass over 8 KiB (a fraction of a millisecond) instead of
#: the product's RFC 9106 parameters (3 passes over 64 MiB on 4 lanes: about 0.15 s and
#: both cores per hash or login). The hashes are real argon2id hashes all the same.
QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def _quick_password_hashes(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Accounts hash and check passwords with ``QUICK_HASHER`` in the test process, except
    in tests marked ``real_argon2`` (those measuring or checking the product's cost; the
    dummy hash of refused logins is made again for them at that cost); servers in
    processes of their own (``qcity serve`` in a test) keep the real one."""
    if request.node.get_closest_marker("real_argon2") is None:
        monkeypatch.setattr(accounts, "_hasher", QUICK_HASHER)
        yield
        return
    accounts._dummy_hash.cache_clear()
    try:
        yield
    finally:
        accounts._dummy_hash.cache_clear()


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
            # a throwaway database: a commit need not wait for its WAL to reach the disk
            conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))
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


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the newest revision once per session (tests/migrated.py);
    tests copy it and never write to it."""
    path = tmp_path_factory.mktemp("migrated") / "qcity.sqlite"
    migrated_sqlite(path)
    return path


@pytest.fixture(scope="session")
def pg_migration(pg_database_url: str) -> list[Statement]:
    """Every statement of the migration to the newest revision, recorded once per session
    on an empty schema of the session's PostgreSQL database (tests/migrated.py)."""
    with contextmanager(_fresh_pg_schema)(pg_database_url) as url:
        return record_migration(url)


@pytest.fixture
def store(db_url: str, request: pytest.FixtureRequest) -> Iterator[Store]:
    """A ``Store`` on ``db_url`` with the schema at the newest revision: a copy of the
    session's migrated database (tests/migrated.py), as a migration would leave it."""
    if make_url(db_url).get_backend_name() == "sqlite":
        copy_sqlite(request.getfixturevalue("migrated_sqlite_file"), db_url)
    else:
        replay(db_url, request.getfixturevalue("pg_migration"))
    s = Store(db_url)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="module")
def asem() -> Evaluation:
    """COINr's ASEM example evaluated with its framework's pipeline (``asem_evaluation``)."""
    return asem_evaluation()


@pytest.fixture(scope="session")
def qcity_forkserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The socket of tests/qcity_fork.py's server, started once per session: the docs'
    ``qcity`` commands run in processes it forks, their imports done once (its log is
    ``server.log`` next to the socket)."""
    folder = tmp_path_factory.mktemp("qcity-fork")
    socket = folder / "qcity.sock"
    env = {k: v for k, v in os.environ.items() if k != "QCITY_DATABASE_URL"}
    with open(folder / "server.log", "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-P", str(REPO / "tests" / "qcity_fork.py"), "serve", str(socket)],
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield socket
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="session")
def demo_cache(tmp_path_factory: pytest.TempPathFactory, qcity_forkserver: Path) -> Path:
    """A folder where the real ``qcity demo`` ran once: ``demo.sqlite`` (the demo database
    with its run 1), ``out/`` (the results folder), ``stdout.txt`` (its printout),
    ``url.txt`` (the database's URL), and ``bin/qcity``: tests/demo_shim.py, which gives a
    page's ``qcity demo`` into a new SQLite database a copy of it, and runs any other
    command with the real ``qcity`` in a process forked by ``qcity_forkserver``
    (tests/qcity_fork.py). Tests must not write into the folder."""
    folder = tmp_path_factory.mktemp("demo-cache")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    qcity = Path(sys.executable).parent / "qcity"
    env = {k: v for k, v in os.environ.items() if k != "QCITY_DATABASE_URL"}
    done = subprocess.run(
        [str(qcity), "demo", "--db", url, "--out", str(folder / "out")],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"qcity demo failed:\n{done.stdout}\n{done.stderr}"
    (folder / "stdout.txt").write_text(done.stdout, encoding="utf-8")
    (folder / "url.txt").write_text(url, encoding="utf-8")
    shim = folder / "bin" / "qcity"
    shim.parent.mkdir()
    # ``qcity demo`` starts the shim's interpreter; any other command goes to the fork
    # server (tests/qcity_fork.py: the real ``qcity`` when the server is not there)
    fork = REPO / "tests" / "qcity_fork.py"
    shim.write_text(
        f'#!/bin/sh\nif [ "$1" = demo ]; then\n'
        f'  exec "{sys.executable}" -P "{REPO / "tests" / "demo_shim.py"}" "{folder}" "$@"\n'
        f'fi\nexec "{sys.executable}" -I -S "{fork}" client "{qcity_forkserver}" "{qcity}" "$@"\n',
        encoding="utf-8",
    )
    shim.chmod(0o755)
    return folder


@pytest.fixture(scope="session")
def demo_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database (``build_demo``, no run stored) as a SQLite file, built once per
    session (per xdist worker); tests copy it and never write to it."""
    from qcity.demo.build import DEFAULT_SEED, build_demo, default_framework_path

    path = tmp_path_factory.mktemp("demo-sqlite") / "demo.sqlite"
    with Store(f"sqlite:///{path}") as store:
        build_demo(store, default_framework_path(), DEFAULT_SEED)
    return path


@pytest.fixture(scope="session")
def demo_pg_url(pg_database_url: str) -> Iterator[str]:
    """The demo database (``build_demo``, no run stored) in a schema of the session's
    PostgreSQL database, built once per session (per xdist worker); its URL selects the
    schema. Tests copy it (``demo_db``) and never write to it."""
    from qcity.demo.build import DEFAULT_SEED, build_demo, default_framework_path

    with contextmanager(_fresh_pg_schema)(pg_database_url) as url:
        with Store(url) as store:
            build_demo(store, default_framework_path(), DEFAULT_SEED)
        yield url


@pytest.fixture
def demo_db(store: Store, db_url: str, request: pytest.FixtureRequest) -> str:
    """``db_url`` (the database of ``store``) holding the demo as
    ``build_demo(store, default_framework_path(), DEFAULT_SEED)`` would leave it: a copy of
    the session's demo database on the same backend (``demo_sqlite``, ``demo_pg_url``;
    tests/demo_clone.py). Returns ``db_url``."""
    if make_url(db_url).get_backend_name() == "sqlite":
        source = f"sqlite:///{request.getfixturevalue('demo_sqlite')}"
    else:
        source = request.getfixturevalue("demo_pg_url")
    clone_demo(source, db_url)
    return db_url
