"""The review and audit-log use cases, called directly: what each actor sees of the stored
values (a clerk only their own department's indicators), the reviewer's queue with the
value each submission would replace, an indicator's revisions for the staff and the
public, the revisions an upload expects, and the audit log and its export; the workflow
steps take their options by keyword. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from qcity import errors
from qcity.data.roles import operator
from qcity.data.store import Store
from qcity.service import audit, review, workflow
from tests.workflow_helpers import (
    ADMIN,
    LI,
    QIAN,
    VIEWER,
    WANG,
    rows,
    seed,
    value,
    workflow_framework,
)

FW = workflow_framework()
OP = operator("op")


@pytest.fixture
def seeded(store: Store) -> Store:
    """LY: A1 imported (revision 1, approved); li's A1 = 12 (revision 2) and A2 = 3
    submitted; qian's B1 = 7 a draft."""
    seed(store)
    saved = workflow.save_draft(
        store,
        actor=LI,
        rows=rows(value("LY", "A1", 12.0, 1), value("LY", "A2", 3.0, None)),
        framework=FW,
        submit=True,
    )
    assert [s.revision for s in saved] == [2, 1]
    workflow.save_draft(store, actor=QIAN, rows=rows(value("LY", "B1", 7.0, None)), framework=FW)
    return store


def test_use_cases_take_their_options_by_keyword(seeded: Store) -> None:
    with pytest.raises(TypeError):
        review.value_list(seeded, LI)
    with pytest.raises(TypeError):
        audit.audit_log(seeded, OP)
    with pytest.raises(TypeError):
        workflow.approve(seeded, WANG, [1])


def test_a_clerk_sees_only_their_own_department(seeded: Store) -> None:
    assert [i.code for i in review.own_indicators(LI, FW)] == ["A1", "A2"]
    assert [i.code for i in review.own_indicators(OP, FW)] == ["A1", "A2", "B1"]
    mine = review.value_list(seeded, actor=LI, framework=FW)
    assert tuple(mine.columns) == review.VALUE_COLUMNS
    assert list(zip(mine["indicator"], mine["revision"], mine["state"], strict=True)) == [
        ("A1", 1, "approved"),
        ("A1", 2, "submitted"),
        ("A2", 1, "submitted"),
    ]
    theirs = review.value_list(seeded, actor=QIAN, framework=FW)
    assert theirs["indicator"].tolist() == ["B1"]
    assert theirs["state"].tolist() == ["draft"]


def test_latest_state_and_entered_only(seeded: Store) -> None:
    latest = review.value_list(seeded, actor=OP, unit="LY", period="2024", latest=True)
    assert sorted(zip(latest["indicator"], latest["revision"], strict=True)) == [
        ("A1", 2),
        ("A2", 1),
        ("B1", 1),
    ]
    assert latest["latest"].all()
    entered = review.value_list(seeded, actor=OP, entered_only=True)
    assert len(entered) == 3  # the operator's import of A1 is left out
    drafts = review.value_list(seeded, actor=OP, state="draft")
    assert drafts["indicator"].tolist() == ["B1"]


def test_value_list_refusals(seeded: Store) -> None:
    with pytest.raises(errors.InputError, match="state 'maybe'"):
        review.value_list(seeded, actor=OP, state="maybe")
    for actor in (VIEWER, WANG, ADMIN):
        with pytest.raises(errors.PermissionDenied, match=r"values\.enter"):
            review.value_list(seeded, actor=actor, framework=FW)
    with pytest.raises(errors.PermissionDenied, match="framework"):
        review.value_list(seeded, actor=LI)  # a clerk is never shown everything


def test_the_review_queue_shows_what_each_value_would_replace(seeded: Store) -> None:
    queue = review.review_queue(seeded, actor=WANG)
    assert tuple(queue.columns) == (*review.VALUE_COLUMNS, "previous")
    by_code = {r.indicator: r for r in queue.itertuples()}
    assert sorted(by_code) == ["A1", "A2"]
    assert by_code["A1"].previous == 10.0  # the imported, approved revision 1
    assert pd.isna(by_code["A2"].previous)  # a new value replaces nothing
    with pytest.raises(errors.PermissionDenied, match=r"values\.review"):
        review.review_queue(seeded, actor=LI)


def test_an_empty_queue_keeps_its_columns(store: Store) -> None:
    seed(store)
    queue = review.review_queue(store, actor=WANG)
    assert queue.empty and tuple(queue.columns) == (*review.VALUE_COLUMNS, "previous")


