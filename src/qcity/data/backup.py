"""Back up the whole store to one file and restore it, on SQLite or PostgreSQL.

The backup is a zip: ``manifest.json`` (format, qcity version, Alembic revision, and per
table its columns, row count and the sha256 of its data file) and one JSON-lines file per
table, ``tables/<name>.jsonl``. It is driven by ``Base.metadata.sorted_tables``, so a
table added to the schema is backed up and restored without a change here. Values are
written by column type so that they come back exactly: floats as JSON numbers (Python's
shortest repr round-trips every double; NaN and infinities as text), timestamps as ISO
8601 UTC with microseconds, binary as base64, JSON columns as JSON.

A backup is written only to a NEW regular file: an existing file, a symbolic link, a
device or a folder at that path is refused (the zip is written to a fresh temporary file
next to it and linked into place only if the name is still free). A database whose audit
log does not verify (``qcity.data.audit.verify_chain``) is not backed up.

Restore migrates the target to the newest schema, refuses a backup from a newer schema
and a non-empty database (unless ``replace``, which empties it first in the same
transaction), checks every file against the manifest, inserts the tables in dependency
order in one transaction (insert only: triggers refusing UPDATE/DELETE are never hit on
an empty database), moves PostgreSQL's sequences past the restored ids, verifies the
restored audit log's hash chain (a backup whose chain is broken is refused, nothing
restored) and appends the restore's own entry to it. A backup made before the chain
existed (schema 0005) gets its chain computed as migration 0006 does.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import math
import os
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Table,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.exc import DBAPIError

from qcity.data import audit
from qcity.data.engine import display_url
from qcity.data.roles import Actor
from qcity.data.schema import Base
from qcity.data.store import Store
from qcity.data.tables import StoreError

#: ``format`` of the manifest, and the version of this layout.
FORMAT = "qcity-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: Rows per INSERT round trip and per progress report.
CHUNK = 2000

#: Called with (rows done, rows in all) while a backup or restore runs.
Progress = Callable[[int, int], None]


class BackupError(StoreError):
    """A backup that cannot be written or restored (corrupt, newer schema, non-empty db)."""


@dataclass(frozen=True)
class BackupSummary:
    """What a backup or restore did: rows per table, the schema revision."""

    tables: dict[str, int]
    revision: str | None

    @property
    def rows(self) -> int:
        """Rows in all tables."""
        return sum(self.tables.values())


def tables() -> list[Table]:
    """Every table of the schema, parents before children."""
    return list(Base.metadata.sorted_tables)


# -- encoding by column type -------------------------------------------------------------


def _kind(column: Column[Any]) -> str:
    """How a column's values are written: float, time, binary, json or plain."""
    t = column.type
    impl = getattr(t, "impl", t)
    if isinstance(t, JSON) or isinstance(impl, JSON):
        return "json"
    if isinstance(impl, DateTime):
        return "time"
    if isinstance(impl, LargeBinary):
        return "binary"
    if isinstance(impl, Float):
        return "float"
    return "plain"


def _encode(kind: str, value: Any) -> Any:
    """A column value as JSON-compatible data that decodes back to the same value."""
    if value is None:
        return None
    if kind == "float":
        f = float(value)
        return f if math.isfinite(f) else repr(f)  # 'nan', 'inf', '-inf'
    if kind == "time":
        when: datetime = value if value.tzinfo else value.replace(tzinfo=UTC)
        return when.astimezone(UTC).isoformat(timespec="microseconds")
    if kind == "binary":
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decode(kind: str, value: Any) -> Any:
    """The value ``_encode`` wrote, back as the column's Python type."""
    if value is None:
        return None
    if kind == "float":
        return float(value)
    if kind == "time":
        return datetime.fromisoformat(value)
    if kind == "binary":
        return base64.b64decode(value)
    return value


# -- backup ----------------------------------------------------------------------------


