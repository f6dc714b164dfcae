"""``demo_db`` (tests/demo_clone.py): the demo the session built, cloned into a test's own
database, is that demo row for row on both backends, and the clone goes on like a database
the demo was built in: its audit log verifies, building the demo on it again adds
nothing, and new rows get ids after the demo's."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, func, make_url, select

from qcity.data.audit import verify_chain
from qcity.data.schema import Base
from qcity.data.store import Store
from qcity.demo.build import DEFAULT_SEED, build_demo, default_framework_path


def _tables(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in primary-key order."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key))]
                for t in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def _source(db_url: str, request: pytest.FixtureRequest) -> str:
    if make_url(db_url).get_backend_name() == "sqlite":
        return f"sqlite:///{request.getfixturevalue('demo_sqlite')}"
    return str(request.getfixturevalue("demo_pg_url"))


def test_the_clone_is_the_demo_and_goes_on_like_it(
    store: Store, demo_db: str, request: pytest.FixtureRequest
) -> None:
    demo = _tables(_source(demo_db, request))
    clone = _tables(demo_db)
    assert clone == demo
    assert demo["observations"] and demo["units"] and demo["audit_log"]
    with store.engine.connect() as conn:
        assert verify_chain(conn).ok
        top = conn.execute(select(func.max(Base.metadata.tables["observations"].c.id)))
        last_observation = int(top.scalar_one())

    # the demo built again on the clone adds nothing: no unit, no value, no import
    again = build_demo(store, default_framework_path(), DEFAULT_SEED)
    assert again.batch_id is None and again.observations == len(demo["observations"])
    assert _tables(demo_db) == demo

    # a revision: a new import batch and a new observation, with ids after the demo's
    one = store.observations(units=["liyang"], indicators=["EC01"], periods=["2024"])
    done = store.add_observations(
        one[["unit", "indicator", "period"]].assign(value=one["value"] * 2), entered_by="统计局"
    )
    assert done.revised == 1 and done.batch_id == len(demo["import_batches"]) + 1
    revised = store.observations(units=["liyang"], indicators=["EC01"], periods=["2024"])
    assert int(revised["revision"].iloc[0]) == 2
    with store.engine.connect() as conn:
        top = conn.execute(select(func.max(Base.metadata.tables["observations"].c.id)))
        assert int(top.scalar_one()) == last_observation + 1
        assert verify_chain(conn).ok
