"""Twenty clerks submitting at once through a real server (SQLite and PostgreSQL): every
submission is stored once, no key gets a duplicate revision, and of twenty saves of the
same value on the same revision exactly one wins (the others get 409, nothing lost)."""

from __future__ import annotations

import threading

import httpx
from sqlalchemy import func, select

from qcity.data import workflow as wf
from qcity.data.audit import read_log
from qcity.data.store import Store
from qcity.data.tables import OBS
from tests.web.workflow_client import post, serve, workflow_app
from tests.workflow_helpers import seed

CLERKS = 20


def test_twenty_clerks_at_once_lose_nothing(store: Store, db_url: str) -> None:
    seed(store)
    start = threading.Barrier(CLERKS)
    own: dict[int, list[int]] = {}
    shared: dict[int, int] = {}
    failures: list[str] = []

    def clerk(i: int, base: str) -> None:
        user = f"clerk{i:02d}"
        try:
            with httpx.Client(base_url=base, timeout=120) as c:
                start.wait()
                item = {"unit": "LY", "indicator": "A2", "period": str(2000 + i), "value": i}
                res = post(c, user, "/api/values", json={"values": [item]})
                ids = [s["id"] for s in res.json()["saved"]]
                sub = post(c, user, "/api/values/submit", json={"ids": ids})
                own[i] = ids if sub.status_code == 200 else []
                same = {"unit": "JT", "indicator": "A1", "period": "2024", "value": 100 + i}
                shared[i] = post(c, user, "/api/values", json={"values": [same]}).status_code
        except Exception as exc:  # reported below with the clerk's number
            failures.append(f"{user}: {exc!r}")

    with serve(workflow_app(db_url)) as base:
        threads = [threading.Thread(target=clerk, args=(i, base)) for i in range(CLERKS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert failures == []
    assert sorted(len(ids) for ids in own.values()) == [1] * CLERKS
    assert sorted(shared.values()) == [200] + [409] * (CLERKS - 1)
    submitted = wf.list_values(store, state="submitted")
    assert sorted(submitted["period"]) == [str(2000 + i) for i in range(CLERKS)]
    assert sorted(submitted["value"]) == list(range(CLERKS))
    with store.engine.connect() as conn:
        per_key = conn.execute(
            select(
                OBS.c.unit_code, OBS.c.indicator_code, OBS.c.period, OBS.c.revision, func.count()
            ).group_by(OBS.c.unit_code, OBS.c.indicator_code, OBS.c.period, OBS.c.revision)
        ).all()
    assert all(n == 1 for *_, n in per_key)
    assert len(per_key) == 1 + CLERKS + 1  # the seed, one per clerk, the shared value once
    log = read_log(store.engine)
    assert (log["action"] == "value.save").sum() == CLERKS + 1
    assert (log["action"] == "value.submit").sum() == CLERKS
