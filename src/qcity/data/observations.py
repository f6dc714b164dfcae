"""Observation queries and writes: the latest (or as-of) value per key in one SELECT,
the checks of an incoming table, revision detection and the bulk insert."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Table,
    and_,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.types import NullType

from qcity.data.periods import parse_periods
from qcity.data.schema import (
    STATUSES,
    ValueReview,
)
from qcity.data.tables import (
    INSERT_CHUNK,
    KEY,
    OBS,
    PAUSE_ENV,
    PAUSE_SECONDS_ENV,
    UNITS,
    StoreError,
    as_utc,
    frame_from_rows,
    text_or_none,
    utcnow,
)

ProgressCallback = Callable[[int, int], None]

REVIEWS = cast(Table, ValueReview.__table__)

#: What an evaluation reads: only approved values (the default) or every latest revision.
VALUE_CHOICES: tuple[str, ...] = ("approved", "all")


def approved_term(table: Any, as_of: datetime | None) -> ColumnElement[bool]:
    """Rows of ``table`` (observations or an alias) approved by ``as_of``: stored approved
    (the operator's imports, every row from before migration 0005), or approved by a
    reviewer at or before ``as_of``. Approval is final, so one approval event decides.
    The subquery is uncorrelated: evaluated once, probed per row."""
    events = select(REVIEWS.c.observation_id).where(REVIEWS.c.state == "approved")
    if as_of is not None:
        events = events.where(REVIEWS.c.at <= as_utc(as_of))
    return or_(table.c.review == "approved", table.c.id.in_(events))


def check_values(values: str) -> str:
    """``values`` if it is one of ``VALUE_CHOICES``, else StoreError saying what to write."""
    if values not in VALUE_CHOICES:
        raise StoreError(
            f"values {values!r}: write one of {', '.join(VALUE_CHOICES)} "
            "(approved: only reviewed values; all: the latest revision whatever its state)"
        )
    return values


def _pause_hook(written: int, state: dict[str, bool]) -> None:
    """Sleep once inside the open transaction when ``QCITY_IMPORT_PAUSE_AFTER_ROWS`` says so
    (a documented test hook for kill-during-import tests)."""
    after = os.environ.get(PAUSE_ENV)
    if not after or state.get("paused") or written < int(after):
        return
    state["paused"] = True
    seconds = float(os.environ.get(PAUSE_SECONDS_ENV, "60"))
    print(f"qcity: import paused after {written} rows ({PAUSE_ENV})", file=sys.stderr, flush=True)
    time.sleep(seconds)


def observation_columns() -> list[Any]:
    """The selected observation columns, labelled as in ``OBSERVATION_COLUMNS``."""
    return [
        OBS.c.unit_code.label("unit"),
        OBS.c.indicator_code.label("indicator"),
        OBS.c.period,
        OBS.c.value,
        OBS.c.status,
        OBS.c.source,
        OBS.c.flag,
        OBS.c.revision,
        type_coerce(OBS.c.recorded_at, NullType()).label("recorded_at"),
        OBS.c.entered_by,
    ]


def observations_select(
    as_of: datetime | None = None,
    indicators: Iterable[str] | None = None,
    units: Iterable[str] | None = None,
    periods: Iterable[str] | None = None,
    all_revisions: bool = False,
    *,
    dialect: str | None = None,
    values: str = "approved",
) -> Select[Any]:
    """One SELECT of observations ordered by key: filters first, then (unless
    ``all_revisions``) the latest revision per key, in the form that is fastest on
    ``dialect`` (``latest_select``); ``values="approved"`` keeps only revisions approved
    by ``as_of`` (the latest approved one per key), ``"all"`` every revision."""
    approved = check_values(values) == "approved" and not all_revisions
    where = _filters(as_of, indicators, units, periods)
    if approved:
        where.append(approved_term(OBS, as_of))
    cols = observation_columns()
    if all_revisions:
        return (
            select(*cols)
            .where(and_(True, *where))
            .order_by(OBS.c.unit_code, OBS.c.indicator_code, OBS.c.period, OBS.c.revision)
        )
    return latest_select(cols, where, as_of, dialect, approved=approved)


def _filters(
    as_of: datetime | None,
    indicators: Iterable[str] | None,
    units: Iterable[str] | None,
    periods: Iterable[str] | None,
) -> list[ColumnElement[bool]]:
    """The WHERE terms of a read (periods as written by users, parsed to stored labels)."""
    where = []
    if as_of is not None:
        where.append(OBS.c.recorded_at <= as_utc(as_of))
    if indicators is not None:
        where.append(OBS.c.indicator_code.in_(list(indicators)))
    if units is not None:
        where.append(OBS.c.unit_code.in_(list(units)))
    if periods is not None:
        labels = parse_periods(pd.Series(list(periods), dtype=object))["period"].tolist()
        where.append(OBS.c.period.in_(labels))
    return where


def latest_select(
    cols: Sequence[Any],
    where: Sequence[ColumnElement[bool]],
    as_of: datetime | None,
    dialect: str | None = None,
    *,
    approved: bool = False,
) -> Select[Any]:
    """``cols`` (unit, indicator and period first) of the latest revision recorded by
    ``as_of`` of every key matching ``where`` (terms on the key and ``recorded_at``
    only), ordered by key.

    SQLite: the rows that no later visible revision replaces (``NOT EXISTS``: one probe of
    the unique index on key + revision per row, no sort; 2-3x faster than the window at
    3.4 million rows). PostgreSQL: ``DISTINCT ON (key) ... ORDER BY key, revision DESC``
    (one sort). Otherwise ``ROW_NUMBER() OVER (PARTITION BY key ORDER BY revision DESC)
    = 1``. ``benchmarks/bench_store.py`` times the three side by side. With ``approved``
    (``where`` then holds ``approved_term``) a later revision replaces a row only when
    it is approved by ``as_of`` too."""
    key = [OBS.c.unit_code, OBS.c.indicator_code, OBS.c.period]
    if dialect == "sqlite":
        later = OBS.alias("later")
        replaced = (
            select(literal(1))
            .select_from(later)
            .where(
                later.c.unit_code == OBS.c.unit_code,
                later.c.indicator_code == OBS.c.indicator_code,
                later.c.period == OBS.c.period,
                later.c.revision > OBS.c.revision,
                *([] if as_of is None else [later.c.recorded_at <= as_utc(as_of)]),
                *([approved_term(later, as_of)] if approved else []),
            )
        )
        return select(*cols).where(and_(True, *where), ~exists(replaced)).order_by(*key)
    if dialect == "postgresql":
        stmt = select(*cols).where(and_(True, *where))
        try:  # SQLAlchemy >= 2.1 spells DISTINCT ON as a PostgreSQL extension
            from sqlalchemy.dialects.postgresql import distinct_on
        except ImportError:  # pragma: no cover - SQLAlchemy 2.0
            stmt = stmt.distinct(*key)
        else:
            stmt = stmt.ext(distinct_on(*key))
        return stmt.order_by(*key, OBS.c.revision.desc())
    rank = func.row_number().over(partition_by=key, order_by=OBS.c.revision.desc())
    inner = select(*cols, rank.label("rank")).where(and_(True, *where)).subquery("ranked")
    out = [c for c in inner.c if c.name != "rank"]
    return select(*out).where(inner.c["rank"] == 1).order_by(*out[:3])


def prepare_observations(df: pd.DataFrame) -> pd.DataFrame:
    """Check and normalise an observations DataFrame: required columns, well-formed
    periods, finite values, known statuses, unique keys. Raises ``StoreError``."""
    missing = [c for c in ("unit", "indicator", "period", "value") if c not in df.columns]
    if missing:
        raise StoreError(f"observations lack column(s) {missing}")
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    out["unit"] = text_or_none(df["unit"]).to_numpy()
    out["indicator"] = text_or_none(df["indicator"]).to_numpy()
    periods = parse_periods(df["period"].reset_index(drop=True))
    out["period"] = periods["period"].astype(object)
    out["year"] = periods["year"]
    out["quarter"] = periods["quarter"]
    out["value"] = pd.to_numeric(df["value"], errors="coerce").to_numpy(dtype="float64")
    for col, default in (("status", "final"), ("source", None), ("flag", None)):
        vals = text_or_none(df[col]).to_numpy() if col in df else np.full(len(df), None)
        out[col] = pd.Series(vals, dtype=object).where(pd.notna(vals), default)
    problems = []
    for col in ("unit", "indicator"):
        if out[col].isna().any():
            problems.append(f"empty {col} in row(s) {_rows(out[col].isna())}")
    if not periods["in_range"].all():
        problems.append(f"bad period in row(s) {_rows(~periods['in_range'])}")
    if not np.isfinite(out["value"]).all():
        bad = ~np.isfinite(out["value"])
        problems.append(f"missing or non-numeric value in row(s) {_rows(bad)}")
    bad_status = ~out["status"].isin(STATUSES)
    if bad_status.any():
        problems.append(f"status not one of {list(STATUSES)} in row(s) {_rows(bad_status)}")
    dup = out.duplicated(KEY, keep=False)
    if dup.any():
        problems.append(f"the same unit, indicator and period twice in row(s) {_rows(dup)}")
    if problems:
        raise StoreError("observations rejected: " + "; ".join(problems))
    return out


def _rows(mask: pd.Series | np.ndarray) -> str:
    """Up to ten 0-based row positions where ``mask`` is true, for a message."""
    idx = np.flatnonzero(np.asarray(mask))
    more = f" and {len(idx) - 10} more" if len(idx) > 10 else ""
    return ", ".join(str(i) for i in idx[:10]) + more


#: Relative tolerance under which a re-imported value counts as unchanged: Excel keeps
#: about 16 significant digits (openpyxl writes ``%.16g``), a float64 needs up to 17.
SAME_VALUE_RTOL = 1e-15


def same_number(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise "the same value": equal to ``SAME_VALUE_RTOL`` (NaN never equals)."""
    with np.errstate(invalid="ignore"):
        return np.asarray(np.isclose(a, b, rtol=SAME_VALUE_RTOL, atol=0.0), dtype=bool)


def same_text(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Elementwise equality of two text columns where None equals None."""
    a_na, b_na = a.isna().to_numpy(), b.isna().to_numpy()
    eq = (a.astype(object).to_numpy() == b.astype(object).to_numpy()) & ~a_na & ~b_na
    return np.asarray(eq | (a_na & b_na), dtype=bool)


def check_units_known(conn: Connection, units: pd.Series) -> None:
    """Raise ``StoreError`` naming unit codes that are not in the units table."""
    wanted = set(units.unique())
    known = {r[0] for r in conn.execute(select(UNITS.c.code))}
    unknown = sorted(wanted - known)
    if unknown:
        raise StoreError(
            f"unknown unit code(s) {unknown[:10]}; add them first (Store.add_units, "
            "`qcity import-units`)"
        )


def latest_for(conn: Connection, rows: pd.DataFrame) -> pd.DataFrame:
    """The latest stored revision of the keys in ``rows`` (one query on the indicators,
    units and periods of ``rows``, so that a new year reads only that year), as columns
    unit, indicator, period, value_old, status_old, source_old, flag_old, revision and
    review (the review state the revision was stored in)."""
    units = rows["unit"].unique().tolist()
    periods = rows["period"].unique().tolist()  # stored labels (prepare_observations)
    where = [OBS.c.indicator_code.in_(rows["indicator"].unique().tolist())]
    if len(units) <= 5000:
        where.append(OBS.c.unit_code.in_(units))
    if len(periods) <= 1000:
        where.append(OBS.c.period.in_(periods))
    names = [
        "unit",
        "indicator",
        "period",
        "value",
        "status",
        "source",
        "flag",
        "revision",
        "review",
    ]
    cols: list[Any] = [OBS.c.unit_code.label("unit"), OBS.c.indicator_code.label("indicator")]
    cols += [OBS.c[c] for c in names[2:]]
    result = conn.execute(latest_select(cols, where, None, conn.dialect.name)).all()
    latest = frame_from_rows(result, names)
    text = ["unit", "indicator", "period", "status", "source", "flag", "review"]
    latest = latest.astype(dict.fromkeys(text, object))
    for col in ("source", "flag"):
        latest[col] = latest[col].where(latest[col].notna(), None)
    return latest.rename(
        columns={
            "value": "value_old",
            "status": "status_old",
            "source": "source_old",
            "flag": "flag_old",
        }
    )


def next_stamp(conn: Connection) -> datetime:
    """The recording time of a new batch: now, but strictly after every stored
    ``recorded_at`` so that revision order and time order never disagree (clock skew)."""
    now = utcnow()
    newest = as_utc(conn.execute(select(func.max(OBS.c.recorded_at))).scalar_one_or_none())
    if newest is not None and newest >= now:
        now = newest + timedelta(microseconds=1)
    return now


def _py(s: pd.Series) -> list[Any]:
    """Python values of a column with every missing value (NaN, NA, None) as None, so
    that drivers write NULL (psycopg would write a float NaN into a text column as 'NaN')."""
    obj = s.astype(object)
    return obj.where(obj.notna(), None).tolist()


def _write_rows(conn: Connection, names: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Write rows of ``observations`` at driver level: PostgreSQL ``COPY FROM STDIN``,
    SQLite ``executemany``, else SQLAlchemy Core executemany. Same transaction as ``conn``."""
    dialect = conn.dialect.name
    cols = ", ".join(names)
    if dialect == "postgresql":
        cursor = conn.connection.cursor()
        with cursor.copy(f"COPY observations ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    elif dialect == "sqlite":
        marks = ", ".join("?" for _ in names)
        conn.exec_driver_sql(f"INSERT INTO observations ({cols}) VALUES ({marks})", rows)
    else:
        conn.execute(insert(OBS), [dict(zip(names, r, strict=True)) for r in rows])


def insert_observations(
    conn: Connection,
    write: pd.DataFrame,
    now: datetime,
    entered_by: str,
    batch_id: int,
    progress: ProgressCallback | None,
    entered_by_user_id: int | None = None,
    review: str = "approved",
) -> None:
    """Bulk write of the new rows, ``INSERT_CHUNK`` rows per round trip (progress and the
    pause test hook act between chunks). Values are converted once per column, and the
    batch's timestamp once through the column type (naive UTC)."""
    n = len(write)
    bind = OBS.c.recorded_at.type.bind_processor(conn.dialect)
    stamp = bind(now) if bind is not None else now
    fixed = conn.dialect.name not in ("postgresql", "sqlite")
    columns = {
        "unit_code": _py(write["unit"]),
        "indicator_code": _py(write["indicator"]),
        "period": _py(write["period"]),
        "year": [int(y) for y in write["year"]],
        "quarter": [None if q is None else int(q) for q in _py(write["quarter"])],
        "value": [float(v) for v in write["value"]],
        "status": _py(write["status"]),
        "source": _py(write["source"]),
        "flag": _py(write["flag"]),
        "revision": [int(r) for r in write["revision"]],
        "recorded_at": [now if fixed else stamp] * n,
        "entered_by": [entered_by] * n,
        "entered_by_user_id": [entered_by_user_id] * n,
        "batch_id": [batch_id] * n,
        "review": [review] * n,
    }
    names = list(columns)
    rows = list(zip(*columns.values(), strict=True))
    state: dict[str, bool] = {}
    if progress is not None:
        progress(0, n)
    for start in range(0, n, INSERT_CHUNK):
        chunk = rows[start : start + INSERT_CHUNK]
        _write_rows(conn, names, chunk)
        done = start + len(chunk)
        if progress is not None:
            progress(done, n)
        _pause_hook(done, state)
