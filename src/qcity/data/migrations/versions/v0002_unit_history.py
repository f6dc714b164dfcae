"""Unit history: the append-only table unit_revisions, started for the units already stored.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from qcity.data.schema import BigId, UtcDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: ``entered_by`` of the revision 1 that starts the history of a unit stored before 0002.
MIGRATION_USER = "qcity db upgrade (0002)"


def upgrade() -> None:
    """Create ``unit_revisions`` and give every stored unit its revision 1."""
    table = op.create_table(
        "unit_revisions",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("parent_code", sa.String(64), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("entered_by", sa.String(200), nullable=False),
        sa.CheckConstraint("revision >= 1", name=op.f("ck_unit_revisions_revision")),
        sa.ForeignKeyConstraint(
            ["code"], ["units.code"], name=op.f("fk_unit_revisions_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_revisions")),
        sa.UniqueConstraint("code", "revision", name=op.f("uq_unit_revisions_code_revision")),
    )
    op.create_index("ix_unit_revisions_recorded_at", "unit_revisions", ["recorded_at"])
    if op.get_context().as_sql:  # offline SQL script: no existing rows to read
        return
    _start_history(table)


def _start_history(table: sa.Table) -> None:
    """Revision 1 of every stored unit, dated at the earliest activity the database shows
    (first observation, import or framework; now if none): the unit existed by then."""
    conn = op.get_bind()
    units = sa.table(
        "units",
        sa.column("code"),
        sa.column("name_zh"),
        sa.column("name_en"),
        sa.column("type"),
        sa.column("parent_code"),
        sa.column("attributes", sa.JSON()),
    )
    rows = conn.execute(sa.select(units).order_by(units.c.code)).mappings().all()
    if not rows:
        return
    since = datetime.now(UTC)
    for name, col in (
        ("observations", "recorded_at"),
        ("import_batches", "created_at"),
        ("frameworks", "loaded_at"),
    ):
        column = sa.column(col, UtcDateTime())
        first = conn.execute(sa.select(sa.func.min(column)).select_from(sa.table(name))).scalar()
        if first is not None and first < since:
            since = first
    op.bulk_insert(
        table,
        [
            {
                **dict(r),
                "attributes": r["attributes"] or {},
                "revision": 1,
                "changes": {},
                "recorded_at": since,
                "entered_by": MIGRATION_USER,
            }
            for r in rows
        ],
    )


def downgrade() -> None:
    """Drop the unit history (the units themselves stay)."""
    op.drop_index("ix_unit_revisions_recorded_at", table_name="unit_revisions")
    op.drop_table("unit_revisions")
