"""The one table of text length limits (``qcity.data.limits``): derived from the schema's
column lengths, and checked in the data layer so that a CLI import, a units file and the
workflow refuse the same too-long texts on SQLite and PostgreSQL, naming file, row and
field — nothing written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import String

from qcity.data import workflow as wf
from qcity.data.importer import import_file
from qcity.data.limits import LIMITS, TEXT_LIMITS, TooLongError, check_length
from qcity.data.problems import ImportErrorReport
from qcity.data.roles import Actor
from qcity.data.schema import Base
from qcity.data.store import Store
from qcity.data.tables import StoreError
from qcity.framework.model import Framework
from tests.data.conftest import UNITS, write_csv


def test_the_limits_are_the_schema_column_lengths() -> None:
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String) and column.type.length:
                assert LIMITS[f"{table.name}.{column.name}"] == column.type.length
    for column, limit in TEXT_LIMITS.items():
        assert LIMITS[column] == limit
    with pytest.raises(TooLongError, match="field name: 101 characters, at most 100"):
        check_length("users.name", "x" * 101)
    check_length("users.name", "名" * 100)  # characters, not bytes, as PostgreSQL counts


def test_an_import_with_a_too_long_source_stores_nothing(
    ustore: Store, fw: Framework, tmp_path: Path
) -> None:
    source = "s" * (LIMITS["observations.source"] + 1)
    path = write_csv(
        tmp_path / "long.csv",
        f"unit,indicator,period,value,source\nLY,EC01,2023,5000,ok\nLY,EC01,2024,5100,{source}\n",
    )
    with pytest.raises(ImportErrorReport) as caught:
        import_file(ustore, path, fw, "cli:test")
    (problem,) = [p for p in caught.value.problems if p.severity == "error"]
    assert problem.row == 3 and "source" in problem.column
    assert "longer than 1000 characters" in problem.reason
    assert "long.csv" in str(caught.value)
    assert ustore.observations().empty


def test_a_units_file_with_a_too_long_name_stores_nothing(store: Store) -> None:
    units = UNITS.copy()
    units.loc[2, "name_zh"] = "镇" * 201
    with pytest.raises(TooLongError, match=r"units row 4 .* field name_zh: 201 characters"):
        store.add_units(units)
    assert store.units().empty


def test_a_saved_value_with_a_too_long_flag_is_refused(ustore: Store) -> None:
    rows = pd.DataFrame(
        [{"unit": "LY", "indicator": "EC01", "period": "2024", "value": 1.0, "flag": "f" * 1001}]
    )
    with pytest.raises(StoreError, match="row 1, field flag: 1001 characters, at most 1000"):
        wf.save_drafts(ustore, Actor("li", "clerk", via="session"), rows)
    assert wf.list_values(ustore).empty


def test_a_groups_table_with_a_too_long_name_stores_nothing(ustore: Store) -> None:
    groups = pd.DataFrame(
        {"group": ["sunan", "sunan"], "name_zh": ["苏南", "苏南"], "unit": ["LY", "JT"]}
    )
    groups.loc[1, "name_zh"] = "南" * 201
    with pytest.raises(TooLongError, match=r"groups row 3 .* field name_zh: 201 characters"):
        ustore.add_groups(groups)
    assert ustore.groups().empty
