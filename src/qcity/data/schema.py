"""SQLAlchemy 2 typed ORM schema of the data store.

Every observation is kept with its revision number, when it was recorded (UTC, to the
microsecond), who entered it and from which import batch, so that any earlier state of
the data ("as of" a date) can be reproduced exactly. Migrations live in
``qcity.data.migrations``; this module is the single description of the tables.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from qcity.data.roles import ROLES
from qcity.data.statuses import STATUSES

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Auto-incrementing 64-bit key (SQLite only auto-increments INTEGER PRIMARY KEY).
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and read back as an aware UTC ``datetime``.

    SQLite has no time zones and PostgreSQL's ``timestamptz`` returns the session's zone;
    storing naive UTC on both keeps comparisons (``recorded_at <= as_of``) identical.
    A naive input is taken to be UTC already.
    """

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert an aware datetime to naive UTC before it is written or compared."""
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Attach UTC to the naive timestamp read from the database."""
        if value is None:
            return None
        if isinstance(value, str):  # raw SQLite text, e.g. from an aggregate without typing
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with a naming convention so that migrations name constraints."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Unit(Base):
    """An evaluated unit: the city, its towns and streets, peer cities, countries."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(32))
    parent_code: Mapped[str | None] = mapped_column(String(64))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class UnitRevision(Base):
    """One revision of a unit, append-only: the full row as written, what changed
    (``{field: [before, after]}``, empty for a new unit), who wrote it and when.

    ``units`` holds the current state; this table is its history. Units stored before
    migration 0002 start with a revision 1 dated at the database's first recorded activity.
    """

    __tablename__ = "unit_revisions"
    __table_args__ = (
        UniqueConstraint("code", "revision"),
        CheckConstraint("revision >= 1", name="revision"),
        Index("ix_unit_revisions_recorded_at", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), ForeignKey("units.code"))
    revision: Mapped[int] = mapped_column(Integer)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(32))
    parent_code: Mapped[str | None] = mapped_column(String(64))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    entered_by: Mapped[str] = mapped_column(String(200))
    entered_by_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))


class Group(Base):
    """A named set of units, e.g. the peer cities Liyang compares itself with."""

    __tablename__ = "groups"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), default="peer")


class GroupMember(Base):
    """Membership of a unit in a group."""

    __tablename__ = "group_members"

    group_code: Mapped[str] = mapped_column(
        String(64), ForeignKey("groups.code", ondelete="CASCADE"), primary_key=True
    )
    unit_code: Mapped[str] = mapped_column(String(64), ForeignKey("units.code"), primary_key=True)


class FrameworkVersion(Base):
    """A framework version as loaded (its YAML text verbatim); every version is kept."""

    __tablename__ = "frameworks"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(64))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[int] = mapped_column(Integer)
    valid_to: Mapped[int] = mapped_column(Integer)
    yaml: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ImportBatch(Base):
    """One import (a file or a DataFrame): what was read, by whom, when, with what result."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    file_name: Mapped[str | None] = mapped_column(String(500))
    sha256: Mapped[str | None] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(16))
    rows: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer, default=0)
    revised: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    framework_code: Mapped[str | None] = mapped_column(String(64))
    framework_version: Mapped[str | None] = mapped_column(String(64))
    entered_by: Mapped[str] = mapped_column(String(200))
    entered_by_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Observation(Base):
    """One value of one indicator for one unit and period, in one revision.

    A correction adds a row with ``revision + 1``; rows are never updated or deleted.
    """

    __tablename__ = "observations"
    __table_args__ = (
        UniqueConstraint("unit_code", "indicator_code", "period", "revision"),
        CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in STATUSES) + ")", name="status"),
        CheckConstraint("revision >= 1", name="revision"),
        Index("ix_observations_indicator_period", "indicator_code", "period"),
        Index("ix_observations_recorded_at", "recorded_at"),
        Index("ix_observations_batch_id", "batch_id"),
        CheckConstraint("review IN ('draft', 'submitted', 'approved', 'rejected')", name="review"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    unit_code: Mapped[str] = mapped_column(String(64), ForeignKey("units.code"))
    indicator_code: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(8))
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int | None] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float(precision=53))
    status: Mapped[str] = mapped_column(String(16), default="final")
    source: Mapped[str | None] = mapped_column(Text)
    flag: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    entered_by: Mapped[str] = mapped_column(String(200))
    entered_by_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    batch_id: Mapped[int] = mapped_column(BigId, ForeignKey("import_batches.id"))
    #: the review state the revision was stored in: ``approved`` for what the operator
    #: imports, ``draft`` for a clerk's entry (its later states are in ``value_reviews``)
    review: Mapped[str] = mapped_column(String(16), default="approved")


#: The review states of a value: a clerk's draft is submitted, then approved or rejected
#: (both final: a correction is a new revision through the same steps).
REVIEW_STATES: tuple[str, ...] = ("draft", "submitted", "approved", "rejected")


