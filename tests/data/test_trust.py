"""Nothing certified is destroyed: the audit log is a hash chain that names the first
entry changed behind qcity's back, two appenders never fork it, the chain is filled for
entries made before migration 0006, and the database refuses to change or delete any row
of a published run (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import DBAPIError

from qcity.data import audit, migrate
from qcity.data import runs as run_table
from qcity.data.audit import AUDIT, GENESIS, entry_hash, verify_chain
from qcity.data.store import Store

REFUSED = "published run is never changed"


def _record(name: str = "op") -> run_table.RunRecord:
    scores = pd.DataFrame(
        {"unit": ["a", "b"], "period": ["2024", "2024"], "node": ["IDX", "IDX"],
         "score": [0.5, 0.25], "rank": [1, 2]}
    )  # fmt: skip
    return run_table.RunRecord(
        created_by=f"cli:{name}", framework_code="t", framework_version="1", index_node="IDX",
        data_source="test", data_vintage=None, as_of=None, data_sha256="0" * 64,
        config_sha256="1" * 64, qcity_version="0", scores=scores,
        weights=pd.DataFrame({"node": ["IDX"], "child": ["A"], "nominal": [1.0], "weight": [1.0]}),
        files={"scores.csv": b"unit,score\na,0.5\n"},
    )  # fmt: skip


def _lift_audit_guard(conn: Connection) -> None:
    """What someone editing the database file by hand would do first."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
    else:
        conn.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        conn.exec_driver_sql("DROP TRIGGER audit_log_no_delete")


def _log_ids(store: Store) -> list[int]:
    with store.engine.connect() as conn:
        return [int(i) for i in conn.execute(select(AUDIT.c.id).order_by(AUDIT.c.id)).scalars()]


def _check(store: Store) -> audit.ChainCheck:
    with store.engine.connect() as conn:
        return verify_chain(conn)


def test_each_entry_carries_the_hash_of_the_one_before(store: Store) -> None:
    rid = run_table.insert_run(store, _record())
    run_table.publish_run(store, rid, "cli:op")
    with store.engine.connect() as conn:
        rows = conn.execute(select(AUDIT).order_by(AUDIT.c.id)).mappings().all()
    assert len(rows) == 2
    assert rows[0]["prev_hash"] == GENESIS
    assert rows[1]["prev_hash"] == rows[0]["hash"]
    # recomputed from the stored values, independently of the code that wrote them
    assert rows[1]["hash"] == entry_hash(rows[1], rows[0]["hash"])
    check = _check(store)
    assert check.ok and check.entries == 2 and check.head == rows[1]["hash"]


@pytest.mark.parametrize("change", ["content", "delete", "rehash"])
def test_a_changed_or_removed_entry_is_named(store: Store, change: str) -> None:
    for name in ("a", "b", "c"):
        run_table.insert_run(store, _record(name))
    first, second, third = _log_ids(store)
    with store.engine.begin() as conn:
        _lift_audit_guard(conn)
        if change == "content":
            conn.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE id = :i"),
                         {"i": second})  # fmt: skip
        elif change == "delete":
            conn.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": second})
        else:  # the content and its own hash rewritten: the NEXT link breaks
            row = conn.execute(select(AUDIT).where(AUDIT.c.id == second)).mappings().one()
            forged = {**row, "actor": "someone else"}
            conn.execute(
                text("UPDATE audit_log SET actor = 'someone else', hash = :h WHERE id = :i"),
                {"h": entry_hash(forged, row["prev_hash"]), "i": second},
            )
    check = _check(store)
    assert not check.ok
    expected = second if change == "content" else third
    assert check.broken_id == expected
    assert f"entry {expected}" in (check.reason or "")
    assert first < second < third


def test_two_appenders_at_once_do_not_fork_the_chain(db_url: str) -> None:
    with Store(db_url) as s:
        s.upgrade()
    errors: list[BaseException] = []

    def append(name: str) -> None:
        try:
            with Store(db_url) as s:
                for _ in range(10):
                    with s.engine.connect() as conn:
                        conn = conn.execution_options(sqlite_begin="IMMEDIATE")
                        with conn.begin():
                            audit.record(conn, name, "test.append", "test", name)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(n,)) for n in ("x", "y", "z")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store(db_url) as s, s.engine.connect() as conn:
        hashes = conn.execute(select(AUDIT.c.prev_hash, AUDIT.c.hash)).all()
        check = verify_chain(conn)
    assert len(hashes) == 30
    assert len({p for p, _ in hashes}) == 30  # no two entries follow the same one
    assert check.ok


