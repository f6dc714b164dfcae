"""Reading figures from bulletin text: subjects of clauses, measures, units, competing
candidates, derived values, encodings. Expected values are read off the sentences by hand."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcity.data.bulletin import BulletinReadError, decode_bulletin, extract, read_bulletin
from qcity.data.bulletin.measure import score, wrong_values
from qcity.framework.io import load_framework
from qcity.framework.model import Framework
from tests.helpers import REPO

BULLETINS = REPO / "tests" / "data" / "bulletins"
SHIPPED = [
    ("liyang-2021.txt", 2021),
    ("liyang-2022.gb18030.txt", 2022),
    ("liyang-2023.txt", 2023),
]


@functools.cache
def _liyang() -> Framework:
    return load_framework(REPO / "frameworks" / "liyang.yaml")


@pytest.fixture
def fw() -> Framework:
    return _liyang()


def _values(text: str, fw: Framework) -> tuple[dict[str, float], pd.DataFrame]:
    """{indicator: value} proposed from ``text``, and the competing candidates."""
    found = extract(text, fw)
    proposals, ambiguous = found.proposals, found.ambiguous
    return {r.indicator: float(r.value) for r in proposals.itertuples()}, ambiguous


def test_a_number_belongs_to_the_subject_of_its_clause(fw: Framework) -> None:
    """The issue's sentence: GDP grows 5.2, the primary industry's 2.0 is not GDP's."""
    text = "地区生产总值1061.76亿元，比上年增长5.2%。其中，第一产业增加值54.10亿元，增长2.0%。"
    got, amb = _values(text, fw)
    assert got == {"EC02": 5.2}
    assert amb.empty


def test_the_subject_carries_over_a_clause_and_a_sentence_starts_afresh(fw: Framework) -> None:
    text = "全年实现地区生产总值1557.22亿元，按可比价计算，比上年增长9.7%。增长8.1%。"
    assert _values(text, fw)[0] == {"EC02": 9.7}


def test_a_gdp_total_is_not_gdp_per_capita(fw: Framework) -> None:
    got, _ = _values("全年实现地区生产总值1557.22亿元。", fw)
    assert "EC01" not in got
    got, _ = _values("按常住人口计算，人均地区生产总值19.3万元。", fw)
    assert got == {"EC01": 193000.0}  # 19.3 万元 in 元, the indicator's unit


def test_competing_candidates_are_listed_and_none_taken(fw: Framework) -> None:
    text = "全年地区生产总值比上年增长10.1%。根据统计快报，全年地区生产总值增长10.3%。"
    got, amb = _values(text, fw)
    assert "EC02" not in got
    assert sorted(amb.loc[amb["indicator"] == "EC02", "value"].astype(float)) == [10.1, 10.3]
    assert set(amb["sentence"]) == {"1", "2"}


def test_the_same_value_twice_is_no_competition(fw: Framework) -> None:
    text = "地区生产总值增长6.0%。全市地区生产总值比上年增长6%。"
    got, amb = _values(text, fw)
    assert got == {"EC02": 6.0} and amb.empty


def test_respectively_pairs_listed_subjects_or_is_ambiguous(fw: Framework) -> None:
    """分别: one figure per listed subject, in order, pairs them (the shared end of the
    two names written once); when the figures do not match the subjects one to one,
    they are listed, not taken."""
    text = "城镇、农村常住居民人均可支配收入分别为65730元和37220元。"
    got, amb = _values(text, fw)
    assert got == {"LV01": 65730.0, "LV02": 37220.0, "LV03": round(65730 / 37220, 2)}
    assert amb.empty
    text = "城镇、农村常住居民人均可支配收入分别为65730元、37220元和41000元。"
    got, amb = _values(text, fw)
    assert got == {}
    assert sorted(amb["value"].astype(float)) == [37220.0, 41000.0, 65730.0]