def check_target(out: Path) -> None:
    """Refuse (``BackupError``) any path that is not free for a new file: an existing
    file, a symbolic link (even a dangling one), a device, pipe or socket, a folder, or a
    path whose folder does not exist."""
    try:
        info = out.lstat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise BackupError(f"{out}: cannot be checked ({exc.strerror})") from None
    hint = "; name a new file, e.g. backups/qcity-YYYY-MM-DD.zip / 请给出新的文件名"
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            what = "is a symbolic link; a backup never follows one"
        elif stat.S_ISDIR(info.st_mode):
            what = "is a folder"
        elif stat.S_ISREG(info.st_mode):
            what = "already exists; a backup never overwrites a file"
        else:
            what = "is a device, pipe or socket, not a new file"
        raise BackupError(f"{out} {what}{hint}")
    if not out.parent.is_dir():
        raise BackupError(f"{out}: folder {out.parent} does not exist / 目录不存在")


def _chain_or_refuse(conn: Connection, where: str) -> audit.ChainCheck:
    """The audit log's chain check; ``BackupError`` naming the first broken entry."""
    check = audit.verify_chain(conn)
    if not check.ok:
        raise BackupError(
            f"{where}: the audit log does not verify: {check.reason}. The database was "
            "changed outside qcity; `qcity audit-log verify` names the entry. Nothing "
            "written / 审计日志校验失败"
        )
    return check


def _link_into_place(partial: Path, out: Path) -> None:
    """Give the finished ``partial`` the name ``out`` only if that name is still free
    (a hard link fails on an existing name); rename where links are not supported."""
    try:
        os.link(partial, out)
    except FileExistsError:
        raise BackupError(f"{out} appeared while the backup ran; nothing overwritten") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EMLINK):
            raise
        check_target(out)
        partial.replace(out)


def backup(store: Store, out: Path, progress: Progress | None = None) -> BackupSummary:
    """Write every table of ``store`` to the NEW zip file ``out`` (see ``check_target``),
    after verifying the audit log's chain. The zip is written to a fresh temporary file
    next to it and linked into place at the end, so that a failure leaves nothing."""
    from qcity import __version__

    check_target(out)
    store.check_schema()
    revision = store.schema_revision()
    counts: dict[str, int] = {}
    manifest_tables: dict[str, Any] = {}
    with store.engine.connect() as conn:
        conn = conn.execution_options(sqlite_begin="DEFERRED")
        with conn.begin():  # one snapshot of every table (PostgreSQL: repeatable read)
            if store.engine.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            chain = _chain_or_refuse(conn, display_url(store.url))
            total = sum(_count(conn, t) for t in tables())
            done = 0
            fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
            partial = Path(name)
            try:
                with (
                    os.fdopen(fd, "w+b") as fh,
                    zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf,
                ):
                    for table in tables():
                        name = f"tables/{table.name}.jsonl"
                        digest = hashlib.sha256()
                        n = 0
                        with zf.open(name, "w", force_zip64=True) as raw:
                            for line in _rows_as_lines(conn, table):
                                raw.write(line)
                                digest.update(line)
                                n += 1
                                if progress is not None and n % CHUNK == 0:
                                    progress(done + n, total)
                        done += n
                        counts[table.name] = n
                        manifest_tables[table.name] = {
                            "file": name,
                            "rows": n,
                            "sha256": digest.hexdigest(),
                            "columns": [c.name for c in table.columns],
                        }
                    manifest = {
                        "format": FORMAT,
                        "format_version": FORMAT_VERSION,
                        "qcity_version": __version__,
                        "alembic_revision": revision,
                        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                        "audit_entries": chain.entries,
                        "audit_head": chain.head,
                        "tables": manifest_tables,
                    }
                    zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
                _link_into_place(partial, out)
            finally:
                partial.unlink(missing_ok=True)
    if progress is not None:
        progress(done, total)
    return BackupSummary(counts, revision)


