"""COINr 1.1.14 conformance of the pre-weighting steps on the ASEM example (array level).

Reference files: tests/reference/coinr_asem (see tests/reference/README.md); every number is
compared to 1e-6 (relative to max(1, |value|)).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qcity.methods.columns import Columns
from qcity.methods.denominate import denominate
from qcity.methods.direction import apply_direction
from qcity.methods.impute import impute_mean
from qcity.methods.normalise import minmax
from qcity.methods.screen import screen_availability
from qcity.methods.treat import TreatResult, treat_coinr
from tests.helpers import coinr_file

TOL = 1e-6


def _ref_dir() -> Path:
    """The COINr reference folder (a clear failure if its files are missing)."""
    return coinr_file("input_iData.csv").parent


@dataclass(frozen=True)
class Asem:
    """The ASEM inputs as arrays: units (51,), indicator codes (49,), raw x (51, 49), meta."""

    units: list[str]
    codes: list[str]
    raw: np.ndarray
    idata: pd.DataFrame
    meta: pd.DataFrame


@pytest.fixture(scope="module")
def asem() -> Asem:
    ref = _ref_dir()
    idata = pd.read_csv(ref / "input_iData.csv")
    imeta = pd.read_csv(ref / "input_iMeta.csv")
    meta = imeta[imeta["Type"] == "Indicator"].reset_index(drop=True)
    codes = list(meta["iCode"])
    return Asem(list(idata["uCode"]), codes, idata[codes].to_numpy(float), idata, meta)


def _reference(name: str, units: list[str], codes: list[str]) -> np.ndarray:
    """A COINr output file as (n, k) in our unit and column order."""
    df = pd.read_csv(_ref_dir() / name).set_index("uCode")
    return df.loc[units, codes].to_numpy(float)


def _assert_close(ours: np.ndarray, theirs: np.ndarray) -> None:
    assert ours.shape == theirs.shape
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    scale = np.maximum(1.0, np.abs(np.nan_to_num(theirs)))
    assert np.nanmax(np.abs(ours - theirs) / scale) < TOL


def _denominated(a: Asem) -> np.ndarray:
    den = a.meta["Denominator"]
    has = den.notna().to_numpy()
    d = np.ones_like(a.raw)
    d[:, has] = a.idata[list(den[has])].to_numpy(float)
    return denominate(a.raw, d)


def _imputed(a: Asem) -> np.ndarray:
    return impute_mean(_denominated(a)[None], a.idata["EurAsia_group"].to_numpy())[0]


def _columns(a: Asem) -> Columns:
    plain = Columns.plain(len(a.codes), tuple(a.codes))
    return replace(plain, direction=a.meta["Direction"].to_numpy(float))


def test_raw_data_match(asem: Asem) -> None:
    _assert_close(asem.raw, _reference("default_0_raw.csv", asem.units, asem.codes))
    assert int(np.isnan(asem.raw).sum()) > 0


def test_denominate_matches_coinr(asem: Asem) -> None:
    x1 = _denominated(asem)
    _assert_close(x1, _reference("default_1_denominated.csv", asem.units, asem.codes))
    assert int(asem.meta["Denominator"].notna().sum()) == 17


def test_impute_group_mean_matches_coinr(asem: Asem) -> None:
    x2 = _imputed(asem)
    _assert_close(x2, _reference("default_2_imputed.csv", asem.units, asem.codes))
    assert not np.isnan(x2).any()


def test_screen_after_imputation_keeps_all(asem: Asem) -> None:
    x2 = _imputed(asem)
    res = screen_availability(x2[None], unit_threshold=0.9)
    screened = x2[res.unit_keep[0]]
    _assert_close(screened, _reference("default_3_screened.csv", asem.units, asem.codes))


def _check_treatment(res: TreatResult, a: Asem, prefix: str) -> None:
    _assert_close(res.values, _reference(f"{prefix}_treated.csv", a.units, a.codes))
    # details: pass flags, skew/kurtosis before and after, points winsorised
    ref = pd.read_csv(_ref_dir() / f"{prefix}_treatment_details.csv").set_index("iCode")
    ref = ref.loc[a.codes]
    det = res.details.loc[a.codes]
    assert det["pass0"].tolist() == ref["check_SkewKurt0.Pass"].tolist()
    _assert_close(det["skew0"].to_numpy(float), ref["check_SkewKurt0.Skew"].to_numpy(float))
    _assert_close(det["kurt0"].to_numpy(float), ref["check_SkewKurt0.Kurt"].to_numpy(float))
    np.testing.assert_array_equal(
        det["nwin"].to_numpy(int), ref["winsorise.nwin"].fillna(0).to_numpy(int)
    )
    _assert_close(det["skew1"].to_numpy(float), ref["check_SkewKurt1.Skew"].to_numpy(float))
    _assert_close(det["kurt1"].to_numpy(float), ref["check_SkewKurt1.Kurt"].to_numpy(float))
    failed = ~ref["check_SkewKurt0.Pass"].to_numpy(bool)
    assert det["pass1"][failed].tolist() == ref["check_SkewKurt1.Pass"][failed].tolist()
    assert det["pass1"][~failed].isna().all()
    expected_treatment = np.where(failed, "winsorise", "none")
    assert det["treatment"].tolist() == expected_treatment.tolist()
    # points: winhi -> 1, winlo -> -1, empty -> 0
    pts = pd.read_csv(_ref_dir() / f"{prefix}_treated_points.csv", keep_default_na=False)
    pts = pts.set_index("uCode").loc[a.units, a.codes]
    expected = pts.replace({"winhi": 1, "winlo": -1, "": 0}).to_numpy(int)
    np.testing.assert_array_equal(res.points, expected)
    assert int((res.points != 0).sum()) == int(det["nwin"].sum())


def test_treat_winmax5_matches_coinr(asem: Asem) -> None:
    res = treat_coinr(_imputed(asem), winmax=5, codes=asem.codes)
    _check_treatment(res, asem, "default_4")
    assert (res.details["treatment"] == "winsorise").sum() == 15


def test_treat_package_defaults_match_coinr(asem: Asem) -> None:
    res = treat_coinr(_imputed(asem), codes=asem.codes)
    _check_treatment(res, asem, "variant_d_treat_pkg_default")


def test_minmax_after_direction_matches_coinr(asem: Asem) -> None:
    treated = treat_coinr(_imputed(asem), winmax=5, codes=asem.codes).values
    xd, cols = apply_direction(treated, _columns(asem))
    out = minmax(xd, cols, l=0.0, u=100.0)
    _assert_close(out, _reference("default_5_normalised.csv", asem.units, asem.codes))


def test_panel_screen_treat_global_minmax_matches_coinr(asem: Asem) -> None:
    """build_example_purse(): screen byNA 0.9 per year, treat per year, min-max pooled."""
    panel = pd.read_csv(_ref_dir() / "purse_input_iData.csv")
    years = sorted(panel["Time"].unique())
    units = list(panel.loc[panel["Time"] == years[0], "uCode"])
    x = np.stack(
        [panel[panel["Time"] == y].set_index("uCode").loc[units, asem.codes] for y in years]
    ).astype(float)
    screen = screen_availability(x, unit_threshold=0.9)
    treated = np.full_like(x, np.nan)
    for t in range(len(years)):
        keep = screen.unit_keep[t]
        treated[t, keep] = treat_coinr(x[t, keep], codes=asem.codes).values
    xd, cols = apply_direction(treated, _columns(asem))
    t_, n, k = xd.shape
    pooled = minmax(xd.reshape(t_ * n, k), cols).reshape(t_, n, k)

    ref = pd.read_csv(_ref_dir() / "purse_aggregated.csv").set_index(["Time", "uCode"])
    kept = [(t, i) for t in range(len(years)) for i in range(n) if screen.unit_keep[t, i]]
    assert len(kept) == len(ref)
    keys = [(years[t], units[i]) for t, i in kept]
    theirs = ref.loc[keys, asem.codes].to_numpy(float)
    ours = np.stack([pooled[t, i] for t, i in kept])
    _assert_close(ours, theirs)