def test_value_history_for_staff_and_public(seeded: Store) -> None:
    staff = review.value_history(seeded, unit="LY", indicator="A1", periods=["2024"])
    assert tuple(staff.columns) == review.HISTORY_COLUMNS
    assert list(zip(staff["revision"], staff["review"], strict=True)) == [
        (1, "approved"),
        (2, "submitted"),
    ]
    assert staff["entered_by"].tolist() == ["cli:op", "li"]
    public = review.value_history(seeded, unit="LY", indicator="A1", periods=["2024"], public=True)
    assert list(zip(public["revision"], public["review"], strict=True)) == [(1, "approved")]
    assert public["entered_by"].tolist() == [""]  # who entered a value is not public
    before = datetime(2000, 1, 1, tzinfo=UTC)
    early = review.value_history(
        seeded, unit="LY", indicator="A1", periods=["2024"], public=True, as_of=before
    )
    assert early.empty  # nothing was approved by then
    none = review.value_history(seeded, unit="JT", indicator="A1", periods=["2024"])
    assert none.empty and tuple(none.columns) == review.HISTORY_COLUMNS


def test_current_revisions_name_what_a_save_expects(seeded: Store) -> None:
    keys = pd.DataFrame(
        {"unit": ["LY", "LY", "JT"], "indicator": ["A1", "A1", "A1"], "period": ["2024"] * 3}
    )
    found = review.current_revisions(seeded, keys=keys)
    assert found["expected_revision"].tolist()[0] == 2
    assert len(found) == 2 and pd.isna(found["expected_revision"].iloc[1])


def test_the_audit_log_and_who_reads_it(seeded: Store) -> None:
    log = audit.audit_log(seeded, actor=WANG)
    assert list(log.columns) == [
        "id", "at", "actor", "user_id", "via", "action", "entity", "key", "before", "after"
    ]  # fmt: skip
    assert log["id"].is_monotonic_decreasing  # newest first
    assert log.iloc[0]["actor"] == "qian"
    values = audit.audit_log(seeded, actor=OP, entity="value", limit=2)
    assert len(values) == 2 and set(values["entity"]) == {"value"}
    saves = audit.audit_log(seeded, actor=OP, action="value.submit")
    assert set(saves["action"]) == {"value.submit"}
    later = audit.audit_log(seeded, actor=OP, since=datetime(2999, 1, 1, tzinfo=UTC))
    assert later.empty
    with pytest.raises(errors.PermissionDenied, match=r"audit\.read"):
        audit.audit_log(seeded, actor=LI)
    with pytest.raises(errors.InputError, match="limit 0"):
        audit.audit_log(seeded, actor=OP, limit=0)


def test_the_audit_export_is_flat_and_oldest_first(seeded: Store) -> None:
    flat = audit.export_audit_log(seeded, actor=ADMIN)
    log = audit.audit_log(seeded, actor=ADMIN)
    assert flat["id"].tolist() == log["id"].tolist()[::-1]
    first = flat.iloc[0]
    assert isinstance(first["at"], str) and datetime.fromisoformat(first["at"])
    saved = flat[flat["action"] == "value.save"].iloc[0]
    assert json.loads(saved["after"])["value"] in (12.0, 3.0, 7.0)
    assert (flat["before"] == "").any()  # an entry with nothing before: empty text
    with pytest.raises(errors.PermissionDenied, match=r"audit\.export"):
        audit.export_audit_log(seeded, actor=WANG)  # reads the log, may not export it


def test_a_refused_decision_writes_nothing(seeded: Store) -> None:
    n = len(audit.audit_log(seeded, actor=OP))
    (draft,) = review.value_list(seeded, actor=OP, state="draft")["id"]
    with pytest.raises(errors.QcityError, match="draft"):
        workflow.approve(seeded, actor=WANG, ids=[int(draft)])  # only a submitted value
    with pytest.raises(errors.PermissionDenied):
        workflow.reject(seeded, actor=LI, ids=[int(draft)], reason="no")
    with pytest.raises(errors.QcityError, match="reason"):
        workflow.reject(seeded, actor=WANG, ids=[int(draft)], reason=" ")
    assert len(audit.audit_log(seeded, actor=OP)) == n
    assert review.value_list(seeded, actor=OP, state="draft")["id"].tolist() == [draft]
