"""Login throttling per login name and client address (``login_throttle``), replacing the
per-account lock-out that anyone could trigger on any account. The ``users`` columns
``failed_logins`` and ``locked_until`` stay (older databases have them) but are no longer
used by logins.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from qcity.data.schema import UtcDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the throttle table (empty: nobody is locked out after the upgrade)."""
    op.create_table(
        "login_throttle",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", UtcDateTime(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", "address", name=op.f("pk_login_throttle")),
    )


def downgrade() -> None:
    """Drop the throttle table (it holds only counts of failed logins)."""
    op.drop_table("login_throttle")
