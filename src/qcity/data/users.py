"""Store-level reads and writes of accounts: users, API tokens and web sessions.

Each write is one transaction. Nothing here hashes or checks a password (that is
``qcity.service.accounts``): this module only stores what it is given, and never sees a
password, a session cookie or an API token in clear (only their hashes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Row,
    Table,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from qcity.data import audit
from qcity.data.roles import ROLES, Actor
from qcity.data.schema import ApiToken, LoginThrottle, User, WebSession
from qcity.data.store import Store
from qcity.data.tables import StoreError, as_utc, utcnow

USERS = cast(Table, User.__table__)
TOKENS = cast(Table, ApiToken.__table__)
SESSIONS = cast(Table, WebSession.__table__)
THROTTLE = cast(Table, LoginThrottle.__table__)


class UserError(StoreError):
    """An unknown or duplicate user, or a role that does not exist."""


@dataclass(frozen=True)
class UserRow:
    """A stored user (the password hash included: never show it)."""

    id: int
    name: str
    display_name: str
    role: str
    department: str | None
    password_hash: str
    active: bool
    created_at: datetime
    failed_logins: int
    locked_until: datetime | None
    password_changed_at: datetime


@dataclass(frozen=True)
class TokenRow:
    """A stored API token (its hash only) with its owner's name."""

    id: int
    user_id: int
    user_name: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class SessionRow:
    """A stored web session (its cookie's hash only)."""

    id: int
    user_id: int
    csrf_token: str
    expires_at: datetime
    revoked_at: datetime | None


def check_role(role: str) -> str:
    """``role`` if it is one of ``ROLES``, else a ``UserError`` naming them."""
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; use one of {', '.join(ROLES)} / 未知角色")
    return role


def _user(row: Row[Any]) -> UserRow:
    m = row._mapping
    return UserRow(**{k: m[k] for k in UserRow.__dataclass_fields__})


def _check_lengths(values: dict[str, Any]) -> None:
    """``UserError`` naming the field when a text is longer than its column holds (the
    same on SQLite and PostgreSQL: ``qcity.data.limits``)."""
    from qcity.data.limits import TooLongError, check_lengths

    try:
        check_lengths("users", values)
    except TooLongError as exc:
        raise UserError(str(exc)) from None


def add_user(
    store: Store,
    name: str,
    role: str,
    password_hash: str,
    *,
    department: str | None = None,
    display_name: str | None = None,
    actor: Actor | str,
) -> int:
    """Store a new user; its id (recorded in the audit log as done by ``actor``). A name
    already taken raises ``UserError``."""
    name = name.strip()
    if not name:
        raise UserError("a user needs a name / 用户名不能为空")
    check_role(role)
    _check_lengths({"name": name, "display_name": display_name, "department": department})
    now = utcnow()
    try:
        with store.engine.begin() as conn:
            row = {
                "name": name,
                "display_name": (display_name or name).strip(),
                "role": role,
                "department": (department or "").strip() or None,
                "password_hash": password_hash,
                "active": True,
                "created_at": now,
                "failed_logins": 0,
                "locked_until": None,
                "password_changed_at": now,
            }
            user_id = int(conn.execute(insert(USERS).returning(USERS.c.id), row).scalar_one())
            shown = {k: row[k] for k in ("display_name", "role", "department", "active")}
            audit.record(conn, actor, "users.add", "user", name, None, shown, at=now)
            return user_id
    except IntegrityError:
        raise UserError(f"user {name!r} exists already / 用户已存在") from None


def find_user(store: Store, name: str) -> UserRow | None:
    """The user called ``name``, or None."""
    with store.engine.connect() as conn:
        row = conn.execute(select(USERS).where(USERS.c.name == name)).first()
    return _user(row) if row is not None else None


def get_user(store: Store, name: str) -> UserRow:
    """The user called ``name``; ``UserError`` if there is none."""
    user = find_user(store, name)
    if user is None:
        raise UserError(f"no user {name!r} / 无此用户")
    return user


