"""Accounts: argon2 password hashes, login throttled per login name and client address,
web sessions, scoped revocable API tokens and password changes (the rules a new password
meets are ``qcity.service.passwords``).

Every use case takes the ``store`` and the ``actor`` doing it (an admin, the user
themself, or the CLI operator), then keyword-only options, and checks the actor's
permission itself, so that the CLI (``qcity user``, ``qcity token``) and the web pages
(``/account``, ``/admin/users``) cannot differ: who may list the users or the tokens, which
roles exist, that a clerk belongs to a department, which scopes a token may carry. The
lists come back as view-ready records (``UserView``, ``TokenView``) that never hold a
password hash. There is no default password anywhere: a user exists only once someone
gave one.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from qcity import errors
from qcity.data import users as db
from qcity.data.roles import PERMISSIONS, Actor, can
from qcity.data.store import Store
from qcity.data.tables import as_utc, utcnow
from qcity.service import access
from qcity.service.passwords import MIN_PASSWORD, WeakPassword
from qcity.service.passwords import check_password as _check_rules

#: Failed logins of one name from one address after which that name is refused from
#: that address for ``LOCK_MINUTES`` (other addresses are not affected).
MAX_FAILURES = 5
LOCK_MINUTES = 15
#: How long a web session lasts.
SESSION_HOURS = 12
#: API tokens start with this, so that a leaked one is easy to recognise.
TOKEN_PREFIX = "qct_"

_hasher = PasswordHasher()


class AccountError(errors.InputError, ValueError):
    """Bad input to an account operation (weak password, unknown scope ...); ``options``
    names the inputs to give or change (the CLI shows them as its flags)."""

    def __init__(self, message: str, *, options: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.options = options


#: The one answer to a refused login, whatever the reason (wrong name, wrong password,
#: disabled account, too many failures): nobody learns which names exist or are locked.
LOGIN_REFUSED = (
    f"wrong name or password (after {MAX_FAILURES} failures from one address, wait "
    f"{LOCK_MINUTES} minutes) / 用户名或密码错误（同一地址连续失败 {MAX_FAILURES} 次后须等待 "
    f"{LOCK_MINUTES} 分钟）"
)


class LoginFailed(errors.PermissionDenied, AccountError):
    """A refused login: wrong name or password, a disabled account, or a name locked for
    this address (one message, ``LOGIN_REFUSED``, for all)."""


class NotAllowed(errors.PermissionDenied, AccountError):
    """The actor may not do this."""


def hash_password(password: str, name: str | None = None) -> str:
    """The argon2id hash of a new ``password`` of the user ``name`` after checking it
    against the rules (``check_password``)."""
    check_password(password, name)
    return _hasher.hash(password)


def check_password(password: str, name: str | None = None) -> None:
    """Refuse (``AccountError``) a new password that breaks a rule of
    ``qcity.service.passwords``: too short, a common one, or containing the login name."""
    try:
        _check_rules(password, name)
    except WeakPassword as exc:
        raise AccountError(str(exc)) from None


@cache
def _dummy_hash() -> str:
    """A hash of a password nobody has (made once, on the first login): checked against
    for unknown names and locked pairs, so that every refused login costs the time of one
    argon2 verification."""
    return _hasher.hash(secrets.token_urlsafe(24))


def _verify(hashed: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(hashed, password))
    except (VerificationError, InvalidHashError):
        return False


def sha256(secret: str) -> str:
    """The hex SHA-256 of a session cookie or API token: only this is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _need(actor: Actor, permission: str) -> None:
    """``NotAllowed`` unless ``actor`` holds ``permission`` (``access.need``)."""
    access.need(actor, permission, NotAllowed)


def _self_or_admin(actor: Actor, user: db.UserRow) -> None:
    if actor.user_id == user.id and can(actor, "account.self"):
        return
    _need(actor, "users.manage")


# -- users ----------------------------------------------------------------------------------

