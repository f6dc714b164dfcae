"""The demo data generator: coverage, determinism, ranges, public figures, labels."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qcity.demo.build import DEMO_YEARS, demo_observations, generator_source
from qcity.demo.generator import DemoSpecError
from qcity.demo.public_figures import CITY_CODES, MATCHES, public_figures
from qcity.demo.specs import SPECS, TOWN_WEIGHTS
from qcity.demo.units import demo_groups, demo_units
from qcity.framework.io import load_framework
from qcity.framework.model import Framework, Indicator
from tests.helpers import reference_file

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_CSV = reference_file("data/liyang_public_figures.csv")
SEED = 20221030


@pytest.fixture(scope="module")
def fw() -> Framework:
    return load_framework(ROOT / "frameworks" / "liyang.yaml")


@pytest.fixture(scope="module")
def obs(fw: Framework) -> pd.DataFrame:
    return demo_observations(fw, SEED)


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    """The public figures as the test reads them: the reference copy of the peers' CSV."""
    return pd.read_csv(PUBLIC_CSV, encoding="utf-8")


def test_units_and_group() -> None:
    units = demo_units()
    assert units["code"].is_unique and units["code"].str.fullmatch(r"[a-z_]+").all()
    assert units["type"].value_counts().to_dict() == {"city": 10, "town": 9, "street": 3}
    subs = units[units["type"] != "city"]
    assert (subs["parent_code"] == "liyang").all()
    assert set(subs["code"]) == set(TOWN_WEIGHTS)
    assert units["prefecture_zh"].notna().all() and units["region"].notna().all()
    (group,) = demo_groups()
    assert group.code == "sunan" and group.kind == "peer"
    assert set(group.members) == set(units.loc[units["type"] == "city", "code"])
    assert set(CITY_CODES.values()) == set(group.members)


def test_covers_units_years_and_indicators(fw: Framework, obs: pd.DataFrame) -> None:
    units = demo_units()
    expected = set()
    for ind in fw.indicators():
        for u, t in zip(units["code"], units["type"], strict=True):
            if t in ind.levels:
                expected |= {(u, ind.code, str(y)) for y in DEMO_YEARS}
    got = set(zip(obs["unit"], obs["indicator"], obs["period"], strict=True))
    assert got == expected
    assert len(obs) == len(expected)  # no duplicates
    assert list(obs.columns) == ["unit", "indicator", "period", "value", "status", "source"]