def user_by_id(store: Store, user_id: int) -> UserRow | None:
    """The user with this id, or None."""
    with store.engine.connect() as conn:
        row = conn.execute(select(USERS).where(USERS.c.id == user_id)).first()
    return _user(row) if row is not None else None


def list_users(store: Store) -> list[UserRow]:
    """Every user, by name."""
    with store.engine.connect() as conn:
        return [_user(r) for r in conn.execute(select(USERS).order_by(USERS.c.name))]


def count_users(store: Store) -> int:
    """How many users exist."""
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(USERS)).scalar_one())


#: Columns the audit log shows as "changed" without their value.
SECRET_COLUMNS = frozenset({"password_hash"})


def update_user(store: Store, name: str, *, actor: Actor | str, **values: Any) -> None:
    """Change columns of the user ``name`` (one transaction, with its audit row: the
    columns before and after, a password only as "changed"); ``UserError`` if unknown."""
    with store.engine.begin() as conn:
        _update_user(conn, name, actor, values)


def _update_user(conn: Connection, name: str, actor: Actor | str, values: dict[str, Any]) -> None:
    if "role" in values:
        check_role(values["role"])
    _check_lengths(values)
    columns = [USERS.c[k] for k in values]
    old = conn.execute(select(*columns).where(USERS.c.name == name)).first()
    done = conn.execute(update(USERS).where(USERS.c.name == name).values(**values))
    if old is None or done.rowcount != 1:
        raise UserError(f"no user {name!r} / 无此用户")
    before = {k: "***" if k in SECRET_COLUMNS else v for k, v in zip(values, old, strict=True)}
    after = {k: "*** (changed)" if k in SECRET_COLUMNS else v for k, v in values.items()}
    audit.record(conn, actor, "users.update", "user", name, before, after)