#: A new password: the text itself, or a function asking for it (called only once the
#: request is known to be allowed and valid, so that nobody types a password in vain).
NewPassword = str | Callable[[], str]


def _given(password: NewPassword) -> str:
    return password() if callable(password) else password


@dataclass(frozen=True)
class UserView:
    """A user as the lists show them (never the password hash): the stored fields, and
    the failed logins counted over every client address with the latest lock still in
    force (``locked_until`` None when no address is locked)."""

    id: int
    name: str
    display_name: str
    role: str
    department: str | None
    active: bool
    created_at: datetime
    failed_logins: int
    locked_until: datetime | None


def _check_new_role(role: str, department: str | None) -> str:
    """``role`` if it exists (else ``UserError``) and, for a clerk (who enters the values
    of their own department's indicators only), a department is given."""
    db.check_role(role)
    if role == "clerk" and not (department or "").strip():
        raise AccountError("a clerk needs a department / 录入员须指定部门", options=("department",))
    return role


def create_user(
    store: Store,
    actor: Actor,
    *,
    name: str,
    role: str,
    password: NewPassword,
    department: str | None = None,
    display_name: str | None = None,
) -> int:
    """Add a user with a password given by a person (checked against the rules, hashed);
    its id. Refused before the password is asked for: an actor who may not manage users,
    an unknown role, a clerk without a department."""
    _need(actor, "users.manage")
    _check_new_role(role, department)
    return db.add_user(
        store,
        name,
        role,
        hash_password(_given(password), name.strip()),
        department=department,
        display_name=display_name,
        actor=actor,
    )


def user_list(store: Store, *, actor: Actor) -> list[UserView]:
    """Every user by name, with their failed logins (only those who manage users may
    list them: the names are what a password guesser needs)."""
    _need(actor, "users.manage")
    failures = db.login_failures(store)
    views = []
    for u in db.list_users(store):
        failed, locked = failures.get(u.name, (0, None))
        views.append(
            UserView(
                id=u.id,
                name=u.name,
                display_name=u.display_name,
                role=u.role,
                department=u.department,
                active=u.active,
                created_at=u.created_at,
                failed_logins=failed,
                locked_until=locked,
            )
        )
    return views


def set_role(store: Store, actor: Actor, *, name: str, role: str) -> None:
    """Give the user ``name`` another role (an existing one; a clerk only with a
    department); their open sessions end."""
    _need(actor, "users.manage")
    user = db.get_user(store, name)
    db.update_user(store, name, actor=actor, role=_check_new_role(role, user.department))
    db.revoke_sessions(store, user_id=user.id)


def disable_user(store: Store, actor: Actor, *, name: str) -> None:
    """Disable the user ``name``: no login, their sessions end, their tokens stop working."""
    _need(actor, "users.manage")
    user = db.get_user(store, name)
    if actor.user_id == user.id:
        raise AccountError("you cannot disable your own account / 不能停用自己的账号")
    db.update_user(store, name, actor=actor, active=False)
    db.revoke_sessions(store, user_id=user.id)


def set_password(store: Store, actor: Actor, *, name: str, password: NewPassword) -> None:
    """Set a new password for ``name`` (an admin or the operator; an unknown name is
    refused before the password is asked for): the user's failed logins are forgotten,
    their sessions end and their API tokens are revoked."""
    _need(actor, "users.manage")
    db.get_user(store, name)
    hashed = hash_password(_given(password), name)
    db.replace_password(store, name, hashed, actor=actor, unlock=True)


def change_password(store: Store, actor: Actor, *, old: str, new: str) -> None:
    """The logged-in user changes their own password (the old one is asked again); their
    sessions end and their API tokens are revoked (make new ones)."""
    _need(actor, "account.self")
    user = db.user_by_id(store, actor.user_id) if actor.user_id is not None else None
    if user is None or not _verify(user.password_hash, old):
        raise AccountError("the current password is wrong / 当前密码不正确")
    if new == old:
        raise AccountError("choose a new password / 新密码不能与旧密码相同")
    db.replace_password(store, user.name, hash_password(new, user.name), actor=actor, unlock=False)


