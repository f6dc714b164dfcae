"""Data-store speed at national scale, printed (not a test).

A seeded synthetic store of 2,850 county units x 60 indicators x 20 years (3.42 million
observations) on SQLite and on PostgreSQL, through the API a user's import takes:
``Store.add_units`` + ``Store.add_observations`` (then a second import of the same table
with 1 % of the values revised), the as-of read of the latest values (``Store.observations``,
now and as of the first import), and an evaluation from the store. The latest-revision
query is also timed in its SQL forms side by side (same rows checked), and with the
extra index ``INDEX_SQL`` created by hand.

Run: ``make bench`` (full size, minutes) or
``.venv/bin/python benchmarks/bench_store.py --units 300 --db sqlite`` (seconds).
PostgreSQL: a fresh database ``qcity_bench_<hex>`` on ``$QCITY_BENCH_PG_URL`` (default the
local server, as the tests use), dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Select, and_, create_engine, exists, func, literal, make_url, select, text
from sqlalchemy.exc import OperationalError

try:  # SQLAlchemy >= 2.1 spells PostgreSQL's DISTINCT ON as an extension
    from sqlalchemy.dialects.postgresql import distinct_on
except ImportError:  # pragma: no cover - SQLAlchemy 2.0
    distinct_on = None

from bench_engine import FIRST_YEAR, national_framework  # the same synthetic framework

from qcity.data.observations import observation_columns, observations_select
from qcity.data.store import Store
from qcity.data.tables import OBS, OBSERVATION_COLUMNS, as_utc, frame_from_rows
from qcity.engine import Evaluation
from qcity.framework.model import Framework

PG_URL_ENV = "QCITY_BENCH_PG_URL"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REVISED_SHARE = 0.01

#: A candidate index for the latest-revision read, timed by creating it by hand here
#: (the schema's unique constraint already indexes unit, indicator, period, revision).
INDEX_SQL = {
    "postgresql": "CREATE INDEX ix_bench_latest ON observations "
    "(unit_code, indicator_code, period, revision DESC) INCLUDE (recorded_at)",
    "sqlite": "CREATE INDEX ix_bench_latest ON observations "
    "(unit_code, indicator_code, period, revision DESC, recorded_at)",
}


# -- the synthetic store ------------------------------------------------------------------
def national_units(units: int) -> pd.DataFrame:
    """County units with a province attribute."""
    n = np.arange(units)
    return pd.DataFrame(
        {
            "code": [f"c{i:04d}" for i in n],
            "name_zh": [f"县{i}" for i in n],
            "name_en": [f"county {i}" for i in n],
            "type": "county",
            "parent_code": None,
            "province": [f"p{i % 31:02d}" for i in n],
        }
    )


def national_observations(fw: Framework, units: int, years: int, seed: int = 7) -> pd.DataFrame:
    """The long table (unit, indicator, period, value, source): log-normal levels with
    unit effects and trends, unit-major order as a yearbook export lists them."""
    rng = np.random.default_rng(seed)
    codes = np.array([i.code for i in fw.indicators()], dtype=object)
    k = len(codes)
    effect = rng.normal(0, 0.5, size=(units, k, 1))
    trend = np.linspace(0, 0.4, years)[None, None, :]
    values = np.exp(2 + effect + trend + rng.normal(0, 0.3, size=(units, k, years)))
    unit_codes = np.array([f"c{i:04d}" for i in range(units)], dtype=object)
    periods = np.array([str(FIRST_YEAR + t) for t in range(years)], dtype=object)
    return pd.DataFrame(
        {
            "unit": np.repeat(unit_codes, k * years),
            "indicator": np.tile(np.repeat(codes, years), units),
            "period": np.tile(periods, units * k),
            "value": values.reshape(-1).round(6),
            "source": "国家统计年鉴 (synthetic)",
        }
    )


def revise(data: pd.DataFrame, share: float, seed: int = 11) -> tuple[pd.DataFrame, np.ndarray]:
    """The same table with ``share`` of the values changed by +1 %, and which rows."""
    rng = np.random.default_rng(seed)
    changed = rng.random(len(data)) < share
    out = data.copy()
    out.loc[changed, "value"] = (out.loc[changed, "value"] * 1.01).round(6)
    return out, changed


# -- databases ---------------------------------------------------------------------------
@contextmanager
def sqlite_url() -> Iterator[str]:
    """A SQLite file in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="qcity-bench-") as tmp:
        yield f"sqlite:///{tmp}/bench.sqlite"


