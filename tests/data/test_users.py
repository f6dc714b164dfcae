"""Accounts in the store (SQLite and PostgreSQL): users, sessions and API tokens, one
transaction per write; migration 0004 keeps the text ``entered_by`` of older rows as the
legacy name and adds the user references; imports record the user's id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from alembic import command
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from qcity.data import migrate
from qcity.data import users as db
from qcity.data.audit import read_log
from qcity.data.roles import operator
from qcity.data.store import Store
from qcity.data.tables import BATCHES, OBS, StoreError, utcnow

OP = operator("test")


def test_users_are_stored_and_read_back(store: Store) -> None:
    uid = db.add_user(store, " ada ", "analyst", "hash-1", department="统计局", actor=OP)
    user = db.get_user(store, "ada")
    assert (user.id, user.name, user.display_name, user.role) == (uid, "ada", "ada", "analyst")
    assert user.department == "统计局" and user.active and user.failed_logins == 0
    assert user.created_at.tzinfo is not None and user.locked_until is None
    assert db.user_by_id(store, uid) == user
    assert db.find_user(store, "nobody") is None
    with pytest.raises(db.UserError, match="exists already"):
        db.add_user(store, "ada", "viewer", "hash-2", actor=OP)
    with pytest.raises(db.UserError, match="unknown role"):
        db.add_user(store, "bob", "superuser", "hash-3", actor=OP)
    with pytest.raises(db.UserError, match="no user"):
        db.update_user(store, "nobody", actor=OP, active=False)
    assert [u.name for u in db.list_users(store)] == ["ada"] and db.count_users(store) == 1


def test_the_database_refuses_an_unknown_role(store: Store) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(
            db.USERS.insert(),
            {
                "name": "x",
                "display_name": "x",
                "role": "root",
                "password_hash": "h",
                "active": True,
                "created_at": now,
                "failed_logins": 0,
                "password_changed_at": now,
            },
        )
    assert db.count_users(store) == 0


def test_claim_login_counts_each_attempt_and_locks_the_pair(store: Store) -> None:
    until = utcnow() + timedelta(minutes=15)

    def claim(name: str, address: str) -> bool:
        return db.claim_login(store, name, address, max_failures=3, lock_until=until)

    assert [claim("eve", "10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert claim("eve", "10.0.0.2") and claim("nobody", "10.0.0.1")  # other pairs go on
    failures = db.login_failures(store)
    assert failures["eve"] == (4, until) and failures["nobody"] == (1, None)
    db.clear_login(store, "eve", "10.0.0.1")
    assert db.login_failures(store)["eve"] == (1, None)  # the other address's attempt
    assert claim("eve", "10.0.0.1")


def test_a_lock_that_ran_out_starts_a_new_count(store: Store) -> None:
    past = utcnow() - timedelta(seconds=1)
    for _ in range(2):
        db.claim_login(store, "ann", "a", max_failures=2, lock_until=past)
    assert db.login_failures(store)["ann"] == (2, None)  # locked until a time gone by
    assert db.claim_login(store, "ann", "a", max_failures=2, lock_until=past)
    with store.engine.connect() as conn:
        assert conn.execute(select(db.THROTTLE.c.failures)).scalar_one() == 1


def test_replace_password_ends_sessions_and_tokens_in_one_go(store: Store) -> None:
    uid = db.add_user(store, "ida", "analyst", "h1", actor=OP)
    db.add_session(store, uid, "s" * 64, "csrf", datetime(2030, 1, 1, tzinfo=UTC))
    token = db.add_token(store, uid, "t" * 64, ["results.read"], None, actor=OP)
    db.claim_login(store, "ida", "x", max_failures=1, lock_until=datetime(2030, 1, 1, tzinfo=UTC))
    assert db.replace_password(store, "ida", "h2", actor=OP, unlock=True) == 1
    assert db.get_user(store, "ida").password_hash == "h2"
    session = db.find_session(store, "s" * 64)
    assert session is not None and session.revoked_at is not None
    (row,) = db.list_tokens(store, uid)
    assert row.id == token and row.revoked_at is not None
    assert "ida" not in db.login_failures(store)
    with pytest.raises(db.UserError, match="no user"):
        db.replace_password(store, "nobody", "h", actor=OP, unlock=False)


def test_sessions_and_tokens_keep_only_hashes(store: Store) -> None:
    uid = db.add_user(store, "tom", "clerk", "h", department="统计局", actor=OP)
    expires = datetime(2030, 1, 1, tzinfo=UTC)
    db.add_session(store, uid, "a" * 64, "csrf-1", expires)
    db.add_session(store, uid, "b" * 64, "csrf-2", expires)
    found = db.find_session(store, "a" * 64)
    assert found is not None and found.csrf_token == "csrf-1" and found.revoked_at is None
    assert db.revoke_sessions(store, token_sha256="a" * 64) == 1
    assert db.find_session(store, "a" * 64).revoked_at is not None  # type: ignore[union-attr]
    assert db.revoke_sessions(store, user_id=uid) == 1  # only the one still open
    tid = db.add_token(store, uid, "c" * 64, ["results.read", "values.enter"], None, actor=OP)
    token = db.find_token(store, "c" * 64)
    assert token is not None and token.user_name == "tom"
    assert token.scopes == ("results.read", "values.enter") and token.expires_at is None
    db.touch_token(store, tid)
    assert db.find_token(store, "c" * 64).last_used_at is not None  # type: ignore[union-attr]
    other = db.add_user(store, "ann", "viewer", "h", actor=OP)
    with pytest.raises(db.UserError):
        db.revoke_token(store, tid, actor=OP, user_id=other)  # not ann's token
    db.revoke_token(store, tid, actor=OP, user_id=uid)
    first = db.find_token(store, "c" * 64).revoked_at  # type: ignore[union-attr]
    db.revoke_token(store, tid, actor=OP)  # again: the first revocation time stays
    assert first is not None and db.find_token(store, "c" * 64).revoked_at == first  # type: ignore[union-attr]
    with pytest.raises(db.UserError, match="no API token"):
        db.revoke_token(store, 12345, actor=OP)
    with store.engine.connect() as conn:
        hashes = conn.execute(select(db.TOKENS.c.token_sha256)).scalars().all()
    assert hashes == ["c" * 64]


def test_imports_record_the_user(store: Store) -> None:
    uid = db.add_user(store, "clerk1", "clerk", "h", department="统计局", actor=OP)
    store.add_units(
        pd.DataFrame([{"code": "LY", "name_zh": "溧阳", "name_en": "Liyang", "type": "city"}])
    )
    frame = pd.DataFrame([{"unit": "LY", "indicator": "EC01", "period": "2024", "value": 1.0}])
    summary = store.add_observations(frame, entered_by="web:clerk1", entered_by_user_id=uid)
    again = frame.assign(value=2.0)
    cli = store.add_observations(again, entered_by="cli:root")
    with store.engine.connect() as conn:
        batches = conn.execute(
            select(BATCHES.c.id, BATCHES.c.entered_by, BATCHES.c.entered_by_user_id).order_by(
                BATCHES.c.id
            )
        ).all()
        obs = conn.execute(
            select(OBS.c.revision, OBS.c.entered_by, OBS.c.entered_by_user_id).order_by(
                OBS.c.revision
            )
        ).all()
    assert [tuple(b) for b in batches] == [
        (summary.batch_id, "web:clerk1", uid),
        (cli.batch_id, "cli:root", None),
    ]
    assert [tuple(o) for o in obs] == [(1, "web:clerk1", uid), (2, "cli:root", None)]


def test_0004_keeps_the_text_names_of_older_rows(db_url: str) -> None:
    s = Store(db_url)
    migrate.upgrade(s.engine, "0003")
    t = datetime(2024, 3, 1, 8, 30)
    with s.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO units (code, name_zh, name_en, type, parent_code, attributes) "
                "VALUES ('LY', '溧阳市', 'Liyang', 'city', NULL, '{}')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO import_batches (id, format, rows, added, revised, unchanged, "
                "entered_by, created_at) VALUES (1, 'csv', 1, 1, 0, 0, '统计局 王五', :t)"
            ),
            {"t": t},
        )
        conn.execute(
            text(
                "INSERT INTO observations (unit_code, indicator_code, period, year, value, "
                "status, revision, recorded_at, entered_by, batch_id) VALUES "
                "('LY', 'EC01', '2024', 2024, 1.5, 'final', 1, :t, '统计局 王五', 1)"
            ),
            {"t": t},
        )
    migrate.upgrade(s.engine, "0004")
    assert s.schema_revision() == "0004"
    columns = {c["name"] for c in inspect(s.engine).get_columns("observations")}
    assert "entered_by_user_id" in columns
    with s.engine.connect() as conn:  # plain SQL: the store's reads are the newest schema's
        assert conn.execute(select(OBS.c.entered_by)).scalars().all() == ["统计局 王五"]
        assert conn.execute(select(BATCHES.c.entered_by)).scalars().all() == ["统计局 王五"]
        assert conn.execute(select(OBS.c.entered_by_user_id)).scalars().all() == [None]
    assert {"users", "api_tokens", "web_sessions"} <= set(inspect(s.engine).get_table_names())
    # downgrading drops the accounts and the references, never the names; SQLite refuses
    # (it would copy every table, and dropping runs cascades) and changes nothing
    cfg = migrate.alembic_config()
    if s.engine.dialect.name == "sqlite":
        refused = pytest.raises(StoreError, match="cannot be undone on SQLite")
        with refused, s.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0003")
        assert s.schema_revision() == "0004"
    else:
        with s.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0003")
        assert "users" not in inspect(s.engine).get_table_names()
        assert "entered_by_user_id" not in {
            c["name"] for c in inspect(s.engine).get_columns("observations")
        }
    with s.engine.connect() as conn:
        names = conn.execute(text("SELECT entered_by FROM observations")).scalars().all()
    assert names == ["统计局 王五"]
    s.close()


def test_expiry_is_compared_in_utc(store: Store) -> None:
    uid = db.add_user(store, "zed", "viewer", "h", actor=OP)
    shanghai = datetime(2030, 1, 1, 8, 0, tzinfo=UTC) + timedelta(hours=8)
    db.add_session(store, uid, "d" * 64, "c", shanghai.astimezone(UTC))
    found = db.find_session(store, "d" * 64)
    assert found is not None and found.expires_at == datetime(2030, 1, 1, 16, 0, tzinfo=UTC)


def test_user_and_token_changes_are_audited_without_secrets(store: Store) -> None:
    uid = db.add_user(store, "amy", "clerk", "secret-hash", department="统计局", actor=OP)
    db.update_user(store, "amy", actor=OP, role="reviewer", password_hash="new-hash")
    tid = db.add_token(store, uid, "d" * 64, ["results.read"], None, actor=OP)
    db.revoke_token(store, tid, actor=OP)
    log = read_log(store.engine)
    mine = log[log["entity"].isin(["user", "api_token"])].iloc[::-1]  # oldest first
    assert list(mine["action"]) == ["users.add", "users.update", "tokens.create", "tokens.revoke"]
    assert set(mine["actor"]) == {"cli:test"}
    update = mine[mine["action"] == "users.update"].iloc[0]
    assert update["before"]["role"] == "clerk" and update["after"]["role"] == "reviewer"
    text_of_log = mine.to_json(force_ascii=False, date_format="iso")
    assert "secret-hash" not in text_of_log and "new-hash" not in text_of_log
    assert "d" * 64 not in text_of_log
