"""The public dashboard shows reviewed numbers only (issue 18): an anonymous visitor sees
the newest published run (said on the page), never a clerk's draft, submitted or rejected
value, nor a login name; with nothing published the pages say so. Logged-in staff keep
the store's approved values evaluated now. SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from qcity.web import create_app
from tests.web.auth_helpers import CLERK_DEPARTMENT, add_user, login
from tests.web.conftest import publish_evaluation

KEY = {"unit": "liyang", "indicator": "EC01", "period": "2024"}


def _ec01(client: TestClient) -> float:
    rows = client.get("/api/dimensions/economy").json()["rows"]
    return float(next(r for r in rows if r["code"] == "EC01")["value"])


def _enter(client: TestClient, value: float, expected: int) -> int:
    """Save ``value`` for EC01 as a draft; its id."""
    res = client.post(
        "/api/values", json={"values": [{**KEY, "value": value, "expected_revision": expected}]}
    )
    assert res.status_code == 200, res.text
    return int(res.json()["saved"][0]["id"])


@pytest.mark.usefixtures("demo_db")
def test_anonymous_visitors_see_the_published_run_only(db_url: str) -> None:
    add_user(db_url, "clerkzhao", "clerk", department=CLERK_DEPARTMENT)
    add_user(db_url, "reviewerqian", "reviewer")
    add_user(db_url, "analystsun", "analyst")
    app = create_app(db_url)
    public, clerk, reviewer, analyst = (TestClient(app) for _ in range(4))
    login(clerk, "clerkzhao")
    login(reviewer, "reviewerqian")
    login(analyst, "analystsun")

    # nothing published: the public is told so, staff see the approved values
    home = public.get("/")
    assert "尚未发布评价结果" in home.text and 'href="/peers' not in home.text
    res = public.get("/api/overview")
    assert res.status_code == 404 and "published" in res.json()["error"]["message"]
    assert public.get("/api/indicators/EC01").status_code == 404
    approved = _ec01(analyst)

    run_id = publish_evaluation(db_url, by="analystsun")
    app.state.dashboard.invalidate()  # as the 2-second refresh would
    assert _ec01(public) == approved
    page = public.get("/indicator/EC01")
    assert f"#{run_id}" in page.text and 'id="published-run"' in page.text

    # a draft, a rejected and a submitted value: none of them reaches the public
    rejected = _enter(clerk, 111111.0, 1)
    clerk.post("/api/values/submit", json={"ids": [rejected]})
    assert reviewer.post(f"/api/values/{rejected}/reject", json={"reason": "错"}).status_code == 200
    waiting = _enter(clerk, 222222.0, 2)
    clerk.post("/api/values/submit", json={"ids": [waiting]})
    _enter(clerk, 333333.0, 3)  # a draft on top
    for client in (public,):
        assert _ec01(client) == approved
        shown = client.get("/api/indicators/EC01").json()
        values = [r["value"] for r in shown["revisions"]]
        assert not {111111.0, 222222.0, 333333.0} & set(values)
        assert all("entered_by" not in r for r in shown["revisions"])
        for text in (
            json.dumps(shown, ensure_ascii=False),
            client.get("/indicator/EC01").text,
            client.get("/api/runs").text,
        ):
            for login_name in ("clerkzhao", "reviewerqian", "analystsun"):
                assert login_name not in text
        assert "333333" not in client.get("/indicator/EC01").text
    staff = analyst.get("/api/indicators/EC01").json()
    assert 333333.0 in [r["value"] for r in staff["revisions"]]  # staff keep their view
    states = {r["value"]: r["review"] for r in staff["revisions"] if r["period"] == "2024"}
    assert states[333333.0] == "草稿" and states[111111.0] == "已退回"  # never taken for 终值
    assert "analystsun" in analyst.get("/api/runs").text

    # approved after publishing: staff see it now, the public once a run is published
    assert reviewer.post(f"/api/values/{waiting}/approve", json={}).status_code == 200
    assert _ec01(analyst) == 222222.0
    assert _ec01(public) == approved
    runs = public.get("/api/runs").json()
    assert [r["id"] for r in runs] == [str(run_id)] and "created_by" not in runs[0]
    newer = publish_evaluation(db_url, by="analystsun")
    app.state.dashboard.invalidate()
    assert _ec01(public) == 222222.0
    assert f"#{newer}" in public.get("/").text