# -- login ----------------------------------------------------------------------------------


def authenticate(store: Store, name: str, password: str, address: str) -> db.UserRow:
    """The active user ``name`` if ``password`` is theirs, the request coming from the
    client ``address``. Each attempt is counted first (``db.claim_login``, atomic): after
    ``MAX_FAILURES`` failures of this name from this address, the name is refused from
    there for ``LOCK_MINUTES``, even with the right password, while other addresses (the
    user at their own desk) can still log in; a success clears the count. Every refusal
    is the same ``LoginFailed`` after one argon2 verification (a dummy hash for unknown
    names and locked pairs), so neither the answer nor its time tells which names exist."""
    name = name.strip()
    lock = utcnow() + timedelta(minutes=LOCK_MINUTES)
    if not db.claim_login(store, name, address, max_failures=MAX_FAILURES, lock_until=lock):
        _verify(_dummy_hash(), password)
        raise LoginFailed(LOGIN_REFUSED)
    user = db.find_user(store, name)
    if user is None:
        _verify(_dummy_hash(), password)
        raise LoginFailed(LOGIN_REFUSED)
    if not _verify(user.password_hash, password) or not user.active:
        raise LoginFailed(LOGIN_REFUSED)
    db.clear_login(store, name, address)
    return user


class RateLimiter:
    """At most ``limit`` login attempts per ``window`` seconds from one client address
    (in memory, per server process): slows down guessing across many names."""

    def __init__(self, limit: int = 20, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count an attempt from ``key``; False when it is over the limit."""
        now = time.monotonic()
        with self._lock:
            q = self._seen.setdefault(key, deque())
            while q and q[0] <= now - self.window:
                q.popleft()
            if len(q) >= self.limit:
                return False
            q.append(now)
            return True


def actor_of(user: db.UserRow, via: str, scopes: frozenset[str] | None = None) -> Actor:
    """The actor a user acts as (through a web session or an API token)."""
    return Actor(
        name=user.name,
        role=user.role,
        department=user.department,
        user_id=user.id,
        via=via,
        scopes=scopes,
    )


@dataclass(frozen=True)
class Session:
    """A session just opened: the cookie value (shown once) and its CSRF token."""

    cookie: str
    csrf: str


def start_session(store: Store, user: db.UserRow) -> Session:
    """Open a web session for ``user`` (after ``authenticate``)."""
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(hours=SESSION_HOURS)
    db.add_session(store, user.id, sha256(cookie), csrf, expires)
    return Session(cookie, csrf)


def session_actor(store: Store, cookie: str) -> tuple[Actor, str] | None:
    """The actor and CSRF token of a valid session cookie; None if unknown, expired,
    revoked, or its user is disabled."""
    found = db.find_session(store, sha256(cookie))
    if found is None or found.revoked_at is not None:
        return None
    expires = as_utc(found.expires_at)
    if expires is None or expires <= utcnow():
        return None
    user = db.user_by_id(store, found.user_id)
    if user is None or not user.active:
        return None
    return actor_of(user, "session"), found.csrf_token


def end_session(store: Store, cookie: str) -> None:
    """Log out: revoke the session of this cookie (it never works again)."""
    db.revoke_sessions(store, token_sha256=sha256(cookie))


# -- API tokens -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewToken:
    """An API token just made: its id, the token itself (shown only now: the store keeps
    its hash), whose it is, its scopes and when it runs out (None: until revoked)."""

    id: int
    token: str
    user: str
    scopes: tuple[str, ...]
    days: int | None
    expires_at: datetime | None


@dataclass(frozen=True)
class TokenView:
    """An API token as the lists show it (never the token nor its hash)."""

    id: int
    user: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


def _role_scopes(role: str) -> tuple[str, ...]:
    return tuple(p for p, roles in PERMISSIONS.items() if role in roles)


def token_scopes(*, actor: Actor) -> tuple[str, ...]:
    """The scopes a token of ``actor``'s own may carry: the permissions their role holds
    (``create_token`` refuses any other)."""
    return _role_scopes(actor.role)


def create_token(
    store: Store, actor: Actor, *, name: str, scopes: list[str], days: int | None = 90
) -> NewToken:
    """A new API token for the user ``name`` (one's own, or anyone's for an admin or the
    operator) with these permission scopes (each one their role holds), valid ``days``
    days (None: until revoked). The token is shown only now: the store keeps its hash."""
    user = db.get_user(store, name)
    _self_or_admin(actor, user)
    if not scopes:
        raise AccountError("give at least one scope / 请至少指定一个权限范围", options=("scope",))
    held = _role_scopes(user.role)
    for scope in scopes:
        if scope not in PERMISSIONS:
            raise AccountError(
                f"unknown scope {scope!r}; use one of {', '.join(PERMISSIONS)} / 未知权限范围"
            )
        if scope not in held:
            raise AccountError(f"{name} ({user.role}) does not hold {scope} / 该用户无此权限")
    if days is not None and days < 1:
        raise AccountError("a token lasts at least 1 day / 有效天数至少为 1", options=("days",))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=days) if days is not None else None
    kept = sorted(set(scopes))
    token_id = db.add_token(store, user.id, sha256(token), kept, expires, actor=actor)
    return NewToken(token_id, token, user.name, tuple(kept), days, expires)


def token_list(store: Store, *, actor: Actor, everyone: bool = False) -> list[TokenView]:
    """API tokens, oldest first: the actor's own (none for the operator, who has no
    account), or with ``everyone`` every user's (only for those who manage users)."""
    if everyone:
        _need(actor, "users.manage")
        rows = db.list_tokens(store)
    else:
        _need(actor, "account.self")
        rows = db.list_tokens(store, actor.user_id) if actor.user_id is not None else []
    return [
        TokenView(
            id=t.id,
            user=t.user_name,
            scopes=t.scopes,
            created_at=t.created_at,
            expires_at=t.expires_at,
            revoked_at=t.revoked_at,
            last_used_at=t.last_used_at,
        )
        for t in rows
    ]


