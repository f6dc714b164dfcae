"""The exports package: the sheets are declared once (``SheetSpec``), the writers read the
spec, and the old module paths still give the same objects."""

from __future__ import annotations

import pandas as pd

from qcity.exports import folder, results_book
from qcity.exports.spec import Col, Lang, Sheet, SheetSpec, build, titles


def test_the_workbooks_sheets_are_declared_in_order_with_both_titles() -> None:
    # the sheet keys and titles are the files' contract (tests/service/test_folder.py and
    # test_results_workbook.py read the sheets by these titles)
    assert list(folder.SHEETS) == [
        "readme", "scores", "ranking", "indicators", "weights", "exclusions", "codebook",
    ]  # fmt: skip
    assert list(results_book.SHEETS) == [
        "readme", "scores", "indicators", "monitor", "progress", "warnings", "provenance",
    ]  # fmt: skip
    for spec in (*folder.FOLDER_SHEETS, *results_book.RESULTS_SHEETS):
        assert spec.zh and spec.en and not spec.zh.isascii()
        assert spec.title(Lang("en")) == f"{spec.en} {spec.zh}"


def test_a_sheet_is_a_spec_and_a_source_function() -> None:
    def source(n: int) -> Sheet:
        frame = pd.DataFrame({"a": range(n)})
        return Sheet("demo", frame, {"a": Col("甲", "a", "甲列", "column a")})

    specs = (SheetSpec("demo", "示例", "demo", source),)
    (sheet, title), *_ = build(specs, 3, Lang("zh"))
    assert title == "示例 demo" and sheet.frame["a"].tolist() == [0, 1, 2]
    assert titles(specs) == {"demo": ("示例", "demo")}


def test_the_old_paths_give_the_same_objects() -> None:
    from qcity.exports import columns, spec, xlsx
    from qcity.service import folder as old_folder
    from qcity.service import results_workbook as old_book
    from qcity.service import workbook as old_workbook

    assert old_folder.write_results_folder is folder.write_results_folder
    assert old_folder.how_scores_compare is folder.how_scores_compare
    assert old_folder.READABLE is columns.READABLE and old_folder.FILES is columns.FILES
    assert old_folder.Sheet is spec.Sheet and old_folder._Lang is spec.Lang
    assert old_folder.SHEETS == folder.SHEETS
    assert old_workbook.write_workbook is xlsx.write_workbook
    assert old_book.MONITOR_COLS is results_book.MONITOR_COLS
    assert old_book.SHEETS == results_book.SHEETS
