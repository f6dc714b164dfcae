"""On the web a value outside its plausible range is refused unless a reason is given:
the upload (check and store), the JSON save and the entry form (SQLite and PostgreSQL)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from qcity.data import audit
from qcity.data.store import Store
from qcity.framework.model import Framework
from tests.helpers import composite, indicator, toy_framework
from tests.web.workflow_client import post, workflow_app
from tests.workflow_helpers import STATS, seed


def _client(store: Store, db_url: str) -> TestClient:
    """The workflow app whose A1 is plausible within [0, 100]."""
    seed(store)
    app = workflow_app(db_url)
    app.state.workflow_framework = Framework.model_validate(
        toy_framework(
            [composite("A", "甲", [indicator("A1", department=STATS, plausible_range=[0, 100])])]
        )
    )
    return TestClient(app)


def test_json_save_and_entry_form_need_a_reason(store: Store, db_url: str) -> None:
    client = _client(store, db_url)
    item = {"unit": "LY", "indicator": "A1", "period": "2024", "value": 1e300}
    res = post(client, "li", "/api/values", json={"values": [{**item, "expected_revision": 1}]})
    assert res.status_code == 400 and "plausible range [0, 100]" in res.text
    form = {"unit": "LY", "year": "2024", "value_A1": "1e300", "current_A1": "10.0",
            "expected_A1": "1"}  # fmt: skip
    res = post(client, "li", "/entry", data=form)
    assert res.status_code == 400 and "plausible range" in res.text
    assert store.observations(values="all")["value"].tolist() == [10.0]
    res = post(client, "li", "/entry", data={**form, "reason": "已与统计局核对"},
               follow_redirects=False)  # fmt: skip
    assert res.status_code == 303, res.text
    assert store.observations(values="all")["flag"].tolist() == ["implausible"]
    (after,) = audit.read_log(store.engine, action="value.save")["after"]
    assert after["implausible"] == "已与统计局核对"


def test_upload_needs_a_reason_for_an_implausible_value(store: Store, db_url: str) -> None:
    client = _client(store, db_url)
    body = b"unit,indicator,period,value\nLY,EC02,2024,1e300\n"  # EC02 (liyang): -15..30
    files = {"file": ("d.csv", body, "text/csv")}
    res = post(client, "li", "/api/upload", files=files)
    assert res.status_code == 422, res.text
    (problem,) = res.json()["error"]["problems"]
    assert problem["row"] == 2 and "plausible range" in problem["reason"]
    reason = {"accept_implausible": "单位核实"}
    res = post(client, "li", "/api/upload", files=files, data=reason)
    assert res.status_code == 200, res.text
    done = post(client, "li", f"/api/upload/{res.json()['token']}", data=reason)
    assert done.status_code == 200 and done.json()["added"] == 1, done.text
    stored = store.observations(values="all").set_index("indicator")
    assert stored.loc["EC02", "flag"] == "implausible"
