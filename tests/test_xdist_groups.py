"""The groups of tests/conftest.py reach pytest-xdist: a test using a module-scoped fixture
carries its module's ``xdist_group``, and under ``--dist loadgroup`` its node id ends with
that group, which is what xdist's scheduler reads. Without this, a pytest release that
changes node ids (pytest 9.2, pytest-xdist issue 1386) would spread a module's tests over
every worker, each setting up the module's fixture (the report, the browser, the demo
server) again, without a failure anywhere."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="module")
def shared() -> str:
    """A module-scoped fixture: the module becomes a group of its own."""
    return "module"


def test_the_module_group_reaches_xdist(request: pytest.FixtureRequest, shared: str) -> None:
    group = f"module:{__name__.replace('.', '/')}.py"
    marks = [m.args[0] for m in request.node.iter_markers("xdist_group")]
    assert marks == [group]
    if os.environ.get("PYTEST_XDIST_WORKER") and request.config.getoption("loadgroup", False):
        assert request.node.nodeid.endswith(f"@{group}"), request.node.nodeid
