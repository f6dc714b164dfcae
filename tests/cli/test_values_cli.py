"""``qcity values`` (list, approve, reject), ``qcity audit-log`` (list, export) and
``qcity evaluate --values``, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.store import Store
from qcity.service import workflow as service
from tests.workflow_helpers import LI, rows, seed, value, workflow_framework

ASEM = Path(__file__).resolve().parents[2] / "examples" / "asem"


def _cli(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def _submitted(store: Store) -> list[int]:
    fw = workflow_framework()
    saved = service.save_draft(
        store,
        actor=LI,
        rows=rows(value("LY", "A1", 12.0, 1), value("LY", "A2", 3.0, None)),
        framework=fw,
    )
    ids = [s.id for s in saved]
    service.submit(store, actor=LI, ids=ids, framework=fw)
    return ids


def test_values_list_approve_reject(store: Store, db_url: str) -> None:
    seed(store)
    a1, a2 = _submitted(store)
    listed = json.loads(_cli("values", "list", "--state", "submitted", "--json", "--db", db_url))
    assert [(v["id"], v["indicator"], v["value"], v["state"]) for v in listed] == [
        (a1, "A1", 12.0, "submitted"),
        (a2, "A2", 3.0, "submitted"),
    ]
    assert "approved 已通过: 1" in _cli("values", "approve", str(a1), "--db", db_url)
    out = _cli("values", "reject", str(a2), "--db", db_url, code=2)  # --reason is required
    assert "--reason" in out
    out = _cli("values", "reject", str(a2), "--reason", " ", "--db", db_url, code=1)
    assert "reason" in out
    _cli("values", "reject", str(a2), "--reason", "口径不符", "--db", db_url)
    out = _cli("values", "approve", str(a2), "--db", db_url, code=1)
    assert f"value {a2}" in out and "rejected" in out
    states = {v["id"]: (v["state"], v["comment"]) for v in json.loads(
        _cli("values", "list", "--json", "--db", db_url)
    )}  # fmt: skip
    assert states[a1] == ("approved", None) and states[a2] == ("rejected", "口径不符")
    assert sorted(states) == [a1, a2]  # the operator's import only with --all
    listed = json.loads(_cli("values", "list", "--all", "--json", "--db", db_url))
    first = listed[0]
    assert (first["revision"], first["state"], first["entered_by"]) == (
        1,
        "approved",
        "cli:op",
    )
    assert len(listed) == 3
    # the approved value is what the store now reads; the rejected one is not
    got = store.observations().set_index("indicator")["value"].to_dict()
    assert got == {"A1": 12.0}
    table = _cli("values", "list", "--db", db_url)
    assert "rejected 已退回" in table and "口径不符" in table
    assert "--state 'maybe'" in _cli("values", "list", "--state", "maybe", "--db", db_url, code=1)


def test_audit_log_list_and_export(store: Store, db_url: str, tmp_path: Path) -> None:
    seed(store)
    a1, _ = _submitted(store)
    _cli("values", "approve", str(a1), "--comment", "ok", "--db", db_url)
    entries = json.loads(_cli("audit-log", "list", "--json", "--db", db_url))
    actions = [e["action"] for e in entries]
    assert actions == [
        "value.approve",
        "value.submit",
        "value.submit",
        "value.save",
        "value.save",
        "values.import",
        "units.import",
    ]
    assert entries[0]["actor"].startswith("cli:") and entries[0]["via"] == "cli"
    assert entries[0]["after"] == {
        "id": a1,
        "revision": 2,
        "value": 12.0,
        "state": "approved",
        "comment": "ok",
    }
    assert "value.approve" in _cli("audit-log", "list", "--db", db_url)
    out_csv = tmp_path / "audit.csv"
    _cli("audit-log", "export", "--out", str(out_csv), "--db", db_url)
    with out_csv.open(encoding="utf-8-sig") as fh:
        exported = list(csv.DictReader(fh))
    assert [r["action"] for r in exported] == actions[::-1]  # oldest first
    assert json.loads(exported[-1]["after"])["comment"] == "ok"
    assert exported[0]["before"] == ""
    out_xlsx = tmp_path / "audit.xlsx"
    _cli("audit-log", "export", "--out", str(out_xlsx), "--db", db_url)
    sheet = openpyxl.load_workbook(out_xlsx).active
    assert sheet is not None
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0][:6] == ("id", "at", "actor", "user_id", "via", "action")
    assert [c[5] for c in cells[1:]] == actions[::-1]
    out = _cli("audit-log", "export", "--out", str(tmp_path / "a.txt"), "--db", db_url, code=1)
    assert ".csv or .xlsx" in out


def test_evaluate_uses_approved_values_unless_asked(store: Store, db_url: str) -> None:
    store.add_units(pd.read_csv(ASEM / "units.csv", dtype=str))
    data = pd.read_csv(ASEM / "data.csv")
    store.add_observations(data, entered_by="cli:op")
    first = data.iloc[0]
    key = (first["unit"], first["indicator"], str(first["period"]))
    service.save_draft(
        store,
        actor=LI.__class__("op", "operator", via="cli"),
        rows=rows(value(key[0], key[1], first["value"] * 10, 1, key[2])),
    )
    fw = str(ASEM / "framework.yaml")
    approved = _cli("evaluate", "-f", fw, "--db", db_url)
    everything = _cli("evaluate", "-f", fw, "--db", db_url, "--values", "all")
    runs = json.loads(_cli("runs", "list", "--json", "--db", db_url))
    by_id = {r["id"]: r for r in runs}
    ids = [int(re.search(r"stored as run (\d+)", o)[1]) for o in (approved, everything)]  # type: ignore[index]
    # the draft changes the data only when asked for
    assert by_id[ids[0]]["data_sha256"] != by_id[ids[1]]["data_sha256"]
    shown = json.loads(_cli("runs", "show", str(ids[1]), "--json", "--db", db_url))
    assert shown["selection"]["values"] == "all"
    assert (
        "values"
        not in json.loads(_cli("runs", "show", str(ids[0]), "--json", "--db", db_url))["selection"]
    )
    out = _cli("evaluate", "-f", fw, "--db", db_url, "--values", "drafts", code=1)
    assert "approved or all" in out


def test_an_import_from_the_command_line_is_the_operators(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    """The audit log names who ran ``qcity import`` (``cli:<login>``); ``--by`` stays the
    label of the data."""
    import getpass

    seed(store)
    data = tmp_path / "v.csv"
    data.write_text("unit,indicator,period,value\nLY,A1,2025,3.5\n", encoding="utf-8")
    fw = tmp_path / "fw.yaml"
    from qcity.framework.io import dump_framework

    dump_framework(workflow_framework(), fw)
    _cli("import", str(data), "-f", str(fw), "--by", "统计局", "--db", db_url)
    entries = json.loads(_cli("audit-log", "list", "--json", "--db", db_url))
    imported = next(e for e in entries if e["action"] == "values.import")  # newest first
    assert imported["actor"] == f"cli:{getpass.getuser()}" and imported["via"] == "cli"
    assert store.batches()["entered_by"].iloc[-1] == "统计局"
