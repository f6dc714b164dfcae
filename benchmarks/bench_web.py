"""Dashboard speed, printed as figures measured in one run (not a test).

A demo database is built in a temporary folder and served by ``qcity serve`` in a
process of its own on a free loopback port. Then:

1. Reweighting: requests to ``/api/reweight`` with random dimension weights (each a new
   combination, so nothing is answered from the cache); the server's own time is read
   from its ``Server-Timing`` header. Target: p95 under 100 ms.
2. The overview page (``/``, the 驾驶舱) with 50 concurrent clients (asyncio tasks, each
   an httpx client with one connection, opened by an unmeasured first request), round-trip
   times and the server's own. Target: p95 under 200 ms, no errors. The client runs on the
   same machine and takes most of the time: on 2 cores busy with other work the round trip
   measures the machine more than the server (``load_average_1min`` is printed).

Prints ``name=value`` lines. Run: ``make bench`` (or ``.venv/bin/python
benchmarks/bench_web.py``).
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

from qcity.data.store import Store
from qcity.demo.build import DEFAULT_SEED, build_demo, default_framework_path

DIMENSIONS = ["economy", "culture", "ecology", "services", "livelihood"]
REWEIGHTS = 300
CLIENTS = 50
OVERVIEWS = 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int) -> subprocess.Popen[str]:
    qcity = Path(sys.executable).parent / "qcity"
    proc = subprocess.Popen(
        [str(qcity), "serve", "--port", str(port), "--db", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/meta", timeout=30).raise_for_status()
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit(f"the server did not start: {proc.stderr.read() if proc.stderr else ''}")


def server_ms(response: httpx.Response) -> float:
    """The app's own time from ``Server-Timing: app;dur=12.34``."""
    return float(response.headers["server-timing"].split("dur=")[1])


def reweighting(base: str) -> tuple[list[float], list[float]]:
    """Server and round-trip milliseconds of reweighting requests, one at a time."""
    rng = random.Random(20261201)
    steps = [x / 2 for x in range(11)]  # the sliders: 0 to 5 by 0.5
    seen: set[str] = set()
    server, total = [], []
    with httpx.Client(base_url=base, timeout=30) as client:
        client.get("/api/reweight").raise_for_status()  # the evaluation is made once
        while len(server) < REWEIGHTS:
            w = ",".join(f"{d}:{rng.choice(steps)}" for d in DIMENSIONS)
            if w in seen or all(x.endswith(":0.0") for x in w.split(",")):
                continue
            seen.add(w)
            t0 = time.perf_counter()
            res = client.get("/api/reweight", params={"w": w})
            total.append((time.perf_counter() - t0) * 1000)
            res.raise_for_status()
            server.append(server_ms(res))
    return server, total


async def overview(base: str) -> tuple[list[float], list[float], int, float]:
    """Round-trip and server milliseconds of the overview page: ``CLIENTS`` clients, each
    with its own connection, each asking for the page again as soon as it has it."""
    times: list[float] = []
    server: list[float] = []
    errors = 0
    per_client = OVERVIEWS // CLIENTS
    clients = [
        httpx.AsyncClient(base_url=base, limits=httpx.Limits(max_connections=1), timeout=60)
        for _ in range(CLIENTS)
    ]
    try:
        # not measured: the page rendered once, and each client's connection opened
        warm = await asyncio.gather(*(c.get("/") for c in clients))
        assert all(r.status_code == 200 for r in warm)

        async def run(client: httpx.AsyncClient) -> None:
            nonlocal errors
            for _ in range(per_client):
                t0 = time.perf_counter()
                try:
                    res = await client.get("/")
                    if res.status_code != 200 or "驾驶舱" not in res.text:
                        errors += 1
                    server.append(server_ms(res))
                except httpx.HTTPError:
                    errors += 1
                times.append((time.perf_counter() - t0) * 1000)

        t0 = time.perf_counter()
        await asyncio.gather(*(run(c) for c in clients))
        wall = time.perf_counter() - t0
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return times, server, errors, wall


def publish_peers(url: str) -> int:
    """Keep the peer group's evaluation as a run and publish it; its id."""
    from qcity.service.runs import keep_run, publish_run
    from qcity.web.state import PEERS, Dashboard

    run_id = keep_run(Dashboard(url).scope(PEERS).result, url, "cli:bench", [])
    publish_run(db=url, run_id=run_id, by="cli:bench")
    return run_id


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="qcity-bench-web-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.sqlite'}"
        with Store(url) as store:
            build_demo(store, default_framework_path(), DEFAULT_SEED)
        publish_peers(url)  # anonymous visitors see the newest published run
        port = free_port()
        proc = start_server(url, port)
        base = f"http://127.0.0.1:{port}"
        try:
            server, total = reweighting(base)
            times, own, errors, wall = asyncio.run(overview(base))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    p = np.percentile
    print(f"cpu_count={os.cpu_count()}")
    print(f"reweight_requests={len(server)}")
    print(f"reweight_server_ms_p50={p(server, 50):.1f}")
    print(f"reweight_server_ms_p95={p(server, 95):.1f}")
    print(f"reweight_roundtrip_ms_p95={p(total, 95):.1f}")
    print(f"reweight_p95_target_ratio={p(server, 95) / 100:.2f}  # p95 / 100 ms target")
    print(f"overview_clients={CLIENTS}")
    print(f"overview_requests={len(times)}")
    print(f"overview_errors={errors}")
    print(f"overview_ms_p50={p(times, 50):.1f}")
    print(f"overview_ms_p95={p(times, 95):.1f}")
    print(f"overview_server_ms_p95={p(own, 95):.1f}")
    print(f"overview_requests_per_s={len(times) / wall:.0f}")
    print(f"load_average_1min={os.getloadavg()[0]:.1f}  # other work on the machine inflates times")
    print(f"overview_p95_target_ratio={p(times, 95) / 200:.2f}  # p95 / 200 ms target")


if __name__ == "__main__":
    main()
