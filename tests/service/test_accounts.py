"""Accounts (SQLite and PostgreSQL): argon2 hashes, never the password; the temporary
lock-out after repeated failures; sessions ending at logout, password change, role change
and disabling; API tokens shown once, scoped, expiring and revocable; every change checked
against the actor's permissions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from qcity.data import users as db
from qcity.data.roles import Actor, can, operator
from qcity.data.store import Store
from qcity.data.tables import utcnow
from qcity.service import accounts as acc

OP = operator("tester")
PW = "a long enough password"


def _admin(store: Store) -> Actor:
    uid = acc.create_user(store, OP, "root", "admin", PW)
    return Actor("root", "admin", user_id=uid, via="session")


def test_only_an_argon2_hash_is_stored(store: Store) -> None:
    acc.create_user(store, OP, "ann", "viewer", PW)
    with store.engine.connect() as conn:
        (stored,) = conn.execute(select(db.USERS.c.password_hash)).scalars().all()
    assert stored.startswith("$argon2id$") and PW not in stored
    assert PasswordHasher().verify(stored, PW)
    with pytest.raises(acc.AccountError, match="at least 10"):
        acc.create_user(store, OP, "bob", "viewer", "short")
    assert db.find_user(store, "bob") is None


def test_only_who_manages_users_changes_them(store: Store) -> None:
    admin = _admin(store)
    analyst = Actor("al", "analyst", user_id=99, via="session")
    with pytest.raises(acc.NotAllowed):
        acc.create_user(store, analyst, "x", "viewer", PW)
    acc.create_user(store, admin, "cat", "clerk", PW, department="统计局")
    with pytest.raises(acc.NotAllowed):
        acc.set_role(store, analyst, "cat", "admin")
    acc.set_role(store, admin, "cat", "reviewer")
    assert db.get_user(store, "cat").role == "reviewer"
    with pytest.raises(db.UserError, match="unknown role"):
        acc.set_role(store, admin, "cat", "god")
    with pytest.raises(acc.AccountError, match="your own"):
        acc.disable_user(store, admin, "root")


def test_authenticate_and_lock_out(store: Store) -> None:
    acc.create_user(store, OP, "dan", "viewer", PW)
    assert acc.authenticate(store, "dan", PW).name == "dan"
    now = utcnow()
    for i in range(acc.MAX_FAILURES):
        with pytest.raises(acc.LoginFailed, match="wrong name or password"):
            acc.authenticate(store, "dan", "wrong password", now=now)
        assert db.get_user(store, "dan").failed_logins == i + 1
    user = db.get_user(store, "dan")
    assert user.locked_until == now + timedelta(minutes=acc.LOCK_MINUTES)
    with pytest.raises(acc.LoginFailed, match="locked"):
        acc.authenticate(store, "dan", PW, now=now + timedelta(minutes=1))
    later = now + timedelta(minutes=acc.LOCK_MINUTES, seconds=1)
    assert acc.authenticate(store, "dan", PW, now=later).name == "dan"
    assert db.get_user(store, "dan").failed_logins == 0
    with pytest.raises(acc.LoginFailed, match="wrong name or password"):
        acc.authenticate(store, "nobody", PW)


def test_sessions_end_at_logout_role_change_and_disable(store: Store) -> None:
    admin = _admin(store)
    acc.create_user(store, OP, "eve", "analyst", PW)
    user = acc.authenticate(store, "eve", PW)
    first = acc.start_session(store, user)
    found = acc.session_actor(store, first.cookie)
    assert found is not None
    actor, csrf = found
    assert (actor.name, actor.role, actor.via, csrf) == ("eve", "analyst", "session", first.csrf)
    with store.engine.connect() as conn:
        hashes = conn.execute(select(db.SESSIONS.c.token_sha256)).scalars().all()
    assert first.cookie not in hashes and acc.sha256(first.cookie) in hashes
    acc.end_session(store, first.cookie)
    assert acc.session_actor(store, first.cookie) is None
    second = acc.start_session(store, user)
    acc.set_role(store, admin, "eve", "viewer")
    assert acc.session_actor(store, second.cookie) is None
    third = acc.start_session(store, db.get_user(store, "eve"))
    acc.disable_user(store, admin, "eve")
    assert acc.session_actor(store, third.cookie) is None
    with pytest.raises(acc.LoginFailed):
        acc.authenticate(store, "eve", PW)
    assert acc.session_actor(store, "made-up") is None


def test_expired_session(store: Store) -> None:
    acc.create_user(store, OP, "fay", "viewer", PW)
    session = acc.start_session(store, db.get_user(store, "fay"))
    with store.engine.begin() as conn:
        conn.execute(update(db.SESSIONS).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert acc.session_actor(store, session.cookie) is None


def test_password_change(store: Store) -> None:
    uid = acc.create_user(store, OP, "gus", "viewer", PW)
    me = Actor("gus", "viewer", user_id=uid, via="session")
    session = acc.start_session(store, db.get_user(store, "gus"))
    with pytest.raises(acc.AccountError, match="current password"):
        acc.change_password(store, me, "not it", "another password 1")
    with pytest.raises(acc.AccountError, match="at least"):
        acc.change_password(store, me, PW, "short")
    acc.change_password(store, me, PW, "another password 1")
    assert acc.session_actor(store, session.cookie) is None
    with pytest.raises(acc.LoginFailed):
        acc.authenticate(store, "gus", PW)
    assert acc.authenticate(store, "gus", "another password 1").id == uid
    acc.set_password(store, OP, "gus", "operator reset pw")
    assert acc.authenticate(store, "gus", "operator reset pw").id == uid


def test_tokens_scoped_shown_once_expiring_revocable(store: Store) -> None:
    uid = acc.create_user(store, OP, "hal", "clerk", PW, department="统计局")
    token_id, token = acc.create_token(store, OP, "hal", ["values.enter"], days=30)
    assert token.startswith(acc.TOKEN_PREFIX) and len(token) > 40
    with store.engine.connect() as conn:
        stored = conn.execute(select(db.TOKENS.c.token_sha256)).scalars().all()
    assert stored == [acc.sha256(token)]
    actor = acc.token_actor(store, token)
    assert actor is not None and actor.user_id == uid and actor.via == "token"
    assert can(actor, "values.enter") and not can(actor, "values.submit")  # the scope
    assert not can(actor, "users.manage")
    with pytest.raises(acc.AccountError, match="does not hold"):
        acc.create_token(store, OP, "hal", ["runs.publish"])
    with pytest.raises(acc.AccountError, match="unknown scope"):
        acc.create_token(store, OP, "hal", ["everything"])
    with pytest.raises(acc.AccountError, match="at least one"):
        acc.create_token(store, OP, "hal", [])
    other = Actor("ivy", "viewer", user_id=uid + 1000, via="session")
    with pytest.raises(acc.NotAllowed):
        acc.create_token(store, other, "hal", ["results.read"])  # not one's own
    with pytest.raises(db.UserError):
        acc.revoke_token(store, other, token_id)  # not ivy's token
    acc.revoke_token(store, Actor("hal", "clerk", user_id=uid, via="session"), token_id)
    assert acc.token_actor(store, token) is None
    _, later = acc.create_token(store, OP, "hal", ["results.read"], days=1)
    with store.engine.begin() as conn:
        conn.execute(update(db.TOKENS).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert acc.token_actor(store, later) is None
    assert acc.token_actor(store, "qct_made_up") is None and acc.token_actor(store, "x") is None


def test_rate_limiter_counts_per_key() -> None:
    limiter = acc.RateLimiter(limit=2, window=3600)
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]
    assert limiter.allow("b")
