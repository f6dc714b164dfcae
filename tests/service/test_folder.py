"""The results folder read back as a user would: Excel workbook, readable CSV with BOM,
codebook of every column, README on comparing years, banner and NOTICE for demo data."""

from __future__ import annotations

import codecs
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from qcity.engine import Evaluation
from qcity.framework.io import load_framework
from qcity.framework.model import Framework
from qcity.service.folder import BANNER, how_scores_compare, write_results_folder
from tests.helpers import REPO

ASEM = REPO / "examples" / "asem"
YEARS = ("2021", "2022", "2023")
CODES = ("a1", "a2", "a3", "b1", "b2")
MACHINE = ("scores.csv", "normalised.csv", "weights.csv", "flags.csv", "exclusions.csv")


def framework(normalise: dict | None = None) -> Framework:
    """Index -> 2 dimensions -> 5 indicators (one 'less is better'), goalposts 0-100."""

    def ind(code: str, name: str, direction: int = 1) -> dict:
        return {
            "code": code,
            "name_zh": name,
            "name_en": f"{code} en",
            "unit": "元",
            "direction": direction,
            "goalposts": {"lo": 0, "hi": 100},
        }

    return Framework.model_validate(
        {
            "code": "t",
            "version": "2",
            "name_zh": "测试指数",
            "name_en": "test index",
            "valid_from": 2021,
            "valid_to": 2023,
            "pipeline": {"impute": {"method": "mean"}, "treat": {"method": "coinr"}},
            "defaults": {"normalise": normalise or {"method": "minmax"}},
            "root": {
                "code": "idx",
                "name_zh": "总指数",
                "name_en": "index",
                "children": [
                    {
                        "code": "A",
                        "name_zh": "经济发展",
                        "name_en": "economy",
                        "weight": 2,
                        "children": [
                            ind("a1", "人均收入"),
                            ind("a2", "增速"),
                            ind("a3", "能耗", -1),
                        ],
                    },
                    {
                        "code": "B",
                        "name_zh": "公共服务",
                        "name_en": "services",
                        "children": [ind("b1", "医生数"), ind("b2", "学校数")],
                    },
                ],
            },
        }
    )


def units() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": [f"u{n}" for n in range(6)],
            "name_zh": ["溧阳", "宜兴", "江阴", "昆山", "常熟", "太仓"],
            "name_en": ["Liyang", "Yixing", "Jiangyin", "Kunshan", "Changshu", "Taicang"],
        }
    )


def data() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = [
        {"unit": f"u{n}", "indicator": c, "period": y, "value": float(rng.gamma(3, 10))}
        for y in YEARS
        for n in range(6)
        for c in CODES
    ]
    frame = pd.DataFrame(rows)
    # one missing value, imputed by the mean
    return frame[~((frame.unit == "u2") & (frame.indicator == "b1") & (frame.period == "2022"))]


@pytest.fixture(scope="module")
def ev() -> Evaluation:
    return Evaluation(framework(), data(), units(), vintage="2025-03-01T00:00:00").run()


