"""The data store: units, groups, framework versions and every revision of every value.

``Store`` is the one entry point the rest of qcity uses to read and write data. Writes
are bulk (executemany through SQLAlchemy Core, never row-by-row ORM adds) and each
``add_*`` call is one transaction. Observations are append-only: a correction is a new
row with ``revision + 1``; reading "as of" a time returns exactly what was visible then.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import (
    Connection,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    type_coerce,
    update,
)
from sqlalchemy.types import NullType

from qcity.data.engine import display_url, make_engine, resolve_url
from qcity.data.periods import parse_periods
from qcity.data.schema import (
    STATUSES,
    FrameworkVersion,
    Group,
    GroupMember,
    ImportBatch,
    Observation,
    Unit,
)
from qcity.framework.model import Framework

#: Columns of the DataFrames returned by ``observations`` and ``history``.
OBSERVATION_COLUMNS = [
    "unit",
    "indicator",
    "period",
    "value",
    "status",
    "source",
    "flag",
    "revision",
    "recorded_at",
    "entered_by",
]
_KEY = ["unit", "indicator", "period"]
_UNIT_FIXED = ["code", "name_zh", "name_en", "type", "parent_code"]

#: Rows per INSERT round trip; also the granularity of progress reports.
INSERT_CHUNK = 2000

#: Test hook: after this many observation rows are inserted, the importer sleeps inside
#: its open transaction (``QCITY_IMPORT_PAUSE_SECONDS``, default 60) so that a test can
#: kill the process at a known point. Never set it in production.
PAUSE_ENV = "QCITY_IMPORT_PAUSE_AFTER_ROWS"
PAUSE_SECONDS_ENV = "QCITY_IMPORT_PAUSE_SECONDS"

_T = cast(Table, Observation.__table__)
_B = cast(Table, ImportBatch.__table__)
_U = cast(Table, Unit.__table__)
_G = cast(Table, Group.__table__)
_GM = cast(Table, GroupMember.__table__)
_F = cast(Table, FrameworkVersion.__table__)


class StoreError(ValueError):
    """Bad input to the store (unknown unit, malformed period, duplicate key ...)."""


class SchemaNotReadyError(RuntimeError):
    """The database has no qcity tables, or an older schema: run ``qcity db upgrade``."""


class FrameworkConflictError(StoreError):
    """A framework code and version already stored with different YAML text."""


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: rows new to the store, rows revising an earlier value, rows
    equal to the latest revision (nothing written), and the import batch's id."""

    added: int
    revised: int
    unchanged: int
    batch_id: int

    @property
    def written(self) -> int:
        """Rows written (added + revised)."""
        return self.added + self.revised


ProgressCallback = Callable[[int, int], None]


def _utcnow() -> datetime:
    """The current time, aware UTC, to the microsecond."""
    return datetime.now(UTC)


def _as_utc(ts: datetime | None) -> datetime | None:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    if ts is None:
        return None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def _text_or_none(s: pd.Series) -> pd.Series:
    """Strings stripped, with empty strings and missing values as None (object dtype)."""
    text = s.astype("string").str.strip()
    missing = (text.isna() | (text == "").fillna(True)).to_numpy(dtype=bool)
    arr = text.to_numpy(dtype=object).copy()
    arr[missing] = None
    return pd.Series(arr, index=s.index, dtype=object)


def _frame(rows: Sequence[Any], columns: list[str]) -> pd.DataFrame:
    """A DataFrame from result rows; ``recorded_at`` as UTC timestamps (microseconds)."""
    df = pd.DataFrame.from_records([tuple(r) for r in rows], columns=columns)
    for col in ("recorded_at", "created_at", "loaded_at"):
        if col in df:  # naive UTC (raw SQLite text or PostgreSQL timestamps) -> aware UTC
            df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601").astype(
                "datetime64[us, UTC]"
            )
    if "value" in df:
        df["value"] = df["value"].astype("float64")
    if "revision" in df:
        df["revision"] = df["revision"].astype("int64")
    return df


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


