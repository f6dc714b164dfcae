"""``backup_database`` and ``restore_database`` called directly, as ``qcity backup`` and
``qcity restore`` call them: keyword-only options, typed reports, the target and the
backup file named before any database is opened or created, and nothing written or
restored when they are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcity import errors
from qcity.data import users as db
from qcity.data.audit import read_log
from qcity.data.engine import display_url
from qcity.data.roles import operator
from qcity.data.store import Store
from qcity.service.backup import (
    BackupReport,
    RestoreReport,
    backup_database,
    restore_database,
)

OP = operator("tester")


def _fill(store: Store) -> None:
    """Two users: rows in the users table and two entries of the audit log."""
    db.add_user(store, "ann", "viewer", "not-a-real-hash", actor=OP)
    db.add_user(store, "bo", "analyst", "not-a-real-hash", actor=OP)


def test_options_are_keyword_only(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        backup_database(None, tmp_path / "b.zip")  # type: ignore[misc]
    with pytest.raises(TypeError):
        restore_database(None, tmp_path / "b.zip", OP)  # type: ignore[misc]


def test_backup_then_restore_into_a_new_database(store: Store, db_url: str, tmp_path: Path) -> None:
    _fill(store)
    target = tmp_path / "qcity.zip"
    made = backup_database(db=db_url, target=target)
    assert isinstance(made, BackupReport) and made.target == target and target.is_file()
    assert made.database == display_url(db_url)
    assert made.tables["users"] == 2 and made.tables["audit_log"] == 2
    assert made.rows == sum(made.tables.values())
    assert made.revision == store.schema_revision()

    ticks: list[tuple[int, int]] = []
    new = tmp_path / "restored.sqlite"
    done = restore_database(
        db=f"sqlite:///{new}", source=target, by=OP, progress=lambda d, t: ticks.append((d, t))
    )
    assert isinstance(done, RestoreReport)
    assert (done.source, done.revision, dict(done.tables)) == (
        target, made.revision, dict(made.tables),
    )  # fmt: skip
    assert done.database == display_url(f"sqlite:///{new}") and done.rows == made.rows
    assert ticks and ticks[-1] == (made.rows, made.rows)
    with Store(f"sqlite:///{new}", create=False) as restored:
        assert [u.name for u in db.list_users(restored)] == ["ann", "bo"]
        log = read_log(restored.engine, action="backup.restore")
    assert list(log["actor"]) == [OP.name]  # the restore is recorded as done by ``by``


def test_a_bad_target_is_named_before_the_database_is_opened(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite"  # opening it would be an error of its own
    with pytest.raises(errors.InputError, match="is a folder; give the name of the backup"):
        backup_database(db=f"sqlite:///{missing}", target=tmp_path)
    taken = tmp_path / "taken.zip"
    taken.write_bytes(b"keep me")
    with pytest.raises(errors.InputError, match="already exists"):
        backup_database(db=f"sqlite:///{missing}", target=taken)
    assert taken.read_bytes() == b"keep me" and not missing.exists()
    with pytest.raises(errors.QcityError, match="no database at"):
        backup_database(db=f"sqlite:///{missing}", target=tmp_path / "new.zip")
    assert not (tmp_path / "new.zip").exists() and not missing.exists()


def test_a_bad_backup_creates_no_database(tmp_path: Path) -> None:
    fake = tmp_path / "notes.zip"
    fake.write_text("not a zip", encoding="utf-8")
    new = tmp_path / "new.sqlite"
    with pytest.raises(errors.InputError, match="not a qcity backup"):
        restore_database(db=f"sqlite:///{new}", source=fake, by=OP)
    assert not new.exists()


def test_a_non_empty_database_is_left_as_it_was(store: Store, db_url: str, tmp_path: Path) -> None:
    _fill(store)
    target = tmp_path / "qcity.zip"
    backup_database(db=db_url, target=target)
    with pytest.raises(errors.InputError, match="is not empty"):
        restore_database(db=db_url, source=target, by=OP)
    with pytest.raises(errors.InputError, match="append-only"):
        restore_database(db=db_url, source=target, by=OP, replace=True)
    assert [u.name for u in db.list_users(store)] == ["ann", "bo"]
    assert read_log(store.engine, action="backup.restore").empty  # nothing restored
