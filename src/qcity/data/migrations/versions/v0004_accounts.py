"""Accounts: users, API tokens, web sessions; ``entered_by`` also references a user.

Existing rows keep their text ``entered_by`` / ``created_by`` as the legacy (display) name;
the new ``*_user_id`` columns are NULL for them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from qcity.data.roles import ROLES
from qcity.data.schema import BigId, UtcDateTime
from qcity.data.tables import StoreError

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, column) of the new references to the user who wrote a row.
USER_REFERENCES = (
    ("observations", "entered_by_user_id"),
    ("import_batches", "entered_by_user_id"),
    ("unit_revisions", "entered_by_user_id"),
    ("runs", "created_by_user_id"),
)


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["users.id"], name=op.f(f"fk_{table}_user_id_users")
    )


def upgrade() -> None:
    """Create the account tables and add the user references."""
    roles = ", ".join(f"'{r}'" for r in ROLES)
    op.create_table(
        "users",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("department", sa.String(200), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", UtcDateTime(), nullable=True),
        sa.Column("password_changed_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint(f"role IN ({roles})", name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("user_id", BigId, nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=True),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        sa.Column("last_used_at", UtcDateTime(), nullable=True),
        _user_fk("api_tokens"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_api_tokens_token_sha256")),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("user_id", BigId, nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        _user_fk("web_sessions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_web_sessions_token_sha256")),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column in USER_REFERENCES:
        fk = op.f(f"fk_{table}_{column}_users")
        if sqlite:  # SQLite adds a column's REFERENCES inline only (no ALTER ... ADD CONSTRAINT)
            op.add_column(
                table,
                sa.Column(column, BigId, sa.ForeignKey("users.id", name=fk), nullable=True),
                inline_references=True,
            )
        else:
            op.add_column(table, sa.Column(column, BigId, nullable=True))
            op.create_foreign_key(fk, table, "users", [column], ["id"])


def downgrade() -> None:
    """Drop the user references and the account tables (the text names were kept).

    Not on SQLite: it drops a column only by copying the whole table, and dropping
    ``runs`` with foreign keys on would cascade to the stored run outputs. Restore the
    copy of the database file made before upgrading instead."""
    if op.get_bind().dialect.name == "sqlite":
        raise StoreError(
            "migration 0004 (accounts) cannot be undone on SQLite; restore the copy of the "
            "database file made before upgrading / SQLite 不支持回退 0004，请恢复升级前的备份"
        )
    for table, column in USER_REFERENCES:
        op.drop_constraint(op.f(f"fk_{table}_{column}_users"), table, type_="foreignkey")
        op.drop_column(table, column)
    for table in ("web_sessions", "api_tokens", "users"):
        op.drop_table(table)
