"""The audit log: every change made through qcity — values entered, submitted, approved,
rejected; imports; framework versions loaded; runs stored and published — as one row
(when, who, what, to which entity and key, before and after), appended in the SAME
transaction as the change, so that a change and its record stand or fall together.

The log is append-only: qcity offers no way to edit or delete it, and the database itself
refuses UPDATE and DELETE on ``audit_log`` (triggers of migration 0005, on SQLite and on
PostgreSQL). It can be read (``read_log``) and exported (``qcity audit-log export``).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any, cast

import pandas as pd
from sqlalchemy import Connection, Engine, Table, insert, select

from qcity.data.roles import Actor
from qcity.data.schema import AuditEntry
from qcity.data.tables import as_utc, frame_from_rows, utcnow

AUDIT = cast(Table, AuditEntry.__table__)

#: Columns of the frame ``read_log`` returns (and of the export).
AUDIT_COLUMNS = [
    "id",
    "at",
    "actor",
    "user_id",
    "via",
    "action",
    "entity",
    "key",
    "before",
    "after",
]


def _plain(value: Any) -> Any:
    """``value`` as JSON-ready Python: timestamps as ISO text, numpy scalars as Python,
    NaN as None (JSON has no NaN)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def who(actor: Actor | str) -> Actor:
    """An ``Actor`` for ``actor``; a bare name is the CLI operator of that name."""
    if isinstance(actor, Actor):
        return actor
    return Actor(name=str(actor), role="operator", via="cli")


def record(
    conn: Connection,
    actor: Actor | str,
    action: str,
    entity: str,
    key: str,
    before: Any = None,
    after: Any = None,
    *,
    at: datetime | None = None,
) -> None:
    """Append one row to the audit log inside the caller's transaction ``conn``."""
    a = who(actor)
    conn.execute(insert(AUDIT), [_row(a, action, entity, key, before, after, at)])


def record_many(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Append many rows made by ``entry`` at once (one executemany), same transaction."""
    if rows:
        conn.execute(insert(AUDIT), rows)


def entry(
    actor: Actor | str,
    action: str,
    entity: str,
    key: str,
    before: Any = None,
    after: Any = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """One audit row as a dict, for ``record_many``."""
    return _row(who(actor), action, entity, key, before, after, at)


def _row(
    a: Actor, action: str, entity: str, key: str, before: Any, after: Any, at: datetime | None
) -> dict[str, Any]:
    return {
        "at": at or utcnow(),
        "actor": a.name,
        "user_id": a.user_id,
        "via": a.via,
        "action": action,
        "entity": entity,
        "key": str(key)[:500],
        "before": _plain(before),
        "after": _plain(after),
    }


def read_log(
    engine: Engine,
    *,
    entity: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The audit log, newest first (``AUDIT_COLUMNS``), optionally of one entity or action,
    since a time, at most ``limit`` rows."""
    stmt = select(*(AUDIT.c[c] for c in AUDIT_COLUMNS)).order_by(AUDIT.c.id.desc())
    if entity:
        stmt = stmt.where(AUDIT.c.entity == entity)
    if action:
        stmt = stmt.where(AUDIT.c.action == action)
    if since is not None:
        stmt = stmt.where(AUDIT.c.at >= as_utc(since))
    if limit is not None:
        stmt = stmt.limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    out = frame_from_rows(rows, AUDIT_COLUMNS)
    out["at"] = pd.to_datetime(out["at"], utc=True)
    return out


__all__ = ["AUDIT", "AUDIT_COLUMNS", "entry", "read_log", "record", "record_many", "who"]
