"""A web upload cannot skip review (issue 18): confirming a checked file stores its values
as revisions submitted for review, the evaluation keeps the approved values until a
reviewer approves them, and a value saved by someone else between the check and the
confirmation is a conflict that stores nothing. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from qcity.data.store import Store
from qcity.data.workflow import list_values
from qcity.web import create_app
from tests.web.auth_helpers import CLERK_DEPARTMENT, add_user, login

CSV = b"unit,indicator,period,value\nliyang,EC01,2024,250000\n"


def _demo(url: str) -> str:
    """``url``, which holds the demo (``demo_db``), made ready for these tests."""
    add_user(url, "clerk", "clerk", department=CLERK_DEPARTMENT)
    add_user(url, "reviewer", "reviewer")
    return url


def _ec01(client: TestClient) -> float:
    rows = client.get("/api/dimensions/economy").json()["rows"]
    return float(next(r for r in rows if r["code"] == "EC01")["value"])


@pytest.mark.usefixtures("demo_db")
def test_a_web_upload_waits_for_review(db_url: str) -> None:
    url = _demo(db_url)
    app = create_app(url)
    clerk, reviewer = TestClient(app), TestClient(app)
    login(clerk, "clerk")
    login(reviewer, "reviewer")
    before = _ec01(clerk)
    assert before != 250000
    checked = clerk.post("/api/upload", files={"file": ("ec01.csv", CSV)})
    assert checked.status_code == 200, checked.text
    done = clerk.post(f"/api/upload/{checked.json()['token']}")
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["state"] == "submitted" and body["revised"] == 1 and len(body["submitted"]) == 1
    with Store(url, create=False) as store:
        waiting = list_values(store, state="submitted")
        assert waiting[["indicator", "value", "entered_by"]].values.tolist() == [
            ["EC01", 250000.0, "clerk"]
        ]
        assert 250000.0 not in store.observations(indicators=["EC01"])["value"].tolist()
    assert _ec01(clerk) == before  # not approved: the evaluation keeps the approved value
    queue = reviewer.get("/api/review").json()["values"]
    assert [v["id"] for v in queue] == body["submitted"]
    ok = reviewer.post(f"/api/values/{body['submitted'][0]}/approve", json={"comment": "核对"})
    assert ok.status_code == 200, ok.text
    assert _ec01(clerk) == 250000
    # the same file again: equal to the approved value, nothing is submitted twice
    again = clerk.post("/api/upload", files={"file": ("ec01.csv", CSV)}).json()
    repeat = clerk.post(f"/api/upload/{again['token']}").json()
    assert repeat["stored"] is False and repeat["unchanged"] == 1


@pytest.mark.usefixtures("demo_db")
def test_a_value_saved_after_the_check_is_a_conflict(db_url: str) -> None:
    url = _demo(db_url)
    add_user(url, "clerk2", "clerk", department=CLERK_DEPARTMENT)
    app = create_app(url)
    clerk, other = TestClient(app), TestClient(app)
    login(clerk, "clerk")
    login(other, "clerk2")
    checked = clerk.post("/api/upload", files={"file": ("ec01.csv", CSV)})
    assert checked.status_code == 200, checked.text
    item = {"unit": "liyang", "indicator": "EC01", "period": "2024", "value": 251000.0}
    saved = other.post("/api/values", json={"values": [{**item, "expected_revision": 1}]})
    assert saved.status_code == 200, saved.text
    with Store(url, create=False) as store:
        n = len(list_values(store))
    res = clerk.post(f"/api/upload/{checked.json()['token']}")
    assert res.status_code == 409, res.text
    assert "clerk2" in res.json()["error"]["message"]
    with Store(url, create=False) as store:
        assert len(list_values(store)) == n  # nothing of the upload was written