@contextmanager
def postgres_url() -> Iterator[str]:
    """A fresh database ``qcity_bench_<hex>`` on the PostgreSQL server, dropped afterwards
    (its sessions ended first), as ``tests/conftest.py`` does for the tests."""
    admin_url = os.environ.get(PG_URL_ENV) or DEFAULT_PG_URL
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"qcity_bench_{secrets.token_hex(6)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
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


# -- the latest-revision query in its SQL forms -------------------------------------------
def _key(table: Any = OBS) -> list[Any]:
    return [table.c.unit_code, table.c.indicator_code, table.c.period]


def _visible(as_of: datetime | None, table: Any = OBS) -> list[Any]:
    return [] if as_of is None else [table.c.recorded_at <= as_utc(as_of)]


def window_select(as_of: datetime | None) -> Select[Any]:
    """ROW_NUMBER() OVER (PARTITION BY key ORDER BY revision DESC) = 1 (qcity before)."""
    rank = func.row_number().over(partition_by=_key(), order_by=OBS.c.revision.desc())
    inner = (
        select(*observation_columns(), rank.label("rank"))
        .where(and_(True, *_visible(as_of)))
        .subquery("ranked")
    )
    cols = [c for c in inner.c if c.name != "rank"]
    return select(*cols).where(inner.c["rank"] == 1).order_by(*cols[:3])


def max_join_select(as_of: datetime | None) -> Select[Any]:
    """Join to ``MAX(revision) GROUP BY key`` (standard SQL)."""
    latest = (
        select(*_key(), func.max(OBS.c.revision).label("latest"))
        .where(and_(True, *_visible(as_of)))
        .group_by(*_key())
        .subquery("latest")
    )
    on = and_(*(a == b for a, b in zip(_key(), _key(latest), strict=True)))
    return (
        select(*observation_columns())
        .select_from(OBS.join(latest, and_(on, OBS.c.revision == latest.c.latest)))
        .order_by(*_key())
    )


def not_exists_select(as_of: datetime | None) -> Select[Any]:
    """Rows with no later visible revision (``NOT EXISTS``, standard SQL)."""
    later = OBS.alias("later")
    newer = (
        select(literal(1))
        .select_from(later)
        .where(
            *(a == b for a, b in zip(_key(later), _key(), strict=True)),
            later.c.revision > OBS.c.revision,
            *_visible(as_of, later),
        )
    )
    return (
        select(*observation_columns())
        .where(and_(True, *_visible(as_of)), ~exists(newer))
        .order_by(*_key())
    )


def distinct_on_select(as_of: datetime | None) -> Select[Any]:
    """PostgreSQL ``DISTINCT ON (key) ... ORDER BY key, revision DESC``."""
    stmt = select(*observation_columns()).where(and_(True, *_visible(as_of)))
    stmt = stmt.ext(distinct_on(*_key())) if distinct_on else stmt.distinct(*_key())
    return stmt.order_by(*_key(), OBS.c.revision.desc())


def bare_max_select(as_of: datetime | None) -> Select[Any]:
    """SQLite's ``MAX(revision) ... GROUP BY key`` with bare columns taken from the
    row holding the maximum (documented SQLite behaviour)."""
    return (
        select(*observation_columns(), func.max(OBS.c.revision))
        .where(and_(True, *_visible(as_of)))
        .group_by(*_key())
        .order_by(*_key())
    )


def qcity_select(db: str) -> Callable[[datetime | None], Select[Any]]:
    """qcity's own latest-revision read on ``db`` (``observations_select``)."""
    return lambda as_of: observations_select(as_of, dialect=db)