def test_deterministic_for_a_seed(fw: Framework, obs: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(demo_observations(fw, SEED), obs)
    other = demo_observations(fw, SEED + 1)
    ill = obs["status"] == "illustrative"
    assert (other.loc[~ill, "value"] == obs.loc[~ill, "value"]).all()
    assert (other.loc[ill, "value"] != obs.loc[ill, "value"]).mean() > 0.9
    assert (other.loc[ill, "source"] == generator_source(SEED + 1)).all()


def test_values_inside_plausible_ranges(fw: Framework, obs: pd.DataFrame) -> None:
    assert np.isfinite(obs["value"]).all()
    ranges = {i.code: i.plausible_range for i in fw.indicators()}
    lo = obs["indicator"].map(lambda c: ranges[c][0])
    hi = obs["indicator"].map(lambda c: ranges[c][1])
    assert ((obs["value"] >= lo) & (obs["value"] <= hi)).all()


def _expected_public(figures: pd.DataFrame, fw: Framework) -> pd.DataFrame:
    """Figures that must be in the demo, computed from the CSV: a city of the demo, a year of
    the demo, an indicator text + unit in the reviewed table, unit equal to the
    indicator's, no qualifier; final figures win over 预计 ones for the same key."""
    units = {i.code: i.unit for i in fw.indicators()}
    f = figures.copy()
    f["unit_code"] = f["city"].map(CITY_CODES)
    f["indicator"] = [
        MATCHES.get((a, b)) for a, b in zip(f["indicator_zh"], f["unit"], strict=True)
    ]
    f = f.dropna(subset=["unit_code", "indicator"])
    f = f[f["year"].isin(DEMO_YEARS)]
    assert (f["unit"] == f["indicator"].map(units)).all(), "a matched figure in another unit"
    text = f["indicator_zh"] + f["indicator_en"] + f["source"]
    f["status"] = np.where(text.str.contains("预计|preliminary"), "preliminary", "final")
    f = f.sort_values("status", kind="stable")  # final before preliminary
    f = f.drop_duplicates(["unit_code", "indicator", "year"])
    return f


def test_public_figures_used_exactly_where_they_match(
    fw: Framework, obs: pd.DataFrame, figures: pd.DataFrame
) -> None:
    exp = _expected_public(figures, fw)
    assert len(exp) > 30
    got = obs.set_index(["unit", "indicator", "period"])
    for r in exp.itertuples():
        row = got.loc[(r.unit_code, r.indicator, str(r.year))]
        assert row["value"] == float(r.value), r
        assert row["source"] == r.source
        assert row["status"] == r.status
    public = obs[obs["status"] != "illustrative"]
    assert len(public) == len(exp)


def test_no_qualified_or_mismatched_figure_is_used(
    fw: Framework, obs: pd.DataFrame, figures: pd.DataFrame
) -> None:
    qualified = figures["indicator_zh"].str.contains(
        r"\((?:突破|超|余|以上|多|站上|约|规划值)\)|^\d+-\d+月", regex=True
    )
    assert qualified.sum() >= 20
    units = {i.code: i.unit for i in fw.indicators()}
    public = obs[obs["status"] != "illustrative"]
    for r in public.itertuples():
        rows = figures[
            (figures["source"] == r.source)
            & (figures["year"] == int(r.period))
            & (figures["value"] == r.value)
            & (figures["city"].map(CITY_CODES) == r.unit)
        ]
        assert len(rows) >= 1, r
        assert not qualified[rows.index].any(), r
        assert (rows["unit"] == units[r.indicator]).any(), r  # same unit string


def test_every_other_value_is_illustrative(obs: pd.DataFrame) -> None:
    assert set(obs["status"]) == {"final", "preliminary", "illustrative"}
    ill = obs[obs["status"] == "illustrative"]
    assert (ill["source"] == generator_source(SEED)).all()
    assert ill["source"].str.contains("illustrative").all()
    assert not obs.loc[obs["status"] != "illustrative", "source"].str.contains("qcity").any()


def test_embedded_public_figures_equal_the_reference_csv() -> None:
    reference = pd.read_csv(PUBLIC_CSV, encoding="utf-8")
    pd.testing.assert_frame_equal(public_figures(), reference, check_dtype=False)


def test_spec_trends_respect_directions(fw: Framework) -> None:
    for ind in fw.indicators():
        spec = SPECS[ind.code]
        if spec.trend != 0:
            assert np.sign(spec.trend) == ind.direction or ind.code == "EC03", ind.code


def _change(obs: pd.DataFrame, code: str, units: list[str]) -> float:
    """Median over units of the change 2015 -> 2024, in the indicator's unit."""
    sub = obs[(obs["indicator"] == code) & obs["unit"].isin(units)]
    wide = sub.pivot(index="unit", columns="period", values="value")
    return float((wide["2024"] - wide["2015"]).median())


def test_trends_improve_plausibly(fw: Framework, obs: pd.DataFrame) -> None:
    cities = list(CITY_CODES.values())
    for ind in fw.indicators():
        spec = SPECS[ind.code]
        if spec.trend != 0 and spec.scale is None:
            assert np.sign(_change(obs, ind.code, cities)) == ind.direction, ind.code
    # the urban-rural income ratio narrows (direction -1)
    assert _change(obs, "LV03", cities) < 0


def test_income_ratio_is_consistent(obs: pd.DataFrame) -> None:
    wide = obs.pivot_table(index=["unit", "period"], columns="indicator", values="value")
    wide = wide.dropna(subset=["LV01", "LV02"])
    assert np.allclose(wide["LV03"], (wide["LV01"] / wide["LV02"]).round(2))


def test_gdp_per_capita_follows_the_public_gdp_path(
    obs: pd.DataFrame, figures: pd.DataFrame
) -> None:
    """Liyang 2020: GDP per capita ≈ public GDP / census population (both read from the CSV)."""
    ly = figures[(figures["city"] == "溧阳市") & (figures["year"] == 2020)]
    gdp = float(ly.loc[ly["indicator_zh"] == "地区生产总值", "value"].iloc[0]) * 1e8
    pop = float(ly.loc[ly["indicator_zh"] == "常住人口(七普)", "value"].iloc[0])
    got = obs[(obs["unit"] == "liyang") & (obs["indicator"] == "EC01") & (obs["period"] == "2020")]
    assert got["value"].iloc[0] == pytest.approx(gdp / pop, rel=0.04)


def test_towns_spread_around_liyang(fw: Framework, obs: pd.DataFrame) -> None:
    town_inds = [i.code for i in fw.indicators() if "town" in i.levels]
    assert town_inds
    subs = list(TOWN_WEIGHTS)
    for code in town_inds:
        sub = obs[obs["indicator"] == code].pivot(index="period", columns="unit", values="value")
        if SPECS[code].additive:  # counts: the towns add up to about the city total
            ratio = sub[subs].sum(axis=1) / sub["liyang"]
            assert ratio.between(0.6, 1.6).all(), code
        else:
            log_gap = np.log(sub[subs].div(sub["liyang"], axis=0))
            assert abs(float(np.median(log_gap))) < 0.5, code


def test_unknown_indicator_is_refused(fw: Framework) -> None:
    extra = Indicator(code="ZZ99", name_zh="未知", name_en="Unknown")
    data = fw.model_copy(deep=True)
    data.root.children[0].children[0].children.append(extra)  # type: ignore[union-attr]
    with pytest.raises(DemoSpecError, match=re.escape("'ZZ99'")):
        demo_observations(data, SEED)
