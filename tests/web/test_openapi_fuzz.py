"""The JSON API fuzzed against its own OpenAPI description with schemathesis: whatever
the generated parameters and bodies, no answer is a server error (5xx). Run as an analyst
(who may call every operation, the upload included) and as the anonymous visitor of a
private dashboard; the examples are bounded so that the whole run stays short."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from qcity.data.roles import Actor
from qcity.web import create_app
from qcity.web.access import current_actor

EXAMPLES = 8


def _apps(demo_url: str) -> dict[str, Any]:
    analyst = create_app(demo_url)
    analyst.dependency_overrides[current_actor] = lambda: Actor("fuzz", "analyst", via="test")
    return {"analyst": analyst, "anonymous": create_app(demo_url, public_read=False)}


def _operations(app: Any) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("who", ["analyst", "anonymous"])
def test_no_server_error(demo_url: str, who: str) -> None:
    """Every operation, ``EXAMPLES`` generated cases each: never a 5xx; the anonymous
    visitor of a private dashboard is refused (401) or stopped by validation (422)."""
    operations = _operations(_apps(demo_url)[who])
    assert len(operations) >= 10
    seen: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy())
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
            if who == "anonymous":
                assert response.status_code in (401, 422), where
            seen.append(response.status_code)

        check()
    assert len(seen) >= len(operations)
