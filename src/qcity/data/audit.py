"""The audit log: every change made through qcity — values entered, submitted, approved,
rejected; imports; framework versions loaded; runs stored and published — as one row
(when, who, what, to which entity and key, before and after), appended in the SAME
transaction as the change, so that a change and its record stand or fall together.

The log is append-only: qcity offers no way to edit or delete it, and the database itself
refuses UPDATE and DELETE on ``audit_log`` (triggers of migration 0005, on SQLite and on
PostgreSQL). It can be read (``read_log``) and exported (``qcity audit-log export``).

It is also tamper-evident (migration 0006): each entry carries ``prev_hash``, the ``hash``
of the entry before it (``GENESIS`` for the first), and its own ``hash``, the sha256 of
``prev_hash`` and the entry's canonical text (``canonical``: sorted-key compact JSON of its
fields, the time as ISO 8601 UTC with microseconds). The text is built from the values as
the database gives them back, so the chain verifies the same on SQLite and PostgreSQL and
after a backup is restored on either. ``verify_chain`` walks the log in id order and names
the first entry that breaks it (``qcity audit-log verify``). Appends are serialised so the
chain never forks: PostgreSQL takes a SHARE ROW EXCLUSIVE lock on ``audit_log`` (one
appender at a time, readers not blocked) before reading the last hash; SQLite allows one
writer at a time anyway.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

import pandas as pd
from sqlalchemy import Connection, Engine, Table, insert, select

from qcity.data.roles import Actor
from qcity.data.schema import AuditEntry
from qcity.data.tables import as_utc, frame_from_rows, utcnow

AUDIT = cast(Table, AuditEntry.__table__)

#: ``prev_hash`` of the first entry of the log.
GENESIS = "0" * 64
#: The fields an entry's hash covers (everything but its id and the hashes).
CHAINED = ("at", "actor", "user_id", "via", "action", "entity", "key", "before", "after")
#: Rows read at a time while the chain is verified.
VERIFY_CHUNK = 5000

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
    _append(conn, [_row(a, action, entity, key, before, after, at)])


def record_many(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Append many rows made by ``entry`` at once (one executemany), same transaction."""
    if rows:
        _append(conn, rows)


def _append(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Chain ``rows`` onto the last entry and insert them, in order, inside ``conn``'s
    transaction. On PostgreSQL the lock (held to the end of the transaction) makes a
    second appender wait until this one has committed, then read the new last hash."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE")
    last = conn.execute(select(AUDIT.c.hash).order_by(AUDIT.c.id.desc()).limit(1))
    prev = last.scalar_one_or_none() or GENESIS
    chained = []
    for row in rows:
        digest = entry_hash(row, prev)
        chained.append({**row, "prev_hash": prev, "hash": digest})
        prev = digest
    conn.execute(insert(AUDIT), chained)


def canonical(row: Mapping[Any, Any]) -> str:
    """The text an entry's hash covers: its ``CHAINED`` fields as compact JSON with sorted
    keys, the time as ISO 8601 UTC to the microsecond (as either database stores it)."""
    at = as_utc(row["at"])
    if at is None:
        raise ValueError("an audit entry without a time")
    body = {name: row[name] for name in CHAINED}
    body["at"] = at.isoformat(timespec="microseconds")
    body["user_id"] = None if row["user_id"] is None else int(row["user_id"])
    return json.dumps(
        body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


def entry_hash(row: Mapping[Any, Any], prev_hash: str) -> str:
    """sha256 (hex) of ``prev_hash``, a newline and the entry's ``canonical`` text."""
    text = f"{prev_hash}\n{canonical(row)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    """What ``verify_chain`` found: entries read, the last hash, and the first entry that
    breaks the chain (its id and why), if any."""

    entries: int
    head: str
    broken_id: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        """True when every entry is linked and matches its hash."""
        return self.broken_id is None


def check_rows(rows: Iterable[Mapping[Any, Any]]) -> ChainCheck:
    """Walk audit rows in id order (each with ``id``, ``CHAINED``, ``prev_hash``, ``hash``)
    and stop at the first broken link."""
    prev, prev_id, n = GENESIS, None, 0
    for row in rows:
        n += 1
        rid = int(row["id"])
        if row["prev_hash"] != prev:
            after = "the start of the log" if prev_id is None else f"entry {prev_id}"
            return ChainCheck(
                n,
                prev,
                rid,
                f"entry {rid} does not follow {after}: its prev_hash is not that entry's "
                "hash (an entry was removed, inserted or rewritten with a new hash)",
            )
        if row["hash"] != entry_hash(row, prev):
            return ChainCheck(
                n,
                prev,
                rid,
                f"entry {rid} was changed after it was written: its content no longer "
                "matches its hash",
            )
        prev, prev_id = str(row["hash"]), rid
    return ChainCheck(n, prev)


def verify_chain(conn: Connection) -> ChainCheck:
    """Check the whole audit log of ``conn``'s database (read in chunks, id order)."""
    cols = [AUDIT.c.id, *(AUDIT.c[c] for c in CHAINED), AUDIT.c.prev_hash, AUDIT.c.hash]
    stmt = select(*cols).order_by(AUDIT.c.id).execution_options(yield_per=VERIFY_CHUNK)
    result = conn.execute(stmt)  # options on the statement: ``conn`` stays as it was
    return check_rows(r._mapping for r in result)


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
        "at": _when(at),
        "actor": a.name,
        "user_id": a.user_id,
        "via": a.via,
        "action": action,
        "entity": entity,
        "key": str(key)[:500],
        "before": _plain(before),
        "after": _plain(after),
    }


def _when(at: datetime | None) -> datetime:
    """The entry's time as aware UTC to the microsecond (what both databases keep)."""
    if at is None:
        return utcnow()
    if isinstance(at, pd.Timestamp):
        at = at.to_pydatetime(warn=False)
    return cast(datetime, as_utc(at))


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


__all__ = [
    "AUDIT",
    "AUDIT_COLUMNS",
    "GENESIS",
    "ChainCheck",
    "canonical",
    "check_rows",
    "entry",
    "entry_hash",
    "read_log",
    "record",
    "record_many",
    "verify_chain",
    "who",
]