#: The forms timed by default (before and now), and the others of ``--all-forms``.
QUERIES: dict[str, dict[str, Callable[[datetime | None], Select[Any]]]] = {
    db: {"window (before)": window_select, "qcity now": qcity_select(db)}
    for db in ("sqlite", "postgresql")
}
OTHER_QUERIES: dict[str, dict[str, Callable[[datetime | None], Select[Any]]]] = {
    "sqlite": {
        "max join": max_join_select,
        "not exists": not_exists_select,
        "bare max": bare_max_select,
    },
    "postgresql": {
        "max join": max_join_select,
        "not exists": not_exists_select,
        "distinct on": distinct_on_select,
    },
}


# -- timing ------------------------------------------------------------------------------
class Report:
    """The printed table: step, database, wall seconds, CPU seconds of this process (all
    of SQLite's work, only the client's for PostgreSQL), rows and rows per second."""

    def __init__(self) -> None:
        print(
            f"\n  {'step':<46} {'database':<10} {'seconds':>8} {'cpu s':>7} "
            f"{'rows':>10} {'rows/s':>10}"
        )

    def line(self, step: str, db: str, wall: float, cpu: float, n: int, note: str = "") -> None:
        """Print one row of the table."""
        print(
            f"  {step:<46} {db:<10} {wall:8.2f} {cpu:7.2f} {n:>10,} {n / wall:>10,.0f}{note}",
            flush=True,
        )

    def time(self, step: str, db: str, f: Callable[[], Any], rows: int | None = None) -> Any:
        """Run ``f`` once and print its times; ``rows`` defaults to len(result)."""
        t0, c0 = time.perf_counter(), time.process_time()
        out = f()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        self.line(step, db, wall, cpu, rows if rows is not None else len(out))
        return out


def sql_rows(store: Store, stmt: Select[Any]) -> list[tuple[Any, ...]]:
    """Every row of ``stmt`` (first 10 columns) through the driver's own cursor, so that
    the time is the query's and the fetch's, without SQLAlchemy rows or a DataFrame."""
    with store.engine.connect() as conn:
        sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(sql)
        return [r[:10] for r in cursor.fetchall()]


def compare_queries(
    store: Store,
    db: str,
    as_of: datetime | None,
    label: str,
    report: Report,
    forms: dict[str, Callable[[datetime | None], Select[Any]]],
) -> None:
    """Time each SQL form of the latest-revision read; all must return the same rows."""
    expected: list[tuple[Any, ...]] | None = None
    base = 0.0
    for name, build in forms.items():
        t0, c0 = time.perf_counter(), time.process_time()
        got = sql_rows(store, build(as_of))
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        if expected is None:
            expected, base = got, wall
        elif got != expected:
            raise SystemExit(f"{db} {label}: query {name!r} returned different rows")
        note = f"  window/this {base / wall:.2f}"
        report.line(f"SQL {label}: {name}", db, wall, cpu, len(got), note)


def check(ok: bool, what: str) -> None:
    """Stop the benchmark when a result is wrong (a fast wrong answer is no result)."""
    if not ok:
        raise SystemExit(f"wrong result: {what}")


def store_read(store: Store, as_of: datetime | None, dialect: str) -> pd.DataFrame:
    """``Store.observations(as_of)`` with the SQL form of ``dialect`` (what the store
    reads once it passes its dialect to ``observations_select``)."""
    with store.engine.connect() as conn:
        rows = conn.execute(observations_select(as_of, dialect=dialect)).all()
    return frame_from_rows(rows, OBSERVATION_COLUMNS)


