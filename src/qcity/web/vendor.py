"""plotly.js as the browser gets it: gzip-compressed once per process (4.8 MB -> about
1.4 MB on the wire) for clients that accept it, plain otherwise; cached by the browser
for a day. The pages that draw a chart load it with ``defer`` (base.html), the others not
at all."""

from __future__ import annotations

import gzip
import threading

from fastapi import Request
from fastapi.responses import FileResponse, Response

_lock = threading.Lock()
_gz: dict[str, bytes] = {}

HEADERS = {"Cache-Control": "public, max-age=86400", "Vary": "Accept-Encoding"}


def _compressed() -> bytes:
    from qcity.web.app import plotly_js

    with _lock:
        if "plotly" not in _gz:
            _gz["plotly"] = gzip.compress(plotly_js().read_bytes(), compresslevel=9, mtime=0)
    return _gz["plotly"]


def plotly_response(request: Request) -> Response:
    """plotly.min.js, gzip-compressed when the request accepts gzip."""
    from qcity.web.app import plotly_js

    if "gzip" in request.headers.get("accept-encoding", "").lower():
        return Response(
            _compressed(),
            media_type="text/javascript",
            headers={**HEADERS, "Content-Encoding": "gzip"},
        )
    return FileResponse(plotly_js(), media_type="text/javascript", headers=HEADERS)


__all__ = ["plotly_response"]
