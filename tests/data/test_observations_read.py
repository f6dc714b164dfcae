"""The latest-revision read in each of its SQL forms (the portable window, SQLite's NOT
EXISTS, PostgreSQL's DISTINCT ON) against the latest revision computed in pandas from
every stored revision, now and as of each import; and what ``latest_for`` reads."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from qcity.data.observations import latest_for, observations_select, prepare_observations
from qcity.data.store import Store
from qcity.data.tables import KEY, OBSERVATION_COLUMNS, frame_from_rows
from tests.data.conftest import obs

FILTERS = [
    {},
    {"indicators": ["EC04"]},
    {"units": ["LY", "DB"]},
    {"periods": [2024]},
    {"indicators": ["EC01"], "units": ["LY"], "periods": ["2023", "2024"]},
]


def _history(store: Store) -> list[datetime]:
    """Three imports: values added, some revised twice, one added late; their stamps."""
    stamps = []
    for batch in (
        [("LY", "EC01", "2023", 1.0), ("LY", "EC01", "2024", 2.0), ("DB", "EC04", "2024", 3.0)],
        [("LY", "EC01", "2024", 2.5), ("TMH", "EC04", "2024", 4.0), ("DB", "EC04", "2023", 5.0)],
        [("LY", "EC01", "2024", 2.75), ("DB", "EC04", "2024", 3.5), ("LY", "EC04", "2024", 6.0)],
    ):
        store.add_observations(obs(batch), entered_by="a")
        stamp = store.vintage()
        assert stamp is not None
        stamps.append(stamp)
    return stamps


def _expected(every: pd.DataFrame, as_of: datetime | None, filters: dict) -> pd.DataFrame:
    """The highest revision per key among the rows recorded by ``as_of``, in key order."""
    rows = every if as_of is None else every[every["recorded_at"] <= pd.Timestamp(as_of)]
    for column, name in (("indicator", "indicators"), ("unit", "units")):
        if name in filters:
            rows = rows[rows[column].isin(filters[name])]
    if "periods" in filters:
        rows = rows[rows["period"].isin([str(p) for p in filters["periods"]])]
    latest = rows.sort_values([*KEY, "revision"]).groupby(KEY, sort=True).tail(1)
    return latest.sort_values(KEY).reset_index(drop=True)


@pytest.mark.parametrize("filters", FILTERS)
def test_every_form_reads_the_latest_revision_as_of_each_import(
    ustore: Store, filters: dict
) -> None:
    stamps = _history(ustore)
    every = ustore.observations(all_revisions=True)
    assert every["revision"].max() == 3  # LY EC01 2024 was revised twice
    moments: list[datetime | None] = [
        None,
        stamps[0] - timedelta(microseconds=1),
        *stamps,
        stamps[1] + timedelta(microseconds=1),
    ]
    forms = {None, ustore.engine.dialect.name}  # the window, and this database's own form
    for dialect in forms:
        for as_of in moments:
            stmt = observations_select(as_of, **filters, dialect=dialect)
            with ustore.engine.connect() as conn:
                got = frame_from_rows(conn.execute(stmt).all(), OBSERVATION_COLUMNS)
            want = _expected(every, as_of, filters)
            pd.testing.assert_frame_equal(got, want, check_dtype=False)
    # the store's own read agrees with the computation
    now = ustore.observations(**filters)
    pd.testing.assert_frame_equal(now, _expected(every, None, filters), check_dtype=False)


def test_latest_for_reads_the_latest_revision_of_the_incoming_keys(ustore: Store) -> None:
    _history(ustore)
    incoming = prepare_observations(obs([("LY", "EC01", "2024", 9.0), ("LY", "EC04", "2024", 1)]))
    with ustore.engine.connect() as conn:
        latest = latest_for(conn, incoming)
    # the incoming units, indicators and periods only (not 2023, not unit DB), each key at
    # its last revision
    got = latest.set_index(KEY)[["value_old", "revision"]]
    assert got.to_dict("index") == {
        ("LY", "EC01", "2024"): {"value_old": 2.75, "revision": 3},
        ("LY", "EC04", "2024"): {"value_old": 6.0, "revision": 1},
    }
    assert list(latest.columns) == [
        "unit",
        "indicator",
        "period",
        "value_old",
        "status_old",
        "source_old",
        "flag_old",
        "revision",
        "review",  # the state the revision was stored in (a pending draft is not "unchanged")
    ]
    # a re-import of the same values writes nothing; a changed one gets revision + 1
    summary = ustore.add_observations(obs([("LY", "EC01", "2024", 2.75)]), entered_by="a")
    assert (summary.unchanged, summary.revised) == (1, 0)
    summary = ustore.add_observations(obs([("LY", "EC01", "2024", 2.8)]), entered_by="a")
    assert summary.revised == 1
    assert ustore.history("LY", "EC01", "2024")["revision"].tolist() == [1, 2, 3, 4]
