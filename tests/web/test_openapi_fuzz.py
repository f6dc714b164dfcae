"""The JSON API fuzzed against its own OpenAPI description with schemathesis: whatever
the generated parameters and request bodies (valid and invalid), no answer is a server
error (5xx), and every error is in the one format. Run as an analyst
(who may call every operation, the upload included) and as the anonymous visitor of a
private dashboard; the examples are bounded so that the whole run stays short."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core import NotSet

from qcity.data.roles import Actor
from qcity.web import create_app
from qcity.web.access import current_actor
from tests.web.auth_helpers import demo_copy

EXAMPLES = 8

#: The keys of the one error format every 4xx answer of the API has.
ERROR_KEYS = {"status", "code", "message", "hint", "field"}


def _apps(demo_url: str, folder: Path) -> dict[str, Any]:
    """The analyst's app on a copy of the demo (the fuzzed bodies may write), and the
    anonymous visitor's app of a private dashboard."""
    analyst = create_app(demo_copy(demo_url, folder))
    analyst.dependency_overrides[current_actor] = lambda: Actor("fuzz", "analyst", via="test")
    return {"analyst": analyst, "anonymous": create_app(demo_url, public_read=False)}


def _operations(app: Any) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def _has_body(operation: Any) -> bool:
    return "requestBody" in operation.definition.raw


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("who", ["analyst", "anonymous"])
def test_no_server_error(demo_url: str, who: str, mode: GenerationMode, tmp_path: Path) -> None:
    """Every operation, ``EXAMPLES`` generated cases each — parameters and request bodies,
    valid (positive) and invalid (negative) — never a 5xx, every error in the one format;
    the anonymous visitor of a private dashboard is refused (401) or stopped by
    validation (422)."""
    operations = _operations(_apps(demo_url, tmp_path)[who])
    assert len(operations) >= 10
    with_body = {f"{o.method.upper()} {o.path}" for o in operations if _has_body(o)}
    # the review bodies are described, so they are fuzzed like every other body
    assert {"POST /api/values/{value_id}/approve", "POST /api/values/{value_id}/reject"} <= (
        with_body
    )
    seen: list[int] = []
    bodies: set[str] = set()
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case: Any) -> None:
            response = case.call()
            where = f"{case.method} {case.formatted_path}: {response.status_code}"
            assert response.status_code < 500, f"{where} {response.text[:300]}"
            if who == "anonymous":  # refused, or stopped by validation (a malformed request)
                allowed = (401, 422) if mode == GenerationMode.POSITIVE else (400, 401, 422)
                assert response.status_code in allowed, where
            if response.status_code >= 400:
                error = response.json()["error"]
                assert set(error) >= ERROR_KEYS, f"{where} {error}"
            if not isinstance(case.body, NotSet):
                bodies.add(f"{case.method.upper()} {case.operation.path}")
            seen.append(response.status_code)

        try:
            check()
        except Unsatisfiable:  # nothing of this operation can be made invalid (no input)
            assert mode == GenerationMode.NEGATIVE, operation.path
    assert len(seen) >= len(operations) or mode == GenerationMode.NEGATIVE
    assert bodies >= with_body - {"POST /api/upload"} or mode == GenerationMode.NEGATIVE
    assert bodies, "no request body was generated"
