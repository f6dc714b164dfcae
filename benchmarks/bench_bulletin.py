"""Precision and recall of reading bulletins, printed (not a test).

For each shipped bulletin text (``tests/data/bulletins``, composed in the style of a
bulletin, see its README) and its values entered by hand (``*.truth.csv``):

- proposed: what ``qcity import-bulletin`` writes to review.csv;
- accepted: what ``qcity import-bulletin --accept`` stores, read back from a scratch
  SQLite database (the goal: precision 1.0, no wrong value stored).

Run: ``.venv/bin/python benchmarks/bench_bulletin.py`` (``make bench`` runs it too).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.bulletin import read_bulletin
from qcity.data.bulletin.measure import Score, score, wrong_values
from qcity.data.store import Store
from qcity.framework.io import load_framework

ROOT = Path(__file__).resolve().parents[1]
BULLETINS = ROOT / "tests" / "data" / "bulletins"
FRAMEWORK = ROOT / "frameworks" / "liyang.yaml"
UNITS = ROOT / "examples" / "bulletin" / "units.csv"


def _texts() -> list[tuple[Path, int, Path]]:
    """(bulletin, year, truth) of every shipped text: ``liyang-YYYY[.enc].txt``."""
    out = []
    for truth in sorted(BULLETINS.glob("*.truth.csv")):
        stem = truth.name.removesuffix(".truth.csv")
        text = next(p for p in sorted(BULLETINS.glob(f"{stem}*.txt")))
        out.append((text, int(stem.rsplit("-", 1)[1]), truth))
    return out


def _accepted(text: Path, year: int) -> pd.DataFrame:
    """What ``--accept`` stores for ``text``, in a fresh SQLite database."""
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        for args in (
            ["db", "upgrade"],
            ["import-units", str(UNITS)],
            ["import-bulletin", str(text), "--unit", "liyang", "--year", str(year), "--accept"],
        ):
            res = runner.invoke(app, [*args, "--db", url], env={"COLUMNS": "200"})
            if res.exit_code != 0:
                raise SystemExit(f"qcity {' '.join(args)} failed:\n{res.output}")
        with Store(url) as store:
            return store.observations()


def _line(name: str, s: Score) -> str:
    return (
        f"{name:<28} {s.proposed:>4} {s.right:>4} {s.truth:>4} {s.precision:>9.3f} {s.recall:>7.3f}"
    )


def main() -> int:
    """Print the table; exit 1 if any accepted value is wrong."""
    fw = load_framework(FRAMEWORK)
    head = f"{'text':<28} {'n':>4} {'ok':>4} {'true':>4} {'precision':>9} {'recall':>7}"
    totals = {"proposed": Score(0, 0, 0), "accepted": Score(0, 0, 0)}
    rows: dict[str, list[str]] = {"proposed": [], "accepted": []}
    wrong_accepted = 0
    for text, year, truth_file in _texts():
        truth = pd.read_csv(truth_file, dtype=str)
        proposed = read_bulletin(text, fw, "liyang", year).review()
        accepted = _accepted(text, year)
        for kind, table in (("proposed", proposed), ("accepted", accepted)):
            s = score(table, truth)
            totals[kind] = totals[kind] + s
            rows[kind].append(_line(text.name, s))
        wrong = wrong_values(accepted, truth)
        wrong_accepted += len(wrong)
        if len(wrong):
            print(f"WRONG values accepted from {text.name}:\n{wrong.to_string()}")
    for kind in ("proposed", "accepted"):
        print(f"\n{kind} vs values entered by hand")
        print(head)
        print("\n".join(rows[kind]))
        print(_line("overall", totals[kind]))
    return 1 if wrong_accepted else 0


if __name__ == "__main__":
    sys.exit(main())
