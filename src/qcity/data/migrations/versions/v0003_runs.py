"""Stored evaluation runs: runs, run_scores, run_weights, run_files.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from qcity.data.schema import BigId, UtcDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _run_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["run_id"], ["runs.id"], name=op.f(f"fk_{table}_run_id_runs"), ondelete="CASCADE"
    )


def upgrade() -> None:
    """Create the run tables."""
    op.create_table(
        "runs",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("published_at", UtcDateTime(), nullable=True),
        sa.Column("published_by", sa.String(200), nullable=True),
        sa.Column("framework_code", sa.String(64), nullable=False),
        sa.Column("framework_version", sa.String(64), nullable=False),
        sa.Column("index_node", sa.String(64), nullable=False),
        sa.Column("data_source", sa.Text(), nullable=False),
        sa.Column("data_vintage", sa.String(40), nullable=True),
        sa.Column("as_of", UtcDateTime(), nullable=True),
        sa.Column("data_sha256", sa.String(64), nullable=False),
        sa.Column("config_sha256", sa.String(64), nullable=False),
        sa.Column("qcity_version", sa.String(32), nullable=False),
        sa.Column("selection", sa.JSON(), nullable=False),
        sa.Column("stamp", sa.JSON(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("libraries", sa.JSON(), nullable=False),
        sa.Column("diagnostics", sa.JSON(), nullable=False),
        sa.Column("value_counts", sa.JSON(), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'published')", name=op.f("ck_runs_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
    )
    op.create_table(
        "run_scores",
        sa.Column("run_id", BigId, nullable=False),
        sa.Column("node", sa.String(64), nullable=False),
        sa.Column("unit", sa.String(64), nullable=False),
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("score", sa.Float(precision=53), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        _run_fk("run_scores"),
        sa.PrimaryKeyConstraint("run_id", "node", "unit", "period", name=op.f("pk_run_scores")),
    )
    op.create_table(
        "run_weights",
        sa.Column("run_id", BigId, nullable=False),
        sa.Column("node", sa.String(64), nullable=False),
        sa.Column("child", sa.String(64), nullable=False),
        sa.Column("nominal", sa.Float(precision=53), nullable=True),
        sa.Column("weight", sa.Float(precision=53), nullable=True),
        _run_fk("run_weights"),
        sa.PrimaryKeyConstraint("run_id", "node", "child", name=op.f("pk_run_weights")),
    )
    op.create_table(
        "run_files",
        sa.Column("run_id", BigId, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        _run_fk("run_files"),
        sa.PrimaryKeyConstraint("run_id", "name", name=op.f("pk_run_files")),
    )


def downgrade() -> None:
    """Drop the run tables."""
    for table in ("run_files", "run_weights", "run_scores", "runs"):
        op.drop_table(table)
