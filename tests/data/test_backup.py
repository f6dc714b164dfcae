"""``qcity backup`` / ``qcity restore``: a round trip compares every table row by row,
SQLite -> PostgreSQL and back (and each onto itself); a damaged file, a backup from a
newer schema and a non-empty target are refused with nothing restored."""

from __future__ import annotations

import hashlib
import json
import math
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data import runs as run_table
from qcity.data.backup import tables
from qcity.data.store import Store
from qcity.framework.io import load_framework
from tests.conftest import _fresh_pg_schema

LIYANG = Path(__file__).resolve().parents[2] / "frameworks" / "liyang.yaml"
#: Floats that a lossy text format would change.
HARD_FLOATS = [0.1 + 0.2, 1e-300, 1 / 3, 123456789.12345679, 2.0**-52]


def _cli(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def _fill(store: Store) -> None:
    """Units, a group, a framework, observations (with revisions and awkward floats) and a
    stored run with binary files and a NaN score: every kind of column."""
    store.add_units(
        pd.DataFrame(
            {"code": ["a", "b"], "name_zh": ["甲市", "乙市"], "name_en": ["A", "=B"],
             "type": ["city", "city"], "parent_code": [None, None], "region": ["苏南", ""]}
        ),
        entered_by="测试",
    )  # fmt: skip
    store.add_group("peers", "同类", "Peers", ["a", "b"])
    fw = load_framework(LIYANG)
    store.save_framework(fw, LIYANG.read_text(encoding="utf-8"))
    obs = pd.DataFrame(
        {"unit": ["a"] * 5 + ["b"] * 5, "indicator": ["EC01"] * 10,
         "period": [str(2015 + i) for i in range(5)] * 2,
         "value": HARD_FLOATS * 2, "source": ["统计年鉴 2024", None] * 5}
    )  # fmt: skip
    store.add_observations(obs, entered_by="统计局")
    store.add_observations(obs.iloc[:2].assign(value=[7.5, 8.25]), entered_by="统计局")
    scores = pd.DataFrame(
        {"unit": ["a", "b"], "period": ["2024", "2024"], "node": ["IDX", "IDX"],
         "score": [1 / 3, float("nan")], "rank": [1, None]}
    )  # fmt: skip
    weights = pd.DataFrame({"node": ["IDX"], "child": ["EC"], "nominal": [0.2], "weight": [0.2]})
    record = run_table.RunRecord(
        created_by="tester", framework_code="liyang", framework_version="2026.1",
        index_node="IDX", data_source="store", data_vintage="2024-01-01T00:00:00.000001+00:00",
        as_of=datetime(2024, 1, 1, 0, 0, 0, 1, tzinfo=UTC), data_sha256="0" * 64,
        config_sha256="1" * 64, qcity_version="0.1.0", scores=scores, weights=weights,
        files={"scores.csv": b"unit,score\na,0.3\n", "blob.bin": bytes(range(256)) * 3},
        selection={"group": "peers", "units": ["a", "b"]}, stamp={"x": [1.5, None, "文"]},
        steps=[{"step": "aggregate", "method": "arithmetic", "params": {}}],
        libraries={"numpy": "2"}, diagnostics=["注意"], value_counts={"final": 10},
    )  # fmt: skip
    run_table.insert_run(store, record)


def _dump(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in primary-key order, as Python values."""
    with Store(url) as store, store.engine.connect() as conn:
        return {
            t.name: [
                dict(r._mapping) for r in conn.execute(select(t).order_by(*t.primary_key.columns))
            ]
            for t in tables()
        }


def _same(a: Any, b: Any) -> bool:
    """Equal, NaN equal to NaN, -0.0 distinct from 0.0 (bit-identical floats)."""
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) and math.isnan(b):
            return True
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return bool(a == b) and type(a) is type(b)


def _restored(dump: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """``dump`` without the entries that restores added to the audit log."""
    log = [r for r in dump["audit_log"] if r["action"] != "backup.restore"]
    return {**dump, "audit_log": log}


def _assert_equal(left: dict[str, list[dict[str, Any]]], right: dict[str, Any]) -> None:
    assert left.keys() == right.keys()
    for name, rows in left.items():
        assert len(rows) == len(right[name]), name
        for x, y in zip(rows, right[name], strict=True):
            assert x.keys() == y.keys(), name
            for col in x:
                assert _same(x[col], y[col]), (name, col, x[col], y[col])


@pytest.fixture
def other_url(request: pytest.FixtureRequest, db_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the OTHER engine than ``db_url``."""
    if db_url.startswith("sqlite"):
        yield from _fresh_pg_schema(request.getfixturevalue("pg_database_url"))
    else:
        yield f"sqlite:///{tmp_path / 'other.sqlite'}"


@pytest.fixture
def same_kind_url(request: pytest.FixtureRequest, db_url: str, tmp_path: Path) -> Iterator[str]:
    """Another empty database of the SAME engine as ``db_url``."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'again.sqlite'}"
    else:
        yield from _fresh_pg_schema(request.getfixturevalue("pg_database_url"))


def test_round_trip_to_the_other_engine_and_back_keeps_every_row(
    store: Store, db_url: str, other_url: str, same_kind_url: str, tmp_path: Path
) -> None:
    _fill(store)
    before = _dump(db_url)
    assert all(before[t] for t in ("units", "observations", "runs", "run_files", "run_scores"))
    out = tmp_path / "b.zip"
    assert "backed up" in _cli("backup", str(out), "--db", db_url)
    manifest = json.loads(zipfile.ZipFile(out).read("manifest.json"))
    assert manifest["alembic_revision"] == store.schema_revision()
    assert {n: i["rows"] for n, i in manifest["tables"].items()} == {
        n: len(r) for n, r in before.items()
    }
    assert "restored" in _cli("restore", str(out), "--db", other_url)
    _assert_equal(before, _restored(_dump(other_url)))
    # and back, into a new database of the first engine's kind
    back = tmp_path / "back.zip"
    _cli("backup", str(back), "--db", other_url)
    _cli("restore", str(back), "--db", same_kind_url)
    _assert_equal(before, _restored(_dump(same_kind_url)))
    # the chain verifies on the other engine and back, each restore recorded in it
    for url, restores in ((other_url, 1), (same_kind_url, 2)):
        assert "verifies" in _cli("audit-log", "verify", "--db", url)
        log = _dump(url)["audit_log"]
        assert len(log) == len(before["audit_log"]) + restores
        assert log[-1]["action"] == "backup.restore" and log[-1]["actor"].startswith("cli:")
        assert log[-1]["prev_hash"] == log[-2]["hash"]
    # ids go on after the restored ones (PostgreSQL sequences were reset)
    with Store(other_url) as target:
        s = target.add_observations(
            pd.DataFrame(
                {"unit": ["a"], "indicator": ["EC02"], "period": ["2020"], "value": [1.0]}
            ),
            entered_by="x",
        )
        assert s.batch_id == max(r["id"] for r in before["import_batches"]) + 1


def test_restore_refuses_a_non_empty_database_and_keeps_it(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    _fill(store)
    out = tmp_path / "b.zip"
    _cli("backup", str(out), "--db", db_url)
    store.add_observations(
        pd.DataFrame({"unit": ["b"], "indicator": ["EC02"], "period": ["2020"], "value": [2.0]}),
        entered_by="x",
    )
    before = _dump(db_url)
    output = _cli("restore", str(out), "--db", db_url, code=1)
    assert "not empty" in output and "--replace" in output
    _assert_equal(before, _dump(db_url))


def _rewrite(src: Path, dst: Path, change: dict[str, bytes]) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, change.get(item.filename, zin.read(item.filename)))


def test_damaged_and_newer_backups_are_refused_with_nothing_restored(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    _fill(store)
    good = tmp_path / "good.zip"
    _cli("backup", str(good), "--db", db_url)
    target = f"sqlite:///{tmp_path / 'target.sqlite'}"

    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "truncated.zip" in _cli("restore", str(truncated), "--db", target, code=1)

    lines = zipfile.ZipFile(good).read("tables/observations.jsonl").splitlines(keepends=True)
    edited = tmp_path / "edited.zip"  # one value changed: the checksum no longer matches
    _rewrite(good, edited, {"tables/observations.jsonl": b"".join(lines[:-1])})
    output = _cli("restore", str(edited), "--db", target, code=1)
    assert "edited.zip" in output and "observations" in output and "damaged" in output

    manifest = json.loads(zipfile.ZipFile(good).read("manifest.json"))
    newer = tmp_path / "newer.zip"
    _rewrite(
        good,
        newer,
        {"manifest.json": json.dumps({**manifest, "alembic_revision": "9999"}).encode()},
    )
    output = _cli("restore", str(newer), "--db", target, code=1)
    assert "newer" in output and "9999" in output

    not_backup = tmp_path / "data.zip"
    with zipfile.ZipFile(not_backup, "w") as z:
        z.writestr("x.csv", "a,b\n")
    assert "not a qcity backup" in _cli("restore", str(not_backup), "--db", target, code=1)

    # the failed restores left the target empty (migrated, no rows)
    assert all(not rows for rows in _dump(target).values())


def test_a_trigger_refusing_update_and_delete_does_not_break_restore(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    """Restore only inserts: an append-only guard like the audit log's is never hit."""
    _fill(store)
    out = tmp_path / "b.zip"
    _cli("backup", str(out), "--db", db_url)
    target = f"sqlite:///{tmp_path / 't.sqlite'}"
    with Store(target) as t:
        t.upgrade()
        with t.engine.begin() as conn:
            for op in ("UPDATE", "DELETE"):
                conn.exec_driver_sql(
                    f"CREATE TRIGGER no_{op.lower()} BEFORE {op} ON observations "
                    "BEGIN SELECT RAISE(ABORT, 'append only'); END"
                )
    _cli("restore", str(out), "--db", target)
    assert len(_dump(target)["observations"]) == len(_dump(db_url)["observations"])


def _refuse_delete(url: str) -> None:
    """An append-only guard on observations, as an audit log has: UPDATE/DELETE refused."""
    with Store(url) as s, s.engine.begin() as conn:
        if url.startswith("sqlite"):
            for op in ("UPDATE", "DELETE"):
                conn.exec_driver_sql(
                    f"CREATE TRIGGER no_{op.lower()} BEFORE {op} ON observations "
                    "BEGIN SELECT RAISE(ABORT, 'append only'); END"
                )
        else:
            conn.exec_driver_sql(
                "CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'append only'; END $$"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER no_change BEFORE UPDATE OR DELETE ON observations "
                "FOR EACH ROW EXECUTE FUNCTION append_only()"
            )


def test_replace_keeps_an_audit_log_and_empties_a_database_without_one(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    """--replace never deletes an audit log (append-only): with entries it is refused and
    nothing changes; a database whose rows predate the log (no entries) is replaced."""
    _fill(store)
    out = tmp_path / "b.zip"
    _cli("backup", str(out), "--db", db_url)
    before = _dump(db_url)
    assert before["audit_log"], "the imports of _fill are in the audit log"
    output = " ".join(_cli("restore", str(out), "--db", db_url, "--replace", code=1).split())
    assert "append-only" in output and "new database" in output
    _assert_equal(before, _dump(db_url))

    fresh = f"sqlite:///{tmp_path / 'older2.sqlite'}"
    with Store(fresh) as s:
        s.upgrade()
        with s.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO units (code, name_zh, name_en, type, parent_code, attributes) "
                "VALUES ('old', '旧', 'old', 'city', NULL, '{}')"
            )
    _cli("restore", str(out), "--db", fresh, "--replace")
    _assert_equal(before, _restored(_dump(fresh)))


def _forge(src: Path, dst: Path, table: str, edit: Any) -> None:
    """Copy the backup ``src`` with ``edit`` applied to the rows of ``table`` and the
    manifest's row count and checksum made to match (what a careful forger does)."""
    with zipfile.ZipFile(src) as z:
        manifest = json.loads(z.read("manifest.json"))
        rows = [json.loads(line) for line in z.read(f"tables/{table}.jsonl").splitlines()]
    rows = edit(rows)
    data = b"".join((json.dumps(r, ensure_ascii=False) + "\n").encode("utf-8") for r in rows)
    info = manifest["tables"][table]
    info.update(rows=len(rows), sha256=hashlib.sha256(data).hexdigest())
    _rewrite(
        src,
        dst,
        {f"tables/{table}.jsonl": data, "manifest.json": json.dumps(manifest).encode()},
    )


def test_a_backup_whose_audit_chain_is_broken_is_refused(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    _fill(store)
    good = tmp_path / "good.zip"
    _cli("backup", str(good), "--db", db_url)
    first = _dump(db_url)["audit_log"][0]["id"]

    def rewrite_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows[0]["actor"] = "someone else"
        return rows

    forged = tmp_path / "forged.zip"
    _forge(good, forged, "audit_log", rewrite_first)
    target = f"sqlite:///{tmp_path / 'target.sqlite'}"
    output = " ".join(_cli("restore", str(forged), "--db", target, code=1).split())
    assert "forged.zip" in output and f"entry {first}" in output and "does not verify" in output
    assert all(not rows for rows in _dump(target).values())  # nothing restored

    dropped = tmp_path / "dropped.zip"  # an entry removed: the next one is named
    _forge(good, dropped, "audit_log", lambda rows: rows[1:])
    output = " ".join(_cli("restore", str(dropped), "--db", target, code=1).split())
    assert f"entry {_dump(db_url)['audit_log'][1]['id']}" in output
    assert all(not rows for rows in _dump(target).values())


def test_a_database_whose_audit_chain_is_broken_is_not_backed_up(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    _fill(store)
    with store.engine.begin() as conn:
        if db_url.startswith("sqlite"):
            conn.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
        conn.exec_driver_sql("UPDATE audit_log SET actor = 'x' WHERE id = 2")
    out = tmp_path / "b.zip"
    output = " ".join(_cli("backup", str(out), "--db", db_url, code=1).split())
    assert "entry 2" in output and "audit-log verify" in output
    assert not out.exists() and list(tmp_path.glob("*.partial")) == []
    output = " ".join(_cli("audit-log", "verify", "--db", db_url, code=1).split())
    assert "entry 2" in output


def test_a_backup_made_before_the_chain_existed_is_chained_on_restore(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    """A 0005 backup has no hash columns: the restore computes the chain (as migration
    0006 does for a database) and it verifies."""
    _fill(store)
    new = tmp_path / "new.zip"
    _cli("backup", str(new), "--db", db_url)
    old = tmp_path / "old.zip"

    def unchained(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if k not in ("prev_hash", "hash")} for r in rows]

    _forge(new, old, "audit_log", unchained)
    mid = tmp_path / "mid.zip"
    with zipfile.ZipFile(old) as z:
        manifest = json.loads(z.read("manifest.json"))
    manifest["alembic_revision"] = "0005"
    manifest["tables"]["audit_log"]["columns"] = [
        c for c in manifest["tables"]["audit_log"]["columns"] if c not in ("prev_hash", "hash")
    ]
    _rewrite(old, mid, {"manifest.json": json.dumps(manifest).encode()})
    target = f"sqlite:///{tmp_path / 'target.sqlite'}"
    _cli("restore", str(mid), "--db", target)
    assert "verifies" in _cli("audit-log", "verify", "--db", target)
    restored = _dump(target)["audit_log"]
    assert [r["hash"] for r in restored[:-1]] == [r["hash"] for r in _dump(db_url)["audit_log"]]


@pytest.mark.parametrize("kind", ["file", "symlink", "dangling", "folder", "device"])
def test_backup_writes_only_a_new_regular_file(
    store: Store, db_url: str, tmp_path: Path, kind: str
) -> None:
    _fill(store)
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me", encoding="utf-8")
    out = tmp_path / "b.zip"
    if kind == "file":
        out.write_text("an older backup", encoding="utf-8")
    elif kind == "symlink":
        out.symlink_to(victim)
    elif kind == "dangling":
        out.symlink_to(tmp_path / "nowhere.zip")
    elif kind == "folder":
        out.mkdir()
    else:
        out = Path("/dev/null")
    expected = {
        "file": "already exists", "symlink": "symbolic link", "dangling": "symbolic link",
        "folder": "folder", "device": "device",
    }[kind]  # fmt: skip
    output = " ".join(_cli("backup", str(out), "--db", db_url, code=1).split())
    assert expected in output and ("new file" in output or kind == "folder")
    assert victim.read_text(encoding="utf-8") == "keep me"
    if kind == "file":
        assert out.read_text(encoding="utf-8") == "an older backup"
    assert not (tmp_path / "nowhere.zip").exists()
    assert list(tmp_path.glob("*.partial")) == []