def replace_password(
    store: Store, name: str, password_hash: str, *, actor: Actor | str, unlock: bool
) -> int:
    """Store a new password hash for ``name`` and, in the same transaction, end every
    session of the user and revoke every API token of theirs (each revocation audited):
    whoever held the old password may have made them. ``unlock`` also forgets the
    user's failed logins from every address. How many tokens were revoked."""
    now = utcnow()
    with store.engine.begin() as conn:
        values = {"password_hash": password_hash, "password_changed_at": now}
        _update_user(conn, name, actor, values)
        user_id = conn.execute(select(USERS.c.id).where(USERS.c.name == name)).scalar_one()
        conn.execute(
            update(SESSIONS)
            .where(SESSIONS.c.user_id == user_id, SESSIONS.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        live = TOKENS.c.revoked_at.is_(None)
        ids = (
            conn.execute(
                select(TOKENS.c.id).where(TOKENS.c.user_id == user_id, live).order_by(TOKENS.c.id)
            )
            .scalars()
            .all()
        )
        if ids:
            conn.execute(update(TOKENS).where(TOKENS.c.id.in_(ids), live).values(revoked_at=now))
        for token_id in ids:
            after = {"revoked_at": now, "reason": "password changed"}
            audit.record(conn, actor, "tokens.revoke", "api_token", str(token_id), None, after)
        if unlock:
            conn.execute(delete(THROTTLE).where(THROTTLE.c.name == _key(name)))
        return len(ids)


# -- login throttling -----------------------------------------------------------------------


def _key(name: str) -> str:
    return name[:200]  # the column's length (a longer name is no user's anyway)


def _address(address: str) -> str:
    return address[:64]  # the column's length (an IPv6 address has at most 45 characters)


def claim_login(
    store: Store, name: str, address: str, *, max_failures: int, lock_until: datetime
) -> bool:
    """Count one login attempt of ``name`` from ``address`` BEFORE its password is checked
    (one conditional UPDATE: atomic on SQLite and PostgreSQL, so parallel guesses are
    counted one by one); False, counting nothing, while that pair is locked. The attempt
    that brings the count to ``max_failures`` sets the lock until ``lock_until`` (a
    success then deletes it: ``clear_login``). A lock that has run out starts a new count."""
    now = utcnow()
    key = {"name": _key(name), "address": _address(address)}
    t = THROTTLE
    ended = t.c.locked_until.is_not(None) & (t.c.locked_until <= now)
    count = case((ended, 1), else_=t.c.failures + 1)
    with store.engine.connect() as conn, conn.execution_options(sqlite_begin="IMMEDIATE").begin():
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        conn.execute(
            dialect.insert(t)
            .values(**key, failures=0, locked_until=None, updated_at=now)
            .on_conflict_do_nothing(index_elements=["name", "address"])
        )
        done = conn.execute(
            update(t)
            .where(t.c.name == key["name"], t.c.address == key["address"])
            .where(or_(t.c.locked_until.is_(None), ended))
            .values(
                failures=count,
                locked_until=case(
                    (count >= max_failures, literal(lock_until, t.c.locked_until.type)),
                    else_=None,
                ),
                updated_at=now,
            )
        )
        return bool(done.rowcount == 1)


def clear_login(store: Store, name: str, address: str) -> None:
    """Forget the failed logins of ``name`` from ``address`` (after a successful login),
    and those of every pair idle for a day (so that the table stays small)."""
    t = THROTTLE
    with store.engine.begin() as conn:
        conn.execute(
            delete(t).where(
                or_(
                    (t.c.name == _key(name)) & (t.c.address == _address(address)),
                    (t.c.updated_at < utcnow() - timedelta(days=1))
                    & or_(t.c.locked_until.is_(None), t.c.locked_until < utcnow()),
                )
            )
        )


def login_failures(store: Store) -> dict[str, tuple[int, datetime | None]]:
    """Per login name: the failed logins counted over every address, and the latest lock
    still in force (None when no address is locked)."""
    t = THROTTLE
    now = utcnow()
    lock = case((t.c.locked_until > now, t.c.locked_until), else_=None)
    stmt = select(t.c.name, func.sum(t.c.failures), func.max(lock)).group_by(t.c.name)
    with store.engine.connect() as conn:
        return {n: (int(f or 0), as_utc(lk)) for n, f, lk in conn.execute(stmt)}


# -- sessions -------------------------------------------------------------------------------


def add_session(
    store: Store, user_id: int, token_sha256: str, csrf_token: str, expires_at: datetime
) -> int:
    """Store a new web session; its id."""
    with store.engine.begin() as conn:
        return int(
            conn.execute(
                insert(SESSIONS).returning(SESSIONS.c.id),
                {
                    "user_id": user_id,
                    "token_sha256": token_sha256,
                    "csrf_token": csrf_token,
                    "created_at": utcnow(),
                    "expires_at": expires_at,
                    "revoked_at": None,
                },
            ).scalar_one()
        )


def find_session(store: Store, token_sha256: str) -> SessionRow | None:
    """The session whose cookie hashes to ``token_sha256`` (revoked or not), or None."""
    s = SESSIONS
    with store.engine.connect() as conn:
        row = conn.execute(
            select(s.c.id, s.c.user_id, s.c.csrf_token, s.c.expires_at, s.c.revoked_at).where(
                s.c.token_sha256 == token_sha256
            )
        ).first()
    return SessionRow(**row._mapping) if row is not None else None


def revoke_sessions(
    store: Store, *, token_sha256: str | None = None, user_id: int | None = None
) -> int:
    """Revoke one session (by its hash) or every open session of a user; how many."""
    s = SESSIONS
    stmt = update(s).where(s.c.revoked_at.is_(None)).values(revoked_at=utcnow())
    if token_sha256 is not None:
        stmt = stmt.where(s.c.token_sha256 == token_sha256)
    elif user_id is not None:
        stmt = stmt.where(s.c.user_id == user_id)
    else:
        raise ValueError("say which sessions to revoke")
    with store.engine.begin() as conn:
        return int(conn.execute(stmt).rowcount)


# -- API tokens -----------------------------------------------------------------------------

_TOKEN_COLUMNS = (
    TOKENS.c.id,
    TOKENS.c.user_id,
    USERS.c.name.label("user_name"),
    TOKENS.c.scopes,
    TOKENS.c.created_at,
    TOKENS.c.expires_at,
    TOKENS.c.revoked_at,
    TOKENS.c.last_used_at,
)


def _token(row: Row[Any, Any, Any, Any, Any, Any, Any, Any] | Row[Any]) -> TokenRow:
    m = dict(row._mapping)
    m["scopes"] = tuple(m["scopes"] or ())
    return TokenRow(**m)


def add_token(
    store: Store,
    user_id: int,
    token_sha256: str,
    scopes: list[str],
    expires_at: datetime | None,
    *,
    actor: Actor | str,
) -> int:
    """Store a new API token (its hash, never the token); its id. Audited."""
    with store.engine.begin() as conn:
        token_id = int(
            conn.execute(
                insert(TOKENS).returning(TOKENS.c.id),
                {
                    "user_id": user_id,
                    "token_sha256": token_sha256,
                    "scopes": list(scopes),
                    "created_at": utcnow(),
                    "expires_at": expires_at,
                    "revoked_at": None,
                    "last_used_at": None,
                },
            ).scalar_one()
        )
        after = {"user_id": user_id, "scopes": list(scopes), "expires_at": expires_at}
        audit.record(conn, actor, "tokens.create", "api_token", str(token_id), None, after)
        return token_id


def find_token(store: Store, token_sha256: str) -> TokenRow | None:
    """The token that hashes to ``token_sha256`` (revoked, expired or not), or None."""
    stmt = select(*_TOKEN_COLUMNS).join(USERS, USERS.c.id == TOKENS.c.user_id)
    with store.engine.connect() as conn:
        row = conn.execute(stmt.where(TOKENS.c.token_sha256 == token_sha256)).first()
    return _token(row) if row is not None else None


def list_tokens(store: Store, user_id: int | None = None) -> list[TokenRow]:
    """Every API token (of one user when given), oldest first."""
    stmt = select(*_TOKEN_COLUMNS).join(USERS, USERS.c.id == TOKENS.c.user_id)
    if user_id is not None:
        stmt = stmt.where(TOKENS.c.user_id == user_id)
    with store.engine.connect() as conn:
        return [_token(r) for r in conn.execute(stmt.order_by(TOKENS.c.id))]


def revoke_token(
    store: Store, token_id: int, *, actor: Actor | str, user_id: int | None = None
) -> None:
    """Revoke the token ``token_id`` (only if it belongs to ``user_id`` when given; a token
    revoked before keeps its first revocation time); ``UserError`` if there is no such
    token."""
    where = TOKENS.c.id == token_id
    if user_id is not None:
        where = where & (TOKENS.c.user_id == user_id)
    with store.engine.begin() as conn:
        if conn.execute(select(TOKENS.c.id).where(where)).first() is None:
            raise UserError(f"no API token {token_id} / 无此令牌")
        now = utcnow()
        done = conn.execute(
            update(TOKENS).where(where & TOKENS.c.revoked_at.is_(None)).values(revoked_at=now)
        )
        if done.rowcount:
            after = {"revoked_at": now}
            audit.record(conn, actor, "tokens.revoke", "api_token", str(token_id), None, after)


def touch_token(store: Store, token_id: int) -> None:
    """Note that the token was just used."""
    with store.engine.begin() as conn:
        conn.execute(update(TOKENS).where(TOKENS.c.id == token_id).values(last_used_at=utcnow()))


__all__ = [
    "SessionRow",
    "TokenRow",
    "UserError",
    "UserRow",
    "add_session",
    "add_token",
    "add_user",
    "check_role",
    "claim_login",
    "clear_login",
    "count_users",
    "find_session",
    "find_token",
    "find_user",
    "get_user",
    "list_tokens",
    "list_users",
    "login_failures",
    "replace_password",
    "revoke_sessions",
    "revoke_token",
    "touch_token",
    "update_user",
    "user_by_id",
]
