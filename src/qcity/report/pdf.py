"""The PDF report: the HTML report printed by headless Chromium (the browser the tests
use), so the PDF and the HTML are the same document."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from qcity import errors

#: Where Chromium is looked for (``QCITY_CHROMIUM`` first).
CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")


class PdfError(errors.StoreError, RuntimeError):
    """Chromium is missing or could not print the report."""


def chromium() -> str:
    """The Chromium executable; PdfError naming what to install when there is none."""
    for name in (os.environ.get("QCITY_CHROMIUM"), *CANDIDATES):
        if name and (found := shutil.which(name)):
            return found
    raise PdfError(
        "the PDF report is printed by Chromium, which is not installed: install it "
        "(Debian: apt-get install chromium, or scripts/ensure-system-deps.sh) or set "
        "QCITY_CHROMIUM, or use --format html"
    )


def html_to_pdf(html: str, out: Path, timeout: float = 120.0) -> None:
    """Print ``html`` to ``out`` with headless Chromium (A4; Chromium's own header and
    footer off: the page footers are the report's CSS ``@page`` boxes)."""
    exe = chromium()
    with tempfile.TemporaryDirectory(prefix="qcity-report-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        target = Path(tmp) / "report.pdf"
        cmd = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={target}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise PdfError(f"Chromium did not print the report within {timeout:.0f} s") from None
        if not target.exists() or target.stat().st_size == 0:
            tail = (done.stderr or "").strip().splitlines()[-3:]
            raise PdfError(f"Chromium could not print the report: {' '.join(tail) or 'no output'}")
        out.write_bytes(target.read_bytes())
