"""The workflow in the store: draft -> submitted -> approved | rejected, optimistic
locking, reading approved values (as of a time), and the audit log (append-only in the
database itself). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from qcity.data import migrate
from qcity.data import workflow as wf
from qcity.data.audit import AUDIT, read_log
from qcity.data.store import Store
from qcity.data.tables import OBS, StoreError
from tests.workflow_helpers import LI, WANG, rows, seed, value


@pytest.fixture
def seeded(store: Store) -> Store:
    seed(store)
    return store


def _count(store: Store, table=OBS) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _latest_value(store: Store, values: str = "approved", **kw) -> dict[tuple[str, str], float]:
    obs = store.observations(values=values, **kw)
    return {(r.unit, r.indicator): r.value for r in obs.itertuples()}


def test_a_value_goes_draft_submitted_approved(seeded: Store) -> None:
    saved = wf.save_drafts(seeded, LI, rows(value("LY", "A1", 12.0, 1)))
    assert [(s.revision, s.value) for s in saved] == [(2, 12.0)]
    sid = saved[0].id
    states = wf.list_values(seeded, units=["LY"])
    assert states.set_index("id").loc[sid, "state"] == "draft"
    # evaluations read the approved revision 1 until revision 2 is approved
    assert _latest_value(seeded) == {("LY", "A1"): 10.0}
    assert _latest_value(seeded, values="all") == {("LY", "A1"): 12.0}
    wf.change_state(seeded, LI, [sid], "submitted")
    assert _latest_value(seeded) == {("LY", "A1"): 10.0}
    wf.change_state(seeded, WANG, [sid], "approved", comment="核对无误")
    assert _latest_value(seeded) == {("LY", "A1"): 12.0}
    row = wf.list_values(seeded, ids=[sid]).iloc[0]
    assert (row["state"], row["state_by"], row["comment"]) == ("approved", "wang", "核对无误")


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ([], "approved"),  # a draft cannot be approved
        ([], "rejected"),  # nor rejected
        (["submitted"], "submitted"),  # submitted twice
        (["submitted", "approved"], "rejected"),  # approval is final
        (["submitted", "approved"], "submitted"),
        (["submitted", "rejected"], "approved"),  # rejection is final too
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(
    seeded: Store, path: list[str], illegal: str
) -> None:
    sid = wf.save_drafts(seeded, LI, rows(value("LY", "A2", 5.0, None)))[0].id
    for state in path:
        wf.change_state(seeded, WANG, [sid], state, comment="x")
    before = (_count(seeded, AUDIT), wf.list_values(seeded, ids=[sid]).iloc[0]["state"])
    with pytest.raises(wf.WorkflowError, match=f"value {sid} .* only a"):
        wf.change_state(seeded, WANG, [sid], illegal, comment="x")
    after = (_count(seeded, AUDIT), wf.list_values(seeded, ids=[sid]).iloc[0]["state"])
    assert after == before


def test_an_older_revision_cannot_be_submitted_and_unknown_ids_are_named(seeded: Store) -> None:
    first = wf.save_drafts(seeded, LI, rows(value("LY", "A2", 5.0, None)))[0]
    wf.save_drafts(seeded, LI, rows(value("LY", "A2", 6.0, first.revision)))
    with pytest.raises(wf.WorkflowError, match="newer revision"):
        wf.change_state(seeded, LI, [first.id], "submitted")
    with pytest.raises(wf.WorkflowError, match="value 9999: no such value"):
        wf.change_state(seeded, LI, [9999], "submitted")


def test_a_correction_after_rejection_is_a_new_revision(seeded: Store) -> None:
    v1 = wf.save_drafts(seeded, LI, rows(value("JT", "A1", 7.0, None)))[0]
    wf.change_state(seeded, LI, [v1.id], "submitted")
    wf.change_state(seeded, WANG, [v1.id], "rejected", comment="单位错误")
    assert ("JT", "A1") not in _latest_value(seeded)
    v2 = wf.save_drafts(seeded, LI, rows(value("JT", "A1", 0.7, v1.revision)))[0]
    assert v2.revision == 2
    wf.change_state(seeded, LI, [v2.id], "submitted")
    wf.change_state(seeded, WANG, [v2.id], "approved")
    assert _latest_value(seeded)[("JT", "A1")] == 0.7
    history = seeded.history("JT", "A1", "2024")
    assert history["value"].tolist() == [7.0, 0.7]  # nothing overwritten


def test_stale_save_is_refused_naming_who_saved_what_when(seeded: Store) -> None:
    wf.save_drafts(seeded, LI, rows(value("LY", "A1", 11.0, 1)))
    n_obs, n_audit = _count(seeded), _count(seeded, AUDIT)
    with pytest.raises(wf.ConflictError) as err:
        wf.save_drafts(seeded, LI, rows(value("LY", "A1", 13.0, 1), value("LY", "A2", 1.0, None)))
    msg = str(err.value)
    assert "LY/A1/2024" in msg and "revision 1" in msg and "li saved revision 2" in msg
    assert "value 11" in msg and "冲突" in msg
    # nothing of the refused save was written (not even the new A2)
    assert (_count(seeded), _count(seeded, AUDIT)) == (n_obs, n_audit)


def test_new_and_existing_keys_must_match_expected_revision(seeded: Store) -> None:
    with pytest.raises(wf.ConflictError, match="LY/A1/2024"):
        wf.save_drafts(seeded, LI, rows(value("LY", "A1", 1.0, None)))  # exists: rev 1
    with pytest.raises(wf.ConflictError, match="no stored value"):
        wf.save_drafts(seeded, LI, rows(value("LY", "A2", 1.0, 1)))  # new key


def test_bad_rows_name_row_and_field(seeded: Store) -> None:
    bad = rows(value("LY", "A1", 1.0, 1), value("LY", "A2", "x", None), value("", "A2", 1, None))
    with pytest.raises(StoreError) as err:
        wf.save_drafts(seeded, LI, bad)
    msg = str(err.value)
    assert "row 2, field value" in msg and "row 3, field unit" in msg
    with pytest.raises(StoreError, match="unknown unit"):
        wf.save_drafts(seeded, LI, rows(value("XX", "A2", 1.0, None)))


def test_approved_as_of_a_time_is_reproducible(seeded: Store) -> None:
    sid = wf.save_drafts(seeded, LI, rows(value("LY", "A1", 20.0, 1)))[0].id
    wf.change_state(seeded, LI, [sid], "submitted")
    before_approval = wf.list_values(seeded, ids=[sid]).iloc[0]["state_at"].to_pydatetime()
    vintage_before = seeded.vintage()
    wf.change_state(seeded, WANG, [sid], "approved")
    approved_at = wf.list_values(seeded, ids=[sid]).iloc[0]["state_at"].to_pydatetime()
    assert _latest_value(seeded, as_of=before_approval) == {("LY", "A1"): 10.0}
    assert _latest_value(seeded, as_of=approved_at) == {("LY", "A1"): 20.0}
    # the vintage moves with the approval: reading as of it gives today's values
    assert seeded.vintage() == approved_at > vintage_before
    assert _latest_value(seeded, as_of=seeded.vintage()) == _latest_value(seeded)
    # a later draft does not hide the approved value
    wf.save_drafts(seeded, LI, rows(value("LY", "A1", 99.0, 2)))
    assert _latest_value(seeded) == {("LY", "A1"): 20.0}
    assert _latest_value(seeded, as_of=approved_at + timedelta(days=1)) == {("LY", "A1"): 20.0}


def test_evaluation_inputs_use_approved_values_unless_asked(seeded: Store) -> None:
    from qcity.service.inputs import from_store

    wf.save_drafts(seeded, LI, rows(value("LY", "A1", 30.0, 1), value("JT", "A1", 4.0, None)))
    approved = from_store(seeded.url)
    assert approved.data.set_index("unit")["value"].to_dict() == {"LY": 10.0}
    everything = from_store(seeded.url, values="all").restrict()
    assert everything.data.set_index("unit")["value"].to_dict() == {"LY": 30.0, "JT": 4.0}
    assert everything.selection["values"] == "all"
    with pytest.raises(StoreError, match="approved, all"):
        seeded.observations(values="some")


def test_every_change_is_in_the_audit_log(seeded: Store) -> None:
    from tests.workflow_helpers import workflow_framework

    fw = workflow_framework()
    assert seeded.save_framework(fw, "code: t\n", actor=LI)
    sid = wf.save_drafts(seeded, LI, rows(value("LY", "A1", 12.0, 1)))[0].id
    wf.change_state(seeded, LI, [sid], "submitted")
    wf.change_state(seeded, WANG, [sid], "approved", comment="ok")
    log = read_log(seeded.engine).iloc[::-1].reset_index(drop=True)
    assert log["action"].tolist() == [
        "units.import",
        "values.import",
        "framework.load",
        "value.save",
        "value.submit",
        "value.approve",
    ]
    assert log.iloc[0]["after"] == {"added": 2, "revised": 0}
    imp = log.iloc[1]
    assert (imp["actor"], imp["via"], imp["entity"]) == ("cli:op", "cli", "import_batch")
    assert imp["after"]["added"] == 1 and imp["after"]["rows"] == 1
    save = log.iloc[3]
    assert (save["actor"], save["via"], save["key"]) == ("li", "session", "LY/A1/2024")
    assert save["before"] == {"id": 1, "revision": 1, "value": 10.0, "state": "approved"}
    assert save["after"] == {"id": sid, "revision": 2, "value": 12.0, "state": "draft"}
    appr = log.iloc[5]
    assert appr["actor"] == "wang" and appr["before"]["state"] == "submitted"
    assert appr["after"]["state"] == "approved" and appr["after"]["comment"] == "ok"


def test_runs_stored_and_published_are_audited(seeded: Store) -> None:
    from qcity.data import runs

    record = runs.RunRecord(
        created_by="cli:op",
        framework_code="t",
        framework_version="1",
        index_node="idx",
        data_source="test",
        data_vintage=None,
        as_of=None,
        data_sha256="0" * 64,
        config_sha256="1" * 64,
        qcity_version="0",
        scores=pd.DataFrame(columns=["unit", "period", "node", "score", "rank"]),
        weights=pd.DataFrame(columns=["node", "child", "nominal", "weight"]),
    )
    run_id = runs.insert_run(seeded, record)
    assert runs.publish_run(seeded, run_id, "cli:op")
    assert not runs.publish_run(seeded, run_id, "cli:op")  # nothing changes, nothing logged
    log = read_log(seeded.engine, entity="run")
    assert log["action"].tolist() == ["run.publish", "run.store"]
    assert log.iloc[0]["before"] == {"status": "draft"}
    assert log.iloc[0]["after"]["status"] == "published"


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"])
def test_the_database_refuses_to_change_the_audit_log(seeded: Store, statement: str) -> None:
    n = _count(seeded, AUDIT)
    assert n >= 1
    with pytest.raises(DBAPIError, match="append-only"), seeded.engine.begin() as conn:
        conn.execute(text(statement))
    assert _count(seeded, AUDIT) == n
    assert read_log(seeded.engine)["actor"].tolist() == ["cli:op", "qcity"]


def test_truncate_is_refused_on_postgresql(seeded: Store) -> None:
    if seeded.engine.dialect.name != "postgresql":
        assert seeded.engine.dialect.name == "sqlite"  # SQLite has no TRUNCATE statement
        return
    with pytest.raises(DBAPIError, match="append-only"), seeded.engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_log"))
    assert _count(seeded, AUDIT) == 2


def test_migration_keeps_existing_values_as_approved(db_url: str) -> None:
    s = Store(db_url)
    migrate.upgrade(s.engine, "0003")
    with s.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO units (code, name_zh, name_en, type, attributes) "
                "VALUES ('LY', '溧阳', 'Liyang', 'city', '{}')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO import_batches (file_name, format, rows, added, revised, unchanged,"
                " entered_by, created_at) VALUES ('a.csv', 'csv', 1, 1, 0, 0, 'x', "
                "'2024-01-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO observations (unit_code, indicator_code, period, year, value, "
                "status, revision, recorded_at, entered_by, batch_id) VALUES "
                "('LY', 'A1', '2024', 2024, 3.5, 'final', 1, '2024-01-01 00:00:00', 'x', 1)"
            )
        )
    s.upgrade()
    assert s.schema_revision() == migrate.head_revision()
    assert _latest_value(s) == {("LY", "A1"): 3.5}
    assert wf.list_values(s)["state"].tolist() == ["approved"]
    s.close()


def test_an_import_equal_to_a_draft_still_stores_the_approved_value(seeded: Store) -> None:
    """The operator's import approves: a value equal to a clerk's pending draft is written
    again as an approved revision instead of being taken as unchanged."""
    wf.save_drafts(seeded, LI, rows(value("LY", "A1", 15.0, 1)))
    same = pd.DataFrame({"unit": ["LY"], "indicator": ["A1"], "period": ["2024"], "value": [15.0]})
    summary = seeded.add_observations(same, entered_by="cli:op")
    assert (summary.revised, summary.unchanged) == (1, 0)
    assert _latest_value(seeded) == {("LY", "A1"): 15.0}
    again = seeded.add_observations(same, entered_by="cli:op")  # now truly unchanged
    assert (again.written, again.unchanged) == (0, 1)


def test_a_draft_outside_its_plausible_range_needs_a_reason(seeded: Store) -> None:
    from qcity.framework.model import Framework
    from qcity.service.workflow import save_draft
    from tests.helpers import composite, indicator, toy_framework
    from tests.workflow_helpers import STATS

    fw = Framework.model_validate(
        toy_framework(
            [composite("A", "甲", [indicator("A1", department=STATS, plausible_range=[0, 100])])]
        )
    )
    far = rows(value("LY", "A1", 1e300, 1))
    with pytest.raises(StoreError, match=r"row 1, field value: 1e\+300 is outside the plausible"):
        save_draft(seeded, actor=LI, rows=far, framework=fw)
    assert _count(seeded) == 1
    (saved,) = save_draft(
        seeded, actor=LI, rows=far, framework=fw, accept_implausible="口径调整，已核实"
    )
    (stored,) = seeded.observations(values="all").itertuples()
    assert (stored.value, stored.flag, saved.value) == (1e300, "implausible", 1e300)
    (after,) = read_log(seeded.engine, action="value.save")["after"]
    assert after["implausible"] == "口径调整，已核实"
