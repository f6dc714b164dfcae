"""Twenty clerks entering and submitting values at once on PostgreSQL, printed (not a test).

A fresh database ``qcity_bench_<hex>`` on the local PostgreSQL server
(``$QCITY_BENCH_PG_URL``, as ``bench_store.py``), the web app served by uvicorn on a free
loopback port, and ``--clerks`` threads (default 20), each with its own HTTP client, all
started at once. Each clerk makes ``--rounds`` rounds: save its own value on the revision
it last saw (``POST /api/values``), submit it (``POST /api/values/submit``), and save one
value all clerks share on the revision they read (most of these get 409: someone else was
first). Each clerk is a user account of the department and calls the API with its own
scoped API token (``Authorization: Bearer``), as a department's script would.

Afterwards the store is checked: every 200 is stored exactly once, no key has a duplicate
revision, every submission is recorded. Prints ``name=value`` lines: throughput, errors
(anything not 200 or an expected 409), conflicts and the checks. Run: ``make bench`` or
``.venv/bin/python benchmarks/bench_clerks.py --rounds 10``.
"""

from __future__ import annotations

import argparse
import secrets
import socket
import threading
import time
from collections import Counter

import httpx
import pandas as pd
from bench_store import postgres_url  # the same fresh database as the store benchmark
from sqlalchemy import func, select

from qcity.data.roles import operator
from qcity.data.store import Store
from qcity.data.tables import OBS
from qcity.data.workflow import list_values
from qcity.framework.model import Framework
from qcity.service.accounts import create_token, create_user
from qcity.web import create_app

DEPARTMENT = "统计局 / Statistics Bureau"
#: The password of the benchmark's clerks (never used to log in: they use tokens).
PASSWORD = secrets.token_urlsafe(16)


def framework(clerks: int) -> Framework:
    """One indicator per clerk (C00, C01 ...) and a shared one (S), all of one department."""
    inds = [
        {"code": f"C{i:02d}", "name_zh": f"指标{i}", "name_en": f"I{i}", "department": DEPARTMENT}
        for i in range(clerks)
    ]
    inds.append({"code": "S", "name_zh": "共享", "name_en": "shared", "department": DEPARTMENT})
    return Framework.model_validate(
        {
            "code": "bench",
            "version": "1",
            "name_zh": "基准",
            "name_en": "bench",
            "valid_from": 2020,
            "valid_to": 2030,
            "root": {"code": "idx", "name_zh": "指数", "name_en": "index", "children": inds},
        }
    )


def clerk_tokens(store: Store, clerks: int) -> list[str]:
    """Create the clerks' accounts (one department) and an API token each; the tokens."""
    op = operator("bench")
    tokens = []
    for i in range(clerks):
        name = f"clerk{i:02d}"
        create_user(store, op, name=name, role="clerk", password=PASSWORD, department=DEPARTMENT)
        tokens.append(
            create_token(
                store, op, name=name, scopes=["values.enter", "values.submit"], days=1
            ).token
        )
    return tokens


def serve(url: str, clerks: int) -> tuple[object, threading.Thread, str]:
    """The app on ``url`` served by uvicorn in a thread; the server, thread and base URL."""
    import uvicorn

    app = create_app(url)
    app.state.workflow_framework = framework(clerks)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def run(clerks: int, rounds: int) -> None:
    """Measure and check; print the figures."""
    with postgres_url() as url:
        store = Store(url)
        store.upgrade()
        store.add_units(
            pd.DataFrame(
                {"code": ["LY"], "name_zh": ["溧阳市"], "name_en": ["Liyang"], "type": ["city"]}
            )
        )
        tokens = clerk_tokens(store, clerks)
        server, thread, base = serve(url, clerks)
        codes: Counter[str] = Counter()
        lock = threading.Lock()
        start = threading.Barrier(clerks + 1)

        def clerk(i: int) -> None:
            user = {"Authorization": f"Bearer {tokens[i]}"}
            mine: int | None = None
            with httpx.Client(base_url=base, timeout=300) as c:
                start.wait()
                for r in range(rounds):
                    seen: list[str] = []
                    own = {"unit": "LY", "indicator": f"C{i:02d}", "period": "2024",
                           "value": r, "expected_revision": mine}  # fmt: skip
                    res = c.post("/api/values", json={"values": [own]}, headers=user)
                    seen.append(f"save {res.status_code}")
                    if res.status_code == 200:
                        saved = res.json()["saved"][0]
                        mine = saved["revision"]
                        res = c.post(
                            "/api/values/submit", json={"ids": [saved["id"]]}, headers=user
                        )
                        seen.append(f"submit {res.status_code}")
                    cur = c.get(
                        "/api/values", params={"unit": "LY", "period": "2024"}, headers=user
                    )
                    rev = {v["indicator"]: v["revision"] for v in cur.json()["values"]}.get("S")
                    shared = {"unit": "LY", "indicator": "S", "period": "2024",
                              "value": 1000 * i + r, "expected_revision": rev}  # fmt: skip
                    res = c.post("/api/values", json={"values": [shared]}, headers=user)
                    seen.append(f"shared {res.status_code}")
                    with lock:
                        codes.update(seen)

        threads = [threading.Thread(target=clerk, args=(i,)) for i in range(clerks)]
        for t in threads:
            t.start()
        start.wait()
        t0 = time.perf_counter()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - t0
        server.should_exit = True  # type: ignore[attr-defined]
        thread.join(timeout=10)
        writes = sum(codes.values())
        errors = sum(n for k, n in codes.items() if not k.endswith((" 200", " 409")))
        with store.engine.connect() as conn:
            dup = conn.execute(
                select(func.count()).select_from(
                    select(OBS.c.unit_code, OBS.c.indicator_code, OBS.c.period, OBS.c.revision)
                    .group_by(OBS.c.unit_code, OBS.c.indicator_code, OBS.c.period, OBS.c.revision)
                    .having(func.count() > 1)
                    .subquery()
                )
            ).scalar_one()
            stored = conn.execute(select(func.count()).select_from(OBS)).scalar_one()
        saved_ok = codes["save 200"] + codes["shared 200"]
        submitted = (
            len(list_values(store, state="submitted")) + len(list_values(store, state="draft")) * 0
        )
        store.close()
    print(f"database=postgresql clerks={clerks} rounds={rounds}")
    print(f"seconds={seconds:.2f}")
    print(f"write_requests={writes} throughput_per_s={writes / seconds:.1f}")
    for key in sorted(codes):
        print(f"{key.replace(' ', '_')}={codes[key]}")
    print(f"errors={errors}")
    print(f"stored_rows={stored} saves_200={saved_ok} lost={saved_ok - stored}")
    print(f"duplicate_revisions={dup}")
    print(f"submitted_values={submitted} submits_200={codes['submit 200']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clerks", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    run(args.clerks, args.rounds)


if __name__ == "__main__":
    main()