class Store:
    """The qcity data store on SQLite or PostgreSQL (URL resolved by ``resolve_url``)."""

    def __init__(self, url: str | None = None) -> None:
        """Open (lazily) the database at ``url``, ``$QCITY_DATABASE_URL`` or
        ``var/qcity.sqlite``."""
        self.url = resolve_url(url)
        self.engine = make_engine(self.url)
        self._is_postgres = self.engine.dialect.name == "postgresql"

    def __repr__(self) -> str:
        """Show the URL without its password."""
        return f"Store({display_url(self.url)!r})"

    def __enter__(self) -> Store:
        """Use as a context manager; connections are released on exit."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Release the connection pool."""
        self.close()

    def close(self) -> None:
        """Release every pooled connection (the store can still be used afterwards)."""
        self.engine.dispose()

    # -- schema ------------------------------------------------------------------------
    def upgrade(self) -> None:
        """Create or migrate the tables to the newest schema (``alembic upgrade head``)."""
        from qcity.data import migrate  # alembic is imported only when needed

        migrate.upgrade(self.engine)

    def schema_revision(self) -> str | None:
        """The Alembic revision the database is at; None if it was never migrated."""
        with self.engine.connect() as conn:
            from qcity.data import migrate

            return migrate.current_revision(conn)

    def check_schema(self) -> None:
        """Raise ``SchemaNotReadyError`` with a hint unless the schema is the newest."""
        from qcity.data import migrate

        current, head = self.schema_revision(), migrate.head_revision()
        if current != head:
            state = "has no qcity tables" if current is None else f"is at revision {current}"
            raise SchemaNotReadyError(
                f"database {display_url(self.url)} {state} (newest is {head}); "
                f"run `qcity db upgrade --db {display_url(self.url)}` first"
            )

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction that serialises writers: ``BEGIN IMMEDIATE`` on SQLite, a
        SHARE ROW EXCLUSIVE lock on observations on PostgreSQL (readers are never blocked)."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                if self._is_postgres:
                    conn.exec_driver_sql("LOCK TABLE observations IN SHARE ROW EXCLUSIVE MODE")
                yield conn

    # -- units and groups ----------------------------------------------------------------
    def add_units(self, df: pd.DataFrame) -> int:
        """Insert or update units (columns code, name_zh, name_en, type, parent_code; any
        other column is an attribute such as region); returns the number of rows."""
        missing = {"code", "name_zh", "type"} - set(df.columns)
        if missing:
            raise StoreError(
                f"units table lacks column(s) {sorted(missing)}; "
                "needed: code, name_zh, name_en, type, parent_code (+ attribute columns)"
            )
        units = pd.DataFrame({c: _text_or_none(df[c]) for c in df.columns}, index=df.index)
        if units["code"].isna().any():
            rows = [int(i) + 2 for i in np.flatnonzero(units["code"].isna())]
            raise StoreError(f"units rows {rows[:10]} have no code (row 1 = header)")
        dup = units["code"][units["code"].duplicated()].unique().tolist()
        if dup:
            raise StoreError(f"unit codes listed twice: {dup[:10]}")
        for col in ("name_zh", "type"):
            if units[col].isna().any():
                bad = units.loc[units[col].isna(), "code"].tolist()[:10]
                raise StoreError(f"units {bad} have no {col}")
        if "name_en" not in units:
            units["name_en"] = None
        units["name_en"] = units["name_en"].where(units["name_en"].notna(), units["name_zh"])
        if "parent_code" not in units:
            units["parent_code"] = None
        attr_cols = [c for c in units.columns if c not in _UNIT_FIXED]
        records = []
        for row in units.to_dict("records"):
            attrs: dict[str, Any] = {}
            for c in attr_cols:
                v = row[c]
                if isinstance(v, dict) and c == "attributes":
                    attrs.update(v)
                elif v is not None:
                    attrs[c] = v
            records.append({**{c: row[c] for c in _UNIT_FIXED}, "attributes": attrs})
        with self._write() as conn:
            existing = {r[0] for r in conn.execute(select(_U.c.code))}
            parents = {r["parent_code"] for r in records if r["parent_code"]}
            unknown = sorted(parents - existing - {r["code"] for r in records})
            if unknown:
                raise StoreError(f"parent_code {unknown[:10]} not known; list the parent units too")
            new = [r for r in records if r["code"] not in existing]
            old = [{**r, "b_code": r["code"]} for r in records if r["code"] in existing]
            if new:
                conn.execute(insert(_U), new)
            if old:
                stmt = (
                    update(_U)
                    .where(_U.c.code == bindparam("b_code"))
                    .values({c: bindparam(c) for c in [*_UNIT_FIXED[1:], "attributes"]})
                )
                conn.execute(stmt, old)
        return len(records)

    def units(self) -> pd.DataFrame:
        """All units: code, name_zh, name_en, type, parent_code, then one column per
        attribute (in the order first seen)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(_U).order_by(_U.c.code)).mappings().all()
        base = pd.DataFrame([{c: r[c] for c in _UNIT_FIXED} for r in rows], columns=_UNIT_FIXED)
        attrs = pd.DataFrame([dict(r["attributes"] or {}) for r in rows], index=base.index)
        return pd.concat([base, attrs], axis=1) if len(attrs.columns) else base

    def add_group(
        self,
        code: str,
        name_zh: str,
        name_en: str,
        members: Iterable[str],
        kind: str = "peer",
    ) -> None:
        """Create or replace the group ``code`` with exactly ``members`` (unit codes)."""
        members = list(dict.fromkeys(members))
        with self._write() as conn:
            known = {r[0] for r in conn.execute(select(_U.c.code))}
            unknown = [m for m in members if m not in known]
            if unknown:
                raise StoreError(f"group {code!r}: unknown unit(s) {unknown[:10]}; add them first")
            g, gm = _G, _GM
            conn.execute(delete(gm).where(gm.c.group_code == code))
            conn.execute(delete(g).where(g.c.code == code))
            conn.execute(
                insert(g), {"code": code, "name_zh": name_zh, "name_en": name_en, "kind": kind}
            )
            if members:
                conn.execute(insert(gm), [{"group_code": code, "unit_code": m} for m in members])

    def groups(self) -> pd.DataFrame:
        """Group memberships: group, unit_code, kind, name_zh, name_en (of the group)."""
        g, gm = _G, _GM
        stmt = (
            select(g.c.code, gm.c.unit_code, g.c.kind, g.c.name_zh, g.c.name_en)
            .join(gm, gm.c.group_code == g.c.code)
            .order_by(g.c.code, gm.c.unit_code)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return _frame(rows, ["group", "unit_code", "kind", "name_zh", "name_en"])

    # -- frameworks ----------------------------------------------------------------------
    def save_framework(self, fw: Framework, yaml_text: str) -> bool:
        """Keep this framework version's YAML; True if stored now, False if the identical
        text was already stored. Different text under the same code and version is refused."""
        digest = hashlib.sha256(yaml_text.encode("utf-8")).hexdigest()
        t = _F
        with self._write() as conn:
            stored = conn.execute(
                select(t.c.sha256).where(t.c.code == fw.code, t.c.version == fw.version)
            ).scalar_one_or_none()
            if stored == digest:
                return False
            if stored is not None:
                raise FrameworkConflictError(
                    f"framework {fw.code!r} version {fw.version!r} is already stored with "
                    "different content; give the changed framework a new version number"
                )
            conn.execute(
                insert(t),
                {
                    "code": fw.code,
                    "version": fw.version,
                    "name_zh": fw.name_zh,
                    "name_en": fw.name_en,
                    "valid_from": fw.valid_from,
                    "valid_to": fw.valid_to,
                    "yaml": yaml_text,
                    "sha256": digest,
                    "loaded_at": _utcnow(),
                },
            )
        return True

    def frameworks(self) -> pd.DataFrame:
        """Every stored framework version (without the YAML text), oldest load first."""
        t = _F
        cols = [
            "code",
            "version",
            "name_zh",
            "name_en",
            "valid_from",
            "valid_to",
            "sha256",
            "loaded_at",
        ]
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*(t.c[c] for c in cols)).order_by(t.c.loaded_at, t.c.id)
            ).all()
        return _frame(rows, cols)

    def framework_text(self, code: str, version: str | None = None) -> str:
        """The YAML text of framework ``code`` at ``version`` (default: the last loaded)."""
        t = _F
        stmt = select(t.c.yaml).where(t.c.code == code)
        if version is not None:
            stmt = stmt.where(t.c.version == version)
        with self.engine.connect() as conn:
            text = conn.execute(stmt.order_by(t.c.loaded_at.desc(), t.c.id.desc())).first()
        if text is None:
            what = f"{code!r}" + (f" version {version!r}" if version else "")
            raise KeyError(f"no framework {what} in the store; save it with save_framework")
        return str(text[0])

    # -- observations: write --------------------------------------------------------------
    def add_observations(
        self,
        df: pd.DataFrame,
        entered_by: str,
        file_name: str | None = None,
        file_sha256: str | None = None,
        *,
        source_format: str = "dataframe",
        framework: Framework | None = None,
        progress: ProgressCallback | None = None,
    ) -> ImportSummary:
        """Add observations (columns unit, indicator, period, value; optional status,
        source, flag) in ONE transaction. A key whose value, status and source equal its
        latest revision is left alone; a changed one gets ``revision + 1``."""
        if not str(entered_by or "").strip():
            raise StoreError("entered_by is required: say who entered the data")
        rows = _prepare_observations(df)
        with self._write() as conn:
            _check_units_known(conn, rows["unit"])
            latest = _latest_for(conn, rows)
            merged = rows.merge(latest, how="left", on=_KEY, suffixes=("", "_old"))
            is_new = merged["revision"].isna().to_numpy()
            same = (
                ~is_new
                & _same_number(merged["value"].to_numpy(), merged["value_old"].to_numpy())
                & (merged["status"] == merged["status_old"]).to_numpy()
                & _same_text(merged["source"], merged["source_old"])
            )
            write = merged[~same].copy()
            write["revision"] = write["revision"].fillna(0).astype("int64") + 1
            now = _next_stamp(conn)
            batch_id = conn.execute(
                insert(_B).returning(_B.c.id),
                {
                    "file_name": file_name,
                    "sha256": file_sha256,
                    "format": source_format,
                    "rows": len(rows),
                    "added": int(is_new.sum()),
                    "revised": int((~is_new & ~same).sum()),
                    "unchanged": int(same.sum()),
                    "framework_code": framework.code if framework else None,
                    "framework_version": framework.version if framework else None,
                    "entered_by": entered_by,
                    "created_at": now,
                },
            ).scalar_one()
            _insert_observations(conn, write, now, entered_by, int(batch_id), progress)
        return ImportSummary(
            added=int(is_new.sum()),
            revised=int((~is_new & ~same).sum()),
            unchanged=int(same.sum()),
            batch_id=int(batch_id),
        )

    # -- observations: read --------------------------------------------------------------
    def observations(
        self,
        as_of: datetime | None = None,
        indicators: Iterable[str] | None = None,
        units: Iterable[str] | None = None,
        periods: Iterable[str] | None = None,
        all_revisions: bool = False,
    ) -> pd.DataFrame:
        """Observations (unit, indicator, period, value, status, source, flag, revision,
        recorded_at, entered_by): the latest revision per key, or every revision; with
        ``as_of`` only rows recorded at or before it, so an earlier state is reproduced."""
        stmt = observations_select(as_of, indicators, units, periods, all_revisions)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return _frame(rows, OBSERVATION_COLUMNS)

    def vintage(self, as_of: datetime | None = None) -> datetime | None:
        """The ``recorded_at`` of the newest observation visible (at ``as_of``): the data
        vintage an evaluation is stamped with. None for an empty store."""
        stmt = select(func.max(_T.c.recorded_at))
        if as_of is not None:
            stmt = stmt.where(_T.c.recorded_at <= _as_utc(as_of))
        with self.engine.connect() as conn:
            value = conn.execute(stmt).scalar_one_or_none()
        return _as_utc(value)

    def history(self, unit: str, indicator: str, period: str) -> pd.DataFrame:
        """Every revision of one value, oldest first, with the file it came from."""
        label = parse_periods(pd.Series([period]))["period"].iloc[0]
        stmt = (
            select(*_observation_columns(), _B.c.file_name, _B.c.id)
            .join(_B, _B.c.id == _T.c.batch_id)
            .where(_T.c.unit_code == unit, _T.c.indicator_code == indicator, _T.c.period == label)
            .order_by(_T.c.revision)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return _frame(rows, [*OBSERVATION_COLUMNS, "file_name", "batch_id"])

    def batches(self) -> pd.DataFrame:
        """The import log: one row per import batch, oldest first."""
        cols = [
            "id",
            "file_name",
            "sha256",
            "format",
            "rows",
            "added",
            "revised",
            "unchanged",
            "framework_code",
            "framework_version",
            "entered_by",
            "created_at",
        ]
        with self.engine.connect() as conn:
            rows = conn.execute(select(*(_B.c[c] for c in cols)).order_by(_B.c.id)).all()
        return _frame(rows, cols)


# -- helpers -----------------------------------------------------------------------------
def _observation_columns() -> list[Any]:
    """The selected observation columns, labelled as in ``OBSERVATION_COLUMNS``."""
    return [
        _T.c.unit_code.label("unit"),
        _T.c.indicator_code.label("indicator"),
        _T.c.period,
        _T.c.value,
        _T.c.status,
        _T.c.source,
        _T.c.flag,
        _T.c.revision,
        type_coerce(_T.c.recorded_at, NullType()).label("recorded_at"),
        _T.c.entered_by,
    ]


def observations_select(
    as_of: datetime | None = None,
    indicators: Iterable[str] | None = None,
    units: Iterable[str] | None = None,
    periods: Iterable[str] | None = None,
    all_revisions: bool = False,
) -> Select[Any]:
    """One SELECT of observations: filters first, then (unless ``all_revisions``) the
    latest revision per key by ``ROW_NUMBER() OVER (PARTITION BY key ORDER BY revision
    DESC) = 1`` (a window function, supported by SQLite >= 3.25 and PostgreSQL)."""
    where = []
    if as_of is not None:
        where.append(_T.c.recorded_at <= _as_utc(as_of))
    if indicators is not None:
        where.append(_T.c.indicator_code.in_(list(indicators)))
    if units is not None:
        where.append(_T.c.unit_code.in_(list(units)))
    if periods is not None:
        labels = parse_periods(pd.Series(list(periods), dtype=object))["period"].tolist()
        where.append(_T.c.period.in_(labels))
    cols = _observation_columns()
    if all_revisions:
        return (
            select(*cols)
            .where(and_(True, *where))
            .order_by(_T.c.unit_code, _T.c.indicator_code, _T.c.period, _T.c.revision)
        )
    rank = (
        func.row_number()
        .over(
            partition_by=(_T.c.unit_code, _T.c.indicator_code, _T.c.period),
            order_by=_T.c.revision.desc(),
        )
        .label("rank")
    )
    inner = select(*cols, rank).where(and_(True, *where)).subquery("ranked")
    return (
        select(*(inner.c[c] for c in OBSERVATION_COLUMNS))
        .where(inner.c["rank"] == 1)
        .order_by(inner.c.unit, inner.c.indicator, inner.c.period)
    )


def _prepare_observations(df: pd.DataFrame) -> pd.DataFrame:
    """Check and normalise an observations DataFrame: required columns, well-formed
    periods, finite values, known statuses, unique keys. Raises ``StoreError``."""
    missing = [c for c in ("unit", "indicator", "period", "value") if c not in df.columns]
    if missing:
        raise StoreError(f"observations lack column(s) {missing}")
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    out["unit"] = _text_or_none(df["unit"]).to_numpy()
    out["indicator"] = _text_or_none(df["indicator"]).to_numpy()
    periods = parse_periods(df["period"].reset_index(drop=True))
    out["period"] = periods["period"].astype(object)
    out["year"] = periods["year"]
    out["quarter"] = periods["quarter"]
    out["value"] = pd.to_numeric(df["value"], errors="coerce").to_numpy(dtype="float64")
    for col, default in (("status", "final"), ("source", None), ("flag", None)):
        vals = _text_or_none(df[col]).to_numpy() if col in df else np.full(len(df), None)
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
    dup = out.duplicated(_KEY, keep=False)
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


def _same_number(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise "the same value": equal to ``SAME_VALUE_RTOL`` (NaN never equals)."""
    with np.errstate(invalid="ignore"):
        return np.asarray(np.isclose(a, b, rtol=SAME_VALUE_RTOL, atol=0.0), dtype=bool)


