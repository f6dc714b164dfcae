"""Accounts: argon2 password hashes, login throttled per login name and client address,
web sessions, scoped revocable API tokens and password changes (the rules a new password
meets are ``qcity.service.passwords``).

Every change takes the ``actor`` doing it (an admin, the user themself, or the CLI
operator) and checks its permission, so the audit log can be wired into these functions.
There is no default password anywhere: a user exists only once someone gave one.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from qcity import errors
from qcity.data import users as db
from qcity.data.roles import PERMISSIONS, Actor, can
from qcity.data.store import Store
from qcity.data.tables import as_utc, utcnow
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
    """Bad input to an account operation (weak password, unknown scope ...)."""


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
    if not can(actor, permission):
        raise NotAllowed(f"{actor.name} may not do this ({permission}) / 无此权限")


def _self_or_admin(actor: Actor, user: db.UserRow) -> None:
    if actor.user_id == user.id and can(actor, "account.self"):
        return
    _need(actor, "users.manage")


# -- users ----------------------------------------------------------------------------------


def create_user(
    store: Store,
    actor: Actor,
    name: str,
    role: str,
    password: str,
    *,
    department: str | None = None,
    display_name: str | None = None,
) -> int:
    """Add a user with a password given by a person (checked, hashed); its id."""
    _need(actor, "users.manage")
    db.check_role(role)
    return db.add_user(
        store,
        name,
        role,
        hash_password(password, name.strip()),
        department=department,
        display_name=display_name,
        actor=actor,
    )


def set_role(store: Store, actor: Actor, name: str, role: str) -> None:
    """Give the user ``name`` another role; their open sessions end."""
    _need(actor, "users.manage")
    user = db.get_user(store, name)
    db.update_user(store, name, actor=actor, role=db.check_role(role))
    db.revoke_sessions(store, user_id=user.id)


def disable_user(store: Store, actor: Actor, name: str) -> None:
    """Disable the user ``name``: no login, their sessions end, their tokens stop working."""
    _need(actor, "users.manage")
    user = db.get_user(store, name)
    if actor.user_id == user.id:
        raise AccountError("you cannot disable your own account / 不能停用自己的账号")
    db.update_user(store, name, actor=actor, active=False)
    db.revoke_sessions(store, user_id=user.id)


def set_password(store: Store, actor: Actor, name: str, password: str) -> None:
    """Set a new password for ``name`` (an admin or the operator): the user's failed
    logins are forgotten, their sessions end and their API tokens are revoked."""
    _need(actor, "users.manage")
    db.get_user(store, name)
    db.replace_password(store, name, hash_password(password, name), actor=actor, unlock=True)


def change_password(store: Store, actor: Actor, old: str, new: str) -> None:
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


def create_token(
    store: Store, actor: Actor, name: str, scopes: list[str], days: int | None = 90
) -> tuple[int, str]:
    """A new API token for the user ``name`` with these permission scopes (each one their
    role holds), valid ``days`` days (None: until revoked); (id, token). The token is
    shown only now: the store keeps its hash."""
    user = db.get_user(store, name)
    _self_or_admin(actor, user)
    if not scopes:
        raise AccountError("give at least one --scope / 请至少指定一个权限范围")
    for scope in scopes:
        if scope not in PERMISSIONS:
            raise AccountError(
                f"unknown scope {scope!r}; use one of {', '.join(PERMISSIONS)} / 未知权限范围"
            )
        if user.role not in PERMISSIONS[scope]:
            raise AccountError(f"{name} ({user.role}) does not hold {scope} / 该用户无此权限")
    if days is not None and days < 1:
        raise AccountError("--days must be at least 1 / 有效天数至少为 1")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=days) if days is not None else None
    token_id = db.add_token(
        store, user.id, sha256(token), sorted(set(scopes)), expires, actor=actor
    )
    return token_id, token


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


def revoke_token(store: Store, actor: Actor, token_id: int) -> None:
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
    "NotAllowed",
    "RateLimiter",
    "Session",
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
]