def bench_database(
    db: str,
    url: str,
    fw: Framework,
    units: pd.DataFrame,
    data: pd.DataFrame,
    report: Report,
    forms: dict[str, Callable[[datetime | None], Select[Any]]] | None,
) -> None:
    """Import, revise, read (now and as of the first import), evaluate, import one more
    year, and (``forms``) time the SQL forms of the read, before and after ``INDEX_SQL``."""
    n = len(data)
    revised, changed = revise(data, REVISED_SHARE)
    with Store(url) as store:
        store.upgrade()
        report.time("add_units", db, lambda: store.add_units(units), rows=len(units))
        first = report.time(
            "add_observations (first import)",
            db,
            lambda: store.add_observations(data, entered_by="bench"),
            rows=n,
        )
        check(first.added == n, f"first import {first}")
        stamp = store.vintage()
        second = report.time(
            f"add_observations (again, {REVISED_SHARE:.0%} revised)",
            db,
            lambda: store.add_observations(revised, entered_by="bench"),
            rows=n,
        )
        check((second.revised, second.added) == (int(changed.sum()), 0), f"revision {second}")
        latest = report.time("observations() latest", db, store.observations)
        then = report.time(
            "observations(as_of=first import)", db, lambda: store.observations(as_of=stamp)
        )
        fast = report.time(
            f"observations() latest, {db} form", db, lambda: store_read(store, None, db)
        )
        report.time(f"observations(as_of=...), {db} form", db, lambda: store_read(store, stamp, db))
        check(len(latest) == len(then) == n, "rows read")
        check(np.allclose(latest["value"], revised["value"], rtol=1e-12), "latest values")
        check(np.allclose(then["value"], data["value"], rtol=1e-12), "values as of")
        check(int((latest["revision"] == 2).sum()) == int(changed.sum()), "revisions")
        check(fast.equals(latest), f"the {db} form reads what the store reads")
        units_now = report.time("units()", db, store.units)
        ev = report.time(
            "Evaluation(...).run() from the store's table",
            db,
            lambda: Evaluation(fw, latest, units_now).run(),
            rows=n,
        )
        report.time("scores()", db, ev.scores)
        year = next_year(data)
        report.time(
            "add_observations (one more year)",
            db,
            lambda: store.add_observations(year, entered_by="bench"),
            rows=len(year),
        )
        if forms is None:
            return
        for label, as_of in (("latest", None), ("as of", stamp)):
            compare_queries(store, db, as_of, label, report, forms)
        with store.engine.begin() as conn:
            t0 = time.perf_counter()
            conn.exec_driver_sql(INDEX_SQL[db])
            if db == "postgresql":
                conn.exec_driver_sql("ANALYZE observations")
            print(f"  (extra index built in {time.perf_counter() - t0:.1f} s: {INDEX_SQL[db]})")
        for label, as_of in (("latest +index", None), ("as of +index", stamp)):
            compare_queries(store, db, as_of, label, report, forms)


def next_year(data: pd.DataFrame) -> pd.DataFrame:
    """The yearly update: every unit and indicator for the year after the last one."""
    last = data["period"].max()
    year = data[data["period"] == last].copy()
    year["period"] = str(int(last) + 1)
    year["value"] = (year["value"] * 1.02).round(6)
    return year


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2850)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--queries",
        choices=["none", "qcity", "all"],
        default="qcity",
        help="SQL forms timed side by side: none; the window before and qcity's now "
        "(default); all (also max join, not exists, bare max or distinct on)",
    )
    args = parser.parse_args()
    t_start = time.perf_counter()
    fw = national_framework(args.indicators, args.years)
    t0 = time.perf_counter()
    units = national_units(args.units)
    data = national_observations(fw, args.units, args.years)
    print(
        f"machine: {os.cpu_count()} cores; store of {args.units:,} units x "
        f"{len(fw.indicators())} indicators x {args.years} years = {len(data):,} observations "
        f"(generated in {time.perf_counter() - t0:.1f} s)"
    )
    report = Report()
    databases = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    for db in databases:
        try:
            with sqlite_url() if db == "sqlite" else postgres_url() as url:
                forms = None if args.queries == "none" else dict(QUERIES[db])
                if args.queries == "all" and forms is not None:
                    forms.update(OTHER_QUERIES[db])
                bench_database(db, url, fw, units, data, report, forms)
        except OperationalError as exc:
            print(f"  {db}: not reachable, skipped ({exc.orig})")
    print(f"\nwhole benchmark: {time.perf_counter() - t_start:.0f} s")


if __name__ == "__main__":
    main()
