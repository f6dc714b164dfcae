"""Build examples/asem/ (framework.yaml, data.csv, units.csv) from COINr's ASEM inputs.

The inputs are ``input_iData.csv`` and ``input_iMeta.csv`` (COINr 1.1.14's ``ASEM_iData`` /
``ASEM_iMeta``) in ``REFERENCE_DIR``, by default the repository's copy in
``tests/reference/coinr_asem/`` (refreshed from the shared folder by
``tools/refresh_test_data.py``).
The framework reproduces COINr's ``build_example_coin()`` pipeline: denominate, impute
by EurAsia_group mean, screen (byNA, 0.9) after imputing, treat (winmax 5), min-max
[0, 100], arithmetic means. Run: ``python tools/build_asem_example.py [REFERENCE_DIR]``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd

from qcity.framework.io import framework_to_yaml
from qcity.framework.model import Framework

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REF = ROOT / "tests" / "reference" / "coinr_asem"
OUT = ROOT / "examples" / "asem"
GROUP_COLUMNS = ["GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group"]


def build_framework(meta: pd.DataFrame, year: int) -> Framework:
    """The COINr ASEM tree (Index > Conn/Sust > 8 pillars > 49 indicators) as a framework."""
    tree = meta[meta["Type"].isin(["Indicator", "Aggregate"])].copy()
    tree["Level"] = tree["Level"].astype(int)

    def node(row: pd.Series) -> dict[str, Any]:
        item: dict[str, Any] = {
            "code": row["iCode"],
            "name_zh": row["iName"],
            "name_en": row["iName"],
            "weight": float(row["Weight"]),
        }
        if row["Type"] == "Indicator":
            item["unit"] = "" if pd.isna(row["Unit"]) else str(row["Unit"])
            item["direction"] = int(row["Direction"])
            item["levels"] = ["country"]  # ASEM's units are countries
            if not pd.isna(row["Denominator"]):
                item["denominator"] = {"series": row["Denominator"]}
            if not pd.isna(row["Target"]):
                item["targets"] = {year: float(row["Target"])}
        else:
            kids = tree[tree["Parent"] == row["iCode"]]
            item["children"] = [node(k) for _, k in kids.iterrows()]
        return item

    root = node(tree[tree["Level"] == tree["Level"].max()].iloc[0])
    root["name_zh"] = "亚欧会议可持续连通性指数（COINr 示例）"
    return Framework.model_validate(
        {
            "code": "asem",
            "version": "coinr-1.1.14",
            "name_zh": "亚欧会议连通性与可持续性（COINr ASEM 示例）",
            "name_en": "ASEM Sustainable Connectivity (COINr example)",
            "valid_from": year,
            "valid_to": year,
            "description": "COINr's ASEM example coin (build_example_coin), used to check "
            "that qcity reproduces COINr 1.1.14.",
            "units_file": "units.csv",
            "pipeline": {
                "denominate": True,
                "order": "impute_first",
                "impute": {"method": "mean", "params": {"group": "EurAsia_group"}},
                "screen": {
                    "method": "availability",
                    "params": {"unit_threshold": 0.9, "indicator_threshold": 0.0},
                },
                "treat": {"method": "coinr", "params": {"winmax": 5}},
            },
            "defaults": {
                "normalise": {"method": "minmax", "params": {"l": 0, "u": 100}, "scope": "period"},
                "weighting": {"method": "manual"},
                "aggregate": {"method": "arithmetic"},
            },
            "root": root,
        }
    )


def build_data(data: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """iData in the long format: indicators and denominator series, one row per value."""
    codes = meta.loc[meta["Type"].isin(["Indicator", "Denominator"]), "iCode"].tolist()
    long = data.melt(id_vars=["uCode", "Time"], value_vars=codes, var_name="indicator")
    long = long.rename(columns={"uCode": "unit", "Time": "period"}).dropna(subset=["value"])
    long["source"] = "COINr 1.1.14 ASEM_iData"
    long["status"] = "final"
    return long[["unit", "indicator", "period", "value", "status", "source"]]


def build_units(data: pd.DataFrame) -> pd.DataFrame:
    """Units with their group attributes."""
    units = data[["uCode", "uName", *GROUP_COLUMNS]].rename(
        columns={"uCode": "code", "uName": "name_en"}
    )
    units.insert(1, "name_zh", units["name_en"])
    units.insert(3, "type", "country")
    units.insert(4, "parent_code", "")
    return units


def main(ref: Path = DEFAULT_REF) -> None:
    data = pd.read_csv(ref / "input_iData.csv")
    meta = pd.read_csv(ref / "input_iMeta.csv")
    year = int(data["Time"].iloc[0])
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "framework.yaml").write_text(framework_to_yaml(build_framework(meta, year)), "utf-8")
    build_data(data, meta).to_csv(OUT / "data.csv", index=False, float_format="%.15g")
    build_units(data).to_csv(OUT / "units.csv", index=False)
    print(f"wrote {OUT}/framework.yaml, data.csv, units.csv")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_REF)
