"""Store: units, groups, framework versions, append-only revisions, as-of reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import event

from qcity.data.store import (
    FrameworkConflictError,
    ImportSummary,
    SchemaNotReadyError,
    Store,
    StoreError,
    UnitsSummary,
    UnitTypeChangeError,
)
from qcity.framework.model import Framework
from tests.data.conftest import UNITS, obs


def test_units_round_trip_with_attributes(store: Store) -> None:
    assert store.add_units(UNITS) == UnitsSummary(added=4, revised=0, unchanged=0)
    units = store.units().set_index("code")
    assert list(units.columns[:4]) == ["name_zh", "name_en", "type", "parent_code"]
    assert units.loc["TMH", "parent_code"] == "LY"
    assert units.loc["LY", "region"] == "苏南"
    assert pd.isna(units.loc["TMH", "region"])
    # update in place: a name changes, nothing is duplicated
    store.add_units(UNITS.assign(name_en=["Liyang City", "Tianmuhu", "Dongba", "Jintan"]))
    units = store.units().set_index("code")
    assert len(units) == 4 and units.loc["LY", "name_en"] == "Liyang City"


def test_units_need_known_parent_and_codes(store: Store) -> None:
    with pytest.raises(StoreError, match="parent_code"):
        store.add_units(UNITS.assign(parent_code=[None, "NOPE", "LY", None]))
    with pytest.raises(StoreError, match="twice"):
        store.add_units(pd.concat([UNITS, UNITS]))
    assert store.units().empty


def test_unit_changes_are_revisions_and_as_of_reads_them(store: Store) -> None:
    store.add_units(UNITS, entered_by="张三")
    first = store.unit_history("LY")["recorded_at"].iloc[0].to_pydatetime()
    changed = UNITS.assign(
        name_en=["Liyang City", "Tianmuhu", "Dongba", "Jintan"],
        parent_code=[None, "LY", "JT", None],
    )
    summary = store.add_units(changed, entered_by="李四")
    assert summary == UnitsSummary(added=0, revised=2, unchanged=2)
    hist = store.unit_history("LY")
    assert hist["revision"].tolist() == [1, 2]
    assert hist["entered_by"].tolist() == ["张三", "李四"]
    assert hist["name_en"].tolist() == ["Liyang", "Liyang City"]
    assert hist["changes"].tolist() == [
        "first revision / 首次记录",
        "name_en: Liyang -> Liyang City",
    ]
    assert hist["attributes"].iloc[1] == {"region": "苏南"}  # the full row is kept
    assert store.unit_history("DB")["changes"].tolist()[-1] == "parent_code: LY -> JT"
    assert store.unit_history("TMH")["revision"].tolist() == [1]  # unchanged: no revision
    assert store.unit_history("NOPE").empty
    # now and as of the first import
    now = store.units().set_index("code")
    assert (now.loc["LY", "name_en"], now.loc["DB", "parent_code"]) == ("Liyang City", "JT")
    then = store.units(as_of=first).set_index("code")
    assert (then.loc["LY", "name_en"], then.loc["DB", "parent_code"]) == ("Liyang", "LY")
    assert then.loc["LY", "region"] == "苏南"
    assert store.units(as_of=first - timedelta(microseconds=1)).empty


def test_same_units_again_write_nothing(store: Store) -> None:
    store.add_units(UNITS)
    assert store.add_units(UNITS) == UnitsSummary(added=0, revised=0, unchanged=4)
    assert all(len(store.unit_history(c)) == 1 for c in UNITS["code"])
    assert store.unit_history("LY")["entered_by"].tolist() == ["qcity"]  # the default
    with pytest.raises(StoreError, match="entered_by"):
        store.add_units(UNITS, entered_by=" ")


def test_unit_type_change_needs_confirmation(store: Store) -> None:
    store.add_units(UNITS)
    city = UNITS.assign(
        type=["city", "town", "city", "city"], name_zh=["溧阳", *UNITS["name_zh"][1:]]
    )
    with pytest.raises(UnitTypeChangeError) as info:
        store.add_units(city)
    message = str(info.value)
    assert "DB (东坝) town -> city" in message and "--confirm" in message
    assert "confirm_type_change=True" in message
    assert info.value.changes == [("DB", "东坝", "town", "city")]
    # refused as a whole: the name change of LY in the same table was not written either
    assert store.units().set_index("code").loc["LY", "name_zh"] == "溧阳市"
    assert store.unit_history("LY")["revision"].tolist() == [1]
    summary = store.add_units(city, entered_by="审核人", confirm_type_change=True)
    assert (summary.revised, summary.unchanged) == (2, 2)
    hist = store.unit_history("DB")
    assert hist["type"].tolist() == ["town", "city"]
    assert hist["changes"].iloc[1] == "type: town -> city"
    assert store.units().set_index("code").loc["DB", "type"] == "city"


def test_groups(ustore: Store) -> None:
    ustore.add_group("peers", "对标城市", "Peer cities", ["JT", "LY"])
    ustore.add_group("peers", "对标城市", "Peer cities", ["LY"])  # replaces members
    g = ustore.groups()
    assert g[["group", "unit_code", "kind"]].values.tolist() == [["peers", "LY", "peer"]]
    with pytest.raises(StoreError, match="unknown unit"):
        ustore.add_group("x", "x", "x", ["ZZ"])


def test_frameworks_every_version_kept(store: Store, fw: Framework) -> None:
    assert store.save_framework(fw, "a: 1\n") is True
    assert store.save_framework(fw, "a: 1\n") is False  # same text: nothing new
    with pytest.raises(FrameworkConflictError, match="new version"):
        store.save_framework(fw, "a: 2\n")
    fw2 = fw.model_copy(update={"version": "2"})
    store.save_framework(fw2, "a: 2\n")
    assert store.frameworks()["version"].tolist() == ["1", "2"]
    assert store.framework_text("test") == "a: 2\n"
    assert store.framework_text("test", "1") == "a: 1\n"
    with pytest.raises(KeyError, match="no framework"):
        store.framework_text("test", "9")


def test_revisions_never_overwrite(ustore: Store) -> None:
    first = ustore.add_observations(obs([("LY", "EC01", "2024", 100.0)]), entered_by="a")
    second = ustore.add_observations(
        obs([("LY", "EC01", "2024", 120.0)], status=["preliminary"]), entered_by="b"
    )
    assert (first.added, first.revised, second.added, second.revised) == (1, 0, 0, 1)
    hist = ustore.history("LY", "EC01", "2024")
    assert hist["revision"].tolist() == [1, 2]
    assert hist["value"].tolist() == [100.0, 120.0]
    assert hist["entered_by"].tolist() == ["a", "b"]
    latest = ustore.observations()
    assert latest["value"].tolist() == [120.0] and latest["revision"].tolist() == [2]
    assert len(ustore.observations(all_revisions=True)) == 2


def test_same_values_add_nothing(ustore: Store) -> None:
    df = obs([("LY", "EC01", "2024", 100.0), ("TMH", "EC04", "2024Q1", 3.5)], source=["x", None])
    ustore.add_observations(df, entered_by="a")
    again = ustore.add_observations(df, entered_by="a")
    assert (again.added, again.revised, again.unchanged) == (0, 0, 2)
    assert len(ustore.observations(all_revisions=True)) == 2
    # a changed source alone is a revision
    changed = ustore.add_observations(df.assign(source=["y", None]), entered_by="a")
    assert (changed.revised, changed.unchanged) == (1, 1)


def test_flag_is_compared_and_nothing_new_leaves_no_batch(ustore: Store) -> None:
    df = obs(
        [("LY", "EC01", "2024", 100.0), ("LY", "EC01", "2023", 5.0)], flag=[None, "implausible"]
    )
    ustore.add_observations(df, entered_by="a")
    again = ustore.add_observations(df, entered_by="a")
    assert again == ImportSummary(added=0, revised=0, unchanged=2, batch_id=None)
    assert len(ustore.batches()) == 1  # no empty batch
    # a changed flag alone is a revision (value, status and source equal)
    changed = ustore.add_observations(df.assign(flag=["checked", "implausible"]), entered_by="b")
    assert (changed.added, changed.revised, changed.unchanged) == (0, 1, 1)
    assert changed.batch_id == ustore.batches()["id"].iloc[-1] and len(ustore.batches()) == 2
    hist = ustore.history("LY", "EC01", "2024")
    assert pd.isna(hist["flag"].iloc[0]) and hist["flag"].iloc[1] == "checked"
    assert hist["revision"].tolist() == [1, 2]
    # and clearing it again is one too
    cleared = ustore.add_observations(df, entered_by="c")
    assert (cleared.revised, cleared.unchanged) == (1, 1)
    assert pd.isna(ustore.observations().set_index("period").loc["2024", "flag"])


def test_as_of_reproduces_earlier_state_exactly(ustore: Store) -> None:
    ustore.add_observations(
        obs([("LY", "EC01", "2023", 1.0), ("LY", "EC01", "2024", 2.0)]), entered_by="a"
    )
    published = ustore.observations()
    stamp = ustore.vintage()
    assert stamp is not None and stamp == published["recorded_at"].max()
    ustore.add_observations(
        obs([("LY", "EC01", "2024", 2.5), ("DB", "EC04", "2024", 7.0)]), entered_by="b"
    )
    assert ustore.vintage() is not None and ustore.vintage() > stamp  # type: ignore[operator]
    again = ustore.observations(as_of=stamp)
    pd.testing.assert_frame_equal(again, published)
    assert ustore.vintage(as_of=stamp) == stamp
    before = ustore.observations(as_of=stamp - timedelta(microseconds=1))
    assert before.empty and ustore.vintage(stamp - timedelta(microseconds=1)) is None
    # a naive as_of is UTC; an aware one in +08:00 is converted
    naive = stamp.astimezone(UTC).replace(tzinfo=None)
    pd.testing.assert_frame_equal(ustore.observations(as_of=naive), published)
    local = stamp.astimezone(datetime.now().astimezone().tzinfo)
    pd.testing.assert_frame_equal(ustore.observations(as_of=local), published)


def test_recorded_at_is_utc_with_microseconds(ustore: Store) -> None:
    before = datetime.now(UTC)
    ustore.add_observations(obs([("LY", "EC01", "2024", 1.0)]), entered_by="a")
    ts = ustore.observations()["recorded_at"].iloc[0]
    assert str(ts.tz) == "UTC" and before <= ts.to_pydatetime() <= datetime.now(UTC)
    assert ustore.observations()["recorded_at"].dtype == "datetime64[us, UTC]"


def test_filters(ustore: Store) -> None:
    ustore.add_observations(
        obs([("LY", "EC01", "2023", 1.0), ("TMH", "EC04", "2024", 2.0), ("LY", "EC04", "2024", 3)]),
        entered_by="a",
    )
    assert ustore.observations(indicators=["EC04"])["unit"].tolist() == ["LY", "TMH"]
    assert ustore.observations(units=["TMH"])["value"].tolist() == [2.0]
    assert ustore.observations(periods=[2023])["value"].tolist() == [1.0]


def test_latest_read_is_one_query(ustore: Store) -> None:
    ustore.add_observations(obs([("LY", "EC01", "2024", 1.0)]), entered_by="a")
    ustore.add_observations(obs([("LY", "EC01", "2024", 2.0)]), entered_by="a")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(ustore.engine, "before_cursor_execute", count)
    try:
        latest = ustore.observations()
    finally:
        event.remove(ustore.engine, "before_cursor_execute", count)
    assert latest["value"].tolist() == [2.0]
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1  # the latest revision is chosen in SQL, not in Python


@pytest.mark.parametrize(
    ("df", "message"),
    [
        (obs([("LY", "EC01", "24", 1.0)]), "bad period"),
        (obs([("LY", "EC01", "2024", float("nan"))]), "non-numeric"),
        (obs([("LY", "EC01", "2024", 1.0)], status=["guess"]), "status"),
        (obs([("LY", "EC01", "2024", 1.0), ("LY", "EC01", "2024", 2.0)]), "twice"),
        (obs([("ZZ", "EC01", "2024", 1.0)]), "unknown unit"),
    ],
)
def test_add_observations_rejects_bad_rows(ustore: Store, df: pd.DataFrame, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        ustore.add_observations(df, entered_by="a")
    assert ustore.observations(all_revisions=True).empty
    assert ustore.batches().empty


def test_schema_check_before_upgrade(db_url: str) -> None:
    s = Store(db_url)
    assert s.schema_revision() is None
    with pytest.raises(SchemaNotReadyError, match="qcity db upgrade"):
        s.check_schema()
    s.upgrade()
    s.check_schema()
    s.close()


def test_default_url_is_sqlite_under_var(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QCITY_DATABASE_URL", raising=False)
    s = Store()
    assert s.url == f"sqlite:///{tmp_path / 'var' / 'qcity.sqlite'}"
    assert (tmp_path / "var").is_dir()
    monkeypatch.setenv("QCITY_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    assert Store().url.endswith("env.sqlite")