def _same_text(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Elementwise equality of two text columns where None equals None."""
    a_na, b_na = a.isna().to_numpy(), b.isna().to_numpy()
    eq = (a.astype(object).to_numpy() == b.astype(object).to_numpy()) & ~a_na & ~b_na
    return np.asarray(eq | (a_na & b_na), dtype=bool)


def _check_units_known(conn: Connection, units: pd.Series) -> None:
    """Raise ``StoreError`` naming unit codes that are not in the units table."""
    wanted = set(units.unique())
    known = {r[0] for r in conn.execute(select(_U.c.code))}
    unknown = sorted(wanted - known)
    if unknown:
        raise StoreError(
            f"unknown unit code(s) {unknown[:10]}; add them first (Store.add_units, "
            "`qcity import-units`)"
        )


def _latest_for(conn: Connection, rows: pd.DataFrame) -> pd.DataFrame:
    """The latest stored revision of the indicators in ``rows`` (one query), as columns
    unit, indicator, period, value_old, status_old, source_old, revision."""
    indicators = rows["indicator"].unique().tolist()
    units = rows["unit"].unique().tolist()
    stmt = observations_select(indicators=indicators, units=units if len(units) <= 5000 else None)
    result = conn.execute(stmt).all()
    latest = _frame(result, OBSERVATION_COLUMNS)[
        ["unit", "indicator", "period", "value", "status", "source", "revision"]
    ]
    latest = latest.astype(
        {"unit": object, "indicator": object, "period": object, "status": object, "source": object}
    )
    latest["source"] = latest["source"].where(latest["source"].notna(), None)
    return latest.rename(
        columns={"value": "value_old", "status": "status_old", "source": "source_old"}
    )


def _next_stamp(conn: Connection) -> datetime:
    """The recording time of a new batch: now, but strictly after every stored
    ``recorded_at`` so that revision order and time order never disagree (clock skew)."""
    now = _utcnow()
    newest = _as_utc(conn.execute(select(func.max(_T.c.recorded_at))).scalar_one_or_none())
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
        conn.execute(insert(_T), [dict(zip(names, r, strict=True)) for r in rows])


def _insert_observations(
    conn: Connection,
    write: pd.DataFrame,
    now: datetime,
    entered_by: str,
    batch_id: int,
    progress: ProgressCallback | None,
) -> None:
    """Bulk write of the new rows, ``INSERT_CHUNK`` rows per round trip (progress and the
    pause test hook act between chunks). Values are converted once per column, and the
    batch's timestamp once through the column type (naive UTC)."""
    n = len(write)
    bind = _T.c.recorded_at.type.bind_processor(conn.dialect)
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
        "batch_id": [batch_id] * n,
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