@pytest.mark.parametrize(
    "text",
    [
        "其中天目湖景区接待游客860.2万人次。",  # someone else's 接待游客
        "“十三五”以来城镇居民人均可支配收入年均增长8.2%，达到60000元左右。",
        "年末城镇常住人口52.35万人，地区生产总值增长的贡献率为55%。",
        "人均地区生产总值折合2.7万美元。",  # 美元 is not 元
        "常住人口城镇化率比上年提高0.7个百分点。",  # a change in points, not the rate
        "地区生产总值突破1000亿元。",
    ],
)
def test_nothing_is_taken_from_a_sentence_about_something_else(fw: Framework, text: str) -> None:
    got, amb = _values(text, fw)
    assert got == {} and amb.empty


def test_measures_and_units(fw: Framework) -> None:
    text = (
        "全年实际使用外资64820万美元，比上年下降3.2%。城镇新增就业1.48万人。"
        "城乡居民收入比缩小至1.77:1。空气质量优良天数比率为８４．１％。"
    )
    got, _ = _values(text, fw)
    assert got == {"EC12": 6.482, "LV05": 14800.0, "LV03": 1.77, "EN01": 84.1}


def test_a_fall_is_negative(fw: Framework) -> None:
    assert _values("地区生产总值比上年下降2.5%。", fw)[0] == {"EC02": -2.5}


def test_derived_per_capita_names_both_sources(fw: Framework) -> None:
    """1416.2 亿元 ÷ 80.21 万人 = 141620000000 ÷ 802100 = 176561.526... -> 176561.53 元."""
    text = "全年实现地区生产总值1416.2亿元，增长4.1%。年末常住人口80.21万人。"
    proposals = extract(text, fw).proposals
    row = proposals.set_index("indicator").loc["EC01"]
    assert float(row["value"]) == 176561.53
    assert bool(row["derived"]) is True
    assert "1416.2亿元" in row["source"] and "80.21万人" in row["source"]
    assert "derived" in row["flag"] and "per_capita" in row["flag"]


def test_stated_values_are_never_derived_over(fw: Framework) -> None:
    text = "地区生产总值1416.2亿元。年末常住人口80.21万人。人均地区生产总值17.7万元。"
    got, _ = _values(text, fw)
    assert got["EC01"] == 177000.0


def test_qualifiers_stay_in_the_flag(fw: Framework) -> None:
    text = (
        "经初步核算，全年地区生产总值比上年增长9.7%。城镇调查失业率4.6%。"
        "注：本公报部分数据为快报数。"
    )
    proposals = extract(text, fw).proposals
    flags = proposals.set_index("indicator")["flag"]
    assert "初步核算" in flags["EC02"]
    assert "快报 (注)" in flags["LV06"] and "初步核算" not in flags["LV06"]


def test_a_framework_brings_its_own_rules(fw: Framework) -> None:
    """A new indicator with its own phrasing and unit: found, converted to its unit."""
    data = fw.model_dump(by_alias=True, exclude_none=True)
    leaf = data["root"]["children"][0]["children"][0]["children"][0]
    leaf.update(
        code="GR01",
        name_zh="粮食总产量",
        unit="吨",
        plausible_range=[0, 1e9],
        bulletin={"names": ["粮食总产量"], "measure": "level", "unit": "万吨"},
    )
    leaf.pop("target", None)
    own = Framework.model_validate(data)
    got, _ = _values("全年粮食总产量35.8万吨，比上年增长1.2%。", own)
    assert got == {"GR01": 358000.0}


def test_gb18030_file(fw: Framework, tmp_path: Path) -> None:
    text = "全年实现地区生产总值1416.2亿元，比上年增长4.1%。\n"
    path = tmp_path / "gb.txt"
    path.write_bytes(text.encode("gb18030"))
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    result = read_bulletin(path, fw, "liyang", 2022)
    assert result.encoding == "gb18030"
    assert result.review().to_dict("records")[0] | {"flag": "", "refused": ""} == {
        "unit": "liyang",
        "indicator": "EC02",
        "period": "2022",
        "value": "4.1",
        "unit_of_measure": "%",
        "source": "全年实现地区生产总值1416.2亿元，比上年增长4.1%",
        "status": "preliminary",
        "flag": "",
        "refused": "",
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        ("地区".encode("utf-16"), "neither UTF-8 nor GB18030"),
        (b"PK\x03\x04 zip", "not a text file"),
    ],
)
def test_unreadable_text_is_named(raw: bytes, message: str) -> None:
    with pytest.raises(BulletinReadError, match=message) as info:
        decode_bulletin(raw, "b.txt")
    assert "b.txt" in str(info.value)


