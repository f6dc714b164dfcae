"""The workflow service checks who may do what: a clerk enters and submits only their own
department's indicators, a reviewer approves or rejects (a rejection needs a reason),
others are refused. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from qcity.data import workflow as wf
from qcity.data.audit import read_log
from qcity.data.roles import operator
from qcity.data.store import Store
from qcity.framework.departments import department_of
from qcity.service import workflow as service
from tests.workflow_helpers import (
    ADMIN,
    FINANCE,
    LI,
    QIAN,
    VIEWER,
    WANG,
    ZHANG,
    rows,
    seed,
    value,
    workflow_framework,
)

FW = workflow_framework()


@pytest.fixture
def seeded(store: Store) -> Store:
    seed(store)
    return store


def test_departments_come_from_the_framework() -> None:
    assert department_of(FW) == {"A1": LI.department, "A2": LI.department, "B1": FINANCE}


def test_clerk_enters_own_department_only(seeded: Store) -> None:
    saved = service.save_draft(
        seeded, actor=LI, rows=rows(value("LY", "A2", 1.0, None)), framework=FW
    )
    assert saved[0].indicator == "A2"
    with pytest.raises(service.NotAllowedError, match=r"B1 \(财政局"):
        service.save_draft(seeded, actor=LI, rows=rows(value("LY", "B1", 1.0, None)), framework=FW)
    # the finance clerk may enter B1 but not A2, nor submit li's draft of A2
    service.save_draft(seeded, actor=QIAN, rows=rows(value("LY", "B1", 2.0, None)), framework=FW)
    with pytest.raises(service.NotAllowedError, match="A2"):
        service.submit(seeded, actor=QIAN, ids=[saved[0].id], framework=FW)
    # a clerk of the same department may submit a colleague's draft
    service.submit(seeded, actor=ZHANG, ids=[saved[0].id], framework=FW)
    assert wf.list_values(seeded, ids=[saved[0].id]).iloc[0]["state"] == "submitted"


def test_refusals_write_nothing(seeded: Store) -> None:
    n = len(read_log(seeded.engine))
    mixed = rows(value("LY", "A2", 1.0, None), value("LY", "B1", 1.0, None))
    with pytest.raises(service.NotAllowedError):
        service.save_draft(seeded, actor=LI, rows=mixed, framework=FW)
    assert len(read_log(seeded.engine)) == n
    assert len(seeded.observations(values="all")) == 1


def test_a_clerk_without_framework_or_department_is_refused(seeded: Store) -> None:
    with pytest.raises(service.NotAllowedError, match="framework"):
        service.save_draft(
            seeded, actor=LI, rows=rows(value("LY", "A2", 1.0, None)), framework=None
        )
    nobody = LI.__class__("x", "clerk", department=None, via="session")
    with pytest.raises(service.NotAllowedError, match="no department"):
        service.save_draft(
            seeded, actor=nobody, rows=rows(value("LY", "A2", 1.0, None)), framework=FW
        )


@pytest.mark.parametrize("actor", [VIEWER, WANG, ADMIN])
def test_roles_without_values_enter_cannot_save(seeded: Store, actor) -> None:
    with pytest.raises(service.NotAllowedError, match=r"values\.enter"):
        service.save_draft(
            seeded, actor=actor, rows=rows(value("LY", "A2", 1.0, None)), framework=FW
        )


def test_only_reviewers_review_and_a_rejection_needs_a_reason(seeded: Store) -> None:
    sid = service.save_draft(
        seeded, actor=LI, rows=rows(value("LY", "A2", 1.0, None)), framework=FW
    )[0].id
    service.submit(seeded, actor=LI, ids=[sid], framework=FW)
    for actor in (LI, VIEWER, ADMIN):
        with pytest.raises(service.NotAllowedError, match=r"values\.review"):
            service.approve(seeded, actor=actor, ids=[sid])
    with pytest.raises(service.WorkflowError, match="reason"):
        service.reject(seeded, actor=WANG, ids=[sid], reason="   ")
    service.reject(seeded, actor=WANG, ids=[sid], reason="与上年差异过大")
    row = wf.list_values(seeded, ids=[sid]).iloc[0]
    assert (row["state"], row["comment"]) == ("rejected", "与上年差异过大")


def test_the_operator_holds_every_permission(seeded: Store) -> None:
    op = operator("admin")
    sid = service.save_draft(
        seeded, actor=op, rows=rows(value("LY", "B1", 3.0, None)), framework=None
    )[0].id
    service.submit(seeded, actor=op, ids=[sid], framework=None)
    service.approve(seeded, actor=op, ids=[sid], comment="ok")
    assert read_log(seeded.engine).iloc[0]["actor"] == "cli:admin"
