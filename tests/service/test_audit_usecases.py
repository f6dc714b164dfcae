"""``audit_framework`` (the statistical audit, ``qcity audit``) and ``verify_audit_chain``
(``qcity audit-log verify``) called directly: keyword-only options, typed reports, the
audit's folder written only after the audit succeeded, and a broken chain reported with
the entry it breaks at."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from qcity import errors
from qcity.data import users as db
from qcity.data.audit import AUDIT
from qcity.data.engine import display_url
from qcity.data.roles import operator
from qcity.data.store import Store
from qcity.service.audit import AuditReport, ChainReport, audit_framework, verify_audit_chain
from qcity.service.evaluation import EvaluationResult, evaluate
from tests.helpers import asem_inputs

OP = operator("tester")


@pytest.fixture(scope="module")
def asem_result() -> EvaluationResult:
    """COINr's ASEM example evaluated (real statistics: no illustrative notice)."""
    fw, inp = asem_inputs()
    return evaluate(fw, inp)


def test_audit_framework_is_keyword_only(asem_result: EvaluationResult) -> None:
    with pytest.raises(TypeError):
        audit_framework(asem_result)  # type: ignore[misc]


def test_audit_without_a_folder_writes_nothing(
    asem_result: EvaluationResult, tmp_path: Path
) -> None:
    made = audit_framework(result=asem_result)
    assert isinstance(made, AuditReport)
    assert made.out is None and made.written == () and made.period == "2018"
    assert {"flag", "severity", "group", "code"} <= set(made.audit.flags.columns)
    assert not made.audit.cronbach.empty and list(tmp_path.iterdir()) == []


def test_audit_writes_its_folder(asem_result: EvaluationResult, tmp_path: Path) -> None:
    out = tmp_path / "audit"
    made = audit_framework(result=asem_result, period=2018, out=out)
    assert made.out == out and made.period == "2018"
    assert sorted(p.name for p in made.written) == sorted(
        ["flags.csv", "correlations.csv", "cronbach.csv", "pca.csv", "influence.csv", "README.txt"]
    )
    assert all(p.parent == out and p.is_file() for p in made.written)


def test_an_audit_that_cannot_be_made_writes_no_folder(
    asem_result: EvaluationResult, tmp_path: Path
) -> None:
    out = tmp_path / "audit"
    with pytest.raises(errors.EvaluationError, match="period 2030 is not in the evaluation"):
        audit_framework(result=asem_result, period="2030", out=out)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_verify_audit_chain_reports_the_entry_it_breaks_at(store: Store, db_url: str) -> None:
    with pytest.raises(TypeError):
        verify_audit_chain(db_url)  # type: ignore[misc]
    db.add_user(store, "ann", "viewer", "not-a-real-hash", actor=OP)
    db.add_user(store, "bo", "viewer", "not-a-real-hash", actor=OP)
    good = verify_audit_chain(db=db_url)
    assert isinstance(good, ChainReport)
    assert (good.ok, good.entries, good.broken_id, good.reason) == (True, 2, None, None)
    assert good.database == display_url(db_url) and len(good.head) == 64
    with store.engine.begin() as conn:
        first = conn.execute(select(AUDIT.c.id).order_by(AUDIT.c.id)).scalars().first()
        if db_url.startswith("sqlite"):
            conn.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
        conn.execute(
            text("UPDATE audit_log SET actor = 'someone else' WHERE id = :i"), {"i": first}
        )
    bad = verify_audit_chain(db=db_url)
    assert not bad.ok and bad.broken_id == first and bad.reason


def test_verify_audit_chain_creates_no_database(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite"
    with pytest.raises(errors.QcityError, match="no database at"):
        verify_audit_chain(db=f"sqlite:///{missing}")
    assert not missing.exists()