@pytest.mark.parametrize(("name", "year"), SHIPPED)
def test_shipped_bulletins_against_hand_entered_values(fw: Framework, name: str, year: int) -> None:
    """Every proposal of the shipped bulletins equals the value entered by hand
    (precision 1.0), and most hand-entered values are found."""
    result = read_bulletin(BULLETINS / name, fw, "liyang", year)
    truth = pd.read_csv(BULLETINS / f"liyang-{year}.truth.csv", dtype=str)
    review = result.review()
    assert wrong_values(review, truth).empty
    s = score(review, truth)
    assert s.precision == 1.0 and s.recall >= 0.8
    # every hand-entered value not proposed was listed as ambiguous, or stated in a
    # 分别 sentence whose other subject was listed (城镇、农村...分别为: LV01 is elided)
    missed = set(truth["indicator"]) - set(review["indicator"])
    respectively = set(truth.loc[truth["how"].str.contains("分别"), "indicator"])
    assert missed <= set(result.ambiguous["indicator"]) | respectively


def test_shipped_examples_have_their_truth_and_readme() -> None:
    readme = (BULLETINS / "README.md").read_text(encoding="utf-8")
    assert "not a copy of any published bulletin" in readme
    for name, year in SHIPPED:
        assert name in readme
        assert (BULLETINS / f"liyang-{year}.truth.csv").is_file()
    example = REPO / "examples" / "bulletin"
    assert (example / "README.md").is_file() and any(example.glob("*.txt"))


def test_a_derive_operand_must_name_an_indicator(fw: Framework) -> None:
    from qcity.data.bulletin import BulletinRuleError

    data = fw.model_dump(by_alias=True, exclude_none=True)
    lv03 = data["root"]["children"][4]["children"][0]["children"][2]
    assert lv03["code"] == "LV03"
    lv03["bulletin"]["derive"]["numerator"] = "LV99"
    with pytest.raises(BulletinRuleError, match=r"LV03\.bulletin\.derive\.numerator is 'LV99'"):
        extract("城乡居民收入比为1.8:1。", Framework.model_validate(data))


_PIECES = st.sampled_from(
    ["地区生产总值", "人均地区生产总值", "常住人口", "增长", "下降", "其中", "分别为", "和",
     "1557.22", "9.7", "亿元", "万元", "万人", "%", "％", "：1", "个百分点", "，", "。", "；",
     "\n", "按常住人口计算", "城乡居民收入比", "１２．３", "左右", "注", "快报", " ", "元"]
)  # fmt: skip


#: QCITY_FUZZ_EXAMPLES=2000 for a longer hunt (as tests/framework/test_fuzz_loader.py)
@settings(
    max_examples=int(os.environ.get("QCITY_FUZZ_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(pieces=st.lists(_PIECES, max_size=40), noise=st.text(max_size=30))
def test_any_text_reads_without_error(pieces: list[str], noise: str) -> None:
    """Whatever the text, the reader proposes values with a sentence and never fails;
    no indicator is both proposed and listed as ambiguous."""
    found = extract("".join(pieces) + noise, _liyang())
    proposals, ambiguous = found.proposals, found.ambiguous
    assert proposals["source"].str.len().gt(0).all()
    assert not set(proposals["indicator"]) & set(ambiguous["indicator"])


def test_a_rule_unit_must_convert_to_the_indicators(fw: Framework) -> None:
    from qcity.data.bulletin import BulletinRuleError

    data = fw.model_dump(by_alias=True, exclude_none=True)
    ec01 = data["root"]["children"][0]["children"][0]["children"][0]
    ec01["bulletin"]["unit"] = "万美元"
    with pytest.raises(BulletinRuleError, match=r"EC01\.bulletin\.unit is '万美元'"):
        extract("人均地区生产总值19.3万元。", Framework.model_validate(data))