@pytest.fixture(scope="module")
def folder(ev: Evaluation, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("plain")
    return out, write_results_folder(ev, out, units=units())


@pytest.fixture(scope="module")
def demo(ev: Evaluation, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("demo")
    notice = "示例数据 ILLUSTRATIVE: 87 of the 90 values used are illustrative.\n"
    return out, write_results_folder(ev, out, units=units(), illustrative=87, notice=notice)


def sheet(
    path: Path, name: str
) -> tuple[list[list[object]], openpyxl.worksheet.worksheet.Worksheet]:
    """Rows of a sheet (from the header row on) and the sheet itself."""
    ws = openpyxl.load_workbook(path)[name]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    while rows and rows[0][0] is not None and str(rows[0][0]).startswith("示例数据"):
        rows = rows[1:]
    return rows, ws


def frame_of(rows: list[list[object]]) -> pd.DataFrame:
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_every_file_is_returned_and_machine_files_are_untouched(
    ev: Evaluation, folder: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    out, written = folder
    assert sorted(written) == sorted(out.iterdir())
    names = {p.name for p in written}
    assert {"results.xlsx", "scores_readable.csv", "codebook.csv", "README.txt"} <= names
    assert "NOTICE.txt" not in names
    plain = ev.save(tmp_path)
    for p in plain:  # byte for byte what Evaluation.save writes
        assert (out / p.name).read_bytes() == p.read_bytes(), p.name
    head = (out / "scores.csv").read_bytes().split(b"\n", 1)[0]
    assert head == b"unit,period,node,score,rank"


def test_xlsx_scores_are_the_engine_scores_rounded_with_names(
    ev: Evaluation, folder: tuple[Path, list[Path]]
) -> None:
    rows, ws = sheet(folder[0] / "results.xlsx", "得分 scores")
    got = frame_of(rows)
    assert list(got.columns[:3]) == [
        "单元代码 unit code",
        "单元名称 unit name",
        "单元英文名 unit name (en)",
    ]
    want = ev.scores()
    want = want[want["node"].isin([n.code for n in ev.framework.nodes()])].reset_index(drop=True)
    assert len(got) == len(want)
    np.testing.assert_array_equal(got["单元代码 unit code"], want["unit"].astype(str))
    np.testing.assert_array_equal(got["节点代码 node code"], want["node"].astype(str))
    np.testing.assert_array_equal(got["时期 period"], want["period"].astype(str))
    np.testing.assert_allclose(
        got["得分 score"].astype(float), want["score"].round(2), rtol=0, atol=1e-12
    )
    assert (got["排名 rank"].astype(int) == want["rank"].astype(int)).all()
    names = dict(zip(units()["code"], units()["name_zh"], strict=True))
    assert (got["单元名称 unit name"] == got["单元代码 unit code"].map(names)).all()
    fw = ev.framework
    node_names = got["节点代码 node code"].map(lambda c: fw.find(c).name_zh)
    assert (got["节点名称 node name"] == node_names).all()
    levels = got.drop_duplicates("节点代码 node code").set_index("节点代码 node code")["层级 level"]
    assert levels["idx"] == "指数 index" and levels["A"] == "维度 dimension"
    assert "a1" not in levels  # indicators are on the 指标 sheet
    # for people: frozen header, 2-decimal format, no formula anywhere
    assert ws.freeze_panes == "A2"
    assert ws["I2"].number_format == "0.00"
    assert ws.column_dimensions["B"].width >= 8
    book = openpyxl.load_workbook(folder[0] / "results.xlsx")
    assert all(c.data_type != "f" for s in book for r in s.iter_rows() for c in r)
    nothing = frame_of(sheet(folder[0] / "results.xlsx", "剔除 exclusions")[0])
    assert nothing["剔除对象 excluded"].tolist() == ["无 none"]  # said, not left blank


def test_ranking_is_the_latest_period_by_index_rank(
    ev: Evaluation, folder: tuple[Path, list[Path]]
) -> None:
    got = frame_of(sheet(folder[0] / "results.xlsx", "排名 ranking")[0])
    s = ev.scores()
    idx = s[(s["node"] == "idx") & (s["period"] == "2023")].sort_values("rank")
    assert list(got["单元代码 unit code"]) == list(idx["unit"].astype(str))
    np.testing.assert_allclose(got["总指数得分 index score"], idx["score"].round(2))
    dim = s[(s["node"] == "B") & (s["period"] == "2023")].set_index("unit")["rank"]
    ranks = got.set_index("单元代码 unit code")["公共服务排名 services rank"]
    assert all(ranks[u] == dim[u] for u in ranks.index)


def test_indicators_sheet_shows_raw_values_units_and_the_imputed_cell(
    ev: Evaluation, folder: tuple[Path, list[Path]]
) -> None:
    got = frame_of(sheet(folder[0] / "results.xlsx", "指标 indicators")[0])
    assert len(got) == len(YEARS) * 6 * len(CODES)
    raw = data().assign(period=lambda d: d["period"].astype(str))
    merged = got.merge(
        raw,
        left_on=["单元代码 unit code", "时期 period", "指标代码 indicator code"],
        right_on=["unit", "period", "indicator"],
    )
    assert len(merged) == len(raw)
    np.testing.assert_allclose(merged["原始值 raw value"].astype(float), merged["value"])
    assert (got["计量单位 unit of measure"] == "元").all()
    imputed = got[got["插补 imputed"] == "是 yes"]
    assert imputed[
        ["单元代码 unit code", "时期 period", "指标代码 indicator code"]
    ].values.tolist() == [["u2", "2022", "b1"]]
    mean = raw[(raw.period == "2022") & (raw.indicator == "b1")]["value"].mean()
    assert imputed["原始值 raw value"].isna().all()
    assert imputed["采用值 value used"].iloc[0] == pytest.approx(mean)
    norm = ev.dataset("normalised").stack().rename("v").reset_index()
    assert np.allclose(
        np.sort(got["标准化得分 normalised score"].astype(float)), np.sort(norm["v"].round(2))
    )


def test_codebook_lists_every_column_of_every_file(folder: tuple[Path, list[Path]]) -> None:
    out = folder[0]
    book = pd.read_csv(out / "codebook.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(book.columns) == ["file", "column", "meaning_zh", "meaning_en", "type_unit"]
    listed = set(zip(book["file"], book["column"], strict=True))
    csvs = sorted(out.glob("*.csv"))
    assert {p.name for p in csvs} >= {*MACHINE, "scores_readable.csv", "codebook.csv"}
    for path in csvs:
        header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
        missing = [c for c in header if (path.name, c) not in listed]
        assert not missing, f"{path.name}: {missing}"
    wb = openpyxl.load_workbook(out / "results.xlsx")
    for ws in wb:
        header = next(ws.iter_rows(max_row=1, values_only=True))
        missing = [c for c in header if (f"results.xlsx/{ws.title}", c) not in listed]
        assert not missing, f"{ws.title}: {missing}"
    for other in ("log.json", "README.txt"):
        assert (other, "") in listed
    assert not (book["meaning_en"] == "(not described)").any()
    assert (book["meaning_zh"] != "").all() and (book["meaning_en"] != "").all()


def test_readable_files_open_in_chinese_excel(folder: tuple[Path, list[Path]]) -> None:
    out = folder[0]
    for name in ("scores_readable.csv", "codebook.csv", "README.txt"):
        raw = (out / name).read_bytes()
        assert raw.startswith(codecs.BOM_UTF8), name
        raw.decode("utf-8")
    readable = pd.read_csv(
        out / "scores_readable.csv", encoding="utf-8-sig", dtype={"时期 period": str}
    )
    xlsx = frame_of(sheet(out / "results.xlsx", "得分 scores")[0])
    assert list(readable.columns) == list(xlsx.columns)
    assert (readable["单元名称 unit name"] == xlsx["单元名称 unit name"]).all()
    np.testing.assert_array_equal(readable["得分 score"], xlsx["得分 score"].astype(float))
    assert not (out / "scores.csv").read_bytes().startswith(codecs.BOM_UTF8)


def test_readme_says_how_scores_compare_across_years(
    ev: Evaluation, folder: tuple[Path, list[Path]]
) -> None:
    text = (folder[0] / "README.txt").read_text("utf-8-sig")
    assert "a rising score is a better relative position" in text
    assert "逐年标准化" in text and "scores.csv" in text
    for name in ("results.xlsx", "scores_readable.csv", "codebook.csv", "log.json"):
        assert name in text
    about = frame_of(sheet(folder[0] / "results.xlsx", "说明 README")[0])
    content = "\n".join(about["内容 content"].astype(str))
    for value in (ev.stamp["config_sha256"], "测试指数", "2021–2023", "2025-03-01T00:00:00"):
        assert value in content
    items = dict(zip(about["项目 item"], about["内容 content"], strict=False))
    assert items["参评单元 units evaluated"] == "6"


@pytest.mark.parametrize(
    ("normalise", "expect"),
    [
        ({"method": "minmax", "scope": "period"}, "not necessarily a higher absolute level"),
        ({"method": "minmax", "scope": "pooled"}, "compare across years directly"),
        ({"method": "goalposts"}, "fixed reference points"),
    ],
)
def test_the_words_follow_the_normaliser_scope(normalise: dict, expect: str) -> None:
    ev = Evaluation(framework(normalise), data(), units()).run()
    words = how_scores_compare(ev)
    assert any(expect in en for _, en in words)
    comparable = normalise.get("scope") == "pooled" or normalise["method"] == "goalposts"
    assert words[0][1].startswith(
        "In short: scores compare across years" if comparable else "In short: a score is"
    )


def test_banner_and_notice_only_for_illustrative_data(
    folder: tuple[Path, list[Path]], demo: tuple[Path, list[Path]]
) -> None:
    plain = openpyxl.load_workbook(folder[0] / "results.xlsx")
    flagged = openpyxl.load_workbook(demo[0] / "results.xlsx")
    assert plain.sheetnames == flagged.sheetnames and len(plain.sheetnames) == 7
    for ws in plain:
        assert "ILLUSTRATIVE" not in str(ws["A1"].value)
        assert ws.freeze_panes == "A2"
    for ws in flagged:
        assert str(ws["A1"].value).startswith(BANNER)
        assert "87" in str(ws["A1"].value)
        assert ws.freeze_panes == "A3"
    notice = demo[0] / "NOTICE.txt"
    assert notice in demo[1]
    assert (
        notice.read_text("utf-8")
        == "示例数据 ILLUSTRATIVE: 87 of the 90 values used are illustrative.\n"
    )
    readable = pd.read_csv(demo[0] / "scores_readable.csv", encoding="utf-8-sig")
    assert (readable["数据性质 data status"] == "示例数据 ILLUSTRATIVE").all()
    assert "87" in (demo[0] / "README.txt").read_text("utf-8-sig")


def test_english_first_and_unknown_language(ev: Evaluation, tmp_path: Path) -> None:
    write_results_folder(ev, tmp_path, units=None, lang="en")
    wb = openpyxl.load_workbook(tmp_path / "results.xlsx")
    assert wb.sheetnames[1] == "scores 得分"
    header = next(wb["scores 得分"].iter_rows(max_row=1, values_only=True))
    assert header[1] == "unit name 单元名称"
    first = next(wb["scores 得分"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert first[1] == "溧阳"  # names from ev.units when none are given
    with pytest.raises(ValueError, match="lang"):
        write_results_folder(ev, tmp_path, units=None, lang="fr")


def test_asem_example_names_exclusions_and_denominators(tmp_path: Path) -> None:
    fw = load_framework(ASEM / "framework.yaml")
    table = pd.read_csv(ASEM / "data.csv")
    # without imputation first, screening at 90% availability leaves five countries out
    ev = Evaluation(fw, table, pd.read_csv(ASEM / "units.csv")).with_step("impute", "none")
    assert not ev.exclusions.empty
    write_results_folder(ev, tmp_path, units=pd.read_csv(ASEM / "units.csv"))
    got = frame_of(sheet(tmp_path / "results.xlsx", "剔除 exclusions")[0])
    assert list(got["代码 code"]) == list(ev.exclusions["code"])
    countries = pd.read_csv(ASEM / "units.csv").set_index("code")["name_en"]
    units_out = got[got["剔除对象 excluded"] == "单元 unit"]
    assert (units_out["英文名 name (en)"] == countries[units_out["代码 code"]].to_numpy()).all()
    ind = frame_of(sheet(tmp_path / "results.xlsx", "指标 indicators")[0])
    flights = ind[ind["指标代码 indicator code"] == "Flights"]
    assert (flights["分母 denominator"] == "Population").all()
    raw = table[(table.indicator == "Flights")].set_index("unit")["value"]
    assert np.allclose(
        flights.set_index("单元代码 unit code")["原始值 raw value"].astype(float),
        raw[flights["单元代码 unit code"]].to_numpy(),
    )


def test_files_of_an_earlier_run_in_the_folder_do_not_survive(
    ev: Evaluation, tmp_path: Path
) -> None:
    write_results_folder(ev, tmp_path, units=units(), illustrative=3, notice="示例数据 old\n")
    (tmp_path / "coupling.csv").write_text("from another run\n", encoding="utf-8")
    (tmp_path / "my_notes.txt").write_text("the user's own file\n", encoding="utf-8")
    written = write_results_folder(ev, tmp_path, units=units())
    assert not (tmp_path / "NOTICE.txt").exists()  # real data now: no stale notice
    assert (tmp_path / "coupling.csv").exists() == any(p.name == "coupling.csv" for p in written)
    assert (tmp_path / "my_notes.txt").read_text("utf-8") == "the user's own file\n"
