"""Accounts (SQLite and PostgreSQL): argon2 hashes, never the password; the password
rules wherever a password is set; the lock-out per login name and client address, with
one answer for every refusal; sessions ending at logout, password change, role change
and disabling; API tokens shown once, scoped, expiring, revocable and revoked with a new
password; every change checked against the actor's permissions."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
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
#: The client addresses logins come from in these tests.
HERE, THERE = "10.0.0.1", "10.0.0.2"


def _admin(store: Store) -> Actor:
    uid = acc.create_user(store, OP, name="root", role="admin", password=PW)
    return Actor("root", "admin", user_id=uid, via="session")


def test_only_an_argon2_hash_is_stored(store: Store) -> None:
    acc.create_user(store, OP, name="ann", role="viewer", password=PW)
    with store.engine.connect() as conn:
        (stored,) = conn.execute(select(db.USERS.c.password_hash)).scalars().all()
    assert stored.startswith("$argon2id$") and PW not in stored
    assert PasswordHasher().verify(stored, PW)
    with pytest.raises(acc.AccountError, match="at least 12"):
        acc.create_user(store, OP, name="bob", role="viewer", password="short")
    assert db.find_user(store, "bob") is None


def test_only_who_manages_users_changes_them(store: Store) -> None:
    admin = _admin(store)
    analyst = Actor("al", "analyst", user_id=99, via="session")
    with pytest.raises(acc.NotAllowed):
        acc.create_user(store, analyst, name="x", role="viewer", password=PW)
    acc.create_user(store, admin, name="cat", role="clerk", password=PW, department="统计局")
    with pytest.raises(acc.NotAllowed):
        acc.set_role(store, analyst, name="cat", role="admin")
    acc.set_role(store, admin, name="cat", role="reviewer")
    assert db.get_user(store, "cat").role == "reviewer"
    with pytest.raises(db.UserError, match="unknown role"):
        acc.set_role(store, admin, name="cat", role="god")
    with pytest.raises(acc.AccountError, match="your own"):
        acc.disable_user(store, admin, name="root")


def test_lock_out_is_per_name_and_address(store: Store) -> None:
    acc.create_user(store, OP, name="dan", role="viewer", password=PW)
    assert acc.authenticate(store, "dan", PW, HERE).name == "dan"
    for _ in range(acc.MAX_FAILURES):
        with pytest.raises(acc.LoginFailed, match="wrong name or password"):
            acc.authenticate(store, "dan", "wrong password", THERE)
    # from THERE even the right password is refused now, with the same answer
    with pytest.raises(acc.LoginFailed) as locked:
        acc.authenticate(store, "dan", PW, THERE)
    assert str(locked.value) == acc.LOGIN_REFUSED
    # the guesses from THERE do not lock dan out at their own desk
    assert acc.authenticate(store, "dan", PW, HERE).name == "dan"
    failures, until = db.login_failures(store)["dan"]
    assert failures == acc.MAX_FAILURES and until is not None
    assert until > utcnow() + timedelta(minutes=acc.LOCK_MINUTES - 1)
    # once the lock has run out, THERE may try again; a success clears the count
    with store.engine.begin() as conn:
        conn.execute(update(db.THROTTLE).values(locked_until=utcnow() - timedelta(seconds=1)))
    assert acc.authenticate(store, "dan", PW, THERE).name == "dan"
    assert "dan" not in db.login_failures(store)


def test_every_refusal_is_the_same_answer(store: Store) -> None:
    acc.create_user(store, OP, name="dot", role="viewer", password=PW)
    acc.create_user(store, OP, name="off", role="viewer", password=PW)
    acc.disable_user(store, OP, name="off")
    for _ in range(acc.MAX_FAILURES):
        with pytest.raises(acc.LoginFailed):
            acc.authenticate(store, "dot", "wrong password", THERE)
    answers = set()
    for name, password in (("dot", PW), ("dot", "wrong"), ("nobody", PW), ("off", PW)):
        with pytest.raises(acc.LoginFailed) as refused:
            acc.authenticate(store, name, password, THERE if name == "dot" else HERE)
        answers.add(str(refused.value))
    assert answers == {acc.LOGIN_REFUSED}


def _median_seconds(call: Callable[[], object], n: int = 5) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        with pytest.raises(acc.LoginFailed):
            call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@pytest.mark.real_argon2
def test_unknown_and_locked_names_take_the_time_of_a_wrong_password(store: Store) -> None:
    acc.create_user(store, OP, name="kim", role="viewer", password=PW)
    acc.create_user(store, OP, name="lou", role="viewer", password=PW)
    for _ in range(acc.MAX_FAILURES):
        with pytest.raises(acc.LoginFailed):
            acc.authenticate(store, "lou", "wrong password", THERE)
    wrong = _median_seconds(lambda: acc.authenticate(store, "kim", "wrong password", HERE))
    unknown = _median_seconds(lambda: acc.authenticate(store, "nobody", PW, HERE))
    locked = _median_seconds(lambda: acc.authenticate(store, "lou", PW, THERE))
    # each refusal checks one argon2 hash (tens of milliseconds): without the dummy check
    # an unknown or locked name would answer in a fraction of that
    assert unknown > wrong / 2 and locked > wrong / 2, (wrong, unknown, locked)


def test_sessions_end_at_logout_role_change_and_disable(store: Store) -> None:
    admin = _admin(store)
    acc.create_user(store, OP, name="eve", role="analyst", password=PW)
    user = acc.authenticate(store, "eve", PW, HERE)
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
    acc.set_role(store, admin, name="eve", role="viewer")
    assert acc.session_actor(store, second.cookie) is None
    third = acc.start_session(store, db.get_user(store, "eve"))
    acc.disable_user(store, admin, name="eve")
    assert acc.session_actor(store, third.cookie) is None
    with pytest.raises(acc.LoginFailed):
        acc.authenticate(store, "eve", PW, HERE)
    assert acc.session_actor(store, "made-up") is None


def test_expired_session(store: Store) -> None:
    acc.create_user(store, OP, name="fay", role="viewer", password=PW)
    session = acc.start_session(store, db.get_user(store, "fay"))
    with store.engine.begin() as conn:
        conn.execute(update(db.SESSIONS).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert acc.session_actor(store, session.cookie) is None


def test_password_change(store: Store) -> None:
    uid = acc.create_user(store, OP, name="gus", role="viewer", password=PW)
    me = Actor("gus", "viewer", user_id=uid, via="session")
    session = acc.start_session(store, db.get_user(store, "gus"))
    with pytest.raises(acc.AccountError, match="current password"):
        acc.change_password(store, me, old="not it", new="another password 1")
    with pytest.raises(acc.AccountError, match="at least"):
        acc.change_password(store, me, old=PW, new="short")
    acc.change_password(store, me, old=PW, new="another password 1")
    assert acc.session_actor(store, session.cookie) is None
    with pytest.raises(acc.LoginFailed):
        acc.authenticate(store, "gus", PW, HERE)
    assert acc.authenticate(store, "gus", "another password 1", HERE).id == uid
    acc.set_password(store, OP, name="gus", password="operator reset pw")
    assert acc.authenticate(store, "gus", "operator reset pw", HERE).id == uid


def test_new_passwords_follow_the_rules_everywhere(store: Store) -> None:
    uid = acc.create_user(store, OP, name="joe", role="viewer", password=PW)
    me = Actor("joe", "viewer", user_id=uid, via="session")
    weak = {
        "eleven char": "at least 12",  # 11 characters
        "1q2w3e4r5t6y": "most common",  # in the shipped list
        "QWERTY123456": "most common",  # compared without case
        "my name is JOE, ok?": "login name",
    }
    for password, reason in weak.items():
        with pytest.raises(acc.AccountError, match=reason):
            acc.create_user(
                store,
                OP,
                name="joe2" if reason != "login name" else "joe",
                role="viewer",
                password=password,
            )
        with pytest.raises(acc.AccountError, match=reason):
            acc.change_password(store, me, old=PW, new=password)
        with pytest.raises(acc.AccountError, match=reason):
            acc.set_password(store, OP, name="joe", password=password)
    assert db.find_user(store, "joe2") is None
    assert acc.authenticate(store, "joe", PW, HERE).id == uid  # nothing changed


def test_a_user_made_under_older_rules_keeps_logging_in(store: Store) -> None:
    # a 10-character password, as the first version allowed, stored directly
    db.add_user(store, "old", "viewer", PasswordHasher().hash("ten chars!"), actor=OP)
    assert acc.authenticate(store, "old", "ten chars!", HERE).name == "old"


def test_a_new_password_revokes_the_users_tokens(store: Store) -> None:
    uid = acc.create_user(store, OP, name="kai", role="analyst", password=PW)
    me = Actor("kai", "analyst", user_id=uid, via="session")
    other = acc.create_user(store, OP, name="lea", role="analyst", password=PW)
    theirs = acc.create_token(store, OP, name="lea", scopes=["results.read"]).token
    first = acc.create_token(store, OP, name="kai", scopes=["results.read"]).token
    assert acc.token_actor(store, first) is not None
    acc.change_password(store, me, old=PW, new="my second password")
    assert acc.token_actor(store, first) is None
    second = acc.create_token(store, me, name="kai", scopes=["results.read"]).token
    assert acc.token_actor(store, second) is not None
    acc.set_password(store, OP, name="kai", password="the operator's reset")
    assert acc.token_actor(store, second) is None
    actor = acc.token_actor(store, theirs)  # another user's token is untouched
    assert actor is not None and actor.user_id == other
    from qcity.data.audit import read_log

    log = read_log(store.engine, action="tokens.revoke")
    assert len(log) == 2  # each revocation is in the audit log


def test_tokens_scoped_shown_once_expiring_revocable(store: Store) -> None:
    uid = acc.create_user(store, OP, name="hal", role="clerk", password=PW, department="统计局")
    made = acc.create_token(store, OP, name="hal", scopes=["values.enter"], days=30)
    token_id, token = made.id, made.token
    assert token.startswith(acc.TOKEN_PREFIX) and len(token) > 40
    with store.engine.connect() as conn:
        stored = conn.execute(select(db.TOKENS.c.token_sha256)).scalars().all()
    assert stored == [acc.sha256(token)]
    actor = acc.token_actor(store, token)
    assert actor is not None and actor.user_id == uid and actor.via == "token"
    assert can(actor, "values.enter") and not can(actor, "values.submit")  # the scope
    assert not can(actor, "users.manage")
    with pytest.raises(acc.AccountError, match="does not hold"):
        acc.create_token(store, OP, name="hal", scopes=["runs.publish"])
    with pytest.raises(acc.AccountError, match="unknown scope"):
        acc.create_token(store, OP, name="hal", scopes=["everything"])
    with pytest.raises(acc.AccountError, match="at least one"):
        acc.create_token(store, OP, name="hal", scopes=[])
    other = Actor("ivy", "viewer", user_id=uid + 1000, via="session")
    with pytest.raises(acc.NotAllowed):
        acc.create_token(store, other, name="hal", scopes=["results.read"])  # not one's own
    with pytest.raises(db.UserError):
        acc.revoke_token(store, other, token_id=token_id)  # not ivy's token
    acc.revoke_token(store, Actor("hal", "clerk", user_id=uid, via="session"), token_id=token_id)
    assert acc.token_actor(store, token) is None
    later = acc.create_token(store, OP, name="hal", scopes=["results.read"], days=1).token
    with store.engine.begin() as conn:
        conn.execute(update(db.TOKENS).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert acc.token_actor(store, later) is None
    assert acc.token_actor(store, "qct_made_up") is None and acc.token_actor(store, "x") is None


def test_rate_limiter_counts_per_key() -> None:
    limiter = acc.RateLimiter(limit=2, window=3600)
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]
    assert limiter.allow("b")


@pytest.mark.real_argon2
def test_passwords_are_hashed_at_rfc_9106_cost() -> None:
    """The product hashes with argon2id at RFC 9106's second recommended option (3 passes
    over 64 MiB, 4 lanes); tests elsewhere use a quick hasher (tests/conftest.py)."""
    from argon2 import Type

    assert acc._hasher.type is Type.ID
    assert (acc._hasher.time_cost, acc._hasher.memory_cost, acc._hasher.parallelism) == (
        3,
        65536,
        4,
    )
    assert acc.hash_password("a long enough password 1").startswith(
        "$argon2id$v=19$m=65536,t=3,p=4$"
    )