class ValueReview(Base):
    """One review event of one observation revision, append-only: submitted, approved or
    rejected, by whom, when, with the reviewer's comment. The state of a revision at a time
    T is its last event at or before T (else the ``review`` it was stored with), so that
    "the approved values as of T" can be read again exactly."""

    __tablename__ = "value_reviews"
    __table_args__ = (
        CheckConstraint("state IN ('submitted', 'approved', 'rejected')", name="state"),
        UniqueConstraint("observation_id", "state"),
        Index("ix_value_reviews_state_at", "state", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    observation_id: Mapped[int] = mapped_column(BigId, ForeignKey("observations.id"))
    state: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    by: Mapped[str] = mapped_column(String(200))
    comment: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """One change made through qcity, append-only (triggers refuse UPDATE and DELETE on
    both databases): when, who (name, user id, how: cli, session, token), what was done
    (``action``) to which ``entity`` and ``key``, and the state before and after. Each
    entry carries the hash of the previous one, so that a changed entry is found."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_entity_key", "entity", "key"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    via: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(500))
    before: Mapped[Any | None] = mapped_column(JSON)
    after: Mapped[Any | None] = mapped_column(JSON)
    #: The hash chain (migration 0006, ``qcity.data.audit``): the previous entry's ``hash``
    #: and this entry's own, sha256 of its canonical text and ``prev_hash``.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


#: The states of a stored evaluation run: a draft may be superseded; a published run is
#: what the city reports, and its stored outputs are never changed.
RUN_STATUSES: tuple[str, ...] = ("draft", "published")


class EvaluationRun(Base):
    """One evaluation as it was run: what went in (framework version, unit selection, data
    vintage and hashes, step log, library versions), who ran it and when, its diagnostics
    and status. Its outputs are in ``run_scores``, ``run_weights`` and ``run_files``."""

    __tablename__ = "runs"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in RUN_STATUSES) + ")", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    created_by_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    published_by: Mapped[str | None] = mapped_column(String(200))
    framework_code: Mapped[str] = mapped_column(String(64))
    framework_version: Mapped[str] = mapped_column(String(64))
    index_node: Mapped[str] = mapped_column(String(64))
    data_source: Mapped[str] = mapped_column(Text)
    data_vintage: Mapped[str | None] = mapped_column(String(40))
    as_of: Mapped[datetime | None] = mapped_column(UtcDateTime)
    data_sha256: Mapped[str] = mapped_column(String(64))
    config_sha256: Mapped[str] = mapped_column(String(64))
    qcity_version: Mapped[str] = mapped_column(String(32))
    selection: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    stamp: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    steps: Mapped[list[Any]] = mapped_column(JSON, default=list)
    libraries: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    diagnostics: Mapped[list[Any]] = mapped_column(JSON, default=list)
    value_counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RunScore(Base):
    """A stored run's score and rank of one unit, period and node (index, dimension,
    sub-dimension or indicator), at full precision."""

    __tablename__ = "run_scores"

    run_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
    )
    node: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    score: Mapped[float | None] = mapped_column(Float(precision=53))
    rank: Mapped[int | None] = mapped_column(Integer)


class RunWeight(Base):
    """A stored run's weight of one child within its parent node (nominal and as used)."""

    __tablename__ = "run_weights"

    run_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
    )
    node: Mapped[str] = mapped_column(String(64), primary_key=True)
    child: Mapped[str] = mapped_column(String(64), primary_key=True)
    nominal: Mapped[float | None] = mapped_column(Float(precision=53))
    weight: Mapped[float | None] = mapped_column(Float(precision=53))


class RunFile(Base):
    """A file of a stored run's results folder (contributions, normalised data, flags,
    log ...), gzip-compressed, so that exporting the run writes the same bytes again."""

    __tablename__ = "run_files"

    run_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)


# -- accounts (migration 0004): users, API tokens, web sessions ---------------------------


class User(Base):
    """A person who logs in to the web app. Only an argon2 hash of the password is kept;
    ``failed_logins`` and ``locked_until`` are no longer used (since migration 0007 failed
    logins are counted per name and address in ``login_throttle``). ``department`` limits
    a clerk to their own department's indicators. The text ``entered_by`` of older rows
    stays as the legacy name; new rows also reference the user (``entered_by_user_id``)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN (" + ", ".join(f"'{r}'" for r in ROLES) + ")", name="role"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    department: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    password_changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ApiToken(Base):
    """A scoped, revocable API token of a user for scripts (``Authorization: Bearer``).
    Only the SHA-256 of the token is stored: the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WebSession(Base):
    """A logged-in browser: the SHA-256 of its ``qcity_session`` cookie, its CSRF token,
    when it expires and when logging out revoked it (server-side, so logout is final)."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LoginThrottle(Base):
    """Failed logins of one login name from one client address: ``failures`` counts the
    attempts since the last success (each counted before its password is checked, by one
    conditional UPDATE, so that parallel guesses cannot pass the limit); ``locked_until``
    refuses that name from that address until then. Kept for unknown names too (their
    answer is the same as for existing ones); a success deletes the row."""

    __tablename__ = "login_throttle"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