def test_migration_0006_chains_the_entries_already_there(db_url: str) -> None:
    s = Store(db_url)
    migrate.upgrade(s.engine, "0005")
    with s.engine.begin() as conn:
        for k in range(3):
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, actor, via, action, entity, key, before, "
                    "after) VALUES (:at, 'old', 'cli', 'x.y', 'thing', :k, NULL, :after)"
                ),
                {"at": datetime(2026, 1, 1, 8, 0, k, 123456), "k": str(k),
                 "after": f'{{"n": {k}, "t": "文"}}'},
            )  # fmt: skip
    s.upgrade()
    check = _check(s)
    assert check.ok and check.entries == 3
    # the append-only guard is back after the fill
    with pytest.raises(DBAPIError, match="append-only"), s.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'x'"))
    run_table.insert_run(s, _record())  # a new entry chains onto the filled ones
    assert _check(s).ok and _check(s).entries == 4
    s.close()


def _published_run(store: Store) -> tuple[int, int]:
    """A published run and a draft one."""
    published = run_table.insert_run(store, _record("p"))
    run_table.publish_run(store, published, "cli:p")
    draft = run_table.insert_run(store, _record("d"))
    return published, draft


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE run_scores SET score = 99 WHERE run_id = :r",
        "DELETE FROM run_scores WHERE run_id = :r",
        "UPDATE run_weights SET weight = 0 WHERE run_id = :r",
        "DELETE FROM run_weights WHERE run_id = :r",
        "UPDATE run_files SET size = 0 WHERE run_id = :r",
        "DELETE FROM run_files WHERE run_id = :r",
        "UPDATE runs SET created_by = 'x' WHERE id = :r",
        "UPDATE runs SET status = 'draft' WHERE id = :r",
        "DELETE FROM runs WHERE id = :r",
        "UPDATE run_scores SET run_id = :r WHERE run_id = :d",
    ],
)
def test_the_database_refuses_to_change_a_published_run(store: Store, statement: str) -> None:
    published, draft = _published_run(store)
    before = run_table.read_scores(store, published)
    with pytest.raises(DBAPIError, match=REFUSED), store.engine.begin() as conn:
        conn.execute(text(statement), {"r": published, "d": draft})
    pd.testing.assert_frame_equal(run_table.read_scores(store, published), before)
    assert run_table.read_run(store, published)["status"] == "published"
    assert run_table.read_files(store, published) == {"scores.csv": b"unit,score\na,0.5\n"}


def test_a_draft_run_can_still_be_changed_and_deleted(store: Store) -> None:
    _, draft = _published_run(store)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE run_scores SET score = 1 WHERE run_id = :r"), {"r": draft})
        conn.execute(text("DELETE FROM runs WHERE id = :r"), {"r": draft})
        left = conn.execute(select(func.count()).select_from(run_table.SCORES)).scalar_one()
    assert left == 2  # the published run's two scores; the draft's went with it


def test_truncating_run_tables_is_refused_on_postgresql_while_a_run_is_published(
    store: Store,
) -> None:
    if store.engine.dialect.name != "postgresql":
        assert store.engine.dialect.name == "sqlite"  # SQLite has no TRUNCATE statement
        return
    published, _ = _published_run(store)
    for table in ("run_scores", "runs CASCADE"):
        with pytest.raises(DBAPIError, match=REFUSED), store.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {table}"))
    assert len(run_table.read_scores(store, published)) == 2


def test_the_chain_text_is_the_same_for_equal_values_read_back() -> None:
    """The hash is computed from what the database gives back (aware UTC to the
    microsecond, JSON as parsed), so a naive and an aware time give the same text."""
    row = {"at": datetime(2026, 5, 1, 1, 2, 3, 4), "actor": "a", "user_id": None,
           "via": "cli", "action": "x", "entity": "e", "key": "k", "before": None,
           "after": {"b": 1, "a": [1.5]}}  # fmt: skip
    aware = {**row, "at": row["at"].replace(tzinfo=UTC), "after": {"a": [1.5], "b": 1}}
    assert audit.canonical(row) == audit.canonical(aware)
    assert '"at":"2026-05-01T01:02:03.000004+00:00"' in audit.canonical(row)


def test_cli_audit_log_verify_names_the_tampered_entry(store: Store, db_url: str) -> None:
    from typer.testing import CliRunner

    from qcity.cli import app

    for name in ("a", "b"):
        run_table.insert_run(store, _record(name))
    ok = CliRunner().invoke(app, ["audit-log", "verify", "--db", db_url])
    assert ok.exit_code == 0, ok.output
    assert "verifies: 2 entries" in " ".join(ok.output.split())
    first, _ = _log_ids(store)
    with store.engine.begin() as conn:
        _lift_audit_guard(conn)
        conn.execute(text("UPDATE audit_log SET key = '999' WHERE id = :i"), {"i": first})
    bad = CliRunner().invoke(app, ["audit-log", "verify", "--db", db_url])
    output = " ".join(bad.output.split())
    assert bad.exit_code == 1 and "Traceback" not in output
    assert f"does not verify at entry {first}" in output
