"""Precision, recall, wrong values and traps taken when reading bulletins, printed (not a
test).

How the corpus was built: **every text is composed** — written by us in our own words
after reading many real 国民经济和社会发展统计公报 of districts, counties, towns and
county-level cities of several provinces (2015-2023), reproducing their sentence
patterns (never a published sentence); every place but Liyang is invented, and every
figure but Liyang's public ones (GDP, its growth and per capita). Each text has the
values a careful clerk would take, entered by hand from the text before the reader was
run on it (``*.truth.csv``), and
the values it states that a clerk would NOT take (``*.traps.csv``: 不含开发区, 按户籍人口,
中位数, 上年, 前三季度, two-year averages, 森林 for 林木覆盖率 ...). Three sets:

- ``tests/data/bulletins``: Liyang, composed for the first tests of the reader;
- ``tests/data/bulletins/dev``: the development corpus (21 bulletins): the rules were
  tuned on it;
- ``tests/data/bulletins/heldback``: bulletins written later in batches, each read once
  before any change it prompted (the "first read", listed in ``first_reads.csv`` and
  printed at the end), then kept to guard the changes.

For each set: ``proposed`` is what ``qcity import-bulletin`` writes to review.csv,
``accepted`` what ``--accept`` stores (read back from a scratch SQLite database);
``wrong`` counts values not equal to the hand-entered one, ``traps`` values equal to a
trap. These are composed texts: the real held-out bulletins of issue 22 are measured
outside the repository.

Run: ``.venv/bin/python benchmarks/bench_bulletin.py`` (``make bench`` runs it too).
Exit status 1 when a wrong value is accepted or a trap is taken.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.bulletin import read_bulletin
from qcity.data.bulletin.measure import Score, score, traps_taken, wrong_values
from qcity.data.store import Store
from qcity.framework.io import load_framework

ROOT = Path(__file__).resolve().parents[1]
BULLETINS = ROOT / "tests" / "data" / "bulletins"
SETS = {
    "liyang (composed for the first tests)": BULLETINS,
    "development corpus (composed)": BULLETINS / "dev",
    "held back (composed later, fresh wording)": BULLETINS / "heldback",
}
FIRST_READS = BULLETINS / "first_reads.csv"
FRAMEWORK = ROOT / "frameworks" / "liyang.yaml"
LIYANG_UNITS = ROOT / "examples" / "bulletin" / "units.csv"


def texts(folder: Path) -> list[tuple[Path, str, int, Path]]:
    """(bulletin, unit, year, truth) of every text of ``folder``: ``UNIT-YYYY[.enc].txt``
    beside ``UNIT-YYYY.truth.csv``."""
    out = []
    for truth in sorted(folder.glob("*.truth.csv")):
        stem = truth.name.removesuffix(".truth.csv")
        text = next(p for p in sorted(folder.glob(f"{stem}*.txt")))
        unit, year = stem.rsplit("-", 1)
        out.append((text, unit, int(year), truth))
    return out


def traps_of(truth: Path) -> pd.DataFrame:
    """The traps listed beside a truth file (none when there is no traps file)."""
    path = truth.with_name(truth.name.replace(".truth.csv", ".traps.csv"))
    if not path.exists():
        return pd.DataFrame(columns=["unit", "indicator", "period", "value"])
    return pd.read_csv(path, dtype=str)


def _accepted(text: Path, unit: str, year: int, units: Path) -> pd.DataFrame:
    """What ``--accept`` stores for ``text``, in a fresh SQLite database."""
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        for args in (
            ["db", "upgrade"],
            ["import-units", str(units)],
            ["import-bulletin", str(text), "--unit", unit, "--year", str(year), "--accept"],
        ):
            res = runner.invoke(app, [*args, "--db", url], env={"COLUMNS": "200"})
            if res.exit_code != 0:
                raise SystemExit(f"qcity {' '.join(args)} failed:\n{res.output}")
        with Store(url) as store:
            return store.observations()


def _line(name: str, s: Score, traps: int) -> str:
    wrong = s.proposed - s.right
    return (
        f"{name:<28} {s.proposed:>4} {s.right:>4} {wrong:>5} {s.truth:>4} {s.precision:>9.3f} "
        f"{s.recall:>7.3f} {traps:>6}"
    )


def first_reads() -> None:
    """Print the first read of each batch written after the rules (``first_reads.csv``)."""
    table = pd.read_csv(FIRST_READS, dtype=str)
    print("\n=== first read of each fresh batch (before the changes it prompted) ===")
    print(
        f"{'batch':<6} {'set':<9} {'texts':>5} {'n':>4} {'ok':>4} {'wrong':>5} {'true':>4} "
        f"{'precision':>9} {'recall':>7} {'traps':>6}   after: recall"
    )
    for r in table.itertuples():
        s = Score(int(r.proposed), int(r.right), int(r.truth))
        after = Score(0, int(r.after_changes_right), int(r.after_changes_truth))
        print(
            f"{r.batch:<6} {r.folder:<9} {len(str(r.texts).split()):>5} {s.proposed:>4} "
            f"{s.right:>4} {s.proposed - s.right:>5} {s.truth:>4} {s.precision:>9.3f} "
            f"{s.recall:>7.3f} {r.traps_taken:>6}   {after.recall:.3f}"
        )
    total = sum(
        (Score(int(r.proposed), int(r.right), int(r.truth)) for r in table.itertuples()),
        start=Score(0, 0, 0),
    )
    traps = sum(int(t) for t in table["traps_taken"])
    print(
        f"{'all':<6} {'':<9} {'':>5} {total.proposed:>4} {total.right:>4} "
        f"{total.proposed - total.right:>5} {total.truth:>4} {total.precision:>9.3f} "
        f"{total.recall:>7.3f} {traps:>6}"
    )


def run_set(title: str, folder: Path) -> int:
    """Print one set's table; the number of wrong values accepted plus traps taken."""
    fw = load_framework(FRAMEWORK)
    units = folder / "units.csv" if (folder / "units.csv").exists() else LIYANG_UNITS
    head = (
        f"{'text':<28} {'n':>4} {'ok':>4} {'wrong':>5} {'true':>4} {'precision':>9} {'recall':>7} "
        f"{'traps':>6}"
    )
    totals = {"proposed": (Score(0, 0, 0), 0), "accepted": (Score(0, 0, 0), 0)}
    rows: dict[str, list[str]] = {"proposed": [], "accepted": []}
    bad = 0
    for text, unit, year, truth_file in texts(folder):
        truth = pd.read_csv(truth_file, dtype=str)
        traps = traps_of(truth_file)
        proposed = read_bulletin(text, fw, unit, year).review()
        accepted = _accepted(text, unit, year, units)
        for kind, table in (("proposed", proposed), ("accepted", accepted)):
            s = score(table, truth)
            taken = traps_taken(table, traps) if len(traps) else traps.iloc[0:0]
            total, n_traps = totals[kind]
            totals[kind] = (total + s, n_traps + len(taken))
            rows[kind].append(_line(text.name, s, len(taken)))
            if kind == "accepted" and len(taken):
                print(f"TRAPS taken from {text.name}:\n{taken.to_string()}")
                bad += len(taken)
        wrong = wrong_values(accepted, truth)
        bad += len(wrong)
        if len(wrong):
            print(f"WRONG values accepted from {text.name}:\n{wrong.to_string()}")
    print(f"\n=== {title}: {folder.relative_to(ROOT)} ===")
    for kind in ("proposed", "accepted"):
        print(f"\n{kind} vs values entered by hand (wrong: values not the hand-entered one)")
        print(head)
        print("\n".join(rows[kind]))
        print(_line("overall", *totals[kind]))
    return bad


def main() -> int:
    """Print the tables of every set; exit 1 if any accepted value is wrong or a trap."""
    print(__doc__.split("\n\n", 2)[1] if __doc__ else "")
    bad = sum(run_set(title, folder) for title, folder in SETS.items())
    first_reads()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
