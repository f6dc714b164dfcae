"""Copy the reference files the tests read from the peers' folder into ``tests/reference/``.

Usage::

    python tools/refresh_test_data.py [--shared DIR] [--check]

``DIR`` defaults to ``shared`` beside the repository (found from this script's place).
The tests never read ``DIR`` themselves: a clone of the repository alone passes them.
``--check`` copies nothing, lists every file that is missing or differs, and exits 1 if
any does. ``tests/reference/README.md`` says where each file comes from.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared"
REFERENCE = ROOT / "tests" / "reference"

_COINR = [
    "input_iData.csv",
    "input_iMeta.csv",
    "default_0_raw.csv",
    "default_1_denominated.csv",
    "default_2_imputed.csv",
    "default_3_screened.csv",
    "default_4_treated.csv",
    "default_4_treated_points.csv",
    "default_4_treatment_details.csv",
    "default_5_normalised.csv",
    "default_6_aggregated.csv",
    "default_7_index_ranks.csv",
    "default_7_ranks_all_columns.csv",
    "default_weights.csv",
    "variant_d_treat_pkg_default_treated.csv",
    "variant_d_treat_pkg_default_treated_points.csv",
    "variant_d_treat_pkg_default_treatment_details.csv",
    "purse_input_iData.csv",
    "purse_aggregated.csv",
    "sensitivity_UA_N1000_rankstats.csv",
    "sensitivity_SA_N1000_rankstats.csv",
    "sensitivity_SA_N1000_indices.csv",
    "timings.csv",
]

#: tests/reference path -> path in the shared folder: exactly the files the tests read.
FILES: dict[str, str] = {
    **{f"coinr_asem/{name}": f"reference/coinr_asem/{name}" for name in _COINR},
    "spec/liyang-framework.csv": "spec/liyang-framework.csv",
    "data/liyang_public_figures.csv": "data/liyang_public_figures.csv",
}


def differences(shared: Path, reference: Path = REFERENCE) -> list[str]:
    """One line per file of ``FILES`` that is missing on either side or differs, and per
    file of ``reference`` that ``FILES`` does not list (besides its README)."""
    out = []
    for ours, theirs in FILES.items():
        src, dst = shared / theirs, reference / ours
        if not src.is_file():
            out.append(f"{src}: missing in the shared folder")
        elif not dst.is_file():
            out.append(f"tests/reference/{ours}: missing (copy of {theirs})")
        elif not filecmp.cmp(src, dst, shallow=False):
            out.append(f"tests/reference/{ours}: differs from {theirs}")
    known = {reference / ours for ours in FILES} | {reference / "README.md"}
    for path in sorted(p for p in reference.rglob("*") if p.is_file() and p not in known):
        out.append(f"tests/reference/{path.relative_to(reference)}: not a reference file")
    return out


def refresh(shared: Path, reference: Path = REFERENCE) -> int:
    """Copy every file of ``FILES``; returns how many were copied. Nothing is copied when
    a source is missing."""
    missing = [theirs for theirs in FILES.values() if not (shared / theirs).is_file()]
    if missing:
        raise FileNotFoundError(f"{shared}: missing {', '.join(missing)}; is --shared right?")
    for ours, theirs in FILES.items():
        dst = reference / ours
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shared / theirs, dst)
    return len(FILES)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: copy (or ``--check``) the reference files."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help="the peers' reference folder (default: 'shared' beside the repository)",
    )
    ap.add_argument("--check", action="store_true", help="compare only; exit 1 on a difference")
    args = ap.parse_args(argv)
    if not args.shared.is_dir():
        print(
            f"{args.shared}: no such folder; name the shared folder with --shared", file=sys.stderr
        )
        return 2
    if args.check:
        diff = differences(args.shared)
        for line in diff:
            print(line, file=sys.stderr)
        if diff:
            print(f"{len(diff)} difference(s); run without --check to copy", file=sys.stderr)
            return 1
        print(f"tests/reference is up to date ({len(FILES)} files)")
        return 0
    try:
        n = refresh(args.shared)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"copied {n} files into tests/reference")
    return 0


if __name__ == "__main__":
    sys.exit(main())
