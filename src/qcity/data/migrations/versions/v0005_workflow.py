"""The department data workflow and the audit log: ``observations.review`` (existing rows
are approved: the operator imported them), ``value_reviews`` (submitted / approved /
rejected events) and ``audit_log`` (append-only: triggers refuse UPDATE and DELETE).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from qcity.data.schema import BigId, UtcDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REFUSAL = "audit_log is append-only: rows are never updated or deleted / 审计日志只可追加"

#: SQLite: one trigger per refused statement.
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END"
    for verb in ("UPDATE", "DELETE")
]

#: PostgreSQL: one function raising, called before UPDATE, DELETE (per row) and TRUNCATE.
POSTGRES_TRIGGERS = [
    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{_REFUSAL}'; END $$",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
]


def upgrade() -> None:
    """Add the review column, the review events and the audit log with its triggers."""
    with op.batch_alter_table("observations") as batch:
        batch.add_column(
            sa.Column("review", sa.String(16), nullable=False, server_default="approved")
        )
        batch.create_check_constraint(
            "review", "review IN ('draft', 'submitted', 'approved', 'rejected')"
        )
    op.create_table(
        "value_reviews",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("observation_id", BigId, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "state IN ('submitted', 'approved', 'rejected')", name=op.f("ck_value_reviews_state")
        ),
        sa.ForeignKeyConstraint(
            ["observation_id"],
            ["observations.id"],
            name=op.f("fk_value_reviews_observation_id_observations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_value_reviews")),
        sa.UniqueConstraint(
            "observation_id", "state", name=op.f("uq_value_reviews_observation_id_state")
        ),
    )
    op.create_index("ix_value_reviews_state_at", "value_reviews", ["state", "at"])
    op.create_table(
        "audit_log",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("key", sa.String(500), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_entity_key", "audit_log", ["entity", "key"])
    dialect = op.get_bind().dialect.name
    for sql in POSTGRES_TRIGGERS if dialect == "postgresql" else SQLITE_TRIGGERS:
        op.execute(sql)


def downgrade() -> None:
    """Drop the audit log (triggers with it), the review events and the review column."""
    op.drop_table("audit_log")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    op.drop_table("value_reviews")
    with op.batch_alter_table("observations") as batch:
        batch.drop_constraint("review", type_="check")
        batch.drop_column("review")
