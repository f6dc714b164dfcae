"""Trust: the audit log becomes a hash chain (``prev_hash``, ``hash``, filled for the
entries already there), and the rows of a published run become immutable in the database
itself (triggers refuse UPDATE and DELETE of ``runs``, ``run_scores``, ``run_weights`` and
``run_files`` rows of a published run; on PostgreSQL also TRUNCATE while one exists).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from qcity.data.audit import AUDIT, CHAINED, GENESIS, entry_hash
from qcity.data.migrations.versions.v0005_workflow import SQLITE_TRIGGERS as AUDIT_SQLITE

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REFUSAL = "a published run is never changed or deleted / 已发布的评价结果不可修改或删除"
#: The tables whose rows belong to a run (``run_id``), besides ``runs`` itself.
RUN_CHILDREN = ("run_scores", "run_weights", "run_files")


def _published(ref: str) -> str:
    """SQL: the run ``ref`` (e.g. ``OLD.run_id``) is published."""
    return f"(SELECT status FROM runs WHERE id = {ref}) = 'published'"


def _sqlite_trigger(name: str, verb: str, table: str, when: str) -> str:
    return (
        f"CREATE TRIGGER {name} BEFORE {verb} ON {table} WHEN {when} "
        f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END"
    )


#: SQLite: one trigger per table and refused statement, each with its condition.
SQLITE_TRIGGERS = [
    _sqlite_trigger("runs_published_no_update", "UPDATE", "runs", "OLD.status = 'published'"),
    _sqlite_trigger("runs_published_no_delete", "DELETE", "runs", "OLD.status = 'published'"),
    *(
        _sqlite_trigger(
            f"{t}_published_no_update",
            "UPDATE",
            t,
            f"{_published('OLD.run_id')} OR {_published('NEW.run_id')}",
        )
        for t in RUN_CHILDREN
    ),
    *(
        _sqlite_trigger(f"{t}_published_no_delete", "DELETE", t, _published("OLD.run_id"))
        for t in RUN_CHILDREN
    ),
]
SQLITE_TRIGGER_NAMES = [sql.split()[2] for sql in SQLITE_TRIGGERS]

#: PostgreSQL: one function for every run table; per row for UPDATE and DELETE, per
#: statement for TRUNCATE (refused while any run is published).
POSTGRES_FUNCTION = f"""
CREATE FUNCTION run_published_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF EXISTS (SELECT 1 FROM runs WHERE status = 'published') THEN
            RAISE EXCEPTION '{_REFUSAL}';
        END IF;
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'runs' THEN
        IF OLD.status = 'published' THEN
            RAISE EXCEPTION '{_REFUSAL} (run %)', OLD.id;
        END IF;
    ELSIF EXISTS (SELECT 1 FROM runs WHERE id = OLD.run_id AND status = 'published')
        OR (TG_OP = 'UPDATE' AND EXISTS (
            SELECT 1 FROM runs WHERE id = NEW.run_id AND status = 'published')) THEN
        RAISE EXCEPTION '{_REFUSAL} (run %)', OLD.run_id;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$
"""
POSTGRES_TRIGGERS = [
    POSTGRES_FUNCTION,
    *(
        f"CREATE TRIGGER {t}_published_immutable BEFORE UPDATE OR DELETE ON {t} "
        "FOR EACH ROW EXECUTE FUNCTION run_published_immutable()"
        for t in ("runs", *RUN_CHILDREN)
    ),
    *(
        f"CREATE TRIGGER {t}_published_no_truncate BEFORE TRUNCATE ON {t} "
        "FOR EACH STATEMENT EXECUTE FUNCTION run_published_immutable()"
        for t in ("runs", *RUN_CHILDREN)
    ),
]


def _fill_chain(conn: sa.Connection) -> None:
    """Give every existing audit entry its place in the chain, in id order. The
    append-only triggers are lifted for these updates only (same transaction)."""
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
    else:
        for name in ("audit_log_no_update", "audit_log_no_delete"):
            conn.exec_driver_sql(f"DROP TRIGGER {name}")  # sql-safe: names fixed here
    cols = [AUDIT.c.id, *(AUDIT.c[c] for c in CHAINED)]
    rows = conn.execute(sa.select(*cols).order_by(AUDIT.c.id)).mappings().all()
    prev, updates = GENESIS, []
    for row in rows:
        digest = entry_hash(row, prev)
        updates.append({"row_id": row["id"], "new_prev": prev, "new_hash": digest})
        prev = digest
    if updates:
        stmt = (
            sa.update(AUDIT)
            .where(AUDIT.c.id == sa.bindparam("row_id"))
            .values(prev_hash=sa.bindparam("new_prev"), hash=sa.bindparam("new_hash"))
        )
        conn.execute(stmt, updates)
    if postgres:
        conn.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change")
    else:
        for sql in AUDIT_SQLITE:
            conn.exec_driver_sql(sql)


def upgrade() -> None:
    """Add and fill the hash chain; make published runs immutable."""
    op.add_column("audit_log", sa.Column("prev_hash", sa.String(64), nullable=True))
    op.add_column("audit_log", sa.Column("hash", sa.String(64), nullable=True))
    conn = op.get_bind()
    _fill_chain(conn)
    for sql in POSTGRES_TRIGGERS if conn.dialect.name == "postgresql" else SQLITE_TRIGGERS:
        op.execute(sql)


def downgrade() -> None:
    """Drop the run triggers and the chain columns (the append-only triggers stay)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS run_published_immutable() CASCADE")
        op.drop_column("audit_log", "hash")
        op.drop_column("audit_log", "prev_hash")
        return
    for name in SQLITE_TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")  # sql-safe: names fixed here
    for name in ("audit_log_no_update", "audit_log_no_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")  # sql-safe: names fixed here
    with op.batch_alter_table("audit_log") as batch:  # SQLite copies the table
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
    for sql in AUDIT_SQLITE:
        op.execute(sql)
