"""Shared pieces of the store: table handles, column lists, errors and small conversions
used by ``store`` (the Store class) and ``observations`` (the observation queries)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

import pandas as pd
from sqlalchemy import (
    Table,
)

from qcity import errors
from qcity.data.schema import (
    FrameworkVersion,
    Group,
    GroupMember,
    ImportBatch,
    Observation,
    Unit,
    UnitRevision,
)

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
KEY = ["unit", "indicator", "period"]
UNIT_FIXED = ["code", "name_zh", "name_en", "type", "parent_code"]

#: Rows per INSERT round trip; also the granularity of progress reports.
INSERT_CHUNK = 2000

#: Test hook: after this many observation rows are inserted, the importer sleeps inside
#: its open transaction (``QCITY_IMPORT_PAUSE_SECONDS``, default 60) so that a test can
#: kill the process at a known point. Never set it in production.
PAUSE_ENV = "QCITY_IMPORT_PAUSE_AFTER_ROWS"
PAUSE_SECONDS_ENV = "QCITY_IMPORT_PAUSE_SECONDS"

OBS = cast(Table, Observation.__table__)
BATCHES = cast(Table, ImportBatch.__table__)
UNITS = cast(Table, Unit.__table__)
GROUPS = cast(Table, Group.__table__)
MEMBERS = cast(Table, GroupMember.__table__)
FRAMEWORKS = cast(Table, FrameworkVersion.__table__)
UNIT_REVISIONS = cast(Table, UnitRevision.__table__)


class StoreError(errors.InputError, ValueError):
    """Bad input to the store (unknown unit, malformed period, duplicate key ...): an input
    error, not the store being unavailable (that is ``SchemaNotReadyError`` and the kind
    ``qcity.errors.StoreError``)."""


class SchemaNotReadyError(errors.StoreError, RuntimeError):
    """The database has no qcity tables, or an older schema: run ``qcity db upgrade``."""


class FrameworkConflictError(errors.ConflictError, StoreError):
    """A framework code and version already stored with different YAML text."""


def utcnow() -> datetime:
    """The current time, aware UTC, to the microsecond."""
    return datetime.now(UTC)


def as_utc(ts: datetime | None) -> datetime | None:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    if ts is None:
        return None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def text_or_none(s: pd.Series) -> pd.Series:
    """Strings stripped, with empty strings and missing values as None (object dtype)."""
    text = s.astype("string").str.strip()
    missing = (text.isna() | (text == "").fillna(True)).to_numpy(dtype=bool)
    arr = text.to_numpy(dtype=object).copy()
    arr[missing] = None
    return pd.Series(arr, index=s.index, dtype=object)


def text_table(df: pd.DataFrame, what: str, required: set[str], columns: str) -> pd.DataFrame:
    """A units or groups table with every cell as stripped text or None; StoreError naming
    the ``required`` columns it lacks and listing the ``columns`` it may have."""
    missing = required - set(df.columns)
    if missing:
        raise StoreError(f"{what} table lacks column(s) {sorted(missing)}; needed: {columns}")
    return pd.DataFrame({c: text_or_none(df[c]) for c in df.columns}, index=df.index)


def frame_from_rows(rows: Sequence[Any], columns: list[str]) -> pd.DataFrame:
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