def _count(conn: Connection, table: Table) -> int:
    """Rows in ``table``."""
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _rows_as_lines(conn: Connection, table: Table) -> Iterator[bytes]:
    """Every row of ``table`` in primary-key order as one JSON line (UTF-8)."""
    kinds = [(c.name, _kind(c)) for c in table.columns]
    order = list(table.primary_key.columns) or list(table.columns)
    result = conn.execution_options(yield_per=CHUNK).execute(select(table).order_by(*order))
    for row in result:
        record = {name: _encode(kind, row._mapping[name]) for name, kind in kinds}
        yield (json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


# -- restore ---------------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of the backup ``path``; ``BackupError`` naming the file when it is
    not a readable qcity backup."""
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BackupError(f"{path} is a folder; give the backup file") from None
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise BackupError(
            f"{path.name}: not a qcity backup, or damaged / 不是完整的备份文件 ({exc})"
        ) from None
    except KeyError:
        raise BackupError(
            f"{path.name}: not a qcity backup (no {MANIFEST}) / 不是备份文件"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{path.name}: its {MANIFEST} is damaged ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path.name}: not a qcity backup (format is not {FORMAT!r})")
    if not isinstance(manifest.get("tables"), dict):
        raise BackupError(f"{path.name}: its {MANIFEST} lists no tables")
    return manifest


def _check_revision(path: Path, revision: str | None) -> None:
    """Refuse a backup made with a schema this qcity does not know (a newer qcity)."""
    from alembic.script import ScriptDirectory

    from qcity.data.migrate import alembic_config, head_revision

    script = ScriptDirectory.from_config(alembic_config())
    known = {r.revision for r in script.walk_revisions()}
    if revision is not None and revision not in known:
        raise BackupError(
            f"{path.name}: the backup is from a newer database schema (revision {revision}; "
            f"this qcity knows up to {head_revision()}): upgrade qcity, then restore / "
            "备份来自更新版本的数据库结构，请先升级 qcity"
        )


#: Who a restore is recorded as when the caller names no one.
RESTORE_ACTOR = "qcity restore"


def restore(
    store: Store,
    path: Path,
    *,
    replace: bool = False,
    progress: Progress | None = None,
    by: Actor | str = RESTORE_ACTOR,
) -> BackupSummary:
    """Restore the backup ``path`` into ``store`` in one transaction (see the module); the
    restore is recorded in the audit log as done by ``by``."""
    manifest = read_manifest(path)
    _check_revision(path, manifest.get("alembic_revision"))
    known = {t.name: t for t in tables()}
    unknown = sorted(set(manifest["tables"]) - set(known))
    if unknown:
        raise BackupError(
            f"{path.name}: tables {unknown} are not in this qcity's schema; "
            "upgrade qcity, then restore"
        )
    for name, info in manifest["tables"].items():
        extra = sorted(set(info.get("columns", [])) - {c.name for c in known[name].columns})
        if extra:
            raise BackupError(f"{path.name}: table {name} has columns {extra} unknown here")
    store.upgrade()
    total = sum(int(info.get("rows", 0)) for info in manifest["tables"].values())
    counts: dict[str, int] = {}
    with store.engine.connect() as conn:
        conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin(), zipfile.ZipFile(path) as zf:
            filled = [t.name for t in tables() if _count(conn, t)]
            if filled and not replace:
                raise BackupError(
                    f"{display_url(store.url)} is not empty (tables {', '.join(filled)} hold "
                    "rows); restore into a new database, or add --replace to empty it first / "
                    "目标数据库非空；请使用新数据库，或加 --replace 先清空"
                )
            if filled:
                _refuse_if_audited(conn, store)
                _empty(conn, store)
            done = 0
            for table in tables():
                info = manifest["tables"].get(table.name)
                if info is None:
                    counts[table.name] = 0
                    continue
                n = _restore_table(conn, zf, path, table, info, done, total, progress)
                counts[table.name] = n
                done += n
            if store.engine.dialect.name == "postgresql":
                _reset_sequences(conn)
            chain = _chain_or_refuse(conn, path.name)
            audit.record(
                conn,
                by,
                "backup.restore",
                "database",
                path.name,
                None,
                {
                    "file": path.name,
                    "backup_created_at": manifest.get("created_at"),
                    "revision": manifest.get("alembic_revision"),
                    "rows": done,
                    "audit_entries": chain.entries,
                    "audit_head": chain.head,
                    "replace": replace,
                },
            )
    if progress is not None:
        progress(done, total)
    return BackupSummary(counts, manifest.get("alembic_revision"))


#: The append-only table ``--replace`` never empties (``qcity.data.audit``).
AUDIT_TABLE = "audit_log"


def _refuse_if_audited(conn: Connection, store: Store) -> None:
    """``--replace`` would throw away the target's audit log, which is append-only: refuse
    (before anything changes) when it holds entries."""
    audit = next((t for t in tables() if t.name == AUDIT_TABLE), None)
    entries = _count(conn, audit) if audit is not None else 0
    if entries:
        raise BackupError(
            f"{display_url(store.url)} holds an audit log of {entries} entr"
            f"{'y' if entries == 1 else 'ies'}, which is append-only: --replace would "
            "delete it. Restore into a new database and point QCITY_DATABASE_URL at it / "
            "目标库有审计日志（只可追加），不能清空；请恢复到新数据库"
        )


def _empty(conn: Connection, store: Store) -> None:
    """Remove every row inside the restore's transaction (the audit log is empty: see
    ``_refuse_if_audited``): PostgreSQL ``TRUNCATE``, SQLite ``DELETE`` children first (a
    trigger refusing it stops the restore, nothing changed)."""
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(  # the schema's own table names; the empty audit log is left
        quote(t.name) for t in tables() if t.name != AUDIT_TABLE
    )
    try:
        if store.engine.dialect.name == "postgresql":
            conn.exec_driver_sql(f"TRUNCATE TABLE {names}")  # sql-safe: names from the schema
            return
        for table in reversed(tables()):
            conn.execute(delete(table))
    except DBAPIError as exc:
        raise BackupError(
            f"{display_url(store.url)} cannot be emptied for --replace ({_first(exc)}); "
            "restore into a new database instead / 无法清空目标库，请恢复到新数据库"
        ) from None


def _first(exc: DBAPIError) -> str:
    """The first line of a database error's own message."""
    text = str(exc.orig if exc.orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _restore_table(
    conn: Connection,
    zf: zipfile.ZipFile,
    path: Path,
    table: Table,
    info: dict[str, Any],
    done: int,
    total: int,
    progress: Progress | None,
) -> int:
    """Insert the rows of ``table`` from the backup, checking them against the manifest."""
    kinds = {c.name: _kind(c) for c in table.columns}
    link = _chainer(table, info)
    digest = hashlib.sha256()
    n = 0
    batch: list[dict[str, Any]] = []
    try:
        raw: IO[bytes] = zf.open(str(info["file"]))
    except KeyError:
        raise BackupError(
            f"{path.name}: {info.get('file')} is missing; the backup is damaged"
        ) from None
    try:
        with raw:
            for line in raw:
                digest.update(line)
                n += 1
                try:
                    record = json.loads(line)
                    row = {k: _decode(kinds[k], v) for k, v in record.items()}
                    batch.append(link(row) if link is not None else row)
                except (json.JSONDecodeError, KeyError, ValueError, TypeError) as exc:
                    raise BackupError(
                        f"{path.name}: {info['file']} line {n} is damaged ({exc})"
                    ) from None
                if len(batch) >= CHUNK:
                    conn.execute(insert(table), batch)
                    batch = []
                    if progress is not None:
                        progress(done + n, total)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise BackupError(f"{path.name}: {info['file']} is damaged ({exc})") from None
    if digest.hexdigest() != info.get("sha256") or n != info.get("rows"):
        raise BackupError(
            f"{path.name}: {info['file']} does not match the manifest ({n} rows, expected "
            f"{info.get('rows')}; sha256 differs or not); the backup is damaged, nothing restored"
        )
    if batch:
        conn.execute(insert(table), batch)
    return n


def _chainer(
    table: Table, info: dict[str, Any]
) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """For an audit log backed up before the hash chain existed (no ``hash`` column in the
    manifest): a function giving each row, in the file's id order, its place in the chain,
    as migration 0006 does for a database. Other tables: None."""
    if table.name != AUDIT_TABLE or "hash" in info.get("columns", []):
        return None
    prev = [audit.GENESIS]

    def link(row: dict[str, Any]) -> dict[str, Any]:
        digest = audit.entry_hash(row, prev[0])
        linked = {**row, "prev_hash": prev[0], "hash": digest}
        prev[0] = digest
        return linked

    return link


def _reset_sequences(conn: Connection) -> None:
    """Move every serial/identity sequence past the largest restored id (PostgreSQL)."""
    for table in tables():
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer) or pk[0].autoincrement is False:
            continue
        col = pk[0]
        seq = func.pg_get_serial_sequence(table.name, col.name)
        has_seq = conn.execute(select(seq)).scalar_one()
        if has_seq is None:
            continue
        top = select(func.max(col)).scalar_subquery()
        conn.execute(select(func.setval(seq, func.coalesce(top, 1), top.is_not(None))))
