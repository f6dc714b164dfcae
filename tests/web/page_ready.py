"""Waiting for a dashboard page to be complete in the browser, without guessing: the
document has loaded, ``<main>`` is no longer ``aria-busy`` (app.js sets it while the page's
data is on its way and clears it after the page has drawn it) and every chart is drawn.
Playwright's ``networkidle`` would wait half a second of silence on every page instead."""

from __future__ import annotations

from typing import Any

LOADED = "document.readyState === 'complete' && !document.querySelector('#main[aria-busy]')"
CHARTS_DRAWN = (
    "Array.from(document.querySelectorAll('.chart')).every(el => el.querySelector('.main-svg'))"
)


def wait_ready(page: Any, *, charts: bool = True, timeout: float = 15000) -> None:
    """Wait until ``page`` has loaded its data (and, with ``charts``, drawn every chart)."""
    page.wait_for_function(f"{LOADED} && {CHARTS_DRAWN}" if charts else LOADED, timeout=timeout)
