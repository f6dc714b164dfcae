"""Initial schema: units, groups, frameworks, import batches, observations.

Revision ID: 0001
Revises:
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from qcity.data.schema import BigId, UtcDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the five tables of the data store and their indexes."""
    op.create_table(
        "units",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("parent_code", sa.String(64), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_units")),
    )
    op.create_table(
        "groups",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_groups")),
    )
    op.create_table(
        "group_members",
        sa.Column("group_code", sa.String(64), nullable=False),
        sa.Column("unit_code", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_code"],
            ["groups.code"],
            name=op.f("fk_group_members_group_code_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_group_members_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("group_code", "unit_code", name=op.f("pk_group_members")),
    )
    op.create_table(
        "frameworks",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("valid_from", sa.Integer(), nullable=False),
        sa.Column("valid_to", sa.Integer(), nullable=False),
        sa.Column("yaml", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("loaded_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frameworks")),
        sa.UniqueConstraint("code", "version", name=op.f("uq_frameworks_code_version")),
    )
    op.create_table(
        "import_batches",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("file_name", sa.String(500), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("revised", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("framework_code", sa.String(64), nullable=True),
        sa.Column("framework_version", sa.String(64), nullable=True),
        sa.Column("entered_by", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    op.create_table(
        "observations",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("unit_code", sa.String(64), nullable=False),
        sa.Column("indicator_code", sa.String(64), nullable=False),
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=True),
        sa.Column("value", sa.Float(precision=53), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("flag", sa.Text(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("entered_by", sa.String(200), nullable=False),
        sa.Column("batch_id", BigId, nullable=False),
        sa.CheckConstraint(
            "status IN ('final', 'preliminary', 'estimated', 'illustrative')",
            name=op.f("ck_observations_status"),
        ),
        sa.CheckConstraint("revision >= 1", name=op.f("ck_observations_revision")),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_observations_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_observations_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observations")),
        sa.UniqueConstraint(
            "unit_code",
            "indicator_code",
            "period",
            "revision",
            name=op.f("uq_observations_unit_code_indicator_code_period_revision"),
        ),
    )
    op.create_index(
        "ix_observations_indicator_period", "observations", ["indicator_code", "period"]
    )
    op.create_index("ix_observations_recorded_at", "observations", ["recorded_at"])
    op.create_index("ix_observations_batch_id", "observations", ["batch_id"])


def downgrade() -> None:
    """Drop every table of the data store (all data is lost)."""
    op.drop_table("observations")
    op.drop_table("import_batches")
    op.drop_table("frameworks")
    op.drop_table("group_members")
    op.drop_table("groups")
    op.drop_table("units")
