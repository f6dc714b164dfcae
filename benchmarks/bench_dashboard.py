"""The dashboard's weight and first paint in a browser, printed as figures measured in one
run (not a test; no timing is asserted).

A demo database is built in a temporary folder, published, and served by ``qcity serve``
in a process of its own (``bench_web``'s helpers). Debian's Chromium (Playwright) opens
the overview (``/``) and the reweighting page (``/reweight``), each in a fresh browser
context (empty cache), ``ROUNDS`` times, in two ways:

- ``now``: the pages as served: plotly.js loaded with ``defer``, gzip-compressed, and only
  on pages that draw a chart;
- ``before``: the same pages as the dashboard served them before: plotly.js as a blocking
  ``<script>`` in ``<head>``, uncompressed (the browser's requests are rewritten on the
  way: the script tag put back into the head, ``Accept-Encoding: identity`` for it).

and the methodology page (no chart: no plotly.js at all now). For each: first contentful
paint (``performance.getEntriesByName('first-contentful-paint')``) and the bytes
transferred (Chrome DevTools Protocol, ``Network.loadingFinished`` ``encodedDataLength``,
every request of the page until the network is idle), medians over the rounds, and the
ratios before / now. The machine's load average is printed: on 2 shared cores the paint
times measure the machine as much as the page.

Run: ``.venv/bin/python benchmarks/bench_dashboard.py`` (``make bench``).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_web import free_port, publish_peers, start_server  # the same demo server

from qcity.data.store import Store
from qcity.demo.build import DEFAULT_SEED, build_demo, default_framework_path

CHROMIUM = "/usr/bin/chromium"
ROUNDS = 5
PAGES = {"overview": "/", "reweight": "/reweight", "methodology": "/methodology"}
PLOTLY = "/vendor/plotly.min.js"
BLOCKING = f'<script src="{PLOTLY}"></script>'
FCP = """() => new Promise(done => {
  new PerformanceObserver(list => {
    const e = list.getEntriesByName('first-contentful-paint')[0];
    if (e) done(e.startTime);
  }).observe({type: 'paint', buffered: true});
  setTimeout(() => done(-1), 5000);
})"""


def _as_before(route: Any) -> None:
    """The request of the old page: plotly.js blocking in <head>, uncompressed."""
    request = route.request
    if request.url.endswith(PLOTLY):  # fetched uncompressed, passed on as it came
        response = route.fetch(headers={**request.headers, "accept-encoding": "identity"})
        route.fulfill(response=response)
        return
    if request.resource_type != "document":
        route.continue_()
        return
    response = route.fetch()
    html = response.text()
    html = html.replace(f'<script defer src="{PLOTLY}"></script>', "")
    html = html.replace("</head>", BLOCKING + "\n</head>", 1)
    route.fulfill(response=response, body=html)


def measure(browser: Any, url: str, before: bool) -> tuple[float, int]:
    """First contentful paint (ms) and bytes transferred of one cold load of ``url``."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(180_000)  # a busy machine: no timing is judged here
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    if before:
        page.route("**/*", _as_before)
    try:
        page.goto(url, wait_until="networkidle")
        fcp = page.evaluate(FCP)
        return float(fcp), sum(sizes.values())
    finally:
        context.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="qcity-bench-dashboard-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.sqlite'}"
        with Store(url) as store:
            build_demo(store, default_framework_path(), DEFAULT_SEED)
        publish_peers(url)
        port = free_port()
        proc = start_server(url, port)
        base = f"http://127.0.0.1:{port}"
        for path in PAGES.values():  # not measured: the evaluation and each page made once
            httpx.get(base + path, timeout=600).raise_for_status()
        results: dict[tuple[str, str], tuple[float, float]] = {}
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                for name, path in PAGES.items():
                    measure(browser, base + path, before=False)  # plotly.js compressed once
                    for way in ("before", "now"):
                        runs = [
                            measure(browser, base + path, way == "before") for _ in range(ROUNDS)
                        ]
                        fcp = statistics.median(r[0] for r in runs)
                        weight = statistics.median(r[1] for r in runs)
                        results[(name, way)] = (fcp, weight)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    print(f"cpu_count={os.cpu_count()}")
    print(f"load_average_1min={os.getloadavg()[0]:.2f}")
    print(f"rounds={ROUNDS}")
    for name in PAGES:
        for way in ("before", "now"):
            fcp, weight = results[(name, way)]
            print(f"{name}_{way}_fcp_ms={fcp:.0f}")
            print(f"{name}_{way}_transferred_kb={weight / 1024:.0f}")
        (fb, wb), (fn, wn) = results[(name, "before")], results[(name, "now")]
        print(f"{name}_fcp_ratio_before_over_now={fb / fn:.2f}" if fn > 0 else "")
        print(f"{name}_weight_ratio_before_over_now={wb / wn:.2f}" if wn > 0 else "")


if __name__ == "__main__":
    main()
