"""The department workflow through real logins: a clerk's session saves and submits with
the CSRF token (refused without it), a reviewer's session approves, and the audit log
names both users."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from qcity.data.audit import read_log
from qcity.data.store import Store
from qcity.web import create_app
from tests.web.auth_helpers import CLERK_DEPARTMENT, add_user, demo_copy, login


def test_a_clerk_submits_and_a_reviewer_approves_through_their_sessions(
    demo_url: str, tmp_path: Path
) -> None:
    url = demo_copy(demo_url, tmp_path)
    add_user(url, "li", "clerk", department=CLERK_DEPARTMENT)
    add_user(url, "wang", "reviewer")
    app = create_app(url)
    with TestClient(app) as clerk, TestClient(app) as reviewer:
        csrf = login(clerk, "li")
        listed = clerk.get("/api/values", params={"unit": "liyang", "period": "2024"})
        assert listed.status_code == 200, listed.text
        ec01 = [v for v in listed.json()["values"] if v["indicator"] == "EC01"]
        assert len(ec01) == 1  # 地区生产总值 belongs to the Statistics Bureau
        revision = ec01[0]["revision"]
        body = {
            "values": [
                {"unit": "liyang", "indicator": "EC01", "period": "2024", "value": 123456.0,
                 "expected_revision": revision}
            ]
        }  # fmt: skip
        del clerk.headers["X-CSRF-Token"]
        refused = clerk.post("/api/values", json=body)
        assert refused.status_code == 403  # a session without its CSRF token writes nothing
        clerk.headers["X-CSRF-Token"] = csrf
        saved = clerk.post("/api/values", json=body)
        assert saved.status_code == 200, saved.text
        (draft,) = saved.json()["saved"]
        assert draft["revision"] == revision + 1
        assert clerk.post("/api/values/submit", json={"ids": [draft["id"]]}).status_code == 200

        login(reviewer, "wang")
        queue = reviewer.get("/api/review").json()["values"]
        assert [v["id"] for v in queue] == [draft["id"]]
        approved = reviewer.post(f"/api/values/{draft['id']}/approve", json={"comment": "核实"})
        assert approved.status_code == 200, approved.text

    with Store(url, create=False) as store:
        now = store.observations(indicators=["EC01"], units=["liyang"], periods=["2024"])
        assert now["value"].tolist() == [123456.0]  # approved: evaluations now use it
        log = read_log(store.engine, entity="value")
    assert {"li", "wang"} <= {a.split(":")[-1] for a in log["actor"]}
    assert set(log["via"]) == {"session"}