def token_actor(store: Store, token: str) -> Actor | None:
    """The actor of a valid API token (its scopes limit it); None if unknown, revoked,
    expired or its user is disabled."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    found = db.find_token(store, sha256(token))
    if found is None or found.revoked_at is not None:
        return None
    expires = as_utc(found.expires_at)
    if expires is not None and expires <= utcnow():
        return None
    user = db.user_by_id(store, found.user_id)
    if user is None or not user.active:
        return None
    db.touch_token(store, found.id)
    return actor_of(user, "token", frozenset(found.scopes))


def revoke_token(store: Store, actor: Actor, *, token_id: int) -> None:
    """Revoke an API token: one's own, or anyone's for an admin or the operator."""
    if can(actor, "users.manage"):
        db.revoke_token(store, token_id, actor=actor)
        return
    _need(actor, "account.self")
    db.revoke_token(store, token_id, actor=actor, user_id=actor.user_id)


__all__ = [
    "LOCK_MINUTES",
    "LOGIN_REFUSED",
    "MAX_FAILURES",
    "MIN_PASSWORD",
    "TOKEN_PREFIX",
    "AccountError",
    "LoginFailed",
    "NewPassword",
    "NewToken",
    "NotAllowed",
    "RateLimiter",
    "Session",
    "TokenView",
    "UserView",
    "actor_of",
    "authenticate",
    "change_password",
    "check_password",
    "create_token",
    "create_user",
    "disable_user",
    "end_session",
    "hash_password",
    "revoke_token",
    "session_actor",
    "set_password",
    "set_role",
    "start_session",
    "token_actor",
    "token_list",
    "token_scopes",
    "user_list",
]
