"""The workflow on the web: the JSON API (save with optimistic locking -> 409, submit,
approve, reject, audit), the pages (entry, review, audit, CSV export), permissions, and
two people saving the same value at the same moment through a real server. SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
import threading
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from qcity.data import workflow as wf
from qcity.data.store import Store
from tests.web.workflow_client import get, post, serve, workflow_app
from tests.workflow_helpers import seed


@pytest.fixture
def client(store: Store, db_url: str) -> TestClient:
    seed(store)
    return TestClient(workflow_app(db_url))


def _save(client: Any, user: str, ind: str, v: float, expected: int | None) -> httpx.Response:
    item = {"unit": "LY", "indicator": ind, "period": "2024", "value": v}
    return post(
        client, user, "/api/values", json={"values": [{**item, "expected_revision": expected}]}
    )


def test_api_save_submit_approve(client: TestClient, store: Store) -> None:
    res = _save(client, "li", "A1", 12.5, 1)
    assert res.status_code == 200, res.text
    saved = res.json()["saved"][0]
    assert (saved["revision"], saved["value"]) == (2, 12.5)
    listed = get(client, "li", "/api/values", params={"unit": "LY", "period": "2024"}).json()
    assert [(v["indicator"], v["revision"], v["state"]) for v in listed["values"]] == [
        ("A1", 2, "draft")
    ]
    assert post(client, "li", "/api/values/submit", json={"ids": [saved["id"]]}).status_code == 200
    queue = get(client, "wang", "/api/review").json()["values"]
    assert [v["id"] for v in queue] == [saved["id"]]
    assert (queue[0]["value"], queue[0]["previous"]) == (12.5, 10.0)  # what it would replace
    res = post(client, "wang", f"/api/values/{saved['id']}/approve", json={"comment": "好"})
    assert res.status_code == 200, res.text
    assert store.observations()["value"].tolist() == [12.5]
    entries = get(client, "wang", "/api/audit").json()["entries"]
    assert [e["action"] for e in entries[:3]] == ["value.approve", "value.submit", "value.save"]
    assert entries[0]["actor"] == "wang" and entries[0]["via"] == "session"


def test_api_conflict_is_409_with_who_and_when(client: TestClient, store: Store) -> None:
    assert _save(client, "li", "A1", 11.0, 1).status_code == 200
    res = _save(client, "zhang", "A1", 13.0, 1)
    assert res.status_code == 409
    msg = res.json()["error"]["message"]
    assert "li saved revision 2" in msg and "冲突" in msg and "LY/A1/2024" in msg
    assert store.history("LY", "A1", "2024")["value"].tolist() == [10.0, 11.0]


def test_api_refusals(client: TestClient) -> None:
    assert _save(client, None, "A1", 1.0, 1).status_code == 401
    assert _save(client, "zhou", "A1", 1.0, 1).status_code == 403  # a viewer
    res = _save(client, "li", "B1", 1.0, None)  # another department's indicator
    assert res.status_code == 403 and "B1" in res.json()["error"]["message"]
    sid = _save(client, "li", "A2", 1.0, None).json()["saved"][0]["id"]
    assert post(client, "li", f"/api/values/{sid}/approve", json={}).status_code == 403
    # a draft cannot be approved; a rejection needs a reason
    res = post(client, "wang", f"/api/values/{sid}/approve", json={})
    assert res.status_code == 400 and "only a submitted value" in res.json()["error"]["message"]
    post(client, "li", "/api/values/submit", json={"ids": [sid]})
    res = post(client, "wang", f"/api/values/{sid}/reject", json={})
    assert res.status_code == 422 and res.json()["error"]["field"] == "reason"
    assert (
        post(client, "wang", f"/api/values/{sid}/reject", json={"reason": " "}).status_code == 400
    )
    assert (
        post(client, "wang", f"/api/values/{sid}/reject", json={"reason": "偏大"}).status_code
        == 200
    )
    assert get(client, "li", "/api/audit").status_code == 403  # clerks do not read the log
    bad = post(client, "li", "/api/values", json={"values": [{"unit": "LY", "indicator": "A2"}]})
    assert bad.status_code == 422 and "period" in bad.json()["error"]["message"]


def test_entry_page_saves_and_submits(client: TestClient, store: Store) -> None:
    page = get(client, "li", "/entry", params={"unit": "LY", "year": "2024", "lang": "en"})
    assert page.status_code == 200
    assert "A1" in page.text and "A2" in page.text and "B1" not in page.text
    assert 'name="expected_A1" value="1"' in page.text
    form = {"unit": "LY", "year": "2024", "value_A1": "10", "current_A1": "10.0",
            "expected_A1": "1", "value_A2": "7.5", "current_A2": "", "expected_A2": ""}  # fmt: skip
    res = post(client, "li", "/entry", data=form, follow_redirects=False)
    assert res.status_code == 303, res.text
    stored = store.observations(values="all").set_index("indicator")["value"].to_dict()
    assert stored == {"A1": 10.0, "A2": 7.5}  # A1 unchanged: no new revision
    # the same form again, based on the old (empty) revision of A2: refused, page says why
    form["value_A2"] = "8"
    res = post(client, "li", "/entry", data=form)
    assert res.status_code == 409 and "LY/A2/2024" in res.text
    sid = int(wf.list_values(store, indicators=["A2"]).iloc[0]["id"])
    res = post(client, "li", "/entry/submit", data={"unit": "LY", "year": "2024", "ids": [sid]},
               follow_redirects=False)  # fmt: skip
    assert res.status_code == 303
    assert wf.list_values(store, ids=[sid]).iloc[0]["state"] == "submitted"


def test_review_and_audit_pages(client: TestClient, store: Store) -> None:
    sid = _save(client, "li", "A2", 4.0, None).json()["saved"][0]["id"]
    post(client, "li", "/api/values/submit", json={"ids": [sid]})
    page = get(client, "wang", "/review")
    assert page.status_code == 200 and f"/review/{sid}" in page.text
    res = post(client, "wang", f"/review/{sid}", data={"decision": "reject", "comment": ""})
    assert res.status_code == 400 and "reason" in res.text
    res = post(client, "wang", f"/review/{sid}", data={"decision": "reject", "comment": "请核实"},
               follow_redirects=False)  # fmt: skip
    assert res.status_code == 303
    assert wf.list_values(store, ids=[sid]).iloc[0]["comment"] == "请核实"
    assert get(client, "li", "/review").status_code == 403
    audit = get(client, "wang", "/audit")
    assert audit.status_code == 200 and "value.reject" in audit.text and "请核实" in audit.text
    assert get(client, "wang", "/audit/export.csv").status_code == 403  # export: admin only
    export = get(client, "chen", "/audit/export.csv")
    assert export.status_code == 200
    got = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [r["action"] for r in got] == [
        "units.import",
        "values.import",
        "value.save",
        "value.submit",
        "value.reject",
    ]


def test_two_people_save_the_same_value_at_once(store: Store, db_url: str) -> None:
    """Real concurrent requests: exactly one 200 and one 409; the refused value is saved
    afterwards on the new revision, so nothing is lost."""
    seed(store)
    with serve(workflow_app(db_url)) as base:
        start = threading.Barrier(2)
        results: dict[str, httpx.Response] = {}

        def clerk(user: str, v: float) -> None:
            with httpx.Client(base_url=base, timeout=60) as c:
                start.wait()
                results[user] = _save(c, user, "A1", v, 1)

        threads = [threading.Thread(target=clerk, args=a) for a in (("li", 21.0), ("zhang", 22.0))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = sorted(r.status_code for r in results.values())
        assert codes == [200, 409], {u: r.text for u, r in results.items()}
        loser = next(u for u, r in results.items() if r.status_code == 409)
        winner_value = 21.0 if loser == "zhang" else 22.0
        loser_value = 22.0 if loser == "zhang" else 21.0
        assert (
            f"saved revision 2 (value {winner_value:g}" in results[loser].json()["error"]["message"]
        )
        with httpx.Client(base_url=base, timeout=60) as c:
            res = _save(c, loser, "A1", loser_value, 2)
            assert res.status_code == 200, res.text
    history = store.history("LY", "A1", "2024")
    assert history["revision"].tolist() == [1, 2, 3]
    assert history["value"].tolist() == [10.0, winner_value, loser_value]


def test_review_shows_what_each_value_would_replace(client: TestClient) -> None:
    """Beside a submitted value: its key's latest approved value, or "—" for a new key."""
    a1 = _save(client, "li", "A1", 12.5, 1).json()["saved"][0]["id"]  # seed: A1 = 10 approved
    a2 = _save(client, "li", "A2", 4.0, None).json()["saved"][0]["id"]  # never stored before
    post(client, "li", "/api/values/submit", json={"ids": [a1, a2]})
    page = get(client, "wang", "/review").text

    def numbers(indicator: str) -> list[str]:
        """The number cells of the review table's row of ``indicator``."""
        row = next(r for r in page.split("<tr>") if f" {indicator} " in r)
        return [c.strip() for c in re.findall(r'<td class="num">([^<]*)</td>', row)]

    cells = {i: numbers(i) for i in ("A1", "A2")}  # id, previous, submitted, revision
    assert cells["A1"][1:4] == ["10", "12.5", "2"]
    assert cells["A2"][1:4] == ["—", "4", "1"]
